"""Citizen juries drawn by lot in a workspace: quotas, feasibility, the draw, verification,
replacements.

The pure engine is :mod:`app.facilitation.sortition`; this module feeds it from the workspace
and keeps what makes a draw defensible in public:

* the **pool** is the process's jury volunteers (``Registration.jury_volunteer``) who are not
  erased, with their attribute values in the quota categories and their household;
* **quotas** are rows of :class:`~app.models.PanelQuota` (min–max per attribute value), typed in
  or computed from the census shares of the attribute values;
* **the draw** freezes the instance (pool, quotas, size, household rule) and the distribution as
  canonical JSON with their SHA-256, stores each person's selection probability, the people
  drawn and the ordered reserve list, and writes the hashes and the seed to the audit log;
* :func:`verify_panel` recomputes the panel from the recorded distribution and seed;
* :func:`decline` replaces a person who declines by the first alternate who keeps every quota
  and the household rule, and logs it.

Computing the distribution can take a minute: :func:`prepare_draw` (reads the workspace),
:func:`compute_distribution` (no database) and :func:`record_draw` (writes) are separate so a
view can run the middle step off the UI thread with a progress bar and Cancel.
"""

from __future__ import annotations

import math
import uuid
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from app.errors import AtelierError
from app.facilitation import audit
from app.facilitation.conflicts import begin_edit, check_version, commit_edit, conflict_factory
from app.facilitation.sortition import Distribution, Instance, Person, Quota, feasibility
from app.facilitation.sortition import draw as draws
from app.i18n import _
from app.jobs import CancelToken, Progress, no_progress
from app.models import (
    PANEL_ALGORITHMS,
    AttributeCategory,
    AttributeValue,
    Panel,
    PanelPoolMember,
    PanelQuota,
    PanelSeat,
    Participant,
    ParticipantAttribute,
    Process,
    Registration,
    utcnow,
)


class PanelError(AtelierError):
    """A refused step with a citizen jury (the message says why)."""


# --------------------------------------------------------------------------- panels


@dataclass
class PanelData:
    process_id: uuid.UUID
    title: str
    size: int
    household_rule: bool = True
    algorithm: str = "leximin"
    alternates: int = 0


@dataclass(frozen=True)
class PanelInfo:
    id: uuid.UUID
    process_id: uuid.UUID
    title: str
    size: int
    household_rule: bool
    algorithm: str
    alternates: int
    status: str
    seed: str | None
    pool_size: int
    selected: int


def get_panel(session: Session, panel_id: uuid.UUID) -> Panel:
    panel = session.get(Panel, panel_id)
    if panel is None:
        raise PanelError(_("This citizen jury no longer exists."))
    return panel


def _check(data: PanelData) -> None:
    if not data.title.strip():
        raise PanelError(_("A citizen jury needs a title."))
    if data.size < 1:
        raise PanelError(_("A citizen jury needs at least one seat."))
    if data.alternates < 0:
        raise PanelError(_("The number of alternates cannot be negative."))
    if data.algorithm not in PANEL_ALGORITHMS:
        raise PanelError(
            _("Unknown draw algorithm “{name}” (known: {known}).").format(
                name=data.algorithm, known=", ".join(PANEL_ALGORITHMS)
            )
        )


def _editable(panel: Panel) -> None:
    if panel.status != "draft":
        raise PanelError(_("This jury has been drawn: its rules can no longer change."))


def create_panel(session: Session, data: PanelData) -> uuid.UUID:
    """A citizen jury in draft for a process; commits."""
    _check(data)
    if session.get(Process, data.process_id) is None:
        raise PanelError(_("This process no longer exists."))
    panel = Panel(
        process_id=data.process_id,
        title=data.title.strip(),
        size=data.size,
        household_rule=data.household_rule,
        algorithm=data.algorithm,
        alternates=data.alternates,
    )
    session.add(panel)
    session.commit()
    return panel.id


