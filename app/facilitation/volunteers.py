"""Co-delivery volunteers: who volunteers for a process, with skills, availability, trainings
and the charter (volunteer agreement) they signed.

A profile comes from a participant (its name follows them; after erasure it becomes their
code, see :func:`forget_erased_names`) or from a free name. Removing a profile keeps the hours
it gave: time entries keep the volunteer's name. Missions are in
:mod:`app.facilitation.missions`, hours in :mod:`app.facilitation.timesheets`, the value of
citizen time in :mod:`app.facilitation.citizen_time`.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from app.errors import AtelierError
from app.facilitation import audit
from app.facilitation import sessions as S
from app.facilitation.committees import _line, _pick
from app.facilitation.conflicts import begin_edit, check_version, commit_edit, conflict_factory
from app.i18n import N_, _
from app.models import Participant
from app.models.codelivery import (
    WEEKDAYS,
    MissionAssignment,
    TimeEntry,
    Training,
    VolunteerProfile,
)
from app.models.text import fold


class CodeliveryError(AtelierError):
    """Bad input or a refused change on volunteers, missions, hours, costs or savings."""


_DAYS = {
    "mon": N_("Monday"),
    "tue": N_("Tuesday"),
    "wed": N_("Wednesday"),
    "thu": N_("Thursday"),
    "fri": N_("Friday"),
    "sat": N_("Saturday"),
    "sun": N_("Sunday"),
}
#: Other ways to write a day (French and English, folded) → its code.
_DAY_ALIASES = {
    "lun": "mon",
    "lundi": "mon",
    "monday": "mon",
    "mar": "tue",
    "mardi": "tue",
    "tuesday": "tue",
    "mer": "wed",
    "mercredi": "wed",
    "wednesday": "wed",
    "jeu": "thu",
    "jeudi": "thu",
    "thursday": "thu",
    "ven": "fri",
    "vendredi": "fri",
    "friday": "fri",
    "sam": "sat",
    "samedi": "sat",
    "saturday": "sat",
    "dim": "sun",
    "dimanche": "sun",
    "sunday": "sun",
}


def day_label(code: str) -> str:
    return _(_DAYS.get(code, code))


def day_choices() -> list[tuple[str, str]]:
    return [(code, day_label(code)) for code in WEEKDAYS]


def number(value, what: str) -> float:
    """A finite number from a float, an int or text ("2,5" accepted); ``what`` names it in
    the error."""
    if isinstance(value, bool):
        value = None
    if isinstance(value, str):
        value = value.strip().replace("\u202f", "").replace("\xa0", "").replace(" ", "")
        value = value.replace(",", ".")
    try:
        result = float(value)
    except (TypeError, ValueError):
        result = math.nan
    if not math.isfinite(result):
        raise CodeliveryError(
            _("{what}: “{value}” is not a number.").format(
                what=what, value="" if value is None else value
            )
        )
    return result


def parse_days(value: str | Iterable[str] | None) -> list[str]:
    """Day codes in week order from ``"mon,wed"``, ``"lundi, mercredi"`` or a list."""
    if value is None:
        return []
    items = value.replace(";", ",").split(",") if isinstance(value, str) else list(value)
    found = set()
    for item in items:
        word = fold(item).strip(". ")
        if not word:
            continue
        code = word if word in WEEKDAYS else _DAY_ALIASES.get(word)
        if code is None:
            raise CodeliveryError(
                _("Unknown day “{day}” (mon, tue, wed, thu, fri, sat, sun).").format(day=item)
            )
        found.add(code)
    return [d for d in WEEKDAYS if d in found]


def parse_skills(value: str | Iterable[str] | None) -> list[str]:
    """Skills from ``"jardinage, soutien scolaire"`` or a list: trimmed, no duplicates."""
    if value is None:
        return []
    items = value.replace(";", ",").split(",") if isinstance(value, str) else list(value)
    result: list[str] = []
    seen = set()
    for item in items:
        skill = _line(item)
        if skill and fold(skill) not in seen:
            seen.add(fold(skill))
            result.append(skill)
    return result


def split_list(text: str | None) -> tuple[str, ...]:
    return tuple(s.strip() for s in (text or "").split(",") if s.strip())


# --------------------------------------------------------------------------- profiles


@dataclass
class VolunteerData:
    """What a person types about a volunteer: a participant or a free name (the name is
    taken from the participant when left empty)."""

    process_id: uuid.UUID | None = None
    participant_id: uuid.UUID | None = None
    name: str = ""
    skills: list[str] = field(default_factory=list)
    available_days: list[str] = field(default_factory=list)
    hours_per_week: float | None = None
    charter_signed_on: date | None = None
    charter_version: str | None = None
    notes: str | None = None


@dataclass(frozen=True)
class VolunteerInfo:
    id: uuid.UUID
    process_id: uuid.UUID
    participant_id: uuid.UUID | None
    #: The participant's badge code, when the profile comes from a participant.
    code: str | None
    name: str
    skills: tuple[str, ...]
    available_days: tuple[str, ...]
    hours_per_week: float | None
    charter_signed_on: date | None
    charter_version: str | None
    active: bool
    notes: str | None
    trainings: int
    training_hours: float
    #: Hours given (every time entry of this profile).
    hours: float
    #: Missions the volunteer is on.
    missions: int

    @property
    def charter_signed(self) -> bool:
        return self.charter_signed_on is not None

    def as_dict(self) -> dict:
        return {
            "id": str(self.id),
            "process_id": str(self.process_id),
            "participant_id": str(self.participant_id) if self.participant_id else None,
            "code": self.code,
            "name": self.name,
            "skills": list(self.skills),
            "available_days": list(self.available_days),
            "hours_per_week": self.hours_per_week,
            "charter_signed_on": _iso(self.charter_signed_on),
            "charter_version": self.charter_version,
            "active": self.active,
            "notes": self.notes,
            "trainings": self.trainings,
            "training_hours": self.training_hours,
            "hours": self.hours,
            "missions": self.missions,
        }


@dataclass
class TrainingData:
    title: str = ""
    held_on: date | None = None
    hours: float | None = None


@dataclass(frozen=True)
class TrainingInfo:
    id: uuid.UUID
    volunteer_id: uuid.UUID
    title: str
    held_on: date | None
    hours: float | None

    def as_dict(self) -> dict:
        return {
            "id": str(self.id),
            "title": self.title,
            "held_on": _iso(self.held_on),
            "hours": self.hours,
        }


@dataclass(frozen=True)
class RemovedVolunteer:
    id: uuid.UUID
    name: str
    #: Hours the volunteer gave, still counted under their name.
    hours_kept: float
    entries_kept: int


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _volunteer(session: Session, volunteer_id: uuid.UUID) -> VolunteerProfile:
    profile = session.get(VolunteerProfile, volunteer_id)
    if profile is None:
        raise CodeliveryError(_("This volunteer no longer exists."))
    return profile


def _clean(session: Session, data: VolunteerData, own_id: uuid.UUID | None) -> VolunteerData:
    data = replace(
        data,
        name=_line(data.name) or "",
        skills=parse_skills(data.skills),
        available_days=parse_days(data.available_days),
        charter_version=_line(data.charter_version),
        notes=(data.notes or "").strip() or None,
    )
    if data.process_id is None:
        raise CodeliveryError(_("A volunteer volunteers for a process; choose one."))
    S._process(session, data.process_id)
    if data.participant_id is not None:
        person = session.get(Participant, data.participant_id)
        if person is None or person.erased_at is not None:
            raise CodeliveryError(_("This participant no longer exists."))
        if not data.name:
            data.name = person.full_name or person.code
        taken = session.scalar(
            select(VolunteerProfile.id).where(
                VolunteerProfile.process_id == data.process_id,
                VolunteerProfile.participant_id == data.participant_id,
            )
        )
        if taken is not None and taken != own_id:
            raise CodeliveryError(
                _("{name} is already a volunteer of this process.").format(name=data.name)
            )
    if not data.name:
        raise CodeliveryError(_("A volunteer needs a name (or choose a participant)."))
    if data.hours_per_week is not None and data.hours_per_week != "":
        hours = number(data.hours_per_week, _("Hours per week"))
        if not 0 <= hours <= 168:
            raise CodeliveryError(
                _("Hours per week must be between 0 and 168, not {hours:g}.").format(hours=hours)
            )
        data.hours_per_week = hours
    else:
        data.hours_per_week = None
    if data.charter_version and data.charter_signed_on is None:
        raise CodeliveryError(_("Give the day the charter was signed, with its version."))
    return data


def _write(profile: VolunteerProfile, data: VolunteerData) -> None:
    profile.process_id, profile.participant_id = data.process_id, data.participant_id
    profile.name = data.name
    profile.skills = ", ".join(data.skills) or None
    profile.available_days = ",".join(data.available_days) or None
    profile.hours_per_week = data.hours_per_week
    profile.charter_signed_on, profile.charter_version = (
        data.charter_signed_on,
        data.charter_version,
    )
    profile.notes = data.notes


def _infos(session: Session, where) -> list[VolunteerInfo]:
    """Profiles matching ``where`` with their counts, in four aggregate queries."""
    profiles = session.execute(
        select(VolunteerProfile, Participant.code)
        .outerjoin(Participant, Participant.id == VolunteerProfile.participant_id)
        .where(*where)
    ).all()
    ids = [p.id for p, _code in profiles]
    if not ids:
        return []
    hours = dict(
        session.execute(
            select(TimeEntry.volunteer_id, func.sum(TimeEntry.hours))
            .where(TimeEntry.volunteer_id.in_(ids))
            .group_by(TimeEntry.volunteer_id)
        ).all()
    )
    trainings = {
        row[0]: (row[1], row[2] or 0.0)
        for row in session.execute(
            select(Training.volunteer_id, func.count(), func.sum(Training.hours))
            .where(Training.volunteer_id.in_(ids))
            .group_by(Training.volunteer_id)
        )
    }
    missions = dict(
        session.execute(
            select(MissionAssignment.volunteer_id, func.count())
            .where(MissionAssignment.volunteer_id.in_(ids))
            .group_by(MissionAssignment.volunteer_id)
        ).all()
    )
    result = []
    for p, code in profiles:
        count, training_hours = trainings.get(p.id, (0, 0.0))
        result.append(
            VolunteerInfo(
                id=p.id,
                process_id=p.process_id,
                participant_id=p.participant_id,
                code=code,
                name=p.name,
                skills=split_list(p.skills),
                available_days=split_list(p.available_days),
                hours_per_week=p.hours_per_week,
                charter_signed_on=p.charter_signed_on,
                charter_version=p.charter_version,
                active=bool(p.active),
                notes=p.notes,
                trainings=count,
                training_hours=float(training_hours),
                hours=float(hours.get(p.id) or 0.0),
                missions=missions.get(p.id, 0),
            )
        )
    return sorted(result, key=lambda v: fold(v.name))


def volunteer_info(session: Session, volunteer_id: uuid.UUID) -> VolunteerInfo:
    _volunteer(session, volunteer_id)
    return _infos(session, [VolunteerProfile.id == volunteer_id])[0]


def list_volunteers(
    session: Session,
    process_id: uuid.UUID | None = None,
    *,
    active_only: bool = False,
    search: str = "",
) -> list[VolunteerInfo]:
    """Volunteers by name (of one process if given), with hours given, trainings and missions;
    ``search`` keeps those whose name, code or skills contain every word."""
    where = []
    if process_id is not None:
        where.append(VolunteerProfile.process_id == process_id)
    if active_only:
        where.append(VolunteerProfile.active.is_(True))
    rows = _infos(session, where)
    words = fold(search).split()
    if words:
        rows = [
            v
            for v in rows
            if all(w in fold(" ".join([v.name, v.code or "", *v.skills])) for w in words)
        ]
    return rows


def volunteer_data(session: Session, volunteer_id: uuid.UUID) -> VolunteerData:
    p = _volunteer(session, volunteer_id)
    return VolunteerData(
        process_id=p.process_id,
        participant_id=p.participant_id,
        name=p.name,
        skills=list(split_list(p.skills)),
        available_days=list(split_list(p.available_days)),
        hours_per_week=p.hours_per_week,
        charter_signed_on=p.charter_signed_on,
        charter_version=p.charter_version,
        notes=p.notes,
    )


def create_volunteer(session: Session, data: VolunteerData) -> VolunteerInfo:
    """Mark a participant (or a person by name) as a volunteer of a process."""
    data = _clean(session, data, None)
    profile = VolunteerProfile(id=uuid.uuid4(), active=True)
    _write(profile, data)
    session.add(profile)
    session.flush()
    audit.append(
        session,
        "volunteer.created",
        {"volunteer": str(profile.id), "process": str(data.process_id)},
        profile.id,
    )
    session.commit()
    return volunteer_info(session, profile.id)


def update_volunteer(
    session: Session,
    volunteer_id: uuid.UUID,
    data: VolunteerData,
    expected_version: int | None = None,
) -> VolunteerInfo:
    """Change a profile; the new name is also shown on the hours already given.
    ``expected_version`` (the version the user saw) refuses a save over a newer one with
    :class:`EditConflict`."""
    begin_edit(session)
    profile = _volunteer(session, volunteer_id)
    data = _clean(session, data, profile.id)
    conflict = conflict_factory(
        session,
        VolunteerProfile,
        volunteer_id,
        expected_version,
        data,
        lambda: volunteer_data(session, volunteer_id),
        title="name",
    )
    check_version(profile, expected_version, conflict)
    renamed = data.name != profile.name
    _write(profile, data)
    if renamed:
        session.execute(
            update(TimeEntry)
            .where(TimeEntry.volunteer_id == profile.id)
            .values(volunteer_name=data.name)
            .execution_options(synchronize_session=False)
        )
    commit_edit(session, expected_version, conflict)
    return volunteer_info(session, profile.id)


def set_volunteer_active(session: Session, volunteer_id: uuid.UUID, active: bool) -> VolunteerInfo:
    """Deactivate a volunteer (they stay with their hours, missions and trainings) or bring
    them back."""
    profile = _volunteer(session, volunteer_id)
    profile.active = bool(active)
    session.commit()
    return volunteer_info(session, profile.id)


def remove_volunteer(session: Session, volunteer_id: uuid.UUID) -> RemovedVolunteer:
    """Delete a profile with its trainings and assignments; the hours it gave stay counted,
    under the volunteer's name."""
    profile = _volunteer(session, volunteer_id)
    entries, hours = session.execute(
        select(func.count(), func.coalesce(func.sum(TimeEntry.hours), 0.0)).where(
            TimeEntry.volunteer_id == profile.id
        )
    ).one()
    session.execute(
        update(TimeEntry)
        .where(TimeEntry.volunteer_id == profile.id)
        .values(volunteer_id=None, volunteer_name=profile.name)
        .execution_options(synchronize_session=False)
    )
    session.execute(
        MissionAssignment.__table__.delete().where(MissionAssignment.volunteer_id == profile.id)
    )
    result = RemovedVolunteer(profile.id, profile.name, float(hours), int(entries))
    audit.append(
        session,
        "volunteer.removed",
        {"volunteer": str(profile.id), "entries_kept": result.entries_kept},
        profile.id,
    )
    session.delete(profile)
    session.commit()
    return result


