"""Every counting method by name, loaded on demand.

``count(name, options, ballots, *, rules, tiebreak, blank=0, spoiled=0) -> Result`` is what the
vote life cycle, the CLI (``atelier tally --method NAME FILE``) and the tests call.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from app.facilitation.voting.base import InvalidRules, Result, TieBreaker, Weighted
from app.i18n import N_, _


@dataclass(frozen=True)
class Method:
    name: str
    #: "dots", "approval", "score", "grades", "ranking", "choice" (yes/no/abstain)
    ballot: str
    module: str
    function: str
    label: str  # source string, translated when shown


METHODS: dict[str, Method] = {
    m.name: m
    for m in (
        Method("dots", "dots", "points", "count_dots", N_("Dot voting")),
        Method("approval", "approval", "points", "count_approval", N_("Approval voting")),
        Method("score", "score", "points", "count_score", N_("Score voting")),
        Method(
            "majority_judgment", "grades", "majority_judgment", "count", N_("Majority judgment")
        ),
        Method("borda", "ranking", "borda", "count", N_("Borda count")),
        Method("schulze", "ranking", "schulze", "count", N_("Schulze (Condorcet)")),
        Method("irv", "ranking", "runoff", "count_irv", N_("Instant-runoff voting")),
        Method("stv", "ranking", "runoff", "count_stv", N_("Single transferable vote")),
        Method(
            "pb_greedy",
            "approval",
            "budget",
            "count_greedy",
            N_("Participatory budget, greedy by approvals"),
        ),
        Method(
            "mes",
            "approval",
            "budget",
            "count_mes",
            N_("Participatory budget, Method of Equal Shares"),
        ),
        Method("proposal", "choice", "proposal", "count", N_("Yes / no / abstain proposal")),
    )
}


def method(name: str) -> Method:
    try:
        return METHODS[name]
    except KeyError:
        raise InvalidRules(
            _("Unknown voting method “{name}” (known: {known}).").format(
                name=name, known=", ".join(METHODS)
            )
        ) from None


def count(
    name: str,
    options: Sequence[str],
    ballots: Weighted,
    *,
    rules: dict[str, Any] | None = None,
    tiebreak: TieBreaker | None = None,
    blank: int = 0,
    spoiled: int = 0,
) -> Result:
    """Count ``ballots`` with the method called ``name``."""
    m = method(name)
    module = importlib.import_module(f"app.facilitation.voting.{m.module}")
    function = getattr(module, m.function)
    tiebreak = tiebreak or TieBreaker()
    result: Result = function(options, ballots, rules=rules or {}, tiebreak=tiebreak)
    result.blank, result.spoiled = blank, spoiled
    result.ties = list(tiebreak.record)
    return result
