"""The Volunteers tab: who volunteers for the process, with skills, availability, the charter
they signed and the trainings they followed. Removing a volunteer keeps the hours they gave."""

from __future__ import annotations

import uuid
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from app.errors import AtelierError
from app.facilitation import participants as P
from app.facilitation import volunteers as V
from app.i18n import _, ngettext
from app.models.codelivery import WEEKDAYS
from app.store import Store
from app.views import dialogs
from app.views.codelivery.common import (
    WARNING_STYLE,
    Page,
    message_line,
    say,
    selected_row,
    table,
)
from app.views.committees.forms import FormDialog, Submit, fill_table
from app.views.models.codelivery import VolunteersModel
from app.views.models.committees import day_text, number
from app.views.session_editor import _date_edit, _date_of


class VolunteerDialog(FormDialog):
    """A volunteer: a participant found by search (new ones only), or a name; skills, days,
    hours per week, the charter signed and notes."""

    def __init__(
        self,
        store: Store,
        process_id: uuid.UUID,
        submit: Submit,
        parent: QWidget | None = None,
        *,
        from_participants: bool = False,
        data: V.VolunteerData | None = None,
    ) -> None:
        title = _("Edit the volunteer") if data else _("New volunteer")
        super().__init__(title, submit, parent)
        self.setObjectName("volunteerDialog")
        self.store = store
        self.original = data or V.VolunteerData(process_id=process_id)
        self.from_participants = from_participants and data is None
        d = self.original
        self.search = QLineEdit(self)
        self.search.setObjectName("volunteerSearch")
        self.search.setPlaceholderText(_("Type a name, an e-mail or a neighbourhood"))
        self.search.setClearButtonEnabled(True)
        self.people = QListWidget(self)
        self.people.setObjectName("volunteerPeople")
        self.people.setMinimumHeight(140)
        self.name = QLineEdit(d.name or "", self)
        self.name.setObjectName("volunteerName")
        if self.from_participants:
            self.search.textChanged.connect(self.refresh_people)
            self.form.addRow(_("Participant"), self.search)
            self.form.addRow("", self.people)
        else:
            self.search.hide()
            self.people.hide()
            self.form.addRow(_("Name"), self.name)
        self.skills = QLineEdit(", ".join(d.skills), self)
        self.skills.setObjectName("volunteerSkills")
        self.skills.setPlaceholderText(_("e.g. gardening, homework help (separated by commas)"))
        days = QHBoxLayout()
        self.days: dict[str, QCheckBox] = {}
        for code in WEEKDAYS:
            box = QCheckBox(V.day_label(code)[:3], self)
            box.setToolTip(V.day_label(code))
            box.setChecked(code in d.available_days)
            self.days[code] = box
            days.addWidget(box)
        days.addStretch(1)
        self.hours = QLineEdit(number(d.hours_per_week), self)
        self.hours.setObjectName("volunteerHours")
        self.hours.setPlaceholderText(_("e.g. 4"))
        self.charter_on = _date_edit(self, d.charter_signed_on)
        self.charter_on.setObjectName("volunteerCharterOn")
        self.charter_version = QLineEdit(d.charter_version or "", self)
        self.charter_version.setObjectName("volunteerCharterVersion")
        self.charter_version.setPlaceholderText(_("e.g. v2 (2027)"))
        self.notes = QPlainTextEdit(d.notes or "", self)
        self.notes.setMaximumHeight(60)
        self.form.addRow(_("Skills"), self.skills)
        self.form.addRow(_("Available on"), days)
        self.form.addRow(_("Hours per week"), self.hours)
        self.form.addRow(_("Charter signed on"), self.charter_on)
        self.form.addRow(_("Charter version"), self.charter_version)
        self.form.addRow(_("Notes"), self.notes)
        self.finish()
        self.resize(600, 560 if self.from_participants else 380)
        if self.from_participants:
            self.refresh_people()

    def refresh_people(self) -> None:
        with self.store.session() as session:
            rows = P.participant_page(session, 0, 200, self.search.text())
        self.people.clear()
        for row in rows:
            item = QListWidgetItem(f"{row.first_name} {row.last_name}".strip() or row.code)
            item.setData(256, row.id)
            self.people.addItem(item)
        if rows:
            self.people.setCurrentRow(0)

    def data(self) -> V.VolunteerData:
        participant = self.original.participant_id
        name = self.name.text()
        if self.from_participants:
            item = self.people.currentItem()
            if item is None:
                raise V.CodeliveryError(_("Choose a participant in the list."))
            participant, name = item.data(256), ""
        return V.VolunteerData(
            process_id=self.original.process_id,
            participant_id=participant,
            name=name,
            skills=V.parse_skills(self.skills.text()),
            available_days=[c for c, box in self.days.items() if box.isChecked()],
            hours_per_week=self.hours.text().strip() or None,
            charter_signed_on=_date_of(self.charter_on),
            charter_version=self.charter_version.text(),
            notes=self.notes.toPlainText(),
        )