def update_panel(
    session: Session, panel_id: uuid.UUID, data: PanelData, expected_version: int | None = None
) -> None:
    """Save a panel not drawn yet; ``expected_version`` (the version the user saw) refuses a
    save over a newer one with :class:`EditConflict`."""
    begin_edit(session)
    panel = get_panel(session, panel_id)
    _editable(panel)
    _check(data)
    conflict = conflict_factory(
        session, Panel, panel_id, expected_version, data, lambda: panel_data(session, panel_id)
    )
    check_version(panel, expected_version, conflict)
    panel.title = data.title.strip()
    panel.size = data.size
    panel.household_rule = data.household_rule
    panel.algorithm = data.algorithm
    panel.alternates = data.alternates
    commit_edit(session, expected_version, conflict)


def delete_panel(session: Session, panel_id: uuid.UUID) -> None:
    panel = get_panel(session, panel_id)
    _editable(panel)
    session.delete(panel)
    session.commit()


def panel_data(session: Session, panel_id: uuid.UUID) -> PanelData:
    p = get_panel(session, panel_id)
    return PanelData(p.process_id, p.title, p.size, p.household_rule, p.algorithm, p.alternates)


def panel_info(session: Session, panel_id: uuid.UUID) -> PanelInfo:
    p = get_panel(session, panel_id)
    if p.status == "drawn":
        pool_size = len(session.scalars(
            select(PanelPoolMember.position).where(PanelPoolMember.panel_id == p.id)
        ).all())  # fmt: skip
    else:
        pool_size = len(_volunteers(session, p.process_id))
    selected = sum(1 for s in p.seats if s.kind == "selected" and s.status == "active")
    return PanelInfo(
        p.id, p.process_id, p.title, p.size, p.household_rule, p.algorithm, p.alternates,
        p.status, p.seed, pool_size, selected,
    )  # fmt: skip


def list_panels(session: Session, process_id: uuid.UUID | None = None) -> list[PanelInfo]:
    query = select(Panel.id).order_by(Panel.created_at)
    if process_id is not None:
        query = query.where(Panel.process_id == process_id)
    return [panel_info(session, pid) for pid in session.scalars(query)]


def find_panel(session: Session, reference: str) -> uuid.UUID:
    """A jury by id or by a unique beginning of its title."""
    text = str(reference).strip()
    try:
        pid = uuid.UUID(text)
    except ValueError:
        pid = None
    if pid is not None and session.get(Panel, pid) is not None:
        return pid
    rows = session.execute(select(Panel.id, Panel.title)).all()
    found = [i for i, title in rows if title.casefold().startswith(text.casefold())] if text else []
    if len(found) == 1:
        return found[0]
    if not found:
        raise PanelError(_("No citizen jury matches “{ref}”.").format(ref=text))
    raise PanelError(_("Several citizen juries match “{ref}”; give more.").format(ref=text))


# --------------------------------------------------------------------------- the pool


@dataclass(frozen=True)
class Volunteer:
    participant_id: uuid.UUID
    code: str
    name: str
    volunteer: bool


def registrations(session: Session, process_id: uuid.UUID) -> list[Volunteer]:
    """Everyone registered in the process, and whether they volunteer for a citizen jury."""
    rows = session.execute(
        select(Participant.id, Participant.code, Participant.first_name, Participant.last_name,
               Registration.jury_volunteer)
        .join(Registration, Registration.participant_id == Participant.id)
        .where(Registration.process_id == process_id, Participant.erased_at.is_(None))
        .order_by(Participant.sort_key)
    ).all()  # fmt: skip
    return [
        Volunteer(pid, code, f"{first} {last}".strip(), bool(volunteer))
        for pid, code, first, last, volunteer in rows
    ]


def set_volunteers(
    session: Session, process_id: uuid.UUID, participant_ids: Sequence[uuid.UUID], volunteer: bool
) -> int:
    """Mark (or unmark) people as volunteers for the process's citizen juries, registering
    them in the process if needed; returns how many changed. One transaction."""
    from app.facilitation.sessions import add_registration

    if session.get(Process, process_id) is None:
        raise PanelError(_("This process no longer exists."))
    changed = 0
    for pid in participant_ids:
        person = session.get(Participant, pid)
        if person is None or person.erased_at is not None:
            raise PanelError(_("This participant no longer exists."))
        row, _created = add_registration(session, process_id, pid, False)
        if bool(row.jury_volunteer) != volunteer:
            row.jury_volunteer = volunteer
            changed += 1
    session.commit()
    return changed


