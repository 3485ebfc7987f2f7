"""Ballot files in and out of a workspace vote (PrefLib, pabulib), from the domain and the CLI."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.cli import main
from app.errors import AtelierError, Cancelled
from app.facilitation import vote_files
from app.facilitation import votes as V
from app.facilitation.voting import formats
from app.jobs import CancelToken
from app.models import AuditEvent, Ballot
from app.models import Session as WorkshopSession

NAMES = ["Les arbres", "Une fontaine", "Des bancs", "Un kiosque"]
RANKINGS = [
    ((frozenset({0}), frozenset({1}), frozenset({2})), 6),
    ((frozenset({1}), frozenset({0})), 3),
    ((frozenset({2}), frozenset({1}), frozenset({0}), frozenset({3})), 2),
]


def _session_id(ws) -> uuid.UUID:
    with ws.session() as s:
        return s.scalars(select(WorkshopSession.id).order_by(WorkshopSession.starts_at)).first()


def _open_vote(ws, method: str, names=NAMES, costs=None, rules=None) -> uuid.UUID:
    costs = costs or [None] * len(names)
    data = V.VoteData(
        question="Aménager la place",
        method=method,
        options=[V.OptionData(n, cost=c) for n, c in zip(names, costs, strict=True)],
        rules=rules or {},
        eligibility="open",
    )
    with ws.session() as s:
        vote_id = V.create_vote(s, _session_id(ws), data)
        V.open_vote(s, vote_id)
    return vote_id


def _ballot_rows(ws, vote_id) -> int:
    with ws.session() as s:
        return s.scalar(select(func.count()).select_from(Ballot).where(Ballot.vote_id == vote_id))


def test_a_preflib_file_is_imported_counted_and_written_back(demo, tmp_path) -> None:
    source = tmp_path / "place.soi"
    # The file lists the options in another order and another case: matched by title.
    formats.write_preflib(source, [n.upper() for n in NAMES], RANKINGS, "soi")
    vote_id = _open_vote(demo, "schulze")
    with demo.session() as s:
        assert vote_files.import_ballots(s, vote_id, source) == 11
        assert V.ballot_counts(s, vote_id).valid == 11
        kinds = s.scalars(select(AuditEvent.kind).where(AuditEvent.subject_id == vote_id)).all()
        assert "vote.ballots_imported" in kinds
        with pytest.raises(V.VoteError, match="once the vote is closed"):
            vote_files.export_ballots(s, vote_id, tmp_path / "early.soi")
        result = V.close_vote(s, vote_id)
        assert result.winners == [0]
        out = tmp_path / "out.soi"
        assert vote_files.export_ballots(s, vote_id, out) == 11
    back = formats.read_preflib(out)
    assert back.options == NAMES
    assert sorted(back.ballots, key=lambda b: -b[1]) == RANKINGS


def test_a_refused_file_imports_nothing(demo, tmp_path) -> None:
    vote_id = _open_vote(demo, "irv")
    stranger = tmp_path / "other.soc"
    formats.write_preflib(stranger, ["Une piscine", "Les arbres"], [((frozenset({0}),), 1)], "soi")
    budget = tmp_path / "budget.pb"
    formats.write_pabulib(budget, NAMES, [1, 1, 1, 1], 2, [(frozenset({0}), 3)])
    broken = tmp_path / "broken.soi"
    broken.write_text("# DATA TYPE: soi\n# NUMBER ALTERNATIVES: 2\n3: 1,x\n", encoding="utf-8")
    with demo.session() as s:
        with pytest.raises(AtelierError, match="“Une piscine”"):
            vote_files.import_ballots(s, vote_id, stranger)
        with pytest.raises(AtelierError, match="cannot count this file's ballots"):
            vote_files.import_ballots(s, vote_id, budget)
        with pytest.raises(AtelierError, match=r"broken\.soi"):
            vote_files.import_ballots(s, vote_id, broken)
        with pytest.raises(AtelierError, match="unknown file type"):
            vote_files.import_ballots(s, vote_id, tmp_path / "notes.txt")
    assert _ballot_rows(demo, vote_id) == 0


def test_a_ballot_the_rules_refuse_stops_the_whole_file(demo, tmp_path) -> None:
    # Approval with at most 2 approvals: one ballot of the file approves 3.
    vote_id = _open_vote(demo, "approval", rules={"max_approvals": 2})
    path = tmp_path / "votes.pb"
    formats.write_pabulib(
        path, NAMES, [1, 1, 1, 1], 4, [(frozenset({0}), 40), (frozenset({0, 1, 2}), 1)]
    )
    with demo.session() as s, pytest.raises(AtelierError):
        vote_files.import_ballots(s, vote_id, path)
    assert _ballot_rows(demo, vote_id) == 0


def test_cancelling_an_import_keeps_nothing(demo, tmp_path) -> None:
    vote_id = _open_vote(demo, "borda")
    path = tmp_path / "place.soi"
    formats.write_preflib(path, NAMES, RANKINGS, "soi")
    token = CancelToken()
    token.cancel()
    with demo.session() as s, pytest.raises(Cancelled):
        vote_files.import_ballots(s, vote_id, path, cancel=token)
    assert _ballot_rows(demo, vote_id) == 0


def test_a_participatory_budget_goes_out_as_pabulib_with_its_costs(demo, tmp_path) -> None:
    costs = [40000, 25000, 12500.5, 8000]
    vote_id = _open_vote(demo, "mes", costs=costs, rules={"budget": 60000})
    with demo.session() as s:
        V.cast_ballot(s, vote_id, frozenset({0, 2}), weight=4)
        V.cast_ballot(s, vote_id, frozenset({1}), weight=3)
        V.cast_ballot(s, vote_id, None, status="blank")
        V.close_vote(s, vote_id)
        path = tmp_path / "budget.pb"
        assert vote_files.export_ballots(s, vote_id, path) == 7
        with pytest.raises(AtelierError, match="Only rankings"):
            vote_files.export_ballots(s, vote_id, tmp_path / "budget.soi")
    back = formats.read_pabulib(path)
    assert back.options == NAMES
    assert back.costs == costs and back.budget == 60000
    assert sorted((sorted(b), w) for b, w in back.ballots) == [([0, 2], 4), ([1], 3)]


def test_vote_data_from_a_pabulib_file(tmp_path) -> None:
    path = tmp_path / "budget.pb"
    formats.write_pabulib(path, NAMES, [3, 2, 2, 1], 5, [(frozenset({0}), 1)])
    data, ballots = vote_files.vote_data_from_file(path, "pb_greedy", "Budget 2027")
    assert data.question == "Budget 2027" and data.rules == {"budget": 5}
    assert [(o.title, o.cost) for o in data.options] == list(zip(NAMES, [3, 2, 2, 1], strict=True))
    assert ballots.kind == "approval"
    with pytest.raises(AtelierError, match="cannot count"):
        vote_files.vote_data_from_file(path, "schulze")


def run_json(capsys, *argv) -> dict:
    assert main(["--lang", "en", *argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


@pytest.mark.sqlite_only(reason="drives the CLI on a workspace file")
def test_the_cli_round_trip(demo, tmp_path, capsys) -> None:
    ws_path = str(demo.path)
    session = str(_session_id(demo))
    demo.close(backup=False)
    source = tmp_path / "delegates.soi"
    formats.write_preflib(source, NAMES, RANKINGS, "soi")
    created = run_json(
        capsys, "vote", "create", ws_path, "--session", session, "--method", "stv",
        "--from-file", str(source), "--rules", '{"seats": 2}', "--question", "Délégués",
    )  # fmt: skip
    vote = created["vote"]
    run_json(capsys, "vote", "open", ws_path, vote)
    assert run_json(capsys, "vote", "import-ballots", ws_path, vote, str(source)) == {
        "vote": vote,
        "imported": 11,
    }
    listed = run_json(capsys, "vote", "list", ws_path)
    assert [(v["question"], v["status"], v["valid"]) for v in listed] == [("Délégués", "open", 11)]
    result = run_json(capsys, "vote", "close", ws_path, vote)
    assert len(result["winners"]) == 2
    out = tmp_path / "out.soi"
    run_json(capsys, "vote", "export-ballots", ws_path, vote, str(out))
    again = run_json(capsys, "tally", "--method", "stv", "--seats", "2", str(out))
    assert again["winner_names"] == result["winner_names"]
    # A second import into a closed vote is refused, with the reason.
    assert main(["--lang", "en", "vote", "import-ballots", ws_path, vote, str(source)]) != 0
    assert "not open" in capsys.readouterr().err


def test_options_and_question_are_both_needed_without_a_file(demo, capsys) -> None:
    ws_path = str(demo.path)
    session = str(_session_id(demo))
    demo.close(backup=False)
    code = main(["--lang", "en", "vote", "create", ws_path, "--session", session,
                 "--method", "approval", "--question", "Sans options"])  # fmt: skip
    assert code != 0
    assert "--option" in capsys.readouterr().err


def test_files_in_the_shared_data_round_trip(demo, tmp_path) -> None:
    data = Path(__file__).resolve().parents[2] / "shared" / "data" / "voting" / "pabulib"
    path = data / "Poland_Swiecie_2023.pb"
    if not path.exists():
        pytest.skip("the shared public data are not on this machine")
    vote_data, _ballots = vote_files.vote_data_from_file(path, "mes")
    with demo.session() as s:
        vote_id = V.create_vote(s, _session_id(demo), vote_data)
        V.open_vote(s, vote_id)
        count = vote_files.import_ballots(s, vote_id, path)
        result = V.close_vote(s, vote_id)
    election = formats.read_pabulib(path)
    assert count == sum(w for _b, w in election.ballots)
    assert set(result.winners) == election.selected
