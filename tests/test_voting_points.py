"""Dot voting, approval voting and score voting (app/facilitation/voting/points.py)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.facilitation.voting import points
from app.facilitation.voting.base import InvalidBallot, InvalidRules, TieBreaker
from app.facilitation.voting.registry import count

FAST = settings(max_examples=100, deadline=None)
OPTIONS = ["Jardin partagé", "Boîte à livres", "Bancs", "Fresque"]


# --------------------------------------------------------------------------- dot voting


def test_dots_worked_example() -> None:
    # Three people with 3 dots each (at most 2 on one option); the second ballot stands for
    # two identical ballots.
    ballots = [({0: 2, 1: 1}, 1), ({1: 2, 3: 1}, 2), ({2: 1}, 1)]
    result = count(
        "dots", OPTIONS, ballots, rules={"dots_per_voter": 3, "max_per_option": 2, "seats": 2}
    )
    assert result.scores == {0: 2, 1: 5, 2: 1, 3: 2}
    assert result.details["voters"] == {0: 1, 1: 3, 2: 1, 3: 2}
    assert result.valid == 4
    assert result.order[0] == 1 and result.order[-1] == 2
    assert set(result.order[1:3]) == {0, 3}  # 2 dots each: a tie, settled and recorded
    assert result.winners == result.order[:2]
    assert len(result.ties) == 1 and set(result.ties[0].tied) == {0, 3}
    assert result.explanation == (
        "Each participant places up to 3 dots; the options with the most dots win."
    )


def test_dots_tie_follows_the_facilitators_decided_order() -> None:
    ballots = [({0: 1, 3: 1}, 1)]
    for decided in ([3, 0, 1, 2], [0, 3, 1, 2]):
        result = count(
            "dots",
            OPTIONS,
            ballots,
            rules={"dots_per_voter": 2},
            tiebreak=TieBreaker(decided_order=decided),
        )
        assert result.winners == [decided[0]]
        assert result.ties[0].rule == "decision"


@pytest.mark.parametrize(
    ("ballot", "message"),
    [
        ({0: 2, 1: 2}, "A ballot places 4 dots: at most 3 dots per participant."),
        ({0: 3}, "3 dots on “Jardin partagé”: at most 2 dots per option."),
        ({0: -1}, "“-1” dots on “Jardin partagé”: dots are whole numbers, 0 or more."),
        ({0: 1.5}, "“1.5” dots on “Jardin partagé”: dots are whole numbers, 0 or more."),
        ({7: 1}, "“7” is not one of the options."),
        ({"0": 1}, "“0” is not one of the options."),
        (frozenset({0}), "A dot-voting ballot must say how many dots go on each option."),
    ],
)
def test_dots_refuses_bad_ballots(ballot, message) -> None:
    with pytest.raises(InvalidBallot) as error:
        points.count_dots(
            OPTIONS,
            [({1: 1}, 1), (ballot, 1)],
            rules={"dots_per_voter": 3, "max_per_option": 2},
            tiebreak=TieBreaker(1),
        )
    assert str(error.value) == message


@pytest.mark.parametrize(
    ("rules", "message"),
    [
        ({}, "Dot voting needs the number of dots each participant places."),
        (
            {"dots_per_voter": 0},
            "The rule “dots_per_voter” must be a whole number, 1 or more, not “0”.",
        ),
        (
            {"dots_per_voter": True},
            "The rule “dots_per_voter” must be a whole number, 1 or more, not “True”.",
        ),
        ({"dots_per_voter": 3, "seats": 5}, "5 seats cannot be filled from 4 options."),
        (
            {"dots_per_voter": 3, "seats": 0},
            "The rule “seats” must be a whole number, 1 or more, not “0”.",
        ),
    ],
)
def test_dots_refuses_bad_rules(rules, message) -> None:
    with pytest.raises(InvalidRules) as error:
        points.count_dots(OPTIONS, [], rules=rules, tiebreak=TieBreaker(1))
    assert str(error.value) == message


def test_negative_weight_refused() -> None:
    with pytest.raises(InvalidBallot, match="weight must be a whole number of 0 or more"):
        points.count_dots(
            OPTIONS, [({0: 1}, -2)], rules={"dots_per_voter": 3}, tiebreak=TieBreaker(1)
        )


def test_one_option_and_no_ballots() -> None:
    result = count("dots", ["Seule"], [], rules={"dots_per_voter": 1})
    assert result.order == result.winners == [0]
    assert result.valid == 0 and result.ties == []
    result = count("approval", OPTIONS, [], tiebreak=TieBreaker(7))
    assert sorted(result.order) == [0, 1, 2, 3]
    assert len(result.ties) == 1 and result.ties[0].seed == 7  # all at 0: a drawn tie


def test_no_options_refused() -> None:
    with pytest.raises(InvalidRules, match="at least one option"):
        count("approval", [], [])


# --------------------------------------------------------------------------- approval


def test_approval_worked_example() -> None:
    ballots = [
        (frozenset({0, 1}), 3),
        (frozenset({1}), 2),
        (frozenset({2, 3}), 1),
        (frozenset(), 1),
    ]
    result = count("approval", OPTIONS, ballots, rules={"seats": 2})
    assert result.scores == {0: 3, 1: 5, 2: 1, 3: 1}
    assert result.order[:2] == [1, 0] == result.winners
    assert result.details["share"][1] == pytest.approx(5 / 7)
    assert result.valid == 7


def test_approval_limit() -> None:
    rules = {"max_approvals": 2}
    assert count("approval", OPTIONS, [(frozenset({0, 1}), 1)], rules=rules).winners in ([0], [1])
    with pytest.raises(InvalidBallot) as error:
        count("approval", OPTIONS, [(frozenset({0, 1, 2}), 1)], rules=rules)
    assert str(error.value) == "A ballot approves 3 options: at most 2 options may be approved."
    with pytest.raises(InvalidBallot, match="set of approved options"):
        count("approval", OPTIONS, [([0, 1], 1)])
    with pytest.raises(InvalidBallot, match="“9” is not one of the options"):
        count("approval", OPTIONS, [(frozenset({9}), 1)])


# --------------------------------------------------------------------------- score


def test_score_sum_and_mean_can_disagree() -> None:
    # Option 0: scored 3 by ten people (sum 30, mean 3); option 1: 5 by four (sum 20, mean 5).
    ballots = [({0: 3}, 10), ({1: 5}, 4), ({0: 0, 1: 0, 2: 1}, 0)]
    by_sum = count("score", OPTIONS[:3], ballots, tiebreak=TieBreaker(1))
    assert by_sum.order == [0, 1, 2]
    assert by_sum.details["sum"] == {0: 30, 1: 20, 2: 0}
    assert by_sum.details["mean"] == {0: 3.0, 1: 5.0, 2: None}
    assert by_sum.details["scored_by"] == {0: 10, 1: 4, 2: 0}
    by_mean = count("score", OPTIONS[:3], ballots, rules={"rank_by": "mean"})
    assert by_mean.order == [1, 0, 2]  # nobody scored option 2: last
    assert by_mean.scores == {0: 3.0, 1: 5.0, 2: 0.0}


def test_score_range_and_rules() -> None:
    rules = {"min": -2, "max": 2}
    result = count("score", OPTIONS[:2], [({0: -2, 1: 2}, 1), ({0: 1}, 1)], rules=rules)
    assert result.details["sum"] == {0: -1, 1: 2} and result.winners == [1]
    with pytest.raises(InvalidBallot) as error:
        count("score", OPTIONS[:2], [({0: 3}, 1)], rules=rules)
    assert str(error.value) == "“3” for “Jardin partagé”: scores are whole numbers from -2 to 2."
    with pytest.raises(InvalidRules, match=r"lowest score \(5\) must be below the highest"):
        count("score", OPTIONS, [], rules={"min": 5})
    with pytest.raises(InvalidRules, match="ranked by “sum” or “mean”, not “median”"):
        count("score", OPTIONS, [], rules={"rank_by": "median"})


# --------------------------------------------------------------------------- properties

dots_ballots = st.lists(
    st.tuples(
        st.dictionaries(st.integers(0, 3), st.integers(0, 2), max_size=2),
        st.integers(0, 5),
    ),
    max_size=12,
)


@FAST
@given(dots_ballots, st.integers(0, 2**31))
def test_dots_properties(ballots, seed) -> None:
    result = count("dots", OPTIONS, ballots, rules={"dots_per_voter": 4}, tiebreak=TieBreaker(seed))
    assert sorted(result.order) == [0, 1, 2, 3]
    assert sum(result.scores.values()) == sum(sum(b.values()) * w for b, w in ballots)
    assert [result.scores[o] for o in result.order] == sorted(result.scores.values(), reverse=True)
    again = count("dots", OPTIONS, ballots, rules={"dots_per_voter": 4}, tiebreak=TieBreaker(seed))
    assert again.as_dict() == result.as_dict()  # deterministic given the seed
    # A weight stands for that many identical ballots.
    expanded = [(b, 1) for b, w in ballots for _i in range(w)]
    copies = count(
        "dots", OPTIONS, expanded, rules={"dots_per_voter": 4}, tiebreak=TieBreaker(seed)
    )
    assert copies.scores == result.scores and copies.order == result.order


@FAST
@given(
    st.lists(st.tuples(st.frozensets(st.integers(0, 3)), st.integers(0, 4)), max_size=12),
    st.integers(0, 2**31),
)
def test_approval_properties(ballots, seed) -> None:
    result = count("approval", OPTIONS, ballots, tiebreak=TieBreaker(seed))
    for option in range(4):
        assert result.scores[option] == sum(w for b, w in ballots if option in b)
    assert result.scores[result.winners[0]] == max(result.scores.values())
    # Ties are exactly the groups of equal approvals; no tie goes unrecorded.
    groups = [o for o in set(result.scores.values()) if list(result.scores.values()).count(o) > 1]
    assert len(result.ties) == len(groups)


@FAST
@given(
    st.lists(
        st.tuples(
            st.dictionaries(st.integers(0, 2), st.integers(0, 5), max_size=3), st.integers(1, 4)
        ),
        max_size=10,
    ),
    st.sampled_from(["sum", "mean"]),
)
def test_score_properties(ballots, rank_by) -> None:
    result = count(
        "score", OPTIONS[:3], ballots, rules={"rank_by": rank_by}, tiebreak=TieBreaker(3)
    )
    for option in range(3):
        scored = [(b[option], w) for b, w in ballots if option in b]
        assert result.details["scored_by"][option] == sum(w for _s, w in scored)
        assert result.details["sum"][option] == sum(s * w for s, w in scored)
    figures = [result.scores[o] for o in result.order]
    if rank_by == "sum":
        assert figures == sorted(figures, reverse=True)
    else:
        scored_first = [result.details["scored_by"][o] > 0 for o in result.order]
        assert scored_first == sorted(scored_first, reverse=True)
