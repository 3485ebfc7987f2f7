"""What the bundle dialogs share: file filter, suggested folder, message styles."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from app.facilitation.exchange import SUFFIX
from app.i18n import _
from app.jobs import Progress
from app.locale_formats import localise
from app.store import Store
from app.views.models.sessions import local_datetime

ERROR_STYLE = "color: #8a1c12; font-weight: bold;"
DONE_STYLE = "color: #1e5e2f;"


def file_filter() -> str:
    return _("Workshop bundles (*{suffix})").format(suffix=SUFFIX)


def folder_of(store: Store) -> Path:
    """Where to offer a bundle: beside the workspace, else the home folder."""
    origin = getattr(store, "origin", None) or getattr(store, "path", None)
    if origin is not None and Path(origin).parent.is_dir():
        return Path(origin).resolve().parent
    return Path.home()


def file_name(title: str) -> str:
    """A file name made of a process title: letters, digits and dashes."""
    stem = re.sub(r"[^\w]+", "-", title, flags=re.UNICODE).strip("-")[:60] or "process"
    return stem + SUFFIX


def with_suffix(path: Path) -> Path:
    return path if path.suffix == SUFFIX else path.with_name(path.name + SUFFIX)


def moment_text(iso: str | None) -> str:
    """An ISO time from a manifest as people read it (the text itself if not a time)."""
    if not iso:
        return "?"
    try:
        return local_datetime(datetime.fromisoformat(iso))
    except ValueError:
        return iso


def wrapped(text: str, parent: QWidget, name: str = "") -> QLabel:
    label = QLabel(text, parent)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    if name:
        label.setObjectName(name)
    return label


def size_text(size: int) -> str:
    if size >= 1_000_000:
        return _("{n} MB").format(n=localise(f"{size / 1_000_000:.1f}"))
    return _("{n} kB").format(n=max(1, round(size / 1000)))


def coarse(progress: Progress, steps: int = 10) -> Progress:
    """``progress`` told only when another tenth of the work is done (and at the end): each
    report crosses to the UI thread through a Qt signal, and a bar needs no more."""
    last = [-1]

    def report(done: int, total: int) -> None:
        step = steps if total <= 0 or done >= total else done * steps // total
        if step != last[0]:
            last[0] = step
            progress(done, total)

    return report
