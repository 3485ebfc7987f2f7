"""Generate a document from anywhere in the app: ask where to save it, make it off the UI
thread with a progress bar, record it, then open it in the system's PDF viewer (from which it
is printed: Qt cannot print a PDF file itself without the QtPdf add-on)."""

from __future__ import annotations

import asyncio
import re
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QWidget

from app import i18n
from app.errors import AtelierError, Cancelled
from app.facilitation import reports
from app.i18n import _
from app.store import Store
from app.views import dialogs
from app.views.jobs import run_job, track


def suggested_name(kind: str, subject_label: str = "") -> str:
    """A file name for a new document: "<document> - <subject>.pdf", safe on every system."""
    spec = reports.DOCUMENTS.get(kind)
    base = _(spec.label) if spec else kind
    if subject_label:
        base = f"{base} - {subject_label}"
    base = re.sub(r'[\\/:*?"<>|\n\r\t]+', " ", base)
    return " ".join(base.split())[:120] + ".pdf"


def open_document(path: str | Path) -> bool:
    """Show a PDF in the system's viewer (where it can also be printed)."""
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(Path(path).resolve())))


def ask_path(parent: QWidget, kind: str, subject_label: str = "", folder: Path | None = None):
    """The file the person chooses to write, or None when they cancel."""
    start = (folder or Path.home()) / suggested_name(kind, subject_label)
    name, _filter = QFileDialog.getSaveFileName(
        parent, _("Save the document as"), str(start), _("PDF documents (*.pdf)")
    )
    if not name:
        return None
    path = Path(name)
    return path if path.suffix.lower() == ".pdf" else path.with_suffix(".pdf")


async def generate_to(
    parent: QWidget,
    store: Store,
    kind: str,
    subject_id: uuid.UUID | None,
    path: Path,
    *,
    language: str | None = None,
    options: dict[str, Any] | None = None,
    open_after: bool = True,
    done: Callable[[reports.GeneratedInfo], None] | None = None,
) -> reports.GeneratedInfo | None:
    """Make the document in a worker thread (progress and Cancel shown after a moment);
    a refusal is explained, nothing is left half-written. ``done`` is called on success."""
    language = language or i18n.current_language()

    def job(*, progress, cancel):
        with store.session() as session:
            return reports.generate(
                session,
                kind,
                subject_id,
                path,
                language=language,
                progress=progress,
                cancel=cancel,
                **(options or {}),
            )

    try:
        info = await run_job(parent, _("Writing the document…"), job)
    except Cancelled:
        return None
    except AtelierError as error:
        dialogs.show_error(parent, _("Document"), str(error))
        return None
    if done is not None:
        done(info)
    if open_after:
        open_document(info.path)
    return info


def print_document(
    parent: QWidget,
    store: Store,
    kind: str,
    subject_id: uuid.UUID | None,
    *,
    subject_label: str = "",
    language: str | None = None,
    options: dict[str, Any] | None = None,
) -> asyncio.Future | None:
    """ "Print…" beside a subject: choose a file, make the PDF, open it to print it.

    Returns the running job (None when the person cancelled the file dialog).
    """
    path = ask_path(parent, kind, subject_label)
    if path is None:
        return None
    return track(
        parent,
        generate_to(parent, store, kind, subject_id, path, language=language, options=options),
    )
