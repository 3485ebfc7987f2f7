"""The Time-sheet tab: the hours a group gave to a mission on one day, typed in a grid after
the activity, keyboard first. Type the hours, Enter (or Down) goes to the next volunteer;
Ctrl+S (or Ctrl+Return) saves the whole sheet or nothing, rows with a problem turn red. A day
outside the mission's span is saved once confirmed. Hours can also come from a CSV file."""

from __future__ import annotations

import uuid
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeySequence, QShortcut, QUndoCommand
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QApplication,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QStyledItemDelegate,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.errors import AtelierError
from app.facilitation import missions as M
from app.facilitation import timesheets as TS
from app.i18n import _, ngettext
from app.views import dialogs
from app.views.codelivery.common import (
    ERROR_STYLE,
    Page,
    find_data,
    message_line,
    say,
    volunteer_labels,
)
from app.views.models.codelivery import SheetRow, TimesheetModel
from app.views.models.committees import day_text, number
from app.views.session_editor import _date_edit, _date_of


class _MoveDelegate(QStyledItemDelegate):
    """Enter, Down and Up in a cell's editor keep the typed value and move to the next or
    previous row."""

    def eventFilter(self, editor: QObject, event: QEvent) -> bool:
        grid = self.parent()
        if event.type() == QEvent.Type.KeyPress and grid.is_save(event):
            self.commitData.emit(editor)
            self.closeEditor.emit(editor, QAbstractItemDelegate.EndEditHint.NoHint)
            grid.request_save()
            return True
        if event.type() == QEvent.Type.KeyPress and not (
            event.modifiers() & Qt.KeyboardModifier.ControlModifier
        ):
            step = {
                Qt.Key.Key_Down: 1,
                Qt.Key.Key_Return: 1,
                Qt.Key.Key_Enter: 1,
                Qt.Key.Key_Up: -1,
            }.get(event.key())
            if step:  # at once (Qt's own Enter commits later, through the event loop)
                self.parent().pending_move = step
                self.commitData.emit(editor)
                self.closeEditor.emit(editor, QAbstractItemDelegate.EndEditHint.NoHint)
                return True
        return super().eventFilter(editor, event)