class TrainingDialog(FormDialog):
    def __init__(self, submit: Submit, parent: QWidget | None = None, *, today: date) -> None:
        super().__init__(_("Add a training"), submit, parent)
        self.setObjectName("trainingDialog")
        self.title = QLineEdit(self)
        self.title.setObjectName("trainingTitle")
        self.title.setPlaceholderText(_("e.g. Active listening"))
        self.held_on = _date_edit(self, today)
        self.hours = QLineEdit(self)
        self.hours.setObjectName("trainingHours")
        self.form.addRow(_("Title"), self.title)
        self.form.addRow(_("Date"), self.held_on)
        self.form.addRow(_("Hours"), self.hours)
        self.finish()

    def data(self) -> V.TrainingData:
        return V.TrainingData(self.title.text(), _date_of(self.held_on), self.hours.text() or None)


class VolunteersPage(Page):
    def __init__(self, area) -> None:
        super().__init__(area)
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        self.search = QLineEdit(self)
        self.search.setObjectName("volunteerFilter")
        self.search.setPlaceholderText(_("Filter by name, code or skill"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(lambda _t: self.reload())
        top.addWidget(self.search, 1)
        self.buttons: dict[str, QPushButton] = {}
        for key, text, slot in (
            ("participant", _("Add a participant…"), lambda: self.add_volunteer(True)),
            ("name", _("Add by name…"), lambda: self.add_volunteer(False)),
            ("edit", _("Edit…"), self.edit_volunteer),
            ("active", _("Deactivate"), self.toggle_active),
            ("remove", _("Remove…"), self.remove_volunteer),
        ):
            button = QPushButton(text, self)
            button.clicked.connect(slot)
            self.buttons[key] = button
            top.addWidget(button)
        layout.addLayout(top)
        self.message = message_line(self, "volunteerMessage")
        layout.addWidget(self.message)
        split = QSplitter(Qt.Orientation.Vertical, self)
        self.model = VolunteersModel(self)
        self.table = table(split, self.model, "volunteerTable", stretch=(0, 1))
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self._selected())
        self.table.doubleClicked.connect(lambda _i: self.edit_volunteer())
        side = QWidget(split)
        box = QVBoxLayout(side)
        box.setContentsMargins(0, 0, 0, 0)
        self.training_title = QLabel(_("Trainings followed"), side)
        self.training_title.setObjectName("sectionTitle")
        self.trainings = QTableWidget(side)
        self.trainings.setObjectName("trainingTable")
        self.training_rows: list[V.TrainingInfo] = []
        row = QHBoxLayout()
        self.add_training_button = QPushButton(_("Add a training…"), side)
        self.add_training_button.clicked.connect(self.add_training)
        self.remove_training_button = QPushButton(_("Remove the training"), side)
        self.remove_training_button.clicked.connect(self.remove_training)
        row.addWidget(self.add_training_button)
        row.addWidget(self.remove_training_button)
        row.addStretch(1)
        box.addWidget(self.training_title)
        box.addWidget(self.trainings, 1)
        box.addLayout(row)
        split.addWidget(self.table)
        split.addWidget(side)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        split.setSizes([420, 160])
        layout.addWidget(split, 1)
        self._selected()

    # ----------------------------------------------------------------- state
    def reload(self, select: uuid.UUID | None = None) -> None:
        current = select or self.current_id()
        with self.store.session() as session:
            rows = V.list_volunteers(session, self.process_id, search=self.search.text())
        self.model.set_rows(rows)
        row = self.model.row_of(current)
        if row >= 0:
            self.table.selectRow(row)
        self._selected()

    def current(self) -> V.VolunteerInfo | None:
        row = selected_row(self.table)
        return self.model.row_at(row) if row >= 0 else None

    def current_id(self) -> uuid.UUID | None:
        v = self.current()
        return v.id if v else None

    def select(self, volunteer_id: uuid.UUID) -> None:
        self.table.selectRow(self.model.row_of(volunteer_id))

    def _selected(self) -> None:
        v = self.current()
        for key in ("edit", "active", "remove"):
            self.buttons[key].setEnabled(v is not None)
        self.buttons["active"].setText(
            _("Reactivate") if v is not None and not v.active else _("Deactivate")
        )
        self.add_training_button.setEnabled(v is not None)
        self.training_rows = []
        if v is not None:
            with self.store.session() as session:
                self.training_rows = V.trainings(session, v.id)
        fill_table(
            self.trainings,
            [_("Training"), _("Date"), _("Hours")],
            [[t.title, day_text(t.held_on), number(t.hours)] for t in self.training_rows],
        )
        self.remove_training_button.setEnabled(bool(self.training_rows))
        self.training_title.setText(
            _("Trainings followed by {name}").format(name=v.name) if v else _("Trainings followed")
        )

    def _done(self, select: uuid.UUID | None = None) -> None:
        self.reload(select)
        self.area.changed(keep=self)

    # ----------------------------------------------------------------- volunteers
    def add_volunteer(self, from_participants: bool = True) -> VolunteerDialog | None:
        if self.process_id is None:
            return None

        def submit(form: VolunteerDialog) -> None:
            with self.store.session() as session:
                info = V.create_volunteer(session, form.data())
            say(self.message, _("{name} is now a volunteer.").format(name=info.name))
            self._done(info.id)

        dialog = VolunteerDialog(
            self.store, self.process_id, submit, self, from_participants=from_participants
        )
        return self.area.open_dialog(dialog)

    def edit_volunteer(self) -> VolunteerDialog | None:
        v = self.current()
        if v is None:
            return None
        with self.store.session() as session:
            data = V.volunteer_data(session, v.id)

        def submit(form: VolunteerDialog) -> None:
            with self.store.session() as session:
                V.update_volunteer(session, v.id, form.data())
            self._done(v.id)

        dialog = VolunteerDialog(self.store, self.process_id, submit, self, data=data)
        return self.area.open_dialog(dialog)

    def toggle_active(self) -> None:
        v = self.current()
        if v is None:
            return
        try:
            with self.store.session() as session:
                V.set_volunteer_active(session, v.id, not v.active)
        except AtelierError as exc:
            self.area.refused(exc)
        self._done(v.id)

    def remove_volunteer(self, *, ask: bool = True) -> V.RemovedVolunteer | None:
        v = self.current()
        if v is None:
            return None
        question = _(
            "Remove {name} from the volunteers, with their trainings and missions? The "
            "{hours} hours they gave stay counted, under their name."
        ).format(name=v.name, hours=number(v.hours))
        if ask and not dialogs.confirm(self, _("Remove a volunteer"), question):
            return None
        try:
            with self.store.session() as session:
                removed = V.remove_volunteer(session, v.id)
        except AtelierError as exc:
            self.area.refused(exc)
            return None
        say(
            self.message,
            ngettext(
                "{name} was removed; the {hours} hours they gave stay counted ({n} line).",
                "{name} was removed; the {hours} hours they gave stay counted ({n} lines).",
                removed.entries_kept,
            ).format(name=removed.name, hours=number(removed.hours_kept), n=removed.entries_kept),
            WARNING_STYLE,
        )
        self._done()
        return removed

    # ----------------------------------------------------------------- trainings
    def add_training(self) -> TrainingDialog | None:
        v = self.current()
        if v is None:
            return None

        def submit(form: TrainingDialog) -> None:
            with self.store.session() as session:
                V.add_training(session, v.id, form.data())
            self._done(v.id)

        return self.area.open_dialog(TrainingDialog(submit, self, today=self.area.today()))

    def remove_training(self) -> None:
        row = self.trainings.currentRow()
        if not self.training_rows:
            return
        training = self.training_rows[row if row >= 0 else 0]
        try:
            with self.store.session() as session:
                V.remove_training(session, training.id)
        except AtelierError as exc:
            self.area.refused(exc)
        self._done(self.current_id())
