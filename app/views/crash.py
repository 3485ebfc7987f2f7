"""The last line of defence: an unexpected error is logged and explained, never silent.

:func:`install` replaces ``sys.excepthook`` (errors in Qt slots and the main thread),
``threading.excepthook`` (worker threads) and the asyncio loop's exception handler (qasync
tasks). Each error is written to the log with its traceback; a dialog then says in plain
words what happened, that confirmed work is saved (every form and ballot commits when it is
confirmed), offers to copy the details, and lets the person continue or quit cleanly.

An error raised while that dialog is up is only logged (no dialog over a dialog), and the
same error repeated (same type, same place) shows one dialog, not a flood of them.
"""

from __future__ import annotations

import contextlib
import logging
import platform
import sys
import threading
import traceback
from types import TracebackType

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMainWindow,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app import APP_NAME, __version__, logs
from app.i18n import _

log = logging.getLogger("app.crash")

ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None]


def error_key(exc_type: type[BaseException], tb: TracebackType | None) -> tuple:
    """What makes two errors "the same": their type and the line that raised them."""
    frames = traceback.extract_tb(tb) if tb is not None else []
    where = (frames[-1].filename, frames[-1].lineno) if frames else ("", 0)
    return (exc_type.__qualname__, *where)


def error_details(exc_type, exc, tb) -> str:
    """The text "Copy the details" puts on the clipboard: versions, platform, log, traceback."""
    try:
        from PySide6 import __version__ as qt_version
    except ImportError:  # pragma: no cover
        qt_version = "?"
    lines = [
        f"{APP_NAME} {__version__}",
        f"Python {platform.python_version()} — PySide6 {qt_version}",
        f"{platform.platform()}",
        f"Log: {logs.log_path()}",
        "",
        "".join(traceback.format_exception(exc_type, exc, tb)).rstrip(),
    ]
    return "\n".join(lines)


