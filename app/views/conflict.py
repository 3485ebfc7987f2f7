"""The conflict dialog: someone saved the record while this user was editing it.

Both versions side by side, field by field (the fields that differ in bold). The user keeps
theirs (saved again over the new version) or takes the saved one; Cancel goes back to the
editor with nothing saved and nothing lost.
"""

from __future__ import annotations

from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.facilitation.conflicts import EditConflict
from app.i18n import N_, _

KEEP_MINE = "mine"
TAKE_STORED = "stored"

COLUMNS = (N_("Field"), N_("Your version"), N_("Saved version"))


class ConflictDialog(QDialog):
    """Shows an :class:`EditConflict`; ``choice`` is KEEP_MINE, TAKE_STORED or None."""

    def __init__(self, conflict: EditConflict, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("conflictDialog")
        self.conflict = conflict
        self.choice: str | None = None
        self.setWindowTitle(_("Changed by someone else"))
        layout = QVBoxLayout(self)
        intro = QLabel(
            _(
                "“{record}” was saved by someone else while you were editing it. "
                "Nothing of yours is saved yet. Compare the two versions and choose."
            ).format(record=conflict.record),
            self,
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)

        shown = sorted(conflict.fields, key=lambda f: not f.differs)  # differing fields first
        self.table = QTableWidget(len(shown), len(COLUMNS), self)
        self.table.setHorizontalHeaderLabels([_(c) for c in COLUMNS])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        bold = QFont(self.font())
        bold.setBold(True)
        for row, item in enumerate(shown):
            for column, text in enumerate((item.label, item.yours_text, item.stored_text)):
                cell = QTableWidgetItem(text)
                if item.differs:
                    cell.setFont(bold)
                cell.setToolTip(text)
                self.table.setItem(row, column, cell)
        self.table.resizeRowsToContents()
        layout.addWidget(self.table)

        buttons = QDialogButtonBox(self)
        self.keep_button = QPushButton(_("Keep mine"), self)
        self.keep_button.setToolTip(_("Save your version over the one saved meanwhile"))
        self.take_button = QPushButton(_("Take the saved version"), self)
        self.take_button.setToolTip(_("Show the saved version and drop your changes"))
        buttons.addButton(self.keep_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.take_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.keep_button.clicked.connect(lambda: self._choose(KEEP_MINE))
        self.take_button.clicked.connect(lambda: self._choose(TAKE_STORED))
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(640, 360)

    def _choose(self, choice: str) -> None:
        self.choice = choice
        self.accept()


def resolve(parent: QWidget | None, conflict: EditConflict) -> str | None:
    """Ask the user; KEEP_MINE, TAKE_STORED, or None (cancelled: back to editing)."""
    dialog = ConflictDialog(conflict, parent)
    dialog.exec()
    return dialog.choice
