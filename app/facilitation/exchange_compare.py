"""The exchange-day comparison: processes of several organisations side by side.

At an exchange day the workspace holds processes imported from several municipalities'
bundles; each keeps its organisation (``Process.organisation_id``, carried by the bundle).
:func:`compare_processes` gathers, per process, what trainers compare: who took part and how
often, how closely the people who came mirror the population, which voting methods were used
and how the votes went, the citizen juries drawn and their quotas, the committees' actions and
indicators. :meth:`Comparison.measures` gives the same figures as rows of text (one value per
process), shared by the command line, the printed report and the app's table.

A part a process does not have (no vote, no jury, no committee, no census share) is ``None`` or
empty, and shown as "—", never as a zero that would read as a result.

- Sessions and attendance count the workshop sessions (not committee meetings) that started on
  or before ``today``; the attendance rate of a session is its sign-ins over the people
  registered in the process, averaged over those sessions.
- Diversity, per attribute category with population shares: 100 × (1 − D), D being Duncan's
  dissimilarity index (:func:`app.facilitation.indicators.dissimilarity`, as the committees'
  diversity indicator) between the people who came to at least one session and the population.
  The shares are the census shares the process's citizen juries were given (quota targets,
  which travel in its bundle), else the workspace's (Settings › Attributes).
"""

from __future__ import annotations

import json
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.errors import AtelierError
from app.facilitation import indicators as I
from app.facilitation import labels
from app.facilitation.actions import CLOSED_STATUSES, is_overdue
from app.facilitation.committees import today_local
from app.facilitation.voting import registry
from app.i18n import N_, _, ngettext
from app.locale_formats import format_day, format_number, format_percent
from app.models import (
    Action,
    Attendance,
    AttributeCategory,
    AttributeValue,
    Ballot,
    Committee,
    EvaluationJury,
    Indicator,
    Organisation,
    Panel,
    PanelPoolMember,
    PanelQuota,
    PanelSeat,
    ParticipantAttribute,
    Process,
    Registration,
    Vote,
)
from app.models import Session as WorkshopSession

NONE = "—"


class CompareError(AtelierError):
    """A comparison cannot be made (e.g. a process that no longer exists)."""


# --------------------------------------------------------------------------- data


@dataclass(frozen=True)
class DiversityRow:
    category_key: str
    category: str
    #: 100 × (1 − Duncan's D): 100 when the people who came mirror the population.
    score: float | None
    #: People who came with a value in this category.
    people: int
    #: Where the population shares come from: "jury" (quota targets) or "census" (workspace).
    source: str

    def as_dict(self) -> dict:
        return {
            "category": self.category_key,
            "label": self.category,
            "score": self.score,
            "people": self.people,
            "source": self.source,
        }


@dataclass(frozen=True)
class VoteRow:
    question: str
    session: str
    method: str
    method_label: str
    status: str
    ballots: int
    valid: int
    blank: int
    spoiled: int
    #: Who could vote, when known (the session's attendees, or the registered people).
    electorate: int | None
    winners: tuple[str, ...]

    @property
    def turnout(self) -> float | None:
        if not self.electorate:
            return None
        return self.ballots / self.electorate

    def as_dict(self) -> dict:
        return {
            "question": self.question,
            "session": self.session,
            "method": self.method,
            "status": self.status,
            "ballots": self.ballots,
            "valid": self.valid,
            "blank": self.blank,
            "spoiled": self.spoiled,
            "electorate": self.electorate,
            "turnout": self.turnout,
            "winners": list(self.winners),
        }


@dataclass(frozen=True)
class JuryRow:
    title: str
    status: str
    seats: int
    #: People in the pool (at the draw, else the volunteers now).
    pool: int
    categories: tuple[str, ...]
    quotas: int
    #: Quotas the seated panel meets (None before the draw).
    quotas_met: int | None
    alternates: int
    replacements: int

    def as_dict(self) -> dict:
        return {
            "title": self.title,
            "status": self.status,
            "seats": self.seats,
            "pool": self.pool,
            "categories": list(self.categories),
            "quotas": self.quotas,
            "quotas_met": self.quotas_met,
            "alternates": self.alternates,
            "replacements": self.replacements,
        }


