"""Workspaces on a USB stick or a share, a full disk, read-only media, a file deleted while
open: clear messages, no corrupt file, no lost confirmed work."""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest

from app import store
from app.errors import ReadOnlyWorkspace, WorkspaceError, WorkspaceLocked, WorkspaceMissing
from app.facilitation.participants import ParticipantData, create_participant
from tests.conftest import file_state


def add_person(ws: store.Store, name: str) -> None:
    with ws.session() as s:
        create_participant(s, ParticipantData(first_name=name, last_name="Test"))


def names_in(path: Path) -> list[str]:
    con = sqlite3.connect(path)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        return sorted(r[0] for r in con.execute("SELECT first_name FROM participant"))
    finally:
        con.close()


def new_workspace(path: Path) -> Path:
    store.create_workspace(path, backup_count=0).close(backup=False)
    return path


# --------------------------------------------------------------------------- detection

MOUNTINFO = r"""22 27 0:21 / /proc rw,relatime - proc proc rw
27 1 254:0 / / rw,relatime - ext4 /dev/vda rw
40 27 8:17 / /media/anne/CLE\040USB rw,nosuid - vfat /dev/sdb1 rw,uid=1000
41 27 0:50 / /mnt/mairie rw,relatime - nfs4 srv:/export rw
42 27 8:33 / /run/media/anne/DISK rw - ext4 /dev/sdc1 rw
43 27 0:51 / /home/anne/partage rw - fuse.sshfs anne@srv: rw
"""


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/media/anne/CLE USB/ateliers.atelier", ("/media/anne/CLE USB", "vfat")),
        ("/mnt/mairie/a.atelier", ("/mnt/mairie", "nfs4")),
        ("/run/media/anne/DISK/a.atelier", ("/run/media/anne/DISK", "ext4")),
        ("/home/anne/a.atelier", ("/", "ext4")),
        ("/home/anne/partage/a.atelier", ("/home/anne/partage", "fuse.sshfs")),
    ],
)
def test_the_mount_holding_a_file_is_found(path: str, expected) -> None:
    assert store.mount_of(Path(path), MOUNTINFO) == expected


def test_detection_can_be_forced_and_says_no_for_a_missing_mount_table(monkeypatch, tmp_path):
    monkeypatch.setenv("ATELIER_TREAT_AS_REMOVABLE", "1")
    assert store.is_removable_or_network(tmp_path / "a.atelier")
    monkeypatch.setenv("ATELIER_TREAT_AS_REMOVABLE", "0")
    assert not store.is_removable_or_network(tmp_path / "a.atelier")


# --------------------------------------------------------------------------- working copy


@pytest.fixture
def stick(tmp_path: Path, monkeypatch) -> Path:
    """A folder the app treats as a USB stick, holding one workspace with one person."""
    folder = tmp_path / "stick"
    folder.mkdir()
    path = new_workspace(folder / "ateliers.atelier")
    ws = store.open_workspace(path, backup_count=0, local_copy=False)
    add_person(ws, "Avant")
    ws.close(backup=False)
    monkeypatch.setenv("ATELIER_TREAT_AS_REMOVABLE", "1")
    return path


def test_a_workspace_on_a_stick_is_worked_on_locally_and_written_back(
    stick: Path, atelier_home: Path
) -> None:
    before = stick.read_bytes()
    ws = store.open_workspace(stick, backup_count=3, backup_on_open=False)
    assert ws.origin == stick and ws.location == str(stick)
    assert ws.working_copy == ws.path
    assert ws.path.is_relative_to(atelier_home / "data" / "working-copies")
    with pytest.raises(WorkspaceLocked):  # the stick's file is locked while worked on
        store.open_workspace(stick, local_copy=False)
    add_person(ws, "Pendant")
    assert stick.read_bytes() == before  # the stick is not written while working
    assert ws.save_back() == stick  # File > Save: written back now
    assert names_in(stick) == ["Avant", "Pendant"]
    add_person(ws, "Fin")
    local = ws.working_copy
    ws.close(backup=True)
    assert names_in(stick) == ["Avant", "Fin", "Pendant"]
    assert not local.exists()  # written back: the local copy goes
    assert sorted(p.name for p in stick.parent.iterdir()) == ["ateliers.atelier"]  # no temp
    assert len(store.list_backups(stick)) == 1  # backups are filed under the stick's file


