"""Participants > Retention: who is past the retention period of every consent, and erasing
them (personal data removed, anonymous counts kept)."""

from __future__ import annotations

import asyncio
from datetime import date

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.errors import AtelierError, Cancelled
from app.facilitation.consent import erase_participants, past_retention
from app.i18n import N_, _, ngettext
from app.store import Store
from app.views import dialogs
from app.views.jobs import run_job
from app.views.models.base import Index, RowTableModel


class RetentionModel(RowTableModel):
    COLUMNS = (N_("Code"), N_("Name"), N_("Last activity"), N_("Why"))

    def set_cases(self, cases) -> None:
        self.beginResetModel()
        self._rows = list(cases)
        self.endResetModel()

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or role != Qt.ItemDataRole.DisplayRole:
            return None
        case = self._rows[index.row()]
        column = index.column()
        if column == 0:
            return case.code
        if column == 1:
            return case.name
        if column == 2:
            return case.last_activity.isoformat() if case.last_activity else "—"
        return case.reason

    def case(self, row: int):
        return self._rows[row]


class RetentionDialog(QDialog):
    def __init__(self, store: Store, parent: QWidget | None = None, today: date | None = None):
        super().__init__(parent)
        self.store = store
        self.today = today or date.today()
        self.erased = 0
        self.setWindowTitle(_("Retention"))
        self.resize(760, 480)
        layout = QVBoxLayout(self)
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.model = RetentionModel(self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.table, 1)
        note = QLabel(
            _(
                "Erasing removes names, contact details, address and notes. Attendance, "
                "stakeholder type and attributes stay, without a name, so the figures already "
                "published remain true. Erasure cannot be undone."
            )
        )
        note.setWordWrap(True)
        note.setObjectName("detailHint")
        layout.addWidget(note)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.erase_button = QPushButton(_("Erase the selected people"), self)
        self.erase_all_button = QPushButton(_("Erase everyone listed"), self)
        buttons.addButton(self.erase_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.erase_all_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        self.erase_button.clicked.connect(lambda: self._erase_clicked(selected_only=True))
        self.erase_all_button.clicked.connect(lambda: self._erase_clicked(selected_only=False))
        layout.addWidget(buttons)
        self._tasks: set[asyncio.Future] = set()
        self.reload()

    def reload(self) -> None:
        with self.store.session() as session:
            cases = past_retention(session, self.today)
        self.model.set_cases(cases)
        n = len(cases)
        self.summary.setText(
            ngettext(
                "{n} person has no consent still valid on {day}.",
                "{n} people have no consent still valid on {day}.",
                n,
            ).format(n=n, day=self.today.isoformat())
            if n
            else _("Nobody is past the retention period: there is nothing to erase.")
        )
        self.erase_button.setEnabled(bool(n))
        self.erase_all_button.setEnabled(bool(n))

    def chosen_ids(self, selected_only: bool) -> list:
        rows = (
            sorted({i.row() for i in self.table.selectionModel().selectedRows()})
            if selected_only
            else range(self.model.rowCount(QModelIndex()))
        )
        return [self.model.case(r).participant_id for r in rows]

    def _erase_clicked(self, selected_only: bool) -> None:
        ids = self.chosen_ids(selected_only)
        if not ids:
            return
        answer = QMessageBox.question(
            self,
            _("Erase personal data"),
            ngettext(
                "Erase the personal data of {n} person? This cannot be undone.",
                "Erase the personal data of {n} people? This cannot be undone.",
                len(ids),
            ).format(n=len(ids)),
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        future = asyncio.ensure_future(self.erase(ids))
        self._tasks.add(future)
        future.add_done_callback(self._tasks.discard)

    async def erase(self, ids: list) -> int:
        def job(*, progress, cancel):
            with self.store.session() as session:
                return erase_participants(session, ids, progress=progress, cancel=cancel)

        try:
            result = await run_job(self, _("Erasing…"), job)
        except Cancelled:
            return 0
        except AtelierError as exc:
            dialogs.show_error(self, _("Retention"), str(exc))
            return 0
        self.erased += result.erased
        self.reload()
        return result.erased
