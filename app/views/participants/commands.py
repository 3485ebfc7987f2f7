"""Undoable participant edits: one QUndoCommand per user action, each calling the same
facilitation function as the CLI."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from PySide6.QtGui import QUndoCommand

from app.errors import AtelierError
from app.facilitation.participants import (
    ParticipantData,
    ParticipantSnapshot,
    create_participant,
    delete_participant,
    restore_participant,
    update_participant,
)
from app.i18n import _
from app.store import Store

#: Called after every change with the participant to show (None: nothing to select).
Changed = Callable[[uuid.UUID | None], None]


class ParticipantCommand(QUndoCommand):
    """A change that may be refused on its first run: then ``error`` holds why, and the
    command marks itself obsolete so the undo stack drops it."""

    def __init__(self, store: Store, text: str, changed: Changed) -> None:
        super().__init__(text)
        self.store = store
        self.changed = changed
        self.error: AtelierError | None = None
        self._done_once = False

    def redo(self) -> None:
        try:
            self.do()
        except AtelierError as exc:
            if self._done_once:
                raise
            self.error = exc
            self.setObsolete(True)
            return
        self._done_once = True

    def do(self) -> None:  # pragma: no cover - abstract
        raise NotImplementedError


class CreateParticipant(ParticipantCommand):
    def __init__(self, store: Store, data: ParticipantData, changed: Changed) -> None:
        super().__init__(store, _("Add {name}").format(name=_display(data)), changed)
        self.data = data
        self.participant_id = uuid.uuid4()
        self._snapshot: ParticipantSnapshot | None = None

    def do(self) -> None:
        with self.store.session() as session:
            if self._snapshot is None:
                create_participant(session, self.data, participant_id=self.participant_id)
            else:  # redo after undo: the very same person (same code) comes back
                restore_participant(session, self._snapshot)
        self.changed(self.participant_id)

    def undo(self) -> None:
        with self.store.session() as session:
            self._snapshot = delete_participant(session, self.participant_id)
        self.changed(None)


class EditParticipant(ParticipantCommand):
    def __init__(
        self, store: Store, participant_id: uuid.UUID, data: ParticipantData, changed: Changed
    ) -> None:
        super().__init__(store, _("Edit {name}").format(name=_display(data)), changed)
        self.participant_id = participant_id
        self.new = data
        self.old: ParticipantData | None = None

    def do(self) -> None:
        with self.store.session() as session:
            self.old = update_participant(session, self.participant_id, self.new)
        self.changed(self.participant_id)

    def undo(self) -> None:
        with self.store.session() as session:
            update_participant(session, self.participant_id, self.old)
        self.changed(self.participant_id)


class DeleteParticipant(ParticipantCommand):
    def __init__(
        self, store: Store, participant_id: uuid.UUID, name: str, changed: Changed
    ) -> None:
        super().__init__(store, _("Delete {name}").format(name=name), changed)
        self.participant_id = participant_id
        self.snapshot: ParticipantSnapshot | None = None

    def do(self) -> None:
        with self.store.session() as session:
            self.snapshot = delete_participant(session, self.participant_id)
        self.changed(None)

    def undo(self) -> None:
        with self.store.session() as session:
            restore_participant(session, self.snapshot)
        self.changed(self.participant_id)


def _display(data: ParticipantData) -> str:
    return f"{data.first_name} {data.last_name}".strip()
