"""Two laptops on one store at once, driven as two real OS processes.

* Entering ballots into the same vote: every confirmed ballot is counted exactly once, a
  voter marked on both laptops votes once, the tally matches the confirmed ballots, and the
  audit chain (both laptops also open and close votes of their own) still verifies.
* Editing the same participant: one save wins, the other gets :class:`EditConflict` with
  both versions; saving again keeps it too. No update is lost.

On PostgreSQL (the shared store of a municipality) and on one SQLite file. The app itself
never lets two programs open one workspace file (an instance lock); the SQLite case opens
engines directly to show the facilitation layer stays correct even then, a refused write
("database is locked") being retried as a facilitator would press OK again.
"""

from __future__ import annotations

import multiprocessing
import time
import traceback
import uuid
from collections import Counter
from functools import partial
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from app import store
from app.facilitation import audit
from app.facilitation import votes as V
from app.models import Ballot, Participant, VoterMark
from app.models import Session as WorkshopSession

BALLOTS_PER_LAPTOP = 30  # anonymous ballots each laptop enters
MARKED_VOTERS = 20  # people both laptops try to mark: each must vote once
OWN_VOTES = 3  # votes each laptop opens and closes meanwhile (audit chain appends)
START_TIMEOUT_S = 120


# --------------------------------------------------------------------------- the laptops


def _open(target: str) -> store.Store:
    from app import i18n

    i18n.set_language("en")  # a spawned process starts in the machine's language
    if target.startswith("postgresql"):
        return store.open_url(target)
    # Past the app's instance lock, on purpose: two writers on one file.
    return store.Store(store._sqlite_engine(Path(target)), path=Path(target), backup_count=0)


def _retrying(action):
    """Run ``action()``; a write SQLite refused because the other laptop was writing is
    tried again (on PostgreSQL writers wait for each other instead)."""
    for _attempt in range(200):
        try:
            return action()
        except OperationalError as exc:
            if "locked" not in str(exc):
                raise
            time.sleep(0.01)
    raise RuntimeError("the store stayed locked")


def _approval(question: str, eligibility: str = "open") -> V.VoteData:
    return V.VoteData(
        question=question,
        method="approval",
        options=[V.OptionData("Bancs"), V.OptionData("Arbres"), V.OptionData("Fontaine")],
        eligibility=eligibility,
    )


def own_vote(ws, session_id, laptop: int, n: int) -> None:
    """A vote of this laptop's own, opened and closed: two links of the audit chain.
    Each step is one confirmed action, tried again on its own if refused."""

    def step(action, *args):
        def run():
            with ws.session() as s:
                return action(s, *args)

        return _retrying(run)

    own_id = step(V.create_vote, session_id, _approval(f"Laptop {laptop} #{n}"))
    step(V.open_vote, own_id)
    step(V.cast_ballot, own_id, frozenset({0}))
    step(V.close_vote, own_id)


