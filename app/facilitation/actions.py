"""The action plan of a follow-up committee: actions, their change history, meeting reviews.

Every change to an action is kept as an :class:`~app.models.ActionChange` (field, old → new,
who, when, and the meeting whose review made it). :func:`update_action` returns what changed,
so undoing is just another update with the old values (which records its own change).
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields, replace
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.facilitation.committees import (
    CommitteeError,
    _committee,
    _line,
    _meeting,
    _pick,
    today_local,
)
from app.facilitation.conflicts import (
    EditConflict,
    begin_edit,
    check_version,
    commit_edit,
    make_conflict,
)
from app.i18n import N_, _
from app.models import (
    ACTION_STATUSES,
    Action,
    ActionChange,
    CommitteeMember,
    Decision,
    Organisation,
    utcnow,
)
from app.models.text import fold

#: Statuses of an action that is finished one way or another (never overdue).
CLOSED_STATUSES = ("done", "dropped")
OPEN_STATUSES = tuple(s for s in ACTION_STATUSES if s not in CLOSED_STATUSES)

_STATUSES = {
    "planned": N_("Planned"),
    "in_progress": N_("In progress"),
    "done": N_("Done"),
    "blocked": N_("Blocked"),
    "dropped": N_("Dropped"),
}

_FIELDS = {
    "created": N_("Created"),
    "reviewed": N_("Reviewed, unchanged"),
    "title": N_("Title"),
    "description": N_("Description"),
    "owner": N_("Owner"),
    "due_on": N_("Due date"),
    "status": N_("Status"),
    "progress": N_("Progress"),
    "notes": N_("Notes"),
    "decision": N_("Decision"),
}


def status_label(code: str) -> str:
    return _(_STATUSES.get(code, code))


def status_choices() -> list[tuple[str, str]]:
    return [(code, status_label(code)) for code in ACTION_STATUSES]


def field_label(field: str) -> str:
    """The name shown for a field of the change history."""
    return _(_FIELDS.get(field, field))


def is_overdue(due_on: date | None, status: str, today: date) -> bool:
    """An action is overdue when its due date has passed and it is neither done nor dropped."""
    return due_on is not None and due_on < today and status not in CLOSED_STATUSES


# --------------------------------------------------------------------------- data


@dataclass
class ActionData:
    """What a person types about an action. The owner is a member, an organisation, or just
    a name; ``owner_name`` is filled from the member or organisation when left empty."""

    title: str = ""
    description: str | None = None
    owner_member_id: uuid.UUID | None = None
    owner_organisation_id: uuid.UUID | None = None
    owner_name: str | None = None
    created_on: date | None = None
    due_on: date | None = None
    status: str = "planned"
    progress: int = 0
    notes: str | None = None
    decision_id: uuid.UUID | None = None


#: Fields :func:`update_action` accepts (``created_on`` is fixed at creation).
EDITABLE = tuple(f.name for f in fields(ActionData) if f.name != "created_on")


def _progress(value) -> int:
    if isinstance(value, bool):
        value = None
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = math.nan
    if math.isnan(number) or number != int(number):
        raise CommitteeError(
            _("Progress must be a whole number from 0 to 100, not “{value}”.").format(value=value)
        )
    if not 0 <= number <= 100:
        raise CommitteeError(
            _("Progress must be between 0 and 100 %, not {value}.").format(value=int(number))
        )
    return int(number)


def _clean(session: Session, committee_id: uuid.UUID, data: ActionData) -> ActionData:
    """Validate ``data`` (a complete action) and fill the owner's name."""
    data = replace(
        data,
        title=_line(data.title) or "",
        description=(data.description or "").strip() or None,
        owner_name=_line(data.owner_name),
        notes=(data.notes or "").strip() or None,
        status=data.status or "planned",
    )
    if not data.title:
        raise CommitteeError(_("An action needs a title."))
    if data.status not in ACTION_STATUSES:
        raise CommitteeError(_("Unknown action status “{status}”.").format(status=data.status))
    data.progress = _progress(data.progress)
    if data.created_on is None:
        raise CommitteeError(_("An action needs its creation date."))
    if data.due_on is not None and data.due_on < data.created_on:
        raise CommitteeError(
            _("The due date {due} is before the action was created ({created}).").format(
                due=data.due_on.isoformat(), created=data.created_on.isoformat()
            )
        )
    if data.owner_member_id is not None:
        member = session.get(CommitteeMember, data.owner_member_id)
        if member is None or member.committee_id != committee_id:
            raise CommitteeError(_("The owner must be a member of this committee."))
        data.owner_name = data.owner_name or member.name
    if data.owner_organisation_id is not None:
        organisation = session.get(Organisation, data.owner_organisation_id)
        if organisation is None:
            raise CommitteeError(_("This organisation no longer exists."))
        data.owner_name = data.owner_name or organisation.name
    if data.decision_id is not None and session.get(Decision, data.decision_id) is None:
        raise CommitteeError(_("This decision no longer exists."))
    return data


