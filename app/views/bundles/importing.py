"""File › Import a bundle…: a preview from a dry run, then the import.

The preview says where the bundle comes from (organisation, export date, app version) and,
per kind of record, what would be added, updated, left as it is and in conflict. Records
changed on both sides are settled on the conflict screen before anything is written. A bad
bundle shows the reason it was refused and changes nothing.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.errors import AtelierError, Cancelled
from app.facilitation import exchange_import as I
from app.facilitation.exchange import TABLES, preview_order, table_label
from app.i18n import N_, _, ngettext
from app.locale_formats import format_number
from app.store import Store
from app.views.bundles.common import (
    DONE_STYLE,
    ERROR_STYLE,
    coarse,
    file_filter,
    folder_of,
    moment_text,
    wrapped,
)
from app.views.bundles.conflicts import ConflictDialog
from app.views.jobs import run_job, track
from app.views.models.base import Index, RowTableModel

RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


def deletions_note() -> str:
    return _(
        "Deletions do not travel in a bundle: a record deleted on their side stays here, "
        "and one deleted here comes back if the bundle still holds it."
    )


class PreviewModel(RowTableModel):
    """Per kind of record: added, updated, unchanged or newer here, in conflict."""

    COLUMNS = (
        N_("Kind of record"),
        N_("Added"),
        N_("Updated"),
        N_("Unchanged or newer here"),
        N_("In conflict"),
    )

    def set_plan(self, plan: I.ImportPlan | None) -> None:
        self.beginResetModel()
        self._rows = []
        if plan is not None:
            conflicts: dict[str, int] = {}
            for c in plan.conflicts:
                conflicts[c.table] = conflicts.get(c.table, 0) + 1
            for name in preview_order(TABLES):
                counts = (
                    plan.added.get(name, 0),
                    plan.updated.get(name, 0),
                    plan.skipped.get(name, 0),
                    conflicts.get(name, 0),
                )
                if any(counts):
                    self._rows.append((name, *counts))
        self.endResetModel()

    def counts(self, name: str) -> tuple[int, int, int, int] | None:
        for row in self._rows:
            if row[0] == name:
                return row[1:]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return table_label(row[0])
            return format_number(row[column]) if row[column] else "—"
        if role == Qt.ItemDataRole.TextAlignmentRole and column:
            return RIGHT
        return None


class ImportBundleDialog(QDialog):
    """Choose a bundle, read the preview, settle conflicts, import."""

    #: Emitted with the report after a bundle was imported (the areas then refresh).
    imported = Signal(object)

    def __init__(self, store: Store, parent: QWidget | None = None, *, path=None) -> None:
        super().__init__(parent)
        self.store = store
        self.plan: I.ImportPlan | None = None
        self.report: I.ImportReport | None = None
        self.conflict_dialog: ConflictDialog | None = None
        self.pending = None
        self.setObjectName("importBundleDialog")
        self.setWindowTitle(_("Import a bundle"))
        self.resize(720, 560)
        layout = QVBoxLayout(self)
        row = QHBoxLayout()
        self.path = QLineEdit(self)
        self.path.setObjectName("bundlePath")
        self.path.setReadOnly(True)
        self.path.setPlaceholderText(_("Choose a workshop bundle (.atelier-bundle)"))
        self.choose = QPushButton(_("Choose…"), self)
        self.choose.clicked.connect(self.choose_file)
        row.addWidget(self.path, 1)
        row.addWidget(self.choose)
        layout.addLayout(row)

        self.origin = wrapped("", self, "bundleOrigin")
        layout.addWidget(self.origin)
        self.error = wrapped("", self, "bundleError")
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.hide()
        layout.addWidget(self.error)
        self.model = PreviewModel(self)
        self.table = QTableView(self)
        self.table.setObjectName("bundlePreview")
        self.table.setModel(self.model)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, len(PreviewModel.COLUMNS)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        layout.addWidget(self.table, 100)
        self.summary = wrapped("", self, "bundleSummary")
        layout.addWidget(self.summary)
        self.conflicts_note = wrapped("", self, "bundleConflictsNote")
        self.conflicts_note.setStyleSheet("font-weight: bold;")
        self.conflicts_note.hide()
        layout.addWidget(self.conflicts_note)
        self.deletions = wrapped(deletions_note(), self, "bundleDeletions")
        self.deletions.setStyleSheet("color: #5b6770;")
        layout.addWidget(self.deletions)
        self.message = wrapped("", self, "bundleImportMessage")
        self.message.hide()
        layout.addWidget(self.message)
        layout.addStretch(1)  # takes the room of the table when there is none

        self.buttons = QDialogButtonBox(self)
        self.import_button = self.buttons.addButton(
            _("Import"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.import_button.setObjectName("bundleImport")
        self.import_button.setEnabled(False)
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.import_button.clicked.connect(self.start_import)
        self.close_button.clicked.connect(self.reject)
        layout.addWidget(self.buttons)
        self._path: Path | None = None
        if path is not None:
            self.pending = track(self, self.load(Path(path)))

    def busy(self) -> bool:
        """True while a job of this dialog runs (its progress dialog has the Cancel)."""
        return self.pending is not None and not self.pending.done()

    def reject(self) -> None:
        if self.busy():  # closing now would leave the job without its dialog
            return
        super().reject()

    # ----------------------------------------------------------------- preview
    def choose_file(self) -> None:
        name, _filter = QFileDialog.getOpenFileName(
            self, _("Import a bundle"), str(folder_of(self.store)), file_filter()
        )
        if name:
            self.pending = track(self, self.load(Path(name)))

    async def load(self, path: Path) -> I.ImportPlan | None:
        """Read the bundle and show the dry run; None if refused (the reason is shown)."""
        self._path = path
        self.path.setText(str(path))
        self.plan = None
        self.report = None
        self._show_plan(None)
        self.message.hide()
        self.error.hide()
        store = self.store

        def job(*, progress, cancel):
            with store.session() as session:
                return I.plan_import(session, path, progress=coarse(progress), cancel=cancel)

        try:
            plan = await run_job(self, _("Reading the bundle…"), job)
        except Cancelled:
            self._fail(_("Reading cancelled; nothing was imported."))
            return None
        except AtelierError as error:
            self._fail(str(error))
            return None
        self.plan = plan
        self._show_plan(plan)
        return plan

    def _fail(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()
        self.import_button.setEnabled(False)

    def _show_plan(self, plan: I.ImportPlan | None) -> None:
        self.model.set_plan(plan)
        self.import_button.setEnabled(plan is not None)
        self.table.setVisible(plan is not None)
        self.deletions.setVisible(plan is not None)
        if plan is None:
            self.origin.setText("")
            self.summary.setText("")
            self.conflicts_note.hide()
            return
        self.origin.setText(
            _(
                "“{title}”, from {organisation}{country}, exported on {date} with Atelier "
                "Citoyen {version}."
            ).format(
                title=plan.process_title,
                organisation=plan.organisation or _("an unnamed organisation"),
                country=f" ({plan.country})" if plan.country else "",
                date=moment_text(plan.exported_at),
                version=plan.app_version or "?",
            )
        )
        if plan.changes_nothing and not plan.conflicts:
            self.summary.setText(
                _("Nothing new: everything in this bundle is already here.") + " " + plan.summary()
            )
        else:
            self.summary.setText(plan.summary())
        if plan.conflicts:
            self.conflicts_note.setText(
                ngettext(
                    "{n} record was changed on both sides: you choose which version to keep "
                    "before anything is imported.",
                    "{n} records were changed on both sides: you choose which version to keep "
                    "before anything is imported.",
                    len(plan.conflicts),
                ).format(n=len(plan.conflicts))
            )
            self.conflicts_note.show()
            self.import_button.setText(_("Settle conflicts and import…"))
        else:
            self.conflicts_note.hide()
            self.import_button.setText(_("Import"))

    # ----------------------------------------------------------------- import
    def start_import(self) -> None:
        if self.plan is None or self._path is None:
            return
        if self.plan.conflicts:
            dialog = self.conflict_dialog = ConflictDialog(self.plan.conflicts, self)
            dialog.accepted.connect(lambda: self._run(dialog.resolutions()))
            dialog.open()
            return
        self._run({})

    def _run(self, resolutions: dict) -> None:
        self.pending = track(self, self.apply(resolutions))

    async def apply(self, resolutions: dict | None = None) -> I.ImportReport | None:
        """Import with the conflicts settled as ``resolutions``; the report, or None."""
        path, store = self._path, self.store
        if path is None:
            return None

        def job(*, progress, cancel):
            with store.session() as session:
                return I.apply_import(
                    session, path, resolutions=resolutions, progress=coarse(progress), cancel=cancel
                )

        self.import_button.setEnabled(False)
        try:
            report = await run_job(self, _("Importing the bundle…"), job)
        except Cancelled:
            self._fail(_("Import cancelled; nothing was imported."))
            self.import_button.setEnabled(True)
            return None
        except AtelierError as error:
            self._fail(str(error))
            return None
        self.report = report
        self.conflicts_note.hide()
        self.message.setText(_("Imported.") + " " + report.message())
        self.message.setStyleSheet(DONE_STYLE)
        self.message.show()
        self.imported.emit(report)
        return report