@dataclass(frozen=True)
class ActionCounts:
    total: int
    done: int
    late: int
    #: Neither done nor dropped (the late ones included).
    open: int
    dropped: int

    @property
    def done_share(self) -> float | None:
        counted = self.total - self.dropped
        return self.done / counted if counted else None

    def as_dict(self) -> dict:
        return {
            "total": self.total,
            "done": self.done,
            "late": self.late,
            "open": self.open,
            "dropped": self.dropped,
        }


@dataclass(frozen=True)
class IndicatorRow:
    committee: str
    name: str
    unit: str | None
    target: float | None
    value: float | None
    status: str

    def as_dict(self) -> dict:
        return {
            "committee": self.committee,
            "name": self.name,
            "unit": self.unit,
            "target": self.target,
            "value": self.value,
            "status": self.status,
        }


@dataclass(frozen=True)
class ProcessComparison:
    process_id: uuid.UUID
    title: str
    organisation: str | None
    country: str | None
    started_on: date | None
    ended_on: date | None
    phase: str
    registered: int
    sessions_planned: int
    sessions_held: int
    sign_ins: int
    #: People who came to at least one session held.
    people_came: int
    #: Mean over sessions held of sign-ins / registered (None without either).
    attendance_rate: float | None
    #: Sign-ins of each session held, oldest first (title, sign-ins).
    session_attendance: tuple[tuple[str, int], ...]
    diversity: tuple[DiversityRow, ...]
    votes: tuple[VoteRow, ...]
    juries: tuple[JuryRow, ...]
    evaluation_juries: int
    committees: int
    #: None without a committee.
    actions: ActionCounts | None
    indicators: tuple[IndicatorRow, ...]

    @property
    def label(self) -> str:
        """What a column is called: the organisation, else the process."""
        return self.organisation or self.title

    @property
    def diversity_mean(self) -> float | None:
        scores = [d.score for d in self.diversity if d.score is not None]
        return round(sum(scores) / len(scores), 1) if scores else None

    def diversity_of(self, key: str) -> DiversityRow | None:
        return next((d for d in self.diversity if d.category_key == key), None)

    @property
    def methods(self) -> tuple[tuple[str, int], ...]:
        """(method label, votes) in order of first use."""
        counts = Counter(v.method_label for v in self.votes)
        return tuple(counts.items())

    @property
    def ballots(self) -> int:
        return sum(v.ballots for v in self.votes)

    @property
    def turnout(self) -> float | None:
        """Mean turnout of the votes whose electorate is known."""
        known = [v.turnout for v in self.votes if v.turnout is not None]
        return sum(known) / len(known) if known else None

    def indicator_counts(self) -> dict[str, int]:
        return dict(Counter(i.status for i in self.indicators))

    def as_dict(self) -> dict:
        return {
            "id": str(self.process_id),
            "title": self.title,
            "organisation": self.organisation,
            "country": self.country,
            "started_on": self.started_on.isoformat() if self.started_on else None,
            "ended_on": self.ended_on.isoformat() if self.ended_on else None,
            "phase": self.phase,
            "registered": self.registered,
            "sessions_planned": self.sessions_planned,
            "sessions_held": self.sessions_held,
            "sign_ins": self.sign_ins,
            "people_came": self.people_came,
            "attendance_rate": self.attendance_rate,
            "session_attendance": [list(x) for x in self.session_attendance],
            "diversity": [d.as_dict() for d in self.diversity],
            "diversity_mean": self.diversity_mean,
            "votes": [v.as_dict() for v in self.votes],
            "turnout": self.turnout,
            "juries": [j.as_dict() for j in self.juries],
            "evaluation_juries": self.evaluation_juries,
            "committees": self.committees,
            "actions": self.actions.as_dict() if self.actions else None,
            "indicators": [i.as_dict() for i in self.indicators],
        }


@dataclass(frozen=True)
class Measure:
    """One row of the comparison table: a measure and its value for each process."""

    key: str
    section: str
    label: str
    values: tuple[str, ...]
    #: The figures behind the text, for charts and sorting (None where there is none).
    numbers: tuple[float | None, ...] = ()


