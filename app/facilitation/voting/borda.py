"""The Borda count ("méthode de Borda") over ranked ballots, partial rankings and ties allowed.

Convention (the *averaged* Borda count, also called symmetric completion). On one ballot, with
``n`` options, an option scores

    1 point for every option ranked strictly below it, and ½ point for every other option
    ranked equal to it,

where the options a ballot leaves unranked count as tied together below every ranked option.
With a complete strict ranking this is the classic ``n-1, n-2, …, 0``; options tied together
share the average of the points of the places they span; every ballot hands out the same
``n(n-1)/2`` points, so a short ranking neither weighs more nor less than a full one. An
option's Borda score is thus also its number of pairwise wins, ties counting half, summed over
the ballots.

The options with the most points win (``seats``, default 1); equal points are a tie settled by
the :class:`TieBreaker`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from app.facilitation.voting.base import (
    InvalidBallot,
    Result,
    TieBreaker,
    Weighted,
    check_index,
    check_options,
)
from app.facilitation.voting.points import check_seats, check_weight, order_by
from app.i18n import N_, _

CONVENTION = (
    "averaged: 1 point per option ranked below, 1/2 per option ranked equal; "
    "unranked options tied last"
)
TIE_BORDA = N_("options with the same Borda score")


def check_ranking(
    ballot: Any, n: int, options: Sequence[str], valid: frozenset[int] | None = None
) -> tuple[frozenset[int], ...]:
    """A ranked ballot: groups (best first) of valid options, none empty, no option twice.

    ``valid`` (``frozenset(range(n))``) may be passed in by callers checking many ballots.
    """
    if (
        isinstance(ballot, (tuple, list))
        and set(map(type, ballot)) <= {frozenset, set}
        and all(ballot)  # no empty group
    ):
        # Fast path, in C: every option a true int among the options, none listed twice.
        valid = frozenset(range(n)) if valid is None else valid
        listed = frozenset().union(*ballot)
        if (
            len(listed) == sum(map(len, ballot))
            and listed <= valid
            and (not listed or set(map(type, listed)) == {int})
        ):
            if type(ballot) is tuple and set(map(type, ballot)) == {frozenset}:
                return ballot
            return tuple(map(frozenset, ballot))
    # Slow path: find what is wrong and say it (or accept an unusual but valid ballot).
    if not isinstance(ballot, (tuple, list)):
        raise InvalidBallot(
            _("A ranked ballot must list groups of options, from most to least preferred.")
        )
    seen: set[int] = set()
    groups = []
    for group in ballot:
        if not isinstance(group, (set, frozenset)):
            raise InvalidBallot(
                _("A ranked ballot must list groups of options, from most to least preferred.")
            )
        if not group:
            raise InvalidBallot(_("A ranked ballot has an empty place in its ranking."))
        for option in group:
            check_index(option, n)
            if option in seen:
                raise InvalidBallot(
                    _("A ranked ballot ranks “{option}” more than once.").format(
                        option=options[option]
                    )
                )
            seen.add(option)
        groups.append(frozenset(group))
    return tuple(groups)


def aggregate_rankings(
    ballots: Weighted, n: int, options: Sequence[str]
) -> tuple[dict[tuple[frozenset[int], ...], int], int]:
    """Identical ranked ballots merged (each checked once): ``{ranking: weight}``, total weight."""
    merged: dict[tuple[frozenset[int], ...], int] = {}
    valid = 0
    everyone = frozenset(range(n))
    for ballot, weight in ballots:
        weight = check_weight(weight)
        try:
            key = tuple(ballot) if isinstance(ballot, (tuple, list)) else None
            known = key is not None and key in merged
        except TypeError:  # unhashable groups (plain sets): check, then merge as frozensets
            known = False
        if not known:
            key = check_ranking(ballot, n, options, everyone)
        merged[key] = merged.get(key, 0) + weight
        valid += weight
    return merged, valid


def count(
    options: Sequence[str], ballots: Weighted, *, rules: dict, tiebreak: TieBreaker
) -> Result:
    """Borda count. Ballot: ``tuple[frozenset[int], ...]`` best first. Rules: ``seats``."""
    n = check_options(options)
    seats = check_seats(rules, n)
    merged, valid = aggregate_rankings(ballots, n, options)

    # Doubled points, to stay in whole numbers. An unranked option gets (u - 1) doubled points
    # (u options tied last): added to everyone as a base, corrected for the ranked options.
    base = 0
    doubled = [0] * n
    for ranking, weight in merged.items():
        if not weight:
            continue
        listed = sum(map(len, ranking))
        unranked = n - listed
        base += (unranked - 1) * weight if unranked else 0
        below = unranked * 2  # doubled points from the options below the current group
        for group in reversed(ranking):
            size = len(group)
            points = below + (size - 1)
            correction = (points - (unranked - 1 if unranked else 0)) * weight
            for option in group:
                doubled[option] += correction
            below += 2 * size
    points = [(doubled[o] + base) / 2 for o in range(n)]
    doubled_total = [doubled[o] + base for o in range(n)]

    order = order_by(dict(enumerate(doubled_total)), tiebreak, TIE_BORDA)
    return Result(
        method="borda",
        options=list(options),
        order=order,
        winners=order[:seats],
        scores={o: (int(p) if p.is_integer() else p) for o, p in enumerate(points)},
        details={
            "convention": CONVENTION,
            "points": {o: (int(p) if p.is_integer() else p) for o, p in enumerate(points)},
            "seats": seats,
        },
        valid=valid,
        explanation=_(
            "On each ballot an option earns one point for every option ranked below it and half "
            "a point for every option ranked equal to it (unranked options count as tied last); "
            "the options with the most points win."
        ),
    )