class SheetGrid(QTableView):
    """Typing on a cell edits it; Enter or Down moves to the same column of the next row, Up
    to the previous one; Delete clears the cell."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.pending_move = 0
        #: Called on Ctrl+S or Ctrl+Return typed in the grid (the page saves the sheet).
        self.on_save = None
        self.setItemDelegate(_MoveDelegate(self))
        self.setEditTriggers(
            QAbstractItemView.EditTrigger.AnyKeyPressed
            | QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.verticalHeader().hide()

    @staticmethod
    def is_save(event) -> bool:
        control = bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)
        enter = event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        return event.matches(QKeySequence.StandardKey.Save) or (control and enter)

    def request_save(self) -> None:
        if self.on_save is not None:
            self.on_save()

    def move(self, step: int) -> None:
        current = self.currentIndex()
        if not current.isValid():
            return
        row = current.row() + step
        if 0 <= row < self.model().rowCount():
            self.setCurrentIndex(current.siblingAtRow(row))

    def closeEditor(self, editor, hint) -> None:
        step = self.pending_move or (
            1 if hint == QAbstractItemDelegate.EndEditHint.SubmitModelCache else 0
        )
        self.pending_move = 0
        if step:
            super().closeEditor(editor, QAbstractItemDelegate.EndEditHint.NoHint)
            self.move(step)
            self.setFocus()
        else:
            super().closeEditor(editor, hint)

    def keyPressEvent(self, event) -> None:
        if self.is_save(event):  # when no window shortcut took it first
            self.request_save()
            event.accept()
            return
        if self.state() != QAbstractItemView.State.EditingState:
            index = self.currentIndex()
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not (
                event.modifiers() & Qt.KeyboardModifier.ControlModifier
            ):
                self.move(1)
                event.accept()
                return
            if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and index.isValid():
                self.model().setData(index, "", Qt.ItemDataRole.EditRole)
                return
        super().keyPressEvent(event)


class SheetCommand(QUndoCommand):
    """A saved sheet, undoable: undo deletes its lines, redo records them again."""

    def __init__(self, page: TimesheetPage, mission_id, day, rows, result) -> None:
        super().__init__(_("Time sheet of {day}").format(day=day_text(day)))
        self.page, self.mission_id, self.day, self.rows = page, mission_id, day, list(rows)
        self.ids = tuple(result.entry_ids)
        self._first = True

    def redo(self) -> None:
        if self._first:  # recorded by the page already
            self._first = False
            return
        try:
            with self.page.store.session() as session:
                result = TS.record_group_timesheet(
                    session, self.mission_id, self.day, self.rows, confirm_outside=True
                )
            self.ids = result.entry_ids
        except AtelierError as exc:
            self.page.area.refused(exc)
        self.page.area.changed()

    def undo(self) -> None:
        try:
            with self.page.store.session() as session:
                for entry_id in self.ids:
                    TS.delete_time_entry(session, entry_id)
        except AtelierError as exc:
            self.page.area.refused(exc)
        self.page.area.changed()


class TimesheetPage(Page):
    def __init__(self, area) -> None:
        super().__init__(area)
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        self.mission = QComboBox(self)
        self.mission.setObjectName("sheetMission")
        self.mission.setMinimumContentsLength(30)
        self.mission.activated.connect(lambda _i: self.fill())
        self.day = _date_edit(self, area.today())
        self.day.setObjectName("sheetDay")
        self.day.dateChanged.connect(lambda _d: self._span_hint())
        top.addWidget(QLabel(_("Mission:"), self))
        top.addWidget(self.mission, 1)
        top.addWidget(QLabel(_("Day:"), self))
        top.addWidget(self.day)
        self.import_button = QPushButton(_("Import CSV…"), self)
        self.import_button.clicked.connect(lambda: self.import_csv())
        top.addWidget(self.import_button)
        layout.addLayout(top)
        self.span = QLabel(self)
        self.span.setObjectName("sheetSpan")
        self.span.setWordWrap(True)
        layout.addWidget(self.span)
        self.model = TimesheetModel(self)
        self.grid = SheetGrid(self)
        self.grid.setObjectName("sheetGrid")
        self.grid.setModel(self.model)
        self.grid.on_save = lambda: self.save()
        header = self.grid.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Fixed)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.grid.setColumnWidth(0, 320)
        self.grid.setColumnWidth(1, 90)
        layout.addWidget(self.grid, 1)
        others = QHBoxLayout()
        self.others = QComboBox(self)
        self.others.setObjectName("sheetOthers")
        self.others.setMinimumContentsLength(24)
        self.add_other_button = QPushButton(_("Add to the sheet"), self)
        self.add_other_button.clicked.connect(lambda: self.add_other())
        self.add_all_button = QPushButton(_("Add every other volunteer"), self)
        self.add_all_button.clicked.connect(self.add_all_others)
        others.addWidget(QLabel(_("Another volunteer:"), self))
        others.addWidget(self.others, 1)
        others.addWidget(self.add_other_button)
        others.addWidget(self.add_all_button)
        layout.addLayout(others)
        self.problems = message_line(self, "sheetProblems")
        layout.addWidget(self.problems)
        bottom = QHBoxLayout()
        hint = QLabel(
            _("Type the hours (2.5, 2h30), Enter for the next person; Ctrl+S saves the sheet."),
            self,
        )
        hint.setObjectName("areaSubtitle")
        hint.setWordWrap(True)
        bottom.addWidget(hint, 1)
        self.save_button = QPushButton(_("Save the sheet"), self)
        self.save_button.setObjectName("saveSheet")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(lambda: self.save())
        bottom.addWidget(self.save_button)
        layout.addLayout(bottom)
        for keys in (QKeySequence.StandardKey.Save, QKeySequence("Ctrl+Return")):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(lambda: self.save())
        self.missions: list[M.MissionInfo] = []

    # ----------------------------------------------------------------- state
    def reload(self) -> None:
        current = self.mission.currentData()
        with self.store.session() as session:
            self.missions = M.list_missions(session, self.process_id)
        self.mission.clear()
        for m in self.missions:
            self.mission.addItem(m.title, m.id)
        if current is not None and find_data(self.mission, current) >= 0:
            self.mission.setCurrentIndex(find_data(self.mission, current))
        self.fill()

    def choose(self, mission_id: uuid.UUID) -> None:
        self.mission.setCurrentIndex(find_data(self.mission, mission_id))
        self.fill()

    def set_day(self, day) -> None:
        from app.views.committees.forms import qdate

        self.day.setDate(qdate(day))

    def current_mission(self) -> M.MissionInfo | None:
        mission_id = self.mission.currentData()
        return next((m for m in self.missions if m.id == mission_id), None)

    def fill(self) -> None:
        """The mission's volunteers in the grid (assigned first), hours empty."""
        m = self.current_mission()
        rows: list[SheetRow] = []
        others: list[tuple[uuid.UUID, str]] = []
        if m is not None:
            with self.store.session() as session:
                assigned = M.assignments(session, mission_id=m.id)
                everyone = volunteer_labels(session, self.process_id)
            on = {a.volunteer_id for a in assigned}
            rows = [SheetRow(a.volunteer_id, a.volunteer_name, True) for a in assigned]
            others = [(vid, name) for vid, name in everyone if vid not in on]
        self.model.set_rows(rows)
        self.others.clear()
        for vid, name in others:
            self.others.addItem(name, vid)
        for widget in (self.others, self.add_other_button, self.add_all_button):
            widget.setEnabled(bool(others))
        self.save_button.setEnabled(m is not None)
        say(self.problems, "")
        self._span_hint()
        self.start_typing()

    def start_typing(self) -> None:
        if self.model.rowCount():
            self.grid.setCurrentIndex(self.model.index(0, TimesheetModel.HOURS))
        self.grid.setFocus()

    def _span_hint(self) -> None:
        m = self.current_mission()
        if m is None:
            self.span.setText(_("Create a mission first (Missions tab)."))
            return
        span = _("{start} to {end}").format(
            start=day_text(m.starts_on) or "…", end=day_text(m.ends_on) or "…"
        )
        text = _("{title}: {span}, {place}.").format(
            title=m.title, span=span, place=m.place or _("no place given")
        )
        day = _date_of(self.day)
        if day is not None and not m.covers(day):
            text += " " + _("This day is outside the mission's span.")
        if day is not None:
            with self.store.session() as session:
                done = TS.time_entries(session, mission_id=m.id, start=day, end=day)
            if done:
                text += " " + ngettext(
                    "Already recorded on this day: {n} line, {hours} hours.",
                    "Already recorded on this day: {n} lines, {hours} hours.",
                    len(done),
                ).format(n=len(done), hours=number(sum(e.hours for e in done)))
        self.span.setText(text)

    def add_other(self, volunteer_id: uuid.UUID | None = None) -> int:
        """Add a volunteer who is not on the mission to the grid; returns their row."""
        index = self.others.currentIndex() if volunteer_id is None else find_data(
            self.others, volunteer_id
        )  # fmt: skip
        if index < 0:
            return -1
        row = self.model.add(
            SheetRow(self.others.itemData(index), self.others.itemText(index), False)
        )
        self.others.removeItem(index)
        self.grid.setCurrentIndex(self.model.index(row, TimesheetModel.HOURS))
        self.grid.setFocus()
        return row

    def add_all_others(self) -> None:
        while self.others.count():
            self.add_other(self.others.itemData(0))

    # ----------------------------------------------------------------- saving
    def save(self, *, ask: bool = True) -> TS.TimesheetResult | None:
        """Record the sheet, all or nothing; problems turn their rows red. A day outside the
        mission's span is asked about (``ask=False`` refuses it)."""
        m = self.current_mission()
        if m is None:
            return None
        editor = QApplication.focusWidget()
        editing = self.grid.state() == QAbstractItemView.State.EditingState
        if editing and editor not in (None, self.grid) and self.grid.isAncestorOf(editor):
            self.grid.commitData(editor)  # what is being typed counts
            self.grid.closeEditor(editor, QAbstractItemDelegate.EndEditHint.NoHint)
        day, rows = _date_of(self.day), self.model.entries()
        try:
            result = self._record(m.id, day, rows, False)
        except TS.TimesheetError as exc:
            if not exc.needs_confirmation:
                return self._refused(exc)
            question = "\n".join(p.message for p in exc.problems)
            if not ask or not dialogs.confirm(self, _("Outside the mission's span"), question):
                return self._refused(exc)
            try:
                result = self._record(m.id, day, rows, True)
            except TS.TimesheetError as again:
                return self._refused(again)
        except AtelierError as exc:
            say(self.problems, str(exc), ERROR_STYLE)
            return None
        self.area.undo_stack.push(SheetCommand(self, m.id, day, rows, result))
        self.model.clear_hours()
        text = result.message()
        if result.outside_span:
            text += " " + _("Recorded outside the mission's span, as confirmed.")
        say(self.problems, text)
        self.area.changed(keep=self)
        self._span_hint()
        self.start_typing()
        return result

    def _record(self, mission_id, day, rows, confirm_outside: bool) -> TS.TimesheetResult:
        with self.store.session() as session:
            return TS.record_group_timesheet(
                session, mission_id, day, rows, confirm_outside=confirm_outside
            )

    def _refused(self, exc: TS.TimesheetError) -> None:
        marks: dict[int, str] = {}
        for p in exc.problems:
            if p.line is not None:
                marks[p.line] = "\n".join(filter(None, (marks.get(p.line), p.message)))
        self.model.mark(marks)
        say(self.problems, str(exc), ERROR_STYLE)
        bad = min(marks, default=None)
        if bad is not None:
            self.grid.setCurrentIndex(self.model.index(bad, TimesheetModel.HOURS))
        self.grid.setFocus()
        return None

    def problem_rows(self) -> list[int]:
        return [n for n, r in enumerate(self.model.rows) if r.problem]

    # ----------------------------------------------------------------- CSV
    def import_csv(self, path: Path | str | None = None, *, ask: bool = True):
        """Import hours from a CSV file (volunteer, mission, date, hours, note)."""
        if path is None:
            chosen, _filter = QFileDialog.getOpenFileName(
                self, _("Import hours"), "", _("CSV files (*.csv);;All files (*)")
            )
            if not chosen:
                return None
            path = chosen
        path = Path(path)
        try:
            try:
                with self.store.session() as session:
                    result = TS.import_timesheet_csv(session, path)
            except TS.TimesheetError as exc:
                question = "\n".join(p.message for p in exc.problems)
                if (
                    not exc.needs_confirmation
                    or not ask
                    or not dialogs.confirm(self, _("Outside the mission's span"), question)
                ):
                    raise
                with self.store.session() as session:
                    result = TS.import_timesheet_csv(session, path, confirm_outside=True)
        except AtelierError as exc:
            say(self.problems, str(exc), ERROR_STYLE)
            return None
        say(self.problems, _("{file}: {result}").format(file=path.name, result=result.message()))
        self.area.changed(keep=self)
        self._span_hint()
        return result
