"""Co-delivery missions: tasks of an action of a committee's action plan, the volunteers on
them (assigned or signed up), people helped and what supporting them cost.

Assigning warns, without refusing, when a volunteer's planned weekly hours on missions that
run at the same time exceed the hours per week they offered, or when a mission is full.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field, replace
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.facilitation import audit
from app.facilitation import sessions as S
from app.facilitation.committees import _line, _pick, today_local
from app.facilitation.conflicts import begin_edit, check_version, commit_edit, conflict_factory
from app.facilitation.volunteers import (
    CodeliveryError,
    _volunteer,
    number,
    parse_skills,
    split_list,
)
from app.i18n import N_, _
from app.models import Action, Committee
from app.models.codelivery import (
    SUPPORT_COST_KINDS,
    Mission,
    MissionAssignment,
    PeopleHelped,
    SupportCost,
    TimeEntry,
    VolunteerProfile,
)
from app.models.text import fold

_KINDS = {
    "training": N_("Training"),
    "coordination": N_("Coordination"),
    "materials": N_("Materials"),
    "other": N_("Other"),
}


def cost_kind_label(code: str) -> str:
    return _(_KINDS.get(code, code))


def cost_kind_choices() -> list[tuple[str, str]]:
    return [(code, cost_kind_label(code)) for code in SUPPORT_COST_KINDS]


# --------------------------------------------------------------------------- missions


@dataclass
class MissionData:
    process_id: uuid.UUID | None = None
    #: The action of a follow-up committee's plan the mission carries out (optional).
    action_id: uuid.UUID | None = None
    title: str = ""
    description: str | None = None
    place: str | None = None
    skills: list[str] = field(default_factory=list)
    volunteers_wanted: int | None = 1
    starts_on: date | None = None
    ends_on: date | None = None


@dataclass(frozen=True)
class MissionInfo:
    id: uuid.UUID
    process_id: uuid.UUID
    action_id: uuid.UUID | None
    action_title: str | None
    committee_id: uuid.UUID | None
    title: str
    description: str | None
    place: str | None
    skills: tuple[str, ...]
    volunteers_wanted: int | None
    starts_on: date | None
    ends_on: date | None
    #: Volunteers on the mission (assigned or signed up).
    volunteers: int
    hours: float

    @property
    def missing(self) -> int:
        """Volunteers still wanted (0 when full or without a number wanted)."""
        return max(0, (self.volunteers_wanted or 0) - self.volunteers)

    def covers(self, day: date) -> bool:
        """Whether ``day`` is within the mission's span (open ends are unbounded)."""
        return (self.starts_on is None or day >= self.starts_on) and (
            self.ends_on is None or day <= self.ends_on
        )

    def as_dict(self) -> dict:
        return {
            "id": str(self.id),
            "process_id": str(self.process_id),
            "action_id": str(self.action_id) if self.action_id else None,
            "action": self.action_title,
            "title": self.title,
            "description": self.description,
            "place": self.place,
            "skills": list(self.skills),
            "volunteers_wanted": self.volunteers_wanted,
            "starts_on": _iso(self.starts_on),
            "ends_on": _iso(self.ends_on),
            "volunteers": self.volunteers,
            "hours": self.hours,
        }


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _mission(session: Session, mission_id: uuid.UUID) -> Mission:
    mission = session.get(Mission, mission_id)
    if mission is None:
        raise CodeliveryError(_("This mission no longer exists."))
    return mission


