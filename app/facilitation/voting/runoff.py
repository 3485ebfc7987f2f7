"""Runoff methods on ranking ballots: instant-runoff voting (one winner) and STV (k seats).

Conventions, also stated in ``Result.details["convention"]``:

* **Tied preferences.** A ballot whose highest group still in the count holds several options
  (a tie on the ballot) is split equally between them: each gets ``weight / k``. When one of
  them leaves the count, its share passes to the others of the same group first, then to the
  next group. Options a ballot does not list come after every listed one, and are never
  reached: such a ballot is *exhausted* once its listed options have all left the count.
* **Arithmetic.** Vote totals are floats (ballot splits and surplus transfers make fractions);
  two totals closer than ``1e-9 × valid`` are treated as equal, and such ties are settled by
  the :class:`~app.facilitation.voting.base.TieBreaker` (never silently). Totals are rounded
  to 6 decimals in ``details``.
* **IRV.** Each round, an option with a strict majority of the ballots still in play wins;
  otherwise the option with the fewest votes is eliminated and its ballots pass on.
* **STV.** Droop quota ``floor(valid / (seats + 1)) + 1``; surpluses are transferred by the
  weighted inclusive Gregory method (every ballot held by the elected candidate passes on at
  ``surplus / total``), the largest surplus first, one per round; when no surplus is waiting,
  the candidate with the fewest votes is eliminated and their ballots pass on at their value.
  When the continuing candidates are no more than the seats left, they are all elected.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from app.facilitation.voting.base import (
    InvalidBallot,
    InvalidRules,
    Result,
    TieBreaker,
    Weighted,
    check_index,
    check_options,
    total_weight,
)
from app.i18n import _

Ranking = tuple[frozenset[int], ...]

CONVENTION_TIES = (
    "A ballot's tied options still in the count share its weight equally; unlisted options "
    "are never reached (the ballot is exhausted)."
)


def check_ranking(ballot, n: int) -> Ranking:
    """A ranking ballot as a tuple of non-empty frozensets; raises InvalidBallot if malformed.

    A bare int stands for a group of one (``(2, 0, 1)`` is accepted as well as
    ``(frozenset({2}), frozenset({0}), frozenset({1}))``).
    """
    if (
        isinstance(ballot, (tuple, list))
        and set(map(type, ballot)) <= {frozenset, set}
        and all(ballot)  # no empty group
    ):
        # Fast path, in C: every option a true int among the options, none listed twice.
        listed = frozenset().union(*ballot)
        if (
            len(listed) == sum(map(len, ballot))
            and (not listed or (set(map(type, listed)) == {int} and min(listed) >= 0
                                and max(listed) < n))
        ):  # fmt: skip
            if type(ballot) is tuple and set(map(type, ballot)) == {frozenset}:
                return ballot
            return tuple(map(frozenset, ballot))
    # Slow path: find what is wrong and say it (or accept bare ints, empty groups…).
    if not isinstance(ballot, (tuple, list)):
        raise InvalidBallot(
            _("A ranking ballot must list groups of options from most to least preferred.")
        )
    seen: set[int] = set()
    groups = []
    for group in ballot:
        if isinstance(group, int) and not isinstance(group, bool):
            group = (group,)
        if not isinstance(group, (set, frozenset, tuple, list)):
            raise InvalidBallot(
                _("A ranking ballot must list groups of options from most to least preferred.")
            )
        members = frozenset(check_index(option, n) for option in group)
        if members & seen:
            raise InvalidBallot(_("An option appears more than once in a ranking ballot."))
        seen |= members
        if members:
            groups.append(members)
    return tuple(groups)


def check_weight(weight) -> int:
    if not isinstance(weight, int) or isinstance(weight, bool) or weight < 0:
        raise InvalidBallot(
            _("A ballot's weight must be a whole number, zero or more (got “{weight}”).").format(
                weight=weight
            )
        )
    return weight


def _rankings(n: int, ballots: Weighted) -> Counter:
    merged: Counter = Counter()
    for ballot, weight in ballots:
        groups = check_ranking(ballot, n)
        if check_weight(weight):
            merged[groups] += weight
    return merged


def _r(value: float) -> float:
    return round(value, 6)


class _Count:
    """Piles of parcels (ballot, position, value) per option, moved as options leave."""

    def __init__(self, n: int, merged: Counter) -> None:
        self.hopeful = set(range(n))
        self.piles: dict[int, list[tuple[Ranking, int, float]]] = {c: [] for c in range(n)}
        self.votes = [0.0] * n
        self.exhausted = 0.0
        for groups, weight in merged.items():
            self._place(groups, 0, float(weight))

    def _place(self, groups: Ranking, pos: int, value: float) -> None:
        hopeful = self.hopeful
        while pos < len(groups):
            live = groups[pos] & hopeful
            if live:
                share = value / len(live)
                for c in live:
                    self.piles[c].append((groups, pos, share))
                    self.votes[c] += share
                return
            pos += 1
        self.exhausted += value

    def transfer(self, option: int, factor: float, keep: float) -> dict[int, float]:
        """Move ``option``'s pile (already out of ``hopeful``) on at ``factor`` of its value."""
        before = {c: self.votes[c] for c in self.hopeful}
        exhausted = self.exhausted
        pile, self.piles[option] = self.piles[option], []
        self.votes[option] = keep
        if factor > 0:
            for groups, pos, value in pile:
                self._place(groups, pos, value * factor)
        moved = {c: _r(self.votes[c] - before[c]) for c in sorted(self.hopeful)}
        moved = {c: v for c, v in moved.items() if v}
        if self.exhausted - exhausted:
            moved[-1] = _r(self.exhausted - exhausted)
        return moved


