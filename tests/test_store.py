"""Workspace files: create, open, lock, copy, back up, and refuse what is not usable."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app import config, store
from app.errors import (
    AtelierError,
    Cancelled,
    NewerWorkspace,
    NotAWorkspace,
    ReadOnlyWorkspace,
    WorkspaceError,
    WorkspaceLocked,
    WorkspaceMissing,
)
from app.jobs import CancelToken
from app.models import SCHEMA_HEAD, Participant
from tests.conftest import file_state


def count_people(ws: store.Store) -> int:
    with ws.session() as s:
        return s.scalar(select(func.count()).select_from(Participant))


def test_new_workspace_is_a_single_file_at_head(tmp_path: Path) -> None:
    path = tmp_path / "new.atelier"
    ws = store.create_workspace(path, backup_count=0)
    assert ws.revision() == SCHEMA_HEAD
    ws.close(backup=False)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["new.atelier"]
    con = sqlite3.connect(path)
    assert con.execute("PRAGMA application_id").fetchone()[0] == store.APPLICATION_ID
    meta = dict(con.execute("SELECT key, value FROM workspace_meta"))
    con.close()
    assert meta["app_version_created"] == meta["app_version_last"]


@pytest.mark.sqlite_only(reason="SQLite pragmas")
def test_open_sets_pragmas(demo: store.Store) -> None:
    with demo.engine.connect() as con:
        assert con.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert con.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert con.exec_driver_sql("PRAGMA busy_timeout").scalar() == store.BUSY_TIMEOUT_MS


def test_create_refuses_to_overwrite(demo_path: Path) -> None:
    before = file_state(demo_path)
    with pytest.raises(WorkspaceError, match="already exists"):
        store.create_workspace(demo_path)
    assert file_state(demo_path) == before


def test_data_survive_close_and_reopen(demo_path: Path) -> None:
    ws = store.open_workspace(demo_path, backup_count=0)
    with ws.transaction() as s:
        s.add(Participant(first_name="Zoé", last_name="Lœuillet"))
    ws.close(backup=False)
    again = store.open_workspace(demo_path, backup_count=0)
    assert count_people(again) == 61
    with again.session() as s:
        zoe = s.scalars(select(Participant).where(Participant.last_name == "Lœuillet")).one()
        assert zoe.sort_key == "loeuillet zoe"
        assert zoe.created_at.tzinfo is not None
    again.close(backup=False)


# --------------------------------------------------------------------------- refusals


def _another_apps_database(path: Path) -> None:
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE recipes (id INTEGER PRIMARY KEY, name TEXT)")
    con.execute("INSERT INTO recipes (name) VALUES ('tarte tatin')")
    con.commit()
    con.close()


def _newer_workspace(path: Path, source: Path) -> None:
    path.write_bytes(source.read_bytes())
    con = sqlite3.connect(path)
    con.execute("UPDATE alembic_version SET version_num = '9999'")
    con.execute("UPDATE workspace_meta SET value = '7.0.0' WHERE key = 'app_version_last'")
    con.commit()
    con.close()


@pytest.mark.parametrize(
    ("kind", "error", "words"),
    [
        ("random bytes", NotAWorkspace, "not a database"),
        ("empty file", NotAWorkspace, "not a database"),
        ("text file", NotAWorkspace, "not a database"),
        ("another app", NotAWorkspace, "another application"),
        ("newer schema", NewerWorkspace, "newer version of Atelier Citoyen (7.0.0)"),
        ("truncated", WorkspaceError, ""),
    ],
)
def test_bad_files_are_refused_and_left_untouched(
    tmp_path: Path, demo_path: Path, kind: str, error: type, words: str
) -> None:
    folder = tmp_path / "bad"
    folder.mkdir()
    path = folder / "suspect.atelier"
    if kind == "random bytes":
        path.write_bytes(os.urandom(8192))
    elif kind == "empty file":
        path.write_bytes(b"")
    elif kind == "text file":
        path.write_text("Nom;Prénom\nDupont;Élodie\n", encoding="utf-8")
    elif kind == "another app":
        _another_apps_database(path)
    elif kind == "newer schema":
        _newer_workspace(path, demo_path)
    elif kind == "truncated":
        path.write_bytes(demo_path.read_bytes()[:6000])
    before = file_state(path)
    with pytest.raises(error) as info:
        store.open_workspace(path)
    message = str(info.value)
    assert words in message
    assert "suspect.atelier" in message
    assert "Traceback" not in message
    assert file_state(path) == before


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(WorkspaceMissing, match="does not exist"):
        store.open_workspace(tmp_path / "nowhere.atelier")
    with pytest.raises(NotAWorkspace, match="is a folder"):
        store.open_workspace(tmp_path)


def test_read_only_file_is_refused_and_unchanged(demo_path: Path) -> None:
    demo_path.chmod(0o444)
    try:
        before = file_state(demo_path)
        with pytest.raises(ReadOnlyWorkspace, match="read-only"):
            store.open_workspace(demo_path)
        assert file_state(demo_path) == before
        # It can still be inspected without writing.
        with store.open_workspace(demo_path, read_only=True) as ws:
            assert count_people(ws) == 60
        assert file_state(demo_path) == before
    finally:
        demo_path.chmod(0o644)


def test_second_open_is_locked_until_the_first_closes(demo_path: Path) -> None:
    first = store.open_workspace(demo_path, backup_count=0)
    with pytest.raises(WorkspaceLocked, match="already open"):
        store.open_workspace(demo_path, backup_count=0)
    first.close(backup=False)
    second = store.open_workspace(demo_path, backup_count=0)
    second.close(backup=False)


def test_lock_held_by_another_process(demo_path: Path, tmp_path: Path) -> None:
    script = textwrap.dedent(
        f"""
        import sys
        from app import store
        ws = store.open_workspace({str(demo_path)!r}, backup_count=0)
        print("ready", flush=True)
        sys.stdin.readline()
        ws.close(backup=False)
        """
    )
    env = {**os.environ, "ATELIER_HOME": str(tmp_path / "other-home")}
    child = subprocess.Popen(
        [sys.executable, "-c", script],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert child.stdout.readline().strip() == "ready"
        with pytest.raises(WorkspaceLocked) as info:
            store.open_workspace(demo_path)
        assert f"process {child.pid}" in str(info.value)
    finally:
        child.communicate("\n", timeout=30)
    # The other instance closed: the workspace opens again.
    store.open_workspace(demo_path, backup_count=0).close(backup=False)


def test_a_killed_instance_does_not_leave_the_workspace_locked(
    demo_path: Path, tmp_path: Path
) -> None:
    script = (
        "from app import store; import time\n"
        f"ws = store.open_workspace({str(demo_path)!r}, backup_count=0)\n"
        "print('ready', flush=True); time.sleep(60)\n"
    )
    env = {**os.environ, "ATELIER_HOME": str(tmp_path / "other-home")}
    child = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True,
                             env=env)  # fmt: skip
    assert child.stdout.readline().strip() == "ready"
    child.kill()
    child.wait(timeout=30)
    ws = store.open_workspace(demo_path, backup_count=0)
    assert count_people(ws) == 60
    ws.close(backup=False)


# --------------------------------------------------------------------------- copies, backups


@pytest.mark.sqlite_only(
    reason="copies a workspace file (a shared database is backed up with pg_dump)"
)
def test_copy_while_open_and_writing(demo: store.Store, tmp_path: Path) -> None:
    with demo.transaction() as s:
        s.add(Participant(first_name="Noé", last_name="Ménard"))
    session = demo.session()
    session.add(Participant(first_name="Not", last_name="Committed"))
    session.flush()  # an open write transaction while the copy runs
    seen = []
    copy = store.copy_to(
        demo, tmp_path / "copies" / "copy.atelier", progress=lambda d, t: seen.append((d, t))
    )
    session.rollback()
    session.close()
    assert seen and seen[-1][0] == seen[-1][1]
    with store.open_workspace(copy, read_only=True) as ws:
        assert count_people(ws) == 61
    assert sorted(p.name for p in copy.parent.iterdir()) == ["copy.atelier"]


@pytest.mark.sqlite_only(reason="copies a workspace file")
def test_cancelled_copy_leaves_nothing(demo: store.Store, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(store, "BACKUP_STEP_PAGES", 1)
    token = CancelToken()

    def progress(done: int, total: int) -> None:
        if done >= 3:
            token.cancel()

    target = tmp_path / "out"
    with pytest.raises(Cancelled):
        store.copy_to(demo, target / "copy.atelier", progress=progress, cancel=token)
    assert list(target.iterdir()) == []


@pytest.mark.sqlite_only(reason="copies a workspace file")
def test_copy_onto_itself_is_refused(demo: store.Store) -> None:
    with pytest.raises(AtelierError, match="different file"):
        store.copy_to(demo, demo.path)


def test_backups_rotate_and_keep_n(demo_path: Path) -> None:
    ws = store.open_workspace(demo_path, backup_count=3)  # one backup on open
    for _ in range(4):
        store.rotating_backup(ws)
    ws.close()  # and one on close
    backups = store.list_backups(demo_path)
    assert len(backups) == 3
    assert backups[-1].name.endswith("-close.atelier")
    assert backups[0].parent.parent == config.backups_dir()
    with store.open_workspace(backups[-1], read_only=True) as copy:
        assert count_people(copy) == 60


def test_no_backups_when_count_is_zero(demo_path: Path) -> None:
    store.open_workspace(demo_path, backup_count=0).close()
    assert store.list_backups(demo_path) == []


def test_default_workspace_is_created_in_the_data_dir(atelier_home: Path) -> None:
    ws = store.open_default(backup_count=0)
    assert ws.path == config.default_workspace_path()
    assert str(ws.path).startswith(str(atelier_home))
    ws.close(backup=False)
    again = store.open_default(backup_count=0)
    assert again.revision() == SCHEMA_HEAD
    again.close(backup=False)


def test_new_workspace_never_replaces_an_open_one(demo_path: Path) -> None:
    open_elsewhere = store.open_workspace(demo_path, backup_count=0)
    try:
        before = file_state(demo_path)
        with pytest.raises(WorkspaceLocked):
            store.create_workspace(demo_path, overwrite=True)
        assert file_state(demo_path)[0] == before[0]
    finally:
        open_elsewhere.close(backup=False)
    replaced = store.create_workspace(demo_path, overwrite=True, backup_count=0)
    assert count_people(replaced) == 0
    replaced.close(backup=False)


def test_a_read_only_workspace_can_still_be_backed_up(demo_path: Path, capsys) -> None:
    from app.cli import main

    demo_path.chmod(0o444)
    try:
        assert main(["backup", str(demo_path), "--quiet"]) == 0
    finally:
        demo_path.chmod(0o644)
    assert len(store.list_backups(demo_path)) == 1
