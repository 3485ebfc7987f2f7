"""Processes & sessions: every co-construction process with its sessions and attendance."""

from __future__ import annotations

from PySide6.QtWidgets import QHeaderView, QLabel, QTableView, QVBoxLayout, QWidget

from app.facilitation import labels
from app.i18n import _, ngettext
from app.store import Store
from app.views.areas.empty_state import EmptyState
from app.views.models.sessions import SessionTableModel


class ProcessesArea(QWidget):
    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = SessionTableModel(store, self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 16, 16, 16)
        if not self.model.processes:
            self.table = None
            layout.addWidget(
                EmptyState(
                    _("No process yet"),
                    _(
                        "Your co-construction processes and their sessions will be listed "
                        "here, with attendance and the state of the minutes. Creating them in "
                        "the app comes in the next version; to look around now, open the demo "
                        "workspace (File > Open the demo)."
                    ),
                )
            )
            return
        for process in self.model.processes:
            heading = QLabel(process.title)
            heading.setObjectName("areaTitle")
            heading.setWordWrap(True)
            layout.addWidget(heading)
            facts = QLabel(
                _("Phase: {phase} · {people} · {sessions}").format(
                    phase=labels.phase(process.phase),
                    people=ngettext(
                        "{n} registered participant",
                        "{n} registered participants",
                        process.registered,
                    ).format(n=process.registered),
                    sessions=ngettext("{n} session", "{n} sessions", len(process.sessions)).format(
                        n=len(process.sessions)
                    ),
                )
            )
            facts.setObjectName("areaSubtitle")
            layout.addWidget(facts)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        for column in (1, 3, 4):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.table.resizeRowsToContents()
        layout.addWidget(self.table, 1)