def _eps(valid: int) -> float:
    return 1e-9 * max(1, valid)


def _lowest(count: _Count, eps: float) -> list[int]:
    low = min(count.votes[c] for c in count.hopeful)
    return [c for c in count.hopeful if count.votes[c] <= low + eps]


def _by_votes(
    options: Sequence[int], votes: Sequence[float], eps: float, tiebreak: TieBreaker, context: str
) -> list[int]:
    """``options`` by votes, most first; near-equal totals ordered by the tie-breaker."""
    rest = sorted(options, key=lambda c: -votes[c])
    ordered: list[int] = []
    while rest:
        top = votes[rest[0]]
        group = [c for c in rest if votes[c] >= top - eps]
        rest = [c for c in rest if c not in group]
        ordered.extend(tiebreak.order(group, context) if len(group) > 1 else group)
    return ordered


def _transfers_named(moved: dict[int, float], options: Sequence[str]) -> dict[str, float]:
    return {
        (options[c] if c >= 0 else "exhausted"): v for c, v in moved.items()
    }  # "exhausted" is a key for scripts, not a sentence


# --------------------------------------------------------------------------- IRV


def count_irv(
    options: Sequence[str], ballots: Weighted, *, rules: dict, tiebreak: TieBreaker
) -> Result:
    """Instant-runoff voting (vote alternatif): one winner by successive eliminations."""
    n = check_options(options)
    merged = _rankings(n, ballots)
    valid = total_weight([(b, w) for b, w in merged.items()])
    eps = _eps(valid)
    count = _Count(n, merged)
    rounds: list[dict] = []
    last_votes = [0.0] * n
    eliminated: list[int] = []
    winner: int | None = None
    number = 0
    while winner is None:
        number += 1
        for c in count.hopeful:
            last_votes[c] = count.votes[c]
        continuing = sum(count.votes[c] for c in count.hopeful)
        round_ = {
            "round": number,
            "counts": {options[c]: _r(count.votes[c]) for c in sorted(count.hopeful)},
            "continuing": _r(continuing),
            "exhausted": _r(count.exhausted),
        }
        top = max(count.votes[c] for c in count.hopeful)
        leaders = [c for c in count.hopeful if count.votes[c] >= top - eps]
        if len(count.hopeful) == 1 or (len(leaders) == 1 and top - continuing / 2 > eps):
            winner = leaders[0]
            round_["elected"] = options[winner]
            round_["description"] = _(
                "Round {round}: {option} wins with {votes} of {continuing} votes still in play."
            ).format(
                round=number,
                option=options[winner],
                votes=_fmt(top),
                continuing=_fmt(continuing),
            )
        else:
            tied = _lowest(count, eps)
            loser = tiebreak.last(tied, _("elimination, round {n}").format(n=number))
            count.hopeful.discard(loser)
            eliminated.append(loser)
            moved = count.transfer(loser, 1.0, 0.0)
            round_["eliminated"] = options[loser]
            round_["transfers"] = _transfers_named(moved, options)
            round_["description"] = _(
                "Round {round}: no majority; {option} is eliminated with {votes} votes and "
                "their ballots pass to the next preference."
            ).format(round=number, option=options[loser], votes=_fmt(last_votes[loser]))
        rounds.append(round_)
    others = sorted(count.hopeful - {winner})
    order = [
        winner,
        *_by_votes(others, last_votes, eps, tiebreak, _("order of the losers")),
        *reversed(eliminated),
    ]
    return Result(
        method="irv",
        options=list(options),
        order=order,
        winners=[winner],
        scores={c: _r(last_votes[c]) for c in range(n)},
        details={
            "rounds": rounds,
            "convention": CONVENTION_TIES,
            "scores": "votes in the last round each option took part in",
        },
        valid=valid,
        explanation=_(
            "Each round, the option with the fewest votes is eliminated and its ballots pass to "
            "their next preference, until one option has a majority of the ballots still in "
            "play."
        ),
    )


def _fmt(value: float) -> str:
    """A vote total for a sentence: whole numbers plainly, fractions with 2 decimals."""
    if abs(value - round(value)) < 1e-9:
        return str(round(value))
    return f"{value:.2f}"


# --------------------------------------------------------------------------- STV


def droop_quota(valid: int, seats: int) -> int:
    return valid // (seats + 1) + 1


