"""Committees: the follow-up committees (comités de suivi) of the processes.

Choose a committee (or create one), then: its dashboard, members, meetings and decisions log,
action plan, the review of open actions during a meeting, indicators, and the annual review.
Edits to actions and members go through the main window's undo stack.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, datetime, time

from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.errors import AtelierError
from app.facilitation import committees as C
from app.facilitation import sessions as S
from app.i18n import _, ngettext
from app.store import Store
from app.views import dialogs
from app.views.committees.annual import AnnualPage
from app.views.committees.commands import CommitteeCommand
from app.views.committees.common import find_data
from app.views.committees.dashboard import DashboardPage
from app.views.committees.forms import CommitteeDialog, FormDialog
from app.views.committees.indicators import IndicatorsPage
from app.views.committees.meetings import MeetingsPage
from app.views.committees.members import MembersPage
from app.views.committees.plan import PlanPage
from app.views.committees.review import ReviewPage
from app.views.settings import AppSettings


class CommitteesArea(QWidget):
    """The Committees area. ``today`` tells the day the committee is looked at from (the
    computer's date unless given; tests and demos fix it)."""

    def __init__(
        self,
        store: Store,
        undo_stack: QUndoStack | None = None,
        parent: QWidget | None = None,
        *,
        today: Callable[[], date] | None = None,
    ) -> None:
        from app.views.areas.empty_state import EmptyState  # the areas package imports us

        super().__init__(parent)
        self.setObjectName("committeesArea")
        self.store = store
        self.undo_stack = undo_stack if undo_stack is not None else QUndoStack(self)
        self.today = today or C.today_local
        self.author: str | None = AppSettings().facilitator or None
        self.committee_id: uuid.UUID | None = None
        self.committee: C.CommitteeInfo | None = None
        self.dialog: QWidget | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 16, 16, 16)
        self.stack = QStackedWidget(self)
        layout.addWidget(self.stack)

        empty = QWidget(self)
        empty_layout = QVBoxLayout(empty)
        empty_layout.addWidget(
            EmptyState(
                _("No committee yet"),
                _(
                    "A follow-up committee (comité de suivi) keeps an eye on what a process "
                    "decided: its members, meetings and decisions log, an action plan with "
                    "owners and due dates, indicators, and the annual review."
                ),
            ),
            1,
        )
        first = QPushButton(_("New committee…"), empty)
        first.setObjectName("newFirstCommittee")
        first.clicked.connect(self.new_committee)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(first)
        row.addStretch(1)
        empty_layout.addLayout(row)
        empty_layout.addStretch(1)
        self.stack.addWidget(empty)

        page = QWidget(self)
        page_layout = QVBoxLayout(page)
        page_layout.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        self.chooser = QComboBox(page)
        self.chooser.setObjectName("committeeChoice")
        self.chooser.setMinimumContentsLength(30)
        self.chooser.activated.connect(lambda i: self.choose(self.chooser.itemData(i)))
        top.addWidget(QLabel(_("Committee:"), page))
        top.addWidget(self.chooser, 1)
        for text, slot in ((_("Edit the committee…"), self.edit_committee),
                           (_("New committee…"), self.new_committee)):  # fmt: skip
            button = QPushButton(text, page)
            button.clicked.connect(slot)
            top.addWidget(button)
        page_layout.addLayout(top)
        self.heading = QLabel(page)
        self.heading.setObjectName("areaTitle")
        self.heading.setWordWrap(True)
        self.facts = QLabel(page)
        self.facts.setObjectName("areaSubtitle")
        self.facts.setWordWrap(True)
        page_layout.addWidget(self.heading)
        page_layout.addWidget(self.facts)
        self.tabs = QTabWidget(page)
        self.tabs.setObjectName("committeeTabs")
        self.dashboard = DashboardPage(self)
        self.members = MembersPage(self)
        self.meetings = MeetingsPage(self)
        self.plan = PlanPage(self)
        self.review = ReviewPage(self)
        self.indicators = IndicatorsPage(self)
        self.annual = AnnualPage(self)
        self.pages = (self.dashboard, self.members, self.meetings, self.plan, self.review,
                      self.indicators, self.annual)  # fmt: skip
        for widget, title in zip(
            self.pages,
            (_("Dashboard"), _("Members"), _("Meetings and decisions"), _("Action plan"),
             _("Review"), _("Indicators"), _("Annual review")),
            strict=True,
        ):  # fmt: skip
            self.tabs.addTab(widget, title)
        self.tabs.currentChanged.connect(lambda _i: self._show_current())
        page_layout.addWidget(self.tabs, 1)
        self.stack.addWidget(page)
        self._stale: set[QWidget] = set()
        self.reload()

    # ----------------------------------------------------------------- state
    def reload(self, select: uuid.UUID | None = None) -> None:
        """Read the committees again and show ``select`` (or the current one)."""
        with self.store.session() as session:
            committees = C.list_committees(session, today=self.today())
        wanted = select or self.committee_id
        self.chooser.clear()
        for c in committees:
            self.chooser.addItem(c.title, c.id)
            self.chooser.setItemData(self.chooser.count() - 1, c.process_title, 3)
        ids = [c.id for c in committees]
        self.committee_id = wanted if wanted in ids else (ids[0] if ids else None)
        self.stack.setCurrentIndex(1 if committees else 0)
        if self.committee_id is not None:
            self.chooser.setCurrentIndex(find_data(self.chooser, self.committee_id))
        self.refresh()

    def choose(self, committee_id: uuid.UUID) -> None:
        if committee_id != self.committee_id:
            self.committee_id = committee_id
            self.refresh()

    def refresh(self) -> None:
        """Something changed: the facts line and the visible tab now, the others when shown."""
        if self.committee_id is None:
            self.committee = None
            return
        try:
            with self.store.session() as session:
                self.committee = C.committee_info(session, self.committee_id, today=self.today())
        except AtelierError:
            self.committee_id = None
            self.reload()
            return
        c = self.committee
        self.heading.setText(c.title)
        seats = (
            _("{n} of {max} full members").format(n=c.full_members, max=c.max_members)
            if c.max_members
            else ngettext("{n} full member", "{n} full members", c.full_members).format(
                n=c.full_members
            )
        )
        self.facts.setText(
            " · ".join(
                (
                    _("Follows “{process}”").format(process=c.process_title),
                    seats,
                    ngettext("{n} observer", "{n} observers", c.observers).format(n=c.observers),
                    ngettext("{n} meeting", "{n} meetings", c.meetings).format(n=c.meetings),
                )
            )
        )
        self._stale = set(self.pages)
        self._show_current()

    def _show_current(self) -> None:
        page = self.tabs.currentWidget()
        if page in self._stale and self.committee_id is not None:
            self._stale.discard(page)
            page.reload()

    def show_tab(self, page: QWidget) -> QWidget:
        self.tabs.setCurrentWidget(page)
        self._show_current()
        return page

    def moment(self) -> datetime | None:
        """When a change happens: now, or noon of the area's day when it was given one
        (the history then reads as if the committee had met on that day)."""
        if self.today is C.today_local:
            return None
        return datetime.combine(self.today(), time(12)).astimezone()

    # ----------------------------------------------------------------- undo
    def push(self, command: CommitteeCommand) -> bool:
        """Run a command through the undo stack; a refusal is explained and changes nothing."""
        self.undo_stack.push(command)
        if command.error is not None:
            dialogs.show_error(self, _("Nothing was changed"), str(command.error))
            return False
        return True

    def refused(self, exc: AtelierError) -> None:
        dialogs.show_error(self, _("Nothing was changed"), str(exc))
        self.refresh()

    def open_dialog(self, dialog: QWidget) -> QWidget:
        """Open a form without blocking (tests fill it and press OK)."""
        self.dialog = dialog
        dialog.open()
        return dialog

    # ----------------------------------------------------------------- committees
    def _processes(self) -> list[tuple[uuid.UUID, str]]:
        with self.store.session() as session:
            return [(p.id, p.title) for p in S.list_processes(session)]

    def new_committee(self) -> CommitteeDialog | None:
        processes = self._processes()
        if not processes:
            dialogs.show_error(
                self,
                _("No process yet"),
                _("A committee follows a process: create the process first (Processes & "
                  "sessions)."),
            )  # fmt: skip
            return None

        def submit(form: FormDialog) -> None:
            with self.store.session() as session:
                info = C.create_committee(session, form.data())
            self.reload(info.id)

        return self.open_dialog(CommitteeDialog(processes, submit, self))

    def edit_committee(self) -> CommitteeDialog | None:
        if self.committee_id is None:
            return None
        with self.store.session() as session:
            data = C.committee_data(session, self.committee_id)

        def submit(form: FormDialog) -> None:
            with self.store.session() as session:
                C.update_committee(session, self.committee_id, form.data(), today=self.today())
            self.reload()

        return self.open_dialog(CommitteeDialog(self._processes(), submit, self, data))
