"""The conflict screen: records changed both here and in the bundle, side by side.

Each record is listed with what differs; selecting one shows every field of both versions,
the differing ones highlighted. The person keeps ours or takes theirs, record by record or for
all at once; the import is offered only once every record has a choice, so nothing is
overwritten silently.
"""

from __future__ import annotations

import re
from datetime import date

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.facilitation import actions, labels
from app.facilitation.exchange import field_label, record_label, table_label
from app.facilitation.exchange_import import Conflict
from app.i18n import N_, _, ngettext
from app.views.bundles.common import moment_text, wrapped
from app.views.models.base import Index, RowTableModel
from app.views.models.committees import day_text

DIFFERENT = QBrush(QColor("#fff1c2"))
DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
OURS, THEIRS = "ours", "theirs"
#: Columns not shown in the comparison: identity, creation time (the same on both sides).
QUIET = ("id", "created_at")


def _choice_text(choice: str | None) -> str:
    if choice == OURS:
        return _("Keep ours")
    if choice == THEIRS:
        return _("Take theirs")
    return _("To choose")


def value_text(value) -> str:
    """A stored value as text for the comparison (an empty value shows as a dash, times and
    days as people read them)."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, str) and DAY.fullmatch(value):
        return day_text(date.fromisoformat(value))
    if isinstance(value, str) and MOMENT.match(value):
        return moment_text(value)
    return str(value)


def coded_text(table: str, key: str, value) -> str:
    """A code stored in a record (a status, a phase…) as people read it; else value_text."""
    if isinstance(value, str) and value:
        if table == "action" and key == "status":
            return actions.status_label(value)
        if key == "stakeholder_type":
            return labels.stakeholder_type(value)
        if table == "process" and key == "phase":
            return labels.phase(value)
    return value_text(value)


class ConflictListModel(RowTableModel):
    """One row per record in conflict: kind, record, fields that differ, the choice."""

    COLUMNS = (N_("Kind"), N_("Record"), N_("Differs in"), N_("Your choice"))

    def __init__(self, conflicts: list[Conflict], parent=None) -> None:
        super().__init__(parent)
        self._rows = list(conflicts)
        self.choices: dict[tuple[str, str], str] = {}

    def conflict(self, row: int) -> Conflict:
        return self._rows[row]

    def choose(self, rows: list[int], choice: str) -> None:
        for row in rows:
            c = self._rows[row]
            self.choices[(c.table, c.id)] = choice
        if rows:
            last = self.columnCount() - 1
            self.dataChanged.emit(self.index(min(rows), last), self.index(max(rows), last))

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        c = self._rows[index.row()]
        column = index.column()
        choice = self.choices.get((c.table, c.id))
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return table_label(c.table)
            if column == 1:
                return record_label(c.table, c.ours)
            if column == 2:
                return ", ".join(field_label(f) for f in c.fields)
            return _choice_text(choice)
        if role == Qt.ItemDataRole.ToolTipRole and column == 2:
            return ", ".join(field_label(f) for f in c.fields)
        if role == Qt.ItemDataRole.FontRole and column == 3 and choice is None:
            font = QFont()
            font.setItalic(True)
            return font
        return None


class ComparisonModel(RowTableModel):
    """Both versions of one record, field by field; differing fields first and highlighted."""

    COLUMNS = (N_("Field"), N_("Here (ours)"), N_("In the bundle (theirs)"))

    table = ""

    def show(self, conflict: Conflict | None) -> None:
        self.beginResetModel()
        self._rows = []
        self.table = conflict.table if conflict is not None else ""
        if conflict is not None:
            differing = list(conflict.fields)
            rest = [
                k
                for k in dict.fromkeys([*conflict.ours, *conflict.theirs])
                if k not in differing and k not in QUIET and not k.endswith("_id")
            ]
            for key in differing + rest:
                self._rows.append(
                    (key, conflict.ours.get(key), conflict.theirs.get(key), key in differing)
                )
        self.endResetModel()

    def differing(self) -> list[str]:
        return [key for key, _o, _t, differs in self._rows if differs]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        key, ours, theirs, differs = self._rows[index.row()]
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            if column == 0:
                return field_label(key)
            return coded_text(self.table, key, ours if column == 1 else theirs)
        if role == Qt.ItemDataRole.BackgroundRole and differs:
            return DIFFERENT
        if role == Qt.ItemDataRole.FontRole and differs:
            font = QFont()
            font.setBold(True)
            return font
        return None


class ConflictDialog(QDialog):
    """Settle every record changed on both sides; ``resolutions()`` once accepted."""

    def __init__(self, conflicts: list[Conflict], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("bundleConflictDialog")
        self.setWindowTitle(_("Records changed on both sides"))
        self.resize(980, 560)
        layout = QVBoxLayout(self)
        layout.addWidget(
            wrapped(
                ngettext(
                    "{n} record was changed both here and in the bundle since the two "
                    "workspaces last agreed. Compare the two versions, then keep ours or take "
                    "theirs. Nothing is overwritten without your choice.",
                    "{n} records were changed both here and in the bundle since the two "
                    "workspaces last agreed. Compare the two versions of each, then keep ours "
                    "or take theirs. Nothing is overwritten without your choice.",
                    len(conflicts),
                ).format(n=len(conflicts)),
                self,
            )
        )
        self.model = ConflictListModel(conflicts, self)
        self.list = QTableView(self)
        self.list.setObjectName("conflictList")
        self.list.setModel(self.model)
        self.list.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.list.verticalHeader().hide()
        self.list.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header = self.list.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.ResizeToContents)

        self.comparison = ComparisonModel(self)
        self.versions = QTableView(self)
        self.versions.setObjectName("conflictVersions")
        self.versions.setModel(self.comparison)
        self.versions.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.versions.setWordWrap(True)
        self.versions.verticalHeader().hide()
        self.versions.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        vh = self.versions.horizontalHeader()
        vh.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        vh.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        vh.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)

        left = QWidget(self)
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.list, 1)
        row = QHBoxLayout()
        self.keep_ours = QPushButton(_("Keep ours"), left)
        self.keep_ours.setObjectName("keepOurs")
        self.take_theirs = QPushButton(_("Take theirs"), left)
        self.take_theirs.setObjectName("takeTheirs")
        row.addWidget(self.keep_ours)
        row.addWidget(self.take_theirs)
        row.addStretch(1)
        column.addLayout(row)
        row = QHBoxLayout()
        self.all_ours = QPushButton(_("Keep ours for all"), left)
        self.all_ours.setObjectName("keepOursForAll")
        self.all_theirs = QPushButton(_("Take theirs for all"), left)
        self.all_theirs.setObjectName("takeTheirsForAll")
        row.addWidget(self.all_ours)
        row.addWidget(self.all_theirs)
        row.addStretch(1)
        column.addLayout(row)

        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(left)
        splitter.addWidget(self.versions)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)
        splitter.setSizes([540, 440])
        layout.addWidget(splitter, 1)

        self.status = wrapped("", self, "conflictStatus")
        layout.addWidget(self.status)
        self.buttons = QDialogButtonBox(self)
        self.import_button = self.buttons.addButton(
            _("Import with these choices"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.import_button.setObjectName("conflictImport")
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

        self.keep_ours.clicked.connect(lambda: self.choose_selected(OURS))
        self.take_theirs.clicked.connect(lambda: self.choose_selected(THEIRS))
        self.all_ours.clicked.connect(lambda: self.choose_all(OURS))
        self.all_theirs.clicked.connect(lambda: self.choose_all(THEIRS))
        self.list.selectionModel().selectionChanged.connect(self._selected)
        if conflicts:
            self.select(0)
        self._update()

    # ----------------------------------------------------------------- choices
    def select(self, row: int) -> None:
        self.list.selectionModel().select(
            self.model.index(row, 0),
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.list.setCurrentIndex(self.model.index(row, 0))

    def selected_rows(self) -> list[int]:
        return sorted({i.row() for i in self.list.selectionModel().selectedRows()})

    def _selected(self, *_args) -> None:
        rows = self.selected_rows()
        self.comparison.show(self.model.conflict(rows[0]) if rows else None)
        self._update()

    def choose_selected(self, choice: str) -> None:
        rows = self.selected_rows()
        self.model.choose(rows, choice)
        # Move on to the next record still to settle, the way one works down a list.
        pending = [r for r in range(self.model.rowCount()) if self._choice(r) is None]
        later = [r for r in pending if rows and r > rows[-1]] or pending
        if later:
            self.select(later[0])
        self._update()

    def choose_all(self, choice: str) -> None:
        self.model.choose(list(range(self.model.rowCount())), choice)
        self._update()

    def _choice(self, row: int) -> str | None:
        c = self.model.conflict(row)
        return self.model.choices.get((c.table, c.id))

    def resolutions(self) -> dict[tuple[str, str], str]:
        return dict(self.model.choices)

    def missing(self) -> int:
        return sum(1 for r in range(self.model.rowCount()) if self._choice(r) is None)

    def _update(self) -> None:
        rows = self.selected_rows()
        self.keep_ours.setEnabled(bool(rows))
        self.take_theirs.setEnabled(bool(rows))
        missing = self.missing()
        self.import_button.setEnabled(missing == 0)
        if missing:
            self.status.setText(
                ngettext(
                    "{n} record still needs a choice before importing.",
                    "{n} records still need a choice before importing.",
                    missing,
                ).format(n=missing)
            )
        else:
            theirs = sum(1 for v in self.model.choices.values() if v == THEIRS)
            ours = len(self.model.choices) - theirs
            text = _(
                "Every record has a choice: {theirs} taken from the bundle, {ours} kept as "
                "they are here."
            )
            self.status.setText(text.format(theirs=theirs, ours=ours))

    def accept(self) -> None:
        if self.missing():  # the button is disabled; a keyboard Enter must not slip through
            return
        super().accept()
