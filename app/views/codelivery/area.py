"""Co-delivery (co-réalisation): volunteers of a process, missions on the actions of its
follow-up committees, time sheets, and the value of citizen time.

Choose a process, then the tabs: Volunteers, Missions, Time sheet, Citizen time. Every change
goes through :mod:`app.facilitation` and is saved at once; a refusal is explained and changes
nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date

from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.errors import AtelierError
from app.facilitation import sessions as S
from app.facilitation.committees import today_local
from app.i18n import _
from app.store import Store
from app.views import dialogs
from app.views.codelivery.citizen_time import CitizenTimePage
from app.views.codelivery.missions import MissionsPage
from app.views.codelivery.timesheet import TimesheetPage
from app.views.codelivery.volunteers import VolunteersPage
from app.views.committees.common import find_data


class CodeliveryArea(QWidget):
    """The Co-delivery area. ``today`` is the day looked from (the computer's date unless
    given; tests and screenshots fix it)."""

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
        self.setObjectName("codeliveryArea")
        self.store = store
        self.undo_stack = undo_stack if undo_stack is not None else QUndoStack(self)
        self.today = today or today_local
        self.process_id: uuid.UUID | None = None
        self.dialog: QWidget | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 16, 16, 16)
        self.stack = QStackedWidget(self)
        layout.addWidget(self.stack)
        self.stack.addWidget(
            EmptyState(
                _("No process yet"),
                _(
                    "Co-delivery follows the volunteers of a process: their missions on the "
                    "actions of a follow-up committee, the hours they give and what that "
                    "citizen time is worth. Create a process first (Processes & sessions)."
                ),
            )
        )
        page = QWidget(self)
        page_layout = QVBoxLayout(page)
        page_layout.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        self.chooser = QComboBox(page)
        self.chooser.setObjectName("codeliveryProcess")
        self.chooser.setMinimumContentsLength(40)
        self.chooser.activated.connect(lambda i: self.choose(self.chooser.itemData(i)))
        top.addWidget(QLabel(_("Process:"), page))
        top.addWidget(self.chooser, 1)
        page_layout.addLayout(top)
        self.tabs = QTabWidget(page)
        self.tabs.setObjectName("codeliveryTabs")
        self.volunteers = VolunteersPage(self)
        self.missions = MissionsPage(self)
        self.timesheet = TimesheetPage(self)
        self.citizen_time = CitizenTimePage(self)
        self.pages = (self.volunteers, self.missions, self.timesheet, self.citizen_time)
        for widget, title in zip(
            self.pages,
            (_("Volunteers"), _("Missions"), _("Time sheet"), _("Citizen time")),
            strict=True,
        ):
            self.tabs.addTab(widget, title)
        self.tabs.currentChanged.connect(lambda _i: self._show_current())
        page_layout.addWidget(self.tabs, 1)
        self.stack.addWidget(page)
        self._stale: set[QWidget] = set()
        self.reload()

    # ----------------------------------------------------------------- state
    def reload(self, select: uuid.UUID | None = None) -> None:
        """Read the processes again and show ``select`` (or the current one)."""
        with self.store.session() as session:
            processes = [(p.id, p.title) for p in S.process_overview(session)]
        wanted = select or self.process_id
        self.chooser.clear()
        for pid, title in processes:
            self.chooser.addItem(title, pid)
        ids = [pid for pid, _t in processes]
        self.process_id = wanted if wanted in ids else (ids[0] if ids else None)
        self.stack.setCurrentIndex(1 if processes else 0)
        if self.process_id is not None:
            self.chooser.setCurrentIndex(find_data(self.chooser, self.process_id))
        self.changed()

    def choose(self, process_id: uuid.UUID) -> None:
        if process_id != self.process_id:
            self.process_id = process_id
            self.changed()

    def changed(self, keep: QWidget | None = None) -> None:
        """Something changed: every tab reloads when next shown (``keep`` is up to date)."""
        self._stale = {p for p in self.pages if p is not keep}
        self._show_current()

    def _show_current(self) -> None:
        page = self.tabs.currentWidget()
        if page in self._stale and self.process_id is not None:
            self._stale.discard(page)
            page.reload()

    def show_tab(self, page: QWidget) -> QWidget:
        self.tabs.setCurrentWidget(page)
        self._show_current()
        return page

    # ----------------------------------------------------------------- helpers
    def refused(self, exc: AtelierError) -> None:
        dialogs.show_error(self, _("Nothing was changed"), str(exc))

    def open_dialog(self, dialog: QWidget) -> QWidget:
        """Open a form without blocking (tests fill it and press OK)."""
        self.dialog = dialog
        dialog.open()
        return dialog
