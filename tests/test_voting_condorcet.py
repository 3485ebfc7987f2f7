"""Borda count and the Schulze method over ranked ballots (borda.py, schulze.py)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.facilitation.voting import schulze
from app.facilitation.voting.base import InvalidBallot, TieBreaker
from app.facilitation.voting.registry import count

FAST = settings(max_examples=100, deadline=None)


def ranking(text: str, names: str) -> tuple[frozenset[int], ...]:
    """ "A>BC>D" → ({A}, {B, C}, {D}) over the option letters ``names``."""
    return tuple(frozenset(names.index(c) for c in group) for group in text.split(">"))


# Schulze (2011), Social Choice and Welfare 36:267–303, the 45-voter example (§3.1, example 1).
SCHULZE_45 = [
    ("A>C>B>E>D", 5),
    ("A>D>E>C>B", 5),
    ("B>E>D>A>C", 8),
    ("C>A>B>E>D", 3),
    ("C>A>E>B>D", 7),
    ("C>B>A>D>E", 2),
    ("D>C>E>B>A", 7),
    ("E>B>A>D>C", 8),
]


def test_schulze_45_voter_example() -> None:
    ballots = [(ranking(text, "ABCDE"), w) for text, w in SCHULZE_45]
    result = count("schulze", list("ABCDE"), ballots, tiebreak=TieBreaker(1))
    assert result.details["pairwise"] == [
        [0, 20, 26, 30, 22],
        [25, 0, 16, 33, 18],
        [19, 29, 0, 17, 24],
        [15, 12, 28, 0, 14],
        [23, 27, 21, 31, 0],
    ]
    assert result.details["strongest_paths"] == [
        [0, 28, 28, 30, 24],
        [25, 0, 28, 33, 24],
        [25, 29, 0, 29, 24],
        [25, 28, 28, 0, 24],
        [25, 28, 28, 31, 0],
    ]
    assert ["ABCDE"[o] for o in result.order] == list("EACBD")
    assert result.winners == [4]
    assert result.details["condorcet_winner"] is None  # a cycle: no Condorcet winner
    assert result.ties == [] and result.valid == 45


# The Tennessee capital example (Wikipedia, "Borda count" and "Condorcet method"): voters
# living in Memphis 42 %, Nashville 26 %, Chattanooga 15 %, Knoxville 17 %, each ranking the
# cities by distance. Borda: Nashville 194, Chattanooga 173, Memphis 126, Knoxville 107.
TENNESSEE = [
    ("M>N>C>K", 42),
    ("N>C>K>M", 26),
    ("C>K>N>M", 15),
    ("K>C>N>M", 17),
]


def test_tennessee_borda_and_schulze() -> None:
    ballots = [(ranking(text, "MNCK"), w) for text, w in TENNESSEE]
    borda = count("borda", list("MNCK"), ballots)
    assert borda.scores == {0: 126, 1: 194, 2: 173, 3: 107}
    assert borda.order == [1, 2, 0, 3] and borda.winners == [1]
    assert borda.details["convention"].startswith("averaged")
    condorcet = count("schulze", list("MNCK"), ballots)
    assert condorcet.details["condorcet_winner"] == 1 == condorcet.winners[0]
    assert condorcet.order == [1, 2, 3, 0]


def test_borda_ties_and_partial_rankings() -> None:
    # One ballot ranking only A among three options: B and C are tied last and share the
    # points of places 2 and 3: (1 + 0) / 2.
    only_a = count("borda", list("ABC"), [(ranking("A", "ABC"), 1)], tiebreak=TieBreaker(1))
    assert only_a.scores == {0: 2, 1: 0.5, 2: 0.5}
    assert len(only_a.ties) == 1 and set(only_a.ties[0].tied) == {1, 2}
    tied_first = count("borda", list("ABC"), [(ranking("AB>C", "ABC"), 2)], tiebreak=TieBreaker(1))
    assert tied_first.scores == {0: 3, 1: 3, 2: 0}
    # Every ballot hands out n(n-1)/2 points, however long its ranking.
    assert sum(only_a.scores.values()) == 3 and sum(tied_first.scores.values()) == 6


def test_schulze_partial_rankings_and_ties() -> None:
    ballots = [(ranking("A", "ABC"), 2), (ranking("BC>A", "ABC"), 1)]
    result = count("schulze", list("ABC"), ballots, tiebreak=TieBreaker(decided_order=[2, 1, 0]))
    assert result.details["pairwise"] == [[0, 2, 2], [1, 0, 0], [1, 0, 0]]
    assert result.order == [0, 2, 1]  # B and C cannot be told apart: the decided order
    assert [(t.tied, t.rule) for t in result.ties] == [((1, 2), "decision")]


@pytest.mark.parametrize("method", ["borda", "schulze"])
def test_one_option_and_no_ballots(method) -> None:
    assert count(method, ["Seule"], [(ranking("A", "A"), 3)]).order == [0]
    empty = count(method, list("ABC"), [], tiebreak=TieBreaker(5))
    assert sorted(empty.order) == [0, 1, 2] and empty.valid == 0
    assert len(empty.ties) == 1 and empty.ties[0].seed == 5


@pytest.mark.parametrize("method", ["borda", "schulze"])
@pytest.mark.parametrize(
    ("ballot", "message"),
    [
        ((frozenset({0}), frozenset({0})), "A ranked ballot ranks “A” more than once."),
        ((frozenset({0}), frozenset()), "A ranked ballot has an empty place in its ranking."),
        ((frozenset({5}),), "“5” is not one of the options."),
        ((0, 1), "A ranked ballot must list groups of options, from most to least preferred."),
        ({0: 1}, "A ranked ballot must list groups of options, from most to least preferred."),
    ],
)
def test_bad_rankings_refused(method, ballot, message) -> None:
    with pytest.raises(InvalidBallot) as error:
        count(method, list("ABC"), [(ranking("A>B", "ABC"), 1), (ballot, 1)])
    assert str(error.value) == message


def test_plain_sets_and_lists_are_accepted() -> None:
    ballots = [([{0}, {1, 2}], 2), ((frozenset({0}), frozenset({1, 2})), 1)]
    assert count("borda", list("ABC"), ballots, tiebreak=TieBreaker(1)).scores == {
        0: 6,
        1: 1.5,
        2: 1.5,
    }


# --------------------------------------------------------------------------- properties


@st.composite
def ranked_ballots(draw, n: int = 4):
    """Weighted ballots: random partial rankings with ties over ``n`` options."""
    result = []
    for _i in range(draw(st.integers(1, 9))):
        chosen = draw(st.permutations(range(n)))[: draw(st.integers(1, n))]
        cuts = sorted(draw(st.sets(st.integers(1, max(len(chosen) - 1, 1)))))
        groups, start = [], 0
        for cut in [*cuts, len(chosen)]:
            if cut > start:
                groups.append(frozenset(chosen[start:cut]))
                start = cut
        result.append((tuple(groups), draw(st.integers(1, 5))))
    return result


def naive_pairwise(ballots, n: int) -> list[list[int]]:
    def place(ranking, option):
        for i, group in enumerate(ranking):
            if option in group:
                return i
        return len(ranking)  # unranked: after every ranked option

    d = [[0] * n for _i in range(n)]
    for ranking, weight in ballots:
        for a in range(n):
            for b in range(n):
                if place(ranking, a) < place(ranking, b):
                    d[a][b] += weight
    return d


@FAST
@given(ranked_ballots(), st.integers(0, 2**31))
def test_condorcet_winner_wins_schulze(ballots, seed) -> None:
    result = count("schulze", list("ABCD"), ballots, tiebreak=TieBreaker(seed))
    d = naive_pairwise(ballots, 4)
    assert result.details["pairwise"] == d
    winners = [a for a in range(4) if all(d[a][b] > d[b][a] for b in range(4) if b != a)]
    assert result.details["condorcet_winner"] == (winners[0] if winners else None)
    if winners:
        assert result.winners == winners
    # The order follows the Schulze relation: nobody ranks above an option it does not beat.
    p = result.details["strongest_paths"]
    for i, upper in enumerate(result.order):
        for lower in result.order[i + 1 :]:
            assert p[upper][lower] >= p[lower][upper]


@FAST
@given(ranked_ballots(), st.integers(0, 2**31), st.integers(1, 5), st.integers(0, 3))
def test_adding_a_ballot_for_the_borda_winner_never_makes_it_lose(ballots, seed, weight, tail):
    before = count("borda", list("ABCD"), ballots, tiebreak=TieBreaker(seed))
    winner = before.winners[0]
    others = [o for o in range(4) if o != winner]
    extra = (frozenset({winner}), *(frozenset({o}) for o in others[:tail]))
    after = count("borda", list("ABCD"), [*ballots, (extra, weight)], tiebreak=TieBreaker(seed))
    assert after.winners == [winner]
    assert all(winner not in tie.tied for tie in after.ties)  # strictly ahead


@FAST
@given(ranked_ballots(), st.integers(0, 2**31))
def test_borda_is_pairwise_wins_with_half_ties(ballots, seed) -> None:
    result = count("borda", list("ABCD"), ballots, tiebreak=TieBreaker(seed))
    d = naive_pairwise(ballots, 4)
    total = sum(w for _b, w in ballots)
    for a in range(4):
        expected = sum(d[a][b] + (total - d[a][b] - d[b][a]) / 2 for b in range(4) if b != a)
        assert result.scores[a] == expected
    assert sum(result.scores.values()) == total * 6  # n(n-1)/2 points per ballot
    expanded = [(b, 1) for b, w in ballots for _i in range(w)]
    again = count("borda", list("ABCD"), expanded, tiebreak=TieBreaker(seed))
    assert again.as_dict() == result.as_dict()


def test_strongest_paths_direct_use() -> None:
    # Three-option cycle with margins 5 > 4 > 3: the weakest link (3) is cut.
    d = [[0, 5, 0], [0, 0, 4], [3, 0, 0]]
    assert schulze.strongest_paths(d) == [[0, 5, 4], [3, 0, 4], [3, 3, 0]]


def test_a_draw_does_not_depend_on_the_interface_language() -> None:
    """The same seed breaks the same tie the same way in French and in English."""
    from app import i18n
    from app.facilitation.voting import registry
    from app.facilitation.voting.base import TieBreaker

    ballots = [((frozenset({0}), frozenset({1, 2})), 1), ((frozenset({1}),), 1)]
    outcomes = []
    for language in ("fr", "en"):
        i18n.set_language(language)
        for seed in range(1, 30):
            result = registry.count(
                "borda", ["A", "B", "C"], ballots, tiebreak=TieBreaker(seed=seed)
            )
            outcomes.append((language, seed, tuple(result.order)))
    i18n.set_language("en")
    french = [o[2] for o in outcomes if o[0] == "fr"]
    english = [o[2] for o in outcomes if o[0] == "en"]
    assert french == english
    assert len(set(french)) > 1  # the seed really decides
