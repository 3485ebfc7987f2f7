"""One app per user profile: a second launch hands its file to the running one."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import textwrap
import uuid
from pathlib import Path

import pytest
from PySide6.QtCore import QDir

from app import store
from app.views.single_instance import InstanceServer, send_to_running, server_name


def unique_name() -> str:
    return f"atelier-test-{uuid.uuid4().hex[:12]}"


def send_from_another_process(path: Path | None, name: str) -> dict:
    """A later launch is another process (a thread would hold the GIL while it waits)."""
    code = (
        "import sys; from pathlib import Path; "
        "from app.views.single_instance import send_to_running; "
        f"print(send_to_running({str(path) if path else None!r} and Path({str(path)!r}), {name!r}))"
    )
    process = subprocess.Popen(
        [sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    return {"process": process}


def delivered(result: dict, qtbot) -> bool:
    process = result["process"]
    qtbot.waitUntil(lambda: process.poll() is not None, timeout=20000)
    out, err = process.communicate()
    assert process.returncode == 0, err
    return out.strip() == "True"


def test_a_second_launch_hands_its_file_over(qtbot, tmp_path: Path) -> None:
    server = InstanceServer(unique_name())
    assert server.listen()
    target = tmp_path / "autre.atelier"
    with qtbot.waitSignal(server.open_requested, timeout=20000) as blocker:
        result = send_from_another_process(target, server.name)
    assert delivered(result, qtbot)
    assert blocker.args == [str(target.resolve())]
    server.close()


def test_a_launch_without_a_file_asks_the_window_to_show_itself(qtbot) -> None:
    server = InstanceServer(unique_name())
    assert server.listen()
    with qtbot.waitSignal(server.open_requested, timeout=20000) as blocker:
        result = send_from_another_process(None, server.name)
    assert delivered(result, qtbot)
    assert blocker.args == [""]
    server.close()


def test_without_a_running_instance_nothing_is_handed_over(qapp) -> None:
    assert send_to_running(Path("x.atelier"), unique_name()) is False


def test_garbage_on_the_socket_is_ignored(qtbot) -> None:
    server = InstanceServer(unique_name())
    assert server.listen()
    received = []
    server.open_requested.connect(received.append)

    code = (
        "from PySide6.QtNetwork import QLocalSocket; c = QLocalSocket(); "
        f"c.connectToServer({server.name!r}); c.waitForConnected(5000); "
        "c.write(b'not json\\n'); c.waitForBytesWritten(5000); "
        "print(c.waitForReadyRead(1000))"
    )
    process = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    qtbot.waitUntil(lambda: process.poll() is not None, timeout=20000)
    assert process.communicate()[0].strip() == "False"  # no "ok" for a message it cannot read
    assert received == []
    server.close()


@pytest.mark.skipif(sys.platform == "win32", reason="named pipes leave no file behind")
def test_a_stale_socket_left_by_a_crash_is_replaced(qtbot) -> None:
    name = unique_name()
    path = os.path.join(QDir.tempPath(), name)
    stale = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    stale.bind(path)
    stale.close()  # the file stays, nobody listens: what a crashed instance leaves
    assert os.path.exists(path)
    server = InstanceServer(name)
    assert server.listen()
    with qtbot.waitSignal(server.open_requested, timeout=20000):
        result = send_from_another_process(None, name)
    assert delivered(result, qtbot)
    server.close()


def test_a_live_instance_keeps_its_socket(qtbot) -> None:
    first = InstanceServer(unique_name())
    assert first.listen()
    second = InstanceServer(first.name)
    assert second.listen() is False
    assert first.is_listening()
    with qtbot.waitSignal(first.open_requested, timeout=20000):
        result = send_from_another_process(None, first.name)
    assert delivered(result, qtbot)
    first.close()


def test_the_name_depends_on_the_profile(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("ATELIER_HOME", str(tmp_path / "a"))
    first = server_name()
    monkeypatch.setenv("ATELIER_HOME", str(tmp_path / "b"))
    assert server_name() != first
    assert server_name().startswith("atelier-citoyen-")


@pytest.mark.slow
def test_atelier_file_opens_it_in_the_running_app(
    demo_path: Path, tmp_path: Path, atelier_home: Path
) -> None:
    """`atelier FILE` while the app runs: the running window opens FILE, the launch exits."""
    other = tmp_path / "other.atelier"
    store.create_workspace(other, backup_count=0).close(backup=False)
    script = textwrap.dedent(
        f"""
        import sys
        from PySide6.QtCore import QTimer
        from PySide6.QtWidgets import QApplication
        from app.views.app import make_application, run_gui

        app = make_application()
        def watch():
            windows = [w for w in QApplication.topLevelWidgets() if w.objectName() == "mainWindow"]
            if windows and windows[0].store.path is not None:
                if windows[0].store.path.name == "other.atelier":
                    print("switched to", windows[0].store.path.name, flush=True)
                    windows[0].close()
                    return
            QTimer.singleShot(100, watch)
        QTimer.singleShot(100, watch)
        QTimer.singleShot(40000, QApplication.quit)  # never hang
        sys.exit(run_gui(workspace={str(demo_path)!r}, language="en"))
        """
    )
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "ATELIER_HOME": str(atelier_home),
        "ATELIER_REPORT_STARTUP": "1",
    }
    env.pop("ATELIER_SINGLE_INSTANCE", None)
    first = subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True, env=env,
    )  # fmt: skip
    try:
        line = first.stdout.readline()  # the window is on screen and the socket listens
        assert line.startswith("window shown at"), first.stderr.read()
        second = subprocess.run(
            [sys.executable, "-m", "app", str(other)],
            capture_output=True, text=True, env=env, timeout=60,
        )  # fmt: skip
        assert second.returncode == 0, second.stderr
        assert "window shown" not in second.stdout  # no second window
        out, err = first.communicate(timeout=60)
    finally:
        if first.poll() is None:
            first.kill()
    assert first.returncode == 0, err
    assert "switched to other.atelier" in out


@pytest.mark.slow
def test_quit_after_closes_the_window_cleanly(demo_path: Path, atelier_home: Path) -> None:
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "ATELIER_HOME": str(atelier_home),
        "ATELIER_REPORT_STARTUP": "1",
        "ATELIER_QUIT_AFTER_MS": "200",
    }
    result = subprocess.run(
        [sys.executable, "-m", "app", str(demo_path)],
        capture_output=True, text=True, env=env, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "window shown at" in result.stdout
    names = [p.name for p in store.list_backups(demo_path)]
    assert names and names[-1].endswith("-close.atelier")  # closed the normal way


def test_a_file_handed_over_by_macos_is_opened(qapp, tmp_path: Path) -> None:
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtGui import QFileOpenEvent

    from app.views.single_instance import FileOpenFilter

    received = []
    opener = FileOpenFilter(received.append)
    qapp.installEventFilter(opener)
    try:
        QCoreApplication.sendEvent(qapp, QFileOpenEvent(str(tmp_path / "x.atelier")))
    finally:
        qapp.removeEventFilter(opener)
    assert received == [str(tmp_path / "x.atelier")]
