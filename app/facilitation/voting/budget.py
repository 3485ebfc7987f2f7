"""Participatory budgeting on approval ballots: greedy by approvals, Method of Equal Shares.

Rules: ``rules["budget"]`` (a positive number) and ``rules["costs"]`` (one positive number per
option). Ballots are ``frozenset`` of approved projects, weighted.

**Greedy** (``pb_greedy``): projects by approvals, most first; each is funded if it still fits
in what is left, otherwise skipped (the count goes on with the next one).

**Method of Equal Shares** (``mes``; Peters & Skowron 2020, Peters, Pierczyński & Skowron,
"Proportional participatory budgeting with additive utilities", NeurIPS 2021), as computed by
equalshares.net and recorded in pabulib for Świecie, Wieliczka, Assen…:

* the budget is split equally between voters; a project is funded by its supporters, each
  paying the same amount ρ, or all they have left if that is less;
* utilities: ``rules["utility"]`` = ``"cost"`` (default, equalshares.net's default for
  approval ballots: a supporter's utility for a project is its cost, so each round funds the
  project with the most *effective supporters*, cost / ρ) or ``"approval"`` (utility 1: the
  project with the lowest ρ);
* ties between equally good projects: the cheaper, then the one with more approvals (as
  equalshares.net), then the :class:`TieBreaker`;
* completion ``rules["completion"]``, named as on equalshares.net: ``"add1"`` (default) raises
  every voter's initial share by one currency unit at a time, from ``floor(budget / voters)``,
  and keeps the last outcome that does not overspend the real budget; ``"add1e"`` also stops
  as soon as no further project would fit; ``"add1u"`` / ``"add1eu"`` then fund, by approvals,
  the projects that still fit in what is left (greedy completion); ``"utilitarian"`` is that
  greedy completion alone; ``"none"`` stops after the first pass. When every approved project
  fits in the budget, they are all funded (no completion is needed);
* ``rules["comparison"] = "satisfaction"`` (off by default; pabulib's "add1-comparison",
  Wieliczka's rule): the outcome is compared with the greedy one; if more voters approve more
  projects in the greedy outcome than in ours, the greedy outcome is chosen.

Money is counted in floats (as equalshares.net does); two effective-supporter figures within
``1e-9`` (relative) are a tie.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from app.facilitation.voting.base import (
    InvalidBallot,
    InvalidRules,
    Result,
    TieBreaker,
    Weighted,
    check_index,
    check_options,
)
from app.i18n import _, ngettext

COMPLETIONS = ("add1", "add1e", "add1u", "add1eu", "utilitarian", "none")
UTILITIES = ("cost", "approval")
REL_EPS = 1e-9


# --------------------------------------------------------------------------- input


@dataclass
class _Instance:
    n: int
    costs: list[float]
    budget: float
    #: distinct approval sets and how many voters cast each
    groups: list[frozenset[int]]
    weights: list[int]
    #: per project, the indexes of the groups approving it
    approvers: list[list[int]]
    approvals: list[int]
    voters: int


def _instance(options: Sequence[str], ballots: Weighted, rules: dict) -> _Instance:
    n = check_options(options)
    budget = rules.get("budget")
    if not _is_number(budget) or budget <= 0:
        raise InvalidRules(
            _("A participatory budget needs a budget, a positive amount (got “{budget}”).").format(
                budget=budget
            )
        )
    costs = rules.get("costs")
    if not isinstance(costs, (list, tuple)) or len(costs) != n:
        raise InvalidRules(_("A participatory budget needs one cost per project."))
    for i, cost in enumerate(costs):
        if not _is_number(cost) or cost <= 0:
            raise InvalidRules(
                _("The cost of “{project}” must be a positive amount (got “{cost}”).").format(
                    project=options[i], cost=cost
                )
            )
    merged: Counter = Counter()
    for ballot, weight in ballots:
        if not isinstance(ballot, (set, frozenset)):
            raise InvalidBallot(_("An approval ballot must be a set of approved options."))
        if not isinstance(weight, int) or isinstance(weight, bool) or weight < 0:
            raise InvalidBallot(
                _(
                    "A ballot's weight must be a whole number, zero or more (got “{weight}”)."
                ).format(weight=weight)
            )
        approved = frozenset(check_index(o, n) for o in ballot)
        merged[approved] += weight
    groups = [g for g in merged if merged[g]]
    weights = [merged[g] for g in groups]
    approvers: list[list[int]] = [[] for _i in range(n)]
    approvals = [0] * n
    for gi, group in enumerate(groups):
        for c in group:
            approvers[c].append(gi)
            approvals[c] += weights[gi]
    return _Instance(
        n=n,
        costs=[float(c) for c in costs],
        budget=float(budget),
        groups=groups,
        weights=weights,
        approvers=approvers,
        approvals=approvals,
        voters=sum(weights),
    )


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _money(value: float) -> float | int:
    """A sum for display and JSON: whole amounts as int, else 2 decimals."""
    rounded = round(value, 2)
    return int(rounded) if float(rounded).is_integer() else rounded


def _funded_table(inst: _Instance, options: Sequence[str], funded: Sequence[int]) -> list[dict]:
    return [
        {
            "project": options[c],
            "index": c,
            "cost": _money(inst.costs[c]),
            "approvals": inst.approvals[c],
        }
        for c in funded
    ]


def _greedy(
    inst: _Instance,
    tiebreak: TieBreaker,
    *,
    start: Sequence[int] = (),
    limit: float | None = None,
    context: str | None = None,
) -> tuple[list[int], list[int]]:
    """(funded in order, every project in the greedy order). ``start`` is already funded."""
    context = context or _("greedy order")
    limit = inst.budget if limit is None else limit
    spent = sum(inst.costs[c] for c in start)
    funded = list(start)
    order: list[int] = []
    by_approvals: dict[int, list[int]] = {}
    for c in range(inst.n):
        if c not in funded:
            by_approvals.setdefault(inst.approvals[c], []).append(c)
    for approvals in sorted(by_approvals, reverse=True):
        tied = by_approvals[approvals]
        if len(tied) > 1:
            tied = tiebreak.order(
                tied,
                ngettext("{context}, {n} approval", "{context}, {n} approvals", approvals).format(
                    context=context, n=approvals
                ),
            )
        for c in tied:
            order.append(c)
            if spent + inst.costs[c] <= limit * (1 + REL_EPS):
                funded.append(c)
                spent += inst.costs[c]
    return funded, order


# --------------------------------------------------------------------------- greedy


def count_greedy(
    options: Sequence[str], ballots: Weighted, *, rules: dict, tiebreak: TieBreaker
) -> Result:
    """Greedy participatory budget: by approvals, skipping projects that no longer fit."""
    inst = _instance(options, ballots, rules)
    funded, order = _greedy(inst, tiebreak)
    spent = sum(inst.costs[c] for c in funded)
    rest = [c for c in order if c not in funded]
    return Result(
        method="pb_greedy",
        options=list(options),
        order=[*funded, *rest],
        winners=funded,
        scores={c: inst.approvals[c] for c in range(inst.n)},
        details={
            "budget": _money(inst.budget),
            "funded": _funded_table(inst, options, funded),
            "spent": _money(spent),
            "left": _money(inst.budget - spent),
            "convention": "by approvals, most first; a project that does not fit is skipped",
        },
        valid=inst.voters,
        explanation=_(
            "Projects are funded in order of approvals, most approved first, skipping any "
            "project that no longer fits in what is left of the budget."
        ),
    )


# --------------------------------------------------------------------------- MES


@dataclass
class MesRun:
    """One pass of the Method of Equal Shares with a given initial share per voter."""

    funded: list[int]
    #: per funded project (same order): ρ, the most a supporter paid for it
    prices: list[float]
    #: what each voter group has left at the end, per voter (never negative)
    shares_left: list[float]
    #: ties settled by cost/approvals or the tie-breaker: (round, candidates)
    ties: list[tuple[int, list[int]]]


def mes_fixed(
    inst: _Instance,
    share: float,
    utility: str,
    tiebreak: TieBreaker,
) -> MesRun:
    """The Method of Equal Shares with ``share`` per voter, no completion.

    Exposed for tests: ``shares_left`` is what every voter kept (checked never negative).
    """
    costs, weights, approvers = inst.costs, inst.weights, inst.approvers
    left = [share] * len(weights)
    # project → the last effective-support figure (an upper bound: it only goes down)
    bound: dict[int, float] = {}
    payers_of = inst.approvals  # voters approving each project
    for c in range(inst.n):
        if approvers[c]:
            bound[c] = math.inf
    funded: list[int] = []
    prices: list[float] = []
    ties: list[tuple[int, list[int]]] = []
    number = 0
    while bound:
        number += 1
        best: list[int] = []
        best_value = -math.inf
        best_rho: dict[int, float] = {}
        for c in sorted(bound, key=lambda p: -bound[p]):
            if bound[c] < best_value * (1 - REL_EPS):
                break
            cost = costs[c]
            groups = sorted(approvers[c], key=left.__getitem__)
            paid = 0.0
            payers = payers_of[c]
            rho = math.inf
            for g in groups:
                share_g = left[g]
                rho = (cost - paid) / payers
                if rho <= share_g:
                    break
                paid += share_g * weights[g]
                payers -= weights[g]
                if payers <= 0:
                    rho = math.inf
                    break
            if rho == math.inf or paid + rho * payers < cost * (1 - REL_EPS):
                del bound[c]  # not affordable, and never will be: shares only go down
                continue
            value = (cost / rho) if utility == "cost" else (1.0 / rho)
            bound[c] = value
            best_rho[c] = rho
            if value > best_value * (1 + REL_EPS):
                best, best_value = [c], value
            elif value >= best_value * (1 - REL_EPS):
                best.append(c)
        if not best:
            break
        if len(best) > 1:
            ties.append((number, list(best)))
            cheapest = min(costs[c] for c in best)
            best = [c for c in best if costs[c] <= cheapest * (1 + REL_EPS)]
            most = max(inst.approvals[c] for c in best)
            best = [c for c in best if inst.approvals[c] == most]
            if len(best) > 1:
                best = [tiebreak.first(best, _("equal shares, round {n}").format(n=number))]
        chosen = best[0]
        rho = best_rho[chosen]
        for g in approvers[chosen]:
            remains = left[g] - rho
            left[g] = remains if remains > 0.0 else 0.0
        funded.append(chosen)
        prices.append(rho)
        del bound[chosen]
    return MesRun(funded=funded, prices=prices, shares_left=left, ties=ties)


def _exhaustive(inst: _Instance, funded: Sequence[int]) -> bool:
    spent = sum(inst.costs[c] for c in funded)
    return all(
        c in funded or spent + inst.costs[c] > inst.budget * (1 + REL_EPS) for c in range(inst.n)
    )


def _satisfaction_comparison(inst: _Instance, ours: Sequence[int], greedy: Sequence[int]):
    """(voters preferring ours, voters preferring greedy), by number of funded approvals."""
    prefer_ours = prefer_greedy = 0
    ours_set, greedy_set = set(ours), set(greedy)
    for group, weight in zip(inst.groups, inst.weights, strict=True):
        a, b = len(group & ours_set), len(group & greedy_set)
        if a > b:
            prefer_ours += weight
        elif b > a:
            prefer_greedy += weight
    return prefer_ours, prefer_greedy


def count_mes(
    options: Sequence[str], ballots: Weighted, *, rules: dict, tiebreak: TieBreaker
) -> Result:
    """The Method of Equal Shares (méthode des parts égales) with add1 completion."""
    inst = _instance(options, ballots, rules)
    utility = rules.get("utility", "cost")
    if utility not in UTILITIES:
        raise InvalidRules(
            _("Unknown utility “{value}” (known: {known}).").format(
                value=utility, known=", ".join(UTILITIES)
            )
        )
    completion = rules.get("completion", "add1")
    if completion not in COMPLETIONS:
        raise InvalidRules(
            _("Unknown completion “{value}” (known: {known}).").format(
                value=completion, known=", ".join(COMPLETIONS)
            )
        )
    comparison = rules.get("comparison")
    if comparison not in (None, "satisfaction"):
        raise InvalidRules(
            _("Unknown comparison “{value}” (known: {known}).").format(
                value=comparison, known="satisfaction"
            )
        )
    voters = inst.voters
    if voters == 0:
        run = MesRun([], [], [], [])
        share = 0.0
    else:
        share = inst.budget / voters
        # The passes of the completion use a scratch tie-breaker (same seed, same decisions),
        # so only the final pass's ties are recorded.
        scratch = TieBreaker(seed=tiebreak.seed, decided_order=tiebreak.decided_order)
        run = mes_fixed(inst, share, utility, scratch)
        approved_cost = sum(inst.costs[c] for c in range(inst.n) if inst.approvers[c])
        if completion.startswith("add1") and approved_cost > inst.budget * (1 + REL_EPS):
            step = math.floor(share)
            run = mes_fixed(inst, float(step), utility, scratch)
            share = float(step)
            while not (completion.startswith("add1e") and _exhaustive(inst, run.funded)):
                step += 1
                trial = mes_fixed(inst, float(step), utility, scratch)
                if sum(inst.costs[c] for c in trial.funded) > inst.budget * (1 + REL_EPS):
                    break
                run, share = trial, float(step)
        elif completion != "none" and approved_cost <= inst.budget * (1 + REL_EPS):
            share = max(share, *inst.costs)  # one supporter alone can pay: all are funded
        run = mes_fixed(inst, share, utility, tiebreak)  # recorded
    mes_funded = list(run.funded)
    funded = list(mes_funded)
    completed: list[int] = []
    if completion in ("add1u", "add1eu", "utilitarian"):
        funded, _order = _greedy(inst, tiebreak, start=funded, context=_("greedy completion"))
        completed = funded[len(mes_funded) :]
    compared = None
    if comparison == "satisfaction":
        greedy_funded, _order = _greedy(inst, tiebreak, context=_("greedy comparison"))
        ours, theirs = _satisfaction_comparison(inst, funded, greedy_funded)
        compared = {"prefer_equal_shares": ours, "prefer_greedy": theirs}
        if theirs > ours:
            funded = greedy_funded
            compared["chosen"] = "greedy"
        else:
            compared["chosen"] = "equal shares"
    spent = sum(inst.costs[c] for c in funded)
    unfunded = [c for c in range(inst.n) if c not in funded]
    unfunded.sort(key=lambda c: (-inst.approvals[c], inst.costs[c], c))
    rounds = [
        {
            "round": i + 1,
            "project": options[c],
            "index": c,
            "price_per_voter": round(rho, 6),
            "cost": _money(inst.costs[c]),
            "approvals": inst.approvals[c],
            "description": _(
                "Round {round}: {project} is funded, each supporter paying at most {price}."
            ).format(round=i + 1, project=options[c], price=f"{rho:.2f}"),
        }
        for i, (c, rho) in enumerate(zip(run.funded, run.prices, strict=True))
    ]
    details = {
        "budget": _money(inst.budget),
        "funded": _funded_table(inst, options, funded),
        "spent": _money(spent),
        "left": _money(inst.budget - spent),
        "rounds": rounds,
        "initial_share": round(share, 6),
        "equal_share": round(inst.budget / voters, 6) if voters else 0,
        "utility": utility,
        "completion": completion,
        "completed_by_greedy": [options[c] for c in completed],
        "ties_by_cost_then_approvals": [
            {"round": r, "tied": [options[c] for c in tied]} for r, tied in run.ties
        ],
        "convention": (
            f"{utility} utilities; completion {completion}; ties: cheaper, then more approvals, "
            "then the tie-breaker"
        ),
    }
    if compared is not None:
        details["comparison"] = compared
    return Result(
        method="mes",
        options=list(options),
        order=[*funded, *unfunded],
        winners=funded,
        scores={c: inst.approvals[c] for c in range(inst.n)},
        details=details,
        valid=voters,
        explanation=_(
            "The budget is shared equally among voters; each project is paid for by its "
            "supporters from their shares, choosing each time the project whose cost is spread "
            "over the most supporters, until no project can be paid for."
        ),
    )