def enter_ballots(target, vote_id, session_id, voters, laptop, start, results) -> None:
    """One laptop: anonymous ballots, marked voters, and votes of its own opened and closed."""
    try:
        ws = _open(target)
        confirmed: list[list[int]] = []
        marked: list[str] = []
        refused: list[str] = []
        own_votes = 0
        start.wait(START_TIMEOUT_S)
        order = voters if laptop == 0 else list(reversed(voters))
        for i in range(BALLOTS_PER_LAPTOP + len(order)):
            voter = order[i // 2] if i % 2 and i // 2 < len(order) else None
            choice = frozenset({(i + laptop) % 3, (i * 7 + laptop) % 3})

            def cast(voter=voter, choice=choice):
                with ws.session() as s:
                    return V.cast_ballot(s, vote_id, choice, voter_id=voter)

            try:
                _retrying(cast)
            except V.VoteError as exc:
                assert voter is not None and "already voted" in str(exc), str(exc)
                refused.append(str(voter))
                continue
            confirmed.append(sorted(choice))
            if voter is not None:
                marked.append(str(voter))
            if i % 10 == 9 and own_votes < OWN_VOTES:
                own_votes += 1
                own_vote(ws, session_id, laptop, own_votes)
        while own_votes < OWN_VOTES:
            own_votes += 1
            own_vote(ws, session_id, laptop, own_votes)
        ws.close(backup=False)
        results.put(("ok", laptop, confirmed, marked, refused))
    except BaseException:
        results.put(("error", laptop, traceback.format_exc()))


def enter_or_close(target, vote_id, laptop, start, results) -> None:
    """Laptop 0 enters ballots until the vote is closed; laptop 1 closes it meanwhile."""
    try:
        ws = _open(target)
        start.wait(START_TIMEOUT_S)
        if laptop == 0:
            confirmed = 0
            while confirmed < 10_000:

                def cast(option=confirmed % 3):
                    with ws.session() as s:
                        return V.cast_ballot(s, vote_id, frozenset({option}))

                try:
                    _retrying(cast)
                except V.VoteError as exc:
                    assert "not open" in str(exc), str(exc)
                    break
                confirmed += 1
            outcome = confirmed
        else:
            while True:  # let some ballots in first
                with ws.session() as s:
                    if s.scalar(select(func.count()).where(Ballot.vote_id == vote_id)) >= 20:
                        break
                time.sleep(0.005)

            def close():
                with ws.session() as s:
                    return V.close_vote(s, vote_id).valid

            outcome = _retrying(close)
        ws.close(backup=False)
        results.put(("ok", laptop, outcome))
    except BaseException:
        results.put(("error", laptop, traceback.format_exc()))


def edit_participant(target, participant_id, laptop, start, results) -> None:
    """One laptop: read the participant, wait for the other, save a note."""
    from dataclasses import replace

    from app.facilitation.conflicts import EditConflict
    from app.facilitation.participants import (
        participant_data,
        participant_version,
        update_participant,
    )

    try:
        ws = _open(target)
        with ws.session() as s:
            seen = participant_version(s, participant_id)
            mine = replace(participant_data(s, participant_id), notes=f"note from laptop {laptop}")
        start.wait(START_TIMEOUT_S)

        def save(version):
            with ws.session() as s:
                update_participant(s, participant_id, mine, expected_version=version)

        try:
            _retrying(partial(save, seen))
            outcome = ("saved", seen, None, None)
        except EditConflict as conflict:
            notes = {f.name: f for f in conflict.fields}["notes"]
            assert notes.yours == mine.notes
            # Keep mine: save again over the version now stored.
            stored_version = conflict.stored_version
            _retrying(partial(save, stored_version))
            outcome = ("conflict", conflict.expected_version, stored_version, notes.stored)
        ws.close(backup=False)
        results.put(("ok", laptop, *outcome))
    except BaseException:
        results.put(("error", laptop, traceback.format_exc()))


def run_laptops(target_fn, args_for) -> list[tuple]:
    """Start two processes (spawned: fresh interpreters) that start work together; collect."""
    ctx = multiprocessing.get_context("spawn")
    # Both laptops wait at the barrier once ready (store open, record read): then go at once.
    start, results = ctx.Barrier(2), ctx.Queue()
    laptops = [
        ctx.Process(target=target_fn, args=(*args_for(n), n, start, results)) for n in (0, 1)
    ]
    for p in laptops:
        p.start()
    try:
        out = [results.get(timeout=START_TIMEOUT_S) for _ in laptops]
    finally:
        for p in laptops:
            p.join(timeout=START_TIMEOUT_S)
            if p.is_alive():
                p.kill()
    errors = [r[2] for r in out if r[0] == "error"]
    assert not errors, errors[0]
    return sorted(out, key=lambda r: r[1])


# --------------------------------------------------------------------------- the stores


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.pg)])
def shared(request, tmp_path: Path):
    """(target for the laptops, a store for the test) holding the demo."""
    from app.facilitation.demo import create_demo, populate_demo

    if request.param == "sqlite":
        path = tmp_path / "shared.atelier"
        create_demo(path).close(backup=False)
        ws = store.open_workspace(path, backup_count=0, backup_on_open=False)
        ws._lock.release()  # the laptops open the same file (see the module docstring)
        yield str(path), ws
        ws.close(backup=False)
    else:
        ws = request.getfixturevalue("pg_store")(populate_demo)
        yield ws.engine.url.render_as_string(hide_password=False), ws


