"""The Schulze method ("méthode de Schulze"), a Condorcet method, over ranked ballots.

M. Schulze, "A new monotonic, clone-independent, reversal symmetric, and Condorcet-consistent
single-winner election method", Social Choice and Welfare 36:267–303 (2011).

1. Pairwise matrix ("matrice des duels"): ``d[a][b]`` is the weight of the ballots ranking ``a``
   above ``b``. Options a ballot leaves unranked come after every ranked one, tied together;
   options ranked equal express no preference.
2. Strongest paths ("chemins les plus forts"), measured in *winning votes*: a duel ``a → b``
   has strength ``d[a][b]`` when ``d[a][b] > d[b][a]``, else 0; the strength of a path is its
   weakest duel, and ``p[a][b]`` is the strength of the strongest path from ``a`` to ``b``
   (widest paths, Floyd–Warshall).
3. ``a`` ranks above ``b`` when ``p[a][b] > p[b][a]``. This relation is transitive (Schulze
   2011, §4.1), so the options fall into levels; options on the same level are a tie settled
   by the :class:`TieBreaker`.

The first ``seats`` options of the order win (default 1: the Schulze winner). A Condorcet
winner ("vainqueur de Condorcet"), who beats every other option in its duel, is always the
Schulze winner; ``details["condorcet_winner"]`` names it (or is ``None``).

Counting is ``O(distinct ballots × n)`` big-integer additions (each row of the matrix is
packed into one integer, a field per option) followed by ``O(n³)`` for the paths.
"""

from __future__ import annotations

from collections.abc import Sequence

from app.facilitation.voting.base import Result, TieBreaker, Weighted, check_options
from app.facilitation.voting.borda import aggregate_rankings
from app.facilitation.voting.points import check_seats, order_by
from app.i18n import N_, _

TIE_SCHULZE = N_("options that the Schulze method cannot separate")


def pairwise(merged: dict[tuple[frozenset[int], ...], int], n: int, total: int) -> list[list[int]]:
    """``d[a][b]``: the weight of the ballots preferring ``a`` to ``b``."""
    width = max(total, 1).bit_length() + 1  # a field can hold the total weight: no carry
    mask = (1 << width) - 1
    unit = [1 << (o * width) for o in range(n)]
    everyone = sum(unit)
    rows = [0] * n  # rows[a]: field b holds d[a][b]
    for ranking, weight in merged.items():
        if not weight or not ranking:
            continue
        ranked = 0  # the options in this group or above it, one unit each
        for group in ranking:
            for option in group:
                ranked += unit[option]
            below = everyone - ranked  # every option below this group, unranked ones included
            if weight != 1:
                below *= weight
            for option in group:
                rows[option] += below
    return [[(rows[a] >> (b * width)) & mask for b in range(n)] for a in range(n)]


def strongest_paths(d: list[list[int]]) -> list[list[int]]:
    """Widest paths, winning votes (Schulze 2011, §2.3)."""
    n = len(d)
    p = [[(d[a][b] if a != b and d[a][b] > d[b][a] else 0) for b in range(n)] for a in range(n)]
    for i in range(n):
        row_i = p[i]
        for j in range(n):
            if j == i:
                continue
            row_j = p[j]
            via = row_j[i]
            if not via:
                continue
            for k in range(n):
                if k != i and k != j:
                    through = via if via < row_i[k] else row_i[k]
                    if through > row_j[k]:
                        row_j[k] = through
    return p


def count(
    options: Sequence[str], ballots: Weighted, *, rules: dict, tiebreak: TieBreaker
) -> Result:
    """Schulze method. Ballot: ``tuple[frozenset[int], ...]`` best first. Rules: ``seats``."""
    n = check_options(options)
    seats = check_seats(rules, n)
    merged, valid = aggregate_rankings(ballots, n, options)
    d = pairwise(merged, n, valid)
    p = strongest_paths(d)

    beaten = {a: sum(1 for b in range(n) if p[a][b] > p[b][a]) for a in range(n)}
    order = order_by(beaten, tiebreak, TIE_SCHULZE)
    condorcet = next(
        (a for a in range(n) if all(d[a][b] > d[b][a] for b in range(n) if b != a)), None
    )
    return Result(
        method="schulze",
        options=list(options),
        order=order,
        winners=order[:seats],
        scores={a: beaten[a] for a in range(n)},
        details={
            "pairwise": d,
            "strongest_paths": p,
            "condorcet_winner": condorcet,
            "beats": {a: [b for b in range(n) if p[a][b] > p[b][a]] for a in range(n)},
            "seats": seats,
        },
        valid=valid,
        explanation=_(
            "Options are compared two by two; an option ranks above another when its strongest "
            "chain of duel victories against it is stronger than the reverse chain, and the "
            "option no other ranks above wins."
        ),
    )
