"""Settings > Consent purposes: what a consent can be for, and how long the data may be kept
for each purpose (GDPR retention), in months or until the consent is withdrawn."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.errors import AtelierError
from app.facilitation import consent
from app.i18n import N_, _
from app.store import Store
from app.views import dialogs
from app.views.models.base import Index, RowTableModel

#: The longest retention a purpose may have (consent._check_months accepts 1 to 1200).
MAX_MONTHS = 1200


def months_box(parent: QWidget, months: int | None) -> QSpinBox:
    """A spin box for a retention period: 1 to 1200 months, or 0 shown as "until withdrawn"
    (no period: kept until the consent is withdrawn)."""
    box = QSpinBox(parent)
    box.setRange(0, MAX_MONTHS)
    box.setSpecialValueText(_("until withdrawn"))
    box.setKeyboardTracking(False)  # one change when typing "24", not "2" then "24"
    box.setValue(months or 0)
    return box


def box_months(box: QSpinBox) -> int | None:
    return box.value() or None


class PurposesModel(RowTableModel):
    COLUMNS = (N_("Purpose"), N_("Code"), N_("Retention (months)"))
    RETENTION = 2

    def set_purposes(self, purposes: list[consent.PurposeInfo]) -> None:
        self.beginResetModel()
        self._rows = list(purposes)
        self.endResetModel()

    def purpose(self, row: int) -> consent.PurposeInfo:
        return self._rows[row]

    def set_retention(self, code: str, months: int | None) -> int:
        """Show a saved change in place (no reset, so the spin boxes stay); returns the row."""
        row = next(r for r, p in enumerate(self._rows) if p.code == code)
        self._rows[row] = replace(self._rows[row], retention_months=months)
        index = self.index(row, self.RETENTION)
        self.dataChanged.emit(index, index)
        return row

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or role != Qt.ItemDataRole.DisplayRole:
            return None
        purpose = self._rows[index.row()]
        column = index.column()
        if column == 0:
            return purpose.label
        if column == 1:
            return purpose.code
        # under the spin box; what a screen reader or a copy gets
        if purpose.retention_months is None:
            return _("until withdrawn")
        return str(purpose.retention_months)


class AddPurposeDialog(QDialog):
    """Name, optional code and retention of a new purpose; added when OK is pressed (an error
    keeps the dialog open so the person can correct it)."""

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.code: str | None = None
        self.setWindowTitle(_("New consent purpose"))
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.label = QLineEdit(self)
        self.label.setPlaceholderText(_("e.g. Newsletter"))
        form.addRow(_("Name"), self.label)
        self.code_edit = QLineEdit(self)
        self.code_edit.setPlaceholderText(_("made from the name if left empty"))
        form.addRow(_("Code"), self.code_edit)
        self.months = months_box(self, 24)
        form.addRow(_("Retention (months)"), self.months)
        layout.addLayout(form)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def accept(self) -> None:
        code = self.code_edit.text().strip() or None
        try:
            with self.store.session() as session:
                consent.add_purpose(session, code, self.label.text(), box_months(self.months))
                # the code the store made (from the name when none was typed)
                self.code = consent.list_purposes(session)[-1].code
        except AtelierError as exc:
            dialogs.show_error(self, _("New consent purpose"), str(exc))
            return
        super().accept()


class PurposesDialog(QDialog):
    """The consent purposes and their retention; a change is saved as soon as it is made."""

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.changed = False
        #: purpose code → its retention spin box (in the table)
        self.boxes: dict[str, QSpinBox] = {}
        self.setWindowTitle(_("Consent purposes"))
        self.resize(640, 380)
        layout = QVBoxLayout(self)
        intro = QLabel(
            _(
                "Each consent is given for a purpose. Personal data may be kept for the "
                "retention period of a current consent, counted from the later of the day it was "
                "given and the person's last attendance; “until withdrawn” keeps it until the "
                "person withdraws their consent."
            )
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.model = PurposesModel(self)
        self.table = QTableView(self)
        self.table.setObjectName("purposes")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(
            PurposesModel.RETENTION, QHeaderView.ResizeMode.ResizeToContents
        )
        layout.addWidget(self.table, 1)
        row = QHBoxLayout()
        self.add_button = QPushButton(_("Add…"), self)
        row.addWidget(self.add_button)
        row.addStretch(1)
        layout.addLayout(row)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        # Enter in a retention box confirms the number; it must not also press a button
        # (open Add… or close the dialog)
        for button in (self.add_button, buttons.button(QDialogButtonBox.StandardButton.Close)):
            button.setAutoDefault(False)
            button.setDefault(False)
        self.add_button.clicked.connect(self.add_purpose)
        self.reload()

    def reload(self) -> None:
        with self.store.session() as session:
            purposes = consent.list_purposes(session)
        self.model.set_purposes(purposes)
        self.boxes = {}
        for row, purpose in enumerate(purposes):
            box = months_box(self.table, purpose.retention_months)
            box.setObjectName(f"retention_{purpose.code}")
            box.setAccessibleName(_("Retention of “{purpose}”").format(purpose=purpose.label))
            box.valueChanged.connect(lambda _value, code=purpose.code: self._save(code))
            self.table.setIndexWidget(self.model.index(row, PurposesModel.RETENTION), box)
            self.boxes[purpose.code] = box
        self.table.resizeColumnToContents(PurposesModel.RETENTION)

    def _save(self, code: str) -> None:
        months = box_months(self.boxes[code])
        try:
            with self.store.session() as session:
                consent.set_retention(session, code, months)
        except AtelierError as exc:
            dialogs.show_error(self, _("Consent purposes"), str(exc))
            self.reload()
            return
        self.changed = True
        self.table.selectRow(self.model.set_retention(code, months))

    def add_purpose(self) -> str | None:
        """Ask for a new purpose and add it; returns its code (None if cancelled)."""
        dialog = AddPurposeDialog(self.store, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        self.changed = True
        self.reload()
        return dialog.code
