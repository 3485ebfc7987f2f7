"""Can the quotas be met? If not, why, in plain words, and the smallest relaxation.

:func:`check` first looks for simple causes (too few volunteers for a minimum, minimums adding
up to more than the panel, maximums to less, too few households), then asks an integer
programme whether some panel meets every quota; when none does and no simple cause explains
it, it looks for the smallest sets of categories (one, then two) whose quotas conflict.

The relaxation is computed, not guessed: an integer programme over the pool finds a panel and
new bounds ``min - a ≤ count ≤ max + b`` minimising the total widening ``Σ (a + b)``. It is
``None`` when no widening can help (the pool, or its households, are smaller than the panel).
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from app.facilitation.sortition._core import (
    INF,
    INFEASIBLE,
    OPTIMAL,
    Space,
    check_cancel,
    load,
    new_highs,
    run,
    solver_failure,
)
from app.facilitation.sortition.model import Instance, Quota, SortitionError
from app.i18n import _, ngettext


@dataclass(frozen=True)
class QuotaChange:
    category: str
    value: str
    old_min: int
    old_max: int
    new_min: int
    new_max: int

    def describe(self) -> str:
        return _("{category} “{value}”: from {old_min}–{old_max} to {new_min}–{new_max}").format(
            category=self.category,
            value=self.value,
            old_min=self.old_min,
            old_max=self.old_max,
            new_min=self.new_min,
            new_max=self.new_max,
        )


@dataclass(frozen=True)
class Feasibility:
    feasible: bool
    #: plain-language reasons, each naming the categories and values concerned
    problems: list[str] = field(default_factory=list)
    #: the smallest widening that makes the quotas feasible (None: none helps, or feasible)
    relaxation: list[QuotaChange] | None = None
    #: remarks that do not prevent a draw (e.g. volunteers who can never be selected)
    notes: list[str] = field(default_factory=list)


def _has_panel(instance: Instance) -> bool:
    space = Space(instance)
    return space.n > 0 and space.best_panel() is not None


def check(instance: Instance, *, cancel=None) -> Feasibility:
    """Whether some panel meets every quota (and the household rule), and if not, why."""
    notes = _notes(instance)
    check_cancel(cancel)
    if _has_panel(instance):
        return Feasibility(True, [], None, notes)
    problems = _simple_problems(instance)
    if not problems:
        check_cancel(cancel)
        problems = _conflicts(instance, cancel)
    check_cancel(cancel)
    return Feasibility(False, problems, relax(instance), notes)


def _notes(instance: Instance) -> list[str]:
    notes = []
    unlisted: Counter[tuple[str, str]] = Counter()
    for p in instance.people:
        for c in instance.categories:
            value = str(p.features.get(c, ""))
            if (c, value) not in instance.quota_index:
                unlisted[(c, value)] += 1
    for (c, value), n in sorted(unlisted.items()):
        notes.append(
            ngettext(
                "{category}: {n} volunteer has the value “{value}”, which has no quota; "
                "they cannot be selected.",
                "{category}: {n} volunteers have the value “{value}”, which has no quota; "
                "they cannot be selected.",
                n,
            ).format(category=c, value=value or "—", n=n)
        )
    for q in instance.quotas:
        n = sum(1 for i in range(len(instance.people)) if q.max == 0 and _has(instance, i, q))
        if n:
            notes.append(
                ngettext(
                    "{category}: the quota of “{value}” is 0, so {n} volunteer cannot be selected.",
                    "{category}: the quota of “{value}” is 0, so {n} volunteers cannot be "
                    "selected.",
                    n,
                ).format(category=q.category, value=q.value, n=n)
            )
    return notes


def _has(instance: Instance, i: int, q: Quota) -> bool:
    return str(instance.people[i].features.get(q.category, "")) == q.value


def _simple_problems(instance: Instance) -> list[str]:
    problems = []
    size = instance.size
    eligible = [i for i in range(len(instance.people)) if instance.eligible[i]]
    if len(eligible) < size:
        problems.append(
            _("The panel needs {size} people but only {n} volunteers can be selected.").format(
                size=size, n=len(eligible)
            )
        )
    elif instance.household_rule:
        homes = {instance.people[i].household or f"\0{i}" for i in eligible}
        if len(homes) < size:
            problems.append(
                _(
                    "The panel needs {size} people from different households but the "
                    "volunteers who can be selected live in only {n} households."
                ).format(size=size, n=len(homes))
            )
    for q in instance.quotas:
        available = sum(1 for i in eligible if _has(instance, i, q))
        if available < q.min:
            problems.append(
                _(
                    "{category}: at least {min} “{value}” are required but only {n} volunteered."
                ).format(category=q.category, value=q.value, min=q.min, n=available)
            )
    for c in instance.categories:
        rows = [q for q in instance.quotas if q.category == c]
        mins = sum(q.min for q in rows)
        if mins > size:
            problems.append(
                _(
                    "{category}: the minimums add up to {total}, more than the panel size {size}."
                ).format(category=c, total=mins, size=size)
            )
        reachable = sum(min(q.max, sum(1 for i in eligible if _has(instance, i, q))) for q in rows)
        if reachable < size:
            problems.append(
                _(
                    "{category}: even at every maximum, only {total} seats can be filled "
                    "(the panel has {size})."
                ).format(category=c, total=reachable, size=size)
            )
    return problems


def _conflicts(instance: Instance, cancel) -> list[str]:
    """The smallest groups of categories (1 or 2) whose quotas cannot be met together."""
    categories = instance.categories
    for r in (1, 2):
        found = []
        for subset in itertools.combinations(categories, r):
            check_cancel(cancel)
            keep = [q for q in instance.quotas if q.category in subset]
            # the other categories' values stay selectable, without bounds
            loose = [
                Quota(q.category, q.value, 0, instance.size)
                for q in instance.quotas
                if q.category not in subset
            ]
            part = replace(instance, quotas=tuple(keep + loose))
            if not _has_panel(part):
                found.append(subset)
        if found:
            return [
                _("The quotas of {category} cannot be met with these volunteers.").format(
                    category=s[0]
                )
                if len(s) == 1
                else _(
                    "The quotas of {first} and of {second} cannot be met together with these "
                    "volunteers."
                ).format(first=s[0], second=s[1])
                for s in found
            ]
    return [
        _("The quotas of {categories} cannot all be met together with these volunteers.").format(
            categories=", ".join(categories)
        )
    ]


def relax(instance: Instance) -> list[QuotaChange] | None:
    """The quota changes of smallest total widening that allow a panel; [] if none needed."""
    wide = replace(
        instance,
        quotas=tuple(Quota(q.category, q.value, 0, instance.size) for q in instance.quotas),
    )
    space = Space(wide)
    n, m = space.n, len(instance.quotas)
    if n == 0:
        return None
    mins = [q.min for q in instance.quotas]
    maxs = [q.max for q in instance.quotas]
    # columns: y (n groups), then a (m: lowering of min), then b (m: raising of max)
    rows: list = [(range(n), [1.0] * n, instance.size, instance.size)]
    for r in range(m):
        cols = space.members[r]
        rows.append(([*cols, n + r], [1.0] * len(cols) + [1.0], float(mins[r]), INF))
        rows.append(([*cols, n + m + r], [1.0] * len(cols) + [-1.0], -INF, float(maxs[r])))
    for gs in space.households:
        rows.append((gs, [1.0] * len(gs), 0.0, 1.0))
    cost = np.concatenate([np.zeros(n), np.ones(2 * m)])
    upper = np.concatenate([space.cap, np.array(mins, dtype=float), np.full(m, instance.size)])
    h = new_highs()
    load(h, cost, np.zeros(n + 2 * m), upper, rows, integer=True)
    status = run(h)
    if status == INFEASIBLE:
        return None
    if status != OPTIMAL:
        raise solver_failure(status)
    x = np.rint(np.asarray(h.getSolution().col_value)).astype(int)
    changes = []
    for r, q in enumerate(instance.quotas):
        a, b = int(x[n + r]), int(x[n + m + r])
        if a or b:
            changes.append(QuotaChange(q.category, q.value, q.min, q.max, q.min - a, q.max + b))
    return changes


def apply(instance: Instance, relaxation: Sequence[QuotaChange]) -> Instance:
    """The instance with the relaxed quotas."""
    by_key = {(c.category, c.value): c for c in relaxation}
    unknown = set(by_key) - set(instance.quota_index)
    if unknown:
        category, value = sorted(unknown)[0]
        raise SortitionError(
            _("{category}: there is no quota for “{value}”.").format(category=category, value=value)
        )
    quotas = tuple(
        Quota(q.category, q.value, by_key[k].new_min, by_key[k].new_max)
        if (k := (q.category, q.value)) in by_key
        else q
        for q in instance.quotas
    )
    return replace(instance, quotas=quotas)
