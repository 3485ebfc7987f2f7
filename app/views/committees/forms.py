"""The committee's forms: a new committee, a member, a meeting, a decision, an action, an
indicator, a measurement. A refused form stays open and says why in red above its buttons."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, datetime, time

from PySide6.QtCore import QDate, QDateTime, QTime
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.errors import AtelierError
from app.facilitation import actions as A
from app.facilitation import committees as C
from app.facilitation import indicators as I
from app.facilitation import labels
from app.facilitation import participants as P
from app.facilitation.vocabularies import load_vocabularies
from app.i18n import _, ngettext
from app.models import DECISION_STATUSES, INDICATOR_DIRECTIONS, STAKEHOLDER_TYPES
from app.store import Store
from app.views.committees.common import find_data
from app.views.models.sessions import decision_status
from app.views.session_editor import _date_edit, _date_of

#: What a form calls on OK; an AtelierError it raises is shown and the form stays open.
Submit = Callable[["FormDialog"], None]


def qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


class FormDialog(QDialog):
    def __init__(self, title: str, submit: Submit, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.submit = submit
        self.layout_ = QVBoxLayout(self)
        self.form = QFormLayout()
        self.layout_.addLayout(self.form)
        self.error = QLabel(self)
        self.error.setObjectName("formError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #a1251b; font-weight: 600;")
        self.error.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("OK"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

    def finish(self) -> None:
        """Put the error line and the buttons under what the subclass laid out."""
        self.layout_.addWidget(self.error)
        self.layout_.addWidget(self.buttons)

    def show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.setVisible(bool(message))

    def accept(self) -> None:
        try:
            self.submit(self)
        except AtelierError as exc:
            self.show_error(str(exc))
            return
        super().accept()


def _combo(parent: QWidget, choices: list[tuple[object, str]], current=None) -> QComboBox:
    box = QComboBox(parent)
    for code, label in choices:
        box.addItem(label, code)
    if current is not None:
        box.setCurrentIndex(max(0, find_data(box, current)))
    return box


# --------------------------------------------------------------------------- committee


class CommitteeDialog(FormDialog):
    def __init__(
        self,
        processes: list[tuple[uuid.UUID, str]],
        submit: Submit,
        parent: QWidget | None = None,
        data: C.CommitteeData | None = None,
    ) -> None:
        super().__init__(_("Edit the committee") if data else _("New committee"), submit, parent)
        self.setObjectName("committeeDialog")
        data = data or C.CommitteeData()
        self.process = _combo(self, processes, data.process_id)
        self.title = QLineEdit(data.title, self)
        self.title.setPlaceholderText(_("e.g. Follow-up committee of the cycling plan"))
        self.description = QPlainTextEdit(data.description or "", self)
        self.description.setMaximumHeight(80)
        self.max_members = QSpinBox(self)
        self.max_members.setRange(0, 500)
        self.max_members.setSpecialValueText(_("No maximum"))
        self.max_members.setValue(data.max_members or 0)
        self.max_members.setToolTip(_("Observers are never counted."))
        self.form.addRow(_("Process"), self.process)
        self.form.addRow(_("Title"), self.title)
        self.form.addRow(_("Description"), self.description)
        self.form.addRow(_("Maximum of full members"), self.max_members)
        self.finish()
        self.resize(520, 300)

    def data(self) -> C.CommitteeData:
        return C.CommitteeData(
            process_id=self.process.currentData(),
            title=self.title.text(),
            description=self.description.toPlainText(),
            max_members=self.max_members.value() or None,
        )


# --------------------------------------------------------------------------- members


class MemberDialog(FormDialog):
    """Add a member: a participant (searched as you type), a whole citizen jury, or a name
    (possibly of an organisation); with a role and membership dates."""

    PARTICIPANT, JURY, NAME = range(3)

    def __init__(
        self,
        store: Store,
        process_id: uuid.UUID,
        submit: Submit,
        parent: QWidget | None = None,
        *,
        today: date | None = None,
    ) -> None:
        super().__init__(_("Add members"), submit, parent)
        self.setObjectName("memberDialog")
        self.store = store
        self.tabs = QTabWidget(self)
        # a participant
        page = QWidget(self)
        box = QVBoxLayout(page)
        self.search = QLineEdit(page)
        self.search.setObjectName("memberSearch")
        self.search.setPlaceholderText(_("Type a name, an e-mail or a neighbourhood"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.refresh_people)
        self.people = QListWidget(page)
        self.people.setObjectName("memberPeople")
        box.addWidget(self.search)
        box.addWidget(self.people, 1)
        self.tabs.addTab(page, _("Participant"))
        # a citizen jury
        page = QWidget(self)
        box = QVBoxLayout(page)
        with store.session() as session:
            juries = C.jury_choices(session, process_id)
            organisations = C.organisation_choices(session)
        self.jury = QComboBox(page)
        self.jury.setObjectName("memberJury")
        for j in juries:
            sitting = ngettext("{n} sitting", "{n} sitting", j.sitting).format(n=j.sitting)
            self.jury.addItem(f"{j.title} ({sitting})", j.id)
        hint = QLabel(
            _("Everyone sitting on the jury joins at once (people already on the committee "
              "are skipped). If the maximum would be passed, nobody is added.")
            if juries
            else _("This process has no citizen jury yet."),
            page,
        )  # fmt: skip
        hint.setWordWrap(True)
        box.addWidget(self.jury)
        box.addWidget(hint)
        box.addStretch(1)
        self.tabs.addTab(page, _("Citizen jury"))
        # a name or an organisation
        page = QWidget(self)
        form = QFormLayout(page)
        self.organisation = _combo(page, [(None, _("None")), *organisations])
        self.organisation.setObjectName("memberOrganisation")
        self.name = QLineEdit(page)
        self.name.setObjectName("memberName")
        self.name.setPlaceholderText(_("Taken from the organisation when left empty"))
        form.addRow(_("Organisation"), self.organisation)
        form.addRow(_("Name"), self.name)
        self.tabs.addTab(page, _("Name or organisation"))
        self.form.addRow(self.tabs)
        self.role = _combo(self, C.role_choices(), "member")
        self.role.setObjectName("memberRole")
        self.joined_on = _date_edit(self, today)
        self.left_on = _date_edit(self, None)
        self.form.addRow(_("Role"), self.role)
        self.form.addRow(_("Joined on"), self.joined_on)
        self.form.addRow(_("Left on"), self.left_on)
        self.finish()
        self.resize(560, 520)
        self.refresh_people()

    def refresh_people(self) -> None:
        with self.store.session() as session:
            rows = P.participant_page(session, 0, 200, self.search.text())
        self.people.clear()
        for row in rows:
            kind = labels.stakeholder_type(row.stakeholder_type)
            item = QListWidgetItem(f"{row.first_name} {row.last_name} · {kind}")
            item.setData(256, row.id)
            self.people.addItem(item)
        if rows:
            self.people.setCurrentRow(0)

    @property
    def mode(self) -> int:
        return self.tabs.currentIndex()

    def participant_id(self) -> uuid.UUID | None:
        item = self.people.currentItem()
        return item.data(256) if item else None

    def member_data(self) -> C.MemberData:
        if self.mode == self.PARTICIPANT:
            person = self.participant_id()
            if person is None:
                raise C.CommitteeError(_("Choose a participant in the list."))
            base = C.MemberData(participant_id=person)
        else:
            base = C.MemberData(
                organisation_id=self.organisation.currentData(), name=self.name.text()
            )
        base.role = self.role.currentData()
        base.joined_on, base.left_on = _date_of(self.joined_on), _date_of(self.left_on)
        return base


class EditMemberDialog(FormDialog):
    def __init__(self, data: C.MemberData, submit: Submit, parent: QWidget | None = None):
        super().__init__(_("Edit the member"), submit, parent)
        self.original = data
        self.name = QLineEdit(data.name or "", self)
        self.role = _combo(self, C.role_choices(), data.role)
        self.joined_on = _date_edit(self, data.joined_on)
        self.left_on = _date_edit(self, data.left_on)
        self.form.addRow(_("Name"), self.name)
        self.form.addRow(_("Role"), self.role)
        self.form.addRow(_("Joined on"), self.joined_on)
        self.form.addRow(_("Left on"), self.left_on)
        self.finish()

    def data(self) -> C.MemberData:
        return C.MemberData(
            self.original.participant_id,
            self.original.organisation_id,
            self.name.text(),
            self.role.currentData(),
            _date_of(self.joined_on),
            _date_of(self.left_on),
        )


# --------------------------------------------------------------------------- meetings


class MeetingDialog(FormDialog):
    """A new meeting, possibly repeated every month (a year of meetings in one go)."""

    def __init__(
        self, default_title: str, start: datetime, submit: Submit, parent: QWidget | None = None
    ) -> None:
        super().__init__(_("New meeting"), submit, parent)
        self.setObjectName("meetingDialog")
        self.title = QLineEdit(default_title, self)
        self.starts_at = QDateTimeEdit(self)
        self.starts_at.setCalendarPopup(True)
        self.starts_at.setDisplayFormat("yyyy-MM-dd HH:mm")
        local = start.astimezone()
        self.starts_at.setDateTime(QDateTime(qdate(local.date()), QTime(local.hour, local.minute)))
        self.hours = QDoubleSpinBox(self)
        self.hours.setRange(0.5, 12)
        self.hours.setSingleStep(0.5)
        self.hours.setValue(2)
        self.hours.setSuffix(_(" h"))
        self.place = QLineEdit(self)
        self.agenda = QPlainTextEdit(self)
        self.agenda.setPlaceholderText(
            _("Review of the action plan\nIndicators\nAny other business")
        )
        self.agenda.setMaximumHeight(90)
        self.repeat = QSpinBox(self)
        self.repeat.setObjectName("meetingRepeat")
        self.repeat.setRange(1, 24)
        self.repeat.setToolTip(_("Plan this many meetings, one a month on the same day."))
        self.form.addRow(_("Title"), self.title)
        self.form.addRow(_("Starts"), self.starts_at)
        self.form.addRow(_("Length"), self.hours)
        self.form.addRow(_("Place"), self.place)
        self.form.addRow(_("Agenda"), self.agenda)
        self.form.addRow(_("Meetings to plan (monthly)"), self.repeat)
        self.finish()
        self.resize(520, 380)

    def start(self) -> datetime:
        value = self.starts_at.dateTime()
        d, t = value.date(), value.time()
        return datetime.combine(
            date(d.year(), d.month(), d.day()), time(t.hour(), t.minute())
        ).astimezone()


def add_months(moment: datetime, months: int) -> datetime:
    """The same day ``months`` later (the month's last day when it is shorter)."""
    month = moment.month - 1 + months
    year, month = moment.year + month // 12, month % 12 + 1
    for day in (moment.day, 30, 29, 28):
        try:
            return moment.replace(year=year, month=month, day=day)
        except ValueError:
            continue
    raise ValueError(moment)  # pragma: no cover - day 28 always exists


class DecisionDialog(FormDialog):
    def __init__(
        self,
        meetings: list[C.MeetingInfo],
        current: uuid.UUID | None,
        submit: Submit,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(_("Record a decision"), submit, parent)
        self.setObjectName("decisionDialog")
        self.meeting = _combo(self, [(m.id, m.title) for m in meetings], current)
        self.text = QPlainTextEdit(self)
        self.text.setPlaceholderText(_("The decision, as it was worded in the meeting"))
        self.text.setMaximumHeight(90)
        self.status = _combo(self, [(c, decision_status(c)) for c in DECISION_STATUSES], "adopted")
        self.decided_on = _date_edit(self, None)
        self.decided_on.setToolTip(_("Left empty: the day of the meeting."))
        self.decided_by = QLineEdit(self)
        self.decided_by.setPlaceholderText(_("e.g. the committee, unanimously"))
        self.form.addRow(_("Meeting"), self.meeting)
        self.form.addRow(_("Decision"), self.text)
        self.form.addRow(_("Status"), self.status)
        self.form.addRow(_("Decided on"), self.decided_on)
        self.form.addRow(_("Decided by"), self.decided_by)
        self.finish()
        self.resize(520, 320)


# --------------------------------------------------------------------------- actions


class ActionDialog(FormDialog):
    """Add or edit an action: title, owner (a member, an organisation or a name), dates,
    status, progress, notes."""

    def __init__(
        self,
        members: list[C.MemberInfo],
        organisations: list[tuple[uuid.UUID, str]],
        submit: Submit,
        parent: QWidget | None = None,
        *,
        data: A.ActionData | None = None,
        today: date | None = None,
    ) -> None:
        super().__init__(_("Edit the action") if data else _("New action"), submit, parent)
        self.setObjectName("actionDialog")
        self.original = data
        data = data or A.ActionData(created_on=today)
        self.title = QLineEdit(data.title, self)
        self.title.setObjectName("actionTitle")
        self.owner = QComboBox(self)
        self.owner.setObjectName("actionOwner")
        self.owner.addItem(_("Nobody yet"), None)
        for m in members:
            self.owner.addItem(f"{m.name} ({C.role_label(m.role)})", ("member", m.id))
        for oid, name in organisations:
            self.owner.addItem(_("{name} (organisation)").format(name=name), ("organisation", oid))
        self.owner.addItem(_("Another name…"), ("name", None))
        self.owner_name = QLineEdit(self)
        self.owner_name.setPlaceholderText(_("The owner's name"))
        if data.owner_member_id:
            self.owner.setCurrentIndex(
                max(0, find_data(self.owner, ("member", data.owner_member_id)))
            )
        elif data.owner_organisation_id:
            self.owner.setCurrentIndex(
                max(0, find_data(self.owner, ("organisation", data.owner_organisation_id)))
            )
        elif data.owner_name:
            self.owner.setCurrentIndex(self.owner.count() - 1)
            self.owner_name.setText(data.owner_name)
        self.owner.currentIndexChanged.connect(self._owner_changed)
        self.due_on = _date_edit(self, data.due_on)
        self.due_on.setObjectName("actionDue")
        self.status = _combo(self, A.status_choices(), data.status)
        self.status.setObjectName("actionStatus")
        self.progress = QSpinBox(self)
        self.progress.setObjectName("actionProgress")
        self.progress.setRange(0, 100)
        self.progress.setSuffix("\u00a0%")
        self.progress.setValue(data.progress)
        self.description = QPlainTextEdit(data.description or "", self)
        self.description.setMaximumHeight(70)
        self.notes = QPlainTextEdit(data.notes or "", self)
        self.notes.setMaximumHeight(70)
        self.form.addRow(_("Title"), self.title)
        self.form.addRow(_("Owner"), self.owner)
        self.form.addRow("", self.owner_name)
        self.form.addRow(_("Due date"), self.due_on)
        self.form.addRow(_("Status"), self.status)
        self.form.addRow(_("Progress"), self.progress)
        self.form.addRow(_("Description"), self.description)
        self.form.addRow(_("Notes"), self.notes)
        self.finish()
        self._owner_changed()
        self.resize(560, 460)

    def _owner_changed(self) -> None:
        kind = self.owner.currentData()
        self.owner_name.setVisible(bool(kind) and kind[0] == "name")

    def data(self) -> A.ActionData:
        kind = self.owner.currentData() or (None, None)
        base = self.original or A.ActionData()
        return A.ActionData(
            title=self.title.text(),
            description=self.description.toPlainText(),
            owner_member_id=kind[1] if kind[0] == "member" else None,
            owner_organisation_id=kind[1] if kind[0] == "organisation" else None,
            owner_name=self.owner_name.text() if kind[0] == "name" else None,
            created_on=base.created_on,
            due_on=_date_of(self.due_on),
            status=self.status.currentData(),
            progress=self.progress.value(),
            notes=self.notes.toPlainText(),
            decision_id=base.decision_id,
        )

    def changes(self) -> dict[str, object]:
        """What differs from the action as it was (for an edit)."""
        new = self.data()
        old = self.original
        fields = ("title", "description", "due_on", "status", "progress", "notes")
        result = {
            f: getattr(new, f) for f in fields if _norm(getattr(new, f)) != _norm(getattr(old, f))
        }
        owner = (new.owner_member_id, new.owner_organisation_id, new.owner_name)
        linked = old.owner_member_id or old.owner_organisation_id
        before = (
            old.owner_member_id,
            old.owner_organisation_id,
            None if linked else old.owner_name,
        )
        if _norm(owner) != _norm(before):
            result.update(
                owner_member_id=new.owner_member_id,
                owner_organisation_id=new.owner_organisation_id,
                owner_name=new.owner_name,
            )
        return result


def _norm(value):
    if isinstance(value, tuple):
        return tuple(_norm(v) for v in value)
    if isinstance(value, str):
        return " ".join(value.split()) or None
    return value


# --------------------------------------------------------------------------- indicators


#: Where an indicator's values can come from, in the order offered.
SOURCES = ("manual", "attendance", "stakeholders", "diversity", *I.CODELIVERY_SOURCES)


class IndicatorDialog(FormDialog):
    def __init__(
        self,
        store: Store,
        submit: Submit,
        parent: QWidget | None = None,
        data: I.IndicatorData | None = None,
    ) -> None:
        super().__init__(_("Edit the indicator") if data else _("New indicator"), submit, parent)
        self.setObjectName("indicatorDialog")
        data = data or I.IndicatorData()
        self.name = QLineEdit(data.name, self)
        self.name.setObjectName("indicatorName")
        self.unit = QLineEdit(data.unit or "", self)
        self.unit.setPlaceholderText(_("e.g. %, people, km"))
        self.direction = _combo(
            self, [(c, I.direction_label(c)) for c in INDICATOR_DIRECTIONS], data.direction
        )
        self.baseline = QLineEdit("" if data.baseline is None else str(data.baseline), self)
        self.target = QLineEdit("" if data.target is None else str(data.target), self)
        self.source = _combo(
            self,
            [(c, I.source_label(c)) for c in SOURCES],
            data.source,
        )
        self.source.setObjectName("indicatorSource")
        self.kind = _combo(
            self, [(c, labels.stakeholder_type(c)) for c in STAKEHOLDER_TYPES],
            (data.params or {}).get("stakeholder_type"),
        )  # fmt: skip
        with store.session() as session:
            categories = [(v.key, v.label) for v in load_vocabularies(session).values()]
        self.category = _combo(self, categories, (data.params or {}).get("category"))
        self.scope = _combo(
            self,
            [(None, _("Default")), ("committee", _("The committee's meetings")),
             ("process", _("Every session of the process"))],
            (data.params or {}).get("scope"),
        )  # fmt: skip
        self.form.addRow(_("Name"), self.name)
        self.form.addRow(_("Unit"), self.unit)
        self.form.addRow(_("Direction"), self.direction)
        self.form.addRow(_("Baseline"), self.baseline)
        self.form.addRow(_("Target"), self.target)
        self.form.addRow(_("Filled from"), self.source)
        self.form.addRow(_("Stakeholder type"), self.kind)
        self.form.addRow(_("Attribute category"), self.category)
        self.form.addRow(_("Sessions counted"), self.scope)
        self.source.currentIndexChanged.connect(self._source_changed)
        self.finish()
        self._source_changed()

    def _source_changed(self) -> None:
        source = self.source.currentData()
        for widget, shown in ((self.kind, source == "stakeholders"),
                              (self.category, source == "diversity"),
                              (self.scope, source != "manual")):  # fmt: skip
            widget.setVisible(shown)
            self.form.labelForField(widget).setVisible(shown)

    def data(self) -> I.IndicatorData:
        source = self.source.currentData()
        params: dict = {}
        if source == "stakeholders":
            params["stakeholder_type"] = self.kind.currentData()
        if source == "diversity":
            params["category"] = self.category.currentData()
        if source != "manual" and self.scope.currentData():
            params["scope"] = self.scope.currentData()
        return I.IndicatorData(
            name=self.name.text(),
            unit=self.unit.text(),
            direction=self.direction.currentData(),
            baseline=self.baseline.text().strip() or None,
            target=self.target.text().strip() or None,
            source=source,
            params=params,
        )


class MeasurementDialog(FormDialog):
    def __init__(
        self, unit: str | None, submit: Submit, parent: QWidget | None = None, *, today: date
    ) -> None:
        super().__init__(_("Add a measurement"), submit, parent)
        self.setObjectName("measurementDialog")
        self.measured_on = _date_edit(self, today)
        self.value = QLineEdit(self)
        self.value.setObjectName("measurementValue")
        self.value.setPlaceholderText(unit or "")
        self.source = QLineEdit(self)
        self.source.setPlaceholderText(_("e.g. count by the association, survey"))
        self.note = QLineEdit(self)
        self.form.addRow(_("Date"), self.measured_on)
        self.form.addRow(_("Value"), self.value)
        self.form.addRow(_("Source"), self.source)
        self.form.addRow(_("Note"), self.note)
        self.finish()


def fill_table(table: QTableWidget, headers: list[str], rows: list[list[str]]) -> None:
    """A small read-only table (the annual review's sections)."""
    table.clear()
    table.setColumnCount(len(headers))
    table.setRowCount(len(rows))
    table.setHorizontalHeaderLabels(headers)
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            table.setItem(r, c, QTableWidgetItem(text))
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().hide()
    table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
