"""Co-evaluation indicators of a follow-up committee: targets, measurements, computed sources.

An indicator is on track when its latest measurement reaches the target in its direction
(``higher``: value ≥ target; ``lower``: value ≤ target), off track otherwise, and has "no data"
without measurements ("no target" without a target).

Computed sources fill an indicator from the app's own data, one measurement per session
(sessions up to today, dated on the session's local day):

- ``attendance``: how many signed in.
- ``stakeholders``: how many of one stakeholder type signed in (``{"stakeholder_type": ...}``).
- ``diversity``: how closely the attendance mirrors the population on one attribute category
  (``{"category": key}``), as 100 × (1 − D) where D = ½ Σ |a_v − p_v| is Duncan's
  dissimilarity index between a_v, the share of attendees (with a value in the category) who
  have value v, and p_v, the population share of v (normalised over the values that have
  one). 100: the room mirrors the population; 0: nobody from the groups that make it up.
- ``volunteer_hours``: hours volunteers gave each month (dated on the month's last day).
- ``people_helped``: people the volunteers helped, per recorded period (dated on its end).

For the last two, ``{"scope": "committee"}`` (the default) counts the missions of the
committee's actions, ``{"scope": "process"}`` every mission of the process. For the others,
``{"scope": "committee"}`` counts the committee's meetings, ``{"scope": "process"}`` every
session of its process (the default for ``attendance`` is the committee, for the others the
process). Refreshing a computed indicator rewrites its measurements from the data.
"""

from __future__ import annotations

import json
import math
import uuid
from collections import Counter
from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from app.facilitation import citizen_time
from app.facilitation.committees import CommitteeError, _committee, _line, _pick, today_local
from app.facilitation.conflicts import begin_edit, check_version, commit_edit, conflict_factory
from app.i18n import N_, _
from app.models import (
    INDICATOR_DIRECTIONS,
    INDICATOR_SOURCES,
    STAKEHOLDER_TYPES,
    Attendance,
    AttributeCategory,
    AttributeValue,
    Indicator,
    Measurement,
    Participant,
    ParticipantAttribute,
)
from app.models import Session as WorkshopSession

INDICATOR_STATUSES = ("on_track", "off_track", "no_data", "no_target")

_STATUSES = {
    "on_track": N_("On track"),
    "off_track": N_("Off track"),
    "no_data": N_("No data"),
    "no_target": N_("No target"),
}
_DIRECTIONS = {"higher": N_("Higher is better"), "lower": N_("Lower is better")}
_SOURCES = {
    "manual": N_("Typed in"),
    "attendance": N_("Attendance per session"),
    "stakeholders": N_("Attendance of one stakeholder type"),
    "diversity": N_("Diversity of attendance against the population"),
    "volunteer_hours": N_("Volunteer hours per month (co-delivery)"),
    "people_helped": N_("People helped by volunteers (co-delivery)"),
}
SCOPES = ("committee", "process")
#: Computed from co-delivery: hours given each month (dated on the month's last day) and people
#: helped per recorded period (dated on its end), on the missions of the committee's actions
#: (``{"scope": "process"}``: every mission of the process).
CODELIVERY_SOURCES = ("volunteer_hours", "people_helped")


def status_label(code: str) -> str:
    return _(_STATUSES.get(code, code))


def direction_label(code: str) -> str:
    return _(_DIRECTIONS.get(code, code))


def source_label(code: str) -> str:
    return _(_SOURCES.get(code, code))


def indicator_status(direction: str, target: float | None, value: float | None) -> str:
    """on_track / off_track against the target in the indicator's direction; no_data without
    a value, no_target without a target."""
    if value is None:
        return "no_data"
    if target is None:
        return "no_target"
    reached = value >= target if direction == "higher" else value <= target
    return "on_track" if reached else "off_track"


def parse_number(value, what: str | None = None) -> float:
    """A finite number from a float, an int or text ("12,5" accepted)."""
    if isinstance(value, bool):
        value = None
    if isinstance(value, str):
        value = value.strip().replace("\u202f", "").replace(" ", "").replace(",", ".")
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = math.nan
    if not math.isfinite(number):
        raise CommitteeError(
            _("“{value}” is not a number.").format(value="" if value is None else value)
        )
    return number


# --------------------------------------------------------------------------- indicators


