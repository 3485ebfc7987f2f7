"""Shared fixtures: offscreen Qt, a private ATELIER_HOME per test, real workspace files."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from pathlib import Path

import pytest

from app import i18n


@pytest.fixture(autouse=True)
def atelier_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own data, config and backups folders, and English messages."""
    home = tmp_path / "home"
    monkeypatch.setenv("ATELIER_HOME", str(home))
    monkeypatch.delenv("ATELIER_DATABASE_URL", raising=False)
    monkeypatch.delenv("ATELIER_LANG", raising=False)
    i18n.set_language("en")
    yield home
    i18n.set_language("en")


@pytest.fixture
def workspace(tmp_path: Path):
    """A new, empty workspace file, open."""
    from app import store

    ws = store.create_workspace(tmp_path / "empty.atelier", backup_count=0)
    yield ws
    ws.close(backup=False)


@pytest.fixture
def demo_path(tmp_path: Path) -> Path:
    """A closed demo workspace file."""
    from app.facilitation.demo import create_demo

    path = tmp_path / "demo.atelier"
    create_demo(path).close(backup=False)
    return path


@pytest.fixture
def demo(demo_path: Path):
    """The demo workspace, open."""
    from app import store

    ws = store.open_workspace(demo_path, backup_count=0, backup_on_open=False)
    yield ws
    ws.close(backup=False)


def file_state(path: Path) -> tuple[bytes, list[str]]:
    """The bytes of a file and the names beside it, to prove an operation changed nothing."""
    return path.read_bytes(), sorted(p.name for p in path.parent.iterdir())


@pytest.fixture
def qloop(qapp):
    """A qasync event loop on the test's QApplication, for jobs run off the UI thread."""
    import asyncio

    import qasync

    loop = qasync.QEventLoop(qapp)
    asyncio.set_event_loop(loop)
    yield loop
    loop.close()  # joins the worker threads
    asyncio.set_event_loop(None)


@pytest.fixture
def errors(monkeypatch) -> list[str]:
    """Error messages the views would show, recorded instead of opening a dialog."""
    from app.views import dialogs

    shown: list[str] = []
    monkeypatch.setattr(dialogs, "show_error", lambda parent, title, message: shown.append(message))
    return shown


@pytest.fixture
def answers(monkeypatch) -> list[str]:
    """Every question box is answered Yes; the questions asked are recorded."""
    from PySide6.QtWidgets import QMessageBox

    asked: list[str] = []

    def yes(parent, title, text, *args, **kwargs):
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", staticmethod(yes))
    return asked
