"""Processes (démarches), their sessions (ateliers), agendas, minutes and decisions.

Each function does one user action on the ORM session it is given, commits when it writes and
returns a small dataclass. Bad input raises :class:`~app.errors.AtelierError` with a translated
one-line message.

Minutes follow a shared validation: ``draft`` → ``circulated`` → ``validated``.

- Editing the text of *validated* minutes is refused: they are the public record. Reopen them
  first (:func:`reopen_minutes`, back to draft, who validated them is forgotten).
- Editing the text of *circulated* minutes sends them back to draft: what people read is no
  longer what is written, so they must be circulated again.
- Validation needs circulated minutes and the name of who validated them.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.errors import AtelierError
from app.facilitation.conflicts import begin_edit, check_version, commit_edit, conflict_factory
from app.i18n import _
from app.models import (
    DECISION_STATUSES,
    PHASES,
    AgendaItem,
    Attendance,
    Decision,
    Participant,
    Process,
    Registration,
    utcnow,
)
from app.models import Session as WorkshopSession
from app.models.text import fold

# --------------------------------------------------------------------------- overview


@dataclass(frozen=True)
class SessionSummary:
    id: uuid.UUID
    title: str
    starts_at: datetime
    place: str | None
    attendance: int
    minutes_status: str


@dataclass(frozen=True)
class ProcessSummary:
    id: uuid.UUID
    title: str
    phase: str
    registered: int
    sessions: list[SessionSummary] = field(default_factory=list)


def process_overview(session: Session) -> list[ProcessSummary]:
    """Every process with its sessions in date order and the attendance of each."""
    attendance = dict(
        session.execute(
            select(Attendance.session_id, func.count()).group_by(Attendance.session_id)
        ).all()
    )
    registered = dict(
        session.execute(
            select(Registration.process_id, func.count()).group_by(Registration.process_id)
        ).all()
    )
    by_process: dict[uuid.UUID, list[SessionSummary]] = {}
    for s in session.execute(select(WorkshopSession).order_by(WorkshopSession.starts_at)).scalars():
        by_process.setdefault(s.process_id, []).append(
            SessionSummary(
                id=s.id,
                title=s.title,
                starts_at=s.starts_at,
                place=s.place,
                attendance=attendance.get(s.id, 0),
                minutes_status=s.minutes_status,
            )
        )
    processes = session.execute(
        select(Process).order_by(Process.started_on.desc().nulls_last(), Process.title)
    ).scalars()
    return [
        ProcessSummary(
            id=p.id,
            title=p.title,
            phase=p.phase,
            registered=registered.get(p.id, 0),
            sessions=by_process.get(p.id, []),
        )
        for p in processes
    ]


# --------------------------------------------------------------------------- processes


@dataclass
class ProcessData:
    """What a person types about a process (the process dialog, the CLI)."""

    title: str = ""
    description: str | None = None
    phase: str = "co_prioritise"
    charter: str | None = None
    started_on: date | None = None
    ended_on: date | None = None
    organisation_id: uuid.UUID | None = None

    def cleaned(self) -> ProcessData:
        data = ProcessData(
            title=" ".join((self.title or "").split()),
            description=(self.description or "").strip() or None,
            phase=self.phase or "co_prioritise",
            charter=(self.charter or "").strip() or None,
            started_on=self.started_on,
            ended_on=self.ended_on,
            organisation_id=self.organisation_id,
        )
        if not data.title:
            raise AtelierError(_("A process needs a title."))
        if data.phase not in PHASES:
            raise AtelierError(_("Unknown phase “{phase}”.").format(phase=data.phase))
        if data.started_on and data.ended_on and data.ended_on < data.started_on:
            raise AtelierError(_("A process cannot end before it starts."))
        return data


@dataclass(frozen=True)
class ProcessInfo:
    id: uuid.UUID
    title: str
    description: str | None
    phase: str
    charter: str | None
    started_on: date | None
    ended_on: date | None
    organisation_id: uuid.UUID | None
    registered: int
    session_count: int

    def as_dict(self) -> dict:
        return {
            "id": str(self.id),
            "title": self.title,
            "description": self.description,
            "phase": self.phase,
            "charter": self.charter,
            "started_on": self.started_on.isoformat() if self.started_on else None,
            "ended_on": self.ended_on.isoformat() if self.ended_on else None,
            "registered": self.registered,
            "sessions": self.session_count,
        }


def _process(session: Session, process_id: uuid.UUID) -> Process:
    process = session.get(Process, process_id)
    if process is None:
        raise AtelierError(_("This process no longer exists."))
    return process


def process_info(session: Session, process_id: uuid.UUID) -> ProcessInfo:
    p = _process(session, process_id)
    registered = session.scalar(
        select(func.count()).select_from(Registration).where(Registration.process_id == p.id)
    )
    count = session.scalar(
        select(func.count()).select_from(WorkshopSession).where(WorkshopSession.process_id == p.id)
    )
    return ProcessInfo(
        id=p.id,
        title=p.title,
        description=p.description,
        phase=p.phase,
        charter=p.charter,
        started_on=p.started_on,
        ended_on=p.ended_on,
        organisation_id=p.organisation_id,
        registered=registered or 0,
        session_count=count or 0,
    )


def list_processes(session: Session) -> list[ProcessInfo]:
    return [process_info(session, p.id) for p in process_overview(session)]


def _write_process(process: Process, data: ProcessData) -> None:
    process.title = data.title
    process.description = data.description
    process.phase = data.phase
    process.charter = data.charter
    process.started_on = data.started_on
    process.ended_on = data.ended_on
    process.organisation_id = data.organisation_id


def create_process(session: Session, data: ProcessData) -> ProcessInfo:
    data = data.cleaned()
    process = Process(id=uuid.uuid4())
    _write_process(process, data)
    session.add(process)
    session.commit()
    return process_info(session, process.id)


def update_process(
    session: Session,
    process_id: uuid.UUID,
    data: ProcessData,
    expected_version: int | None = None,
) -> ProcessInfo:
    """Save a process; ``expected_version`` (the version the user saw) refuses a save over
    someone else's newer one with :class:`EditConflict`."""
    begin_edit(session)
    data = data.cleaned()
    record = _process(session, process_id)
    conflict = conflict_factory(
        session,
        Process,
        process_id,
        expected_version,
        data,
        lambda: process_data(session, process_id),
    )
    check_version(record, expected_version, conflict)
    _write_process(record, data)
    commit_edit(session, expected_version, conflict)
    return process_info(session, process_id)


