"""PrefLib and pabulib files: reading, writing, round trips, clear errors."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.errors import AtelierError
from app.facilitation.voting.formats import (
    read_pabulib,
    read_preflib,
    write_pabulib,
    write_preflib,
)

SOI = """# FILE NAME: test.soi
# TITLE: A test
# DATA TYPE: soi
# NUMBER ALTERNATIVES: 3
# NUMBER VOTERS: 6
# ALTERNATIVE NAME 1: Alice
# ALTERNATIVE NAME 2: Bob
# ALTERNATIVE NAME 3: Chloé
3: 1,2,3
2: 3
1: 2,{1,3}
"""


def data_dir() -> Path:
    for base in (
        Path(__file__).resolve().parents[2] / "shared" / "data",
        Path("/work/shared/data"),
    ):
        if (base / "voting").is_dir():
            return base / "voting"
    pytest.skip("the shared data folder is absent")


def f(*members):
    return frozenset(members)


def test_read_preflib(tmp_path):
    path = tmp_path / "test.soi"
    path.write_text(SOI, encoding="utf-8")
    election = read_preflib(path)
    assert election.options == ["Alice", "Bob", "Chloé"]
    assert election.ballots == [
        ((f(0), f(1), f(2)), 3),
        ((f(2),), 2),
        ((f(1), f(0, 2)), 1),
    ]
    assert election.metadata["TITLE"] == "A test"
    assert election.kind == "soi"


@pytest.mark.parametrize(
    ("line", "why"),
    [
        ("3 1,2", "expected “count: ranking”"),
        ("x: 1,2", "“x” is not a ballot count"),
        ("1: 1,4", "alternative 4 does not exist"),
        ("1: 1,1", "alternative 1 appears twice"),
        ("1: 1,{2,3", "a brace is not closed"),
        ("1: 1,b", "“b” is not an alternative number"),
    ],
)
def test_read_preflib_errors_name_the_line(tmp_path, line, why):
    path = tmp_path / "bad.soi"
    path.write_text(SOI + line + "\n", encoding="utf-8")
    with pytest.raises(AtelierError) as error:
        read_preflib(path)
    assert str(error.value) == f"bad.soi, line 12: {why}"


def test_read_missing_file(tmp_path):
    with pytest.raises(AtelierError, match="No such file"):
        read_preflib(tmp_path / "nothing.soc")


rankings = st.lists(
    st.tuples(
        st.permutations(range(4)).flatmap(
            lambda p: st.integers(1, 4).map(lambda k: tuple(f(x) for x in p[:k]))
        ),
        st.integers(1, 9),
    ),
    max_size=15,
)


@settings(max_examples=100, deadline=None)
@given(rankings)
def test_preflib_round_trip(tmp_path_factory, ballots):
    path = tmp_path_factory.mktemp("rt") / "out.soi"
    options = ["a", "b;c", "É", "d,e"]
    write_preflib(path, options, ballots, "soi", title="round trip")
    election = read_preflib(path)
    assert election.options == options
    expected = Counter()
    for ballot, weight in ballots:
        expected[ballot] += weight
    assert Counter(dict(election.ballots)) == expected
    assert len(election.ballots) == len(expected)
    assert election.metadata["NUMBER VOTERS"] == str(sum(expected.values()))


def test_preflib_round_trip_with_ties(tmp_path):
    ballots = [((f(0), f(1, 2)), 2), ((f(2, 1, 0),), 1)]
    write_preflib(tmp_path / "t.toc", ["x", "y", "z"], ballots, "toc")
    assert read_preflib(tmp_path / "t.toc").ballots == ballots


def test_write_preflib_refuses_what_the_kind_cannot_hold(tmp_path):
    with pytest.raises(AtelierError, match="tied"):
        write_preflib(tmp_path / "a.soi", ["x", "y"], [((f(0, 1),), 1)], "soi")
    with pytest.raises(AtelierError, match="every alternative"):
        write_preflib(tmp_path / "a.soc", ["x", "y"], [((f(0),), 1)], "soc")
    with pytest.raises(AtelierError, match="Unknown PrefLib"):
        write_preflib(tmp_path / "a.xyz", ["x"], [], "xyz")


PB = """META
key;value
description;Test
budget;100
vote_type;approval
PROJECTS
project_id;cost;votes;name;selected
p1;60;2;Park;1
p2;50;1;"Bench; blue";0
p3;30;2;Mural;1
VOTES
voter_id;vote
v1;p1,p3
v2;p1
v3;p3,p2
"""


def test_read_pabulib(tmp_path):
    path = tmp_path / "t.pb"
    path.write_text(PB, encoding="utf-8")
    election = read_pabulib(path)
    assert election.options == ["Park", "Bench; blue", "Mural"]
    assert election.project_ids == ["p1", "p2", "p3"]
    assert election.costs == [60, 50, 30]
    assert election.budget == 100
    assert election.selected == {0, 2}
    assert election.vote_type == "approval"
    assert sorted(election.ballots, key=lambda b: sorted(b[0])) == [
        (f(0), 1),
        (f(0, 2), 1),
        (f(1, 2), 1),
    ]


@pytest.mark.parametrize(
    ("old", "new", "line", "why"),
    [
        ("v3;p3,p2", "v3;p3,p9", 15, "the vote names an unknown project “p9”"),
        ("p2;50;1", "p2;-5;1", 9, "a project's cost must be positive"),
        ("p2;50;1", "p2;abc;1", 9, "The cost “abc” is not a number"),
        ("v2;p1", "v2;p1;extra", 14, "3 fields where the header has 2"),
        ("p3;30", "p1;30", 10, "project “p1” is listed twice"),
    ],
)
def test_read_pabulib_errors_name_the_line(tmp_path, old, new, line, why):
    path = tmp_path / "bad.pb"
    path.write_text(PB.replace(old, new), encoding="utf-8")
    with pytest.raises(AtelierError) as error:
        read_pabulib(path)
    assert str(error.value) == f"bad.pb, line {line}: {why}"


def test_read_pabulib_without_budget(tmp_path):
    path = tmp_path / "nobudget.pb"
    path.write_text(PB.replace("budget;100\n", ""), encoding="utf-8")
    with pytest.raises(AtelierError, match="gives no budget"):
        read_pabulib(path)


def test_read_pabulib_cumulative_ballots(tmp_path):
    text = PB.replace("vote_type;approval", "vote_type;cumulative").replace(
        "voter_id;vote\nv1;p1,p3\nv2;p1\nv3;p3,p2", "voter_id;vote;points\nv1;p1,p3;3,2"
    )
    path = tmp_path / "cumulative.pb"
    path.write_text(text, encoding="utf-8")
    election = read_pabulib(path)
    assert election.vote_type == "cumulative"
    assert election.ballots == [({0: 3, 2: 2}, 1)]


approval_ballots = st.lists(
    st.tuples(st.frozensets(st.integers(0, 3)), st.integers(1, 3)), max_size=12
)


@settings(max_examples=100, deadline=None)
@given(approval_ballots, st.lists(st.integers(1, 10**6), min_size=4, max_size=4))
def test_pabulib_round_trip(tmp_path_factory, ballots, costs):
    path = tmp_path_factory.mktemp("rt") / "out.pb"
    options = ["Park", "Bench; blue", 'A "quoted" name', "Żłobek"]
    write_pabulib(path, options, costs, 10**6, ballots, selected={1})
    election = read_pabulib(path)
    assert election.options == options
    assert election.costs == costs
    assert election.budget == 10**6
    assert election.selected == {1}
    expected = Counter()
    for ballot, weight in ballots:
        expected[ballot] += weight
    assert Counter(dict(election.ballots)) == expected


def test_reads_the_shared_files():
    base = data_dir()
    irish = read_preflib(base / "preflib" / "00001-00000001.soi")
    assert len(irish.options) == 12 and irish.options[9] == "Trevor Sargent G.P."
    assert sum(w for _b, w in irish.ballots) == 43942
    debian = read_preflib(base / "preflib" / "00002-00000004.toc")
    assert any(len(group) > 1 for ranking, _w in debian.ballots for group in ranking)
    for path in sorted((base / "pabulib").glob("*.pb")):
        election = read_pabulib(path)
        assert election.vote_type == "approval"
        assert sum(w for _b, w in election.ballots) == int(election.meta["num_votes"])
        assert len(election.options) == int(election.meta["num_projects"])
