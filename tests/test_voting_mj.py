"""Majority judgment (app/facilitation/voting/majority_judgment.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.facilitation.voting import majority_judgment as mj
from app.facilitation.voting.base import InvalidBallot, InvalidRules, TieBreaker
from app.facilitation.voting.registry import count

FAST = settings(max_examples=100, deadline=None)
DATA = next(
    (
        folder
        for folder in (
            Path(__file__).resolve().parents[2] / "shared" / "data" / "voting" / "mj",
            Path("/work/shared/data/voting/mj"),
        )
        if folder.is_dir()
    ),
    Path("/work/shared/data/voting/mj"),
)


def from_profiles(profiles: dict[str, list[int]]) -> list[tuple[dict[int, int], int]]:
    """Ballots giving each option its merit profile (counts per grade, best first)."""
    return [
        ({option: grade}, number)
        for option, profile in enumerate(profiles.values())
        for grade, number in enumerate(profile)
        if number
    ]


# --------------------------------------------------------------------------- reference


def majority_value(profile: list[int]) -> list[int]:
    """Balinski & Laraki's definition, literally: the lower middle grade, one removed at a time."""
    grades = sorted(g for g, number in enumerate(profile) for _i in range(number))  # best first
    sequence = []
    while grades:
        middle = grades[len(grades) // 2]  # lower middle: position N // 2 + 1 from the best
        sequence.append(middle)
        grades.remove(middle)
    return sequence


def reference_sign(a: list[int], b: list[int]) -> int:
    for grade_a, grade_b in zip(majority_value(a), majority_value(b), strict=False):
        if grade_a != grade_b:
            return 1 if grade_a < grade_b else -1
    return 0


# --------------------------------------------------------------------------- worked examples


def test_majority_grade_is_the_lower_middle() -> None:
    assert mj.majority_grade([1, 1, 0]) == 1  # two judges, "Très bien" and "Bien": "Bien"
    assert mj.majority_grade([2, 0, 1]) == 0
    assert mj.majority_grade([1, 0, 2]) == 2
    assert mj.majority_grade([0, 0, 0]) is None


def test_majority_value_separates_what_the_gauge_cannot() -> None:
    # A: Très bien, Assez bien ×3, À rejeter; B: Bien, Assez bien ×3, Passable (5 judges each).
    # Both have majority grade "Assez bien" and the same gauge (p = q = 1/5, "Assez bien-").
    # Setting aside middle grades: A reads Assez bien ×3 then À rejeter, B Assez bien ×3 then
    # Passable: B ranks above A (Balinski & Laraki 2011, ch. 13, majority ranking).
    a = [1, 0, 3, 0, 0, 1]
    b = [0, 1, 3, 1, 0, 0]
    assert mj.gauge(a) == mj.gauge(b) == {"p": 0.2, "grade": 2, "q": 0.2, "sign": "-"}
    assert mj.compare(a, b) == (-1, 3, [5, 3])
    ballots = [({0: 0, 1: 1}, 1), ({0: 2, 1: 2}, 3), ({0: 5, 1: 3}, 1)]
    result = count("majority_judgment", ["A", "B"], ballots)
    assert result.details["profiles"] == {0: a, 1: b}
    assert result.order == [1, 0]
    assert result.details["majority_grade_name"] == {0: "Assez bien", 1: "Assez bien"}
    assert result.details["separations"] == [
        {"options": [1, 0], "set_aside": 3, "then": [3, 5], "decided": "majority value"}
    ]
    assert result.ties == []


# Balinski & Laraki, "Majority judgment vs. majority rule", Social Choice and Welfare 54:429–461
# (2020; working paper 2016, p. 14): the 2012 French presidential majority-judgment poll, 737
# respondents, grade shares × 10000, worst grade first ("To reject" … "Outstanding"). Published
# order and majority grades as tabulated by A. Fabre, Social Choice and Welfare 56:101–124
# (2021), table "tab:2012".
FRANCE_2012 = {
    "Hollande": [1424, 1425, 1479, 1167, 1642, 1615, 1248],
    "Bayrou": [869, 1194, 2008, 2524, 2171, 977, 258],
    "Sarkozy": [3175, 787, 1113, 1099, 1628, 1235, 963],
    "Mélenchon": [2537, 1506, 1710, 1465, 1290, 950, 543],
    "Dupont-Aignan": [3392, 2551, 2022, 1126, 597, 258, 54],
    "Joly": [3853, 2469, 1465, 1180, 651, 299, 81],
    "Poutou": [4573, 2809, 1248, 773, 448, 136, 14],
    "Le Pen": [4763, 624, 1398, 936, 950, 733, 597],
    "Arthaud": [4993, 2524, 1316, 651, 380, 136, 0],
    "Cheminade": [5197, 2687, 1167, 583, 244, 81, 41],
}
GRADES_2012 = ["Outstanding", "Excellent", "Very Good", "Good", "Fair", "Poor", "To reject"]


def test_balinski_laraki_2012_poll() -> None:
    profiles = {name: list(reversed(shares)) for name, shares in FRANCE_2012.items()}
    names = list(profiles)
    result = count(
        "majority_judgment",
        names,
        from_profiles(profiles),
        rules={"grades": GRADES_2012, "unjudged": "ignore"},
        tiebreak=TieBreaker(1),
    )
    assert [names[o] for o in result.order] == list(FRANCE_2012)  # the table lists them in order
    assert result.winners == [0]
    grade = {names[o]: result.details["majority_grade_name"][o] for o in range(len(names))}
    assert grade["Hollande"] == grade["Bayrou"] == "Good"
    assert grade["Sarkozy"] == grade["Mélenchon"] == "Fair"
    assert grade["Cheminade"] == "To reject"
    assert result.details["gauge"][0]["sign"] == "+" and result.details["gauge"][1]["sign"] == "-"
    assert result.ties == []
    # Le Pen has a better mean grade than four candidates MJ ranks above her.
    assert result.order.index(names.index("Le Pen")) == 7


@pytest.mark.parametrize(
    "path",
    sorted(DATA.glob("*.json")) if DATA.is_dir() else [pytest.param(None, id="no-data")],
)
def test_published_polls(path) -> None:
    if path is None:
        pytest.skip(f"{DATA} is absent")
    data = json.loads(path.read_text(encoding="utf-8"))
    grades = list(reversed(data["grades_worst_to_best"]))
    names = list(data["counts"])
    profiles = {name: list(reversed(counts)) for name, counts in data["counts"].items()}
    result = count(
        "majority_judgment",
        names,
        from_profiles(profiles),
        rules={"grades": grades, "unjudged": "ignore"},  # each candidate's own total
        tiebreak=TieBreaker(1),
    )
    published = data["published"]
    assert names[result.winners[0]] == published["winner"]
    assert [names[o] for o in result.order] == published["ranking"]
    for o, name in enumerate(names):
        shown = result.details["majority_grade_name"][o]
        if result.details["majority_grade"][o] < len(grades) - 1:  # no sign below the worst
            shown += result.details["gauge"][o]["sign"]
        assert shown == published["majority_grade"][name], name


# --------------------------------------------------------------------------- rules and ballots


def test_an_ungraded_option_gets_the_worst_grade() -> None:
    ballots = [({0: 0, 1: 1}, 2), ({0: 0}, 1)]  # the last ballot leaves option 1 ungraded
    result = count("majority_judgment", ["A", "B"], ballots)
    assert result.details["profiles"][1] == [0, 2, 0, 0, 0, 1]
    assert result.details["majority_grade_name"] == {0: "Très bien", 1: "Bien"}
    assert result.details["grades"] == mj.DEFAULT_GRADES
    ignored = count("majority_judgment", ["A", "B", "C"], ballots, rules={"unjudged": "ignore"})
    assert ignored.details["profiles"][1] == [0, 2, 0, 0, 0, 0]
    assert ignored.details["majority_grade"][2] is None and ignored.order[-1] == 2


def test_identical_profiles_are_a_recorded_tie() -> None:
    ballots = [({0: 1, 1: 1, 2: 3}, 4), ({0: 3, 1: 3, 2: 0}, 3)]
    result = count(
        "majority_judgment", ["A", "B", "C"], ballots, tiebreak=TieBreaker(decided_order=[1, 0, 2])
    )
    assert result.order == [1, 0, 2]
    assert [(t.tied, t.rule) for t in result.ties] == [((0, 1), "decision")]
    assert result.details["separations"][0]["decided"] == "tie"


@pytest.mark.parametrize(
    ("ballot", "message"),
    [
        ({0: 6}, "“6” for “A” is not one of the grades."),
        ({0: -1}, "“-1” for “A” is not one of the grades."),
        ({0: True}, "“True” for “A” is not one of the grades."),
        ({3: 0}, "“3” is not one of the options."),
        ((0, 1), "A majority-judgment ballot must give a grade to each option."),
    ],
)
def test_bad_ballots_refused(ballot, message) -> None:
    with pytest.raises(InvalidBallot) as error:
        count("majority_judgment", ["A", "B"], [(ballot, 1)])
    assert str(error.value) == message


@pytest.mark.parametrize(
    ("rules", "message"),
    [
        ({"grades": ["Bien"]}, "Majority judgment needs at least two different grade names."),
        (
            {"grades": ["Bien", "Bien"]},
            "Majority judgment needs at least two different grade names.",
        ),
        ({"grades": "Bien"}, "Majority judgment needs at least two different grade names."),
        ({"unjudged": "skip"}, "An ungraded option counts as “worst” or “ignore”, not “skip”."),
    ],
)
def test_bad_rules_refused(rules, message) -> None:
    with pytest.raises(InvalidRules) as error:
        count("majority_judgment", ["A", "B"], [], rules=rules)
    assert str(error.value) == message


# --------------------------------------------------------------------------- properties

profiles = st.lists(st.integers(0, 6), min_size=4, max_size=4).filter(lambda p: sum(p) > 0)


@FAST
@given(profiles, profiles)
def test_compare_matches_the_definition(a, b) -> None:
    """The block-by-block comparison equals removing middle grades one by one."""
    sign, set_aside, then = mj.compare(a, b)
    assert sign == reference_sign(a, b)
    assert mj.compare(b, a)[0] == -sign
    if sign:
        value_a, value_b = majority_value(a), majority_value(b)
        assert value_a[:set_aside] == value_b[:set_aside]
        assert then == [value_a[set_aside], value_b[set_aside]]


@FAST
@given(
    st.lists(
        st.tuples(st.dictionaries(st.integers(0, 3), st.integers(0, 3)), st.integers(1, 3)),
        min_size=1,
        max_size=8,
    ),
    st.integers(0, 2**31),
)
def test_order_is_the_majority_ranking(ballots, seed) -> None:
    grades = ["Très bien", "Bien", "Passable", "À rejeter"]
    result = count(
        "majority_judgment",
        list("ABCD"),
        ballots,
        rules={"grades": grades},
        tiebreak=TieBreaker(seed),
    )
    profile = result.details["profiles"]
    assert all(sum(profile[o]) == result.valid for o in range(4))  # ungraded = worst grade
    values = {o: majority_value(profile[o]) for o in range(4)}
    assert [values[o] for o in result.order] == sorted(values.values())  # lexicographic
    expanded = [(b, 1) for b, w in ballots for _i in range(w)]
    again = count(
        "majority_judgment",
        list("ABCD"),
        expanded,
        rules={"grades": grades},
        tiebreak=TieBreaker(seed),
    )
    assert again.order == result.order and again.details == result.details
