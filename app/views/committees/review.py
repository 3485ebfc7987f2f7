"""A meeting reviews the open actions one by one (overdue first): the committee agrees on a
status, progress, due date and notes, then "Record and next" (Ctrl+Return) or "Skip".
Each record is the meeting's review in the action's history, and can be undone."""

from __future__ import annotations

import html
import uuid
from datetime import date, datetime, time

from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
)

from app.facilitation import actions as A
from app.facilitation import committees as C
from app.i18n import _
from app.views.committees.commands import EditAction
from app.views.committees.common import Page, find_data
from app.views.committees.forms import qdate
from app.views.models.committees import day_text
from app.views.models.sessions import local_datetime
from app.views.session_editor import _date_edit, _date_of


class ReviewPage(Page):
    def __init__(self, area) -> None:
        super().__init__(area)
        self.queue: list[A.ActionRow] = []
        self.position = 0
        self.recorded = 0
        self.skipped = 0
        self.reviewed: set[uuid.UUID] = set()
        self.current: A.ActionInfo | None = None
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(QLabel(_("Meeting:"), self))
        self.meeting = QComboBox(self)
        self.meeting.setObjectName("reviewMeeting")
        self.meeting.setMinimumContentsLength(30)
        top.addWidget(self.meeting, 1)
        self.start_button = QPushButton(_("Start the review"), self)
        self.start_button.setObjectName("startReview")
        self.start_button.clicked.connect(self.start)
        top.addWidget(self.start_button)
        layout.addLayout(top)
        self.progress_label = QLabel(self)
        self.progress_label.setObjectName("reviewProgress")
        layout.addWidget(self.progress_label)

        self.card = QGroupBox(self)
        card = QVBoxLayout(self.card)
        self.heading = QLabel(self.card)
        self.heading.setObjectName("detailTitle")
        self.heading.setWordWrap(True)
        self.facts = QLabel(self.card)
        self.facts.setObjectName("reviewFacts")
        self.facts.setWordWrap(True)
        card.addWidget(self.heading)
        card.addWidget(self.facts)
        form = QFormLayout()
        self.status = QComboBox(self.card)
        self.status.setObjectName("reviewStatus")
        for code, label in A.status_choices():
            self.status.addItem(label, code)
        self.progress = QSpinBox(self.card)
        self.progress.setObjectName("reviewProgressValue")
        self.progress.setRange(0, 100)
        self.progress.setSingleStep(10)
        self.progress.setSuffix("\u00a0%")
        self.due_on = _date_edit(self.card, None)
        self.due_on.setObjectName("reviewDue")
        self.notes = QPlainTextEdit(self.card)
        self.notes.setObjectName("reviewNotes")
        self.notes.setTabChangesFocus(True)
        self.notes.setMaximumHeight(90)
        form.addRow(_("Status"), self.status)
        form.addRow(_("Progress"), self.progress)
        form.addRow(_("Due date"), self.due_on)
        form.addRow(_("Notes"), self.notes)
        card.addLayout(form)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.skip_button = QPushButton(_("Skip"), self.card)
        self.skip_button.setObjectName("reviewSkip")
        self.skip_button.clicked.connect(self.skip)
        self.record_button = QPushButton(_("Record and next"), self.card)
        self.record_button.setObjectName("reviewRecord")
        self.record_button.setDefault(True)
        self.record_button.setToolTip(_("Ctrl+Return"))
        self.record_button.clicked.connect(self.record_and_next)
        buttons.addWidget(self.skip_button)
        buttons.addWidget(self.record_button)
        card.addLayout(buttons)
        layout.addWidget(self.card)
        layout.addStretch(1)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.activated.connect(self.record_and_next)
        self.card.hide()

    def reload(self) -> None:
        current = self.meeting.currentData()
        with self.store.session() as session:
            meetings = C.list_meetings(session, self.area.committee_id)
            next_one = C.next_meeting(
                session, self.area.committee_id,
                now=_start_of(self.area.today()),
            )  # fmt: skip
        self.meeting.clear()
        for m in meetings:
            self.meeting.addItem(f"{m.title} · {local_datetime(m.starts_at)}", m.id)
        wanted = current or (next_one.id if next_one else (meetings[-1].id if meetings else None))
        self.meeting.setCurrentIndex(max(0, find_data(self.meeting, wanted)))
        self.start_button.setEnabled(bool(meetings))
        if not meetings:
            self.progress_label.setText(_("Plan a meeting first: a review belongs to a meeting."))
        elif not self.card.isVisible():
            self.progress_label.setText(_("Choose the meeting, then start the review."))

    def start(self) -> None:
        meeting_id = self.meeting.currentData()
        if meeting_id is None:
            return
        with self.store.session() as session:
            self.queue = A.open_actions_for_review(
                session, self.area.committee_id, today=self.area.today()
            )
            self.reviewed = A.reviewed_in(session, meeting_id)
        self.meeting_id = meeting_id
        self.position, self.recorded, self.skipped = 0, 0, 0
        self._show()

    def _show(self) -> None:
        if self.position >= len(self.queue):
            self.current = None
            self.card.hide()
            self.progress_label.setText(
                _("Review finished: {recorded} recorded, {skipped} skipped.").format(
                    recorded=self.recorded, skipped=self.skipped
                )
                if self.queue
                else _("No open action to review.")
            )
            return
        row = self.queue[self.position]
        with self.store.session() as session:
            self.current = info = A.action_info(session, row.id, today=self.area.today())
        d = info.data
        self.progress_label.setText(
            _("Action {n} of {total}").format(n=self.position + 1, total=len(self.queue))
            + (" · " + _("already reviewed in this meeting") if row.id in self.reviewed else "")
        )
        self.heading.setText(d.title)
        facts = [
            _("Owner: {name}").format(name=html.escape(d.owner_name or _("nobody yet"))),
            _("Due: {day}").format(day=day_text(d.due_on) or _("no date")),
        ]
        if info.overdue:
            facts.append("<b style='color:#8a1c12'>⚠ " + html.escape(_("Overdue")) + "</b>")
        if d.description:
            facts.append("<br>" + html.escape(d.description))
        self.facts.setText(" · ".join(facts))
        self.status.setCurrentIndex(max(0, find_data(self.status, d.status)))
        self.progress.setValue(d.progress)
        self.due_on.setDate(qdate(d.due_on) if d.due_on else self.due_on.minimumDate())
        self.notes.setPlainText(d.notes or "")
        self.card.show()
        self.status.setFocus()

    def changes(self) -> dict[str, object]:
        d = self.current.data
        wanted = {
            "status": self.status.currentData(),
            "progress": self.progress.value(),
            "due_on": _date_of(self.due_on),
            "notes": self.notes.toPlainText().strip() or None,
        }
        return {k: v for k, v in wanted.items() if v != getattr(d, k)}

    def record_and_next(self) -> None:
        if self.current is None or not self.card.isVisible():
            return
        area = self.area
        command = EditAction(
            self.store, self.current.id, self.current.data.title, self.changes(),
            lambda _id: area.refresh(), area.refused,
            author=area.author, meeting_id=self.meeting_id, today=area.today(),
            at=area.moment(),
        )  # fmt: skip
        if not area.push(command):
            return  # the card stays, with the reason shown
        self.reviewed.add(self.current.id)
        self.recorded += 1
        self.position += 1
        self._show()

    def skip(self) -> None:
        if self.current is None:
            return
        self.skipped += 1
        self.position += 1
        self._show()


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time()).astimezone()