# --------------------------------------------------------------------------- quotas


@dataclass(frozen=True)
class QuotaRow:
    category_id: uuid.UUID
    category: str
    value_id: uuid.UUID
    value: str
    minimum: int
    maximum: int
    #: How many volunteers of the pool have this value.
    in_pool: int
    target_share: float | None
    population_share: float | None


def _volunteers(session: Session, process_id: uuid.UUID) -> list[uuid.UUID]:
    return list(
        session.scalars(
            select(Participant.id)
            .join(Registration, Registration.participant_id == Participant.id)
            .where(
                Registration.process_id == process_id,
                Registration.jury_volunteer.is_(True),
                Participant.erased_at.is_(None),
            )
            .order_by(Participant.code)
        )
    )


def _pool_counts(session: Session, process_id: uuid.UUID) -> Counter:
    people = _volunteers(session, process_id)
    counts: Counter = Counter()
    if people:
        for (value_id,) in session.execute(
            select(ParticipantAttribute.value_id).where(
                ParticipantAttribute.participant_id.in_(people)
            )
        ):
            counts[value_id] += 1
    return counts


def quota_rows(session: Session, panel_id: uuid.UUID) -> list[QuotaRow]:
    """The panel's quotas, category by category, with how many volunteers have each value."""
    panel = get_panel(session, panel_id)
    counts = _pool_counts(session, panel.process_id)
    rows = session.execute(
        select(PanelQuota, AttributeCategory, AttributeValue)
        .join(AttributeCategory, AttributeCategory.id == PanelQuota.category_id)
        .join(AttributeValue, AttributeValue.id == PanelQuota.value_id)
        .where(PanelQuota.panel_id == panel_id)
        .order_by(AttributeCategory.position, AttributeCategory.label, AttributeValue.position)
    ).all()
    return [
        QuotaRow(
            c.id,
            c.label,
            v.id,
            v.value,
            q.minimum,
            q.maximum,
            counts[v.id],
            q.target_share,
            v.population_share,
        )
        for q, c, v in rows
    ]


def set_category(session: Session, panel_id: uuid.UUID, category_id: uuid.UUID) -> int:
    """Add a quota row (0 to panel size) for every value of the category; returns how many."""
    panel = get_panel(session, panel_id)
    _editable(panel)
    category = session.get(AttributeCategory, category_id)
    if category is None:
        raise PanelError(_("This attribute category no longer exists."))
    existing = set(
        session.scalars(select(PanelQuota.value_id).where(PanelQuota.panel_id == panel_id))
    )
    added = 0
    for value in category.values:
        if value.id not in existing:
            session.add(PanelQuota(panel_id=panel_id, category_id=category.id, value_id=value.id,
                                   minimum=0, maximum=panel.size))  # fmt: skip
            added += 1
    session.commit()
    return added


def remove_category(session: Session, panel_id: uuid.UUID, category_id: uuid.UUID) -> None:
    _editable(get_panel(session, panel_id))
    session.execute(
        delete(PanelQuota).where(
            PanelQuota.panel_id == panel_id, PanelQuota.category_id == category_id
        )
    )
    session.commit()


def set_quota(
    session: Session, panel_id: uuid.UUID, value_id: uuid.UUID, minimum: int, maximum: int
) -> None:
    """Set min–max for one value (its category's rows are added if missing)."""
    panel = get_panel(session, panel_id)
    _editable(panel)
    value = session.get(AttributeValue, value_id)
    if value is None:
        raise PanelError(_("This attribute value no longer exists."))
    if minimum < 0 or maximum < minimum:
        raise PanelError(
            _("“{value}”: the minimum must be at least 0 and at most the maximum.").format(
                value=value.value
            )
        )
    if minimum > panel.size:
        raise PanelError(
            _("“{value}”: the minimum ({min}) is more than the {size} seats.").format(
                value=value.value, min=minimum, size=panel.size
            )
        )
    row = session.scalar(
        select(PanelQuota).where(PanelQuota.panel_id == panel_id, PanelQuota.value_id == value_id)
    )
    if row is None:
        set_category(session, panel_id, value.category_id)
        row = session.scalar(
            select(PanelQuota).where(
                PanelQuota.panel_id == panel_id, PanelQuota.value_id == value_id
            )
        )
    row.minimum, row.maximum = minimum, min(maximum, panel.size)
    row.target_share = None
    session.commit()