def find_volunteer(session: Session, ref: str, process_id: uuid.UUID | None = None) -> uuid.UUID:
    """A volunteer by id, participant code, name, or a unique beginning of the name (in one
    process if given)."""
    query = select(VolunteerProfile.id, VolunteerProfile.name, Participant.code).outerjoin(
        Participant, Participant.id == VolunteerProfile.participant_id
    )
    if process_id is not None:
        query = query.where(VolunteerProfile.process_id == process_id)
    rows = session.execute(query).all()
    wanted = (ref or "").strip().upper()
    by_code = [r[0] for r in rows if r[2] and r[2] == wanted]
    if len(by_code) == 1:
        return by_code[0]
    found = _pick([(r[0], r[1]) for r in rows], ref)
    if isinstance(found, uuid.UUID):
        return found
    if not found:
        raise CodeliveryError(_("No volunteer matches “{ref}”.").format(ref=ref))
    raise CodeliveryError(
        _("“{ref}” matches several volunteers; give more of the name, the code or the id.").format(
            ref=ref
        )
    )


def volunteer_choices(session: Session, process_id: uuid.UUID) -> list[tuple[uuid.UUID, str]]:
    """(id, name) of the process's active volunteers, by name (for a time-sheet grid)."""
    rows = session.execute(
        select(VolunteerProfile.id, VolunteerProfile.name).where(
            VolunteerProfile.process_id == process_id, VolunteerProfile.active.is_(True)
        )
    ).all()
    return sorted(((r[0], r[1]) for r in rows), key=lambda r: fold(r[1]))