def process_data(session: Session, process_id: uuid.UUID) -> ProcessData:
    p = _process(session, process_id)
    return ProcessData(
        title=p.title,
        description=p.description,
        phase=p.phase,
        charter=p.charter,
        started_on=p.started_on,
        ended_on=p.ended_on,
        organisation_id=p.organisation_id,
    )


@dataclass(frozen=True)
class Deleted:
    id: uuid.UUID
    title: str


def delete_process(session: Session, process_id: uuid.UUID) -> Deleted:
    """Delete a process with its sessions, registrations and attendance (not the people)."""
    process = _process(session, process_id)
    result = Deleted(process.id, process.title)
    session.execute(Registration.__table__.delete().where(Registration.process_id == process.id))
    session.delete(process)
    session.commit()
    return result


def _resolve(session: Session, model, ref: str) -> uuid.UUID | list[str]:
    """The id ``ref`` names (an id or a unique title prefix), or the titles it matches."""
    ref = (ref or "").strip()
    try:
        row = session.get(model, uuid.UUID(ref))
    except ValueError:
        row = None
    if row is not None:
        return row.id
    folded = fold(ref)
    matches = [
        (row_id, title)
        for row_id, title in session.execute(select(model.id, model.title)).all()
        if folded and fold(title).startswith(folded)
    ]
    if len(matches) == 1:
        return matches[0][0]
    return [title for _id, title in matches]


