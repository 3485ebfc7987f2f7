"""Sign-in (émargement) at the door of a session.

A person is found by typing a few letters of their name (accents and case ignored), or by a
barcode/QR scanner typing the code printed on their badge. Signing in records the time; doing
it twice changes nothing. Someone who was not registered in the process is registered as they
sign in, and a newcomer is created, registered and signed in in one action.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from app.errors import AtelierError
from app.facilitation.participants import ParticipantData, create_participant
from app.facilitation.sessions import _session, add_registration
from app.facilitation.vocabularies import load_vocabularies
from app.i18n import _
from app.models import Attendance, Participant, ParticipantAttribute, Registration, utcnow
from app.models.text import fold, latin

#: How a sign-in was recorded: on the laptop, copied from the paper sheet, added afterwards.
ATTENDANCE_METHODS = ("app", "sheet", "late")


@dataclass(frozen=True)
class Candidate:
    """A person the check-in list offers for what was typed."""

    participant_id: uuid.UUID
    code: str
    first_name: str
    last_name: str
    stakeholder_type: str
    affiliation: str | None
    #: Registered in the session's process.
    registered: bool
    #: The text typed is exactly this person's code (a scanner, or a badge read aloud).
    code_match: bool
    signed_in_at: datetime | None
    signed_out_at: datetime | None

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def present(self) -> bool:
        return self.signed_in_at is not None


def _like(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _code(text: str) -> str:
    return "".join(text.split()).upper()


def checkin_candidates(
    session: Session, session_id: uuid.UUID, text: str, limit: int = 20
) -> list[Candidate]:
    """People matching ``text`` for the door of a session, best first.

    A participant code typed exactly comes first; then names where every word typed appears
    (names start with it first), people registered in the process before others, then in
    alphabetical order. Nothing typed: nobody (the screen asks for a name).
    """
    workshop = _session(session, session_id)
    words = fold(text).split()
    code = _code(text)
    if not words:
        return []
    registered = (
        select(Registration.id)
        .where(
            Registration.process_id == workshop.process_id,
            Registration.participant_id == Participant.id,
        )
        .exists()
    )
    code_match = Participant.code == code
    name_matches = and_(
        *(Participant.search_text.like(f"%{_like(w)}%", escape="\\") for w in words)
    )
    first = latin(words[0])
    prefix = or_(
        Participant.sort_key.like(f"{_like(first)}%", escape="\\"),
        Participant.first_key.like(f"{_like(first)}%", escape="\\"),
        Participant.search_text.like(f"{_like(words[0])}%", escape="\\"),
        Participant.search_text.like(f"% {_like(words[0])}%", escape="\\"),
    )
    query = (
        select(
            Participant.id,
            Participant.code,
            Participant.first_name,
            Participant.last_name,
            Participant.stakeholder_type,
            Participant.affiliation,
            registered.label("registered"),
            code_match.label("code_match"),
            Attendance.signed_in_at,
            Attendance.signed_out_at,
        )
        .outerjoin(
            Attendance,
            and_(Attendance.participant_id == Participant.id, Attendance.session_id == session_id),
        )
        .where(Participant.erased_at.is_(None), or_(code_match, name_matches))
        .order_by(
            case((code_match, 0), else_=1),
            case((prefix, 0), else_=1),
            case((registered, 0), else_=1),
            Participant.sort_key,
            Participant.id,
        )
        .limit(limit)
    )
    return [
        Candidate(
            participant_id=row.id,
            code=row.code,
            first_name=row.first_name,
            last_name=row.last_name,
            stakeholder_type=row.stakeholder_type,
            affiliation=row.affiliation,
            registered=bool(row.registered),
            code_match=bool(row.code_match),
            signed_in_at=row.signed_in_at,
            signed_out_at=row.signed_out_at,
        )
        for row in session.execute(query).all()
    ]


def participant_by_code(session: Session, code: str) -> uuid.UUID:
    """The participant whose badge code is ``code`` (spaces and case ignored)."""
    pid = session.scalar(
        select(Participant.id).where(
            Participant.code == _code(code), Participant.erased_at.is_(None)
        )
    )
    if pid is None:
        raise AtelierError(_("No participant has the code “{code}”.").format(code=code))
    return pid


@dataclass(frozen=True)
class SignInResult:
    session_id: uuid.UUID
    participant_id: uuid.UUID
    name: str
    signed_in_at: datetime
    signed_out_at: datetime | None
    #: The person was already signed in: nothing was added (their first time is kept).
    already: bool
    #: The person was registered in the process by this sign-in.
    registered_now: bool
    #: The person was created by this sign-in (a newcomer).
    created: bool = False

    def as_dict(self) -> dict:
        return {
            "participant_id": str(self.participant_id),
            "name": self.name,
            "signed_in_at": self.signed_in_at.isoformat(),
            "signed_out_at": self.signed_out_at.isoformat() if self.signed_out_at else None,
            "already": self.already,
            "registered_now": self.registered_now,
            "created": self.created,
        }


def _person(session: Session, participant_id: uuid.UUID) -> Participant:
    person = session.get(Participant, participant_id)
    if person is None or person.erased_at is not None:
        raise AtelierError(_("This participant no longer exists."))
    return person


def _attendance(
    session: Session, session_id: uuid.UUID, participant_id: uuid.UUID
) -> Attendance | None:
    return session.scalar(
        select(Attendance).where(
            Attendance.session_id == session_id, Attendance.participant_id == participant_id
        )
    )


def _aware(at: datetime | None) -> datetime:
    if at is None:
        return utcnow()
    if at.tzinfo is None:
        raise AtelierError(_("Times must say their time zone."))
    return at


def sign_in(
    session: Session,
    session_id: uuid.UUID,
    participant_id: uuid.UUID,
    *,
    at: datetime | None = None,
    method: str = "app",
) -> SignInResult:
    """Sign a person in (now, or ``at``). Signing in again adds nothing and keeps the first
    time; someone who had signed out and comes back is marked present again. A person not
    registered in the process is registered."""
    workshop = _session(session, session_id)
    person = _person(session, participant_id)
    if method not in ATTENDANCE_METHODS:
        raise AtelierError(_("Unknown sign-in method “{method}”.").format(method=method))
    at = _aware(at)
    _row, registered_now = add_registration(session, workshop.process_id, person.id, False)
    attendance = _attendance(session, session_id, person.id)
    already = attendance is not None
    if attendance is None:
        attendance = Attendance(
            session_id=session_id, participant_id=person.id, signed_in_at=at, method=method
        )
        session.add(attendance)
    elif attendance.signed_out_at is not None:
        attendance.signed_out_at = None
    session.commit()
    return _result(person, attendance, already=already, registered_now=registered_now)


def _result(
    person: Participant, attendance: Attendance, *, already: bool, registered_now: bool
) -> SignInResult:
    return SignInResult(
        session_id=attendance.session_id,
        participant_id=person.id,
        name=person.full_name,
        signed_in_at=attendance.signed_in_at,
        signed_out_at=attendance.signed_out_at,
        already=already,
        registered_now=registered_now,
    )


def sign_out(
    session: Session,
    session_id: uuid.UUID,
    participant_id: uuid.UUID,
    *,
    at: datetime | None = None,
) -> SignInResult:
    """Record when a person left (optional; signing out twice keeps the first time)."""
    _session(session, session_id)
    person = _person(session, participant_id)
    attendance = _attendance(session, session_id, person.id)
    if attendance is None:
        raise AtelierError(
            _("{name} has not signed in to this session.").format(name=person.full_name)
        )
    at = _aware(at)
    already = attendance.signed_out_at is not None
    if not already:
        if at < attendance.signed_in_at:
            raise AtelierError(_("A person cannot leave before they arrived."))
        attendance.signed_out_at = at
        session.commit()
    return _result(person, attendance, already=already, registered_now=False)


def undo_sign_in(
    session: Session, session_id: uuid.UUID, participant_id: uuid.UUID, *, unregister: bool = False
) -> bool:
    """Remove a sign-in made by mistake; ``unregister`` also removes the registration (when
    the sign-in had made it). True if there was a sign-in to remove."""
    workshop = _session(session, session_id)
    attendance = _attendance(session, session_id, participant_id)
    if attendance is not None:
        session.delete(attendance)
    if unregister:
        session.execute(
            Registration.__table__.delete().where(
                Registration.process_id == workshop.process_id,
                Registration.participant_id == participant_id,
            )
        )
    session.commit()
    return attendance is not None


def sign_in_newcomer(
    session: Session, session_id: uuid.UUID, data: ParticipantData, *, at: datetime | None = None
) -> SignInResult:
    """Create a participant from a few fields, register and sign them in."""
    _session(session, session_id)  # refuse before creating anybody
    participant_id = create_participant(session, data)
    result = sign_in(session, session_id, participant_id, at=at)
    return SignInResult(**{**result.__dict__, "created": True})


# --------------------------------------------------------------------------- counts


@dataclass(frozen=True)
class AttendanceCounts:
    #: People signed in (whether or not they left since).
    present: int
    #: Of them, people who signed out.
    signed_out: int
    #: stakeholder type code → people, most numerous first.
    by_stakeholder: dict[str, int] = field(default_factory=dict)
    #: category key → {value: people}, values in the vocabulary's order (zeros included).
    by_attribute: dict[str, dict[str, int]] = field(default_factory=dict)
    #: category key → its label, in the workspace's order.
    categories: dict[str, str] = field(default_factory=dict)

    @property
    def still_here(self) -> int:
        return self.present - self.signed_out

    def as_dict(self) -> dict:
        return {
            "present": self.present,
            "signed_out": self.signed_out,
            "by_stakeholder": self.by_stakeholder,
            "by_attribute": self.by_attribute,
        }


def attendance_counts(session: Session, session_id: uuid.UUID) -> AttendanceCounts:
    _session(session, session_id)
    present, signed_out = session.execute(
        select(
            func.count(Attendance.id),
            func.count(Attendance.signed_out_at),
        ).where(Attendance.session_id == session_id)
    ).one()
    kinds = session.execute(
        select(Participant.stakeholder_type, func.count())
        .join(Attendance, Attendance.participant_id == Participant.id)
        .where(Attendance.session_id == session_id)
        .group_by(Participant.stakeholder_type)
    ).all()
    by_stakeholder = dict(sorted(kinds, key=lambda kv: (-kv[1], kv[0])))
    values = dict(
        session.execute(
            select(ParticipantAttribute.value_id, func.count())
            .join(Attendance, Attendance.participant_id == ParticipantAttribute.participant_id)
            .where(Attendance.session_id == session_id)
            .group_by(ParticipantAttribute.value_id)
        ).all()
    )
    vocabularies = list(load_vocabularies(session).values())  # in display order
    by_attribute = {
        v.key: {value.value: values.get(value.id, 0) for value in v.values} for v in vocabularies
    }
    return AttendanceCounts(
        present=present,
        signed_out=signed_out,
        by_stakeholder=by_stakeholder,
        by_attribute=by_attribute,
        categories={v.key: v.label for v in vocabularies},
    )


@dataclass(frozen=True)
class AttendanceRow:
    participant_id: uuid.UUID
    code: str
    first_name: str
    last_name: str
    stakeholder_type: str
    affiliation: str | None
    signed_in_at: datetime
    signed_out_at: datetime | None
    method: str

    def as_dict(self) -> dict:
        return {
            "participant_id": str(self.participant_id),
            "code": self.code,
            "first_name": self.first_name,
            "last_name": self.last_name,
            "stakeholder_type": self.stakeholder_type,
            "affiliation": self.affiliation,
            "signed_in_at": self.signed_in_at.isoformat(),
            "signed_out_at": self.signed_out_at.isoformat() if self.signed_out_at else None,
            "method": self.method,
        }


def attendance_list(session: Session, session_id: uuid.UUID) -> list[AttendanceRow]:
    """Everyone signed in to a session, in alphabetical order (the sign-in sheet)."""
    _session(session, session_id)
    rows = session.execute(
        select(
            Participant.id,
            Participant.code,
            Participant.first_name,
            Participant.last_name,
            Participant.stakeholder_type,
            Participant.affiliation,
            Attendance.signed_in_at,
            Attendance.signed_out_at,
            Attendance.method,
        )
        .join(Attendance, Attendance.participant_id == Participant.id)
        .where(Attendance.session_id == session_id)
        .order_by(Participant.sort_key, Participant.id)
    ).all()
    return [AttendanceRow(*row) for row in rows]


__all__ = [
    "ATTENDANCE_METHODS",
    "AttendanceCounts",
    "AttendanceRow",
    "Candidate",
    "SignInResult",
    "attendance_counts",
    "attendance_list",
    "checkin_candidates",
    "participant_by_code",
    "sign_in",
    "sign_in_newcomer",
    "sign_out",
    "undo_sign_in",
]
