"""File › Export a bundle…: one process to a ``.atelier-bundle`` file for another workspace.

Before exporting, the dialog says how many people travel with their personal data and how
many as pseudonymous badge codes, and why. The export runs off the UI thread with a progress
dialog and a Cancel button; the result (file, size, SHA-256) is shown in the dialog.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.errors import AtelierError, Cancelled
from app.facilitation import exchange_export as X
from app.facilitation import sessions as S
from app.i18n import _
from app.store import Store
from app.views.bundles.common import (
    DONE_STYLE,
    ERROR_STYLE,
    coarse,
    file_filter,
    file_name,
    folder_of,
    size_text,
    with_suffix,
    wrapped,
)
from app.views.jobs import run_job, track


class ExportBundleDialog(QDialog):
    """Choose a process and a file, see who is pseudonymised, export."""

    #: Emitted with the result after a bundle was written.
    exported = Signal(object)

    def __init__(
        self,
        store: Store,
        parent: QWidget | None = None,
        *,
        process_id: uuid.UUID | None = None,
        path: Path | None = None,
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.result_info: X.ExportResult | None = None
        self.pending = None
        self._chosen_path = path is not None
        self.setObjectName("exportBundleDialog")
        self.setWindowTitle(_("Export a bundle"))
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        layout.addWidget(
            wrapped(
                _(
                    "Carry a process to another workspace, for an exchange day or a partner "
                    "municipality: its sessions, agenda, attendance, votes with their ballots, "
                    "juries and committees, in one file."
                ),
                self,
            )
        )
        form = QFormLayout()
        self.process = QComboBox(self)
        self.process.setObjectName("bundleProcess")
        with store.session() as session:
            for info in S.list_processes(session):
                self.process.addItem(info.title, info.id)
        if process_id is not None:
            self.process.setCurrentIndex(max(0, self.process.findData(process_id)))
        form.addRow(_("Process"), self.process)
        row = QHBoxLayout()
        self.path = QLineEdit(self)
        self.path.setObjectName("bundlePath")
        self.choose = QPushButton(_("Choose…"), self)
        self.choose.clicked.connect(self.choose_file)
        row.addWidget(self.path, 1)
        row.addWidget(self.choose)
        form.addRow(_("File"), row)
        layout.addLayout(form)

        box = QGroupBox(_("Personal data"), self)
        inner = QVBoxLayout(box)
        self.sharing = wrapped("", box, "bundleSharing")
        inner.addWidget(self.sharing)
        inner.addWidget(
            wrapped(
                _(
                    "Whatever the consents, the “has voted” marks, the documents made here and "
                    "the other consents never leave this workspace."
                ),
                box,
            )
        )
        layout.addWidget(box)
        self.message = wrapped("", self, "bundleExportMessage")
        self.message.hide()
        layout.addWidget(self.message)
        layout.addStretch(1)

        self.buttons = QDialogButtonBox(self)
        self.export_button = self.buttons.addButton(
            _("Export"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.export_button.setObjectName("bundleExport")
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.export_button.clicked.connect(self.start_export)
        self.close_button.clicked.connect(self.reject)
        layout.addWidget(self.buttons)

        self.process.currentIndexChanged.connect(self._process_changed)
        if path is not None:
            self.path.setText(str(with_suffix(Path(path))))
        self._process_changed()

    # ----------------------------------------------------------------- choices
    def process_id(self) -> uuid.UUID | None:
        return self.process.currentData()

    def _process_changed(self) -> None:
        pid = self.process_id()
        self.export_button.setEnabled(pid is not None)
        if pid is None:
            self.sharing.setText(_("This workspace has no process to export."))
            return
        with self.store.session() as session:
            summary = X.sharing_summary(session, pid)
        self.sharing.setText(summary.message())
        if not self._chosen_path:
            self.path.setText(str(folder_of(self.store) / file_name(self.process.currentText())))

    def choose_file(self) -> None:
        name, _filter = QFileDialog.getSaveFileName(
            self, _("Export a bundle"), self.path.text(), file_filter()
        )
        if name:
            self._chosen_path = True
            self.path.setText(str(with_suffix(Path(name))))

    def busy(self) -> bool:
        """True while a job of this dialog runs (its progress dialog has the Cancel)."""
        return self.pending is not None and not self.pending.done()

    def reject(self) -> None:
        if self.busy():  # closing now would leave the job without its dialog
            return
        super().reject()

    # ----------------------------------------------------------------- export
    def start_export(self) -> None:
        self.pending = track(self, self.export())

    async def export(self) -> X.ExportResult | None:
        """Write the bundle off the UI thread; the result, or None (refused or cancelled)."""
        pid = self.process_id()
        text = self.path.text().strip()
        if pid is None:
            return None
        if not text:
            self._say(_("Choose where to write the bundle."), ERROR_STYLE)
            return None
        target = with_suffix(Path(text).expanduser())
        store = self.store

        def job(*, progress, cancel):
            with store.session() as session:
                return X.export_process(
                    session, pid, target, progress=coarse(progress), cancel=cancel
                )

        self.export_button.setEnabled(False)
        try:
            result = await run_job(self, _("Exporting the bundle…"), job)
        except Cancelled:
            self._say(_("Export cancelled; nothing was written."), ERROR_STYLE)
            return None
        except AtelierError as error:
            self._say(str(error), ERROR_STYLE)
            return None
        finally:
            self.export_button.setEnabled(self.process_id() is not None)
        self.result_info = result
        self._say(
            _("The bundle was written to {path} ({size}).").format(
                path=result.path, size=size_text(result.size)
            )
            + "\n"
            + _("SHA-256: {sha}").format(sha=result.sha256),
            DONE_STYLE,
        )
        self.exported.emit(result)
        return result

    def _say(self, text: str, style: str) -> None:
        self.message.setText(text)
        self.message.setStyleSheet(style)
        self.message.show()