# --------------------------------------------------------------------------- trainings


def _training_info(t: Training) -> TrainingInfo:
    return TrainingInfo(t.id, t.volunteer_id, t.title, t.held_on, t.hours)


def trainings(session: Session, volunteer_id: uuid.UUID) -> list[TrainingInfo]:
    """The trainings a volunteer followed, oldest first."""
    _volunteer(session, volunteer_id)
    rows = session.scalars(
        select(Training)
        .where(Training.volunteer_id == volunteer_id)
        .order_by(Training.held_on, Training.title)
    )
    return [_training_info(t) for t in rows]


def add_training(session: Session, volunteer_id: uuid.UUID, data: TrainingData) -> TrainingInfo:
    """Record a training a volunteer followed (title; date and hours if known)."""
    _volunteer(session, volunteer_id)
    title = _line(data.title)
    if not title:
        raise CodeliveryError(_("A training needs a title."))
    hours = None
    if data.hours is not None and data.hours != "":
        hours = number(data.hours, _("Training hours"))
        if hours <= 0:
            raise CodeliveryError(_("Training hours must be more than 0."))
    training = Training(
        id=uuid.uuid4(), volunteer_id=volunteer_id, title=title, held_on=data.held_on, hours=hours
    )
    session.add(training)
    session.commit()
    return _training_info(training)