def _clean(session: Session, data: MissionData) -> MissionData:
    data = replace(
        data,
        title=_line(data.title) or "",
        description=(data.description or "").strip() or None,
        place=_line(data.place),
        skills=parse_skills(data.skills),
    )
    if data.process_id is None:
        raise CodeliveryError(_("A mission belongs to a process; choose one."))
    S._process(session, data.process_id)
    if not data.title:
        raise CodeliveryError(_("A mission needs a title."))
    if data.volunteers_wanted is not None and data.volunteers_wanted != "":
        wanted = number(data.volunteers_wanted, _("Volunteers wanted"))
        if wanted != int(wanted) or wanted < 1:
            raise CodeliveryError(
                _("The number of volunteers wanted must be a whole number of at least 1.")
            )
        data.volunteers_wanted = int(wanted)
    else:
        data.volunteers_wanted = None
    if data.starts_on and data.ends_on and data.ends_on < data.starts_on:
        raise CodeliveryError(
            _("The mission ends ({end}) before it starts ({start}).").format(
                end=data.ends_on.isoformat(), start=data.starts_on.isoformat()
            )
        )
    if data.action_id is not None:
        row = session.execute(
            select(Committee.process_id)
            .join(Action, Action.committee_id == Committee.id)
            .where(Action.id == data.action_id)
        ).first()
        if row is None:
            raise CodeliveryError(_("This action no longer exists."))
        if row[0] != data.process_id:
            raise CodeliveryError(_("This action belongs to the committee of another process."))
    return data


def _write(mission: Mission, data: MissionData) -> None:
    mission.process_id, mission.action_id = data.process_id, data.action_id
    mission.title, mission.description, mission.place = data.title, data.description, data.place
    mission.skills = ", ".join(data.skills) or None
    mission.volunteers_wanted = data.volunteers_wanted
    mission.starts_on, mission.ends_on = data.starts_on, data.ends_on


def _infos(session: Session, where) -> list[MissionInfo]:
    rows = session.execute(
        select(Mission, Action.title, Action.committee_id)
        .outerjoin(Action, Action.id == Mission.action_id)
        .where(*where)
    ).all()
    ids = [m.id for m, *_rest in rows]
    if not ids:
        return []
    volunteers = dict(
        session.execute(
            select(MissionAssignment.mission_id, func.count())
            .where(MissionAssignment.mission_id.in_(ids))
            .group_by(MissionAssignment.mission_id)
        ).all()
    )
    hours = dict(
        session.execute(
            select(TimeEntry.mission_id, func.sum(TimeEntry.hours))
            .where(TimeEntry.mission_id.in_(ids))
            .group_by(TimeEntry.mission_id)
        ).all()
    )
    result = [
        MissionInfo(
            id=m.id,
            process_id=m.process_id,
            action_id=m.action_id,
            action_title=action_title,
            committee_id=committee_id,
            title=m.title,
            description=m.description,
            place=m.place,
            skills=split_list(m.skills),
            volunteers_wanted=m.volunteers_wanted,
            starts_on=m.starts_on,
            ends_on=m.ends_on,
            volunteers=volunteers.get(m.id, 0),
            hours=float(hours.get(m.id) or 0.0),
        )
        for m, action_title, committee_id in rows
    ]
    return sorted(result, key=lambda m: (m.starts_on or date.min, fold(m.title)))


def mission_info(session: Session, mission_id: uuid.UUID) -> MissionInfo:
    _mission(session, mission_id)
    return _infos(session, [Mission.id == mission_id])[0]


def list_missions(
    session: Session,
    process_id: uuid.UUID | None = None,
    *,
    action_id: uuid.UUID | None = None,
) -> list[MissionInfo]:
    """Missions by start date then title (of a process or an action if given)."""
    where = []
    if process_id is not None:
        where.append(Mission.process_id == process_id)
    if action_id is not None:
        where.append(Mission.action_id == action_id)
    return _infos(session, where)


def mission_data(session: Session, mission_id: uuid.UUID) -> MissionData:
    m = _mission(session, mission_id)
    return MissionData(
        process_id=m.process_id,
        action_id=m.action_id,
        title=m.title,
        description=m.description,
        place=m.place,
        skills=list(split_list(m.skills)),
        volunteers_wanted=m.volunteers_wanted,
        starts_on=m.starts_on,
        ends_on=m.ends_on,
    )


def create_mission(session: Session, data: MissionData) -> MissionInfo:
    data = _clean(session, data)
    mission = Mission(id=uuid.uuid4())
    _write(mission, data)
    session.add(mission)
    session.flush()
    audit.append(
        session,
        "mission.created",
        {"mission": str(mission.id), "process": str(data.process_id), "title": data.title},
        mission.id,
    )
    session.commit()
    return mission_info(session, mission.id)