class CrashDialog(QDialog):
    """Plain words, the details on demand, Continue or Quit."""

    CONTINUE, QUIT = 1, 2

    def __init__(self, details: str, summary: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("crashDialog")
        self.setWindowTitle(_("Something went wrong"))
        self.details = details
        layout = QVBoxLayout(self)
        text = QLabel(
            _(
                "Something went wrong in {app} and this action could not be finished.\n\n"
                "Your confirmed work is saved: every form and ballot is written to the "
                "workspace as soon as you confirm it. You can continue working, or quit and "
                "start the app again.\n\n"
                "If this happens again, copy the details and send them to whoever supports "
                "you."
            ).format(app=APP_NAME),
            self,
        )
        text.setWordWrap(True)
        text.setObjectName("crashText")
        layout.addWidget(text)
        layout.addWidget(QLabel(_("What happened: {summary}").format(summary=summary), self))
        self.details_view = QPlainTextEdit(details, self)
        self.details_view.setReadOnly(True)
        self.details_view.setVisible(False)
        layout.addWidget(self.details_view)
        buttons = QDialogButtonBox(self)
        self.copy_button = QPushButton(_("Copy the details"), self)
        self.copy_button.setObjectName("crashCopy")
        self.continue_button = QPushButton(_("Continue"), self)
        self.continue_button.setObjectName("crashContinue")
        self.continue_button.setDefault(True)
        self.quit_button = QPushButton(_("Quit"), self)
        self.quit_button.setObjectName("crashQuit")
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.quit_button, QDialogButtonBox.ButtonRole.DestructiveRole)
        buttons.addButton(self.continue_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.copy_button.clicked.connect(self.copy_details)
        self.continue_button.clicked.connect(lambda: self.done(self.CONTINUE))
        self.quit_button.clicked.connect(lambda: self.done(self.QUIT))
        layout.addWidget(buttons)
        self.setWindowModality(Qt.WindowModality.ApplicationModal)

    def copy_details(self) -> None:
        QGuiApplication.clipboard().setText(self.details)
        self.details_view.setVisible(True)
        self.copy_button.setText(_("Details copied"))

    def reject(self) -> None:  # Escape continues: quitting is never a key press away
        self.done(self.CONTINUE)


class _Relay(QObject):
    """Carries an error from a worker thread to the GUI thread."""

    raised = Signal(object)


class CrashHandler:
    """Installs the hooks; shows at most one dialog per distinct error, never nested."""

    def __init__(self) -> None:
        self.seen: dict[tuple, int] = {}
        self.showing = False
        self._previous: tuple = ()
        self._relay: _Relay | None = None

    # ----------------------------------------------------------------- hooks
    def install(self, loop=None) -> None:
        self._previous = (sys.excepthook, threading.excepthook)
        self._relay = _Relay()
        self._relay.raised.connect(
            lambda info: self.handle(*info), Qt.ConnectionType.QueuedConnection
        )
        sys.excepthook = self.handle
        threading.excepthook = self._thread_hook
        if loop is not None:
            self.watch_loop(loop)

    def uninstall(self) -> None:
        if self._previous:
            sys.excepthook, threading.excepthook = self._previous
            self._previous = ()

    def watch_loop(self, loop) -> None:
        """Route the asyncio loop's unhandled errors (a task that raised) here."""
        loop.set_exception_handler(self._loop_handler)

    def _thread_hook(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_type is SystemExit:
            return
        info = (args.exc_type, args.exc_value, args.exc_traceback)
        if threading.current_thread() is threading.main_thread() or self._relay is None:
            self.handle(*info)
        else:
            self._log(*info)
            with contextlib.suppress(Exception):
                args.exc_value._atelier_logged = True
            self._relay.raised.emit(info)  # queued: the dialog opens in the GUI thread

    def _loop_handler(self, loop, context: dict) -> None:
        exc = context.get("exception")
        if exc is None:
            log.error("asyncio: %s", context.get("message", context))
            return
        self.handle(type(exc), exc, exc.__traceback__)

    # ----------------------------------------------------------------- handling
    def _log(self, exc_type, exc, tb) -> None:
        with contextlib.suppress(Exception):
            log.error("Unexpected error", exc_info=(exc_type, exc, tb))

    def handle(self, exc_type, exc, tb) -> None:
        """Log the error, then explain it (once per distinct error, never nested)."""
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        if not getattr(exc, "_atelier_logged", False):
            self._log(exc_type, exc, tb)
        key = error_key(exc_type, tb)
        self.seen[key] = self.seen.get(key, 0) + 1
        if self.showing or self.seen[key] > 1 or QApplication.instance() is None:
            if self.seen[key] > 1:
                log.error("The same error again (%d times): no new dialog", self.seen[key])
            return
        self.showing = True
        try:
            choice = self.show_dialog(exc_type, exc, tb)
        except Exception:  # the dialog itself failed: log it, keep the app going
            self._log(*sys.exc_info())
            choice = CrashDialog.CONTINUE
        finally:
            self.showing = False
        if choice == CrashDialog.QUIT:
            self.quit_cleanly()

    def show_dialog(self, exc_type, exc, tb) -> int:
        summary = "".join(traceback.format_exception_only(exc_type, exc)).strip()
        parent = QApplication.activeWindow()
        dialog = CrashDialog(error_details(exc_type, exc, tb), summary, parent)
        try:
            return dialog.exec()
        finally:
            dialog.deleteLater()

    def quit_cleanly(self) -> None:
        """Close the main windows (their workspace is closed and backed up), then quit."""
        log.info("Quitting after an unexpected error")
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, QMainWindow) and widget.isVisible():
                with contextlib.suppress(Exception):
                    widget.close()
        QApplication.quit()


_handler: CrashHandler | None = None


def install(loop=None) -> CrashHandler:
    """Install the crash hooks once (``run_gui`` calls this); returns the handler."""
    global _handler
    if _handler is None:
        _handler = CrashHandler()
        _handler.install(loop)
    elif loop is not None:
        _handler.watch_loop(loop)
    return _handler
