"""Instant-runoff voting and STV: textbook examples, conventions, the 2002 Irish elections."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app import cli
from app.facilitation.voting import registry
from app.facilitation.voting.base import InvalidBallot, InvalidRules, TieBreaker
from app.facilitation.voting.runoff import droop_quota

M, N, C, K = 0, 1, 2, 3  # Memphis, Nashville, Chattanooga, Knoxville
TENNESSEE = ["Memphis", "Nashville", "Chattanooga", "Knoxville"]
#: The Tennessee capital example (Wikipedia, "Instant-runoff voting" and "Condorcet method"):
#: IRV elects Knoxville while Nashville is the Condorcet winner.
TENNESSEE_BALLOTS = [
    ((M, N, C, K), 42),
    ((N, C, K, M), 26),
    ((C, K, N, M), 15),
    ((K, C, N, M), 17),
]


def data_dir() -> Path:
    for base in (
        Path(__file__).resolve().parents[2] / "shared" / "data",
        Path("/work/shared/data"),
    ):
        if (base / "voting").is_dir():
            return base / "voting"
    pytest.skip("the shared data folder is absent")


def irv(options, ballots, seed=1, **rules):
    return registry.count("irv", options, ballots, rules=rules, tiebreak=TieBreaker(seed=seed))


def stv(options, ballots, seats, seed=1):
    return registry.count(
        "stv", options, ballots, rules={"seats": seats}, tiebreak=TieBreaker(seed=seed)
    )


def test_irv_tennessee_elects_knoxville():
    result = irv(TENNESSEE, TENNESSEE_BALLOTS)
    assert result.winners == [K]
    rounds = result.details["rounds"]
    assert [r.get("eliminated") for r in rounds[:2]] == ["Chattanooga", "Nashville"]
    assert rounds[0]["counts"] == {
        "Memphis": 42,
        "Nashville": 26,
        "Chattanooga": 15,
        "Knoxville": 17,
    }
    assert rounds[2]["counts"] == {"Memphis": 42, "Knoxville": 58}
    assert rounds[2]["elected"] == "Knoxville"
    assert result.order == [K, M, N, C]
    assert result.valid == 100
    assert result.ties == []
    assert "Knoxville" in rounds[2]["description"]


def test_irv_majority_in_the_first_round():
    result = irv(["a", "b"], [((0,), 3), ((1,), 2)])
    assert result.winners == [0]
    assert len(result.details["rounds"]) == 1


def test_irv_partial_ballots_exhaust_and_majority_is_of_continuing_ballots():
    # c is eliminated; its 2 ballots list nothing else and leave the count: 4 of 7 in play.
    ballots = [((0,), 4), ((1,), 3), ((2,), 2)]
    result = irv(["a", "b", "c"], ballots)
    assert result.winners == [0]
    assert result.details["rounds"][1]["exhausted"] == 2
    assert result.details["rounds"][1]["continuing"] == 7


def test_irv_tied_top_preferences_split_the_ballot():
    # Two voters rank a and b equal first: half a vote each.
    ballots = [((frozenset({0, 1}), 2), 2), ((0,), 1), ((1,), 1), ((2,), 3)]
    result = irv(["a", "b", "c"], ballots)
    assert result.details["rounds"][0]["counts"] == {"a": 2.0, "b": 2.0, "c": 3.0}
    assert "convention" in result.details


def test_irv_elimination_ties_go_to_the_tiebreaker_and_depend_on_the_seed():
    ballots = [((0,), 2), ((1,), 1), ((2,), 1)]
    eliminated = set()
    for seed in range(20):
        result = irv(["a", "b", "c"], ballots, seed=seed)
        assert result.ties and result.ties[0].context == "elimination, round 1"
        assert result.ties[0].tied == (1, 2)
        eliminated.add(result.details["rounds"][0]["eliminated"])
        again = irv(["a", "b", "c"], ballots, seed=seed)
        assert again.as_dict() == result.as_dict()
    assert eliminated == {"b", "c"}


def test_irv_facilitator_decision_breaks_ties():
    ballots = [((0,), 2), ((1,), 1), ((2,), 1)]
    result = registry.count(
        "irv", ["a", "b", "c"], ballots, tiebreak=TieBreaker(decided_order=[2, 1, 0])
    )
    assert result.ties[0].rule == "decision"
    assert result.ties[0].order == (2, 1)
    assert result.details["rounds"][0]["eliminated"] == "b"


@pytest.mark.parametrize(
    "ballot",
    [frozenset({0}), ((0,), (0,)), ((5,),), ("a",), ((0, 1), 0)],
)
def test_irv_refuses_malformed_ballots(ballot):
    with pytest.raises(InvalidBallot):
        irv(["a", "b"], [(ballot, 1)])


def test_refuses_negative_weights():
    with pytest.raises(InvalidBallot):
        irv(["a", "b"], [((0,), -1)])


def test_stv_droop_quota():
    assert droop_quota(100, 1) == 51
    assert droop_quota(20, 3) == 6
    assert droop_quota(43942, 4) == 8789


def test_stv_wikipedia_food_example():
    # Wikipedia, "Single transferable vote", the party-food example: 20 voters, 3 seats,
    # Droop quota 6; elected: Chocolate, Oranges, Strawberries.
    Or, P, Ch, S, B = range(5)
    options = ["Oranges", "Pears", "Chocolate", "Strawberries", "Hamburgers"]
    ballots = [((Or,), 4), ((P, Or), 2), ((Ch, S), 8), ((Ch, B), 4), ((S,), 1), ((B,), 1)]
    result = stv(options, ballots, 3)
    assert result.details["quota"] == 6
    assert result.winners == [Ch, Or, S]
    first = result.details["rounds"][0]
    assert first["elected"] == ["Chocolate"]
    assert first["transfer"]["kind"] == "surplus"
    assert first["transfer"]["value"] == 0.5
    assert first["transfer"]["to"] == {"Strawberries": 4.0, "Hamburgers": 2.0}
    assert result.details["rounds"][1]["eliminated"] == "Pears"


def test_stv_one_seat_equals_irv_on_tennessee():
    assert stv(TENNESSEE, TENNESSEE_BALLOTS, 1).winners == [K]


def test_stv_fills_remaining_seats_with_the_continuing_candidates():
    result = stv(["a", "b", "c"], [((0,), 5), ((1,), 1)], 3)
    assert sorted(result.winners) == [0, 1, 2]


@pytest.mark.parametrize("seats", [0, -1, "2", 1.5])
def test_stv_refuses_bad_seats(seats):
    with pytest.raises(InvalidRules):
        registry.count("stv", ["a"], [], rules={"seats": seats})


rankings = st.lists(
    st.tuples(st.permutations(range(5)).map(lambda p: p[:3]), st.integers(1, 5)),
    max_size=30,
)


@settings(max_examples=100, deadline=None)
@given(rankings, st.integers(1, 4), st.integers(0, 1000))
def test_stv_properties(ballots, seats, seed):
    options = list("abcde")
    result = stv(options, ballots, seats, seed)
    assert len(result.winners) == seats
    assert len(set(result.winners)) == seats
    assert sorted(result.order) == list(range(5))
    assert result.order[:seats] == result.winners
    valid = sum(w for _b, w in ballots)
    for round_ in result.details["rounds"]:
        held = sum(round_["counts"].values()) + sum(round_["elected_holding"].values())
        assert held + round_["exhausted"] == pytest.approx(valid, abs=1e-4)
    assert stv(options, ballots, seats, seed).as_dict() == result.as_dict()


@settings(max_examples=100, deadline=None)
@given(rankings, st.integers(0, 1000))
def test_irv_winner_has_a_majority_of_the_final_round(ballots, seed):
    result = irv(list("abcde"), ballots, seed)
    last = result.details["rounds"][-1]
    winner = result.options[result.winners[0]]
    assert last["elected"] == winner
    assert last["counts"][winner] * 2 > last["continuing"] or len(last["counts"]) == 1


IRISH = {
    "00001-00000001.soi": (
        4,
        {"Trevor Sargent G.P.", "Jim Glennon F.F.", "Sean Ryan Lab", "G.V. Wright F.F."},
    ),
    "00001-00000002.soi": (3, {"Joe Higgins S.P.", "Brian Lenihan F.F.", "Joan Burton Lab"}),
    "00001-00000003.soi": (
        5,
        {
            "John Bruton F.G.",
            "Mary Wallace F.F.",
            "Johnny Brady F.F.",
            "Damien English F.G.",
            "Noel Dempsey F.F.",
        },
    ),
}


@pytest.mark.parametrize("name", sorted(IRISH))
def test_stv_reproduces_the_2002_irish_results(name):
    from app.facilitation.voting.formats import read_preflib

    seats, expected = IRISH[name]
    election = read_preflib(data_dir() / "preflib" / name)
    result = stv(election.options, election.ballots, seats)
    assert {election.options[i] for i in result.winners} == expected
    assert result.valid == int(election.metadata["NUMBER VOTERS"])


def test_cli_tally_irv_text_and_json(tmp_path, capsys):
    from app.facilitation.voting.formats import write_preflib

    path = tmp_path / "tennessee.soc"
    write_preflib(path, TENNESSEE, TENNESSEE_BALLOTS, "soc")
    assert cli.main(["--lang", "en", "tally", "--method", "irv", str(path), "--seed", "5"]) == 0
    out = capsys.readouterr().out
    assert "Winner: Knoxville" in out
    assert "Round 1:" in out and "Seed: 5" in out
    assert (
        cli.main(["--lang", "en", "tally", "--method", "irv", str(path), "--json", "--seed", "5"])
        == 0
    )
    document = json.loads(capsys.readouterr().out)
    assert document["winner_names"] == ["Knoxville"]
    assert document["seed"] == 5
    assert document["method"] == "irv"


def test_cli_tally_stv_seats(tmp_path, capsys):
    from app.facilitation.voting.formats import write_preflib

    path = tmp_path / "food.soi"
    write_preflib(path, ["a", "b", "c"], [((0, 1), 5), ((1,), 4), ((2,), 3)], "soi")
    assert (
        cli.main(["--lang", "en", "tally", "--method", "stv", "--seats", "2", str(path), "--json"])
        == 0
    )
    document = json.loads(capsys.readouterr().out)
    assert len(document["winners"]) == 2
    assert document["details"]["quota"] == 5


def test_cli_tally_refusals(tmp_path, capsys):
    path = tmp_path / "x.soc"
    path.write_text("# ALTERNATIVE NAME 1: a\n1: 1\n", encoding="utf-8")
    assert cli.main(["--lang", "en", "tally", "--method", "nope", str(path)]) == 1
    assert cli.main(["--lang", "en", "tally", "--method", "mes", str(path)]) == 1
    assert cli.main(["--lang", "en", "tally", "--method", "stv", "--seats", "0", str(path)]) == 1
    assert (
        cli.main(["--lang", "en", "tally", "--method", "irv", str(tmp_path / "missing.soc")]) == 1
    )
    assert cli.main(["--lang", "en", "tally", "--method", "irv", str(tmp_path / "file.txt")]) == 1
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line]
    assert len(lines) == 5
    assert all(line.startswith("atelier: ") for line in lines)
    with pytest.raises(SystemExit) as usage:
        cli.main(["--lang", "en", "tally", str(path)])
    assert usage.value.code == 2
