"""Who volunteers for a process's citizen juries: a checkable list of the registered people.

The pool of every citizen jury of the process is these volunteers; the draw freezes it.
"""

from __future__ import annotations

import uuid

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.errors import AtelierError
from app.facilitation import panels
from app.i18n import _, ngettext
from app.models.text import fold
from app.store import Store
from app.views import dialogs


class VolunteersDialog(QDialog):
    """Tick the people who volunteer; OK saves the changes."""

    def __init__(self, store: Store, process_id: uuid.UUID, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("volunteersDialog")
        self.setWindowTitle(_("Volunteers for the citizen jury"))
        self.store = store
        self.process_id = process_id
        with store.session() as s:
            self.people = panels.registrations(s, process_id)
        layout = QVBoxLayout(self)
        intro = QLabel(
            _(
                "Tick the people registered in this process who volunteer to sit on a citizen "
                "jury. Every jury of the process draws from them."
            ),
            self,
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.search = QLineEdit(self)
        self.search.setObjectName("volunteersSearch")
        self.search.setPlaceholderText(_("Filter by name or code"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.filter)
        layout.addWidget(self.search)
        self.list = QListWidget(self)
        self.list.setObjectName("volunteersList")
        for person in self.people:
            item = QListWidgetItem(f"{person.name}  ·  {person.code}", self.list)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(
                Qt.CheckState.Checked if person.volunteer else Qt.CheckState.Unchecked
            )
            item.setData(Qt.ItemDataRole.UserRole, person.participant_id)
        self.list.itemChanged.connect(lambda _item: self._count())
        layout.addWidget(self.list, 1)
        self.count = QLabel(self)
        layout.addWidget(self.count)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self._count()
        self.resize(480, 560)

    def _count(self) -> None:
        n = len(self.checked())
        self.count.setText(ngettext("{n} volunteer.", "{n} volunteers.", n).format(n=n))

    def filter(self, text: str) -> None:
        wanted = fold(text)
        for row in range(self.list.count()):
            item = self.list.item(row)
            item.setHidden(bool(wanted) and wanted not in fold(item.text()))

    def checked(self) -> set[uuid.UUID]:
        return {
            self.list.item(row).data(Qt.ItemDataRole.UserRole)
            for row in range(self.list.count())
            if self.list.item(row).checkState() == Qt.CheckState.Checked
        }

    def accept(self) -> None:
        chosen = self.checked()
        before = {p.participant_id for p in self.people if p.volunteer}
        try:
            with self.store.session() as s:
                panels.set_volunteers(s, self.process_id, sorted(chosen - before), True)
                panels.set_volunteers(s, self.process_id, sorted(before - chosen), False)
        except AtelierError as error:
            dialogs.show_error(self, _("Volunteers for the citizen jury"), str(error))
            return
        super().accept()