@dataclass(frozen=True)
class Comparison:
    today: date
    processes: tuple[ProcessComparison, ...]
    #: (key, label) of every attribute category some process has a diversity score for.
    categories: tuple[tuple[str, str], ...] = field(default_factory=tuple)

    def as_dict(self) -> dict:
        return {
            "today": self.today.isoformat(),
            "categories": [{"key": k, "label": v} for k, v in self.categories],
            "processes": [p.as_dict() for p in self.processes],
        }

    def measures(self) -> list[Measure]:
        """The comparison as rows of text in the current language, section by section."""
        return _measures(self)


SECTIONS = {
    "process": N_("Process"),
    "participation": N_("Participation"),
    "diversity": N_("Diversity against the population"),
    "votes": N_("Votes"),
    "juries": N_("Citizen juries"),
    "committees": N_("Follow-up committees"),
}


def section_label(key: str) -> str:
    return _(SECTIONS.get(key, key))


# --------------------------------------------------------------------------- choices


@dataclass(frozen=True)
class ProcessChoice:
    id: uuid.UUID
    title: str
    organisation: str | None
    country: str | None
    started_on: date | None

    @property
    def label(self) -> str:
        where = self.organisation or _("(no organisation)")
        if self.country:
            where = f"{where} ({self.country})"
        return f"{where} — {self.title}"


def process_choices(session: Session) -> list[ProcessChoice]:
    """Every process with its organisation, by organisation then start date and title."""
    rows = session.execute(
        select(Process.id, Process.title, Organisation.name, Organisation.country,
               Process.started_on)
        .outerjoin(Organisation, Organisation.id == Process.organisation_id)
    ).all()  # fmt: skip
    found = [ProcessChoice(*row) for row in rows]
    return sorted(
        found,
        key=lambda c: (c.organisation is None, (c.organisation or "").casefold(),
                       c.started_on or date.max, c.title.casefold(), str(c.id)),
    )  # fmt: skip


# --------------------------------------------------------------------------- computing


def compare_processes(
    session: Session,
    process_ids: list[uuid.UUID] | None = None,
    *,
    today: date | None = None,
) -> Comparison:
    """Compare the given processes (in that order), or every process of the workspace."""
    today = today or today_local()
    if process_ids is None:
        process_ids = [c.id for c in process_choices(session)]
    else:
        process_ids = list(dict.fromkeys(process_ids))
    found = []
    for pid in process_ids:
        process = session.get(Process, pid)
        if process is None:
            raise CompareError(_("This process no longer exists."))
        found.append(_compare(session, process, today))
    categories: dict[str, str] = {}
    for p in found:
        for d in p.diversity:
            categories.setdefault(d.category_key, d.category)
    return Comparison(today, tuple(found), tuple(categories.items()))


def _compare(session: Session, process: Process, today: date) -> ProcessComparison:
    org = session.get(Organisation, process.organisation_id) if process.organisation_id else None
    registered = (
        session.scalar(
            select(func.count())
            .select_from(Registration)
            .where(Registration.process_id == process.id)
        )
        or 0
    )
    workshops = session.scalars(
        select(WorkshopSession)
        .where(WorkshopSession.process_id == process.id, WorkshopSession.committee_id.is_(None))
        .order_by(WorkshopSession.starts_at)
    ).all()
    held = [s for s in workshops if s.starts_at.astimezone().date() <= today]
    present: dict[uuid.UUID, list[uuid.UUID]] = {s.id: [] for s in held}
    if held:
        for sid, pid in session.execute(
            select(Attendance.session_id, Attendance.participant_id).where(
                Attendance.session_id.in_(list(present))
            )
        ):
            present[sid].append(pid)
    came = {p for people in present.values() for p in people}
    sign_ins = sum(len(v) for v in present.values())
    rate = (
        sum(len(present[s.id]) / registered for s in held) / len(held)
        if held and registered
        else None
    )
    return ProcessComparison(
        process_id=process.id,
        title=process.title,
        organisation=org.name if org else None,
        country=org.country if org else None,
        started_on=process.started_on,
        ended_on=process.ended_on,
        phase=process.phase,
        registered=registered,
        sessions_planned=len(workshops),
        sessions_held=len(held),
        sign_ins=sign_ins,
        people_came=len(came),
        attendance_rate=rate,
        session_attendance=tuple((s.title, len(present[s.id])) for s in held),
        diversity=_diversity(session, process.id, came),
        votes=_votes(session, process.id, registered),
        juries=_juries(session, process.id),
        evaluation_juries=session.scalar(
            select(func.count())
            .select_from(EvaluationJury)
            .where(EvaluationJury.process_id == process.id)
        )
        or 0,
        committees=session.scalar(
            select(func.count()).select_from(Committee).where(Committee.process_id == process.id)
        )
        or 0,
        actions=_actions(session, process.id, today),
        indicators=_indicators(session, process.id),
    )


