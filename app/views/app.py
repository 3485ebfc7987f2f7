"""Start the desktop app: QApplication, language, the qasync loop, the main window."""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
import tempfile
import time
from pathlib import Path

from app import APP_ID, APP_NAME, __version__
from app.errors import AtelierError
from app.i18n import _

RESOURCES = Path(__file__).resolve().parent.parent / "resources"
STYLESHEET = RESOURCES / "styles" / "app.qss"
ICON_SIZES = (16, 32, 48, 64, 128, 256, 512)


def app_icon():
    """The app's icon, in every size shipped (window title bars, task bars, Alt+Tab)."""
    from PySide6.QtGui import QIcon

    icon = QIcon()
    for size in ICON_SIZES:
        path = RESOURCES / "icons" / f"atelier-citoyen-{size}.png"
        if path.exists():
            icon.addFile(str(path))
    return icon


def make_application(argv: list[str] | None = None):
    """The QApplication, named so QSettings and the platform know it."""
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(argv or [sys.argv[0]])
    app.setOrganizationName(APP_ID)
    app.setApplicationName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setDesktopFileName("fr.atelier-citoyen.AtelierCitoyen")
    app.setWindowIcon(app_icon())
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
        settings.add_recent(initial.origin)  # the stick's file, not its local working copy
    geometry = settings.value("window/geometry")
    if geometry is not None:
        window.restoreGeometry(geometry)
    return window


def _bring_forward(window, path: str) -> None:
    """A later launch handed us ``path`` (or "" to just show ourselves)."""
    from PySide6.QtCore import Qt

    current = window.store.origin
    if path and (current is None or Path(path) != Path(current).resolve()):
        window.open_path(Path(path))
    window.setWindowState(window.windowState() & ~Qt.WindowState.WindowMinimized)
    window.show()
    window.raise_()
    window.activateWindow()


def _environment_hooks(window) -> None:
    """ATELIER_REPORT_STARTUP prints when the window is shown; ATELIER_QUIT_AFTER_MS closes it
    after that many milliseconds (smoke tests and benchmarks of the frozen app)."""
    from PySide6.QtCore import QTimer

    if os.environ.get("ATELIER_REPORT_STARTUP"):  # once the first paint events have run
        QTimer.singleShot(0, lambda: print(f"window shown at {time.time():.3f}", flush=True))
    quit_after = os.environ.get("ATELIER_QUIT_AFTER_MS", "")
    if quit_after.isdigit():
        QTimer.singleShot(int(quit_after), window.close)


def run_gui(workspace: Path | None = None, demo: bool = False, language: str | None = None) -> int:
    """Open the main window and run the Qt event loop under qasync until the window closes.

    If the app already runs for this user (and ATELIER_SINGLE_INSTANCE is not "0"), the
    workspace is handed to it instead, and this returns 0 at once.
    """
    import qasync
    from PySide6.QtWidgets import QApplication

    from app.views import single_instance

    app = make_application(sys.argv[:1])
    # Files handed over by a later launch or by macOS (FileOpen), kept until the window exists.
    waiting: list[str] = []
    deliver = {"to": waiting.append}
    app.installEventFilter(single_instance.FileOpenFilter(lambda p: deliver["to"](p), app))
    server = None
    if not demo and os.environ.get("ATELIER_SINGLE_INSTANCE", "1") != "0":
        if single_instance.send_to_running(workspace):
            return 0
        server = single_instance.InstanceServer(parent=app)
        server.open_requested.connect(lambda path: deliver["to"](path))
        server.listen()
    outcome = {"code": 0}

    async def main() -> None:
        try:
            window = create_main_window(workspace, demo, language)
        except AtelierError:
            outcome["code"] = 1
            return
        closed = asyncio.Event()
        QApplication.instance().aboutToQuit.connect(closed.set)
        deliver["to"] = lambda path: _bring_forward(window, path)
        window.show()
        for path in waiting:
            _bring_forward(window, path)
        window.start_backup("open")  # in the background, once the window is on screen
        _environment_hooks(window)
        await closed.wait()

    try:
        with contextlib.suppress(asyncio.CancelledError):  # the loop is torn down at exit
            qasync.run(main())
    finally:
        if server is not None:
            server.close()
    return outcome["code"]
