"""Dot voting, approval voting and score voting: options ranked by what they collected.

* ``count_dots``: each participant places ``dots_per_voter`` dots (at most ``max_per_option``
  on one option); the options with the most dots come first.
* ``count_approval``: each participant approves any number of options (at most
  ``max_approvals``); the options approved by the most participants come first.
* ``count_score``: each participant gives options a whole score from ``min`` to ``max``; an
  option a participant did not score is *missing* for that participant (it is not a zero). The
  options are ranked by the sum of their scores, or by their mean over those who scored them
  (``rank_by: "mean"``).

Every method takes ``seats`` (default 1): the first ``seats`` options of the order win. Equal
figures are a tie, settled by the :class:`TieBreaker`, never by the order of the options.

The small helpers at the top (weights, whole-number rules, seats, ordering by a figure) are
shared with the other counting modules of this package.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from fractions import Fraction
from typing import Any

from app.facilitation.voting.base import (
    InvalidBallot,
    InvalidRules,
    Result,
    TieBreaker,
    Weighted,
    check_index,
    check_options,
)
from app.i18n import N_, _, ngettext

# --------------------------------------------------------------------------- shared helpers


def is_whole(value: Any) -> bool:
    """A true integer (``True``/``False`` are not numbers of anything here)."""
    return isinstance(value, int) and not isinstance(value, bool)


def check_weight(weight: Any) -> int:
    """The number of identical ballots a pair stands for: a whole number, 0 or more."""
    if not is_whole(weight) or weight < 0:
        raise InvalidBallot(
            _("A ballot's weight must be a whole number of 0 or more, not “{weight}”.").format(
                weight=weight
            )
        )
    return weight


def whole_rule(
    rules: Mapping[str, Any],
    key: str,
    default: int | None = None,
    *,
    minimum: int | None = None,
) -> int | None:
    """``rules[key]`` as a whole number (``default`` when absent), at least ``minimum``."""
    value = rules.get(key, default)
    if value is None:
        return None
    if not is_whole(value) or (minimum is not None and value < minimum):
        if minimum is None:
            raise InvalidRules(
                _("The rule “{rule}” must be a whole number, not “{value}”.").format(
                    rule=key, value=value
                )
            )
        message = _("The rule “{rule}” must be a whole number, {minimum} or more, not “{value}”.")
        raise InvalidRules(message.format(rule=key, minimum=minimum, value=value))
    return value


def check_seats(rules: Mapping[str, Any], n: int) -> int:
    """``rules["seats"]`` (default 1): how many options win, between 1 and the number of options."""
    seats = whole_rule(rules, "seats", 1, minimum=1)
    assert seats is not None
    if seats > n:
        raise InvalidRules(
            ngettext(
                "{seats} seats cannot be filled from {n} option.",
                "{seats} seats cannot be filled from {n} options.",
                n,
            ).format(seats=seats, n=n)
        )
    return seats


def order_by(
    keys: Mapping[int, Hashable],
    tiebreak: TieBreaker,
    context: str,
) -> list[int]:
    """Options by ``keys`` from highest to lowest; options with equal keys go to ``tiebreak``.

    ``keys`` must be comparable with each other (numbers, tuples of numbers, Fractions).
    Each group of equal keys is settled by one call to ``tiebreak.order`` with ``context``.
    """
    ranked = sorted(keys, key=lambda o: keys[o], reverse=True)
    order: list[int] = []
    start = 0
    while start < len(ranked):
        end = start + 1
        while end < len(ranked) and keys[ranked[end]] == keys[ranked[start]]:
            end += 1
        group = ranked[start:end]
        order.extend(tiebreak.order(group, context) if len(group) > 1 else group)
        start = end
    return order


def order_by_comparison(
    items: Sequence[int],
    better: Callable[[int, int], int],
    tiebreak: TieBreaker,
    context: str,
) -> list[int]:
    """Options sorted by ``better(a, b)`` (> 0: a first, < 0: b first, 0: tied).

    Consecutive options that compare equal form a tie settled by ``tiebreak``.
    """
    from functools import cmp_to_key

    ranked = sorted(items, key=cmp_to_key(lambda a, b: -better(a, b)))
    order: list[int] = []
    start = 0
    while start < len(ranked):
        end = start + 1
        while end < len(ranked) and better(ranked[end - 1], ranked[end]) == 0:
            end += 1
        group = ranked[start:end]
        order.extend(tiebreak.order(group, context) if len(group) > 1 else group)
        start = end
    return order


# --------------------------------------------------------------------------- dot voting

TIE_DOTS = N_("options with the same number of dots")
TIE_APPROVALS = N_("options with the same number of approvals")
TIE_SCORES = N_("options with the same score")


def count_dots(
    options: Sequence[str], ballots: Weighted, *, rules: dict, tiebreak: TieBreaker
) -> Result:
    """Dot voting ("vote par gommettes"). Ballot: ``dict[option, dots]``.

    Rules: ``dots_per_voter`` (required, at least 1), ``max_per_option`` (default
    ``dots_per_voter``), ``seats`` (default 1). A ballot may place fewer dots than allowed.
    """
    n = check_options(options)
    if "dots_per_voter" not in rules:
        raise InvalidRules(_("Dot voting needs the number of dots each participant places."))
    k = whole_rule(rules, "dots_per_voter", minimum=1)
    m = whole_rule(rules, "max_per_option", k, minimum=1)
    assert k is not None and m is not None
    seats = check_seats(rules, n)

    dots = [0] * n
    voters = [0] * n  # weight of the ballots that put at least one dot on the option
    valid = 0
    for ballot, weight in ballots:
        weight = check_weight(weight)
        if not isinstance(ballot, Mapping):
            raise InvalidBallot(_("A dot-voting ballot must say how many dots go on each option."))
        placed = 0
        for option, number in ballot.items():
            option = check_index(option, n)
            if not is_whole(number) or number < 0:
                raise InvalidBallot(
                    _("“{number}” dots on “{option}”: dots are whole numbers, 0 or more.").format(
                        number=number, option=options[option]
                    )
                )
            if number > m:
                raise InvalidBallot(
                    ngettext(
                        "{number} dots on “{option}”: at most {m} dot per option.",
                        "{number} dots on “{option}”: at most {m} dots per option.",
                        m,
                    ).format(number=number, option=options[option], m=m)
                )
            placed += number
        if placed > k:
            raise InvalidBallot(
                ngettext(
                    "A ballot places {placed} dots: at most {k} dot per participant.",
                    "A ballot places {placed} dots: at most {k} dots per participant.",
                    k,
                ).format(placed=placed, k=k)
            )
        valid += weight
        for option, number in ballot.items():
            if number:
                dots[option] += number * weight
                voters[option] += weight

    order = order_by(dict(enumerate(dots)), tiebreak, TIE_DOTS)
    return Result(
        method="dots",
        options=list(options),
        order=order,
        winners=order[:seats],
        scores={o: dots[o] for o in range(n)},
        details={
            "dots": {o: dots[o] for o in range(n)},
            "voters": {o: voters[o] for o in range(n)},
            "dots_per_voter": k,
            "max_per_option": m,
            "seats": seats,
        },
        valid=valid,
        explanation=ngettext(
            "Each participant places up to {k} dot; the options with the most dots win.",
            "Each participant places up to {k} dots; the options with the most dots win.",
            k,
        ).format(k=k),
    )


# --------------------------------------------------------------------------- approval voting


def count_approval(
    options: Sequence[str], ballots: Weighted, *, rules: dict, tiebreak: TieBreaker
) -> Result:
    """Approval voting ("vote par approbation"). Ballot: ``frozenset[option]`` approved.

    Rules: ``max_approvals`` (optional, at least 1), ``seats`` (default 1). An empty set is a
    valid ballot that approves nothing (blank ballots are counted apart, before this).
    """
    n = check_options(options)
    limit = whole_rule(rules, "max_approvals", None, minimum=1)
    seats = check_seats(rules, n)

    approvals = [0] * n
    valid = 0
    for ballot, weight in ballots:
        weight = check_weight(weight)
        if not isinstance(ballot, (set, frozenset)):
            raise InvalidBallot(_("An approval ballot must be the set of approved options."))
        for option in ballot:
            check_index(option, n)
        if limit is not None and len(ballot) > limit:
            raise InvalidBallot(
                ngettext(
                    "A ballot approves {number} options: at most {limit} option may be approved.",
                    "A ballot approves {number} options: at most {limit} options may be approved.",
                    limit,
                ).format(number=len(ballot), limit=limit)
            )
        valid += weight
        for option in ballot:
            approvals[option] += weight

    order = order_by(dict(enumerate(approvals)), tiebreak, TIE_APPROVALS)
    if limit is None:
        explanation = _(
            "Each participant approves as many options as they wish; the options approved "
            "by the most participants win."
        )
    else:
        explanation = ngettext(
            "Each participant approves up to {limit} option; the options approved by the most "
            "participants win.",
            "Each participant approves up to {limit} options; the options approved by the most "
            "participants win.",
            limit,
        ).format(limit=limit)
    return Result(
        method="approval",
        options=list(options),
        order=order,
        winners=order[:seats],
        scores={o: approvals[o] for o in range(n)},
        details={
            "approvals": {o: approvals[o] for o in range(n)},
            "share": {o: (approvals[o] / valid if valid else None) for o in range(n)},
            "max_approvals": limit,
            "seats": seats,
        },
        valid=valid,
        explanation=explanation,
    )


# --------------------------------------------------------------------------- score voting


def count_score(
    options: Sequence[str], ballots: Weighted, *, rules: dict, tiebreak: TieBreaker
) -> Result:
    """Score voting ("vote par notes"). Ballot: ``dict[option, score]``.

    Rules: ``min`` (default 0), ``max`` (default 5), ``seats`` (default 1), ``rank_by``:
    ``"sum"`` (default) or ``"mean"``. An option missing from a ballot was not scored by that
    participant: it adds nothing to the sum and does not count in the mean. Ranking by mean, an
    option nobody scored comes after every scored one. ``scores`` holds the figure ranked by.
    """
    n = check_options(options)
    low = whole_rule(rules, "min", 0)
    high = whole_rule(rules, "max", 5)
    assert low is not None and high is not None
    if low >= high:
        raise InvalidRules(
            _("The lowest score ({low}) must be below the highest score ({high}).").format(
                low=low, high=high
            )
        )
    rank_by = rules.get("rank_by", "sum")
    if rank_by not in ("sum", "mean"):
        raise InvalidRules(
            _("Scores are ranked by “sum” or “mean”, not “{rank_by}”.").format(rank_by=rank_by)
        )
    seats = check_seats(rules, n)

    total = [0] * n
    scored_by = [0] * n
    valid = 0
    for ballot, weight in ballots:
        weight = check_weight(weight)
        if not isinstance(ballot, Mapping):
            raise InvalidBallot(_("A score ballot must give a score to each option it scores."))
        for option, score in ballot.items():
            option = check_index(option, n)
            if not is_whole(score) or not low <= score <= high:
                raise InvalidBallot(
                    _(
                        "“{score}” for “{option}”: scores are whole numbers from {low} to {high}."
                    ).format(score=score, option=options[option], low=low, high=high)
                )
        valid += weight
        for option, score in ballot.items():
            total[option] += score * weight
            scored_by[option] += weight

    means = {o: (Fraction(total[o], scored_by[o]) if scored_by[o] else None) for o in range(n)}
    if rank_by == "sum":
        keys: dict[int, Hashable] = dict(enumerate(total))
        scores = {o: total[o] for o in range(n)}
        explanation = _(
            "Each participant gives the options a score from {low} to {high}; the options with "
            "the highest total win."
        ).format(low=low, high=high)
    else:
        # (scored by someone, mean): an option nobody scored comes last.
        keys = {o: ((1, means[o]) if means[o] is not None else (0, 0)) for o in range(n)}
        scores = {o: (float(means[o]) if means[o] is not None else 0.0) for o in range(n)}
        explanation = _(
            "Each participant gives the options a score from {low} to {high}; the options with "
            "the highest mean, among those who scored them, win."
        ).format(low=low, high=high)
    order = order_by(keys, tiebreak, TIE_SCORES)
    return Result(
        method="score",
        options=list(options),
        order=order,
        winners=order[:seats],
        scores=scores,
        details={
            "sum": {o: total[o] for o in range(n)},
            "mean": {o: (float(means[o]) if means[o] is not None else None) for o in range(n)},
            "scored_by": {o: scored_by[o] for o in range(n)},
            "min": low,
            "max": high,
            "rank_by": rank_by,
            "seats": seats,
        },
        valid=valid,
        explanation=explanation,
    )