def _diversity(
    session: Session, process_id: uuid.UUID, came: set[uuid.UUID]
) -> tuple[DiversityRow, ...]:
    census: dict[uuid.UUID, dict[uuid.UUID, float]] = defaultdict(dict)
    for cid, vid, share in session.execute(
        select(AttributeValue.category_id, AttributeValue.id, AttributeValue.population_share)
    ):
        if share is not None and share > 0:
            census[cid][vid] = share
    # The census a jury of this process was given (travels with the process's bundle).
    quotas: dict[uuid.UUID, dict[uuid.UUID, float]] = defaultdict(dict)
    for cid, vid, share in session.execute(
        select(PanelQuota.category_id, PanelQuota.value_id, PanelQuota.target_share)
        .join(Panel, Panel.id == PanelQuota.panel_id)
        .where(Panel.process_id == process_id, PanelQuota.target_share.is_not(None))
        .order_by(Panel.created_at, Panel.id)
    ):
        if share > 0 and vid not in quotas[cid]:
            quotas[cid][vid] = share
    wanted = set(census) | set(quotas)
    if not wanted:
        return ()
    counts: dict[uuid.UUID, Counter] = defaultdict(Counter)
    if came:
        people = list(came)
        for i in range(0, len(people), 500):
            for cid, vid in session.execute(
                select(ParticipantAttribute.category_id, ParticipantAttribute.value_id).where(
                    ParticipantAttribute.participant_id.in_(people[i : i + 500])
                )
            ):
                counts[cid][vid] += 1
    rows = []
    for category in session.scalars(
        select(AttributeCategory)
        .where(AttributeCategory.id.in_(wanted))
        .order_by(AttributeCategory.position, AttributeCategory.label)
    ):
        population = quotas.get(category.id) or census.get(category.id) or {}
        source = "jury" if quotas.get(category.id) else "census"
        d = I.dissimilarity(counts[category.id], population)
        rows.append(
            DiversityRow(
                category.key,
                category.label,
                None if d is None else round(100 * (1 - d), 1),
                sum(counts[category.id].values()),
                source,
            )
        )
    return tuple(rows)


def _winners(vote: Vote) -> tuple[str, ...]:
    if not vote.result:
        return ()
    try:
        result = json.loads(vote.result)
    except ValueError:
        return ()
    if not isinstance(result, dict):
        return ()
    names = result.get("winner_names")
    if isinstance(names, list):
        return tuple(str(n) for n in names)
    titles = [o.title for o in vote.options]
    return tuple(
        titles[i] for i in result.get("winners") or [] if isinstance(i, int) and i < len(titles)
    )


def _method_label(method: str) -> str:
    try:
        return _(registry.method(method).label)
    except Exception:  # a method of a newer version: its code is better than nothing
        return method


