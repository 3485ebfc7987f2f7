"""Participants: the registry, filtered as you type and sorted in the store."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.i18n import _, ngettext
from app.store import Store
from app.views.models.participants import ParticipantTableModel


class ParticipantsArea(QWidget):
    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = ParticipantTableModel(store, self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 16, 16, 16)
        top = QHBoxLayout()
        heading = QLabel(_("Participants"))
        heading.setObjectName("areaTitle")
        top.addWidget(heading)
        top.addStretch(1)
        self.search = QLineEdit(self)
        self.search.setPlaceholderText(_("Filter by name, email or phone…"))
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(280)
        top.addWidget(self.search)
        layout.addLayout(top)

        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for column, width in enumerate((160, 130, 170, 230)):
            self.table.setColumnWidth(column, width)
        layout.addWidget(self.table, 1)
        self.count = QLabel(self)
        self.count.setObjectName("areaSubtitle")
        layout.addWidget(self.count)

        # Filter as you type, without a query per keystroke.
        self._debounce = QTimer(self, singleShot=True, interval=150)
        self._debounce.timeout.connect(self._apply_filter)
        self.search.textChanged.connect(self._debounce.start)
        self._update_count()

    def _apply_filter(self) -> None:
        self.model.set_search(self.search.text())
        self._update_count()

    def _update_count(self) -> None:
        n = self.model.total
        self.count.setText(ngettext("{n} participant", "{n} participants", n).format(n=n))