def quotas_from_census(
    session: Session, panel_id: uuid.UUID, category_id: uuid.UUID, tolerance: float = 1.0
) -> list[QuotaRow]:
    """Quotas of a category from its values' population shares (census figures).

    Each value's target is its share of the seats; the quota is the target ± ``tolerance``
    seats, rounded outwards so that it always holds the whole numbers next to the target.
    """
    panel = get_panel(session, panel_id)
    _editable(panel)
    category = session.get(AttributeCategory, category_id)
    if category is None:
        raise PanelError(_("This attribute category no longer exists."))
    shares = {v.id: v.population_share for v in category.values if v.population_share}
    if not shares:
        raise PanelError(
            _(
                "{category}: no population share is known. Type the census shares in "
                "Settings > Attributes first."
            ).format(category=category.label)
        )
    total = sum(shares.values())
    set_category(session, panel_id, category_id)
    for value in category.values:
        share = (shares.get(value.id) or 0.0) / total
        target = share * panel.size
        low = max(0, math.ceil(target - tolerance - 1e-9))
        high = min(panel.size, math.floor(target + tolerance + 1e-9))
        low, high = min(low, math.floor(target + 1e-9)), max(high, math.ceil(target - 1e-9))
        row = session.scalar(
            select(PanelQuota).where(
                PanelQuota.panel_id == panel_id, PanelQuota.value_id == value.id
            )
        )
        row.minimum, row.maximum, row.target_share = low, high, share
    session.commit()
    return [r for r in quota_rows(session, panel_id) if r.category_id == category_id]


# --------------------------------------------------------------------------- the instance


@dataclass
class PreparedDraw:
    """What a draw works on: the frozen instance and who each person of it is."""

    panel_id: uuid.UUID
    instance: Instance
    participant_ids: list[uuid.UUID]
    algorithm: str
    alternates: int
    #: (category label, value) → (category id, value id), to write a relaxation back
    quota_ids: dict[tuple[str, str], tuple[uuid.UUID, uuid.UUID]] = field(default_factory=dict)


def prepare_draw(session: Session, panel_id: uuid.UUID) -> PreparedDraw:
    """The sortition instance of a draft jury, from the volunteers and the quotas."""
    panel = get_panel(session, panel_id)
    rows = quota_rows(session, panel_id)
    category_ids = {r.category_id: r.category for r in rows}
    people = _volunteers(session, panel.process_id)
    if not people:
        raise PanelError(
            _(
                "Nobody has volunteered for the jury in this process yet. Mark the volunteers "
                "(Volunteers…) or import them with the column “Volunteers for a citizen jury”."
            )
        )
    features: dict[uuid.UUID, dict[str, str]] = {pid: {} for pid in people}
    if category_ids:
        for pid, cid, value in session.execute(
            select(
                ParticipantAttribute.participant_id,
                ParticipantAttribute.category_id,
                AttributeValue.value,
            )
            .join(AttributeValue, AttributeValue.id == ParticipantAttribute.value_id)
            .where(
                ParticipantAttribute.participant_id.in_(people),
                ParticipantAttribute.category_id.in_(list(category_ids)),
            )
        ):
            features[pid][category_ids[cid]] = value
    codes = dict(
        session.execute(
            select(Participant.id, Participant.code).where(Participant.id.in_(people))
        ).all()
    )
    households = dict(
        session.execute(
            select(Participant.id, Participant.household_key).where(Participant.id.in_(people))
        ).all()
    )
    instance = Instance(
        people=tuple(Person(codes[pid], features[pid], households[pid]) for pid in people),
        quotas=tuple(Quota(r.category, r.value, r.minimum, r.maximum) for r in rows),
        size=panel.size,
        household_rule=panel.household_rule,
    )
    return PreparedDraw(
        panel.id, instance, people, panel.algorithm, panel.alternates,
        {(r.category, r.value): (r.category_id, r.value_id) for r in rows},
    )  # fmt: skip