def _votes(session: Session, process_id: uuid.UUID, registered: int) -> tuple[VoteRow, ...]:
    votes = session.scalars(
        select(Vote)
        .join(WorkshopSession, WorkshopSession.id == Vote.session_id)
        .where(WorkshopSession.process_id == process_id, Vote.status != "draft")
        .order_by(WorkshopSession.starts_at, Vote.created_at, Vote.id)
    ).all()
    if not votes:
        return ()
    ids = [v.id for v in votes]
    counts: dict[uuid.UUID, dict[str, int]] = defaultdict(dict)
    for vid, status, n in session.execute(
        select(Ballot.vote_id, Ballot.status, func.sum(Ballot.weight))
        .where(Ballot.vote_id.in_(ids))
        .group_by(Ballot.vote_id, Ballot.status)
    ):
        counts[vid][status] = int(n or 0)
    attendees = dict(
        session.execute(
            select(Attendance.session_id, func.count())
            .where(Attendance.session_id.in_({v.session_id for v in votes}))
            .group_by(Attendance.session_id)
        ).all()
    )
    titles = dict(
        session.execute(
            select(WorkshopSession.id, WorkshopSession.title).where(
                WorkshopSession.id.in_({v.session_id for v in votes})
            )
        ).all()
    )
    rows = []
    for v in votes:
        c = counts[v.id]
        electorate = {"session": attendees.get(v.session_id, 0), "process": registered}.get(
            v.eligibility
        )
        rows.append(
            VoteRow(
                question=v.question,
                session=titles.get(v.session_id, ""),
                method=v.method,
                method_label=_method_label(v.method),
                status=v.status,
                ballots=sum(c.values()),
                valid=c.get("valid", 0),
                blank=c.get("blank", 0),
                spoiled=c.get("spoiled", 0),
                electorate=electorate or None,
                winners=_winners(v),
            )
        )
    return tuple(rows)


def _juries(session: Session, process_id: uuid.UUID) -> tuple[JuryRow, ...]:
    from app.facilitation.sortition.model import Instance  # light: no solver

    panels = session.scalars(
        select(Panel).where(Panel.process_id == process_id).order_by(Panel.created_at, Panel.id)
    ).all()
    if not panels:
        return ()
    volunteers = (
        session.scalar(
            select(func.count())
            .select_from(Registration)
            .where(Registration.process_id == process_id, Registration.jury_volunteer.is_(True))
        )
        or 0
    )
    rows = []
    for panel in panels:
        quota_rows = session.execute(
            select(PanelQuota, AttributeCategory.label)
            .join(AttributeCategory, AttributeCategory.id == PanelQuota.category_id)
            .where(PanelQuota.panel_id == panel.id)
            .order_by(AttributeCategory.position, AttributeCategory.label)
        ).all()
        categories = tuple(dict.fromkeys(label for _q, label in quota_rows))
        seats = panel.seats
        sitting = [s for s in seats if s.kind == "selected" and s.status == "active"]
        pool = None
        if panel.status == "drawn":
            pool = session.scalar(
                select(func.count())
                .select_from(PanelPoolMember)
                .where(PanelPoolMember.panel_id == panel.id)
            )
        met = None
        quotas = len(quota_rows)
        instance = None
        if panel.status == "drawn" and panel.instance:
            try:
                instance = Instance.from_json(panel.instance)
            except AtelierError:
                instance = None
        if instance is not None:
            quotas = len(instance.quotas)
            people = [
                instance.people[s.pool_position].features
                for s in sitting
                if 0 <= s.pool_position < len(instance.people)
            ]
            met = sum(
                1
                for q in instance.quotas
                if q.min <= sum(1 for f in people if f.get(q.category) == q.value) <= q.max
            )
        elif panel.status == "drawn" and quota_rows:
            met = _met_from_attributes(session, quota_rows, sitting)
        rows.append(
            JuryRow(
                title=panel.title,
                status=panel.status,
                seats=panel.size,
                pool=pool if pool else volunteers,
                categories=categories,
                quotas=quotas,
                quotas_met=met,
                alternates=sum(1 for s in seats if s.kind == "alternate")
                if panel.status == "drawn"
                else panel.alternates,
                replacements=sum(1 for s in seats if s.replaces_id is not None),
            )
        )
    return tuple(rows)


def _met_from_attributes(session: Session, quota_rows, sitting: list[PanelSeat]) -> int:
    people = [s.participant_id for s in sitting if s.participant_id]
    values = Counter(
        session.scalars(
            select(ParticipantAttribute.value_id).where(
                ParticipantAttribute.participant_id.in_(people)
            )
        )
    )
    return sum(1 for q, _label in quota_rows if q.minimum <= values[q.value_id] <= q.maximum)


