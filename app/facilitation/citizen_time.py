"""The value of citizen time: hours given by mission, action, volunteer or month, and a
cost/benefit summary per action, process or committee for co-evaluation.

What each figure of a :class:`CitizenTimeSummary` is:

- ``hours``: hours volunteers gave (time entries in the period);
- ``time_value``: those hours × the workspace's reference hourly value (with its source);
  what the citizen time would have cost if paid, shown beside the balance, never in it;
- ``costs``: support costs of the missions (training, coordination, materials, other);
- ``savings``: the estimated savings the user recorded for the actions, with their sources;
- ``balance`` = savings − costs (the headline "savings against costs");
  ``ratio`` = savings ÷ costs (None without costs).

With a period, hours count by day, costs by the day they were incurred, people helped and
savings when their period overlaps it; costs and savings without a date always count.
Every figure is a SQL aggregate, whatever the number of lines.
"""

from __future__ import annotations

import calendar
import uuid
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import distinct, func, select
from sqlalchemy.orm import Session

from app.facilitation import audit
from app.facilitation.committees import _line, today_local
from app.facilitation.volunteers import CodeliveryError, _volunteer, number
from app.i18n import N_, _
from app.models import Action, Committee, Process, WorkspaceMeta
from app.models.codelivery import (
    SUPPORT_COST_KINDS,
    EstimatedSaving,
    Mission,
    PeopleHelped,
    SupportCost,
    TimeEntry,
    Training,
)
from app.models.text import fold

HOURLY_VALUE_KEY = "codelivery.hourly_value"
HOURLY_SOURCE_KEY = "codelivery.hourly_value_source"
GROUPS = ("mission", "action", "volunteer", "month")

_GROUPS = {
    "mission": N_("Mission"),
    "action": N_("Action"),
    "volunteer": N_("Volunteer"),
    "month": N_("Month"),
}


def group_label(code: str) -> str:
    return _(_GROUPS.get(code, code))


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


# --------------------------------------------------------------------------- hourly value


@dataclass(frozen=True)
class HourlyValue:
    #: Euros per hour of citizen time (None: not set yet).
    value: float | None
    source: str | None

    def as_dict(self) -> dict:
        return {"value": self.value, "source": self.source}


def hourly_value(session: Session) -> HourlyValue:
    """The workspace's reference value of an hour of citizen time, with its source."""
    rows = dict(
        session.execute(
            select(WorkspaceMeta.key, WorkspaceMeta.value).where(
                WorkspaceMeta.key.in_((HOURLY_VALUE_KEY, HOURLY_SOURCE_KEY))
            )
        ).all()
    )
    try:
        value = float(rows[HOURLY_VALUE_KEY]) if rows.get(HOURLY_VALUE_KEY) else None
    except ValueError:
        value = None
    return HourlyValue(value, rows.get(HOURLY_SOURCE_KEY) or None)


def set_hourly_value(session: Session, value, source: str | None) -> HourlyValue:
    """Set (or clear, with ``None``) the reference hourly value; a value needs its source
    (e.g. "SMIC horaire brut chargé 2027")."""
    source = _line(source)
    if value is None or value == "":
        for key in (HOURLY_VALUE_KEY, HOURLY_SOURCE_KEY):
            row = session.get(WorkspaceMeta, key)
            if row is not None:
                session.delete(row)
        session.commit()
        return HourlyValue(None, None)
    amount = number(value, _("Hourly value"))
    if amount <= 0:
        raise CodeliveryError(_("The hourly value must be more than 0."))
    if not source:
        raise CodeliveryError(_("Say where the hourly value comes from (its source)."))
    for key, text in ((HOURLY_VALUE_KEY, repr(amount)), (HOURLY_SOURCE_KEY, source)):
        row = session.get(WorkspaceMeta, key)
        if row is None:
            session.add(WorkspaceMeta(key=key, value=text))
        else:
            row.value = text
    audit.append(session, "codelivery.hourly_value", {"value": amount, "source": source})
    session.commit()
    return HourlyValue(amount, source)


# --------------------------------------------------------------------------- savings


