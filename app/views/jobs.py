"""Run a long job off the UI thread (qasync) with a progress dialog and a Cancel button.

The job is a plain function taking ``progress`` and ``cancel`` keyword arguments (see
:mod:`app.jobs`); it runs in a worker thread while the Qt event loop keeps the window alive.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from concurrent.futures import Executor
from typing import Any, TypeVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QProgressDialog, QWidget

from app.i18n import _
from app.jobs import CancelToken

T = TypeVar("T")


async def run_job(
    parent: QWidget | None,
    title: str,
    func: Callable[..., T],
    /,
    *args: Any,
    executor: Executor | None = None,
    show_after_ms: int = 400,
    **kwargs: Any,
) -> T:
    """Await ``func(*args, progress=..., cancel=..., **kwargs)`` run in a worker thread.

    A window-modal progress dialog appears if the job lasts longer than ``show_after_ms``;
    its Cancel button sets the job's cancel token, and the job raises
    :class:`~app.errors.Cancelled` at its next safe point.
    """
    loop = asyncio.get_running_loop()
    token = CancelToken()
    dialog = QProgressDialog(title, _("Cancel"), 0, 0, parent)
    dialog.setWindowTitle(title)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(show_after_ms)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    dialog.canceled.connect(token.cancel)
    dialog.setValue(0)

    def show_progress(done: int, total: int) -> None:
        if dialog.maximum() != total:
            dialog.setMaximum(max(total, 0))
        dialog.setValue(min(done, total))

    def progress(done: int, total: int) -> None:  # called from the worker thread
        loop.call_soon_threadsafe(show_progress, done, total)

    call = functools.partial(func, *args, progress=progress, cancel=token, **kwargs)
    try:
        return await loop.run_in_executor(executor, call)
    finally:
        dialog.canceled.disconnect(token.cancel)
        dialog.close()
        dialog.deleteLater()


def track(widget: QWidget, coroutine) -> asyncio.Future:
    """Schedule ``coroutine`` on the running loop, kept alive as long as ``widget`` is."""
    future = asyncio.ensure_future(coroutine)
    tasks = widget.__dict__.setdefault("_tasks", set())
    tasks.add(future)
    future.add_done_callback(tasks.discard)
    return future