def _actions(session: Session, process_id: uuid.UUID, today: date) -> ActionCounts | None:
    committees = session.scalars(
        select(Committee.id).where(Committee.process_id == process_id)
    ).all()
    if not committees:
        return None
    rows = session.execute(
        select(Action.status, Action.due_on).where(Action.committee_id.in_(committees))
    ).all()
    return ActionCounts(
        total=len(rows),
        done=sum(1 for status, _due in rows if status == "done"),
        late=sum(1 for status, due in rows if is_overdue(due, status, today)),
        open=sum(1 for status, _due in rows if status not in CLOSED_STATUSES),
        dropped=sum(1 for status, _due in rows if status == "dropped"),
    )


def _indicators(session: Session, process_id: uuid.UUID) -> tuple[IndicatorRow, ...]:
    committees = session.execute(
        select(Committee.id, Committee.title)
        .where(Committee.process_id == process_id)
        .order_by(Committee.created_at, Committee.id)
    ).all()
    rows = []
    for cid, title in committees:
        latest = I.latest_measurements(session, cid)
        for indicator in session.scalars(
            select(Indicator)
            .where(Indicator.committee_id == cid)
            .order_by(Indicator.position, Indicator.name)
        ):
            _count, value, _on = latest.get(indicator.id, (0, None, None))
            rows.append(
                IndicatorRow(
                    committee=title,
                    name=indicator.name,
                    unit=indicator.unit,
                    target=indicator.target,
                    value=value,
                    status=I.indicator_status(indicator.direction, indicator.target, value),
                )
            )
    return tuple(rows)


# --------------------------------------------------------------------------- as text


def _n(value: int | None) -> str:
    return NONE if value is None else format_number(value)


def _score(value: float | None) -> str:
    return NONE if value is None else format_number(value, 1)


def _measures(c: Comparison) -> list[Measure]:
    ps = c.processes
    out: list[Measure] = []

    def add(key: str, section: str, label: str, text, number=None) -> None:
        """One row: ``text(p)`` for each process; ``number(p)`` the figure behind it."""
        out.append(
            Measure(
                key,
                section,
                label,
                tuple(text(p) for p in ps),
                tuple(number(p) if number else None for p in ps),
            )
        )

    def count(value) -> str:
        return _n(value) if value else NONE

    def lines(items) -> str:
        return "\n".join(items) or NONE

    def held(p: ProcessComparison, value):
        return value if p.sessions_held else None

    add("organisation", "process", _("Organisation"), lambda p: p.organisation or NONE)
    add("country", "process", _("Country"), lambda p: p.country or NONE)
    add("title", "process", _("Process"), lambda p: p.title)
    add("phase", "process", _("Phase"), lambda p: labels.phase(p.phase))
    add("dates", "process", _("Dates"), _dates)
    add("registered", "participation", _("Participants registered"),
        lambda p: count(p.registered), lambda p: p.registered or None)  # fmt: skip
    add(
        "sessions",
        "participation",
        _("Sessions held (planned)"),
        lambda p: (
            f"{_n(p.sessions_held)} ({_n(p.sessions_planned)})" if p.sessions_planned else NONE
        ),
        lambda p: p.sessions_held if p.sessions_planned else None,
    )
    add("sign_ins", "participation", _("Sign-ins"),
        lambda p: _n(held(p, p.sign_ins)), lambda p: held(p, p.sign_ins))  # fmt: skip
    add("people_came", "participation", _("People who came at least once"),
        lambda p: _n(held(p, p.people_came)), lambda p: held(p, p.people_came))  # fmt: skip
    add("attendance_rate", "participation", _("Mean attendance per session"),
        lambda p: format_percent(p.attendance_rate), lambda p: p.attendance_rate)  # fmt: skip
    for key, label in c.categories:
        add(
            f"diversity:{key}",
            "diversity",
            label,
            lambda p, k=key: _score(p.diversity_of(k).score) if p.diversity_of(k) else NONE,
            lambda p, k=key: p.diversity_of(k).score if p.diversity_of(k) else None,
        )
    if c.categories:
        add("diversity_mean", "diversity", _("Mean (100: mirrors the population)"),
            lambda p: _score(p.diversity_mean), lambda p: p.diversity_mean)  # fmt: skip
    add("votes", "votes", _("Votes held"),
        lambda p: count(len(p.votes)), lambda p: len(p.votes) or None)  # fmt: skip
    add(
        "methods",
        "votes",
        _("Methods used"),
        lambda p: lines(label if n == 1 else f"{label} (×{n})" for label, n in p.methods),
    )
    add("ballots", "votes", _("Ballots"),
        lambda p: count(p.ballots) if p.votes else NONE,
        lambda p: p.ballots if p.votes else None)  # fmt: skip
    add("turnout", "votes", _("Mean turnout"),
        lambda p: format_percent(p.turnout), lambda p: p.turnout)  # fmt: skip
    add("winners", "votes", _("Outcome of each vote"), _outcomes)
    add(
        "juries",
        "juries",
        _("Citizen juries drawn (planned)"),
        _jury_count,
        lambda p: sum(1 for j in p.juries if j.status == "drawn") if p.juries else None,
    )
    add("seats", "juries", _("Seats (pool)"),
        lambda p: lines(f"{_n(j.seats)} ({_n(j.pool)})" for j in p.juries))  # fmt: skip
    add("quota_categories", "juries", _("Quota categories"),
        lambda p: lines(", ".join(j.categories) or NONE for j in p.juries))  # fmt: skip
    add("quotas_met", "juries", _("Quotas met"), _quotas)
    add(
        "alternates",
        "juries",
        _("Alternates (replacements)"),
        lambda p: lines(f"{_n(j.alternates)} ({_n(j.replacements)})" for j in p.juries),
    )
    add("evaluation_juries", "juries", _("Evaluation juries"),
        lambda p: count(p.evaluation_juries))  # fmt: skip
    add("actions", "committees", _("Actions"),
        lambda p: _n(p.actions.total) if p.actions else NONE,
        lambda p: p.actions.total if p.actions else None)  # fmt: skip
    for key, label, attr in (
        ("actions_done", _("Actions done"), "done"),
        ("actions_late", _("Actions late"), "late"),
        ("actions_open", _("Actions still open"), "open"),
    ):
        add(key, "committees", label,
            lambda p, a=attr: _n(getattr(p.actions, a)) if p.actions else NONE,
            lambda p, a=attr: getattr(p.actions, a) if p.actions else None)  # fmt: skip
    add("indicators", "committees", _("Indicators: met / not met / no data"), _indicator_text)
    return out


