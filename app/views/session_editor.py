"""Dialogs to create and edit a process, and a session with its agenda, minutes and decisions.

The session's details are saved with "Save"; the agenda, the minutes and the decisions are
saved at once as they are changed (every confirmed action is committed).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from PySide6.QtCore import QDate, QDateTime, QTime
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.errors import AtelierError
from app.facilitation import labels
from app.facilitation import sessions as S
from app.i18n import _
from app.models import DECISION_STATUSES, PHASES
from app.store import Store
from app.views import dialogs
from app.views.models.sessions import (
    AgendaTableModel,
    DecisionTableModel,
    decision_status,
    local_datetime,
)

_NO_DATE = QDate(1900, 1, 1)


def _to_qdatetime(moment: datetime) -> QDateTime:
    local = moment.astimezone()
    return QDateTime(QDate(local.year, local.month, local.day), QTime(local.hour, local.minute))


def _from_qdatetime(value: QDateTime) -> datetime:
    d, t = value.date(), value.time()
    return datetime(d.year(), d.month(), d.day(), t.hour(), t.minute()).astimezone()


def _date_edit(parent: QWidget, value) -> QDateEdit:
    """A date that may be left empty (shown blank)."""
    edit = QDateEdit(parent)
    edit.setCalendarPopup(True)
    edit.setMinimumDate(_NO_DATE)
    edit.setSpecialValueText(_("not set"))
    edit.setDisplayFormat("yyyy-MM-dd")
    edit.setDate(QDate(value.year, value.month, value.day) if value else _NO_DATE)
    return edit


def _date_of(edit: QDateEdit):
    value = edit.date()
    return None if value == _NO_DATE else value.toPython()


class ProcessDialog(QDialog):
    """Create or edit a process: title, phase, dates, description, participation charter."""

    def __init__(
        self, store: Store, process_id: uuid.UUID | None = None, parent: QWidget | None = None
    ):
        super().__init__(parent)
        self.store = store
        self.process_id = process_id
        self.setObjectName("processDialog")
        data = S.ProcessData()
        if process_id is not None:
            with store.session() as session:
                data = S.process_data(session, process_id)
        self.setWindowTitle(_("Edit the process") if process_id else _("New process"))
        self.resize(640, 560)
        form = QFormLayout()
        self.title = QLineEdit(data.title, self)
        self.phase = QComboBox(self)
        for code in PHASES:
            self.phase.addItem(labels.phase(code), code)
        self.phase.setCurrentIndex(max(0, self.phase.findData(data.phase)))
        self.started_on = _date_edit(self, data.started_on)
        self.ended_on = _date_edit(self, data.ended_on)
        self.description = QPlainTextEdit(data.description or "", self)
        self.description.setMaximumHeight(90)
        self.charter = QPlainTextEdit(data.charter or "", self)
        self.charter.setPlaceholderText(_("The rules everyone agrees to when taking part."))
        form.addRow(_("Title"), self.title)
        form.addRow(_("Phase"), self.phase)
        form.addRow(_("Started on"), self.started_on)
        form.addRow(_("Ended on"), self.ended_on)
        form.addRow(_("Description"), self.description)
        form.addRow(_("Participation charter"), self.charter)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.button(QDialogButtonBox.StandardButton.Save).setText(_("Save"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def data(self) -> S.ProcessData:
        return S.ProcessData(
            title=self.title.text(),
            phase=self.phase.currentData(),
            started_on=_date_of(self.started_on),
            ended_on=_date_of(self.ended_on),
            description=self.description.toPlainText(),
            charter=self.charter.toPlainText(),
        )

    def save(self) -> bool:
        try:
            with self.store.session() as session:
                if self.process_id is None:
                    self.process_id = S.create_process(session, self.data()).id
                else:
                    S.update_process(session, self.process_id, self.data())
        except AtelierError as exc:
            dialogs.show_error(self, _("The process was not saved"), str(exc))
            return False
        return True

    def accept(self) -> None:
        if self.save():
            super().accept()


class SessionEditor(QDialog):
    """A session: details, agenda (durations against the length), minutes, decisions."""

    def __init__(
        self,
        store: Store,
        process_id: uuid.UUID,
        session_id: uuid.UUID | None = None,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.store = store
        self.process_id = process_id
        self.session_id = session_id
        self.setObjectName("sessionEditor")
        self.resize(900, 640)
        self.heading = QLabel(self)
        self.heading.setObjectName("areaTitle")
        self.heading.setWordWrap(True)
        self.subheading = QLabel(self)
        self.subheading.setObjectName("areaSubtitle")
        self.tabs = QTabWidget(self)
        self.tabs.addTab(self._details_tab(), _("Session"))
        self.tabs.addTab(self._agenda_tab(), _("Agenda"))
        self.tabs.addTab(self._minutes_tab(), _("Minutes"))
        self.tabs.addTab(self._decisions_tab(), _("Decisions"))

        buttons = QDialogButtonBox(self)
        self.save_button = buttons.addButton(_("Save"), QDialogButtonBox.ButtonRole.ApplyRole)
        self.save_button.clicked.connect(self.save_details)
        close = buttons.addButton(_("Close"), QDialogButtonBox.ButtonRole.RejectRole)
        close.clicked.connect(self.reject)
        self.print_buttons = {}
        for kind, text in (
            ("signin", _("Print the sign-in sheet…")),
            ("session", _("Print the summary…")),
        ):
            button = buttons.addButton(text, QDialogButtonBox.ButtonRole.ActionRole)
            button.setObjectName(f"print_{kind}")
            button.clicked.connect(lambda _checked=False, k=kind: self.print_document(k))
            self.print_buttons[kind] = button
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.subheading)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(buttons)
        self._load()

    def print_document(self, kind: str):
        """The sign-in sheet or the summary of this session as a PDF (saved first)."""
        from app.views.documents.actions import print_document

        if self.session_id is None and not self.save_details():
            return None
        if self.session_id is None:
            return None
        return print_document(
            self, self.store, kind, self.session_id, subject_label=self.title.text()
        )

    # ----------------------------------------------------------------- details
    def _details_tab(self) -> QWidget:
        page = QWidget(self)
        form = QFormLayout(page)
        self.title = QLineEdit(page)
        self.starts_at = QDateTimeEdit(page)
        self.ends_at = QDateTimeEdit(page)
        for edit in (self.starts_at, self.ends_at):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.place = QLineEdit(page)
        self.facilitators = QLineEdit(page)
        self.facilitators.setPlaceholderText(_("e.g. Claire Dupont, Maël Ortiz"))
        self.agenda_text = QPlainTextEdit(page)
        self.agenda_text.setPlaceholderText(_("Free notes on the programme (optional)"))
        form.addRow(_("Title"), self.title)
        form.addRow(_("Starts"), self.starts_at)
        form.addRow(_("Ends"), self.ends_at)
        form.addRow(_("Place"), self.place)
        form.addRow(_("Facilitators"), self.facilitators)
        form.addRow(_("Programme notes"), self.agenda_text)
        return page

    def details(self) -> S.SessionData:
        return S.SessionData(
            process_id=self.process_id,
            title=self.title.text(),
            starts_at=_from_qdatetime(self.starts_at.dateTime()),
            ends_at=_from_qdatetime(self.ends_at.dateTime()),
            place=self.place.text(),
            facilitators=self.facilitators.text(),
            agenda=self.agenda_text.toPlainText(),
        )

    def save_details(self) -> bool:
        try:
            with self.store.session() as session:
                if self.session_id is None:
                    self.session_id = S.create_session(session, self.details()).id
                else:
                    S.update_session(session, self.session_id, self.details())
        except AtelierError as exc:
            dialogs.show_error(self, _("The session was not saved"), str(exc))
            return False
        self._load()
        return True

    # ----------------------------------------------------------------- agenda
    def _agenda_tab(self) -> QWidget:
        page = QWidget(self)
        layout = QVBoxLayout(page)
        self.agenda_model = AgendaTableModel(page)
        self.agenda_model.edited.connect(self._edit_item)
        self.agenda_table = QTableView(page)
        self.agenda_table.setObjectName("agendaTable")
        self.agenda_table.setModel(self.agenda_model)
        self.agenda_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.agenda_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.agenda_table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        layout.addWidget(self.agenda_table, 1)
        self.agenda_total = QLabel(page)
        self.agenda_total.setObjectName("agendaTotal")
        layout.addWidget(self.agenda_total)
        add = QHBoxLayout()
        self.item_title = QLineEdit(page)
        self.item_title.setPlaceholderText(_("New item, e.g. Welcome and sign-in"))
        self.item_minutes = QSpinBox(page)
        self.item_minutes.setRange(0, 24 * 60)
        self.item_minutes.setSingleStep(5)
        self.item_minutes.setSuffix(_(" min"))
        self.item_minutes.setValue(15)
        add_button = QPushButton(_("Add"), page)
        add_button.clicked.connect(self.add_item)
        self.item_title.returnPressed.connect(self.add_item)
        add.addWidget(self.item_title, 1)
        add.addWidget(self.item_minutes)
        add.addWidget(add_button)
        layout.addLayout(add)
        row = QHBoxLayout()
        for text, slot in (
            (_("Move up"), lambda: self.move_item(-1)),
            (_("Move down"), lambda: self.move_item(1)),
            (_("Remove"), self.remove_item),
        ):
            button = QPushButton(text, page)
            button.clicked.connect(slot)
            row.addWidget(button)
        row.addStretch(1)
        self.from_text_button = QPushButton(_("Make items from the programme notes"), page)
        self.from_text_button.clicked.connect(self.items_from_text)
        row.addWidget(self.from_text_button)
        layout.addLayout(row)
        return page

    def _show_agenda(self, summary: S.AgendaSummary, select: int | None = None) -> None:
        self.agenda_model.set_rows(summary.items)
        if select is not None and 0 <= select < len(summary.items):
            self.agenda_table.selectRow(select)
        total = summary.total_minutes
        if summary.session_minutes is None:
            text = _("Total: {total} min (the session has no end time).").format(total=total)
            tone = ""
        elif summary.over_by:
            text = _("Total: {total} min for a {length} min session: over by {over} min.").format(
                total=total, length=summary.session_minutes, over=summary.over_by
            )
            tone = "color: #b3261e; font-weight: 600;"
        else:
            text = _("Total: {total} min for a {length} min session ({free} min free).").format(
                total=total, length=summary.session_minutes, free=summary.free_minutes
            )
            tone = "color: #1e4620;"
        self.agenda_total.setText(text)
        self.agenda_total.setStyleSheet(tone)
        self.agenda_summary = summary

    def _agenda_call(self, func, *args, select: int | None = None) -> bool:
        try:
            with self.store.session() as session:
                summary = func(session, *args)
        except AtelierError as exc:
            dialogs.show_error(self, _("Agenda"), str(exc))
            return False
        self._show_agenda(summary, select)
        return True

    def _selected_row(self, table: QTableView) -> int:
        rows = table.selectionModel().selectedRows()
        return rows[0].row() if rows else -1

    def add_item(self) -> None:
        minutes = self.item_minutes.value() or None
        count = self.agenda_model.rowCount()
        if self._agenda_call(
            S.add_agenda_item, self.session_id, self.item_title.text(), minutes, select=count
        ):
            self.item_title.clear()
            self.item_title.setFocus()

    def _edit_item(self, item_id, title: str, minutes) -> None:
        row = self._selected_row(self.agenda_table)
        self._agenda_call(S.update_agenda_item, item_id, title, minutes, select=row)

    def move_item(self, step: int) -> None:
        row = self._selected_row(self.agenda_table)
        if row < 0:
            return
        target = max(0, min(self.agenda_model.rowCount() - 1, row + step))
        self._agenda_call(S.move_agenda_item, self.agenda_model.item(row).id, target, select=target)

    def remove_item(self) -> None:
        row = self._selected_row(self.agenda_table)
        if row >= 0:
            self._agenda_call(S.remove_agenda_item, self.agenda_model.item(row).id)

    def items_from_text(self) -> None:
        self._agenda_call(S.agenda_from_text, self.session_id)

    # ----------------------------------------------------------------- minutes
    def _minutes_tab(self) -> QWidget:
        page = QWidget(self)
        layout = QVBoxLayout(page)
        self.minutes_status = QLabel(page)
        self.minutes_status.setObjectName("minutesStatus")
        self.minutes_status.setWordWrap(True)
        layout.addWidget(self.minutes_status)
        self.minutes_text = QPlainTextEdit(page)
        self.minutes_text.setPlaceholderText(
            _("Who came, what was said, what was decided, what happens next.")
        )
        layout.addWidget(self.minutes_text, 1)
        row = QHBoxLayout()
        self.save_minutes_button = QPushButton(_("Save the minutes"), page)
        self.save_minutes_button.clicked.connect(self.save_minutes)
        self.circulate_button = QPushButton(_("Circulate for comments"), page)
        self.circulate_button.clicked.connect(self.circulate)
        row.addWidget(self.save_minutes_button)
        row.addWidget(self.circulate_button)
        row.addStretch(1)
        layout.addLayout(row)
        row = QHBoxLayout()
        self.validated_by = QLineEdit(page)
        self.validated_by.setPlaceholderText(_("Validated by (names, or the body that validated)"))
        self.validate_button = QPushButton(_("Validate"), page)
        self.validate_button.clicked.connect(self.validate)
        self.reopen_button = QPushButton(_("Reopen as a draft"), page)
        self.reopen_button.clicked.connect(self.reopen)
        row.addWidget(self.validated_by, 1)
        row.addWidget(self.validate_button)
        row.addWidget(self.reopen_button)
        layout.addLayout(row)
        return page

    def _show_minutes(self, info: S.MinutesInfo, text: bool = True) -> None:
        status = labels.minutes_status(info.status)
        if info.status == "validated":
            line = _("{status} by {who} on {when}. Reopen them to make a change.").format(
                status=status, who=info.validated_by, when=local_datetime(info.validated_at)
            )
        elif info.status == "circulated":
            line = _(
                "{status} on {when}. A change sends them back to draft; once everyone agrees, "
                "record who validated them."
            ).format(status=status, when=local_datetime(info.circulated_at))
        else:
            line = _("{status}. Write them, then circulate them for comments.").format(
                status=status
            )
        self.minutes_status.setText(line)
        if text:
            self.minutes_text.setPlainText(info.text)
        validated = info.status == "validated"
        self.minutes_text.setReadOnly(validated)
        self.save_minutes_button.setEnabled(not validated)
        self.circulate_button.setEnabled(info.status == "draft")
        self.validate_button.setEnabled(info.status == "circulated")
        self.validated_by.setEnabled(info.status == "circulated")
        self.reopen_button.setEnabled(info.status != "draft")
        if validated:
            self.validated_by.setText(info.validated_by or "")

    def _minutes_call(self, func, *args) -> bool:
        try:
            with self.store.session() as session:
                info = func(session, self.session_id, *args)
        except AtelierError as exc:
            dialogs.show_error(self, _("Minutes"), str(exc))
            return False
        self._show_minutes(info)
        return True

    def save_minutes(self) -> bool:
        return self._minutes_call(S.set_minutes, self.minutes_text.toPlainText())

    def circulate(self) -> None:
        if self.save_minutes():
            self._minutes_call(S.circulate_minutes)

    def validate(self) -> None:
        self._minutes_call(S.validate_minutes, self.validated_by.text())

    def reopen(self) -> None:
        self._minutes_call(S.reopen_minutes)

    # ----------------------------------------------------------------- decisions
    def _decisions_tab(self) -> QWidget:
        page = QWidget(self)
        layout = QVBoxLayout(page)
        self.decision_model = DecisionTableModel(page)
        self.decision_model.edited.connect(
            lambda decision_id, text: self._decision_call(S.update_decision, decision_id, text)
        )
        self.decision_table = QTableView(page)
        self.decision_table.setObjectName("decisionTable")
        self.decision_table.setModel(self.decision_model)
        self.decision_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.decision_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.decision_table.setWordWrap(True)
        header = self.decision_table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        layout.addWidget(self.decision_table, 1)
        add = QHBoxLayout()
        self.decision_text = QLineEdit(page)
        self.decision_text.setPlaceholderText(_("A decision, as it was worded in the session"))
        self.decision_status = QComboBox(page)
        for code in DECISION_STATUSES:
            self.decision_status.addItem(decision_status(code), code)
        add_button = QPushButton(_("Add"), page)
        add_button.clicked.connect(self.add_decision)
        self.decision_text.returnPressed.connect(self.add_decision)
        add.addWidget(self.decision_text, 1)
        add.addWidget(self.decision_status)
        add.addWidget(add_button)
        layout.addLayout(add)
        row = QHBoxLayout()
        row.addWidget(QLabel(_("Selected decision:"), page))
        self.set_status = QComboBox(page)
        for code in DECISION_STATUSES:
            self.set_status.addItem(decision_status(code), code)
        self.set_status.activated.connect(self.change_status)
        row.addWidget(self.set_status)
        remove = QPushButton(_("Remove"), page)
        remove.clicked.connect(self.remove_decision)
        row.addWidget(remove)
        row.addStretch(1)
        layout.addLayout(row)
        return page

    def _decision_call(self, func, *args) -> bool:
        try:
            with self.store.session() as session:
                func(session, *args)
                rows = S.decisions(session, self.session_id)
        except AtelierError as exc:
            dialogs.show_error(self, _("Decisions"), str(exc))
            return False
        self.decision_model.set_rows(rows)
        self.decision_table.resizeRowsToContents()
        return True

    def add_decision(self) -> None:
        if self._decision_call(
            S.add_decision,
            self.session_id,
            self.decision_text.text(),
            self.decision_status.currentData(),
        ):
            self.decision_text.clear()

    def change_status(self) -> None:
        row = self._selected_row(self.decision_table)
        if row >= 0:
            decision_id = self.decision_model.decision(row).id
            self._decision_call(S.update_decision, decision_id, None, self.set_status.currentData())
            self.decision_table.selectRow(row)

    def remove_decision(self) -> None:
        row = self._selected_row(self.decision_table)
        if row >= 0:
            self._decision_call(S.remove_decision, self.decision_model.decision(row).id)

    # ----------------------------------------------------------------- loading
    def _load(self) -> None:
        exists = self.session_id is not None
        for tab in (1, 2, 3):
            self.tabs.setTabEnabled(tab, exists)
        if not exists:
            self.setWindowTitle(_("New session"))
            self.heading.setText(_("New session"))
            self.subheading.hide()
            start = (datetime.now(UTC) + timedelta(days=7)).astimezone()
            start = start.replace(hour=18, minute=0, second=0, microsecond=0)
            self.starts_at.setDateTime(_to_qdatetime(start))
            self.ends_at.setDateTime(_to_qdatetime(start + timedelta(hours=2)))
            self.save_button.setText(_("Create the session"))
            return
        self.save_button.setText(_("Save"))
        with self.store.session() as session:
            info = S.session_info(session, self.session_id)
            summary = S.agenda_summary(session, self.session_id)
            minutes = S.minutes_info(session, self.session_id)
            decisions = S.decisions(session, self.session_id)
        self.setWindowTitle(_("Session — {title}").format(title=info.title))
        self.heading.setText(info.title)
        facts = (local_datetime(info.starts_at), info.place, info.process_title)
        self.subheading.setText(" · ".join(x for x in facts if x))
        self.subheading.show()
        self.title.setText(info.title)
        self.starts_at.setDateTime(_to_qdatetime(info.starts_at))
        self.ends_at.setDateTime(_to_qdatetime(info.ends_at or info.starts_at))
        self.place.setText(info.place or "")
        self.facilitators.setText(info.facilitators or "")
        self.agenda_text.setPlainText(info.agenda or "")
        self.from_text_button.setEnabled(bool(info.agenda))
        self._show_agenda(summary)
        self._show_minutes(minutes)
        self.decision_model.set_rows(decisions)
        self.decision_table.resizeRowsToContents()
