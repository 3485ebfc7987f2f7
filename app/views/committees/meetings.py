"""Meetings of the committee (sessions of its process: agenda, sign-in and minutes are the
session editor's and the door's) and the decisions log (relevé de décisions)."""

from __future__ import annotations

import uuid
from datetime import datetime, time, timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSplitter, QVBoxLayout, QWidget

from app.facilitation import committees as C
from app.i18n import _
from app.views import dialogs
from app.views.checkin import CheckinDialog
from app.views.committees.common import Page, selected_row, table
from app.views.committees.forms import DecisionDialog, FormDialog, MeetingDialog, add_months
from app.views.models.committees import DecisionLogModel, MeetingModel
from app.views.session_editor import SessionEditor, _date_of


class MeetingsPage(Page):
    def __init__(self, area) -> None:
        super().__init__(area)
        self.editor: SessionEditor | None = None
        self.checkin: CheckinDialog | None = None
        layout = QVBoxLayout(self)
        split = QSplitter(Qt.Orientation.Vertical, self)
        top = QWidget(split)
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        self.model = MeetingModel(self)
        self.table = table(top, self.model, "meetingsTable")
        self.table.doubleClicked.connect(lambda _i: self.open_meeting())
        top_layout.addWidget(self.table, 1)
        row = QHBoxLayout()
        for text, slot, name in ((_("New meeting…"), self.new_meeting, "newMeeting"),
                                 (_("Open the meeting…"), self.open_meeting, "openMeeting"),
                                 (_("Sign-in at the door…"), self.open_checkin, "meetingCheckin"),
                                 (_("Record a decision…"), self.record_decision,
                                  "recordDecision")):  # fmt: skip
            button = QPushButton(text, top)
            button.setObjectName(name)
            button.clicked.connect(slot)
            row.addWidget(button)
        row.addStretch(1)
        top_layout.addLayout(row)
        bottom = QWidget(split)
        bottom_layout = QVBoxLayout(bottom)
        bottom_layout.setContentsMargins(0, 0, 0, 0)
        title = QLabel(_("Decisions log"), bottom)
        title.setObjectName("detailTitle")
        bottom_layout.addWidget(title)
        self.decisions = DecisionLogModel(self)
        self.decision_table = table(bottom, self.decisions, "decisionsLog", stretch=(1,))
        self.decision_table.setWordWrap(True)
        bottom_layout.addWidget(self.decision_table, 1)
        layout.addWidget(split)

    def reload(self, select: uuid.UUID | None = None) -> None:
        current = select or self.selected_id()
        with self.store.session() as session:
            meetings = C.list_meetings(session, self.area.committee_id)
            log = C.decisions_log(session, self.area.committee_id)
        self.model.set_rows(meetings)
        self.decisions.set_rows(log)
        row = self.model.row_of(current) if current else -1
        if row < 0 and meetings:  # the next meeting, or the last one
            moment = datetime.combine(self.area.today(), time()).astimezone()
            row = next((n for n, m in enumerate(meetings) if m.starts_at >= moment),
                       len(meetings) - 1)  # fmt: skip
        if row >= 0:
            self.table.selectRow(row)
        self.decision_table.resizeRowsToContents()

    def selected_id(self) -> uuid.UUID | None:
        row = selected_row(self.table)
        return self.model.row_at(row).id if row >= 0 else None

    def _need_meeting(self) -> uuid.UUID | None:
        meeting_id = self.selected_id()
        if meeting_id is None:
            dialogs.show_error(self, _("No meeting chosen"), _("Choose a meeting in the list."))
        return meeting_id

    def new_meeting(self) -> MeetingDialog:
        area = self.area
        meetings = self.model.rows
        if meetings:
            start = add_months(meetings[-1].starts_at.astimezone(), 1)
        else:
            start = datetime.combine(area.today() + timedelta(days=7), time(18, 0)).astimezone()
        default = _("Committee meeting no. {n}").format(n=len(meetings) + 1)

        def submit(form: FormDialog) -> None:
            first = form.start()
            count = form.repeat.value()
            length = timedelta(hours=form.hours.value())
            base = form.title.text().strip()
            made = []
            with self.store.session() as session:
                for n in range(count):
                    title = base
                    if base == default:  # numbered, one after the other
                        title = _("Committee meeting no. {n}").format(n=len(meetings) + n + 1)
                    starts = add_months(first, n)
                    made.append(
                        C.create_meeting(
                            session, area.committee_id, title, starts, ends_at=starts + length,
                            place=form.place.text(), agenda=form.agenda.toPlainText(),
                        ).id
                    )  # fmt: skip
            area.refresh()
            self.reload(made[0])

        return area.open_dialog(MeetingDialog(default, start, submit, self))

    def open_meeting(self) -> SessionEditor | None:
        meeting_id = self._need_meeting()
        if meeting_id is None:
            return None
        editor = SessionEditor(self.store, self.area.committee.process_id, meeting_id, self)
        editor.finished.connect(lambda _result: self._after(meeting_id))
        editor.open()
        self.editor = editor
        return editor

    def open_checkin(self) -> CheckinDialog | None:
        meeting_id = self._need_meeting()
        if meeting_id is None:
            return None
        if self.checkin is not None:
            self.checkin.close()
        self.checkin = CheckinDialog(self.store, meeting_id, self)
        self.checkin.finished.connect(lambda _result: self._after(meeting_id))
        self.checkin.show()
        return self.checkin

    def _after(self, meeting_id: uuid.UUID) -> None:
        self.area.refresh()
        if self.area.tabs.currentWidget() is self:
            self.reload(meeting_id)

    def record_decision(self) -> DecisionDialog | None:
        meetings = self.model.rows
        if not meetings:
            dialogs.show_error(
                self, _("No meeting yet"), _("Decisions are taken in meetings: plan one first.")
            )
            return None

        def submit(form: FormDialog) -> None:
            meeting_id = form.meeting.currentData()
            with self.store.session() as session:
                C.record_decision(
                    session, meeting_id, form.text.toPlainText(), status=form.status.currentData(),
                    decided_on=_date_of(form.decided_on), decided_by=form.decided_by.text(),
                )  # fmt: skip
            self.reload(meeting_id)

        dialog = DecisionDialog(meetings, self.selected_id(), submit, self)
        return self.area.open_dialog(dialog)