def remove_training(session: Session, training_id: uuid.UUID) -> TrainingInfo:
    training = session.get(Training, training_id)
    if training is None:
        raise CodeliveryError(_("This training no longer exists."))
    info = _training_info(training)
    session.delete(training)
    session.commit()
    return info


# --------------------------------------------------------------------------- erasure


def forget_erased_names(session: Session, codes: Mapping[uuid.UUID, str]) -> int:
    """Called when participants are erased (participant id → their new code): their profiles
    and the hours they gave are shown under the code from now on, so every hour stays counted
    without the name. Does not commit (part of the erasure's transaction); returns how many
    profiles changed."""
    if not codes:
        return 0
    profiles = session.execute(
        select(VolunteerProfile.id, VolunteerProfile.participant_id).where(
            VolunteerProfile.participant_id.in_(list(codes))
        )
    ).all()
    for profile_id, participant_id in profiles:
        code = codes[participant_id]
        session.execute(
            update(VolunteerProfile)
            .where(VolunteerProfile.id == profile_id)
            .values(name=code, notes=None)
            .execution_options(synchronize_session=False)
        )
        session.execute(
            update(TimeEntry)
            .where(TimeEntry.volunteer_id == profile_id)
            .values(volunteer_name=code)
            .execution_options(synchronize_session=False)
        )
    for obj in list(session.identity_map.values()):
        if isinstance(obj, VolunteerProfile | TimeEntry):
            session.expire(obj)
    return len(profiles)
