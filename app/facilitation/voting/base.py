"""The common vocabulary of every counting method: ballots, ties, results.

Options are numbered ``0..n-1`` in the order the vote lists them; their names travel beside
them. Ballots are given as ``(ballot, weight)`` pairs, ``weight`` identical ballots at once
(a PrefLib line ``120: 3,1,2`` is one pair). Blank and spoiled ballots are counted apart, as in
French practice, and never reach a method.

Ballot shapes, by family:

* approval, budgets:   ``frozenset[int]`` of approved options;
* dots:                ``dict[int, int]`` option → dots placed on it;
* score, grades (MJ):  ``dict[int, int]`` option → score, or grade index (0 = best grade);
                       an option missing from the dict was not scored;
* rankings:            ``tuple[frozenset[int], ...]`` groups from most to least preferred
                       (a group of several options is a tie); options not listed come after
                       every listed one (a partial ranking);
* yes/no/abstain:      the strings ``"yes"``, ``"no"``, ``"abstain"``.

Ties are never broken silently: a method asks its :class:`TieBreaker`, which either follows the
order the facilitator decided (recorded) or draws lots with a seed (recorded), and every such
decision is listed in :attr:`Result.ties` with the rule that settled it.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from app.errors import AtelierError
from app.i18n import _

Weighted = Sequence[tuple[Any, int]]


class InvalidBallot(AtelierError):
    """A ballot that does not fit the method's rules (the message says why)."""


class InvalidRules(AtelierError):
    """Rules that make no sense for the method (e.g. 0 seats)."""


@dataclass(frozen=True)
class TieBreak:
    """One tie that had to be broken, how, and what came out."""

    #: What was being decided ("winner", "elimination in round 3", "rank 2"…), plain words.
    context: str
    #: The options that were tied (indexes).
    tied: tuple[int, ...]
    #: The order chosen, first = favoured.
    order: tuple[int, ...]
    #: "draw" (seeded lot) or "decision" (the facilitator's recorded order).
    rule: str
    seed: int | None = None


class TieBreaker:
    """Settles ties: by the facilitator's recorded order if given, else by a seeded draw.

    The draw is reproducible: the same seed, the same sequence of ties and the same tied
    options give the same order, on any computer (SHA-256 of the seed, the tie's number in the
    count and the option, not Python's hash), whatever the interface language.
    """

    def __init__(self, seed: int | None = None, decided_order: Sequence[int] | None = None):
        if seed is None and decided_order is None:
            seed = random.SystemRandom().randrange(1, 2**31)
        self.seed = seed
        self.decided_order = list(decided_order) if decided_order is not None else None
        self.record: list[TieBreak] = []

    def order(self, tied: Iterable[int], context: str) -> list[int]:
        """The tied options, favoured first; records the decision."""
        tied = sorted(set(tied))
        if len(tied) < 2:
            return tied
        if self.decided_order is not None and all(o in self.decided_order for o in tied):
            chosen = sorted(tied, key=self.decided_order.index)
            rule, seed = "decision", None
        else:
            # Keyed by the seed, how many ties came before in this count, and the option: not
            # by the context text, which may be translated (the draw must not depend on the
            # interface language).
            step = len(self.record)

            def lot(option: int) -> str:
                text = f"{self.seed}|{step}|{option}"
                return hashlib.sha256(text.encode("utf-8")).hexdigest()

            chosen = sorted(tied, key=lot)
            rule, seed = "draw", self.seed
        self.record.append(TieBreak(context, tuple(tied), tuple(chosen), rule, seed))
        return chosen

    def first(self, tied: Iterable[int], context: str) -> int:
        return self.order(tied, context)[0]

    def last(self, tied: Iterable[int], context: str) -> int:
        return self.order(tied, context)[-1]


@dataclass
class Result:
    """What a count produced, ready for the result view, the CLI's JSON and the reports."""

    method: str
    options: list[str]
    #: Every option from first to last (ties already broken; see ``ties``).
    order: list[int]
    #: The elected / adopted / funded options.
    winners: list[int]
    #: The headline figure per option (approvals, points, Borda score, …), by option index.
    scores: dict[int, float] = field(default_factory=dict)
    #: Method-specific tables: rounds, pairwise matrix, merit profiles, funded projects…
    details: dict[str, Any] = field(default_factory=dict)
    ties: list[TieBreak] = field(default_factory=list)
    valid: int = 0
    blank: int = 0
    spoiled: int = 0
    #: One plain sentence saying how the method decides (translated).
    explanation: str = ""

    def as_dict(self) -> dict[str, Any]:
        """A stable, JSON-serialisable form (for ``--json``, the audit log, reports)."""
        return {
            "method": self.method,
            "options": self.options,
            "order": self.order,
            "winners": self.winners,
            "winner_names": [self.options[i] for i in self.winners],
            "scores": {str(k): v for k, v in sorted(self.scores.items())},
            "details": _jsonable(self.details),
            "ties": [asdict(t) for t in self.ties],
            "valid": self.valid,
            "blank": self.blank,
            "spoiled": self.spoiled,
            "explanation": self.explanation,
        }


def _jsonable(value):
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = sorted(value) if isinstance(value, (set, frozenset)) else value
        return [_jsonable(v) for v in items]
    return value


def total_weight(ballots: Weighted) -> int:
    return sum(weight for _ballot, weight in ballots)


def check_options(options: Sequence[str]) -> int:
    if len(options) < 1:
        raise InvalidRules(_("A vote needs at least one option."))
    return len(options)


def check_index(option: Hashable, n: int) -> int:
    if isinstance(option, bool) or not isinstance(option, int) or not 0 <= option < n:
        raise InvalidBallot(_("“{option}” is not one of the options.").format(option=option))
    return option