def check_feasibility(session: Session, panel_id: uuid.UUID) -> feasibility.Feasibility:
    """Whether the quotas can be met by the volunteers; if not, why and the smallest
    relaxation."""
    return feasibility.check(prepare_draw(session, panel_id).instance)


def accept_relaxation(
    session: Session, panel_id: uuid.UUID, changes: Sequence[feasibility.QuotaChange]
) -> None:
    """Write a proposed relaxation into the quotas (one transaction) and log it."""
    prepared = prepare_draw(session, panel_id)
    _editable(get_panel(session, panel_id))
    for change in changes:
        ids = prepared.quota_ids.get((change.category, change.value))
        if ids is None:
            raise PanelError(
                _("{category} “{value}” is not a quota of this jury.").format(
                    category=change.category, value=change.value
                )
            )
        row = session.scalar(
            select(PanelQuota).where(PanelQuota.panel_id == panel_id, PanelQuota.value_id == ids[1])
        )
        row.minimum, row.maximum = change.new_min, change.new_max
    audit.append(
        session,
        "panel.quotas_relaxed",
        {"panel": str(panel_id), "changes": [change.describe() for change in changes]},
        panel_id,
    )
    session.commit()


# --------------------------------------------------------------------------- the draw


def _engine_progress(progress: Progress) -> Callable[[float, str], None]:
    """The engine reports (fraction, message); the job runner wants (done, total)."""

    def report(fraction: float, _message: str = "") -> None:
        progress(int(max(0.0, min(1.0, fraction)) * 1000), 1000)

    return report


def compute_distribution(
    prepared: PreparedDraw,
    *,
    progress: Progress = no_progress,
    cancel: CancelToken | None = None,
    legacy_runs: int = 2000,
) -> Distribution:
    """The distribution over panels the draw picks from (no database: may run in a thread).

    LEXIMIN gives exact selection probabilities; the legacy procedure's are estimated from
    ``legacy_runs`` runs.
    """
    check = feasibility.check(prepared.instance, cancel=cancel)
    if not check.feasible:
        raise PanelError(
            _("The quotas cannot be met: {problems}").format(problems=" ".join(check.problems))
        )
    report = _engine_progress(progress)
    if prepared.algorithm == "legacy":
        from app.facilitation.sortition.legacy import legacy_distribution

        return legacy_distribution(
            prepared.instance, runs=legacy_runs, seed="legacy", progress=report, cancel=cancel
        )
    from app.facilitation.sortition.leximin import leximin

    return leximin(prepared.instance, progress=report, cancel=cancel)


@dataclass(frozen=True)
class Seat:
    participant_id: uuid.UUID | None
    code: str
    name: str
    kind: str
    position: int
    status: str
    probability: float
    features: dict[str, str]
    replaces: str | None = None


@dataclass(frozen=True)
class DrawResult:
    panel_id: uuid.UUID
    seed: str
    algorithm: str
    selected: list[Seat]
    alternates: list[Seat]
    #: every pool member's selection probability, in pool order
    probabilities: list[float]
    min_probability: float
    max_probability: float
    below_half_ratio: int
    ratio: float
    instance_hash: str
    distribution_hash: str
    panels_in_distribution: int
    #: seats that were declined and who replaced them
    replacements: list[tuple[Seat, Seat]] = field(default_factory=list)


