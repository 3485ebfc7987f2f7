"""Undoable committee edits: one QUndoCommand per user action, each calling the same
facilitation function as the CLI. An action edit keeps what ``update_action`` says changed,
so undoing is another update with the old values (recorded in the action's history too)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from datetime import date, datetime

from PySide6.QtGui import QUndoCommand

from app.errors import AtelierError
from app.facilitation import actions as A
from app.facilitation import committees as C
from app.facilitation import indicators as I
from app.i18n import _
from app.store import Store

#: Called after every change (and every undo/redo) with what to select, if anything.
Changed = Callable[[uuid.UUID | None], None]
#: Told about a refusal during an undo or redo (the data changed meanwhile).
Refused = Callable[[AtelierError], None]


class CommitteeCommand(QUndoCommand):
    """A change that may be refused on its first run: then ``error`` holds why and the
    command marks itself obsolete, so the stack drops it. Later refusals (undo/redo after
    something else changed the data) are reported through ``refused``."""

    def __init__(self, store: Store, text: str, changed: Changed, refused: Refused) -> None:
        super().__init__(text)
        self.store = store
        self.changed = changed
        self.refused = refused
        self.error: AtelierError | None = None
        self._done_once = False

    def redo(self) -> None:
        try:
            self.do()
        except AtelierError as exc:
            if self._done_once:
                self.refused(exc)
                return
            self.error = exc
            self.setObsolete(True)
            return
        self._done_once = True

    def undo(self) -> None:
        try:
            self.undo_it()
        except AtelierError as exc:
            self.refused(exc)

    def do(self) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def undo_it(self) -> None:  # pragma: no cover - abstract
        raise NotImplementedError


# --------------------------------------------------------------------------- actions


class CreateAction(CommitteeCommand):
    def __init__(
        self,
        store: Store,
        committee_id: uuid.UUID,
        data: A.ActionData,
        changed: Changed,
        refused: Refused,
        *,
        author: str | None = None,
        today: date | None = None,
        at: datetime | None = None,
    ) -> None:
        super().__init__(
            store, _("Add the action “{title}”").format(title=data.title), changed, refused
        )
        self.at = at
        self.committee_id = committee_id
        self.data = data
        self.author = author
        self.today = today
        self.action_id = uuid.uuid4()

    def do(self) -> None:
        with self.store.session() as session:
            A.create_action(
                session, self.committee_id, self.data, author=self.author, today=self.today,
                action_id=self.action_id, at=self.at,
            )  # fmt: skip
        self.changed(self.action_id)

    def undo_it(self) -> None:
        with self.store.session() as session:
            A.delete_action(session, self.action_id)
        self.changed(None)


class EditAction(CommitteeCommand):
    """Change fields of an action; with a meeting, it is that meeting's review (the history
    links the change to the meeting, and a review without change is still recorded)."""

    def __init__(
        self,
        store: Store,
        action_id: uuid.UUID,
        title: str,
        changes: Mapping[str, object],
        changed: Changed,
        refused: Refused,
        *,
        author: str | None = None,
        meeting_id: uuid.UUID | None = None,
        today: date | None = None,
        at: datetime | None = None,
    ) -> None:
        text = (_("Review “{title}”") if meeting_id else _("Edit the action “{title}”")).format(
            title=title
        )
        super().__init__(store, text, changed, refused)
        self.action_id = action_id
        self.changes = dict(changes)
        self.author = author
        self.meeting_id = meeting_id
        self.today = today
        self.at = at
        self.result: A.ActionUpdate | None = None

    def do(self) -> None:
        with self.store.session() as session:
            if self.meeting_id is not None and self.result is None:
                self.result = A.record_review(
                    session, self.meeting_id, self.action_id, self.changes,
                    author=self.author, today=self.today, at=self.at,
                )  # fmt: skip
            elif self.result is None:
                self.result = A.update_action(
                    session, self.action_id, self.changes, author=self.author, today=self.today,
                    at=self.at,
                )  # fmt: skip
            else:
                A.update_action(
                    session, self.action_id, {c.field: c.new for c in self.result.changes},
                    author=self.author, meeting_id=self.meeting_id, today=self.today,
                )  # fmt: skip
        if not self.result.changes:
            self.setObsolete(True)  # nothing changed (a review may be recorded): nothing to undo
        self.changed(self.action_id)

    def undo_it(self) -> None:
        if self.result is not None and self.result.changes:
            with self.store.session() as session:
                A.update_action(
                    session, self.action_id, self.result.undo,
                    author=self.author, meeting_id=self.meeting_id, today=self.today,
                )  # fmt: skip
        self.changed(self.action_id)


# --------------------------------------------------------------------------- members


class AddMembers(CommitteeCommand):
    """Add one member (``data``) or a whole citizen jury (``panel_id``); undo removes them,
    redo brings the very same members back."""

    def __init__(
        self,
        store: Store,
        committee_id: uuid.UUID,
        changed: Changed,
        refused: Refused,
        *,
        data: C.MemberData | None = None,
        panel_id: uuid.UUID | None = None,
        role: str = "member",
        joined_on: date | None = None,
        today: date | None = None,
        text: str = "",
    ) -> None:
        super().__init__(store, text or _("Add a member"), changed, refused)
        self.committee_id = committee_id
        self.data = data
        self.panel_id = panel_id
        self.role = role
        self.joined_on = joined_on
        self.today = today
        self.added: list[C.MemberInfo] | None = None

    def do(self) -> None:
        with self.store.session() as session:
            if self.added is None:
                if self.panel_id is not None:
                    self.added = C.add_panel_members(
                        session, self.committee_id, self.panel_id, role=self.role,
                        joined_on=self.joined_on, today=self.today,
                    )  # fmt: skip
                else:
                    self.added = [
                        C.add_member(session, self.committee_id, self.data, today=self.today)
                    ]
            else:
                for info in self.added:
                    C.restore_member(session, info)
        self.changed(self.added[0].id if self.added else None)

    def undo_it(self) -> None:
        with self.store.session() as session:
            for info in self.added or []:
                C.remove_member(session, info.id)
        self.changed(None)


class EditMember(CommitteeCommand):
    def __init__(
        self,
        store: Store,
        member_id: uuid.UUID,
        data: C.MemberData,
        changed: Changed,
        refused: Refused,
        *,
        today: date | None = None,
    ) -> None:
        super().__init__(
            store, _("Edit the member {name}").format(name=data.name or ""), changed, refused
        )
        self.member_id = member_id
        self.new = data
        self.old: C.MemberData | None = None
        self.today = today

    def do(self) -> None:
        with self.store.session() as session:
            old = C.member_data(session, self.member_id)
            C.update_member(session, self.member_id, self.new, today=self.today)
            self.old = self.old or old
        self.changed(self.member_id)

    def undo_it(self) -> None:
        with self.store.session() as session:
            C.update_member(session, self.member_id, self.old, today=self.today)
        self.changed(self.member_id)


class RemoveMember(CommitteeCommand):
    """Remove a member; their actions keep their name. Undo brings them back, relinked."""

    def __init__(
        self, store: Store, member_id: uuid.UUID, name: str, changed: Changed, refused: Refused
    ) -> None:
        super().__init__(store, _("Remove {name}").format(name=name), changed, refused)
        self.member_id = member_id
        self.info: C.MemberInfo | None = None

    def do(self) -> None:
        with self.store.session() as session:
            self.info = C.remove_member(session, self.member_id)
        self.changed(None)

    def undo_it(self) -> None:
        with self.store.session() as session:
            C.restore_member(session, self.info)
        self.changed(self.member_id)


# --------------------------------------------------------------------------- measurements


class AddMeasurement(CommitteeCommand):
    def __init__(
        self,
        store: Store,
        indicator_id: uuid.UUID,
        measured_on: date | None,
        value,
        changed: Changed,
        refused: Refused,
        *,
        source: str | None = None,
        note: str | None = None,
    ) -> None:
        super().__init__(store, _("Add a measurement"), changed, refused)
        self.indicator_id = indicator_id
        self.args = (measured_on, value)
        self.source, self.note = source, note
        self.measurement_id: uuid.UUID | None = None

    def do(self) -> None:
        with self.store.session() as session:
            info = I.add_measurement(
                session, self.indicator_id, *self.args, source=self.source, note=self.note
            )
        self.measurement_id = info.id
        self.changed(self.indicator_id)

    def undo_it(self) -> None:
        with self.store.session() as session:
            I.remove_measurement(session, self.measurement_id)
        self.changed(self.indicator_id)