@dataclass(frozen=True)
class ActionRow:
    """An action as listed (the action plan, filters, reviews)."""

    id: uuid.UUID
    title: str
    owner_name: str | None
    owner_member_id: uuid.UUID | None
    owner_organisation_id: uuid.UUID | None
    created_on: date
    due_on: date | None
    status: str
    progress: int
    overdue: bool

    def as_dict(self) -> dict:
        return {
            "id": str(self.id),
            "title": self.title,
            "owner": self.owner_name,
            "created_on": self.created_on.isoformat(),
            "due_on": self.due_on.isoformat() if self.due_on else None,
            "status": self.status,
            "progress": self.progress,
            "overdue": self.overdue,
        }


@dataclass(frozen=True)
class ActionInfo:
    id: uuid.UUID
    committee_id: uuid.UUID
    data: ActionData
    overdue: bool
    #: The stored version, to pass back as ``expected_version`` when saving an edit.
    version: int = 1

    def as_dict(self) -> dict:
        d = self.data
        return {
            "id": str(self.id),
            "committee_id": str(self.committee_id),
            "title": d.title,
            "description": d.description,
            "owner": d.owner_name,
            "owner_member_id": str(d.owner_member_id) if d.owner_member_id else None,
            "created_on": d.created_on.isoformat() if d.created_on else None,
            "due_on": d.due_on.isoformat() if d.due_on else None,
            "status": d.status,
            "progress": d.progress,
            "notes": d.notes,
            "decision_id": str(d.decision_id) if d.decision_id else None,
            "overdue": self.overdue,
            "version": self.version,
        }


@dataclass(frozen=True)
class FieldChange:
    """One field changed by :func:`update_action` (the values as typed, for undo)."""

    field: str
    old: object
    new: object


@dataclass(frozen=True)
class ActionUpdate:
    action: ActionInfo
    changes: tuple[FieldChange, ...]

    @property
    def undo(self) -> dict[str, object]:
        """The fields to give :func:`update_action` to put the action back as it was."""
        return {c.field: c.old for c in self.changes}


@dataclass(frozen=True)
class ChangeInfo:
    """One line of an action's history: who changed what, when, old → new."""

    id: uuid.UUID
    field: str
    old: str | None
    new: str | None
    author: str | None
    at: datetime
    meeting_id: uuid.UUID | None

    def as_dict(self) -> dict:
        return {
            "field": self.field,
            "old": self.old,
            "new": self.new,
            "author": self.author,
            "at": self.at.isoformat(),
            "meeting_id": str(self.meeting_id) if self.meeting_id else None,
        }


def _data(action: Action) -> ActionData:
    return ActionData(
        title=action.title,
        description=action.description,
        owner_member_id=action.owner_member_id,
        owner_organisation_id=action.owner_organisation_id,
        owner_name=action.owner_name,
        created_on=action.created_on,
        due_on=action.due_on,
        status=action.status,
        progress=action.progress,
        notes=action.notes,
        decision_id=action.decision_id,
    )


def _info(action: Action, today: date | None = None) -> ActionInfo:
    today = today or today_local()
    return ActionInfo(
        action.id,
        action.committee_id,
        _data(action),
        is_overdue(action.due_on, action.status, today),
        action.version or 1,
    )


def _action(session: Session, action_id: uuid.UUID) -> Action:
    action = session.get(Action, action_id)
    if action is None:
        raise CommitteeError(_("This action no longer exists."))
    return action


def _author(author: str | None) -> str | None:
    return _line(author)


def action_info(session: Session, action_id: uuid.UUID, *, today: date | None = None) -> ActionInfo:
    return _info(_action(session, action_id), today)


def find_action(session: Session, committee_id: uuid.UUID | None, ref: str) -> uuid.UUID:
    """An action by id, title, or a unique beginning of its title (in one committee if
    given)."""
    query = select(Action.id, Action.title)
    if committee_id is not None:
        query = query.where(Action.committee_id == committee_id)
    found = _pick([tuple(r) for r in session.execute(query)], ref)
    if isinstance(found, uuid.UUID):
        return found
    if not found:
        raise CommitteeError(_("No action matches “{ref}”.").format(ref=ref))
    raise CommitteeError(
        _("“{ref}” matches several actions; give more of the title or the id.").format(ref=ref)
    )


# --------------------------------------------------------------------------- writing


