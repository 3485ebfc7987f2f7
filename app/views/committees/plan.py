"""The action plan: filters (owner, status, due period), the table with overdue actions that
stand out, add/edit through the undo stack, and the selected action's history."""

from __future__ import annotations

import calendar
import uuid
from datetime import date, timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.errors import AtelierError
from app.facilitation import actions as A
from app.facilitation import committees as C
from app.i18n import _, ngettext
from app.views import conflict as conflict_dialog
from app.views import dialogs
from app.views.committees.commands import CreateAction, EditAction
from app.views.committees.common import Page, find_data, selected_row, table
from app.views.committees.forms import ActionDialog, FormDialog
from app.views.models.committees import ActionModel, HistoryModel

#: Status filter choices beyond the single statuses.
OPEN, ALL = "open", None
#: Due period filter codes.
PERIODS = ("any", "overdue", "this_month", "next_30", "this_quarter", "this_year")


def due_period(code: str, today: date) -> tuple[date | None, date | None, bool]:
    """(due_from, due_to, overdue_only) for a due period filter."""
    if code == "overdue":
        return None, None, True
    if code == "this_month":
        last = calendar.monthrange(today.year, today.month)[1]
        return today.replace(day=1), today.replace(day=last), False
    if code == "next_30":
        return today, today + timedelta(days=30), False
    if code == "this_quarter":
        first = (today.month - 1) // 3 * 3 + 1
        end_month = first + 2
        last = calendar.monthrange(today.year, end_month)[1]
        return date(today.year, first, 1), date(today.year, end_month, last), False
    if code == "this_year":
        return date(today.year, 1, 1), date(today.year, 12, 31), False
    return None, None, False


