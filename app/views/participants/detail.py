"""The detail panel: one participant's contact, stakeholder type, attributes and notes."""

from __future__ import annotations

import uuid

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.errors import AtelierError
from app.facilitation.conflicts import EditConflict
from app.facilitation.participants import (
    ParticipantData,
    participant_conflict,
    participant_detail,
    participant_version,
    stakeholder_choices,
)
from app.facilitation.vocabularies import Vocabulary, load_vocabularies
from app.i18n import _, ngettext
from app.store import Store
from app.views import conflict as conflict_dialog
from app.views.participants.consents import ConsentsPanel

NO_YEAR = 1899  # the spin box's "no value" position


class ParticipantDetail(QWidget):
    """Edits one participant, or a new one. Emits ``save_requested(participant_id or None,
    data)``; the area turns it into an undoable command.

    It remembers the version of the participant it shows: when someone else saved the same
    person meanwhile, saving opens the conflict dialog first (keep mine, or take theirs)."""

    save_requested = Signal(object, object)

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.participant_id: uuid.UUID | None = None
        #: The version shown (optimistic locking), None for a new participant.
        self.version: int | None = None
        with store.session() as session:
            self.vocabularies: dict[str, Vocabulary] = load_vocabularies(session)

        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.heading = QLabel(self)
        self.heading.setObjectName("detailTitle")
        self.heading.setWordWrap(True)
        outer.addWidget(self.heading)

        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        body = QWidget()
        scroll.setWidget(body)
        outer.addWidget(scroll, 1)
        layout = QVBoxLayout(body)

        contact = QGroupBox(_("Contact"), body)
        form = QFormLayout(contact)
        self.code = QLabel(contact)
        self.code.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.code.setToolTip(_("The code on the badge; a scanner types it at sign-in."))
        form.addRow(_("Code"), self.code)
        self.first_name = QLineEdit(contact)
        form.addRow(_("First name"), self.first_name)
        self.last_name = QLineEdit(contact)
        form.addRow(_("Last name"), self.last_name)
        self.email = QLineEdit(contact)
        self.email.setPlaceholderText(_("name@example.org"))
        form.addRow(_("Email"), self.email)
        self.phone = QLineEdit(contact)
        form.addRow(_("Phone"), self.phone)
        self.address = QPlainTextEdit(contact)
        self.address.setFixedHeight(56)
        self.address.setTabChangesFocus(True)
        form.addRow(_("Postal address"), self.address)
        self.household = QLabel(contact)
        self.household.setWordWrap(True)
        self.household.setObjectName("detailHint")
        form.addRow(_("Household"), self.household)
        layout.addWidget(contact)

        role = QGroupBox(_("Role"), body)
        form = QFormLayout(role)
        self.stakeholder = QComboBox(role)
        for code, label in stakeholder_choices():
            self.stakeholder.addItem(label, code)
        form.addRow(_("Stakeholder type"), self.stakeholder)
        self.affiliation = QLineEdit(role)
        self.affiliation.setPlaceholderText(_("Association, company, department…"))
        form.addRow(_("Organisation"), self.affiliation)
        layout.addWidget(role)

        self.attributes_box = QGroupBox(_("Attributes"), body)
        form = QFormLayout(self.attributes_box)
        self.birth_year = QSpinBox(self.attributes_box)
        self.birth_year.setRange(NO_YEAR, 2100)
        self.birth_year.setSpecialValueText("—")
        self.birth_year.setValue(NO_YEAR)
        form.addRow(_("Birth year"), self.birth_year)
        self.attribute_boxes: dict[str, QComboBox] = {}
        for key, vocabulary in self.vocabularies.items():
            box = QComboBox(self.attributes_box)
            box.addItem("—", "")
            for value in vocabulary.values:
                box.addItem(value.value, value.value)
            box.setObjectName(f"attribute_{key}")
            form.addRow(vocabulary.label, box)
            self.attribute_boxes[key] = box
        if not self.vocabularies:
            hint = QLabel(_("No attribute yet: define them in Settings > Attributes."))
            hint.setWordWrap(True)
            hint.setObjectName("detailHint")
            form.addRow(hint)
        layout.addWidget(self.attributes_box)

        notes_box = QGroupBox(_("Notes"), body)
        notes_layout = QVBoxLayout(notes_box)
        self.notes = QPlainTextEdit(notes_box)
        self.notes.setFixedHeight(70)
        self.notes.setTabChangesFocus(True)
        notes_layout.addWidget(self.notes)
        layout.addWidget(notes_box)

        consents_box = QGroupBox(_("Consents"), body)
        consents_layout = QVBoxLayout(consents_box)
        self.consents = QLabel(consents_box)
        self.consents.setWordWrap(True)
        self.consents.setObjectName("detailHint")
        consents_layout.addWidget(self.consents)
        self.consents_panel = ConsentsPanel(store, consents_box)
        self.consents_panel.changed.connect(self._consents_changed)
        consents_layout.addWidget(self.consents_panel)
        layout.addWidget(consents_box)
        layout.addStretch(1)

        buttons = QDialogButtonBox(self)
        self.save_button = QPushButton(_("Save"), self)
        self.save_button.setDefault(True)
        self.revert_button = QPushButton(_("Revert"), self)
        buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.revert_button, QDialogButtonBox.ButtonRole.ResetRole)
        self.save_button.clicked.connect(self.request_save)
        self.revert_button.clicked.connect(self.revert)
        outer.addWidget(buttons)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Save), self, self.request_save)
        self.show_new()

    # -- loading
    def show_participant(self, participant_id: uuid.UUID) -> None:
        with self.store.session() as session:
            detail = participant_detail(session, participant_id)
            self.version = participant_version(session, participant_id)
        self.participant_id = participant_id
        self._fill(detail.data)
        self.heading.setText(f"{detail.data.first_name} {detail.data.last_name}".strip())
        self.code.setText(detail.code)
        others = detail.household_members
        if detail.household_key:
            self.household.setText(
                ngettext(
                    "{n} other person at this address",
                    "{n} other people at this address",
                    others,
                ).format(n=others)
                if others
                else _("Nobody else at this address")
            )
        else:
            self.household.setText(_("No address"))
        self._show_summary(detail)
        self.consents_panel.show_participant(participant_id)

    def _show_summary(self, detail) -> None:
        current = [c for c in detail.consents if c.withdrawn_on is None]
        self.consents.setText(
            ngettext(
                "{n} current consent · attended {k} session(s)",
                "{n} current consents · attended {k} session(s)",
                len(current),
            ).format(n=len(current), k=detail.attendance_count)
        )

    def _consents_changed(self) -> None:
        if self.participant_id is not None:
            with self.store.session() as session:
                self._show_summary(participant_detail(session, self.participant_id))

    def show_new(self) -> None:
        self.participant_id = None
        self.version = None
        self._fill(ParticipantData())
        self.heading.setText(_("New participant"))
        self.code.setText(_("(given when saved)"))
        self.household.setText("")
        self.consents.setText(_("Consents can be recorded once the participant is saved."))
        self.consents_panel.show_participant(None)
        self.first_name.setFocus()

    def revert(self) -> None:
        if self.participant_id is None:
            self.show_new()
        else:
            self.show_participant(self.participant_id)

    def _fill(self, data: ParticipantData) -> None:
        self.first_name.setText(data.first_name)
        self.last_name.setText(data.last_name)
        self.email.setText(data.email or "")
        self.phone.setText(data.phone or "")
        self.address.setPlainText(data.postal_address or "")
        self.stakeholder.setCurrentIndex(max(0, self.stakeholder.findData(data.stakeholder_type)))
        self.affiliation.setText(data.affiliation or "")
        self.birth_year.setValue(data.birth_year or NO_YEAR)
        self.notes.setPlainText(data.notes or "")
        for key, box in self.attribute_boxes.items():
            box.setCurrentIndex(max(0, box.findData(data.attributes.get(key, ""))))
        self._organisation_id = data.organisation_id

    # -- saving
    def data(self) -> ParticipantData:
        year = self.birth_year.value()
        return ParticipantData(
            first_name=self.first_name.text(),
            last_name=self.last_name.text(),
            email=self.email.text(),
            phone=self.phone.text(),
            postal_address=self.address.toPlainText(),
            stakeholder_type=self.stakeholder.currentData(),
            affiliation=self.affiliation.text(),
            birth_year=None if year == NO_YEAR else year,
            notes=self.notes.toPlainText(),
            organisation_id=getattr(self, "_organisation_id", None),
            attributes={
                key: box.currentData() for key, box in self.attribute_boxes.items()
                if box.currentData()
            },
        )  # fmt: skip

    def request_save(self) -> None:
        data = self.data()
        found = self._conflict(data)
        if found is not None:
            choice = conflict_dialog.resolve(self, found)
            if choice is None:
                return  # back to editing, nothing saved, nothing lost
            if choice == conflict_dialog.TAKE_STORED:
                self.show_participant(self.participant_id)
                return
            # Keep mine: saved over the version now stored.
        self.save_requested.emit(self.participant_id, data)
        self._reread_version()

    def _conflict(self, data: ParticipantData) -> EditConflict | None:
        """The conflict when someone else saved this participant since it was shown."""
        if self.participant_id is None or self.version is None:
            return None
        try:
            with self.store.session() as session:
                if participant_version(session, self.participant_id) == self.version:
                    return None
                return participant_conflict(
                    session, self.participant_id, data.cleaned(), self.version
                )
        except AtelierError:
            return None  # bad input or a deleted participant: the save says so

    def _reread_version(self) -> None:
        if self.participant_id is None:
            return
        try:
            with self.store.session() as session:
                self.version = participant_version(session, self.participant_id)
        except AtelierError:
            self.version = None
