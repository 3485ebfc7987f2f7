"""The Juries area: citizen juries drawn by lot, and evaluation juries."""

from __future__ import annotations

from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from app.i18n import _
from app.store import Store
from app.views.juries.evaluation import EvaluationJuriesPage
from app.views.juries.panels import CitizenJuriesPage


class JuriesArea(QWidget):
    """Two tabs: “Citizen juries” (sortition) and “Evaluation juries” (scoring)."""

    def __init__(
        self, store: Store, undo_stack: QUndoStack | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.store = store
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("juryAreaTabs")
        self.citizen = CitizenJuriesPage(store, undo_stack, self.tabs)
        self.evaluation = EvaluationJuriesPage(store, undo_stack, self.tabs)
        self.tabs.addTab(self.citizen, _("Citizen juries"))
        self.tabs.addTab(self.evaluation, _("Evaluation juries"))
        layout.addWidget(self.tabs)
