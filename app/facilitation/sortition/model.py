"""The sortition instance (pool, quotas, panel size, household rule) and distributions.

* :class:`Person` — one volunteer: a unique ``key``, ``features`` (category → value) and an
  optional ``household`` key (people with the same key live together).
* :class:`Quota` — for one value of one category, the least and most people on the panel.
* :class:`Instance` — the whole problem, validated on construction. A person whose value of a
  quota category has no quota row cannot be selected (as if that value had ``max = 0``).
* :class:`Distribution` — a probability distribution over panels. People who are
  interchangeable are grouped (``groups``); a panel is a sorted tuple of group indices, one per
  seat, and the draw picks people uniformly within each group with the seeded generator, so
  ``marginals`` are exact per person and a draw is replayable.

Both have a canonical JSON form (sorted keys, no spaces, UTF-8) and a SHA-256 ``digest()`` of it,
for the audit log.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

from app.errors import AtelierError
from app.i18n import _

#: ``progress(fraction done in [0, 1], message)``
Progress = Callable[[float, str], None]

JSON_FORMAT = "atelier-sortition/1"


class SortitionError(AtelierError):
    """Bad sortition input or a draw that cannot be made, explained in plain words."""


def canonical_json(document: object) -> str:
    """The canonical text of a JSON document: sorted keys, no spaces, UTF-8 kept as is."""
    return json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True, eq=True)
class Person:
    key: str
    features: Mapping[str, str]
    household: str | None = None

    __hash__ = None  # type: ignore[assignment]  # features is a mapping


@dataclass(frozen=True)
class Quota:
    category: str
    value: str
    min: int
    max: int


@dataclass(frozen=True)
class Instance:
    """A sortition problem. Raises :class:`SortitionError` when it is malformed."""

    people: tuple[Person, ...]
    quotas: tuple[Quota, ...]
    size: int
    household_rule: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "people", tuple(self.people))
        object.__setattr__(self, "quotas", tuple(self.quotas))
        if not isinstance(self.size, int) or self.size < 1:
            raise SortitionError(
                _("The panel size must be a whole number of at least 1 (got {size}).").format(
                    size=self.size
                )
            )
        seen: set[str] = set()
        for person in self.people:
            if person.key in seen:
                raise SortitionError(
                    _("The person “{key}” appears twice in the pool.").format(key=person.key)
                )
            seen.add(person.key)
        pairs: set[tuple[str, str]] = set()
        for q in self.quotas:
            if (q.category, q.value) in pairs:
                raise SortitionError(
                    _("{category}: the value “{value}” has two quota rows.").format(
                        category=q.category, value=q.value
                    )
                )
            pairs.add((q.category, q.value))
            if q.min < 0 or q.max < q.min:
                raise SortitionError(
                    _(
                        "{category}: the quota of “{value}” must satisfy 0 ≤ min ≤ max "
                        "(got min {min}, max {max})."
                    ).format(category=q.category, value=q.value, min=q.min, max=q.max)
                )

    # -- derived data -------------------------------------------------------------------------

    @cached_property
    def categories(self) -> tuple[str, ...]:
        """The quota categories, in the order of their first quota row."""
        return tuple(dict.fromkeys(q.category for q in self.quotas))

    @cached_property
    def quota_index(self) -> dict[tuple[str, str], int]:
        return {(q.category, q.value): i for i, q in enumerate(self.quotas)}

    @cached_property
    def person_quotas(self) -> tuple[tuple[int, ...], ...]:
        """For each person, the quota row of each category (``-1`` when the value has none)."""
        index = self.quota_index
        return tuple(
            tuple(index.get((c, str(p.features.get(c, ""))), -1) for c in self.categories)
            for p in self.people
        )

    @cached_property
    def eligible(self) -> tuple[bool, ...]:
        """Whether each person could sit on some panel as far as their own values go."""
        return tuple(
            all(r >= 0 and self.quotas[r].max > 0 for r in rows) for rows in self.person_quotas
        )

    @cached_property
    def shared_households(self) -> tuple[tuple[int, ...], ...]:
        """Households of two or more people (only when the household rule applies)."""
        if not self.household_rule:
            return ()
        members: dict[str, list[int]] = defaultdict(list)
        for i, p in enumerate(self.people):
            if p.household:
                members[p.household].append(i)
        return tuple(tuple(m) for m in members.values() if len(m) > 1)

    @cached_property
    def groups(self) -> tuple[tuple[int, ...], ...]:
        """Interchangeable eligible people: same quota rows, and not in a shared household.

        People in a shared household are groups of their own; ineligible people are left out.
        """
        shared = {i for h in self.shared_households for i in h}
        by_rows: dict[tuple[int, ...], list[int]] = defaultdict(list)
        singles: list[tuple[int, ...]] = []
        for i, rows in enumerate(self.person_quotas):
            if not self.eligible[i]:
                continue
            if i in shared:
                singles.append((i,))
            else:
                by_rows[rows].append(i)
        result = [tuple(m) for m in by_rows.values()] + singles
        result.sort(key=lambda g: g[0])
        return tuple(result)

    def panel_problems(self, panel: Iterable[int]) -> list[str]:
        """Plain-language reasons why ``panel`` (person indices) breaks the rules; [] if none."""
        panel = list(panel)
        problems: list[str] = []
        if len(set(panel)) != len(panel):
            problems.append(_("Someone is on the panel twice."))
        if len(panel) != self.size:
            problems.append(
                _("The panel has {n} people instead of {size}.").format(
                    n=len(panel), size=self.size
                )
            )
        counts: Counter[int] = Counter()
        for i in panel:
            for r in self.person_quotas[i]:
                if r < 0:
                    problems.append(
                        _("{key} has a value with no quota.").format(key=self.people[i].key)
                    )
                counts[r] += 1
        for r, q in enumerate(self.quotas):
            if not q.min <= counts[r] <= q.max:
                problems.append(
                    _("{category}: {n} “{value}” selected, outside {min}–{max}.").format(
                        category=q.category, value=q.value, n=counts[r], min=q.min, max=q.max
                    )
                )
        if self.household_rule:
            homes = Counter(
                self.people[i].household for i in set(panel) if self.people[i].household
            )
            for home, n in homes.items():
                if n > 1:
                    problems.append(
                        _("{n} people of the household “{home}” are on the panel.").format(
                            n=n, home=home
                        )
                    )
        return problems

    # -- JSON ---------------------------------------------------------------------------------

    def to_dict(self) -> dict:
        return {
            "format": JSON_FORMAT,
            "kind": "instance",
            "size": self.size,
            "household_rule": self.household_rule,
            "quotas": [[q.category, q.value, q.min, q.max] for q in self.quotas],
            "people": [
                {"key": p.key, "features": dict(p.features), "household": p.household}
                for p in self.people
            ],
        }

    def to_json(self) -> str:
        return canonical_json(self.to_dict())

    def digest(self) -> str:
        """SHA-256 (hex) of the canonical JSON."""
        return sha256_text(self.to_json())

    @classmethod
    def from_dict(cls, data: Mapping) -> Instance:
        try:
            return cls(
                people=tuple(
                    Person(
                        str(p["key"]),
                        {str(k): str(v) for k, v in p["features"].items()},
                        p.get("household"),
                    )
                    for p in data["people"]
                ),
                quotas=tuple(
                    Quota(str(c), str(v), int(lo), int(hi)) for c, v, lo, hi in data["quotas"]
                ),
                size=int(data["size"]),
                household_rule=bool(data.get("household_rule", False)),
            )
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise SortitionError(
                _("This is not a sortition instance: {reason}").format(reason=exc)
            ) from exc

    @classmethod
    def from_json(cls, text: str) -> Instance:
        return cls.from_dict(_loads(text))


def _loads(text: str) -> dict:
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise SortitionError(_("Not valid JSON: {reason}").format(reason=exc)) from exc
    if not isinstance(data, dict):
        raise SortitionError(_("Not valid JSON: {reason}").format(reason="not an object"))
    return data


@dataclass(frozen=True)
class Distribution:
    """A lottery over panels; see the module docstring for the group encoding."""

    groups: tuple[tuple[int, ...], ...]
    panels: tuple[tuple[int, ...], ...]
    probabilities: tuple[float, ...]
    pool_size: int
    algorithm: str
    details: Mapping[str, object] = field(default_factory=dict)

    @cached_property
    def marginals(self) -> list[float]:
        """Each person's selection probability, exactly as the distribution implies."""
        per_group = [0.0] * len(self.groups)
        for panel, p in zip(self.panels, self.probabilities, strict=True):
            for g in panel:
                per_group[g] += p
        result = [0.0] * self.pool_size
        for g, members in enumerate(self.groups):
            share = per_group[g] / len(members)
            for i in members:
                result[i] = share
        return result

    def to_dict(self) -> dict:
        return {
            "format": JSON_FORMAT,
            "kind": "distribution",
            "algorithm": self.algorithm,
            "pool_size": self.pool_size,
            "groups": [list(g) for g in self.groups],
            "panels": [list(p) for p in self.panels],
            "probabilities": list(self.probabilities),
            "details": dict(self.details),
        }

    def to_json(self) -> str:
        return canonical_json(self.to_dict())

    def digest(self) -> str:
        return sha256_text(self.to_json())

    @classmethod
    def from_json(cls, text: str) -> Distribution:
        return cls.from_dict(_loads(text))

    @classmethod
    def from_dict(cls, data: Mapping) -> Distribution:
        try:
            return cls(
                groups=tuple(tuple(int(i) for i in g) for g in data["groups"]),
                panels=tuple(tuple(int(i) for i in p) for p in data["panels"]),
                probabilities=tuple(float(p) for p in data["probabilities"]),
                pool_size=int(data["pool_size"]),
                algorithm=str(data["algorithm"]),
                details=dict(data.get("details", {})),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise SortitionError(
                _("This is not a sortition distribution: {reason}").format(reason=exc)
            ) from exc


def make_distribution(
    groups: Sequence[Sequence[int]],
    weighted_panels: Iterable[tuple[Sequence[int], float]],
    pool_size: int,
    algorithm: str,
    details: Mapping[str, object] | None = None,
    threshold: float = 1e-12,
) -> Distribution:
    """A normalised distribution; panels given as group-index multisets, merged when equal."""
    merged: dict[tuple[int, ...], float] = defaultdict(float)
    for panel, weight in weighted_panels:
        if weight > threshold:
            merged[tuple(sorted(panel))] += weight
    total = sum(merged.values())
    if total <= 0:
        raise SortitionError(_("No panel could be found."))
    order = sorted(merged)
    return Distribution(
        groups=tuple(tuple(g) for g in groups),
        panels=tuple(order),
        probabilities=tuple(merged[p] / total for p in order),
        pool_size=pool_size,
        algorithm=algorithm,
        details=dict(details or {}),
    )


def quotas_from_shares(
    people: Sequence[Person],
    category: str,
    shares: Mapping[str, float],
    size: int,
    tolerance: float = 1.0,
) -> list[Quota]:
    """Quotas of ``category`` from population shares (e.g. census figures).

    The share of each value is normalised to the panel ``size`` (target ``t``); the quota is
    ``ceil(t - tolerance) … floor(t + tolerance)``, widened if needed to hold ``floor(t)`` and
    ``ceil(t)``, and never below 0 or above ``size``. Values present in the pool but not in
    ``shares`` get the share 0.
    """
    total = sum(float(s) for s in shares.values())
    if total <= 0 or any(float(s) < 0 for s in shares.values()):
        raise SortitionError(
            _("{category}: the population shares must be positive numbers.").format(
                category=category
            )
        )
    in_pool = (str(p.features.get(category, "")) for p in people)
    values = list(dict.fromkeys([*shares, *(v for v in in_pool if v)]))
    quotas = []
    for value in values:
        target = float(shares.get(value, 0.0)) / total * size
        low = max(0, math.ceil(target - tolerance - 1e-9))
        high = min(size, math.floor(target + tolerance + 1e-9))
        low = min(low, math.floor(target + 1e-9))
        high = max(high, math.ceil(target - 1e-9))
        quotas.append(Quota(category, value, low, high))
    return quotas