@dataclass(frozen=True)
class SavingInfo:
    id: uuid.UUID
    action_id: uuid.UUID
    amount: float
    source: str
    period_start: date | None
    period_end: date | None
    note: str | None

    def as_dict(self) -> dict:
        return {
            "id": str(self.id),
            "action_id": str(self.action_id),
            "amount": self.amount,
            "source": self.source,
            "from": _iso(self.period_start),
            "to": _iso(self.period_end),
            "note": self.note,
        }


_SAVING_COLUMNS = (
    EstimatedSaving.id,
    EstimatedSaving.action_id,
    EstimatedSaving.amount,
    EstimatedSaving.source,
    EstimatedSaving.period_start,
    EstimatedSaving.period_end,
    EstimatedSaving.note,
)


def add_saving(
    session: Session,
    action_id: uuid.UUID,
    amount,
    source: str | None,
    *,
    period_start: date | None = None,
    period_end: date | None = None,
    note: str | None = None,
) -> SavingInfo:
    """Record a saving the user estimates for an action (e.g. placements avoided), with the
    source of the estimate."""
    if session.get(Action, action_id) is None:
        raise CodeliveryError(_("This action no longer exists."))
    value = number(amount, _("Amount"))
    if value < 0:
        raise CodeliveryError(_("An estimated saving cannot be negative."))
    source = _line(source)
    if not source:
        raise CodeliveryError(_("Say where the estimated saving comes from (its source)."))
    if period_start and period_end and period_end < period_start:
        raise CodeliveryError(
            _("The period ends ({end}) before it starts ({start}).").format(
                end=period_end.isoformat(), start=period_start.isoformat()
            )
        )
    row = EstimatedSaving(
        id=uuid.uuid4(),
        action_id=action_id,
        amount=value,
        source=source,
        period_start=period_start,
        period_end=period_end,
        note=(note or "").strip() or None,
    )
    session.add(row)
    session.flush()
    audit.append(
        session,
        "codelivery.saving",
        {"action": str(action_id), "amount": value, "source": source},
        row.id,
    )
    session.commit()
    return SavingInfo(row.id, action_id, value, source, period_start, period_end, row.note)


def savings(session: Session, action_id: uuid.UUID) -> list[SavingInfo]:
    rows = session.execute(
        select(*_SAVING_COLUMNS)
        .where(EstimatedSaving.action_id == action_id)
        .order_by(EstimatedSaving.period_start, EstimatedSaving.created_at)
    ).all()
    return [SavingInfo(*r) for r in rows]


def remove_saving(session: Session, saving_id: uuid.UUID) -> SavingInfo:
    row = session.get(EstimatedSaving, saving_id)
    if row is None:
        raise CodeliveryError(_("This estimated saving no longer exists."))
    info = SavingInfo(
        row.id, row.action_id, row.amount, row.source, row.period_start, row.period_end, row.note
    )
    session.delete(row)
    session.commit()
    return info


# --------------------------------------------------------------------------- hours


@dataclass(frozen=True)
class HoursRow:
    #: Mission, action or volunteer profile id (None: no action, or a removed volunteer);
    #: "2027-03" for a month.
    key: object
    label: str
    hours: float
    entries: int
    volunteers: int

    def as_dict(self) -> dict:
        return {
            "key": str(self.key) if self.key is not None else None,
            "label": self.label,
            "hours": self.hours,
            "entries": self.entries,
            "volunteers": self.volunteers,
        }


def _period(query, column, start: date | None, end: date | None):
    if start is not None:
        query = query.where(column >= start)
    if end is not None:
        query = query.where(column <= end)
    return query