def test_two_laptops_enter_ballots_into_the_same_vote(shared) -> None:
    target, ws = shared
    with ws.session() as s:
        session_id = s.scalars(
            select(WorkshopSession.id).order_by(WorkshopSession.starts_at, WorkshopSession.id)
        ).first()
        voters = [str(p) for p in s.scalars(select(Participant.id).order_by(Participant.code))]
        voters = [uuid.UUID(v) for v in voters[:MARKED_VOTERS]]
        vote_id = V.create_vote(s, session_id, _approval("Quels aménagements ?"))
        V.open_vote(s, vote_id)

    out = run_laptops(enter_ballots, lambda n: (target, vote_id, session_id, voters))

    confirmed = [ballot for r in out for ballot in r[2]]
    marked = [voter for r in out for voter in r[3]]
    refused = [voter for r in out for voter in r[4]]
    # Each person voted once, on one laptop or the other; the other laptop was refused.
    assert sorted(marked) == sorted(str(v) for v in voters)
    assert sorted(refused) == sorted(str(v) for v in voters)
    assert len(confirmed) == 2 * BALLOTS_PER_LAPTOP + MARKED_VOTERS
    with ws.session() as s:
        stored = s.scalar(select(func.count()).where(Ballot.vote_id == vote_id))
        marks = s.scalar(select(func.count()).where(VoterMark.vote_id == vote_id))
        assert (stored, marks) == (len(confirmed), MARKED_VOTERS)
        result = V.close_vote(s, vote_id)
        approvals = Counter(option for ballot in confirmed for option in ballot)
        assert result.valid == len(confirmed)
        assert {i: int(result.scores[i]) for i in range(3)} == {i: approvals[i] for i in range(3)}
        assert V.verify_ballots(s, vote_id)
        chain = audit.verify(s)
    # Opened and closed: the shared vote, and OWN_VOTES on each laptop.
    assert chain.ok, chain
    assert chain.events == 2 + 2 * 2 * OWN_VOTES


def test_a_vote_closed_while_the_other_laptop_enters_ballots(shared) -> None:
    """Every ballot confirmed before the close is in the result; every one after is
    refused; none is stored without being counted."""
    target, ws = shared
    with ws.session() as s:
        session_id = s.scalars(
            select(WorkshopSession.id).order_by(WorkshopSession.starts_at, WorkshopSession.id)
        ).first()
        vote_id = V.create_vote(s, session_id, _approval("Quelle couleur pour les bancs ?"))
        V.open_vote(s, vote_id)

    entered, closed = run_laptops(enter_or_close, lambda n: (target, vote_id))
    confirmed, counted = entered[2], closed[2]
    assert confirmed >= 20
    assert counted == confirmed
    with ws.session() as s:
        assert s.scalar(select(func.count()).where(Ballot.vote_id == vote_id)) == confirmed
        assert V.verify_ballots(s, vote_id)
        assert audit.verify(s).ok


def test_two_laptops_save_the_same_participant(shared) -> None:
    from app.facilitation.participants import participant_data, participant_version

    target, ws = shared
    with ws.session() as s:
        pid = s.scalars(select(Participant.id).order_by(Participant.code)).first()
        before = participant_version(s, pid)

    out = run_laptops(edit_participant, lambda n: (target, pid))

    outcomes = sorted(r[2] for r in out)
    assert outcomes == ["conflict", "saved"]
    winner = next(r for r in out if r[2] == "saved")
    loser = next(r for r in out if r[2] == "conflict")
    # The loser was shown the winner's note, then kept theirs: both saves happened, in turn.
    assert (loser[3], loser[4]) == (before, before + 1)
    assert loser[5] == f"note from laptop {winner[1]}"
    with ws.session() as s:
        assert participant_data(s, pid).notes == f"note from laptop {loser[1]}"
        assert participant_version(s, pid) == before + 2
