"""Qt table models for processes, sessions, agendas, decisions and the check-in list."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont

from app.facilitation import labels
from app.facilitation.sessions import (
    AgendaItemInfo,
    DecisionInfo,
    ProcessSummary,
    SessionSummary,
    process_overview,
)
from app.facilitation.signin import Candidate
from app.i18n import N_, _
from app.store import Store
from app.views import qt_i18n
from app.views.models.base import Index, RowTableModel

PRESENT_BRUSH = QBrush(QColor("#dff0d8"))
LEFT_BRUSH = QBrush(QColor("#ececec"))

_DECISION_STATUSES = {
    "proposed": N_("Proposed"),
    "adopted": N_("Adopted"),
    "rejected": N_("Rejected"),
    "postponed": N_("Postponed"),
}


def decision_status(code: str) -> str:
    return _(_DECISION_STATUSES.get(code, code))


def local_time(moment: datetime | None) -> str:
    """``HH:MM`` in the computer's time zone."""
    return moment.astimezone().strftime("%H:%M") if moment else ""


def local_datetime(moment: datetime | None) -> str:
    return qt_i18n.format_datetime(moment)


@dataclass(frozen=True)
class _Row:
    process: ProcessSummary
    session: SessionSummary


class SessionTableModel(RowTableModel):
    """The sessions of one process (or of every process when none is chosen)."""

    COLUMNS = (N_("Session"), N_("Date"), N_("Place"), N_("Attendance"), N_("Minutes"))

    def __init__(self, store: Store, parent=None) -> None:
        super().__init__(parent)
        self._store = store
        self.processes: list[ProcessSummary] = []
        self.process_id: uuid.UUID | None = None
        self.reload()

    def reload(self) -> None:
        self.beginResetModel()
        with self._store.session() as session:
            self.processes = process_overview(session)
        if self.process_id not in {p.id for p in self.processes}:
            self.process_id = self.processes[0].id if self.processes else None
        self._rows = [
            _Row(p, s)
            for p in self.processes
            if self.process_id is None or p.id == self.process_id
            for s in p.sessions
        ]
        self.endResetModel()

    def set_process(self, process_id: uuid.UUID | None) -> None:
        if process_id != self.process_id:
            self.process_id = process_id
            self.reload()

    def process(self) -> ProcessSummary | None:
        return next((p for p in self.processes if p.id == self.process_id), None)

    def session_at(self, row: int) -> SessionSummary:
        return self._rows[row].session

    def row_of(self, session_id: uuid.UUID) -> int:
        return next((i for i, r in enumerate(self._rows) if r.session.id == session_id), -1)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return row.session.title
            if column == 1:
                return local_datetime(row.session.starts_at)
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


class CandidateTableModel(RowTableModel):
    """The people offered at the door for what was typed."""

    COLUMNS = (N_("Name"), N_("Stakeholder type"), N_("Code"), N_("Signed in"))

    def set_rows(self, rows: list[Candidate]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def candidate(self, row: int) -> Candidate:
        return self._rows[row]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        c: Candidate = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return c.full_name or _("(no name)")
            if column == 1:
                kind = labels.stakeholder_type(c.stakeholder_type)
                return f"{kind} · {c.affiliation}" if c.affiliation else kind
            if column == 2:
                return c.code
            if c.signed_out_at is not None:
                return _("left at {time}").format(time=local_time(c.signed_out_at))
            if c.present:
                return _("✓ present since {time}").format(time=local_time(c.signed_in_at))
            return "" if c.registered else _("not registered yet")
        if role == Qt.ItemDataRole.BackgroundRole:
            if c.signed_out_at is not None:
                return LEFT_BRUSH
            if c.present:
                return PRESENT_BRUSH
        if role == Qt.ItemDataRole.FontRole and column == 0:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole and not c.registered:
            return _("Not registered in this process: signing in registers them.")
        return None


class AgendaTableModel(RowTableModel):
    """Agenda items; the title and duration are edited in place."""

    COLUMNS = (N_("Item"), N_("Duration (min)"))
    #: (item id, title, duration or None) when a cell was edited
    edited = Signal(object, str, object)

    def set_rows(self, rows: list[AgendaItemInfo]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def item(self, row: int) -> AgendaItemInfo:
        return self._rows[row]

    def flags(self, index: Index) -> Qt.ItemFlag:
        return super().flags(index) | Qt.ItemFlag.ItemIsEditable

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        item: AgendaItemInfo = self._rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if index.column() == 0:
                return item.title
            if item.duration_minutes is None:
                return "" if role == Qt.ItemDataRole.DisplayRole else 0
            return item.duration_minutes
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == 1:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def setData(self, index: Index, value, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or role != Qt.ItemDataRole.EditRole:
            return False
        item: AgendaItemInfo = self._rows[index.row()]
        if index.column() == 0:
            self.edited.emit(item.id, str(value), item.duration_minutes)
        else:
            minutes = int(value) if value not in (None, "") else None
            self.edited.emit(item.id, item.title, minutes or None)
        return True

    def headerData(self, section: int, orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Vertical and role == Qt.ItemDataRole.DisplayRole:
            return str(section + 1)
        return super().headerData(section, orientation, role)


class DecisionTableModel(RowTableModel):
    """Decisions recorded in a session; the text is edited in place."""

    COLUMNS = (N_("Decision"), N_("Status"))
    #: (decision id, new text)
    edited = Signal(object, str)

    def set_rows(self, rows: list[DecisionInfo]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def decision(self, row: int) -> DecisionInfo:
        return self._rows[row]

    def flags(self, index: Index) -> Qt.ItemFlag:
        flags = super().flags(index)
        return flags | Qt.ItemFlag.ItemIsEditable if index.column() == 0 else flags

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        d: DecisionInfo = self._rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return d.text if index.column() == 0 else decision_status(d.status)
        return None

    def setData(self, index: Index, value, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or role != Qt.ItemDataRole.EditRole or index.column() != 0:
            return False
        self.edited.emit(self._rows[index.row()].id, str(value))
        return True