def record_draw(
    session: Session, prepared: PreparedDraw, distribution: Distribution, seed: str
) -> DrawResult:
    """Draw the panel from ``distribution`` with ``seed`` and keep everything on record."""
    panel = get_panel(session, prepared.panel_id)
    _editable(panel)
    seed = str(seed).strip()
    instance = prepared.instance
    selected = draws.draw(instance, distribution, seed)
    reserve = draws.alternates(instance, distribution, selected, prepared.alternates, seed)
    marginals = distribution.marginals
    panel.seed = seed
    panel.instance = instance.to_json()
    panel.instance_hash = instance.digest()
    panel.distribution = distribution.to_json()
    panel.distribution_hash = distribution.digest()
    panel.status = "drawn"
    panel.drawn_at = utcnow()
    session.execute(
        insert(PanelPoolMember),
        [
            {"panel_id": panel.id, "position": i, "participant_id": pid,
             "probability": float(marginals[i])}
            for i, pid in enumerate(prepared.participant_ids)
        ],
    )  # fmt: skip
    for position, i in enumerate(selected):
        session.add(PanelSeat(panel_id=panel.id, participant_id=prepared.participant_ids[i],
                              pool_position=i, kind="selected", position=position))  # fmt: skip
    for position, i in enumerate(reserve):
        session.add(PanelSeat(panel_id=panel.id, participant_id=prepared.participant_ids[i],
                              pool_position=i, kind="alternate", position=position))  # fmt: skip
    spread = draws.summary(instance, marginals)
    audit.append(
        session,
        "panel.drawn",
        {
            "panel": str(panel.id),
            "algorithm": distribution.algorithm,
            "seed": seed,
            "instance_sha256": panel.instance_hash,
            "distribution_sha256": panel.distribution_hash,
            "selected": [instance.people[i].key for i in selected],
            "alternates": [instance.people[i].key for i in reserve],
            "min_probability": spread.min,
        },
        panel.id,
    )
    session.commit()
    return draw_result(session, panel.id)


def draw_panel(
    session: Session,
    panel_id: uuid.UUID,
    seed: str,
    *,
    progress: Progress = no_progress,
    cancel: CancelToken | None = None,
) -> DrawResult:
    """Prepare, compute and record in one call (the CLI; tests)."""
    prepared = prepare_draw(session, panel_id)
    _editable(get_panel(session, panel_id))
    if not str(seed).strip():
        raise PanelError(_("The seed is empty; type the public random value you drew."))
    distribution = compute_distribution(prepared, progress=progress, cancel=cancel)
    return record_draw(session, prepared, distribution, seed)


def _recorded(panel: Panel) -> tuple[Instance, Distribution]:
    if panel.status != "drawn" or not panel.instance or not panel.distribution:
        raise PanelError(_("This jury has not been drawn yet."))
    return Instance.from_json(panel.instance), Distribution.from_json(panel.distribution)


def draw_result(session: Session, panel_id: uuid.UUID) -> DrawResult:
    """The recorded draw: who sits, the reserve, probabilities and hashes."""
    panel = get_panel(session, panel_id)
    instance, distribution = _recorded(panel)
    probabilities = [
        p
        for (p,) in session.execute(
            select(PanelPoolMember.probability)
            .where(PanelPoolMember.panel_id == panel.id)
            .order_by(PanelPoolMember.position)
        )
    ]
    names = dict(
        session.execute(
            select(Participant.id, Participant.first_name + " " + Participant.last_name).where(
                Participant.id.in_([s.participant_id for s in panel.seats if s.participant_id])
            )
        ).all()
    )
    by_id: dict[uuid.UUID, PanelSeat] = {s.id: s for s in panel.seats}

    def seat(s: PanelSeat) -> Seat:
        person = instance.people[s.pool_position]
        replaced = by_id.get(s.replaces_id) if s.replaces_id else None
        return Seat(
            s.participant_id,
            person.key,
            (names.get(s.participant_id) or "").strip() or _("(erased)"),
            s.kind,
            s.position,
            s.status,
            probabilities[s.pool_position],
            dict(person.features),
            instance.people[replaced.pool_position].key if replaced else None,
        )

    # A replacement sits at the position of the person it replaces: the earlier seat first.
    # (Without it the order was the database's: PostgreSQL moves an updated row to the end.)
    seats = sorted(panel.seats, key=lambda s: (s.kind != "selected", s.position, s.created_at))
    selected = [seat(s) for s in seats if s.kind == "selected"]
    reserve = [seat(s) for s in seats if s.kind == "alternate"]
    swaps = [
        (seat(by_id[s.replaces_id]), seat(s))
        for s in seats
        if s.kind == "selected" and s.replaces_id in by_id
    ]
    spread = draws.summary(instance, probabilities)
    return DrawResult(
        panel.id, panel.seed or "", distribution.algorithm, selected, reserve, probabilities,
        spread.min, spread.max, spread.below_half_ratio_count, spread.ratio,
        panel.instance_hash or "", panel.distribution_hash or "", len(distribution.panels),
        swaps,
    )  # fmt: skip