def update_mission(
    session: Session,
    mission_id: uuid.UUID,
    data: MissionData,
    expected_version: int | None = None,
) -> MissionInfo:
    """Change a mission (hours already given outside a new span stay); ``expected_version``
    (the version the user saw) refuses a save over a newer one with :class:`EditConflict`."""
    begin_edit(session)
    mission = _mission(session, mission_id)
    data = _clean(session, data)
    conflict = conflict_factory(
        session,
        Mission,
        mission_id,
        expected_version,
        data,
        lambda: mission_data(session, mission_id),
    )
    check_version(mission, expected_version, conflict)
    if data.process_id != mission.process_id:
        has_people = session.scalar(
            select(func.count())
            .select_from(MissionAssignment)
            .where(MissionAssignment.mission_id == mission.id)
        ) or session.scalar(
            select(func.count()).select_from(TimeEntry).where(TimeEntry.mission_id == mission.id)
        )
        if has_people:
            raise CodeliveryError(
                _("A mission with volunteers or hours cannot move to another process.")
            )
    _write(mission, data)
    commit_edit(session, expected_version, conflict)
    return mission_info(session, mission.id)


def delete_mission(
    session: Session, mission_id: uuid.UUID, *, with_hours: bool = False
) -> MissionInfo:
    """Delete a mission with its assignments, people helped and costs. A mission with hours
    is only deleted with ``with_hours=True`` (its hours go with it)."""
    info = mission_info(session, mission_id)
    entries = session.scalar(
        select(func.count()).select_from(TimeEntry).where(TimeEntry.mission_id == mission_id)
    )
    if entries and not with_hours:
        raise CodeliveryError(
            _(
                "“{title}” has {hours:g} hours of volunteering; confirm to delete them with it."
            ).format(title=info.title, hours=info.hours)
        )
    session.execute(TimeEntry.__table__.delete().where(TimeEntry.mission_id == mission_id))
    session.delete(_mission(session, mission_id))
    audit.append(
        session,
        "mission.deleted",
        {"mission": str(mission_id), "title": info.title, "hours": info.hours},
        mission_id,
    )
    session.commit()
    return info


def find_mission(session: Session, ref: str, process_id: uuid.UUID | None = None) -> uuid.UUID:
    """A mission by id, title, or a unique beginning of its title (in one process if given)."""
    query = select(Mission.id, Mission.title)
    if process_id is not None:
        query = query.where(Mission.process_id == process_id)
    found = _pick([tuple(r) for r in session.execute(query)], ref)
    if isinstance(found, uuid.UUID):
        return found
    if not found:
        raise CodeliveryError(_("No mission matches “{ref}”.").format(ref=ref))
    raise CodeliveryError(
        _("“{ref}” matches several missions; give more of the title or the id.").format(ref=ref)
    )


# --------------------------------------------------------------------------- assignments


@dataclass(frozen=True)
class AssignmentInfo:
    mission_id: uuid.UUID
    mission_title: str
    volunteer_id: uuid.UUID
    volunteer_name: str
    hours_per_week: float | None
    signed_up: bool

    def as_dict(self) -> dict:
        return {
            "mission_id": str(self.mission_id),
            "mission": self.mission_title,
            "volunteer_id": str(self.volunteer_id),
            "volunteer": self.volunteer_name,
            "hours_per_week": self.hours_per_week,
            "signed_up": self.signed_up,
        }


@dataclass(frozen=True)
class Commitment:
    """A volunteer's planned weekly hours on missions running at the same time, against the
    hours per week they offered."""

    volunteer_id: uuid.UUID
    name: str
    offered: float | None
    planned: float
    missions: tuple[str, ...]

    @property
    def over(self) -> bool:
        return self.offered is not None and self.planned > self.offered + 1e-9

    def warning(self) -> str | None:
        if not self.over:
            return None
        return _(
            "{name} would give {planned:g} hours a week to missions running at the same time "
            "but offered {offered:g}."
        ).format(name=self.name, planned=self.planned, offered=self.offered)


@dataclass(frozen=True)
class Assigned:
    assignment: AssignmentInfo
    #: Warnings to show (over-commitment, mission already full), never refusals.
    warnings: tuple[str, ...]


