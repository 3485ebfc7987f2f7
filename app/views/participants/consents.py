"""A participant's consent records in the detail panel: record one, withdraw one."""

from __future__ import annotations

import uuid
from datetime import date

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.errors import AtelierError
from app.facilitation.consent import (
    ConsentInfo,
    add_consent,
    consents_of,
    list_purposes,
    method_choices,
    withdraw_consent,
)
from app.i18n import N_, _
from app.store import Store
from app.views import dialogs, qt_i18n
from app.views.models.base import Index, RowTableModel


class ConsentModel(RowTableModel):
    COLUMNS = (N_("Purpose"), N_("Given on"), N_("How"), N_("Withdrawn on"))

    def set_consents(self, consents: list[ConsentInfo]) -> None:
        self.beginResetModel()
        self._rows = list(consents)
        self.endResetModel()

    def consent(self, row: int) -> ConsentInfo:
        return self._rows[row]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or role != Qt.ItemDataRole.DisplayRole:
            return None
        c = self._rows[index.row()]
        return (
            c.purpose_label,
            qt_i18n.format_day(c.given_on),
            c.method_label,
            qt_i18n.format_day(c.withdrawn_on),
        )[index.column()]


class ConsentDialog(QDialog):
    """Record a consent: purpose, date, how it was given, a note."""

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Record a consent"))
        form = QFormLayout(self)
        self.purpose = QComboBox(self)
        with store.session() as session:
            for purpose in list_purposes(session):
                self.purpose.addItem(purpose.label, purpose.code)
        form.addRow(_("Purpose"), self.purpose)
        self.given_on = QDateEdit(QDate.currentDate(), self)
        self.given_on.setCalendarPopup(True)
        self.given_on.setDisplayFormat("dd/MM/yyyy")
        form.addRow(_("Given on"), self.given_on)
        self.method = QComboBox(self)
        for code, label in method_choices():
            self.method.addItem(label, code)
        form.addRow(_("How"), self.method)
        self.note = QLineEdit(self)
        form.addRow(_("Note"), self.note)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def values(self) -> tuple[str, date, str, str | None]:
        return (
            self.purpose.currentData(),
            self.given_on.date().toPython(),
            self.method.currentData(),
            self.note.text().strip() or None,
        )


class ConsentsPanel(QWidget):
    """The consents of the participant shown in the detail panel."""

    changed = Signal()

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.participant_id: uuid.UUID | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.model = ConsentModel(self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()  # every title whole, in every language
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.setMaximumHeight(120)
        layout.addWidget(self.table)
        row = QHBoxLayout()
        self.add_button = QPushButton(_("Record a consent…"), self)
        self.withdraw_button = QPushButton(_("Withdraw"), self)
        row.addWidget(self.add_button)
        row.addWidget(self.withdraw_button)
        row.addStretch(1)
        layout.addLayout(row)
        self.add_button.clicked.connect(self.record_dialog)
        self.withdraw_button.clicked.connect(self.withdraw_selected)
        self.show_participant(None)

    def show_participant(self, participant_id: uuid.UUID | None) -> None:
        self.participant_id = participant_id
        if participant_id is None:
            self.model.set_consents([])
        else:
            with self.store.session() as session:
                self.model.set_consents(consents_of(session, participant_id))
        self.add_button.setEnabled(participant_id is not None)
        self.withdraw_button.setEnabled(participant_id is not None)

    def record(self, purpose: str, given_on: date, method: str, note: str | None) -> bool:
        try:
            with self.store.session() as session:
                add_consent(session, self.participant_id, purpose, given_on, method, note)
        except AtelierError as exc:
            dialogs.show_error(self, _("Consent"), str(exc))
            return False
        self.show_participant(self.participant_id)
        self.changed.emit()
        return True

    def record_dialog(self) -> None:
        if self.participant_id is None:
            return
        dialog = ConsentDialog(self.store, self)
        if dialog.exec():
            self.record(*dialog.values())

    def withdraw_selected(self, on: date | None = None) -> bool:
        index = self.table.currentIndex()
        if not index.isValid():
            dialogs.show_error(self, _("Consent"), _("Select a consent in the list first."))
            return False
        consent = self.model.consent(index.row())
        try:
            with self.store.session() as session:
                withdraw_consent(session, consent.id, on or date.today())
        except AtelierError as exc:
            dialogs.show_error(self, _("Consent"), str(exc))
            return False
        self.show_participant(self.participant_id)
        self.changed.emit()
        return True