def create_action(
    session: Session,
    committee_id: uuid.UUID,
    data: ActionData,
    *,
    author: str | None = None,
    today: date | None = None,
    action_id: uuid.UUID | None = None,
    at: datetime | None = None,
) -> ActionInfo:
    """Add an action to the plan (created today unless ``data.created_on`` says otherwise;
    its history starts ``at``, default now). ``action_id`` gives it a known id (redoing an
    undone creation brings back the same one)."""
    _committee(session, committee_id)
    today = today or today_local()
    data = _clean(session, committee_id, replace(data, created_on=data.created_on or today))
    if action_id is not None and session.get(Action, action_id) is not None:
        raise CommitteeError(_("This action already exists."))
    action = Action(id=action_id or uuid.uuid4(), committee_id=committee_id)
    for name in (f.name for f in fields(ActionData)):
        setattr(action, name, getattr(data, name))
    session.add(action)
    session.add(
        ActionChange(
            action_id=action.id,
            field="created",
            new_value=data.title,
            author=_author(author),
            created_at=at or utcnow(),
        )
    )
    session.commit()
    return _info(action, today)


def change_text(value) -> str | None:
    """A value as kept in the history (dates ISO, numbers as digits)."""
    if value is None:
        return None
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def update_action(
    session: Session,
    action_id: uuid.UUID,
    changes: Mapping[str, object],
    *,
    author: str | None = None,
    meeting_id: uuid.UUID | None = None,
    at: datetime | None = None,
    today: date | None = None,
    expected_version: int | None = None,
) -> ActionUpdate:
    """Change some fields of an action (``{"status": "done", "progress": 100}``) and record
    each change in its history. Marking an action done without a progress sets it to 100 %.
    Bad input changes nothing. Returns what changed (empty when nothing did).

    With ``expected_version`` (the version the user saw), an action saved by someone else
    meanwhile raises :class:`EditConflict` and nothing is saved."""
    begin_edit(session)
    action = _action(session, action_id)
    unknown = sorted(set(changes) - set(EDITABLE))
    if unknown:
        raise CommitteeError(
            _("An action has no field “{field}”.").format(field=", ".join(unknown))
        )

    def conflict() -> EditConflict:
        return action_conflict(session, action_id, changes, expected_version or 0)

    check_version(action, expected_version, conflict)
    before = _data(action)
    wanted = dict(changes)
    if wanted.get("status") == "done" and before.status != "done" and "progress" not in wanted:
        wanted["progress"] = 100
    if "owner_member_id" in wanted or "owner_organisation_id" in wanted:
        wanted.setdefault("owner_name", None)  # follow the new owner unless a name is given
    after = _clean(session, action.committee_id, replace(before, **wanted))
    changed = tuple(
        FieldChange(name, getattr(before, name), getattr(after, name))
        for name in EDITABLE
        if getattr(before, name) != getattr(after, name)
    )
    when = at or utcnow()
    for change in changed:
        setattr(action, change.field, change.new)
        if change.field in ("owner_member_id", "owner_organisation_id"):
            continue  # the history shows the owner's name
        field = {"owner_name": "owner", "decision_id": "decision"}.get(change.field, change.field)
        session.add(
            ActionChange(
                action_id=action.id,
                field=field,
                old_value=change_text(change.old),
                new_value=change_text(change.new),
                author=_author(author),
                session_id=meeting_id,
                created_at=when,
            )
        )
    commit_edit(session, expected_version, conflict)
    return ActionUpdate(_info(action, today), changed)


def action_conflict(
    session: Session, action_id: uuid.UUID, changes: Mapping[str, object], expected_version: int
) -> EditConflict:
    """The fields the user changed against the same fields as stored now (read afresh)."""
    session.expire_all()
    action = _action(session, action_id)
    stored = _data(action)

    def name(model, attribute):
        def show(record_id) -> str:
            found = session.get(model, record_id)
            return getattr(found, attribute) if found else str(record_id)

        return show

    return make_conflict(
        action.title,
        expected_version,
        action.version,
        dict(changes),
        {key: getattr(stored, key) for key in changes},
        names={
            "status": lambda code: status_label(str(code)),
            "owner_member_id": name(CommitteeMember, "name"),
            "owner_organisation_id": name(Organisation, "name"),
            "decision_id": name(Decision, "text"),
        },
    )


def delete_action(session: Session, action_id: uuid.UUID) -> ActionInfo:
    """Delete an action and its history (prefer the status "dropped" to keep a trace)."""
    action = _action(session, action_id)
    info = _info(action)
    session.delete(action)
    session.commit()
    return info


def action_history(session: Session, action_id: uuid.UUID) -> list[ChangeInfo]:
    """Every change to an action, oldest first."""
    _action(session, action_id)
    rows = session.scalars(
        select(ActionChange)
        .where(ActionChange.action_id == action_id)
        .order_by(ActionChange.created_at, ActionChange.field)
    )
    return [
        ChangeInfo(c.id, c.field, c.old_value, c.new_value, c.author, c.created_at, c.session_id)
        for c in rows
    ]


