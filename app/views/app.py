"""Start the desktop app: QApplication, language, the qasync loop, the main window."""

from __future__ import annotations

import asyncio
import contextlib
import sys
import tempfile
from pathlib import Path

from app import APP_ID, APP_NAME, __version__
from app.errors import AtelierError
from app.i18n import _

STYLESHEET = Path(__file__).resolve().parent.parent / "resources" / "styles" / "app.qss"


def make_application(argv: list[str] | None = None):
    """The QApplication, named so QSettings and the platform know it."""
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(argv or [sys.argv[0]])
    app.setOrganizationName(APP_ID)
    app.setApplicationName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setDesktopFileName("atelier-citoyen")
    if STYLESHEET.exists():
        app.setStyleSheet(STYLESHEET.read_text(encoding="utf-8"))
    return app


def open_initial_store(workspace: Path | None, demo: bool, backup_count: int):
    """The store the window opens on: the demo, the file given, or the default workspace."""
    from app import store

    if demo:
        from app.facilitation.demo import create_demo

        folder = Path(tempfile.mkdtemp(prefix="atelier-demo-"))
        return create_demo(folder / "demo.atelier")
    if workspace is not None:
        return store.open_workspace(workspace, backup_count=backup_count, backup_on_open=False)
    return store.open_default(backup_count=backup_count)


def create_main_window(
    workspace: Path | None = None, demo: bool = False, language: str | None = None, settings=None
):
    """Everything up to a shown main window (shared by run_gui, tests and benchmarks)."""
    from app.views import qt_i18n
    from app.views.dialogs import show_error
    from app.views.main_window import MainWindow
    from app.views.settings import AppSettings

    make_application()
    settings = settings or AppSettings()
    qt_i18n.apply_language(language or settings.language)
    try:
        initial = open_initial_store(workspace, demo, settings.backup_count)
    except AtelierError as exc:
        show_error(None, _("Cannot open this workspace"), str(exc))
        if workspace is None or demo:
            raise
        initial = open_initial_store(None, False, settings.backup_count)
    window = MainWindow(initial, settings)
    if initial.path is not None and not demo:
        settings.add_recent(initial.path)
    geometry = settings.value("window/geometry")
    if geometry is not None:
        window.restoreGeometry(geometry)
    return window


def run_gui(workspace: Path | None = None, demo: bool = False, language: str | None = None) -> int:
    """Open the main window and run the Qt event loop under qasync until the window closes."""
    import qasync
    from PySide6.QtWidgets import QApplication

    make_application(sys.argv[:1])
    outcome = {"code": 0}

    async def main() -> None:
        try:
            window = create_main_window(workspace, demo, language)
        except AtelierError:
            outcome["code"] = 1
            return
        closed = asyncio.Event()
        QApplication.instance().aboutToQuit.connect(closed.set)
        window.show()
        window.start_backup("open")  # in the background, once the window is on screen
        await closed.wait()

    with contextlib.suppress(asyncio.CancelledError):  # the loop is torn down at exit
        qasync.run(main())
    return outcome["code"]
