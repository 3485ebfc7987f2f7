"""Sessions of every process, as a Qt table model."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QLocale, Qt

from app.facilitation import labels
from app.facilitation.sessions import ProcessSummary, SessionSummary, process_overview
from app.i18n import N_
from app.store import Store
from app.views.models.base import Index, RowTableModel


@dataclass(frozen=True)
class _Row:
    process: ProcessSummary
    session: SessionSummary


class SessionTableModel(RowTableModel):
    COLUMNS = (N_("Session"), N_("Date"), N_("Place"), N_("Attendance"), N_("Minutes"))

    def __init__(self, store: Store, parent=None) -> None:
        super().__init__(parent)
        self._store = store
        self.processes: list[ProcessSummary] = []
        self.reload()

    def reload(self) -> None:
        self.beginResetModel()
        with self._store.session() as session:
            self.processes = process_overview(session)
        self._rows = [_Row(p, s) for p in self.processes for s in p.sessions]
        self.endResetModel()

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return row.session.title
            if column == 1:
                local = row.session.starts_at.astimezone()
                return QLocale().toString(local, QLocale.FormatType.ShortFormat)
            if column == 2:
                return row.session.place or ""
            if column == 3:
                return row.session.attendance
            return labels.minutes_status(row.session.minutes_status)
        if role == Qt.ItemDataRole.TextAlignmentRole and column == 3:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and column == 0:
            return row.process.title
        return None
