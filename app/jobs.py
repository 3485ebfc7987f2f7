"""Long work as plain functions: ``progress(done, total)`` and a cancel token.

A long operation (a backup, an import, a draw, a report) is an ordinary function that accepts
``progress`` and ``cancel`` keyword arguments. It calls ``progress`` now and then and
``cancel.check()`` at safe points; ``check`` raises :class:`~app.errors.Cancelled`, and the
function leaves nothing half-done behind. The CLI runs it with a text progress bar, the views
run it off the UI thread through qasync with a progress dialog and a Cancel button, and tests
call it directly.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from app.errors import Cancelled
from app.i18n import _

Progress = Callable[[int, int], None]


def no_progress(done: int, total: int) -> None:
    """A progress callback that shows nothing."""


class CancelToken:
    """Set from any thread to ask a running job to stop at its next safe point."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def check(self) -> None:
        if self._event.is_set():
            raise Cancelled(_("Cancelled: nothing was changed."))
