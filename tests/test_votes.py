"""A vote's life cycle on a real workspace: drafting, ballots, secrecy, closing, audit."""

from __future__ import annotations

import sqlite3
import uuid

import pytest
from sqlalchemy import select

from app.facilitation import audit
from app.facilitation import votes as V
from app.facilitation.voting.base import InvalidBallot
from app.models import Attendance, Ballot, Participant
from app.models import Session as WorkshopSession


def _session_and_people(ws) -> tuple[uuid.UUID, list[uuid.UUID]]:
    """The demo's second session (41 people signed in) and its attendees."""
    with ws.session() as s:
        second = s.scalars(select(WorkshopSession).order_by(WorkshopSession.starts_at)).all()[1]
        people = s.scalars(
            select(Attendance.participant_id).where(Attendance.session_id == second.id)
        ).all()
    return second.id, list(people)


def _approval_vote(ws, session_id, secret=True) -> uuid.UUID:
    data = V.VoteData(
        question="Quels aménagements pour la place ?",
        method="approval",
        options=[V.OptionData("Bancs"), V.OptionData("Arbres"), V.OptionData("Fontaine")],
        secret=secret,
    )
    with ws.session() as s:
        return V.create_vote(s, session_id, data)


def test_life_cycle_with_blank_and_spoiled_ballots(demo) -> None:
    session_id, people = _session_and_people(demo)
    vote_id = _approval_vote(demo, session_id)
    with demo.session() as s:
        with pytest.raises(V.VoteError, match="not open"):
            V.cast_ballot(s, vote_id, frozenset({0}))
        seed = V.open_vote(s, vote_id)
        V.cast_ballot(s, vote_id, frozenset({0, 1}), voter_id=people[0])
        V.cast_ballot(s, vote_id, frozenset({1}), voter_id=people[1])
        V.cast_ballot(s, vote_id, frozenset({1, 2}), voter_id=people[2])
        V.cast_ballot(s, vote_id, None, voter_id=people[3], status="blank")
        V.cast_ballot(s, vote_id, None, voter_id=people[4], status="spoiled")
        counts = V.ballot_counts(s, vote_id)
        assert (counts.valid, counts.blank, counts.spoiled, counts.voters_marked) == (3, 1, 1, 5)
        result = V.close_vote(s, vote_id)
        assert result.winners == [1]  # Arbres: 3 approvals
        assert (result.valid, result.blank, result.spoiled) == (3, 1, 1)
        with pytest.raises(V.VoteError, match="not open"):
            V.cast_ballot(s, vote_id, frozenset({2}))
        assert V.verify_ballots(s, vote_id)
        frozen = V.frozen_result(s, vote_id)
        assert frozen["winner_names"] == ["Arbres"]
        V.publish_vote(s, vote_id)
        chain = audit.verify(s)
        assert chain.ok and chain.events == 3
    assert seed > 0


def test_no_double_voting_and_only_eligible_people(demo) -> None:
    session_id, people = _session_and_people(demo)
    vote_id = _approval_vote(demo, session_id)
    with demo.session() as s:
        V.open_vote(s, vote_id)
        V.cast_ballot(s, vote_id, frozenset({0}), voter_id=people[0])
        with pytest.raises(V.VoteError, match="already voted"):
            V.cast_ballot(s, vote_id, frozenset({1}), voter_id=people[0])
        absent = s.scalars(select(Participant.id).where(Participant.id.not_in(people))).first()
        with pytest.raises(V.VoteError, match="not on the list"):
            V.cast_ballot(s, vote_id, frozenset({1}), voter_id=absent)
        assert V.ballot_counts(s, vote_id).valid == 1


def test_an_invalid_ballot_is_refused_and_nothing_is_saved(demo) -> None:
    session_id, people = _session_and_people(demo)
    vote_id = _approval_vote(demo, session_id)
    with demo.session() as s:
        V.open_vote(s, vote_id)
        with pytest.raises(InvalidBallot):
            V.cast_ballot(s, vote_id, frozenset({7}), voter_id=people[0])
    with demo.session() as s:
        counts = V.ballot_counts(s, vote_id)
        assert (counts.valid, counts.voters_marked) == (0, 0)
        assert not V.has_voted(s, vote_id, people[0])


@pytest.mark.sqlite_only(
    reason="reads the storage order of the workspace file (PostgreSQL: see test_postgres.py)"
)
def test_the_order_of_voting_cannot_be_read_back_from_a_secret_vote(demo, demo_path) -> None:
    """Ballots of a secret vote carry no voter, no time, and no row number: the storage order
    is that of random keys, so who voted in which order says nothing about who voted what."""
    session_id, people = _session_and_people(demo)
    vote_id = _approval_vote(demo, session_id, secret=True)
    voted = people[:12]
    with demo.session() as s:
        V.open_vote(s, vote_id)
        for i, person in enumerate(voted):  # voter i approves option i % 3 only
            V.cast_ballot(s, vote_id, frozenset({i % 3}), voter_id=person)
    with demo.session() as s:
        rows = s.execute(select(Ballot).where(Ballot.vote_id == vote_id)).scalars().all()
        assert all(r.participant_id is None for r in rows)
        columns = set(Ballot.__table__.columns.keys())
    assert not {"created_at", "updated_at", "cast_at"} & columns
    demo.close(backup=False)
    con = sqlite3.connect(demo_path)
    with pytest.raises(sqlite3.OperationalError):
        con.execute("SELECT rowid FROM ballot").fetchall()
    stored = [
        row[0]
        for row in con.execute(
            "SELECT content FROM ballot WHERE vote_id = ?", (vote_id.hex,)
        ).fetchall()
    ]
    con.close()
    cast_order = [f"[{i % 3}]" for i in range(len(voted))]
    # Stored in the order of random keys, not of casting (the chance of a match is 1 in
    # 12!/(4!·4!·4!) ≈ 1/34,650 for this pattern).
    assert sorted(stored) == sorted(cast_order)
    assert stored != cast_order