@dataclass
class IndicatorData:
    name: str = ""
    unit: str | None = None
    direction: str = "higher"
    baseline: float | None = None
    target: float | None = None
    source: str = "manual"
    #: Parameters of a computed source (``stakeholder_type``, ``category``, ``scope``).
    params: dict | None = None

    def cleaned(self, session: Session) -> IndicatorData:
        data = replace(
            self,
            name=_line(self.name) or "",
            unit=_line(self.unit),
            direction=self.direction or "higher",
            source=self.source or "manual",
            params=dict(self.params or {}),
        )
        if not data.name:
            raise CommitteeError(_("An indicator needs a name."))
        if data.direction not in INDICATOR_DIRECTIONS:
            raise CommitteeError(
                _("Unknown direction “{direction}” (higher or lower).").format(
                    direction=data.direction
                )
            )
        if data.source not in INDICATOR_SOURCES:
            raise CommitteeError(
                _("Unknown indicator source “{source}”.").format(source=data.source)
            )
        for name in ("baseline", "target"):
            value = getattr(data, name)
            if value is not None and value != "":
                setattr(data, name, parse_number(value))
            else:
                setattr(data, name, None)
        scope = data.params.get("scope")
        if scope is not None and scope not in SCOPES:
            raise CommitteeError(
                _("Unknown scope “{scope}” (committee or process).").format(scope=scope)
            )
        if data.source == "stakeholders":
            code = data.params.get("stakeholder_type")
            if code not in STAKEHOLDER_TYPES:
                raise CommitteeError(
                    _("Choose the stakeholder type this indicator counts.")
                    if not code
                    else _("Unknown stakeholder type “{code}”.").format(code=code)
                )
        if data.source == "diversity":
            key = data.params.get("category")
            if not key:
                raise CommitteeError(_("Choose the attribute category to compare."))
            if (
                session.scalar(select(AttributeCategory.id).where(AttributeCategory.key == key))
                is None
            ):
                raise CommitteeError(_("Unknown attribute category “{key}”.").format(key=key))
        if data.source == "manual":
            data.params = {}
        return data


@dataclass(frozen=True)
class IndicatorInfo:
    id: uuid.UUID
    committee_id: uuid.UUID
    position: int
    name: str
    unit: str | None
    direction: str
    baseline: float | None
    target: float | None
    source: str
    params: dict
    measurements: int
    latest_value: float | None
    latest_on: date | None
    status: str

    @property
    def computed(self) -> bool:
        return self.source != "manual"

    def data(self) -> IndicatorData:
        return IndicatorData(
            self.name,
            self.unit,
            self.direction,
            self.baseline,
            self.target,
            self.source,
            dict(self.params),
        )

    def as_dict(self) -> dict:
        return {
            "id": str(self.id),
            "name": self.name,
            "unit": self.unit,
            "direction": self.direction,
            "baseline": self.baseline,
            "target": self.target,
            "source": self.source,
            "params": self.params,
            "measurements": self.measurements,
            "latest_value": self.latest_value,
            "latest_on": self.latest_on.isoformat() if self.latest_on else None,
            "status": self.status,
        }


@dataclass(frozen=True)
class MeasurementInfo:
    id: uuid.UUID
    indicator_id: uuid.UUID
    measured_on: date
    value: float
    source: str | None
    note: str | None

    def as_dict(self) -> dict:
        return {
            "id": str(self.id),
            "measured_on": self.measured_on.isoformat(),
            "value": self.value,
            "source": self.source,
            "note": self.note,
        }


def _indicator(session: Session, indicator_id: uuid.UUID) -> Indicator:
    indicator = session.get(Indicator, indicator_id)
    if indicator is None:
        raise CommitteeError(_("This indicator no longer exists."))
    return indicator


def _params(text: str | None) -> dict:
    try:
        value = json.loads(text) if text else {}
    except ValueError:
        value = {}
    return value if isinstance(value, dict) else {}