def hours_by(
    session: Session,
    *,
    group: str = "mission",
    process_id: uuid.UUID | None = None,
    start: date | None = None,
    end: date | None = None,
) -> list[HoursRow]:
    """Total hours grouped by mission, action, volunteer or month (months in order, the
    others by most hours), with the lines and the distinct volunteers behind them."""
    if group not in GROUPS:
        raise CodeliveryError(
            _("Unknown grouping “{group}” (mission, action, volunteer or month).").format(
                group=group
            )
        )
    measures = (
        func.sum(TimeEntry.hours),
        func.count(),
        func.count(distinct(TimeEntry.volunteer_name)),
    )
    if group == "mission":
        keys = (Mission.id, Mission.title)
    elif group == "action":
        keys = (Mission.action_id, Action.title)
    elif group == "volunteer":
        keys = (TimeEntry.volunteer_id, TimeEntry.volunteer_name)
    else:
        month = func.substr(func.cast(TimeEntry.worked_on, _string()), 1, 7)
        keys = (month, month)
    query = select(*keys, *measures).join(Mission, Mission.id == TimeEntry.mission_id)
    if group == "action":
        query = query.outerjoin(Action, Action.id == Mission.action_id)
    if process_id is not None:
        query = query.where(Mission.process_id == process_id)
    query = _period(query, TimeEntry.worked_on, start, end).group_by(*keys)
    rows = []
    for key, label, hours, entries, volunteers in session.execute(query):
        if group == "action" and key is None:
            label = _("No action")
        rows.append(HoursRow(key, label or "", float(hours or 0.0), entries, volunteers))
    if group == "month":
        return sorted(rows, key=lambda r: r.key)
    return sorted(rows, key=lambda r: (-r.hours, fold(r.label)))


def _string():
    from sqlalchemy import String

    return String()


# --------------------------------------------------------------------------- summaries


@dataclass(frozen=True)
class CitizenTimeSummary:
    """Cost/benefit of co-delivery for an action, a process or a committee (see the module
    docstring for what each figure is)."""

    scope: str
    id: uuid.UUID
    title: str
    start: date | None
    end: date | None
    missions: int
    hours: float
    entries: int
    volunteers: int
    hourly_value: float | None
    hourly_value_source: str | None
    people_helped: int
    people_by_category: dict[str, int]
    costs_by_kind: dict[str, float]
    savings: list[SavingInfo] = field(default_factory=list)

    @property
    def time_value(self) -> float | None:
        """Hours × the reference hourly value (None without a value)."""
        return None if self.hourly_value is None else self.hours * self.hourly_value

    @property
    def costs(self) -> float:
        return float(sum(self.costs_by_kind.values()))

    @property
    def savings_total(self) -> float:
        return float(sum(s.amount for s in self.savings))

    @property
    def balance(self) -> float:
        """Estimated savings − support costs."""
        return self.savings_total - self.costs

    @property
    def ratio(self) -> float | None:
        """Estimated savings ÷ support costs (None without costs)."""
        return self.savings_total / self.costs if self.costs else None

    def chart_rows(self) -> list[tuple[str, float]]:
        """(label, euros) for a bar chart: costs, estimated savings, value of citizen time."""
        rows = [(_("Support costs"), self.costs), (_("Estimated savings"), self.savings_total)]
        if self.time_value is not None:
            rows.append((_("Value of citizen time"), self.time_value))
        return rows

    def as_dict(self) -> dict:
        return {
            "scope": self.scope,
            "id": str(self.id),
            "title": self.title,
            "from": _iso(self.start),
            "to": _iso(self.end),
            "missions": self.missions,
            "hours": self.hours,
            "entries": self.entries,
            "volunteers": self.volunteers,
            "hourly_value": self.hourly_value,
            "hourly_value_source": self.hourly_value_source,
            "time_value": self.time_value,
            "people_helped": self.people_helped,
            "people_by_category": dict(self.people_by_category),
            "costs_by_kind": dict(self.costs_by_kind),
            "costs": self.costs,
            "savings": [s.as_dict() for s in self.savings],
            "savings_total": self.savings_total,
            "balance": self.balance,
            "ratio": self.ratio,
        }


def _overlap(query, first, last, start: date | None, end: date | None):
    """Rows whose period [first, last] overlaps [start, end]; undated rows always count."""
    if start is not None:
        query = query.where((last.is_(None)) | (last >= start))
    if end is not None:
        query = query.where((first.is_(None)) | (first <= end))
    return query


