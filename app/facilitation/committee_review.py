"""What a follow-up committee looks at: its dashboard, and its annual review (bilan annuel).

The dashboard is read each time a committee opens (next meeting, overdue actions, indicators
off track, counts), so it runs a handful of aggregate queries, whatever the plan's size.

The annual review gathers one year: attendance per meeting (and how many sitting members
came), actions done (on time or late) and still open or overdue, indicators against their
targets, and the decisions log. ``as_dict()`` is the document the printing feature lays out.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.facilitation import actions as A
from app.facilitation import indicators as I
from app.facilitation.citizen_time import CitizenTimeSummary, codelivery_summary_for_committee
from app.facilitation.committees import (
    FULL_ROLES,
    CommitteeInfo,
    LoggedDecision,
    MeetingInfo,
    committee_info,
    decisions_log,
    list_meetings,
    next_meeting,
    today_local,
)
from app.models import (
    ACTION_STATUSES,
    Action,
    ActionChange,
    Attendance,
    CommitteeMember,
)

# --------------------------------------------------------------------------- dashboard


@dataclass(frozen=True)
class Dashboard:
    committee: CommitteeInfo
    next_meeting: MeetingInfo | None
    #: Open actions past their due date, the most overdue first.
    overdue_actions: list[A.ActionRow]
    #: Indicators whose latest measurement misses the target.
    off_track: list[I.IndicatorInfo]
    #: Indicators without any measurement.
    no_data: list[I.IndicatorInfo]
    #: status code → number of actions (every status present, 0 included).
    actions_by_status: dict[str, int]
    indicators: int
    today: date

    @property
    def actions(self) -> int:
        return sum(self.actions_by_status.values())

    @property
    def open_actions(self) -> int:
        return sum(self.actions_by_status[s] for s in A.OPEN_STATUSES)

    def as_dict(self) -> dict:
        return {
            "committee": self.committee.as_dict(),
            "today": self.today.isoformat(),
            "next_meeting": self.next_meeting.as_dict() if self.next_meeting else None,
            "overdue_actions": [r.as_dict() for r in self.overdue_actions],
            "off_track": [i.as_dict() for i in self.off_track],
            "no_data": [i.as_dict() for i in self.no_data],
            "actions_by_status": self.actions_by_status,
            "actions": self.actions,
            "open_actions": self.open_actions,
            "indicators": self.indicators,
        }


def dashboard(
    session: Session,
    committee_id: uuid.UUID,
    *,
    today: date | None = None,
    now: datetime | None = None,
) -> Dashboard:
    """The committee at a glance on ``today``."""
    today = today or today_local()
    info = committee_info(session, committee_id, today=today)
    counts = dict.fromkeys(ACTION_STATUSES, 0)
    counts.update(
        session.execute(
            select(Action.status, func.count())
            .where(Action.committee_id == committee_id)
            .group_by(Action.status)
        ).all()
    )
    overdue = A.list_actions(session, committee_id, overdue_only=True, today=today)
    indicators = I.list_indicators(session, committee_id)
    moment = now or datetime.combine(today, time()).astimezone()
    return Dashboard(
        committee=info,
        next_meeting=next_meeting(session, committee_id, now=moment),
        overdue_actions=overdue,
        off_track=[i for i in indicators if i.status == "off_track"],
        no_data=[i for i in indicators if i.status == "no_data"],
        actions_by_status=counts,
        indicators=len(indicators),
        today=today,
    )


# --------------------------------------------------------------------------- annual review


@dataclass(frozen=True)
class MeetingAttendance:
    meeting: MeetingInfo
    day: date
    #: Everyone who signed in.
    present: int
    #: Full members sitting on that day, and how many of them signed in.
    members: int
    members_present: int

    @property
    def member_rate(self) -> float | None:
        return self.members_present / self.members if self.members else None

    def as_dict(self) -> dict:
        return {
            "meeting": self.meeting.as_dict(),
            "day": self.day.isoformat(),
            "present": self.present,
            "members": self.members,
            "members_present": self.members_present,
            "member_rate": self.member_rate,
        }


@dataclass(frozen=True)
class DoneAction:
    action: A.ActionRow
    done_on: date

    @property
    def late(self) -> bool:
        return self.action.due_on is not None and self.done_on > self.action.due_on

    def as_dict(self) -> dict:
        return {**self.action.as_dict(), "done_on": self.done_on.isoformat(), "late": self.late}


@dataclass(frozen=True)
class IndicatorYear:
    indicator: I.IndicatorInfo
    #: The last value before the year (or the baseline), and the last one in the year.
    start_value: float | None
    end_value: float | None
    end_on: date | None
    measurements: int
    status: str

    def as_dict(self) -> dict:
        i = self.indicator
        return {
            "id": str(i.id),
            "name": i.name,
            "unit": i.unit,
            "direction": i.direction,
            "baseline": i.baseline,
            "target": i.target,
            "start_value": self.start_value,
            "end_value": self.end_value,
            "end_on": self.end_on.isoformat() if self.end_on else None,
            "measurements": self.measurements,
            "status": self.status,
        }


@dataclass(frozen=True)
class AnnualReview:
    committee: CommitteeInfo
    year: int
    #: The day the review looks from (31 December, or today during the year).
    as_of: date
    meetings: list[MeetingAttendance]
    done: list[DoneAction]
    #: Open actions past due on ``as_of`` (due in or before the year).
    late: list[A.ActionRow]
    #: Actions still open on ``as_of``.
    open: list[A.ActionRow]
    created: int
    indicators: list[IndicatorYear]
    decisions: list[LoggedDecision] = field(default_factory=list)
    #: Co-delivery of the year on the committee's actions (None without missions or savings).
    codelivery: CitizenTimeSummary | None = None

    @property
    def done_late(self) -> int:
        return sum(1 for d in self.done if d.late)

    @property
    def attendance(self) -> int:
        return sum(m.present for m in self.meetings)

    def as_dict(self) -> dict:
        return {
            "committee": self.committee.as_dict(),
            "year": self.year,
            "as_of": self.as_of.isoformat(),
            "meetings": [m.as_dict() for m in self.meetings],
            "attendance": self.attendance,
            "actions": {
                "created": self.created,
                "done": [d.as_dict() for d in self.done],
                "done_late": self.done_late,
                "late": [r.as_dict() for r in self.late],
                "open": [r.as_dict() for r in self.open],
            },
            "indicators": [i.as_dict() for i in self.indicators],
            "decisions": [d.as_dict() for d in self.decisions],
            "codelivery": self.codelivery.as_dict() if self.codelivery else None,
        }


def _meetings_of_year(
    session: Session, committee_id: uuid.UUID, start: date, end: date
) -> list[MeetingAttendance]:
    meetings = [
        m
        for m in list_meetings(session, committee_id)
        if start <= m.starts_at.astimezone().date() <= end
    ]
    if not meetings:
        return []
    members = session.execute(
        select(
            CommitteeMember.participant_id, CommitteeMember.joined_on, CommitteeMember.left_on
        ).where(CommitteeMember.committee_id == committee_id, CommitteeMember.role.in_(FULL_ROLES))
    ).all()
    signed = {}
    for sid, pid in session.execute(
        select(Attendance.session_id, Attendance.participant_id).where(
            Attendance.session_id.in_([m.id for m in meetings])
        )
    ):
        signed.setdefault(sid, set()).add(pid)
    result = []
    for m in meetings:
        day = m.starts_at.astimezone().date()
        sitting = [
            pid
            for pid, joined, left in members
            if (joined is None or joined <= day) and (left is None or left > day)
        ]
        came = signed.get(m.id, set())
        result.append(
            MeetingAttendance(
                meeting=m,
                day=day,
                present=m.attendance,
                members=len(sitting),
                members_present=sum(1 for pid in sitting if pid is not None and pid in came),
            )
        )
    return result


def _done_on(session: Session, committee_id: uuid.UUID) -> dict[uuid.UUID, date]:
    """Action id → the day it was last marked done (from the history)."""
    rows = session.execute(
        select(ActionChange.action_id, func.max(ActionChange.created_at))
        .join(Action, Action.id == ActionChange.action_id)
        .where(
            Action.committee_id == committee_id,
            ActionChange.field == "status",
            ActionChange.new_value == "done",
        )
        .group_by(ActionChange.action_id)
    ).all()
    return {aid: _day(at) for aid, at in rows}


def _status_on(session: Session, committee_id: uuid.UUID, day: date) -> dict[uuid.UUID, str]:
    """Action id → its status at the end of ``day``, for actions whose status changed since
    (the old value of the first later change)."""
    after = datetime.combine(day, time.max).astimezone()
    rows = session.execute(
        select(ActionChange.action_id, ActionChange.old_value)
        .join(Action, Action.id == ActionChange.action_id)
        .where(
            Action.committee_id == committee_id,
            ActionChange.field == "status",
            ActionChange.created_at > after,
        )
        .order_by(ActionChange.created_at.desc())
    ).all()
    return {aid: old for aid, old in rows}  # the earliest change wins (written last)


def _day(at: datetime) -> date:
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return at.astimezone().date()


def _indicators_of_year(
    session: Session, committee_id: uuid.UUID, start: date, end: date
) -> list[IndicatorYear]:
    infos = I.list_indicators(session, committee_id)
    before = I.latest_measurements(session, committee_id, until=start - timedelta(days=1))
    within = I.latest_measurements(session, committee_id, since=start, until=end)
    result = []
    for info in infos:
        count, end_value, end_on = within.get(info.id, (0, None, None))
        result.append(
            IndicatorYear(
                indicator=info,
                start_value=before[info.id][1] if info.id in before else info.baseline,
                end_value=end_value,
                end_on=end_on,
                measurements=count,
                status=I.indicator_status(info.direction, info.target, end_value),
            )
        )
    return result


def annual_review(
    session: Session, committee_id: uuid.UUID, year: int, *, today: date | None = None
) -> AnnualReview:
    """One year of the committee, looked at from 31 December (or from ``today`` if earlier).

    Statuses are those on that day (read back from the history). Done: actions marked done
    during the year (late when after their due date). Late: open actions whose due date passed
    by then. Open: actions neither done nor dropped. Indicators: the last measurement of the
    year against the target. Decisions: those dated in the year. Co-delivery: hours, people
    helped, support costs and estimated savings of the year on the committee's actions.
    """
    start, end = date(year, 1, 1), date(year, 12, 31)
    today = today or today_local()
    as_of = min(end, today)
    info = committee_info(session, committee_id, today=as_of)
    then = _status_on(session, committee_id, as_of)
    rows = [
        replace(r, status=then[r.id], overdue=A.is_overdue(r.due_on, then[r.id], as_of))
        if r.id in then
        else r
        for r in A.list_actions(session, committee_id, today=as_of)
        if r.created_on <= as_of
    ]
    done_on = _done_on(session, committee_id)
    done = [
        DoneAction(r, done_on[r.id])
        for r in rows
        if r.status == "done" and r.id in done_on and start <= done_on[r.id] <= end
    ]
    open_rows = [r for r in rows if r.status in A.OPEN_STATUSES]
    return AnnualReview(
        committee=info,
        year=year,
        as_of=as_of,
        meetings=_meetings_of_year(session, committee_id, start, end),
        done=done,
        late=[r for r in open_rows if r.overdue],
        open=open_rows,
        created=sum(1 for r in rows if start <= r.created_on <= end),
        indicators=_indicators_of_year(session, committee_id, start, end),
        decisions=decisions_log(session, committee_id, start=start, end=end),
        codelivery=_codelivery(session, committee_id, start, end),
    )


def _codelivery(
    session: Session, committee_id: uuid.UUID, start: date, end: date
) -> CitizenTimeSummary | None:
    summary = codelivery_summary_for_committee(session, committee_id, start, end)
    return summary if summary.missions or summary.savings else None
