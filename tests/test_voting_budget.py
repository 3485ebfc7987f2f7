"""Participatory budgeting: greedy and the Method of Equal Shares, checked on city data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app import cli
from app.facilitation.voting import budget, registry
from app.facilitation.voting.base import InvalidBallot, InvalidRules, TieBreaker


def data_dir() -> Path:
    for base in (
        Path(__file__).resolve().parents[2] / "shared" / "data",
        Path("/work/shared/data"),
    ):
        if (base / "voting").is_dir():
            return base / "voting"
    pytest.skip("the shared data folder is absent")


def pb(method, options, ballots, budget_, costs, seed=1, **rules):
    return registry.count(
        method,
        options,
        ballots,
        rules={"budget": budget_, "costs": costs, **rules},
        tiebreak=TieBreaker(seed=seed),
    )


def test_greedy_skips_projects_that_do_not_fit():
    options = ["park", "bridge", "bench", "mural"]
    ballots = [(frozenset({0, 1}), 5), (frozenset({1, 2}), 3), (frozenset({3}), 1)]
    result = pb("pb_greedy", options, ballots, 100, [40, 80, 30, 20])
    # bridge (8 approvals, 80) first; park (5) no longer fits; bench (3) neither; mural fits.
    assert result.winners == [1, 3]
    assert result.details["spent"] == 100 and result.details["left"] == 0
    assert result.scores == {0: 5, 1: 8, 2: 3, 3: 1}
    assert [row["project"] for row in result.details["funded"]] == ["bridge", "mural"]


def test_greedy_ties_are_settled_by_the_tiebreaker():
    ballots = [(frozenset({0}), 2), (frozenset({1}), 2)]
    funded = set()
    for seed in range(12):
        result = pb("pb_greedy", ["a", "b"], ballots, 10, [10, 10], seed=seed)
        assert len(result.winners) == 1
        assert result.ties and result.ties[0].tied == (0, 1)
        funded.add(result.winners[0])
    assert funded == {0, 1}


def test_mes_is_proportional_where_greedy_is_not():
    # 60 voters want a, b, c; 40 voters want d, e; every project costs 25, the budget is 75.
    options = ["a", "b", "c", "d", "e"]
    ballots = [(frozenset({0, 1, 2}), 60), (frozenset({3, 4}), 40)]
    costs = [25, 25, 25, 25, 25]
    greedy = pb("pb_greedy", options, ballots, 75, costs)
    assert sorted(greedy.winners) == [0, 1, 2]
    mes = pb("mes", options, ballots, 75, costs, completion="none")
    # The 60 pay 25/60 each for one of a, b, c (a tie, settled by the tie-breaker); what
    # they have left (0.75 - 0.4167 each) cannot pay for another; the 40 pay for d or e.
    assert len(mes.winners) == 2 and mes.winners[1] in (3, 4)
    assert mes.winners[0] in (0, 1, 2)
    assert mes.details["rounds"][0]["price_per_voter"] == pytest.approx(25 / 60)
    assert mes.details["rounds"][1]["price_per_voter"] == pytest.approx(25 / 40)
    assert mes.ties and mes.ties[0].tied == (0, 1, 2)


def test_mes_everyone_approving_one_cheap_project_funds_it():
    result = pb("mes", ["cheap", "dear"], [(frozenset({0}), 7)], 100, [1, 1000])
    assert result.winners == [0]
    assert result.details["spent"] == 1


def test_mes_approval_utilities_differ_from_cost_utilities():
    # Cost utilities favour the project whose cost is spread over most supporters; approval
    # utilities the one with the lowest price per supporter.
    options = ["big", "small"]
    ballots = [(frozenset({0}), 10), (frozenset({1}), 3)]
    costs = [100, 10]
    # 13 voters, budget 130: 10 each. "big" costs 10 per supporter (10 effective supporters),
    # "small" 3.33 per supporter (3 effective supporters).
    cost_u = pb("mes", options, ballots, 130, costs, completion="none")
    approval_u = pb("mes", options, ballots, 130, costs, completion="none", utility="approval")
    assert cost_u.details["rounds"][0]["project"] == "big"
    assert approval_u.details["rounds"][0]["project"] == "small"


@pytest.mark.parametrize(
    "rules",
    [
        {"budget": 0, "costs": [1]},
        {"budget": "10", "costs": [1]},
        {"budget": 10, "costs": []},
        {"budget": 10, "costs": [0]},
        {"budget": 10, "costs": [1], "completion": "later"},
        {"budget": 10, "costs": [1], "utility": "joy"},
    ],
)
def test_refuses_bad_rules(rules):
    with pytest.raises(InvalidRules):
        registry.count("mes", ["a"], [], rules=rules)


@pytest.mark.parametrize("ballot", [(0,), {0: 1}, frozenset({3})])
def test_refuses_bad_ballots(ballot):
    with pytest.raises(InvalidBallot):
        pb("pb_greedy", ["a"], [(ballot, 1)], 10, [1])


instances = st.integers(1, 8).flatmap(
    lambda n: st.tuples(
        st.just(n),
        st.lists(st.integers(1, 100), min_size=n, max_size=n),
        st.integers(1, 300),
        st.lists(st.tuples(st.frozensets(st.integers(0, n - 1)), st.integers(1, 5)), max_size=20),
    )
)


@settings(max_examples=100, deadline=None)
@given(instances, st.sampled_from(["add1", "add1e", "add1u", "none"]), st.integers(0, 99))
def test_budget_methods_never_overspend(instance, completion, seed):
    n, costs, total, ballots = instance
    options = [f"p{i}" for i in range(n)]
    for method, rules in (("pb_greedy", {}), ("mes", {"completion": completion})):
        result = pb(method, options, ballots, total, costs, seed=seed, **rules)
        spent = sum(costs[c] for c in result.winners)
        assert spent <= total
        assert result.details["spent"] == spent
        assert len(set(result.winners)) == len(result.winners)
        assert sorted(result.order) == list(range(n))
        assert pb(method, options, ballots, total, costs, seed=seed, **rules).as_dict() == (
            result.as_dict()
        )


@settings(max_examples=100, deadline=None)
@given(instances, st.sampled_from(["cost", "approval"]), st.floats(0.01, 500))
def test_mes_shares_never_go_negative_and_pay_for_what_is_funded(instance, utility, share):
    n, costs, total, ballots = instance
    inst = budget._instance([str(i) for i in range(n)], ballots, {"budget": total, "costs": costs})
    run = budget.mes_fixed(inst, share, utility, TieBreaker(seed=1))
    assert all(left >= 0 for left in run.shares_left)
    paid = sum((share - left) * w for left, w in zip(run.shares_left, inst.weights, strict=True))
    assert paid == pytest.approx(sum(inst.costs[c] for c in run.funded), rel=1e-6, abs=1e-6)
    assert all(inst.approvers[c] for c in run.funded)


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 50), st.integers(1, 10), st.integers(2, 6))
def test_mes_unanimous_cheap_project_is_funded(voters, cost, n):
    options = [f"p{i}" for i in range(n)]
    costs = [cost] + [10_000] * (n - 1)
    result = pb("mes", options, [(frozenset({0}), voters)], 5 * cost, costs)
    assert 0 in result.winners


CITIES = {
    "Poland_Swiecie_2023.pb": "mes",
    "Netherlands_Assen_2024.pb": "mes",
    "Poland_Wieliczka_2023_Green_Budget.pb": "mes",
    "Poland_Warszawa_2020_Ursus.pb": "pb_greedy",
}


@pytest.mark.parametrize("name", sorted(CITIES))
def test_reproduces_the_cities_funded_projects(name):
    from app.facilitation.voting.formats import read_pabulib

    election = read_pabulib(data_dir() / "pabulib" / name)
    rules = {}
    if election.meta.get("rule", "").endswith("-comparison"):
        rules["comparison"] = "satisfaction"
    result = pb(
        CITIES[name], election.options, election.ballots, election.budget, election.costs, **rules
    )
    assert set(result.winners) == election.selected


def _write_city(tmp_path):
    from app.facilitation.voting.formats import write_pabulib

    path = tmp_path / "city.pb"
    ballots = [(frozenset({0, 1}), 6), (frozenset({2}), 4)]
    write_pabulib(
        path, ["park", "bench", "library"], [50, 10, 40], 100, ballots, selected={0, 1, 2}
    )
    return path


def test_cli_tally_mes_text_and_json(tmp_path, capsys):
    path = _write_city(tmp_path)
    assert cli.main(["--lang", "en", "tally", "--method", "mes", str(path), "--seed", "2"]) == 0
    out = capsys.readouterr().out
    assert "Funded projects:" in out and "park — cost 50, 6 approvals" in out
    assert "Spent: 100 of 100; left: 0" in out
    assert "Same projects as the file's “selected” column." in out
    assert cli.main(["--lang", "en", "tally", "--method", "pb_greedy", str(path), "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["method"] == "pb_greedy"
    assert document["matches_file_selected"] is True
    assert sorted(document["winner_names"]) == ["bench", "library", "park"]


def test_cli_tally_refuses_rankings_methods_on_approval_files(tmp_path, capsys):
    path = _write_city(tmp_path)
    assert cli.main(["--lang", "en", "tally", "--method", "irv", str(path)]) == 1
    assert capsys.readouterr().err.strip().count("\n") == 0