def latest_measurements(
    session: Session,
    committee_id: uuid.UUID,
    *,
    since: date | None = None,
    until: date | None = None,
) -> dict[uuid.UUID, tuple[int, float, date]]:
    """Indicator id → (measurements, latest value, its date), optionally between ``since`` and
    ``until`` (inclusive), for the committee's indicators that have any: two aggregate queries
    whatever the number of measurements (of two on the same day, the last typed wins)."""

    def bounded(query):
        query = query.where(Indicator.committee_id == committee_id)
        if since is not None:
            query = query.where(Measurement.measured_on >= since)
        if until is not None:
            query = query.where(Measurement.measured_on <= until)
        return query

    last = bounded(
        select(
            Measurement.indicator_id,
            func.count().label("n"),
            func.max(Measurement.measured_on).label("last"),
        )
        .join(Indicator, Indicator.id == Measurement.indicator_id)
        .group_by(Measurement.indicator_id)
    ).subquery()
    rows = session.execute(
        select(
            last.c.indicator_id,
            last.c.n,
            Measurement.value,
            Measurement.measured_on,
            Measurement.created_at,
        )
        .join(
            Measurement,
            (Measurement.indicator_id == last.c.indicator_id)
            & (Measurement.measured_on == last.c.last),
        )
        .order_by(Measurement.created_at)
    ).all()
    return {row[0]: (row[1], row[2], row[3]) for row in rows}  # the last typed is written last


def _info(indicator: Indicator, latest: tuple | None) -> IndicatorInfo:
    count, value, on = latest or (0, None, None)
    return IndicatorInfo(
        id=indicator.id,
        committee_id=indicator.committee_id,
        position=indicator.position,
        name=indicator.name,
        unit=indicator.unit,
        direction=indicator.direction,
        baseline=indicator.baseline,
        target=indicator.target,
        source=indicator.source,
        params=_params(indicator.source_params),
        measurements=count,
        latest_value=value,
        latest_on=on,
        status=indicator_status(indicator.direction, indicator.target, value),
    )


def list_indicators(session: Session, committee_id: uuid.UUID) -> list[IndicatorInfo]:
    """The committee's indicators in order, each with its latest measurement and status."""
    _committee(session, committee_id)
    latest = latest_measurements(session, committee_id)
    rows = session.scalars(
        select(Indicator)
        .where(Indicator.committee_id == committee_id)
        .order_by(Indicator.position, Indicator.name)
    )
    return [_info(i, latest.get(i.id)) for i in rows]


def indicator_info(session: Session, indicator_id: uuid.UUID) -> IndicatorInfo:
    indicator = _indicator(session, indicator_id)
    row = session.execute(
        select(Measurement.value, Measurement.measured_on)
        .where(Measurement.indicator_id == indicator.id)
        .order_by(Measurement.measured_on.desc(), Measurement.created_at.desc())
        .limit(1)
    ).first()
    count = session.scalar(
        select(func.count())
        .select_from(Measurement)
        .where(Measurement.indicator_id == indicator.id)
    )
    return _info(indicator, (count, row[0], row[1]) if row else None)


def _write(indicator: Indicator, data: IndicatorData) -> None:
    indicator.name, indicator.unit, indicator.direction = data.name, data.unit, data.direction
    indicator.baseline, indicator.target, indicator.source = data.baseline, data.target, data.source
    indicator.source_params = json.dumps(data.params, sort_keys=True) if data.params else None


def create_indicator(
    session: Session, committee_id: uuid.UUID, data: IndicatorData
) -> IndicatorInfo:
    """Add an indicator at the end of the committee's list."""
    _committee(session, committee_id)
    data = data.cleaned(session)
    position = session.scalar(
        select(func.count()).select_from(Indicator).where(Indicator.committee_id == committee_id)
    )
    indicator = Indicator(id=uuid.uuid4(), committee_id=committee_id, position=position or 0)
    _write(indicator, data)
    session.add(indicator)
    session.commit()
    return indicator_info(session, indicator.id)


def update_indicator(
    session: Session,
    indicator_id: uuid.UUID,
    data: IndicatorData,
    expected_version: int | None = None,
) -> IndicatorInfo:
    """Save an indicator; ``expected_version`` (the version the user saw) refuses a save
    over someone else's newer one with :class:`EditConflict`."""
    begin_edit(session)
    indicator = _indicator(session, indicator_id)
    cleaned = data.cleaned(session)
    conflict = conflict_factory(
        session,
        Indicator,
        indicator_id,
        expected_version,
        cleaned,
        lambda: indicator_info(session, indicator_id),
        title="name",
    )
    check_version(indicator, expected_version, conflict)
    _write(indicator, cleaned)
    commit_edit(session, expected_version, conflict)
    return indicator_info(session, indicator.id)


