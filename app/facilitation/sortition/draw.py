"""Verifiable draws, alternates, replacements and the probability summary.

The seed is text typed by a person from a public source (dice, a lottery result); it is
stripped of surrounding spaces and hashed with SHA-256 to seed Python's Mersenne Twister. Given
the recorded distribution (its JSON) and the seed, :func:`draw` gives the same panel again:
one uniform number picks the panel by cumulative probability in the recorded order, then the
people of each group are picked with ``random.sample`` over the group's members.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Sequence
from dataclasses import dataclass

from app.facilitation.sortition.model import Distribution, Instance, SortitionError
from app.i18n import _


def rng_from_seed(seed: str) -> random.Random:
    """A generator seeded by the SHA-256 of the seed text."""
    text = str(seed).strip()
    if not text:
        raise SortitionError(_("The seed is empty; type the public random value you drew."))
    return random.Random(int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest(), "big"))


def draw(instance: Instance, distribution: Distribution, seed: str) -> tuple[int, ...]:
    """The panel (sorted person indices) that ``seed`` picks from ``distribution``."""
    if distribution.pool_size != len(instance.people):
        raise SortitionError(_("The distribution was computed for another pool."))
    rng = rng_from_seed(seed)
    u = rng.random()
    cumulative = 0.0
    chosen = distribution.panels[-1]
    for panel, p in zip(distribution.panels, distribution.probabilities, strict=True):
        cumulative += p
        if u < cumulative:
            chosen = panel
            break
    seats: dict[int, int] = {}
    for g in chosen:
        seats[g] = seats.get(g, 0) + 1
    selected: list[int] = []
    for g in sorted(seats):
        selected += rng.sample(sorted(distribution.groups[g]), seats[g])
    return tuple(sorted(selected))


class _Swaps:
    """Fast checks of "``i`` takes the seat of ``d``" on a valid panel."""

    def __init__(self, instance: Instance, selected: Sequence[int]) -> None:
        self.instance = instance
        self.valid = not instance.panel_problems(selected)
        self.counts = [0] * len(instance.quotas)
        for s in selected:
            for r in instance.person_quotas[s]:
                self.counts[r] += 1
        self.homes = {
            instance.people[s].household: s for s in selected if instance.people[s].household
        }

    def ok(self, d: int, i: int) -> bool:
        instance = self.instance
        if not self.valid or not instance.eligible[i]:
            return False
        for rd, ri in zip(instance.person_quotas[d], instance.person_quotas[i], strict=True):
            if rd != ri and (
                self.counts[rd] - 1 < instance.quotas[rd].min
                or self.counts[ri] + 1 > instance.quotas[ri].max
            ):
                return False
        if instance.household_rule:
            home = instance.people[i].household
            if home and self.homes.get(home, d) != d:
                return False
        return True


def alternates(
    instance: Instance,
    distribution_or_marginals: Distribution | Sequence[float],
    selected: Sequence[int],
    count: int,
    seed: str,
) -> list[int]:
    """An ordered reserve list of ``count`` people (person indices).

    Only people who could replace at least one selected person without breaking a quota or
    the household rule are listed. Their order is a seeded random order weighted by their
    selection probability (Efraimidis–Spirakis keys), so the reserve looks like the panel.
    """
    if isinstance(distribution_or_marginals, Distribution):
        marginals = distribution_or_marginals.marginals
    else:
        marginals = list(distribution_or_marginals)
    rng = rng_from_seed(f"{str(seed).strip()}\nalternates")
    chosen = set(selected)
    keyed = []
    for i in range(len(instance.people)):
        u = rng.random()
        if i in chosen or not instance.eligible[i]:
            continue
        weight = max(float(marginals[i]), 0.0)
        key = u ** (1.0 / weight) if weight > 0 else -1.0 + u
        keyed.append((key, i))
    keyed.sort(reverse=True)
    swaps = _Swaps(instance, selected)
    reserve: list[int] = []
    for _key, i in keyed:
        if len(reserve) >= count:
            break
        if any(swaps.ok(d, i) for d in selected):
            reserve.append(i)
    return reserve


def replacement(
    instance: Instance,
    selected: Sequence[int],
    declined: int,
    reserve: Sequence[int],
    marginals: Sequence[float] | None = None,
) -> int | None:
    """Who replaces ``declined``: the first of ``reserve`` keeping every quota and the household
    rule; failing that, the best of the rest of the pool (highest selection probability, then
    pool order); None when nobody can."""
    if declined not in selected:
        raise SortitionError(_("The person who declined is not on the panel."))
    taken = set(selected)
    swaps = _Swaps(instance, selected)
    if not swaps.valid:
        raise SortitionError(_("The panel does not meet the quotas; no replacement is proposed."))
    in_reserve = set(reserve)
    others = [i for i in range(len(instance.people)) if i not in taken and i not in in_reserve]
    if marginals is not None:
        others.sort(key=lambda i: -marginals[i])
    for i in [*reserve, *others]:
        if i not in taken and swaps.ok(declined, i):
            return i
    return None


@dataclass(frozen=True)
class ProbabilitySummary:
    min: float
    max: float
    below_half_ratio_count: int
    #: panel size / pool size
    ratio: float


def summary(instance: Instance, marginals: Sequence[float]) -> ProbabilitySummary:
    """Smallest and largest probability, and how many people are below half of size/pool."""
    ratio = instance.size / len(instance.people)
    return ProbabilitySummary(
        min=float(min(marginals)),
        max=float(max(marginals)),
        below_half_ratio_count=sum(1 for p in marginals if p < ratio / 2 - 1e-12),
        ratio=ratio,
    )