def _overlaps(a_start, a_end, b_start, b_end) -> bool:
    return (a_end is None or b_start is None or b_start <= a_end) and (
        b_end is None or a_start is None or a_start <= b_end
    )


def commitment(
    session: Session,
    volunteer_id: uuid.UUID,
    *,
    mission_id: uuid.UUID | None = None,
    today: date | None = None,
) -> Commitment:
    """The weekly hours planned for a volunteer on missions not ended by ``today`` (with
    ``mission_id``: only those whose span overlaps that mission's)."""
    profile = _volunteer(session, volunteer_id)
    today = today or today_local()
    rows = session.execute(
        select(
            Mission.id,
            Mission.title,
            Mission.starts_on,
            Mission.ends_on,
            MissionAssignment.hours_per_week,
        )
        .join(MissionAssignment, MissionAssignment.mission_id == Mission.id)
        .where(
            MissionAssignment.volunteer_id == volunteer_id,
            (Mission.ends_on.is_(None)) | (Mission.ends_on >= today),
        )
    ).all()
    if mission_id is not None:
        target = _mission(session, mission_id)
        start = max(target.starts_on or today, today)
        rows = [r for r in rows if _overlaps(start, target.ends_on, r[2], r[3])]
    return Commitment(
        volunteer_id=profile.id,
        name=profile.name,
        offered=profile.hours_per_week,
        planned=float(sum(r[4] or 0.0 for r in rows)),
        missions=tuple(r[1] for r in rows),
    )


def over_committed(
    session: Session, process_id: uuid.UUID | None = None, *, today: date | None = None
) -> list[Commitment]:
    """Volunteers whose planned weekly hours on missions not yet ended exceed what they
    offered (of a process if given)."""
    today = today or today_local()
    query = (
        select(
            VolunteerProfile.id,
            VolunteerProfile.name,
            VolunteerProfile.hours_per_week,
            func.sum(MissionAssignment.hours_per_week),
        )
        .join(MissionAssignment, MissionAssignment.volunteer_id == VolunteerProfile.id)
        .join(Mission, Mission.id == MissionAssignment.mission_id)
        .where(
            VolunteerProfile.hours_per_week.is_not(None),
            (Mission.ends_on.is_(None)) | (Mission.ends_on >= today),
        )
        .group_by(VolunteerProfile.id, VolunteerProfile.name, VolunteerProfile.hours_per_week)
    )
    if process_id is not None:
        query = query.where(VolunteerProfile.process_id == process_id)
    result = []
    for vid, _name, offered, planned in session.execute(query):
        if planned is not None and planned > offered + 1e-9:
            result.append(commitment(session, vid, today=today))
    return sorted(result, key=lambda c: fold(c.name))


def _assignment_info(session: Session, a: MissionAssignment) -> AssignmentInfo:
    mission = _mission(session, a.mission_id)
    profile = _volunteer(session, a.volunteer_id)
    return AssignmentInfo(
        a.mission_id, mission.title, a.volunteer_id, profile.name, a.hours_per_week, a.signed_up
    )