def _summaries(
    session: Session,
    scope: str,
    key,
    where,
    titles: dict[uuid.UUID, str],
    start: date | None,
    end: date | None,
    saving_where,
) -> list[CitizenTimeSummary]:
    """One summary per value of ``key`` (a column for missions, one for the actions of
    savings) among missions matching ``where`` and savings of actions matching
    ``saving_where`` (actions joined with their committee): five grouped queries in all."""
    mission_key, action_key = key
    missions = dict(
        session.execute(
            select(mission_key, func.count())
            .select_from(Mission)
            .outerjoin(Action, Action.id == Mission.action_id)
            .where(*where)
            .group_by(mission_key)
        ).all()
    )
    hours = {
        r[0]: r[1:]
        for r in session.execute(
            _period(
                select(
                    mission_key,
                    func.sum(TimeEntry.hours),
                    func.count(),
                    func.count(distinct(TimeEntry.volunteer_name)),
                )
                .select_from(TimeEntry)
                .join(Mission, Mission.id == TimeEntry.mission_id)
                .outerjoin(Action, Action.id == Mission.action_id)
                .where(*where),
                TimeEntry.worked_on,
                start,
                end,
            ).group_by(mission_key)
        )
    }
    people: dict = {}
    for k, category, count in session.execute(
        _overlap(
            select(mission_key, PeopleHelped.category, func.sum(PeopleHelped.count))
            .select_from(PeopleHelped)
            .join(Mission, Mission.id == PeopleHelped.mission_id)
            .outerjoin(Action, Action.id == Mission.action_id)
            .where(*where),
            PeopleHelped.period_start,
            PeopleHelped.period_end,
            start,
            end,
        ).group_by(mission_key, PeopleHelped.category)
    ):
        people.setdefault(k, {})[category or ""] = int(count or 0)
    costs: dict = {}
    for k, kind, amount in session.execute(
        _overlap(
            select(mission_key, SupportCost.kind, func.sum(SupportCost.amount))
            .select_from(SupportCost)
            .join(Mission, Mission.id == SupportCost.mission_id)
            .outerjoin(Action, Action.id == Mission.action_id)
            .where(*where),
            SupportCost.incurred_on,
            SupportCost.incurred_on,
            start,
            end,
        ).group_by(mission_key, SupportCost.kind)
    ):
        costs.setdefault(k, {})[kind] = float(amount or 0.0)
    saved: dict = {}
    if action_key is not None:
        for row in session.execute(
            _overlap(
                select(action_key, *_SAVING_COLUMNS)
                .select_from(EstimatedSaving)
                .join(Action, Action.id == EstimatedSaving.action_id)
                .join(Committee, Committee.id == Action.committee_id)
                .where(*saving_where),
                EstimatedSaving.period_start,
                EstimatedSaving.period_end,
                start,
                end,
            ).order_by(EstimatedSaving.period_start, EstimatedSaving.created_at)
        ):
            saved.setdefault(row[0], []).append(SavingInfo(*row[1:]))
    value = hourly_value(session)
    result = []
    for k, title in titles.items():
        h, entries, volunteers = hours.get(k, (0.0, 0, 0))
        by_category = dict(sorted(people.get(k, {}).items(), key=lambda kv: fold(kv[0])))
        by_kind = {kind: costs[k][kind] for kind in SUPPORT_COST_KINDS if kind in costs.get(k, {})}
        result.append(
            CitizenTimeSummary(
                scope=scope,
                id=k,
                title=title,
                start=start,
                end=end,
                missions=missions.get(k, 0),
                hours=float(h or 0.0),
                entries=entries,
                volunteers=volunteers,
                hourly_value=value.value,
                hourly_value_source=value.source,
                people_helped=sum(by_category.values()),
                people_by_category=by_category,
                costs_by_kind=by_kind,
                savings=saved.get(k, []),
            )
        )
    return result


def _action_titles(session: Session, where) -> dict[uuid.UUID, str]:
    rows = session.execute(
        select(Action.id, Action.title)
        .join(Committee, Committee.id == Action.committee_id)
        .where(*where)
    ).all()
    return {r[0]: r[1] for r in sorted(rows, key=lambda r: fold(r[1]))}