@dataclass(frozen=True)
class Verification:
    matches: bool
    instance_hash_ok: bool
    distribution_hash_ok: bool
    recomputed: list[str]
    recorded: list[str]


def verify_panel(session: Session, panel_id: uuid.UUID) -> Verification:
    """Recompute the draw from the recorded distribution and seed; compare with the record."""
    panel = get_panel(session, panel_id)
    instance, distribution = _recorded(panel)
    instance_ok = instance.digest() == panel.instance_hash
    distribution_ok = distribution.digest() == panel.distribution_hash
    recomputed = [instance.people[i].key for i in draws.draw(instance, distribution, panel.seed)]
    # The people drawn at first: selected seats that did not replace anyone.
    recorded = sorted(
        instance.people[s.pool_position].key
        for s in panel.seats
        if s.kind == "selected" and s.replaces_id is None
    )
    matches = instance_ok and distribution_ok and sorted(recomputed) == recorded
    return Verification(matches, instance_ok, distribution_ok, sorted(recomputed), recorded)


@dataclass(frozen=True)
class Replacement:
    declined: str
    replaced_by: str | None
    from_reserve: bool


def _replacement(
    session: Session, panel: Panel, participant_id: uuid.UUID
) -> tuple[Instance, PanelSeat, list[PanelSeat], int | None]:
    """(instance, the leaving seat, the active reserve, the chosen pool position or None)."""
    instance, _distribution = _recorded(panel)
    sitting = [s for s in panel.seats if s.kind == "selected" and s.status == "active"]
    leaving = next((s for s in sitting if s.participant_id == participant_id), None)
    if leaving is None:
        raise PanelError(_("This person does not sit on the jury."))
    reserve = sorted(
        (s for s in panel.seats if s.kind == "alternate" and s.status == "active"),
        key=lambda s: s.position,
    )
    gone = {s.pool_position for s in panel.seats if s.status == "declined"}
    pool = session.execute(
        select(PanelPoolMember.probability, PanelPoolMember.participant_id)
        .where(PanelPoolMember.panel_id == panel.id)
        .order_by(PanelPoolMember.position)
    ).all()
    # People who already declined, or were erased, cannot be asked again.
    erased = {i for i, (_p, pid) in enumerate(pool) if pid is None}
    excluded = gone | erased | {leaving.pool_position}
    current = [s.pool_position for s in sitting]
    taken = set(current)
    # The reserve in its order, then every other volunteer, most likely to be selected first.
    alternates = [s.pool_position for s in reserve if s.pool_position not in excluded]
    rest = sorted(
        (i for i in range(len(pool))
         if i not in excluded and i not in taken and i not in set(alternates)),
        key=lambda i: (-pool[i][0], i),
    )  # fmt: skip
    chosen = draws.replacement(instance, current, leaving.pool_position, alternates + rest)
    if chosen is not None and chosen in excluded:
        chosen = None
    return instance, leaving, reserve, chosen


def propose_replacement(
    session: Session, panel_id: uuid.UUID, participant_id: uuid.UUID
) -> Replacement:
    """Who would take the seat if this person declined (nothing is recorded)."""
    instance, leaving, reserve, chosen = _replacement(
        session, get_panel(session, panel_id), participant_id
    )
    return Replacement(
        instance.people[leaving.pool_position].key,
        None if chosen is None else instance.people[chosen].key,
        any(s.pool_position == chosen for s in reserve),
    )