def test_a_pulled_stick_keeps_the_local_copy_and_says_how_to_save_it(
    stick: Path, tmp_path: Path
) -> None:
    ws = store.open_workspace(stick, backup_count=0, backup_on_open=False)
    add_person(ws, "Pendant")
    local = ws.working_copy
    shutil.move(stick.parent, tmp_path / "pulled")  # the stick is gone
    with pytest.raises(WorkspaceError) as caught:
        ws.close(backup=False)
    message = str(caught.value)
    assert str(local) in message and "Save a copy as" in message
    assert names_in(local) == ["Avant", "Pendant"]  # nothing lost
    assert not stick.parent.exists()  # and nothing written where the stick was

    # The stick comes back unchanged: the local copy (newer) is taken up again.
    shutil.move(tmp_path / "pulled", stick.parent)
    again = store.open_workspace(stick, backup_count=0, backup_on_open=False)
    assert again.resumed and again.working_copy == local
    assert names_in(local) == ["Avant", "Pendant"]
    again.close(backup=False)
    assert names_in(stick) == ["Avant", "Pendant"]


def test_a_local_copy_is_kept_aside_when_the_stick_changed_meanwhile(stick: Path, tmp_path):
    ws = store.open_workspace(stick, backup_count=0, backup_on_open=False)
    add_person(ws, "Ici")
    shutil.move(stick.parent, tmp_path / "pulled")
    with pytest.raises(WorkspaceError):
        ws.close(backup=False)
    shutil.move(tmp_path / "pulled", stick.parent)
    elsewhere = store.open_workspace(stick, backup_count=0, local_copy=False)
    add_person(elsewhere, "Ailleurs")  # edited on another computer
    elsewhere.close(backup=False)
    again = store.open_workspace(stick, backup_count=0, backup_on_open=False)
    try:
        assert not again.resumed and again.recovered_copy is not None
        assert names_in(again.recovered_copy) == ["Avant", "Ici"]  # never overwritten
        assert names_in(again.working_copy) == ["Ailleurs", "Avant"]
    finally:
        again.close(backup=False)


KILLED_CHILD = """
import os, sys
from pathlib import Path
from app import store
from tests.test_store_media import add_person

ws = store.open_workspace(Path(sys.argv[1]), backup_count=0, backup_on_open=False)
add_person(ws, "Avant la panne")
os._exit(0)  # killed: never closed, never written back
"""