def delete_indicator(session: Session, indicator_id: uuid.UUID) -> IndicatorInfo:
    """Delete an indicator with its measurements; returns what it was."""
    info = indicator_info(session, indicator_id)
    session.delete(_indicator(session, indicator_id))
    session.commit()
    return info


def find_indicator(session: Session, committee_id: uuid.UUID | None, ref: str) -> uuid.UUID:
    """An indicator by id, name, or a unique beginning of its name (in one committee if
    given)."""
    query = select(Indicator.id, Indicator.name)
    if committee_id is not None:
        query = query.where(Indicator.committee_id == committee_id)
    found = _pick([tuple(r) for r in session.execute(query)], ref)
    if isinstance(found, uuid.UUID):
        return found
    if not found:
        raise CommitteeError(_("No indicator matches “{ref}”.").format(ref=ref))
    raise CommitteeError(
        _("“{ref}” matches several indicators; give more of the name or the id.").format(ref=ref)
    )


# --------------------------------------------------------------------------- measurements


def _measurement_info(m: Measurement) -> MeasurementInfo:
    return MeasurementInfo(m.id, m.indicator_id, m.measured_on, m.value, m.source, m.note)


def measurements(session: Session, indicator_id: uuid.UUID) -> list[MeasurementInfo]:
    """An indicator's measurements, oldest first."""
    _indicator(session, indicator_id)
    rows = session.execute(
        select(
            Measurement.id,
            Measurement.indicator_id,
            Measurement.measured_on,
            Measurement.value,
            Measurement.source,
            Measurement.note,
        )
        .where(Measurement.indicator_id == indicator_id)
        .order_by(Measurement.measured_on, Measurement.created_at)
    ).all()
    return [MeasurementInfo(*row) for row in rows]


def add_measurement(
    session: Session,
    indicator_id: uuid.UUID,
    measured_on: date | None,
    value,
    *,
    source: str | None = None,
    note: str | None = None,
) -> MeasurementInfo:
    """Record a measurement (a date and a number; where it comes from and a note if known).
    Computed indicators are filled by :func:`refresh_computed_indicator` only."""
    indicator = _indicator(session, indicator_id)
    if indicator.source != "manual":
        raise CommitteeError(
            _(
                "“{name}” is computed from the app's data; refresh it instead of typing values."
            ).format(name=indicator.name)
        )
    if measured_on is None:
        raise CommitteeError(_("A measurement needs a date."))
    number = parse_number(value)
    m = Measurement(
        id=uuid.uuid4(),
        indicator_id=indicator.id,
        measured_on=measured_on,
        value=number,
        source=_line(source),
        note=(note or "").strip() or None,
    )
    session.add(m)
    session.commit()
    return _measurement_info(m)


def remove_measurement(session: Session, measurement_id: uuid.UUID) -> MeasurementInfo:
    m = session.get(Measurement, measurement_id)
    if m is None:
        raise CommitteeError(_("This measurement no longer exists."))
    info = _measurement_info(m)
    session.delete(m)
    session.commit()
    return info


# --------------------------------------------------------------------------- computed


@dataclass(frozen=True)
class Refreshed:
    indicator: IndicatorInfo
    #: How many measurements the data gave (they replace the previous ones).
    written: int
    removed: int


def _sessions(
    session: Session, indicator: Indicator, scope: str, today: date
) -> list[WorkshopSession]:
    committee = indicator.committee
    query = select(WorkshopSession).order_by(WorkshopSession.starts_at)
    if scope == "committee":
        query = query.where(WorkshopSession.committee_id == committee.id)
    else:
        query = query.where(WorkshopSession.process_id == committee.process_id)
    return [s for s in session.scalars(query) if s.starts_at.astimezone().date() <= today]


def _present(session: Session, session_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[uuid.UUID]]:
    people: dict[uuid.UUID, list[uuid.UUID]] = {sid: [] for sid in session_ids}
    for sid, pid in session.execute(
        select(Attendance.session_id, Attendance.participant_id).where(
            Attendance.session_id.in_(session_ids)
        )
    ):
        people[sid].append(pid)
    return people


