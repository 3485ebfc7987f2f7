"""Unexpected errors: logged to a rotating file, explained in a dialog, never silent."""

from __future__ import annotations

import logging
import sys
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QGuiApplication

from app import __version__, logs
from app.views import crash


@pytest.fixture
def log_file(atelier_home: Path):
    path = logs.setup_logging()
    yield path
    logs.shutdown_logging()


@pytest.fixture
def shown(monkeypatch) -> list[crash.CrashDialog]:
    """Dialogs the hook opened; each copies its details then continues."""
    dialogs: list[crash.CrashDialog] = []

    def fake_exec(self) -> int:
        dialogs.append(self)
        self.copy_details()
        return crash.CrashDialog.CONTINUE

    monkeypatch.setattr(crash.CrashDialog, "exec", fake_exec)
    return dialogs


@pytest.fixture
def handler(qapp):
    h = crash.CrashHandler()
    h.install()
    yield h
    h.uninstall()


class Emitter(QObject):
    fired = Signal()


def _broken_slot() -> None:
    raise ZeroDivisionError("division by zero in a slot")


def test_the_log_lives_in_the_data_directory_and_rotates(atelier_home: Path, log_file) -> None:
    assert log_file == atelier_home / "data" / "logs" / "atelier.log"
    assert logs.log_path() == log_file
    handler = next(h for h in logging.getLogger().handlers if hasattr(h, "maxBytes"))
    assert (handler.maxBytes, handler.backupCount) == (1_000_000, 5)
    assert logs.setup_logging() == log_file  # idempotent: one handler, not two
    assert sum(hasattr(h, "maxBytes") for h in logging.getLogger().handlers) == 1


@pytest.mark.qt_no_exception_capture
def test_an_error_in_a_slot_is_logged_explained_and_its_details_copied(
    qtbot, handler, shown, log_file
) -> None:
    emitter = Emitter()
    emitter.fired.connect(_broken_slot)
    emitter.fired.emit()  # PySide6 hands the slot's exception to sys.excepthook
    assert len(shown) == 1
    dialog = shown[0]
    text = dialog.findChild(crash.QLabel, "crashText").text()
    assert "Something went wrong" in text and "confirmed work is saved" in text
    copied = QGuiApplication.clipboard().text()
    assert f"Atelier Citoyen {__version__}" in copied
    assert "ZeroDivisionError: division by zero in a slot" in copied
    assert "_broken_slot" in copied  # the traceback
    assert str(log_file) in copied
    logged = log_file.read_text(encoding="utf-8")
    assert "Unexpected error" in logged and "ZeroDivisionError" in logged


@pytest.mark.qt_no_exception_capture
def test_the_same_error_repeated_shows_one_dialog_but_is_logged_each_time(
    qtbot, handler, shown, log_file
) -> None:
    emitter = Emitter()
    emitter.fired.connect(_broken_slot)
    for _ in range(5):
        emitter.fired.emit()
    assert len(shown) == 1
    assert handler.seen[next(iter(handler.seen))] == 5
    assert log_file.read_text(encoding="utf-8").count("ZeroDivisionError: division") == 5


def test_an_error_while_the_dialog_is_up_does_not_open_another(
    qtbot, handler, monkeypatch, log_file
) -> None:
    opened: list[str] = []

    def nested_exec(self) -> int:
        opened.append("dialog")
        try:
            raise KeyError("raised while the dialog is shown")
        except KeyError:
            handler.handle(*sys.exc_info())
        return crash.CrashDialog.CONTINUE

    monkeypatch.setattr(crash.CrashDialog, "exec", nested_exec)
    try:
        raise ValueError("first")
    except ValueError:
        handler.handle(*sys.exc_info())
    assert opened == ["dialog"]
    logged = log_file.read_text(encoding="utf-8")
    assert "ValueError: first" in logged and "raised while the dialog is shown" in logged


def test_a_dialog_that_fails_itself_is_logged_and_the_app_goes_on(
    qtbot, handler, monkeypatch, log_file
) -> None:
    def broken_exec(self) -> int:
        raise RuntimeError("the dialog broke")

    monkeypatch.setattr(crash.CrashDialog, "exec", broken_exec)
    try:
        raise ValueError("original")
    except ValueError:
        handler.handle(*sys.exc_info())  # must not raise
    assert not handler.showing
    assert "the dialog broke" in log_file.read_text(encoding="utf-8")


def test_quit_closes_the_main_window_and_its_workspace(qtbot, handler, monkeypatch, demo) -> None:
    from app.views.main_window import MainWindow
    from app.views.settings import AppSettings

    window = MainWindow(demo, AppSettings())
    qtbot.addWidget(window)
    window.show()
    monkeypatch.setattr(crash.CrashDialog, "exec", lambda self: crash.CrashDialog.QUIT)
    try:
        raise OSError("boom")
    except OSError:
        handler.handle(*sys.exc_info())
    assert not window.isVisible()
    assert demo._lock is None  # closed cleanly: the lock was released


def test_an_error_in_a_worker_thread_reaches_the_gui_thread(qtbot, handler, shown, log_file):
    def work() -> None:
        raise LookupError("from a worker thread")

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    qtbot.waitUntil(lambda: len(shown) == 1)
    assert "LookupError: from a worker thread" in shown[0].details
    assert log_file.read_text(encoding="utf-8").count("LookupError: from a worker") == 1


def test_an_error_in_an_asyncio_task_is_reported(qtbot, handler, shown, qloop) -> None:
    handler.watch_loop(qloop)

    async def failing() -> None:
        raise PermissionError("from a task")

    done = []

    def start() -> None:
        task = qloop.create_task(failing())
        task.add_done_callback(lambda t: done.append(t))

    QTimer.singleShot(0, start)
    qtbot.waitUntil(lambda: bool(done))
    task = done.pop()
    # The task's exception was never retrieved: the loop reports it when the task goes.
    context = {"message": "Task exception was never retrieved", "exception": task.exception()}
    qloop.call_exception_handler(context)
    assert len(shown) == 1 and "PermissionError: from a task" in shown[0].details
