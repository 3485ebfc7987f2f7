"""The main window driven as a person would, on real workspace files, offscreen."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton, QTableView

from app import i18n, store
from app.errors import Cancelled
from app.views import dialogs, main_window, qt_i18n
from app.views.areas import AREAS
from app.views.committees.area import CommitteesArea
from app.views.jobs import run_job
from app.views.juries.area import JuriesArea
from app.views.main_window import MainWindow
from app.views.settings import AppSettings
from app.views.votes.area import VotesArea


@pytest.fixture
def errors(monkeypatch) -> list[tuple[str, str]]:
    """Error dialogs are recorded instead of blocking the test."""
    shown: list[tuple[str, str]] = []

    def record(parent, title, message):
        shown.append((title, message))

    monkeypatch.setattr(dialogs, "show_error", record)
    monkeypatch.setattr(main_window, "show_error", record)
    return shown


@pytest.fixture
def window(qtbot, qapp, demo_path: Path, atelier_home: Path, errors):
    """The main window on the demo workspace; fails if top-level widgets leak."""
    before = set(QApplication.topLevelWidgets())
    settings = AppSettings()
    settings.backup_count = 0  # background backups need the qasync loop (see qloop tests)
    qt_i18n.apply_language("fr")
    ws = store.open_workspace(demo_path, backup_count=0, backup_on_open=False)
    win = MainWindow(ws, settings)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.close()
    qt_i18n.apply_language("en")
    for widget in win.findChildren(QMessageBox):
        widget.deleteLater()
    QApplication.processEvents()
    leaked = [
        w for w in set(QApplication.topLevelWidgets()) - before
        if w is not win and w.isVisible()
    ]  # fmt: skip
    assert leaked == [], f"top-level widgets left open: {leaked}"


def test_sidebar_lists_every_area_in_french(window: MainWindow) -> None:
    labels = [window.sidebar.item(i).text() for i in range(window.sidebar.count())]
    assert labels == [
        "Démarches et ateliers",
        "Participant·es",
        "Votes",
        "Jurys",
        "Comités",
        "Co-réalisation",
        "Journée d’échanges",
        "Documents",
    ]
    assert window.menuBar().actions()[0].text() == "&Fichier"
    assert str(window.store.path) in window.location_label.text()


def test_navigation_shows_each_area(qtbot, window: MainWindow) -> None:
    for row, area in enumerate(AREAS):
        rect = window.sidebar.visualItemRect(window.sidebar.item(row))
        qtbot.mouseClick(window.sidebar.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        assert window.stack.currentIndex() == row
        assert window.current_area().objectName() == f"area_{area.key}"
    votes_page = window.select_area("votes")
    assert isinstance(votes_page, VotesArea)
    assert votes_page.session_box.count() == 3
    assert votes_page.stack.currentWidget() is votes_page.empty
    assert not votes_page.buttons["close"].isEnabled()
    assert isinstance(window.select_area("juries"), JuriesArea)
    assert isinstance(window.select_area("committees"), CommitteesArea)


def test_processes_area_lists_the_demo_sessions(window: MainWindow) -> None:
    page = window.select_area("processes")
    table = page.findChild(QTableView)
    model = table.model()
    assert model.rowCount() == 3
    titles = [model.index(r, 0).data() for r in range(3)]
    assert titles[0].startswith("Atelier 1") and titles[2].startswith("Atelier 3")
    assert [model.index(r, 3).data() for r in range(3)] == [38, 41, 0]
    assert model.index(0, 4).data() == "Validé"


def test_participants_filter_as_you_type_folds_accents(qtbot, window: MainWindow) -> None:
    page = window.select_area("participants")
    assert page.model.total == 60
    qtbot.keyClicks(page.search, "petrova")
    qtbot.waitUntil(lambda: page.model.total == 1, timeout=2000)
    assert page.model.index(0, 0).data() == "Петрова"
    assert page.count.text() == "1 participant·e"
    page.search.clear()
    qtbot.waitUntil(lambda: page.model.total == 60, timeout=2000)
    qtbot.keyClicks(page.search, "ELODIE")
    qtbot.waitUntil(lambda: page.model.total < 60, timeout=2000)
    names = {page.model.index(r, 1).data() for r in range(page.model.rowCount())}
    assert names == {"Élodie"}


def test_participants_sort_in_alphabetical_order_with_accents(window: MainWindow) -> None:
    page = window.select_area("participants")
    model = page.model
    last_names = [model.index(r, 0).data() for r in range(model.rowCount())]
    from app.models.text import fold, latin

    keys = [latin(fold(n)) for n in last_names]
    assert keys == sorted(keys)
    # Cyrillic names sort among Latin ones by their transliteration.
    assert last_names.index("Петрова") == sum(k < "petrova" for k in keys)
    assert keys[-1] != "petrova"
    page.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
    assert latin(fold(model.index(0, 0).data())) >= latin(fold(model.index(59, 0).data()))


def test_language_switch_keeps_the_workspace_and_area(window: MainWindow) -> None:
    window.select_area("participants")
    path = window.store.path
    window.set_language("en")
    assert i18n.current_language() == "en"
    assert window.sidebar.item(1).text() == "Participants"
    assert window.menuBar().actions()[0].text() == "&File"
    assert window.stack.currentIndex() == 1
    assert window.current_area().model.total == 60
    assert window.store.path == path
    window.set_language("fr")
    assert window.sidebar.item(0).text() == "Démarches et ateliers"


def test_preferences_are_kept_in_qsettings(qtbot, window: MainWindow) -> None:
    dialog = dialogs.PreferencesDialog(window.settings, window)
    qtbot.addWidget(dialog)
    dialog.language.setCurrentIndex(dialog.language.findData("en"))
    dialog.facilitator.setText("Claire Dupont-Lévêque")
    dialog.backups.setValue(4)
    dialog.accept()
    again = AppSettings()
    assert (again.language, again.facilitator, again.backup_count) == (
        "en",
        "Claire Dupont-Lévêque",
        4,
    )
    from app import config

    # The CLI reads the same file without Qt.
    assert config.read_preferences().language == "en"
    assert config.read_preferences().backup_count == 4


def test_opening_a_bad_file_explains_and_keeps_the_current_workspace(
    window: MainWindow, tmp_path: Path, errors
) -> None:
    bad = tmp_path / "photo.atelier"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(500))
    current = window.store.path
    assert window.open_path(bad) is False
    assert len(errors) == 1
    assert "n'est pas un espace de travail Atelier Citoyen" in errors[0][1]
    assert window.store.path == current
    assert window.current_area() is not None


def test_new_and_open_and_recent(window: MainWindow, tmp_path: Path, demo_path: Path) -> None:
    new = tmp_path / "nouveau"
    assert window.create_at(new)
    assert window.store.path == tmp_path / "nouveau.atelier"
    assert window.select_area("processes").table is None  # empty workspace: empty state
    assert window.open_path(demo_path)
    assert window.store.path == demo_path
    recent = window.settings.recent_workspaces()
    assert recent[:2] == [demo_path.resolve(), (tmp_path / "nouveau.atelier").resolve()]
    window._fill_recent()
    assert [a.text() for a in window.recent_menu.actions()][:2] == [str(p) for p in recent[:2]]


def test_save_a_copy_runs_as_a_job(qloop, window: MainWindow, tmp_path: Path) -> None:
    destination = tmp_path / "clé USB" / "copie"
    made = qloop.run_until_complete(window.save_copy(destination))
    assert made == tmp_path / "clé USB" / "copie.atelier"
    with store.open_workspace(made, read_only=True) as ws:
        from app.facilitation.workspace_info import workspace_info

        assert workspace_info(ws).counts["participant"] == 60


def test_backup_job_off_the_ui_thread_with_progress(qloop, window: MainWindow) -> None:
    window.settings.backup_count = 2
    made = qloop.run_until_complete(window.backup("manual"))
    assert made is not None and made.exists()
    assert "Sauvegardé" in window.statusBar().currentMessage()


def test_closing_while_the_opening_backup_copies_waits_for_it(
    qloop, window: MainWindow, errors, monkeypatch
) -> None:
    """A backup still copying when the window closes ends before the workspace is closed.

    Closing the store under a copy in progress made one of the two backups fail ("No such
    file or directory") and showed an error on the way out.
    """
    copying, copied = threading.Event(), threading.Event()
    real_backup, real_close = store.rotating_backup, store.Store.close
    order: list[str] = []

    def slow_backup(ws, **kwargs):
        copying.set()
        threading.Event().wait(0.5)  # a slow disk or a USB stick
        made = real_backup(ws, **kwargs)
        copied.set()
        return made

    def close(self, **kwargs):
        order.append("closed after the copy" if copied.is_set() else "closed during the copy")
        return real_close(self, **kwargs)

    monkeypatch.setattr(store, "rotating_backup", slow_backup)
    monkeypatch.setattr(store.Store, "close", close)
    window.settings.backup_count = 2
    window.start_backup("open")

    async def close_while_copying():
        while not copying.is_set():
            await asyncio.sleep(0.01)
        window.close()

    qloop.run_until_complete(close_while_copying())
    assert order == ["closed after the copy"]
    assert errors == []
    backups = store.list_backups(window.store.origin, rotating_only=True)
    assert any("open" in p.name for p in backups)


def test_run_job_runs_in_a_worker_thread_and_can_be_cancelled(qloop, qtbot) -> None:
    main_thread = threading.get_ident()
    seen: dict[str, object] = {}

    def work(n: int, *, progress, cancel) -> int:
        seen["thread"] = threading.get_ident()
        for i in range(n):
            progress(i + 1, n)
        return n * 2

    assert qloop.run_until_complete(run_job(None, "test", work, 5)) == 10
    assert seen["thread"] != main_thread

    started = threading.Event()

    def endless(*, progress, cancel) -> str:
        started.set()
        for _ in range(1000):  # bounded, so a broken Cancel fails the test instead of hanging
            cancel.check()
            progress(1, 2)
            threading.Event().wait(0.01)
        return "not cancelled"

    async def cancel_soon():
        job = asyncio.ensure_future(run_job(None, "endless", endless, show_after_ms=0))
        while not started.is_set():
            await asyncio.sleep(0.01)
        from PySide6.QtWidgets import QProgressDialog

        dialogs_open = [w for w in QApplication.topLevelWidgets() if isinstance(w, QProgressDialog)]
        assert dialogs_open, "the progress dialog is shown"
        button = dialogs_open[-1].findChild(QPushButton)
        assert button.text() == "Cancel"
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        return await job

    with pytest.raises(Cancelled):
        qloop.run_until_complete(cancel_soon())


def test_about_dialog_shows_the_workspace(qtbot, window: MainWindow) -> None:
    about = dialogs.AboutDialog(window.store.location, window)
    qtbot.addWidget(about)
    texts = " ".join(label.text() for label in about.findChildren(type(window.location_label)))
    assert str(window.store.path) in texts
    assert "sans réseau" in texts


def test_settings_menu_opens_the_identity_on_documents(qtbot, window: MainWindow, monkeypatch):
    from PySide6.QtGui import QAction

    from app.views.documents.area import IdentityDialog

    shown: list[IdentityDialog] = []
    monkeypatch.setattr(IdentityDialog, "exec", lambda self: shown.append(self) or 0)
    action = window.findChild(QAction, "actionIdentity")
    assert action is not None and action.text().startswith("&Identité")
    action.trigger()
    assert len(shown) == 1 and shown[0].parent() is window