def test_a_named_vote_keeps_who_voted_what(demo) -> None:
    session_id, people = _session_and_people(demo)
    vote_id = _approval_vote(demo, session_id, secret=False)
    with demo.session() as s:
        V.open_vote(s, vote_id)
        V.cast_ballot(s, vote_id, frozenset({2}), voter_id=people[0])
        row = s.scalars(select(Ballot).where(Ballot.vote_id == vote_id)).one()
        assert row.participant_id == people[0]


def test_counts_typed_in_as_weights(demo) -> None:
    session_id, _people = _session_and_people(demo)
    data = V.VoteData(
        question="Gommettes",
        method="approval",
        options=[V.OptionData("A"), V.OptionData("B")],
        eligibility="open",
    )
    with demo.session() as s:
        vote_id = V.create_vote(s, session_id, data)
        V.open_vote(s, vote_id)
        V.cast_ballot(s, vote_id, frozenset({0}), entry="count", weight=17)
        V.cast_ballot(s, vote_id, frozenset({1}), entry="count", weight=23)
        result = V.close_vote(s, vote_id)
    assert result.winners == [1]
    assert result.scores[1] == 23 and result.valid == 40


def test_drafts_are_checked_and_only_drafts_deleted(demo) -> None:
    session_id, _people = _session_and_people(demo)
    with demo.session() as s:
        with pytest.raises(V.VoteError, match="question"):
            V.create_vote(s, session_id, V.VoteData(" ", "approval", [V.OptionData("A")]))
        with pytest.raises(Exception, match="Unknown voting method"):
            V.create_vote(s, session_id, V.VoteData("Q", "loterie", [V.OptionData("A")]))
    vote_id = _approval_vote(demo, session_id)
    with demo.session() as s:
        V.open_vote(s, vote_id)
        with pytest.raises(V.VoteError, match="draft"):
            V.delete_draft(s, vote_id)


def test_the_vote_commands(demo_path, capsys) -> None:
    import json as jsonlib

    from app.cli import main

    def run(*argv):
        code = main(["--lang", "en", *argv])
        out, err = capsys.readouterr()
        return code, out, err

    code, out, _err = run(
        "vote", "create", str(demo_path), "--session", "atelier 2", "--question", "Priorité ?",
        "--method", "approval", "--option", "Bancs", "--option", "Arbres", "--json",
    )  # fmt: skip
    assert code == 0
    vote = jsonlib.loads(out)["vote"]
    assert run("vote", "open", str(demo_path), vote)[0] == 0
    from app import store

    with store.open_workspace(demo_path, read_only=True) as ws, ws.session() as s:
        _session_id, people = _session_and_people(ws)  # signed in: they may vote
        codes = [s.get(Participant, p).code for p in people[:3]]
    for code_, ballot in zip(codes, ("[1]", "[0, 1]", "[1]"), strict=True):
        assert (
            run("vote", "cast", str(demo_path), vote, "--ballot", ballot, "--voter", code_)[0] == 0
        )
    code, _out, err = run(
        "vote", "cast", str(demo_path), vote, "--ballot", "[0]", "--voter", codes[0]
    )
    assert code == 1 and "already voted" in err
    code, _out, err = run("vote", "cast", str(demo_path), vote, "--ballot", "[9]")
    assert code == 1 and err.count("\n") == 1
    assert run("vote", "cast", str(demo_path), vote, "--blank")[0] == 0
    code, out, _err = run("vote", "close", str(demo_path), vote, "--json")
    result = jsonlib.loads(out)
    assert result["winner_names"] == ["Arbres"] and result["blank"] == 1
    code, out, _err = run("vote", "tally", str(demo_path), vote)
    assert code == 0 and "Arbres" in out
    code, _out, err = run("vote", "open", str(demo_path), str(uuid.uuid4()))
    assert code == 1 and "no longer exists" in err


def test_vote_info_and_list(demo) -> None:
    session_id, people = _session_and_people(demo)
    vote_id = _approval_vote(demo, session_id)
    with demo.session() as s:
        V.open_vote(s, vote_id)
        V.cast_ballot(s, vote_id, frozenset({1}), voter_id=people[0])
        info = V.vote_info(s, vote_id)
        listed = V.list_votes(s, session_id)
    assert info.status == "open" and info.ballot == "approval" and info.counts.valid == 1
    assert [o.title for o in info.options] == ["Bancs", "Arbres", "Fontaine"]
    assert [v.id for v in listed] == [vote_id]
    assert ("approval", "Approval voting") in V.method_choices()


def test_a_budget_vote_takes_its_costs_from_the_options(demo) -> None:
    session_id, people = _session_and_people(demo)
    data = V.VoteData(
        question="Budget participatif 2027",
        method="mes",
        options=[V.OptionData("Aire de jeux", cost=30000), V.OptionData("Bancs", cost=5000)],
        rules={"budget": 32000},
    )
    with demo.session() as s:
        vote_id = V.create_vote(s, session_id, data)
        V.open_vote(s, vote_id)
        for person in people[:4]:
            V.cast_ballot(s, vote_id, frozenset({0, 1}), voter_id=person)
        result = V.close_vote(s, vote_id)
    # Both cannot fit (35,000 > 32,000); the cheaper one, approved by the same people, is
    # funded first, and the playground no longer fits. Without the costs, no ballot could
    # even be cast.
    assert result.winners == [1]