def action_summaries(
    session: Session,
    *,
    process_id: uuid.UUID | None = None,
    committee_id: uuid.UUID | None = None,
    start: date | None = None,
    end: date | None = None,
    with_missions_only: bool = True,
) -> list[CitizenTimeSummary]:
    """One summary per action (of a process or committee if given), by title: actions with
    missions or savings (every action with ``with_missions_only=False``)."""
    action_where = []
    if process_id is not None:
        action_where.append(Committee.process_id == process_id)
    if committee_id is not None:
        action_where.append(Committee.id == committee_id)
    titles = _action_titles(session, action_where)
    mission_where = [Mission.action_id.is_not(None)]
    if process_id is not None:
        mission_where.append(Mission.process_id == process_id)
    if committee_id is not None:
        mission_where.append(Action.committee_id == committee_id)
    rows = _summaries(
        session,
        "action",
        (Mission.action_id, Action.id),
        mission_where,
        titles,
        start,
        end,
        action_where,
    )
    if with_missions_only:
        rows = [r for r in rows if r.missions or r.savings]
    return rows


def action_summary(
    session: Session, action_id: uuid.UUID, start: date | None = None, end: date | None = None
) -> CitizenTimeSummary:
    """Hours, their value, people helped, support costs and estimated savings of one action."""
    title = session.scalar(select(Action.title).where(Action.id == action_id))
    if title is None:
        raise CodeliveryError(_("This action no longer exists."))
    mission_where = [Mission.action_id == action_id]
    return _summaries(
        session,
        "action",
        (Mission.action_id, Action.id),
        mission_where,
        {action_id: title},
        start,
        end,
        [Action.id == action_id],
    )[0]


def process_summary(
    session: Session, process_id: uuid.UUID, start: date | None = None, end: date | None = None
) -> CitizenTimeSummary:
    """The same for every mission of a process (savings of every action of its committees)."""
    title = session.scalar(select(Process.title).where(Process.id == process_id))
    if title is None:
        raise CodeliveryError(_("This process no longer exists."))
    mission_where = [Mission.process_id == process_id]
    return _summaries(
        session,
        "process",
        (Mission.process_id, Committee.process_id),
        mission_where,
        {process_id: title},
        start,
        end,
        [Committee.process_id == process_id],
    )[0]


def codelivery_summary_for_committee(
    session: Session, committee_id: uuid.UUID, start: date | None, end: date | None
) -> CitizenTimeSummary:
    """The same for the missions of a committee's actions (for its annual review)."""
    title = session.scalar(select(Committee.title).where(Committee.id == committee_id))
    if title is None:
        raise CodeliveryError(_("This committee no longer exists."))
    mission_where = [Action.committee_id == committee_id]
    return _summaries(
        session,
        "committee",
        (Action.committee_id, Committee.id),
        mission_where,
        {committee_id: title},
        start,
        end,
        [Committee.id == committee_id],
    )[0]


# --------------------------------------------------------------------------- indicators


def _mission_scope(query, committee_id: uuid.UUID | None, process_id: uuid.UUID | None):
    if committee_id is not None:
        query = query.join(Action, Action.id == Mission.action_id).where(
            Action.committee_id == committee_id
        )
    if process_id is not None:
        query = query.where(Mission.process_id == process_id)
    return query


def monthly_hours(
    session: Session,
    *,
    committee_id: uuid.UUID | None = None,
    process_id: uuid.UUID | None = None,
    until: date | None = None,
) -> list[tuple[date, float, str]]:
    """(last day of the month, hours, "2027-03") for each month with hours, up to ``until``,
    on the missions of a committee's actions or of a process (a computed indicator)."""
    month = func.substr(func.cast(TimeEntry.worked_on, _string()), 1, 7)
    query = _mission_scope(
        select(month, func.sum(TimeEntry.hours)).join(Mission, Mission.id == TimeEntry.mission_id),
        committee_id,
        process_id,
    )
    query = _period(query, TimeEntry.worked_on, None, until).group_by(month).order_by(month)
    points = []
    for key, hours in session.execute(query):
        year, number_ = int(key[:4]), int(key[5:7])
        last = calendar.monthrange(year, number_)[1]
        points.append((date(year, number_, last), float(hours or 0.0), key))
    return points