def find_process(session: Session, ref: str) -> uuid.UUID:
    """A process by its id or a unique prefix of its title (accents and case ignored)."""
    found = _resolve(session, Process, ref)
    if isinstance(found, uuid.UUID):
        return found
    if not found:
        raise AtelierError(_("No process matches “{ref}”.").format(ref=ref))
    raise AtelierError(
        _("“{ref}” matches several processes; give more of the title or the id.").format(ref=ref)
    )


def find_session(session: Session, ref: str) -> uuid.UUID:
    """A session by its id or a unique prefix of its title (accents and case ignored)."""
    found = _resolve(session, WorkshopSession, ref)
    if isinstance(found, uuid.UUID):
        return found
    if not found:
        raise AtelierError(_("No session matches “{ref}”.").format(ref=ref))
    raise AtelierError(
        _("“{ref}” matches several sessions; give more of the title or the id.").format(ref=ref)
    )


# --------------------------------------------------------------------------- registrations


@dataclass(frozen=True)
class RegistrationResult:
    process_id: uuid.UUID
    participant_id: uuid.UUID
    created: bool
    jury_volunteer: bool


def add_registration(
    session: Session, process_id: uuid.UUID, participant_id: uuid.UUID, jury_volunteer: bool
) -> tuple[Registration, bool]:
    """Register without committing (shared with sign-in); returns the row and if it is new."""
    existing = session.scalar(
        select(Registration).where(
            Registration.process_id == process_id, Registration.participant_id == participant_id
        )
    )
    if existing is not None:
        if jury_volunteer:
            existing.jury_volunteer = True
        return existing, False
    row = Registration(
        process_id=process_id, participant_id=participant_id, jury_volunteer=jury_volunteer
    )
    session.add(row)
    session.flush()
    return row, True


def register(
    session: Session, process_id: uuid.UUID, participant_id: uuid.UUID, jury_volunteer: bool = False
) -> RegistrationResult:
    """Register a participant in a process. Registering again changes nothing, except that
    ``jury_volunteer=True`` marks an existing registration as volunteering (never unmarks)."""
    _process(session, process_id)
    person = session.get(Participant, participant_id)
    if person is None or person.erased_at is not None:
        raise AtelierError(_("This participant no longer exists."))
    row, created = add_registration(session, process_id, participant_id, jury_volunteer)
    session.commit()
    return RegistrationResult(process_id, participant_id, created, row.jury_volunteer)


# --------------------------------------------------------------------------- sessions


@dataclass
class SessionData:
    """What a person types about a session."""

    process_id: uuid.UUID | None = None
    title: str = ""
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    place: str | None = None
    facilitators: str | None = None
    agenda: str | None = None

    def cleaned(self) -> SessionData:
        def line(value: str | None) -> str | None:
            return " ".join((value or "").split()) or None

        data = SessionData(
            process_id=self.process_id,
            title=line(self.title) or "",
            starts_at=self.starts_at,
            ends_at=self.ends_at,
            place=line(self.place),
            facilitators=line(self.facilitators),
            agenda=(self.agenda or "").strip() or None,
        )
        if data.process_id is None:
            raise AtelierError(_("A session belongs to a process; choose one."))
        if not data.title:
            raise AtelierError(_("A session needs a title."))
        if data.starts_at is None:
            raise AtelierError(_("A session needs a start date and time."))
        for moment in (data.starts_at, data.ends_at):
            if moment is not None and moment.tzinfo is None:
                raise AtelierError(_("Times must say their time zone."))
        if data.ends_at is not None and data.ends_at <= data.starts_at:
            raise AtelierError(_("A session must end after it starts."))
        return data