class PlanPage(Page):
    def __init__(self, area) -> None:
        super().__init__(area)
        layout = QVBoxLayout(self)
        filters = QHBoxLayout()
        self.owner = QComboBox(self)
        self.owner.setObjectName("filterOwner")
        self.status = QComboBox(self)
        self.status.setObjectName("filterStatus")
        self.status.addItem(_("Any status"), ALL)
        self.status.addItem(_("Open (not done or dropped)"), OPEN)
        for code, label in A.status_choices():
            self.status.addItem(label, code)
        self.period = QComboBox(self)
        self.period.setObjectName("filterDue")
        for code, label in zip(
            PERIODS,
            (_("Any due date"), _("Overdue"), _("Due this month"), _("Due in the next 30 days"),
             _("Due this quarter"), _("Due this year")),
            strict=True,
        ):  # fmt: skip
            self.period.addItem(label, code)
        for label, box in ((_("Owner:"), self.owner), (_("Status:"), self.status),
                           (_("Due:"), self.period)):  # fmt: skip
            # a long choice must not widen the window: the list opens as wide as it needs
            box.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            box.setMinimumContentsLength(17 if box is self.period else 12)
            box.view().setMinimumWidth(box.view().sizeHintForColumn(0) + 24)
            filters.addWidget(QLabel(label, self))
            filters.addWidget(box)
            box.currentIndexChanged.connect(lambda _i: self.apply_filters())
        filters.addStretch(1)
        layout.addLayout(filters)

        split = QSplitter(Qt.Orientation.Vertical, self)
        self.model = ActionModel(self)
        self.table = table(split, self.model, "actionsTable")
        self.table.doubleClicked.connect(lambda _i: self.edit_action())
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self.show_history())
        split.addWidget(self.table)
        bottom = QWidget(split)
        bottom_layout = QVBoxLayout(bottom)
        bottom_layout.setContentsMargins(0, 0, 0, 0)
        self.history_title = QLabel(_("History"), bottom)
        self.history_title.setObjectName("detailTitle")
        bottom_layout.addWidget(self.history_title)
        self.history = HistoryModel(self)
        self.history_table = table(bottom, self.history, "actionHistory", stretch=(2, 3))
        bottom_layout.addWidget(self.history_table, 1)
        split.addWidget(bottom)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        layout.addWidget(split, 1)
        row = QHBoxLayout()
        for text, slot, name in ((_("New action…"), self.new_action, "newAction"),
                                 (_("Edit…"), self.edit_action, "editAction"),
                                 (_("Delete…"), self.delete_action, "deleteAction")):  # fmt: skip
            button = QPushButton(text, self)
            button.setObjectName(name)
            button.clicked.connect(slot)
            row.addWidget(button)
        row.addStretch(1)
        self.count = QLabel(self)
        self.count.setObjectName("planCount")
        row.addWidget(self.count)
        layout.addLayout(row)

    # ----------------------------------------------------------------- filters
    def reload(self, select: uuid.UUID | None = None) -> None:
        """Owners may have changed: refill that choice, then filter."""
        owner = self.owner.currentData()
        with self.store.session() as session:
            owners = A.action_owners(session, self.area.committee_id)
        self.owner.blockSignals(True)
        self.owner.clear()
        self.owner.addItem(_("Anyone"), None)
        for name in owners:
            self.owner.addItem(name, name)
        self.owner.setCurrentIndex(max(0, find_data(self.owner, owner)))
        self.owner.blockSignals(False)
        self.apply_filters(select)

    def filters(self) -> dict:
        status = self.status.currentData()
        due_from, due_to, overdue = due_period(self.period.currentData(), self.area.today())
        return {
            "owner": self.owner.currentData(),
            "status": A.OPEN_STATUSES if status == OPEN else status,
            "due_from": due_from,
            "due_to": due_to,
            "overdue_only": overdue,
        }

    def apply_filters(self, select: uuid.UUID | None = None) -> None:
        """One domain query, one model reset."""
        current = select or self.selected_id()
        with self.store.session() as session:
            rows = A.list_actions(
                session, self.area.committee_id, today=self.area.today(), **self.filters()
            )
        self.model.set_rows(rows)
        overdue = sum(1 for r in rows if r.overdue)
        text = ngettext("{n} action", "{n} actions", len(rows)).format(n=len(rows))
        if overdue:
            text += " · " + ngettext("{n} overdue", "{n} overdue", overdue).format(n=overdue)
        self.count.setText(text)
        self.select(current)

    def select(self, action_id: uuid.UUID | None) -> None:
        row = self.model.row_of(action_id) if action_id else -1
        if row >= 0:
            self.table.selectRow(row)
            self.table.scrollTo(self.model.index(row, 0))
        else:
            self.table.clearSelection()
        self.show_history()

    def selected_id(self) -> uuid.UUID | None:
        row = selected_row(self.table)
        return self.model.row_at(row).id if row >= 0 else None

    def show_history(self) -> None:
        action_id = self.selected_id()
        rows = []
        if action_id is not None:
            with self.store.session() as session:
                rows = A.action_history(session, action_id)
            title = self.model.row_at(selected_row(self.table)).title
            self.history_title.setText(_("History of “{title}”").format(title=title))
        else:
            self.history_title.setText(_("History"))
        self.history.set_rows(rows)

    # ----------------------------------------------------------------- edits
    def _changed(self, action_id: uuid.UUID | None) -> None:
        self.area.refresh()
        if self.area.tabs.currentWidget() is self:
            self.reload(action_id)

    def _dialog_lists(self):
        with self.store.session() as session:
            members = C.list_members(
                session, self.area.committee_id, sitting_only=True, today=self.area.today()
            )
            organisations = C.organisation_choices(session)
        return members, organisations

    def new_action(self) -> ActionDialog:
        area = self.area

        def submit(form: FormDialog) -> None:
            command = CreateAction(
                self.store, area.committee_id, form.data(), self._changed, area.refused,
                author=area.author, today=area.today(), at=area.moment(),
            )  # fmt: skip
            area.undo_stack.push(command)
            if command.error is not None:
                raise command.error

        members, organisations = self._dialog_lists()
        dialog = ActionDialog(members, organisations, submit, self, today=area.today())
        return area.open_dialog(dialog)

    def edit_action(self) -> ActionDialog | None:
        action_id = self.selected_id()
        if action_id is None:
            dialogs.show_error(self, _("No action chosen"), _("Choose an action in the list."))
            return None
        area = self.area
        with self.store.session() as session:
            info = A.action_info(session, action_id, today=area.today())

        def submit(form: FormDialog) -> None:
            changes = form.changes()
            if not changes:
                return
            with self.store.session() as session:  # saved by someone else since it was shown?
                moved = A.action_info(session, action_id).version != info.version
                found = (
                    A.action_conflict(session, action_id, changes, info.version) if moved else None
                )
            if found is not None:
                choice = conflict_dialog.resolve(form, found)
                if choice is None:
                    raise found  # the form stays open, saying why
                if choice == conflict_dialog.TAKE_STORED:
                    self._changed(action_id)
                    return
            command = EditAction(
                self.store, action_id, info.data.title, changes, self._changed, area.refused,
                author=area.author, today=area.today(), at=area.moment(),
            )  # fmt: skip
            area.undo_stack.push(command)
            if command.error is not None:
                raise command.error

        members, organisations = self._dialog_lists()
        dialog = ActionDialog(members, organisations, submit, self, data=info.data)
        return area.open_dialog(dialog)

    def delete_action(self) -> None:
        row = selected_row(self.table)
        if row < 0:
            dialogs.show_error(self, _("No action chosen"), _("Choose an action in the list."))
            return
        action = self.model.row_at(row)
        if not dialogs.confirm(
            self,
            _("Delete the action"),
            _("Delete “{title}” and its history? This cannot be undone; to keep a trace, set "
              "its status to “Dropped” instead.").format(title=action.title),
        ):  # fmt: skip
            return
        try:
            with self.store.session() as session:
                A.delete_action(session, action.id)
        except AtelierError as exc:
            dialogs.show_error(self, _("The action was not deleted"), str(exc))
        self._changed(None)