def count_stv(
    options: Sequence[str], ballots: Weighted, *, rules: dict, tiebreak: TieBreaker
) -> Result:
    """Single transferable vote (vote unique transférable), Droop quota, WIGM transfers."""
    n = check_options(options)
    seats = rules.get("seats", 1)
    if not isinstance(seats, int) or isinstance(seats, bool) or seats < 1:
        raise InvalidRules(
            _("The number of seats must be a whole number, 1 or more (got “{seats}”).").format(
                seats=seats
            )
        )
    merged = _rankings(n, ballots)
    valid = sum(merged.values())
    quota = droop_quota(valid, seats)
    eps = _eps(valid)
    count = _Count(n, merged)
    rounds: list[dict] = []
    last_votes = [0.0] * n
    elected: list[int] = []
    eliminated: list[int] = []
    pending: list[int] = []  # elected, surplus not transferred yet
    number = 0
    while True:
        number += 1
        for c in count.hopeful:
            last_votes[c] = count.votes[c]
        round_: dict = {
            "round": number,
            "quota": quota,
            "counts": {options[c]: _r(count.votes[c]) for c in sorted(count.hopeful)},
            "elected_holding": {options[c]: _r(count.votes[c]) for c in elected},
            "exhausted": _r(count.exhausted),
            "elected": [],
        }
        sentences = []
        reached = [c for c in count.hopeful if count.votes[c] >= quota - eps]
        newly = _by_votes(
            reached, count.votes, eps, tiebreak, _("election order, round {n}").format(n=number)
        )
        newly = newly[: seats - len(elected)]
        for c in newly:
            count.hopeful.discard(c)
            elected.append(c)
            pending.append(c)
            round_["elected"].append(options[c])
            sentences.append(
                _("{option} reaches the quota with {votes} votes and is elected.").format(
                    option=options[c], votes=_fmt(count.votes[c])
                )
            )
        left = seats - len(elected)
        if left > 0 and len(count.hopeful) <= left:
            rest = _by_votes(
                sorted(count.hopeful),
                count.votes,
                eps,
                tiebreak,
                _("last seats, round {n}").format(n=number),
            )
            for c in rest:
                count.hopeful.discard(c)
                elected.append(c)
                round_["elected"].append(options[c])
            if rest:
                sentences.append(
                    _("The remaining candidates fill the remaining seats: {names}.").format(
                        names=", ".join(options[c] for c in rest)
                    )
                )
            left = 0
        if left <= 0:
            round_["description"] = _finish(number, sentences)
            rounds.append(round_)
            break
        if pending:
            c = max(pending, key=lambda p: count.votes[p] - quota)  # first elected on ties
            pending.remove(c)
            total = count.votes[c]
            surplus = total - quota
            factor = surplus / total if surplus > eps else 0.0
            moved = count.transfer(c, factor, float(quota))
            round_["transfer"] = {
                "from": options[c],
                "kind": "surplus",
                "surplus": _r(max(surplus, 0.0)),
                "value": round(factor, 9),
                "to": _transfers_named(moved, options),
            }
            sentences.append(
                _(
                    "The surplus of {option} ({surplus} votes) passes on at a value of {value} "
                    "per ballot."
                ).format(option=options[c], surplus=_fmt(max(surplus, 0.0)), value=f"{factor:.4f}")
            )
        else:
            tied = _lowest(count, eps)
            loser = tiebreak.last(tied, _("elimination, round {n}").format(n=number))
            count.hopeful.discard(loser)
            eliminated.append(loser)
            moved = count.transfer(loser, 1.0, 0.0)
            round_["eliminated"] = options[loser]
            round_["transfer"] = {
                "from": options[loser],
                "kind": "elimination",
                "value": 1.0,
                "to": _transfers_named(moved, options),
            }
            sentences.append(
                _(
                    "{option} has the fewest votes ({votes}), is eliminated, and their ballots "
                    "pass on."
                ).format(option=options[loser], votes=_fmt(last_votes[loser]))
            )
        round_["description"] = _finish(number, sentences)
        rounds.append(round_)
    unelected = [c for c in range(n) if c not in elected and c not in eliminated]
    order = [
        *elected,
        *_by_votes(unelected, last_votes, eps, tiebreak, _("order of the unelected")),
        *reversed(eliminated),
    ]
    return Result(
        method="stv",
        options=list(options),
        order=order,
        winners=list(elected),
        scores={c: _r(last_votes[c]) for c in range(n)},
        details={
            "seats": seats,
            "quota": quota,
            "rounds": rounds,
            "convention": CONVENTION_TIES
            + " Droop quota; surpluses by the weighted inclusive Gregory method, largest first.",
            "scores": "votes in the last round each candidate took part in",
        },
        valid=valid,
        explanation=_(
            "Candidates who reach the quota are elected and the surplus of their votes passes "
            "on at a reduced value; when nobody reaches it, the last candidate is eliminated "
            "and their ballots pass on, until every seat is filled."
        ),
    )


def _finish(number: int, sentences: list[str]) -> str:
    return _("Round {round}: {what}").format(round=number, what=" ".join(sentences))