def people_helped_series(
    session: Session,
    *,
    committee_id: uuid.UUID | None = None,
    process_id: uuid.UUID | None = None,
    until: date | None = None,
) -> list[tuple[date, float, str]]:
    """(end of the period, people helped, "from – to") per period ending by ``until``, on the
    missions of a committee's actions or of a process (a computed indicator)."""
    query = _mission_scope(
        select(
            PeopleHelped.period_start, PeopleHelped.period_end, func.sum(PeopleHelped.count)
        ).join(Mission, Mission.id == PeopleHelped.mission_id),
        committee_id,
        process_id,
    )
    query = _period(query, PeopleHelped.period_end, None, until)
    query = query.group_by(PeopleHelped.period_start, PeopleHelped.period_end).order_by(
        PeopleHelped.period_end, PeopleHelped.period_start
    )
    return [
        (end, float(count or 0), f"{start.isoformat()} – {end.isoformat()}")
        for start, end, count in session.execute(query)
    ]


# --------------------------------------------------------------------------- certificate


@dataclass(frozen=True)
class CertificateMission:
    title: str
    action: str | None
    hours: float
    days: int
    first_day: date
    last_day: date


@dataclass(frozen=True)
class CertificateTraining:
    title: str
    held_on: date | None
    hours: float | None


@dataclass(frozen=True)
class CertificateData:
    """What a certificate of volunteering shows (the PDF is laid out elsewhere)."""

    volunteer_id: uuid.UUID
    name: str
    process_title: str
    start: date | None
    end: date | None
    issued_on: date
    hours: float
    missions: list[CertificateMission]
    trainings: list[CertificateTraining]
    charter_signed_on: date | None
    charter_version: str | None
    skills: tuple[str, ...]

    @property
    def training_hours(self) -> float:
        return float(sum(t.hours or 0.0 for t in self.trainings))

    @property
    def first_day(self) -> date | None:
        return min((m.first_day for m in self.missions), default=None)

    @property
    def last_day(self) -> date | None:
        return max((m.last_day for m in self.missions), default=None)


def certificate_data(
    session: Session,
    volunteer_id: uuid.UUID,
    *,
    start: date | None = None,
    end: date | None = None,
    today: date | None = None,
) -> CertificateData:
    """Hours by mission, trainings and charter of one volunteer (over a period if given)."""
    from app.facilitation.volunteers import split_list

    profile = _volunteer(session, volunteer_id)
    rows = session.execute(
        _period(
            select(
                Mission.title,
                Action.title,
                func.sum(TimeEntry.hours),
                func.count(distinct(TimeEntry.worked_on)),
                func.min(TimeEntry.worked_on),
                func.max(TimeEntry.worked_on),
            )
            .select_from(TimeEntry)
            .join(Mission, Mission.id == TimeEntry.mission_id)
            .outerjoin(Action, Action.id == Mission.action_id)
            .where(TimeEntry.volunteer_id == volunteer_id),
            TimeEntry.worked_on,
            start,
            end,
        ).group_by(Mission.id, Mission.title, Action.title)
    ).all()
    missions = sorted(
        (CertificateMission(r[0], r[1], float(r[2] or 0.0), r[3], r[4], r[5]) for r in rows),
        key=lambda m: (m.first_day, fold(m.title)),
    )
    trainings = [
        CertificateTraining(t.title, t.held_on, t.hours)
        for t in session.scalars(
            _period(
                select(Training).where(Training.volunteer_id == volunteer_id),
                Training.held_on,
                start,
                end,
            ).order_by(Training.held_on, Training.title)
        )
    ]
    process_title = session.scalar(select(Process.title).where(Process.id == profile.process_id))
    return CertificateData(
        volunteer_id=profile.id,
        name=profile.name,
        process_title=process_title or "",
        start=start,
        end=end,
        issued_on=today or today_local(),
        hours=float(sum(m.hours for m in missions)),
        missions=missions,
        trainings=trainings,
        charter_signed_on=profile.charter_signed_on,
        charter_version=profile.charter_version,
        skills=split_list(profile.skills),
    )