def _dates(p: ProcessComparison) -> str:
    if not p.started_on and not p.ended_on:
        return NONE
    if p.ended_on:
        return _("{start} to {end}").format(
            start=format_day(p.started_on), end=format_day(p.ended_on)
        )
    return _("since {start}").format(start=format_day(p.started_on))


def _jury_count(p: ProcessComparison) -> str:
    if not p.juries:
        return NONE
    drawn = sum(1 for j in p.juries if j.status == "drawn")
    return f"{_n(drawn)} ({_n(len(p.juries))})"


def _outcomes(p: ProcessComparison) -> str:
    lines = []
    for v in p.votes:
        if v.winners:
            outcome = ", ".join(v.winners)
        elif v.status == "open":
            outcome = _("still open")
        else:  # counted, and nothing won (e.g. a proposal rejected)
            outcome = _("no winner")
        lines.append(f"{v.question}: {outcome}")
    return "\n".join(lines) or NONE


def _quotas(p: ProcessComparison) -> str:
    lines = []
    for j in p.juries:
        if not j.quotas:
            lines.append(_("no quota"))
        elif j.quotas_met is None:
            lines.append(_("not drawn yet"))
        else:
            lines.append(_("{met} of {n}").format(met=_n(j.quotas_met), n=_n(j.quotas)))
    return "\n".join(lines) or NONE


def _indicator_text(p: ProcessComparison) -> str:
    if not p.indicators:
        return NONE
    counts = p.indicator_counts()
    met, off = counts.get("on_track", 0), counts.get("off_track", 0)
    missing = counts.get("no_data", 0) + counts.get("no_target", 0)
    return f"{_n(met)} / {_n(off)} / {_n(missing)}"


def describe(c: Comparison) -> str:
    """One sentence: how many processes of how many organisations."""
    n = len(c.processes)
    m = len({p.organisation for p in c.processes if p.organisation})
    return _("{processes} from {organisations}").format(
        processes=ngettext("{n} process", "{n} processes", n).format(n=n),
        organisations=ngettext("{n} organisation", "{n} organisations", m).format(n=m),
    )
