"""The Sortition Foundation's legacy procedure: fill the scarcest quotas first, at random.

At each step the quota value whose unmet minimum is largest relative to the volunteers still
available for it is chosen, and a person with that value is picked uniformly; once every
minimum is met, anybody still available is picked uniformly. Values that reach their maximum,
and the household of each selected person (with the household rule), leave the pool. A run
that gets stuck is started again (up to ``attempts`` times).

It does not give everyone a fair chance; :func:`legacy_distribution` estimates each person's
probability from repeated runs (its panels and frequencies form the returned distribution).
"""

from __future__ import annotations

import random
from collections import Counter

from app.facilitation.sortition._core import check_cancel, report
from app.facilitation.sortition.draw import rng_from_seed
from app.facilitation.sortition.model import (
    Distribution,
    Instance,
    Progress,
    SortitionError,
    make_distribution,
)
from app.i18n import _


def _attempt(instance: Instance, rng: random.Random) -> tuple[int, ...] | None:
    quotas = instance.quotas
    rows_of = instance.person_quotas
    remaining = {i for i in range(len(instance.people)) if instance.eligible[i]}
    members: dict[int, set[int]] = {r: set() for r in range(len(quotas))}
    for i in remaining:
        for r in rows_of[i]:
            members[r].add(i)
    homes: dict[str, list[int]] = {}
    if instance.household_rule:
        for i, p in enumerate(instance.people):
            if p.household:
                homes.setdefault(p.household, []).append(i)
    counts = [0] * len(quotas)
    selected: list[int] = []

    def drop(i: int) -> None:
        if i in remaining:
            remaining.discard(i)
            for r in rows_of[i]:
                members[r].discard(i)

    while len(selected) < instance.size:
        ratios: dict[int, float] = {}
        for r, q in enumerate(quotas):
            if counts[r] < q.min:
                if not members[r]:
                    return None
                ratios[r] = (q.min - counts[r]) / len(members[r])
        if ratios:
            top = max(ratios.values())
            pool = members[rng.choice([r for r, v in ratios.items() if v == top])]
        else:
            pool = remaining
        if not pool:
            return None
        person = rng.choice(sorted(pool))
        selected.append(person)
        for r in rows_of[person]:
            counts[r] += 1
        drop(person)
        for r in rows_of[person]:
            if counts[r] >= quotas[r].max:
                for i in list(members[r]):
                    drop(i)
        household = instance.people[person].household
        if household and household in homes:
            for i in homes[household]:
                drop(i)
    panel = tuple(sorted(selected))
    return None if instance.panel_problems(panel) else panel


def legacy_panel(instance: Instance, rng: random.Random, attempts: int = 100) -> tuple[int, ...]:
    """One panel (sorted person indices) by the legacy procedure."""
    for _attempt_number in range(attempts):
        panel = _attempt(instance, rng)
        if panel is not None:
            return panel
    raise SortitionError(
        _("The legacy procedure found no panel meeting every quota in {n} attempts.").format(
            n=attempts
        )
    )


def legacy_distribution(
    instance: Instance,
    runs: int = 1000,
    seed: str = "legacy",
    progress: Progress | None = None,
    cancel=None,
) -> Distribution:
    """The empirical distribution of ``runs`` legacy panels (groups are single people)."""
    rng = rng_from_seed(seed)
    tally: Counter[tuple[int, ...]] = Counter()
    for run in range(runs):
        if run % 50 == 0:
            check_cancel(cancel)
            report(progress, run / runs, _("Running the legacy procedure"))
        tally[legacy_panel(instance, rng)] += 1
    report(progress, 1.0, _("Done"))
    groups = [(i,) for i in range(len(instance.people))]
    return make_distribution(
        groups,
        ((panel, n / runs) for panel, n in tally.items()),
        len(instance.people),
        "legacy",
        {"runs": runs, "seed": seed},
    )
