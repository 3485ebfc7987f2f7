"""Ballot files from the Votes area: import into an open vote, export a closed vote's ballots.

The work runs off the UI thread with a progress dialog (a national count has tens of thousands
of ballots); a refused file shows why and adds nothing.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QWidget

from app.errors import AtelierError, Cancelled
from app.facilitation import vote_files
from app.i18n import _, ngettext
from app.store import Store
from app.views import dialogs
from app.views.jobs import run_job, track


def filters() -> str:
    return ";;".join(
        (
            _("Ballot files (*.soc *.soi *.toc *.toi *.pb)"),
            _("PrefLib rankings (*.soc *.soi *.toc *.toi)"),
            _("Participatory budget, pabulib (*.pb)"),
        )
    )


def _status(parent: QWidget, text: str) -> None:
    window = parent.window()
    if hasattr(window, "statusBar"):
        window.statusBar().showMessage(text, 8000)


async def import_from(parent: QWidget, store: Store, vote_id: uuid.UUID, path: Path) -> int | None:
    """Import ``path`` into the vote; the number of ballots, or None if refused or cancelled."""

    def job(*, progress, cancel):
        with store.session() as session:
            return vote_files.import_ballots(
                session, vote_id, path, progress=progress, cancel=cancel
            )

    try:
        count = await run_job(parent, _("Importing ballots…"), job)
    except Cancelled:
        return None
    except AtelierError as error:
        dialogs.show_error(parent, _("Import ballots"), str(error))
        return None
    _status(
        parent,
        ngettext(
            "Imported {n} ballot from {file}.", "Imported {n} ballots from {file}.", count
        ).format(n=count, file=path.name),
    )
    return count


async def export_to(parent: QWidget, store: Store, vote_id: uuid.UUID, path: Path) -> int | None:
    """Write the vote's ballots to ``path``; the number written, or None if refused."""

    def job(*, progress, cancel):
        with store.session() as session:
            return vote_files.export_ballots(session, vote_id, path)

    try:
        count = await run_job(parent, _("Exporting ballots…"), job)
    except AtelierError as error:
        dialogs.show_error(parent, _("Export ballots"), str(error))
        return None
    _status(
        parent,
        ngettext("Wrote {n} ballot to {file}.", "Wrote {n} ballots to {file}.", count).format(
            n=count, file=path
        ),
    )
    return count


def choose_import(parent: QWidget, store: Store, vote_id: uuid.UUID, done=None) -> None:
    name, _filter = QFileDialog.getOpenFileName(parent, _("Import ballots"), "", filters())
    if name:
        future = track(parent, import_from(parent, store, vote_id, Path(name)))
        if done is not None:
            future.add_done_callback(lambda _f: done())


def choose_export(parent: QWidget, store: Store, vote_id: uuid.UUID, ballot: str) -> None:
    suggested = "ballots.pb" if ballot == "approval" else "ballots.soi"
    name, _filter = QFileDialog.getSaveFileName(parent, _("Export ballots"), suggested, filters())
    if name:
        track(parent, export_to(parent, store, vote_id, Path(name)))
