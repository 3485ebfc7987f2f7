"""A yes / no / abstain proposal (app/facilitation/voting/proposal.py)."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.facilitation.voting.base import InvalidBallot, InvalidRules, TieBreaker
from app.facilitation.voting.registry import count

FAST = settings(max_examples=100, deadline=None)
CHOICES = ["Pour", "Contre", "Abstention"]


def vote(yes: int, no: int, abstain: int, **rules):
    ballots = [("yes", yes), ("no", no), ("abstain", abstain)]
    return count("proposal", CHOICES, ballots, rules=rules, tiebreak=TieBreaker(1))


def test_simple_majority_of_votes_expressed() -> None:
    result = vote(12, 8, 30)  # abstentions do not weigh in the share
    assert result.winners == [0] and result.order == [0, 1, 2]
    assert result.details == {
        "yes": 12,
        "no": 8,
        "abstain": 30,
        "cast": 50,
        "quorum": None,
        "quorum_reached": True,
        "threshold": "1/2",
        "threshold_inclusive": False,
        "share": 0.6,
        "adopted": True,
    }
    assert result.scores == {0: 12, 1: 8, 2: 30} and result.valid == 50
    assert result.explanation == (
        "The proposal is adopted when yes votes make up more than 1/2 of the yes and no votes; "
        "abstentions do not count in that share."
    )


def test_exactly_half_is_not_more_than_half() -> None:
    rejected = vote(10, 10, 0)
    assert rejected.winners == [] and rejected.order == [1, 0, 2]
    assert rejected.details["adopted"] is False and rejected.details["share"] == 0.5
    assert vote(10, 10, 0, threshold_inclusive=True).winners == [0]
    assert rejected.ties == []  # the rule decides: no tie-break


@pytest.mark.parametrize("threshold", [2 / 3, Fraction(2, 3), "2/3", 0.6667])
def test_two_thirds(threshold) -> None:
    # 0.6667 is read as the nearest simple fraction, 2/3; exactly two thirds is not "more".
    assert vote(20, 10, 5, threshold=threshold).details["adopted"] is False
    assert vote(20, 10, 5, threshold=threshold, threshold_inclusive=True).winners == [0]
    assert vote(21, 10, 0, threshold=threshold).winners == [0]
    assert vote(20, 10, 0, threshold=threshold).details["threshold"] == "2/3"


def test_unanimity() -> None:
    assert vote(9, 0, 4, threshold=1, threshold_inclusive=True).winners == [0]
    assert vote(9, 1, 0, threshold=1, threshold_inclusive=True).winners == []


def test_quorum_counts_abstentions() -> None:
    reached = vote(3, 1, 6, quorum=10)
    assert reached.details["quorum_reached"] is True and reached.winners == [0]
    missed = vote(3, 1, 5, quorum=10)
    assert missed.details["quorum_reached"] is False and missed.winners == []
    assert reached.explanation == (
        "The proposal is adopted when at least 10 ballots are cast, abstentions included, and "
        "yes votes make up more than 1/2 of the yes and no votes."
    )


def test_blank_and_spoiled_stay_apart() -> None:
    result = count(
        "proposal", CHOICES, [("yes", 4), ("no", 1)], rules={"quorum": 6}, blank=3, spoiled=2
    )
    assert result.blank == 3 and result.spoiled == 2
    assert result.details["quorum_reached"] is False and result.valid == 5


def test_all_abstain_or_nothing_cast() -> None:
    assert vote(0, 0, 7).winners == [] and vote(0, 0, 7).details["share"] is None
    assert count("proposal", CHOICES, []).details["adopted"] is False


def test_indexes_and_weights() -> None:
    result = count("proposal", CHOICES, [(0, 2), (1, 1), (2, 0), ("yes", 1)])
    assert result.scores == {0: 3, 1: 1, 2: 0}


@pytest.mark.parametrize(
    ("ballot", "message"),
    [
        ("oui", "“oui” is not a choice on a proposal: yes, no or abstain."),
        (3, "“3” is not a choice on a proposal: yes, no or abstain."),
        (True, "“True” is not a choice on a proposal: yes, no or abstain."),
        (frozenset({0}), "“frozenset({0})” is not a choice on a proposal: yes, no or abstain."),
    ],
)
def test_bad_ballots_refused(ballot, message) -> None:
    with pytest.raises(InvalidBallot) as error:
        count("proposal", CHOICES, [("yes", 1), (ballot, 1)])
    assert str(error.value) == message


@pytest.mark.parametrize(
    ("options", "rules", "message"),
    [
        (CHOICES[:2], {}, "A proposal vote has three options: yes, no and abstain, in that order."),
        (CHOICES, {"threshold": 1.5}, "The threshold must be a share from 0 to 1, not “1.5”."),
        (
            CHOICES,
            {"threshold": "moitié"},
            "The threshold must be a share from 0 to 1, not “moitié”.",
        ),
        (
            CHOICES,
            {"threshold": 1},
            "No share can be more than 1: for unanimity, ask for at least 1 (inclusive).",
        ),
        (CHOICES, {"quorum": -1}, "The rule “quorum” must be a whole number, 0 or more, not “-1”."),
        (
            CHOICES,
            {"threshold_inclusive": "yes"},
            "The rule “threshold_inclusive” must be true or false.",
        ),
    ],
)
def test_bad_rules_refused(options, rules, message) -> None:
    with pytest.raises(InvalidRules) as error:
        count("proposal", options, [], rules=rules)
    assert str(error.value) == message


@FAST
@given(
    st.integers(0, 50),
    st.integers(0, 50),
    st.integers(0, 50),
    st.sampled_from([Fraction(1, 2), Fraction(2, 3), Fraction(3, 5), Fraction(0)]),
    st.booleans(),
    st.none() | st.integers(0, 120),
)
def test_adoption_rule(yes, no, abstain, threshold, inclusive, quorum) -> None:
    rules = {"threshold": threshold, "threshold_inclusive": inclusive}
    if quorum is not None:
        rules["quorum"] = quorum
    result = vote(yes, no, abstain, **rules)
    cast = yes + no + abstain
    if yes + no == 0:
        meets = False
    elif inclusive:
        meets = yes * threshold.denominator >= threshold.numerator * (yes + no)
    else:
        meets = yes * threshold.denominator > threshold.numerator * (yes + no)
    adopted = meets and (quorum is None or cast >= quorum)
    assert result.details["adopted"] is adopted
    assert result.winners == ([0] if adopted else [])
    # More yes never turns an adoption into a rejection.
    if adopted:
        assert vote(yes + 1, no, abstain, **rules).details["adopted"] is True