def test_work_on_a_stick_survives_a_killed_app(stick: Path, atelier_home: Path) -> None:
    import sys

    env = {**os.environ, "ATELIER_HOME": str(atelier_home), "ATELIER_TREAT_AS_REMOVABLE": "1"}
    result = subprocess.run(
        [sys.executable, "-c", KILLED_CHILD, str(stick)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        cwd=Path(__file__).resolve().parent.parent,
    )
    assert result.returncode == 0, result.stderr
    assert names_in(stick) == ["Avant"]  # the stick was not written
    again = store.open_workspace(stick, backup_count=0, backup_on_open=False)
    assert again.resumed
    again.close(backup=False)
    assert names_in(stick) == ["Avant", "Avant la panne"]


def test_the_status_bar_says_it_works_on_a_local_copy(qtbot, stick: Path) -> None:
    from PySide6.QtGui import QAction

    from app.views.main_window import MainWindow
    from app.views.settings import AppSettings

    ws = store.open_workspace(stick, backup_count=0, backup_on_open=False)
    window = MainWindow(ws, AppSettings())
    qtbot.addWidget(window)
    text = window.location_label.text()
    assert text.startswith("Working on a local copy of") and str(stick) in text
    add_person(ws, "Pendant")
    assert window.findChild(QAction, "actionSaveBack") is not None
    assert window.save_back()  # File > Write back to the stick now
    assert names_in(stick) == ["Avant", "Pendant"]
    window.close()
    assert ws.working_copy is not None and not ws.working_copy.exists()


# --------------------------------------------------------------------------- deleted


def test_a_workspace_deleted_while_open_is_explained_and_can_be_rescued(tmp_path: Path):
    path = new_workspace(tmp_path / "w.atelier")
    ws = store.open_workspace(path, backup_count=0, backup_on_open=False)
    add_person(ws, "Confirmée")
    path.unlink()
    with pytest.raises(WorkspaceMissing, match="deleted or moved while open"):
        add_person(ws, "Perdue")
    rescued = store.copy_to(ws, tmp_path / "rescued.atelier")  # File > Save a copy as…
    assert names_in(rescued) == ["Confirmée"]
    ws.close(backup=False)
    assert not path.exists()  # closing did not leave an empty file in its place


# --------------------------------------------------------------------------- full, read-only


def _can_mount() -> str | None:
    """Why a small tmpfs cannot be mounted here, or None if it can."""
    if os.name != "posix" or not hasattr(os, "geteuid") or os.geteuid() != 0:
        return "mounting a small tmpfs needs root"
    if shutil.which("mount") is None:
        return "no mount command"
    return None


@contextlib.contextmanager
def small_fs(folder: Path, size: str):
    folder.mkdir()
    result = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        pytest.skip(f"mounting a tmpfs is not permitted here: {result.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def _fill(folder: Path) -> Path:
    """Take every free byte of the file system."""
    filler = folder / "filler.bin"
    for chunk in (65536, 1):
        with contextlib.suppress(OSError), open(filler, "ab", buffering=0) as fh:
            while True:
                fh.write(b"\0" * chunk)
    return filler


def test_a_full_disk_refuses_the_change_clearly_and_keeps_the_rest(tmp_path: Path) -> None:
    if (reason := _can_mount()) is not None:
        pytest.skip(reason)
    with small_fs(tmp_path / "mnt", "3m") as folder:
        path = new_workspace(folder / "w.atelier")
        ws = store.open_workspace(path, backup_count=0, backup_on_open=False, local_copy=False)
        add_person(ws, "Confirmée")
        filler = _fill(folder)
        with pytest.raises(WorkspaceError, match="is full"):
            for i in range(2000):
                add_person(ws, f"Personne {i:04d} " + "x" * 200)
        assert "Confirmée" in names_in(path)
        filler.unlink()  # space freed: work goes on
        add_person(ws, "Après")
        ws.close(backup=False)
        names = names_in(path)
        assert "Confirmée" in names and "Après" in names


def test_read_only_media_are_refused_clearly_and_nothing_changes(tmp_path: Path) -> None:
    if (reason := _can_mount()) is not None:
        pytest.skip(reason)
    with small_fs(tmp_path / "mnt", "8m") as folder:
        path = new_workspace(folder / "w.atelier")
        ws = store.open_workspace(path, backup_count=0, backup_on_open=False, local_copy=False)
        add_person(ws, "Confirmée")
        ws.close(backup=False)
        subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
        try:
            before = file_state(path)
            with pytest.raises(ReadOnlyWorkspace, match="read-only"):
                store.open_workspace(path, local_copy=False)
            reader = store.open_workspace(path, read_only=True)  # atelier info still works
            reader.close()
            assert file_state(path) == before
        finally:
            subprocess.run(["mount", "-o", "remount,rw", str(folder)], check=True)
        assert names_in(path) == ["Confirmée"]


def test_a_write_refused_as_read_only_gets_a_clear_message(tmp_path: Path) -> None:
    path = new_workspace(tmp_path / "w.atelier")
    con = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        with pytest.raises(sqlite3.OperationalError) as caught:
            con.execute("INSERT INTO workspace_meta (key, value) VALUES ('k', 'v')")
    finally:
        con.close()
    problem = store.write_failure(path, caught.value)
    assert isinstance(problem, ReadOnlyWorkspace)
    assert "can no longer be written" in str(problem) and "Save a copy as" in str(problem)


FILE_LIMIT_CHILD = """
import os, resource, signal, sys
from pathlib import Path
from app import i18n, store
from app.errors import WorkspaceError
from tests.test_store_media import add_person

i18n.set_language("en")
path = Path(sys.argv[1])
ws = store.open_workspace(path, backup_count=0, backup_on_open=False, local_copy=False)
add_person(ws, "Confirmée")
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # writes past the limit fail with EFBIG
sizes = [p.stat().st_size for p in path.parent.glob(path.name + "*")]
resource.setrlimit(resource.RLIMIT_FSIZE, (max(sizes) + 65536, resource.RLIM_INFINITY))
try:
    for i in range(5000):
        add_person(ws, f"Personne {i:04d} " + "x" * 200)
    print("no error", flush=True)
except WorkspaceError as exc:
    print("refused:", exc, flush=True)
ws.close(backup=False)
"""


@pytest.mark.skipif(not hasattr(os, "fork"), reason="RLIMIT_FSIZE is POSIX")
def test_a_write_past_a_file_size_limit_is_refused_clearly_and_keeps_the_rest(
    tmp_path: Path,
) -> None:
    """Without root (no tmpfs to fill), a size-limited file stands for a full disk."""
    import sys

    path = new_workspace(tmp_path / "w.atelier")
    result = subprocess.run(
        [sys.executable, "-c", FILE_LIMIT_CHILD, str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=Path(__file__).resolve().parent.parent,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("refused:"), result.stdout + result.stderr
    assert "was not saved" in result.stdout
    names = names_in(path)
    assert "Confirmée" in names