# --------------------------------------------------------------------------- listing

_ROW_COLUMNS = (
    Action.id,
    Action.title,
    Action.owner_name,
    Action.owner_member_id,
    Action.owner_organisation_id,
    Action.created_on,
    Action.due_on,
    Action.status,
    Action.progress,
)


def _statuses(status: str | Iterable[str] | None) -> tuple[str, ...] | None:
    if status is None:
        return None
    wanted = (status,) if isinstance(status, str) else tuple(status)
    for code in wanted:
        if code not in ACTION_STATUSES:
            raise CommitteeError(_("Unknown action status “{status}”.").format(status=code))
    return wanted


def list_actions(
    session: Session,
    committee_id: uuid.UUID,
    *,
    owner: uuid.UUID | str | None = None,
    status: str | Iterable[str] | None = None,
    due_from: date | None = None,
    due_to: date | None = None,
    overdue_only: bool = False,
    today: date | None = None,
) -> list[ActionRow]:
    """The committee's actions by due date (none last), then title. ``owner`` is a member or
    organisation id, or a name (accents and case ignored); ``status`` one code or several;
    ``due_from``/``due_to`` are inclusive; ``overdue_only`` keeps actions past due and open."""
    today = today or today_local()
    statuses = _statuses(status)
    query = select(*_ROW_COLUMNS).where(Action.committee_id == committee_id)
    if statuses is not None:
        query = query.where(Action.status.in_(statuses))
    if due_from is not None:
        query = query.where(Action.due_on >= due_from)
    if due_to is not None:
        query = query.where(Action.due_on <= due_to)
    if overdue_only:
        query = query.where(Action.due_on < today, Action.status.in_(OPEN_STATUSES))
    if isinstance(owner, uuid.UUID):
        query = query.where(
            (Action.owner_member_id == owner) | (Action.owner_organisation_id == owner)
        )
    elif isinstance(owner, str):
        folded = fold(owner)
        names = [n for n in action_owners(session, committee_id) if fold(n) == folded]
        query = query.where(Action.owner_name.in_(names))
    rows = session.execute(query).all()
    result = [ActionRow(*r, overdue=is_overdue(r.due_on, r.status, today)) for r in rows]
    result.sort(key=lambda r: (r.due_on is None, r.due_on or today, fold(r.title)))
    return result


def action_owners(session: Session, committee_id: uuid.UUID) -> list[str]:
    """The distinct owner names of the committee's actions (for a filter's choices)."""
    names = session.scalars(
        select(Action.owner_name)
        .where(Action.committee_id == committee_id, Action.owner_name.is_not(None))
        .distinct()
    )
    return sorted(set(names), key=fold)


# --------------------------------------------------------------------------- reviews


def open_actions_for_review(
    session: Session, committee_id: uuid.UUID, *, today: date | None = None
) -> list[ActionRow]:
    """The actions a meeting walks through: every open one, overdue first, then by due date."""
    _committee(session, committee_id)
    rows = list_actions(session, committee_id, status=OPEN_STATUSES, today=today)
    return sorted(rows, key=lambda r: not r.overdue)  # stable: keeps the due-date order


def record_review(
    session: Session,
    meeting_id: uuid.UUID,
    action_id: uuid.UUID,
    changes: Mapping[str, object] | None = None,
    *,
    author: str | None = None,
    today: date | None = None,
    at: datetime | None = None,
) -> ActionUpdate:
    """Record a meeting's review of one action: the changes agreed, linked to the meeting in
    the history (dated ``at``, default now). An action reviewed without change gets a
    "reviewed" line, so the history shows it was looked at."""
    meeting = _meeting(session, meeting_id)
    action = _action(session, action_id)
    if meeting.committee_id != action.committee_id:
        raise CommitteeError(_("This action belongs to another committee than the meeting."))
    result = update_action(
        session, action.id, changes or {}, author=author, meeting_id=meeting.id, today=today,
        at=at,
    )  # fmt: skip
    if not result.changes:
        session.add(
            ActionChange(
                action_id=action.id,
                field="reviewed",
                new_value=meeting.title,
                author=_author(author),
                session_id=meeting.id,
                created_at=at or utcnow(),
            )
        )
        session.commit()
    return result


def reviewed_in(session: Session, meeting_id: uuid.UUID) -> set[uuid.UUID]:
    """The actions a meeting has already reviewed (changed or marked as reviewed)."""
    return set(
        session.scalars(
            select(ActionChange.action_id).where(ActionChange.session_id == meeting_id).distinct()
        )
    )