def decline(session: Session, panel_id: uuid.UUID, participant_id: uuid.UUID) -> Replacement:
    """Record that a selected person declines, and seat the replacement that keeps every quota
    and the household rule: the first such alternate in the reserve order, else the best
    volunteer left in the pool (highest selection probability)."""
    panel = get_panel(session, panel_id)
    instance, leaving, reserve, chosen = _replacement(session, panel, participant_id)
    leaving.status = "declined"
    replaced_by = None
    from_reserve = False
    if chosen is not None:
        alternate = next((s for s in reserve if s.pool_position == chosen), None)
        from_reserve = alternate is not None
        if alternate is not None:
            alternate.status = "used"
        pid = session.scalar(
            select(PanelPoolMember.participant_id).where(
                PanelPoolMember.panel_id == panel.id, PanelPoolMember.position == chosen
            )
        )
        session.add(PanelSeat(panel_id=panel.id, participant_id=pid, pool_position=chosen,
                              kind="selected", position=leaving.position,
                              replaces_id=leaving.id))  # fmt: skip
        replaced_by = instance.people[chosen].key
    audit.append(
        session,
        "panel.replacement",
        {
            "panel": str(panel.id),
            "declined": instance.people[leaving.pool_position].key,
            "replaced_by": replaced_by,
            "from_reserve": from_reserve,
        },
        panel.id,
    )
    session.commit()
    return Replacement(instance.people[leaving.pool_position].key, replaced_by, from_reserve)


def find_category(session: Session, reference: str) -> AttributeCategory:
    """An attribute category by its key or its label (case and accents ignored)."""
    from app.models.text import fold

    wanted = fold(reference)
    for category in session.scalars(select(AttributeCategory)):
        if wanted in (fold(category.key), fold(category.label)):
            return category
    raise PanelError(_("No attribute category “{ref}”.").format(ref=reference))


def find_value(category: AttributeCategory, reference: str) -> AttributeValue:
    from app.models.text import fold

    for value in category.values:
        if fold(value.value) == fold(reference):
            return value
    raise PanelError(
        _("{category} has no value “{value}”.").format(category=category.label, value=reference)
    )


# --------------------------------------------------------------------------- for the views


@dataclass(frozen=True)
class CategoryChoice:
    """An attribute category a jury can take quotas on."""

    id: uuid.UUID
    label: str
    values: int
    #: whether its values have census shares (quotas can come from them)
    has_shares: bool


def quota_categories(session: Session) -> list[CategoryChoice]:
    """The workspace's attribute categories, in their settings order."""
    categories = session.scalars(
        select(AttributeCategory).order_by(AttributeCategory.position, AttributeCategory.label)
    )
    return [
        CategoryChoice(
            c.id,
            c.label,
            len(c.values),
            bool(c.values) and any(v.population_share for v in c.values),
        )
        for c in categories
    ]


def panel_rows(result: DrawResult) -> list[list[str]]:
    """The drawn jury as a table: a header row, then the selected people and the reserve list
    in order (role, order, code, name, status, probability, one column per category)."""
    categories = list(
        dict.fromkeys(k for s in [*result.selected, *result.alternates] for k in s.features)
    )
    rows = [["role", "order", "code", "name", "status", "probability", *categories]]
    for s in [*result.selected, *result.alternates]:
        rows.append(
            [
                s.kind,
                str(s.position + 1),
                s.code,
                s.name,
                s.status,
                f"{s.probability:.6f}",
                *(s.features.get(c, "") for c in categories),
            ]
        )
    return rows


def write_panel_csv(result: DrawResult, path) -> int:
    """Write :func:`panel_rows` to a CSV file (``;``, UTF-8 with BOM for spreadsheets);
    returns the number of people written."""
    import csv
    from pathlib import Path

    rows = panel_rows(result)
    try:
        with Path(path).open("w", encoding="utf-8-sig", newline="") as out:
            csv.writer(out, delimiter=";").writerows(rows)
    except OSError as error:
        raise PanelError(
            _("Cannot write {file}: {reason}").format(file=path, reason=error.strerror or error)
        ) from None
    return len(rows) - 1