@dataclass(frozen=True)
class SessionInfo:
    id: uuid.UUID
    process_id: uuid.UUID
    process_title: str
    title: str
    starts_at: datetime
    ends_at: datetime | None
    place: str | None
    facilitators: str | None
    agenda: str | None
    minutes: str | None
    minutes_status: str
    minutes_circulated_at: datetime | None
    minutes_validated_at: datetime | None
    minutes_validated_by: str | None
    attendance: int

    @property
    def length_minutes(self) -> int | None:
        if self.ends_at is None:
            return None
        return int((self.ends_at - self.starts_at).total_seconds() // 60)

    def as_dict(self) -> dict:
        def moment(value: datetime | None) -> str | None:
            return value.isoformat() if value else None

        return {
            "id": str(self.id),
            "process_id": str(self.process_id),
            "title": self.title,
            "starts_at": moment(self.starts_at),
            "ends_at": moment(self.ends_at),
            "place": self.place,
            "facilitators": self.facilitators,
            "attendance": self.attendance,
            "minutes_status": self.minutes_status,
            "minutes_circulated_at": moment(self.minutes_circulated_at),
            "minutes_validated_at": moment(self.minutes_validated_at),
            "minutes_validated_by": self.minutes_validated_by,
        }


def _session(session: Session, session_id: uuid.UUID) -> WorkshopSession:
    workshop = session.get(WorkshopSession, session_id)
    if workshop is None:
        raise AtelierError(_("This session no longer exists."))
    return workshop


def session_info(session: Session, session_id: uuid.UUID) -> SessionInfo:
    s = _session(session, session_id)
    attendance = session.scalar(
        select(func.count()).select_from(Attendance).where(Attendance.session_id == s.id)
    )
    return SessionInfo(
        id=s.id,
        process_id=s.process_id,
        process_title=s.process.title,
        title=s.title,
        starts_at=s.starts_at,
        ends_at=s.ends_at,
        place=s.place,
        facilitators=s.facilitators,
        agenda=s.agenda,
        minutes=s.minutes,
        minutes_status=s.minutes_status,
        minutes_circulated_at=s.minutes_circulated_at,
        minutes_validated_at=s.minutes_validated_at,
        minutes_validated_by=s.minutes_validated_by,
        attendance=attendance or 0,
    )


def list_sessions(session: Session, process_id: uuid.UUID | None = None) -> list[SessionInfo]:
    query = select(WorkshopSession.id).order_by(WorkshopSession.starts_at, WorkshopSession.title)
    if process_id is not None:
        query = query.where(WorkshopSession.process_id == process_id)
    return [session_info(session, sid) for sid in session.scalars(query).all()]


def session_data(session: Session, session_id: uuid.UUID) -> SessionData:
    s = _session(session, session_id)
    return SessionData(
        process_id=s.process_id,
        title=s.title,
        starts_at=s.starts_at,
        ends_at=s.ends_at,
        place=s.place,
        facilitators=s.facilitators,
        agenda=s.agenda,
    )


def _write_session(workshop: WorkshopSession, data: SessionData) -> None:
    workshop.process_id = data.process_id
    workshop.title = data.title
    workshop.starts_at = data.starts_at
    workshop.ends_at = data.ends_at
    workshop.place = data.place
    workshop.facilitators = data.facilitators
    workshop.agenda = data.agenda


def create_session(session: Session, data: SessionData) -> SessionInfo:
    data = data.cleaned()
    _process(session, data.process_id)
    workshop = WorkshopSession(id=uuid.uuid4(), minutes_status="draft")
    _write_session(workshop, data)
    session.add(workshop)
    session.commit()
    return session_info(session, workshop.id)


def update_session(
    session: Session,
    session_id: uuid.UUID,
    data: SessionData,
    expected_version: int | None = None,
) -> SessionInfo:
    """Save a session; ``expected_version`` as in :func:`update_process`."""
    begin_edit(session)
    data = data.cleaned()
    _process(session, data.process_id)
    record = _session(session, session_id)
    conflict = conflict_factory(
        session,
        WorkshopSession,
        session_id,
        expected_version,
        data,
        lambda: session_data(session, session_id),
    )
    check_version(record, expected_version, conflict)
    _write_session(record, data)
    commit_edit(session, expected_version, conflict)
    return session_info(session, session_id)


def delete_session(session: Session, session_id: uuid.UUID) -> Deleted:
    """Delete a session with its agenda, minutes, decisions and sign-ins."""
    workshop = _session(session, session_id)
    result = Deleted(workshop.id, workshop.title)
    session.delete(workshop)
    session.commit()
    return result


# --------------------------------------------------------------------------- agenda


@dataclass(frozen=True)
class AgendaItemInfo:
    id: uuid.UUID
    position: int
    title: str
    duration_minutes: int | None
    notes: str | None


@dataclass(frozen=True)
class AgendaSummary:
    items: list[AgendaItemInfo]
    #: Sum of the items' durations (items without a duration count 0).
    total_minutes: int
    #: The session's length, or None when it has no end time.
    session_minutes: int | None

    @property
    def over_by(self) -> int:
        """Minutes the agenda runs over the session (0 when it fits or has no length)."""
        if self.session_minutes is None:
            return 0
        return max(0, self.total_minutes - self.session_minutes)

    @property
    def free_minutes(self) -> int | None:
        if self.session_minutes is None:
            return None
        return max(0, self.session_minutes - self.total_minutes)

    def as_dict(self) -> dict:
        return {
            "items": [
                {
                    "id": str(i.id),
                    "position": i.position,
                    "title": i.title,
                    "duration_minutes": i.duration_minutes,
                    "notes": i.notes,
                }
                for i in self.items
            ],
            "total_minutes": self.total_minutes,
            "session_minutes": self.session_minutes,
            "over_by": self.over_by,
        }


def _items(session: Session, session_id: uuid.UUID) -> list[AgendaItem]:
    return list(
        session.scalars(
            select(AgendaItem)
            .where(AgendaItem.session_id == session_id)
            .order_by(AgendaItem.position, AgendaItem.created_at)
        )
    )


def _renumber(items: list[AgendaItem]) -> None:
    for position, item in enumerate(items):
        item.position = position


def agenda_summary(session: Session, session_id: uuid.UUID) -> AgendaSummary:
    workshop = _session(session, session_id)
    items = [
        AgendaItemInfo(i.id, i.position, i.title, i.duration_minutes, i.notes)
        for i in _items(session, session_id)
    ]
    length = None
    if workshop.ends_at is not None:
        length = int((workshop.ends_at - workshop.starts_at).total_seconds() // 60)
    return AgendaSummary(
        items=items,
        total_minutes=sum(i.duration_minutes or 0 for i in items),
        session_minutes=length,
    )


def _item_fields(title: str, duration_minutes: int | None) -> tuple[str, int | None]:
    title = " ".join((title or "").split())
    if not title:
        raise AtelierError(_("An agenda item needs a title."))
    if duration_minutes is not None and not 0 <= duration_minutes <= 24 * 60:
        raise AtelierError(_("{n} minutes is not a plausible duration.").format(n=duration_minutes))
    return title, duration_minutes


def add_agenda_item(
    session: Session,
    session_id: uuid.UUID,
    title: str,
    duration_minutes: int | None = None,
    notes: str | None = None,
) -> AgendaSummary:
    """Add an item at the end of the agenda."""
    _session(session, session_id)
    title, duration_minutes = _item_fields(title, duration_minutes)
    items = _items(session, session_id)
    session.add(
        AgendaItem(
            session_id=session_id,
            position=len(items),
            title=title,
            duration_minutes=duration_minutes,
            notes=(notes or "").strip() or None,
        )
    )
    session.commit()
    return agenda_summary(session, session_id)


def _item(session: Session, item_id: uuid.UUID) -> AgendaItem:
    item = session.get(AgendaItem, item_id)
    if item is None:
        raise AtelierError(_("This agenda item no longer exists."))
    return item


def update_agenda_item(
    session: Session,
    item_id: uuid.UUID,
    title: str,
    duration_minutes: int | None,
    notes: str | None = None,
) -> AgendaSummary:
    item = _item(session, item_id)
    item.title, item.duration_minutes = _item_fields(title, duration_minutes)
    item.notes = (notes or "").strip() or None
    session.commit()
    return agenda_summary(session, item.session_id)


def remove_agenda_item(session: Session, item_id: uuid.UUID) -> AgendaSummary:
    item = _item(session, item_id)
    session_id = item.session_id
    session.delete(item)
    session.flush()
    _renumber(_items(session, session_id))
    session.commit()
    return agenda_summary(session, session_id)


def move_agenda_item(session: Session, item_id: uuid.UUID, position: int) -> AgendaSummary:
    """Move an item to ``position`` (0 = first; clamped to the agenda)."""
    item = _item(session, item_id)
    items = [i for i in _items(session, item.session_id) if i.id != item.id]
    items.insert(max(0, min(position, len(items))), item)
    _renumber(items)
    session.commit()
    return agenda_summary(session, item.session_id)


def agenda_from_text(session: Session, session_id: uuid.UUID) -> AgendaSummary:
    """Turn each line of the session's free agenda text into an item (no duration)."""
    workshop = _session(session, session_id)
    items = _items(session, session_id)
    lines = [" ".join(line.split()) for line in (workshop.agenda or "").splitlines()]
    lines = [line for line in lines if line]
    if not lines:
        raise AtelierError(_("The session has no agenda text to turn into items."))
    for offset, line in enumerate(lines):
        session.add(AgendaItem(session_id=session_id, position=len(items) + offset, title=line))
    session.commit()
    return agenda_summary(session, session_id)


# --------------------------------------------------------------------------- minutes


@dataclass(frozen=True)
class MinutesInfo:
    text: str
    status: str
    circulated_at: datetime | None
    validated_at: datetime | None
    validated_by: str | None

    def as_dict(self) -> dict:
        return {
            "text": self.text,
            "status": self.status,
            "circulated_at": self.circulated_at.isoformat() if self.circulated_at else None,
            "validated_at": self.validated_at.isoformat() if self.validated_at else None,
            "validated_by": self.validated_by,
        }


def minutes_info(session: Session, session_id: uuid.UUID) -> MinutesInfo:
    s = _session(session, session_id)
    return MinutesInfo(
        text=s.minutes or "",
        status=s.minutes_status,
        circulated_at=s.minutes_circulated_at,
        validated_at=s.minutes_validated_at,
        validated_by=s.minutes_validated_by,
    )


def set_minutes(session: Session, session_id: uuid.UUID, text: str) -> MinutesInfo:
    """Write the minutes. Refused once validated; circulated minutes go back to draft."""
    s = _session(session, session_id)
    text = (text or "").strip()
    if text == (s.minutes or ""):
        return minutes_info(session, session_id)
    if s.minutes_status == "validated":
        raise AtelierError(
            _("These minutes were validated by {who}; reopen them before changing them.").format(
                who=s.minutes_validated_by or "?"
            )
        )
    s.minutes = text or None
    if s.minutes_status == "circulated":
        s.minutes_status = "draft"
        s.minutes_circulated_at = None
    session.commit()
    return minutes_info(session, session_id)


def circulate_minutes(
    session: Session, session_id: uuid.UUID, *, at: datetime | None = None
) -> MinutesInfo:
    """Send the draft minutes round for comments (draft → circulated)."""
    s = _session(session, session_id)
    if s.minutes_status == "validated":
        raise AtelierError(_("These minutes are already validated."))
    if s.minutes_status == "circulated":
        return minutes_info(session, session_id)
    if not (s.minutes or "").strip():
        raise AtelierError(_("Write the minutes before circulating them."))
    s.minutes_status = "circulated"
    s.minutes_circulated_at = at or utcnow()
    session.commit()
    return minutes_info(session, session_id)


def validate_minutes(
    session: Session, session_id: uuid.UUID, by: str, *, at: datetime | None = None
) -> MinutesInfo:
    """Record that the circulated minutes were validated, by whom and when."""
    s = _session(session, session_id)
    by = " ".join((by or "").split())
    if not by:
        raise AtelierError(_("Say who validated the minutes."))
    if s.minutes_status == "validated":
        raise AtelierError(
            _("These minutes were already validated by {who}.").format(
                who=s.minutes_validated_by or "?"
            )
        )
    if s.minutes_status != "circulated":
        raise AtelierError(_("Circulate the minutes before validating them."))
    s.minutes_status = "validated"
    s.minutes_validated_at = at or utcnow()
    s.minutes_validated_by = by
    session.commit()
    return minutes_info(session, session_id)


def reopen_minutes(session: Session, session_id: uuid.UUID) -> MinutesInfo:
    """Send validated or circulated minutes back to draft so they can be corrected."""
    s = _session(session, session_id)
    s.minutes_status = "draft"
    s.minutes_circulated_at = None
    s.minutes_validated_at = None
    s.minutes_validated_by = None
    session.commit()
    return minutes_info(session, session_id)


# --------------------------------------------------------------------------- decisions


@dataclass(frozen=True)
class DecisionInfo:
    id: uuid.UUID
    position: int
    text: str
    status: str


def decisions(session: Session, session_id: uuid.UUID) -> list[DecisionInfo]:
    _session(session, session_id)
    rows = session.scalars(
        select(Decision)
        .where(Decision.session_id == session_id)
        .order_by(Decision.position, Decision.created_at)
    )
    return [DecisionInfo(d.id, d.position, d.text, d.status) for d in rows]


def _decision_fields(text: str, status: str) -> tuple[str, str]:
    text = (text or "").strip()
    if not text:
        raise AtelierError(_("A decision needs a text."))
    if status not in DECISION_STATUSES:
        raise AtelierError(_("Unknown decision status “{status}”.").format(status=status))
    return text, status


def add_decision(
    session: Session, session_id: uuid.UUID, text: str, status: str = "proposed"
) -> DecisionInfo:
    _session(session, session_id)
    text, status = _decision_fields(text, status)
    position = session.scalar(
        select(func.count()).select_from(Decision).where(Decision.session_id == session_id)
    )
    decision = Decision(session_id=session_id, position=position or 0, text=text, status=status)
    session.add(decision)
    session.commit()
    return DecisionInfo(decision.id, decision.position, decision.text, decision.status)


def _decision(session: Session, decision_id: uuid.UUID) -> Decision:
    decision = session.get(Decision, decision_id)
    if decision is None:
        raise AtelierError(_("This decision no longer exists."))
    return decision


def update_decision(
    session: Session,
    decision_id: uuid.UUID,
    text: str | None = None,
    status: str | None = None,
    expected_version: int | None = None,
) -> DecisionInfo:
    """Change a decision's text, its status, or both (None keeps what is there);
    ``expected_version`` as in :func:`update_process`."""
    begin_edit(session)
    d = _decision(session, decision_id)
    typed = {k: v for k, v in (("text", text), ("status", status)) if v is not None}
    conflict = conflict_factory(
        session,
        Decision,
        decision_id,
        expected_version,
        typed,
        lambda: _decision(session, decision_id),
        title="text",
    )
    check_version(d, expected_version, conflict)
    d.text, d.status = _decision_fields(
        d.text if text is None else text, d.status if status is None else status
    )
    commit_edit(session, expected_version, conflict)
    return DecisionInfo(d.id, d.position, d.text, d.status)


def remove_decision(session: Session, decision_id: uuid.UUID) -> None:
    d = _decision(session, decision_id)
    session_id = d.session_id
    session.delete(d)
    session.flush()
    rest = session.scalars(
        select(Decision)
        .where(Decision.session_id == session_id)
        .order_by(Decision.position, Decision.created_at)
    )
    for position, other in enumerate(rest):
        other.position = position
    session.commit()