def assign(
    session: Session,
    mission_id: uuid.UUID,
    volunteer_id: uuid.UUID,
    *,
    hours_per_week=None,
    signed_up: bool = False,
    today: date | None = None,
) -> Assigned:
    """Put a volunteer on a mission (or change their weekly hours on it); returns warnings
    when they would be over-committed or the mission is already full."""
    mission = _mission(session, mission_id)
    profile = _volunteer(session, volunteer_id)
    if profile.process_id != mission.process_id:
        raise CodeliveryError(
            _("{name} volunteers for another process than this mission's.").format(
                name=profile.name
            )
        )
    if not profile.active:
        raise CodeliveryError(
            _("{name} is no longer an active volunteer.").format(name=profile.name)
        )
    hours = None
    if hours_per_week is not None and hours_per_week != "":
        hours = number(hours_per_week, _("Hours per week"))
        if not 0 < hours <= 168:
            raise CodeliveryError(
                _("Hours per week on a mission must be more than 0 and at most 168.")
            )
    a = session.scalar(
        select(MissionAssignment).where(
            MissionAssignment.mission_id == mission_id,
            MissionAssignment.volunteer_id == volunteer_id,
        )
    )
    new = a is None
    if new:
        a = MissionAssignment(id=uuid.uuid4(), mission_id=mission_id, volunteer_id=volunteer_id)
        session.add(a)
    a.hours_per_week = hours
    a.signed_up = bool(signed_up) if new else (a.signed_up or bool(signed_up))
    session.flush()
    warnings = []
    load = commitment(session, volunteer_id, mission_id=mission_id, today=today)
    if load.over:
        warnings.append(load.warning())
    if new and mission.volunteers_wanted is not None:
        count = session.scalar(
            select(func.count())
            .select_from(MissionAssignment)
            .where(MissionAssignment.mission_id == mission_id)
        )
        if count > mission.volunteers_wanted:
            warnings.append(
                _("“{title}” now has {n} volunteers for {wanted} wanted.").format(
                    title=mission.title, n=count, wanted=mission.volunteers_wanted
                )
            )
    session.commit()
    return Assigned(_assignment_info(session, a), tuple(warnings))


def sign_up(
    session: Session,
    mission_id: uuid.UUID,
    volunteer_id: uuid.UUID,
    *,
    hours_per_week=None,
    today: date | None = None,
) -> Assigned:
    """A volunteer signs up for a mission themselves (same checks as :func:`assign`)."""
    return assign(
        session,
        mission_id,
        volunteer_id,
        hours_per_week=hours_per_week,
        signed_up=True,
        today=today,
    )


def unassign(session: Session, mission_id: uuid.UUID, volunteer_id: uuid.UUID) -> AssignmentInfo:
    """Take a volunteer off a mission (the hours they gave to it stay)."""
    a = session.scalar(
        select(MissionAssignment).where(
            MissionAssignment.mission_id == mission_id,
            MissionAssignment.volunteer_id == volunteer_id,
        )
    )
    if a is None:
        raise CodeliveryError(_("This volunteer is not on this mission."))
    info = _assignment_info(session, a)
    session.delete(a)
    session.commit()
    return info


def assignments(
    session: Session,
    *,
    mission_id: uuid.UUID | None = None,
    volunteer_id: uuid.UUID | None = None,
) -> list[AssignmentInfo]:
    """Who is on a mission, or the missions of a volunteer."""
    query = (
        select(
            MissionAssignment.mission_id,
            Mission.title,
            MissionAssignment.volunteer_id,
            VolunteerProfile.name,
            MissionAssignment.hours_per_week,
            MissionAssignment.signed_up,
        )
        .join(Mission, Mission.id == MissionAssignment.mission_id)
        .join(VolunteerProfile, VolunteerProfile.id == MissionAssignment.volunteer_id)
    )
    if mission_id is not None:
        query = query.where(MissionAssignment.mission_id == mission_id)
    if volunteer_id is not None:
        query = query.where(MissionAssignment.volunteer_id == volunteer_id)
    rows = [AssignmentInfo(*row) for row in session.execute(query)]
    return sorted(rows, key=lambda a: (fold(a.mission_title), fold(a.volunteer_name)))


# --------------------------------------------------------------------------- people helped


@dataclass(frozen=True)
class PeopleHelpedInfo:
    id: uuid.UUID
    mission_id: uuid.UUID
    period_start: date
    period_end: date
    category: str | None
    count: int

    def as_dict(self) -> dict:
        return {
            "id": str(self.id),
            "mission_id": str(self.mission_id),
            "from": self.period_start.isoformat(),
            "to": self.period_end.isoformat(),
            "category": self.category,
            "count": self.count,
        }


