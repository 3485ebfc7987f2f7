"""Killed at any moment, the workspace stays sound and keeps every confirmed write.

A child process enters paper ballots and edits participants as fast as it can, printing
``confirmed …`` after each commit returns; it is killed with SIGKILL at a random moment (during
opening too). After each kill the file must pass ``PRAGMA integrity_check`` and hold every
write the child had confirmed.

Why this holds: the workspace runs in WAL mode with ``synchronous = NORMAL``; a commit is in
the WAL (in the OS's file cache) when it returns, and a killed *process* loses nothing the
kernel already has. (A *power cut* may lose the last commits under NORMAL, never the file's
integrity; that is SQLite's documented trade-off and not what this test covers.)

To fit 200+ kills in a few seconds, a "zygote" child imports the app once and forks one
worker per round; the test kills the worker and the zygote reports when it is reaped.
"""

from __future__ import annotations

import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
import uuid
from pathlib import Path

import pytest
from sqlalchemy import select

from app import store
from app.facilitation import votes as V
from app.models import Participant
from app.models import Session as WorkshopSession

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork (POSIX)")

WORKSPACES = 4
KILLS_PER_WORKSPACE = 55  # 220 kills in all
SEED = 20261130

ZYGOTE = textwrap.dedent(
    """
    import dataclasses, os, sys, uuid
    from app import store
    from app.facilitation import participants as P, votes as V
    import app.models, sqlalchemy.orm
    sqlalchemy.orm.configure_mappers()  # done once here, not in every worker

    def say(line):
        os.write(1, (line + "\\n").encode())  # one write per line: whole lines, unbuffered

    def work(path, vote_id, people, start):
        ws = store.open_workspace(path, backup_count=0, backup_on_open=False)
        say("ready")
        n = start
        while True:
            n += 1
            with ws.session() as s:
                if n % 2:
                    choice = frozenset({n % 3, (n // 3) % 3})
                    ballot_id = V.cast_ballot(s, vote_id, choice, entry="paper")
                    say(f"confirmed ballot {ballot_id}")
                else:
                    pid = people[n % len(people)]
                    data = dataclasses.replace(P.participant_data(s, pid), notes=f"edit-{n}")
                    P.update_participant(s, pid, data)
                    say(f"confirmed edit {pid} {n}")

    say("zygote")
    for command in sys.stdin:
        path, vote_id, start, *people = command.split()
        pid = os.fork()
        if pid == 0:
            try:
                work(path, uuid.UUID(vote_id), [uuid.UUID(p) for p in people], int(start))
            finally:
                os._exit(1)
        say(f"pid {pid}")
        _, status = os.waitpid(pid, 0)
        say(f"dead {pid} {status}")
    """
)


def _prepare(path: Path, template: Path) -> tuple[uuid.UUID, list[uuid.UUID]]:
    path.write_bytes(template.read_bytes())
    ws = store.open_workspace(path, backup_count=0, backup_on_open=False)
    with ws.session() as s:
        session_id = s.scalars(
            select(WorkshopSession.id).order_by(WorkshopSession.starts_at)
        ).first()
        people = list(s.scalars(select(Participant.id).order_by(Participant.id).limit(6)))
        data = V.VoteData(
            question="Quels aménagements pour la place ?",
            method="approval",
            options=[V.OptionData("Bancs"), V.OptionData("Arbres"), V.OptionData("Fontaine")],
        )
        vote_id = V.create_vote(s, session_id, data)
        V.open_vote(s, vote_id)
    ws.close(backup=False)
    return vote_id, people


def _check(path: Path, ballots: set[str], edits: dict[str, int]) -> None:
    con = sqlite3.connect(path)
    try:
        assert con.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
        found = {row[0] for row in con.execute("SELECT id FROM ballot")}
        missing = {b for b in ballots if b not in found}
        assert not missing, f"confirmed ballots lost: {sorted(missing)[:3]}"
        for pid, n in edits.items():
            (notes,) = con.execute("SELECT notes FROM participant WHERE id = ?", (pid,)).fetchone()
            # A later edit may have been committed but not yet confirmed: never an older one.
            assert int(notes.removeprefix("edit-")) >= n, (pid, notes, n)
    finally:
        con.close()


@pytest.mark.slow
def test_sigkill_at_random_moments_never_loses_confirmed_work(
    tmp_path: Path, demo_path: Path
) -> None:
    rng = random.Random(SEED)
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    zygote = subprocess.Popen(
        [sys.executable, "-c", ZYGOTE],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        bufsize=1,
        env=env,
        cwd=Path(__file__).resolve().parent.parent,
    )
    kills = confirmed_total = killed_before_ready = 0
    started = time.monotonic()
    try:
        assert zygote.stdout.readline().strip() == "zygote"
        for w in range(WORKSPACES):
            path = tmp_path / f"crash-{w}.atelier"
            vote_id, people = _prepare(path, demo_path)
            ballots: set[str] = set()
            edits: dict[str, int] = {}
            ballot_format = str(uuid.UUID(int=0)).replace("0", ".")
            for round_ in range(KILLS_PER_WORKSPACE):
                start = round_ * 100_000
                ids = " ".join(p.hex for p in people)
                zygote.stdin.write(f"{path} {vote_id} {start} {ids}\n")
                zygote.stdin.flush()
                line = zygote.stdout.readline().split()
                assert line[0] == "pid", line
                worker = int(line[1])
                ready = False
                if rng.random() < 0.75:  # mostly in the middle of the work…
                    assert zygote.stdout.readline().strip() == "ready"
                    ready = True
                time.sleep(rng.uniform(0.0, 0.12))  # …else at any moment from its start
                os.kill(worker, signal.SIGKILL)
                kills += 1
                while True:
                    line = zygote.stdout.readline()
                    assert line, "the zygote died"
                    words = line.split()
                    if words[0] == "dead":
                        assert int(words[2]) & 0x7F == signal.SIGKILL, line  # killed, no error
                        break
                    if words[0] == "ready":
                        ready = True
                    elif words[:2] == ["confirmed", "ballot"]:
                        assert re.fullmatch(ballot_format, words[2])
                        ballots.add(uuid.UUID(words[2]).hex)
                        confirmed_total += 1
                    elif words[:2] == ["confirmed", "edit"]:
                        edits[uuid.UUID(words[2]).hex] = int(words[3])
                        confirmed_total += 1
                killed_before_ready += not ready
                _check(path, ballots, edits)
            # Still a normal workspace: it opens (the dead worker's lock went with it).
            ws = store.open_workspace(path, backup_count=0, backup_on_open=False)
            with ws.session() as s:
                assert V.ballot_counts(s, vote_id).valid >= len(ballots)
            ws.close(backup=False)
    finally:
        zygote.stdin.close()
        zygote.wait(timeout=30)
    elapsed = time.monotonic() - started
    print(
        f"{kills} kills, {confirmed_total} confirmed writes, {killed_before_ready} during "
        f"opening, {elapsed:.1f} s"
    )
    assert kills >= 200
    assert confirmed_total > 0  # the kills did land in the middle of real work