def dissimilarity(attendees: Counter, population: dict) -> float | None:
    """Duncan's index D = ½ Σ |a_v − p_v| (0..1) between attendee counts and population shares
    (both normalised); None when either side is empty."""
    total_a = sum(attendees.values())
    total_p = sum(population.values())
    if total_a <= 0 or total_p <= 0:
        return None
    values = set(population) | set(attendees)
    return 0.5 * sum(
        abs(attendees.get(v, 0) / total_a - population.get(v, 0.0) / total_p) for v in values
    )


def _series(session: Session, indicator: Indicator, today: date) -> list[tuple[date, float, str]]:
    params = _params(indicator.source_params)
    if indicator.source in CODELIVERY_SOURCES:
        committee = indicator.committee
        scope = params.get("scope") or "committee"
        where = (
            {"committee_id": committee.id}
            if scope == "committee"
            else {"process_id": committee.process_id}
        )
        series = (
            citizen_time.monthly_hours
            if indicator.source == "volunteer_hours"
            else citizen_time.people_helped_series
        )
        return series(session, **where, until=today)
    default_scope = "committee" if indicator.source == "attendance" else "process"
    workshops = _sessions(session, indicator, params.get("scope") or default_scope, today)
    present = _present(session, [s.id for s in workshops])
    points: list[tuple[date, float, str]] = []
    if indicator.source == "attendance":
        for s in workshops:
            points.append((s.starts_at.astimezone().date(), float(len(present[s.id])), s.title))
    elif indicator.source == "stakeholders":
        code = params.get("stakeholder_type")
        kinds = dict(
            session.execute(
                select(Participant.id, Participant.stakeholder_type).where(
                    Participant.id.in_({p for ps in present.values() for p in ps})
                )
            ).all()
        )
        for s in workshops:
            n = sum(1 for p in present[s.id] if kinds.get(p) == code)
            points.append((s.starts_at.astimezone().date(), float(n), s.title))
    elif indicator.source == "diversity":
        category = session.scalar(
            select(AttributeCategory).where(AttributeCategory.key == params.get("category"))
        )
        if category is None:
            raise CommitteeError(
                _("Unknown attribute category “{key}”.").format(key=params.get("category"))
            )
        population = {
            vid: share
            for vid, share in session.execute(
                select(AttributeValue.id, AttributeValue.population_share).where(
                    AttributeValue.category_id == category.id
                )
            )
            if share is not None and share > 0
        }
        if not population:
            raise CommitteeError(
                _("The category “{label}” has no population shares to compare with.").format(
                    label=category.label
                )
            )
        value_of = dict(
            session.execute(
                select(ParticipantAttribute.participant_id, ParticipantAttribute.value_id).where(
                    ParticipantAttribute.category_id == category.id
                )
            ).all()
        )
        for s in workshops:
            counts = Counter(value_of[p] for p in present[s.id] if p in value_of)
            d = dissimilarity(counts, population)
            if d is not None:
                points.append((s.starts_at.astimezone().date(), round(100 * (1 - d), 1), s.title))
    return points


def refresh_computed_indicator(
    session: Session, indicator_id: uuid.UUID, *, today: date | None = None
) -> Refreshed:
    """Rewrite a computed indicator's measurements from the sessions up to ``today``."""
    indicator = _indicator(session, indicator_id)
    if indicator.source == "manual":
        raise CommitteeError(
            _("“{name}” is typed in, not computed: there is nothing to refresh.").format(
                name=indicator.name
            )
        )
    points = _series(session, indicator, today or today_local())
    removed = session.execute(
        delete(Measurement).where(Measurement.indicator_id == indicator.id)
    ).rowcount
    for day, value, label in points:
        session.add(
            Measurement(indicator_id=indicator.id, measured_on=day, value=value, source=label)
        )
    session.commit()
    return Refreshed(indicator_info(session, indicator.id), len(points), removed or 0)


def refresh_committee_indicators(
    session: Session, committee_id: uuid.UUID, *, today: date | None = None
) -> list[Refreshed]:
    """Refresh every computed indicator of a committee."""
    _committee(session, committee_id)
    ids = session.scalars(
        select(Indicator.id).where(
            Indicator.committee_id == committee_id, Indicator.source != "manual"
        )
    ).all()
    return [refresh_computed_indicator(session, i, today=today) for i in ids]