def add_people_helped(
    session: Session,
    mission_id: uuid.UUID,
    period_start: date | None,
    period_end: date | None,
    count,
    *,
    category: str | None = None,
) -> PeopleHelpedInfo:
    """Record how many people (of a category such as families or young people) a mission
    helped over a period."""
    _mission(session, mission_id)
    if period_start is None or period_end is None:
        raise CodeliveryError(_("Give the period (from and to) of the people helped."))
    if period_end < period_start:
        raise CodeliveryError(
            _("The period ends ({end}) before it starts ({start}).").format(
                end=period_end.isoformat(), start=period_start.isoformat()
            )
        )
    n = number(count, _("People helped"))
    if n != int(n) or n < 1:
        raise CodeliveryError(_("The number of people helped must be a whole number above 0."))
    row = PeopleHelped(
        id=uuid.uuid4(),
        mission_id=mission_id,
        period_start=period_start,
        period_end=period_end,
        category=_line(category),
        count=int(n),
    )
    session.add(row)
    session.commit()
    return PeopleHelpedInfo(row.id, mission_id, period_start, period_end, row.category, row.count)


def people_helped(session: Session, mission_id: uuid.UUID) -> list[PeopleHelpedInfo]:
    _mission(session, mission_id)
    rows = session.execute(
        select(
            PeopleHelped.id,
            PeopleHelped.mission_id,
            PeopleHelped.period_start,
            PeopleHelped.period_end,
            PeopleHelped.category,
            PeopleHelped.count,
        )
        .where(PeopleHelped.mission_id == mission_id)
        .order_by(PeopleHelped.period_start, PeopleHelped.category)
    ).all()
    return [PeopleHelpedInfo(*r) for r in rows]


def remove_people_helped(session: Session, row_id: uuid.UUID) -> None:
    row = session.get(PeopleHelped, row_id)
    if row is None:
        raise CodeliveryError(_("This line no longer exists."))
    session.delete(row)
    session.commit()


def helped_categories(session: Session) -> list[str]:
    """Categories already used (for a combo box), by name."""
    rows = session.scalars(
        select(PeopleHelped.category).where(PeopleHelped.category.is_not(None)).distinct()
    ).all()
    return sorted(rows, key=fold)


# --------------------------------------------------------------------------- support costs


@dataclass(frozen=True)
class SupportCostInfo:
    id: uuid.UUID
    mission_id: uuid.UUID
    kind: str
    amount: float
    incurred_on: date | None
    note: str | None

    def as_dict(self) -> dict:
        return {
            "id": str(self.id),
            "mission_id": str(self.mission_id),
            "kind": self.kind,
            "amount": self.amount,
            "incurred_on": _iso(self.incurred_on),
            "note": self.note,
        }


def add_support_cost(
    session: Session,
    mission_id: uuid.UUID,
    kind: str,
    amount,
    *,
    incurred_on: date | None = None,
    note: str | None = None,
) -> SupportCostInfo:
    """Record what supporting a mission cost (training, coordination, materials, other), on
    ``incurred_on`` (today if not given)."""
    _mission(session, mission_id)
    kind = kind or "other"
    if kind not in SUPPORT_COST_KINDS:
        raise CodeliveryError(
            _("Unknown kind of cost “{kind}” (training, coordination, materials, other).").format(
                kind=kind
            )
        )
    value = number(amount, _("Amount"))
    if value <= 0:
        raise CodeliveryError(_("A cost must be more than 0."))
    row = SupportCost(
        id=uuid.uuid4(),
        mission_id=mission_id,
        kind=kind,
        amount=value,
        incurred_on=incurred_on or today_local(),
        note=(note or "").strip() or None,
    )
    session.add(row)
    session.commit()
    return SupportCostInfo(row.id, mission_id, kind, value, row.incurred_on, row.note)


def support_costs(session: Session, mission_id: uuid.UUID) -> list[SupportCostInfo]:
    _mission(session, mission_id)
    rows = session.execute(
        select(
            SupportCost.id,
            SupportCost.mission_id,
            SupportCost.kind,
            SupportCost.amount,
            SupportCost.incurred_on,
            SupportCost.note,
        )
        .where(SupportCost.mission_id == mission_id)
        .order_by(SupportCost.incurred_on, SupportCost.kind)
    ).all()
    return [SupportCostInfo(*r) for r in rows]


def remove_support_cost(session: Session, cost_id: uuid.UUID) -> None:
    row = session.get(SupportCost, cost_id)
    if row is None:
        raise CodeliveryError(_("This cost no longer exists."))
    session.delete(row)
    session.commit()
