"""The Missions tab: co-delivery tasks on the actions of the process's follow-up committees,
the volunteers on each (assigned or signed up; over-commitment is warned, never refused),
people helped and support costs."""

from __future__ import annotations

import uuid
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.errors import AtelierError
from app.facilitation import actions as A
from app.facilitation import committees as C
from app.facilitation import missions as M
from app.facilitation import volunteers as V
from app.i18n import N_, _
from app.store import Store
from app.views import dialogs
from app.views.codelivery.common import (
    ERROR_STYLE,
    WARNING_STYLE,
    Page,
    find_data,
    message_line,
    say,
    selected_row,
    table,
    volunteer_labels,
)
from app.views.committees.forms import FormDialog, Submit, _combo, fill_table
from app.views.models.codelivery import AssignmentsModel, MissionsModel, euros
from app.views.models.committees import day_text, number
from app.views.session_editor import _date_edit, _date_of

#: Categories offered for people helped (any other can be typed).
HELPED_CATEGORIES = (N_("families"), N_("young people"), N_("older people"), N_("residents"))


def action_choices(store: Store, process_id: uuid.UUID) -> list[tuple[uuid.UUID, str]]:
    """(action id, "action — committee") for every action of the process's committees."""
    with store.session() as session:
        choices = []
        for committee in C.list_committees(session, process_id):
            for action in A.list_actions(session, committee.id):
                choices.append((action.id, f"{action.title} — {committee.title}"))
    return choices


class MissionDialog(FormDialog):
    def __init__(
        self,
        actions: list[tuple[uuid.UUID, str]],
        submit: Submit,
        parent: QWidget | None = None,
        *,
        data: M.MissionData,
        editing: bool = False,
    ) -> None:
        super().__init__(_("Edit the mission") if editing else _("New mission"), submit, parent)
        self.setObjectName("missionDialog")
        self.original = data
        self.title = QLineEdit(data.title, self)
        self.title.setObjectName("missionTitle")
        self.title.setPlaceholderText(_("e.g. Homework help on Wednesdays"))
        self.action = _combo(self, [(None, _("No action")), *actions], data.action_id)
        self.action.setObjectName("missionAction")
        self.description = QPlainTextEdit(data.description or "", self)
        self.description.setMaximumHeight(70)
        self.place = QLineEdit(data.place or "", self)
        self.place.setObjectName("missionPlace")
        self.skills = QLineEdit(", ".join(data.skills), self)
        self.skills.setObjectName("missionSkills")
        self.skills.setPlaceholderText(_("separated by commas"))
        self.wanted = QSpinBox(self)
        self.wanted.setObjectName("missionWanted")
        self.wanted.setRange(0, 999)
        self.wanted.setSpecialValueText(_("No number"))
        self.wanted.setValue(data.volunteers_wanted or 0)
        self.starts_on = _date_edit(self, data.starts_on)
        self.starts_on.setObjectName("missionStart")
        self.ends_on = _date_edit(self, data.ends_on)
        self.ends_on.setObjectName("missionEnd")
        self.form.addRow(_("Title"), self.title)
        self.form.addRow(_("Committee action"), self.action)
        self.form.addRow(_("Description"), self.description)
        self.form.addRow(_("Place"), self.place)
        self.form.addRow(_("Skills needed"), self.skills)
        self.form.addRow(_("Volunteers wanted"), self.wanted)
        self.form.addRow(_("Starts on"), self.starts_on)
        self.form.addRow(_("Ends on"), self.ends_on)
        self.finish()
        self.resize(600, 420)

    def data(self) -> M.MissionData:
        return M.MissionData(
            process_id=self.original.process_id,
            action_id=self.action.currentData(),
            title=self.title.text(),
            description=self.description.toPlainText(),
            place=self.place.text(),
            skills=V.parse_skills(self.skills.text()),
            volunteers_wanted=self.wanted.value() or None,
            starts_on=_date_of(self.starts_on),
            ends_on=_date_of(self.ends_on),
        )


class PeopleHelpedDialog(FormDialog):
    def __init__(
        self,
        categories: list[str],
        submit: Submit,
        parent: QWidget | None = None,
        *,
        start: date | None,
        end: date | None,
    ) -> None:
        super().__init__(_("People helped"), submit, parent)
        self.setObjectName("peopleHelpedDialog")
        self.start = _date_edit(self, start)
        self.end = _date_edit(self, end)
        self.count = QSpinBox(self)
        self.count.setObjectName("helpedCount")
        self.count.setRange(0, 100000)
        self.category = QComboBox(self)
        self.category.setObjectName("helpedCategory")
        self.category.setEditable(True)
        offered = [_(c) for c in HELPED_CATEGORIES]
        for name in [*offered, *(c for c in categories if c not in offered)]:
            self.category.addItem(name)
        self.category.setCurrentText("")
        self.form.addRow(_("From"), self.start)
        self.form.addRow(_("To"), self.end)
        self.form.addRow(_("Number of people"), self.count)
        self.form.addRow(_("Category"), self.category)
        self.finish()


class CostDialog(FormDialog):
    def __init__(self, submit: Submit, parent: QWidget | None = None, *, today: date) -> None:
        super().__init__(_("Support cost"), submit, parent)
        self.setObjectName("costDialog")
        self.kind = _combo(self, M.cost_kind_choices(), "coordination")
        self.kind.setObjectName("costKind")
        self.amount = QLineEdit(self)
        self.amount.setObjectName("costAmount")
        self.amount.setPlaceholderText(_("in euros"))
        self.incurred_on = _date_edit(self, today)
        self.note = QLineEdit(self)
        self.form.addRow(_("Kind"), self.kind)
        self.form.addRow(_("Amount"), self.amount)
        self.form.addRow(_("Date"), self.incurred_on)
        self.form.addRow(_("Note"), self.note)
        self.finish()


class MissionsPage(Page):
    def __init__(self, area) -> None:
        super().__init__(area)
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        self.buttons: dict[str, QPushButton] = {}
        for key, text, slot in (
            ("new", _("New mission…"), self.new_mission),
            ("edit", _("Edit…"), self.edit_mission),
            ("delete", _("Delete…"), self.delete_mission),
        ):
            button = QPushButton(text, self)
            button.clicked.connect(slot)
            self.buttons[key] = button
            top.addWidget(button)
        top.addStretch(1)
        layout.addLayout(top)
        self.overload = message_line(self, "overCommitment")
        layout.addWidget(self.overload)
        split = QSplitter(Qt.Orientation.Vertical, self)
        self.model = MissionsModel(self)
        self.table = table(split, self.model, "missionTable", stretch=(0, 1))
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self._selected())
        self.table.doubleClicked.connect(lambda _i: self.edit_mission())
        self.details = QTabWidget(split)
        self.details.setObjectName("missionDetails")
        # volunteers on the mission
        page = QWidget(self.details)
        box = QVBoxLayout(page)
        row = QHBoxLayout()
        self.volunteer = QComboBox(page)
        self.volunteer.setObjectName("assignVolunteer")
        self.volunteer.setMinimumContentsLength(24)
        self.weekly = QLineEdit(page)
        self.weekly.setObjectName("assignHours")
        self.weekly.setPlaceholderText(_("hours/week"))
        self.weekly.setMaximumWidth(110)
        row.addWidget(QLabel(_("Volunteer:"), page))
        row.addWidget(self.volunteer, 1)
        row.addWidget(self.weekly)
        for key, text, slot in (
            ("assign", _("Assign"), lambda: self.assign(False)),
            ("sign_up", _("Signs up"), lambda: self.assign(True)),
            ("unassign", _("Take off the mission"), self.unassign),
        ):
            button = QPushButton(text, page)
            button.clicked.connect(slot)
            self.buttons[key] = button
            row.addWidget(button)
        box.addLayout(row)
        self.warning = message_line(page, "assignWarning")
        box.addWidget(self.warning)
        self.assigned_model = AssignmentsModel(self)
        self.assigned = table(page, self.assigned_model, "assignedTable")
        box.addWidget(self.assigned, 1)
        self.details.addTab(page, _("Volunteers on the mission"))
        self.helped = self._table_tab(
            _("People helped"),
            "helpedTable",
            (
                ("helped", _("Add people helped…"), self.add_people_helped),
                ("unhelped", _("Remove the line"), self.remove_people_helped),
            ),
        )
        self.helped_rows: list[M.PeopleHelpedInfo] = []
        self.costs = self._table_tab(
            _("Support costs"),
            "costTable",
            (
                ("cost", _("Add a cost…"), self.add_cost),
                ("uncost", _("Remove the cost"), self.remove_cost),
            ),
        )
        self.cost_rows: list[M.SupportCostInfo] = []
        split.addWidget(self.table)
        split.addWidget(self.details)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        layout.addWidget(split, 1)
        self._selected()

    def _table_tab(self, title: str, name: str, buttons) -> QTableWidget:
        """A tab of the details: a table above its buttons (``(key, text, slot)`` each)."""
        page = QWidget(self.details)
        box = QVBoxLayout(page)
        view = QTableWidget(page)
        view.setObjectName(name)
        box.addWidget(view, 1)
        row = QHBoxLayout()
        for key, text, slot in buttons:
            button = QPushButton(text, page)
            button.clicked.connect(slot)
            self.buttons[key] = button
            row.addWidget(button)
        row.addStretch(1)
        box.addLayout(row)
        self.details.addTab(page, title)
        return view

    # ----------------------------------------------------------------- state
    def reload(self, select: uuid.UUID | None = None) -> None:
        current = select or self.current_id()
        with self.store.session() as session:
            rows = M.list_missions(session, self.process_id)
            over = M.over_committed(session, self.process_id, today=self.area.today())
            volunteers = volunteer_labels(session, self.process_id)
        self.model.set_rows(rows)
        self.volunteer.clear()
        for vid, name in volunteers:
            self.volunteer.addItem(name, vid)
        say(self.overload, "\n".join(c.warning() for c in over), WARNING_STYLE)
        row = self.model.row_of(current)
        if row < 0 and rows:
            row = 0
        if row >= 0:
            self.table.selectRow(row)
        self._selected()

    def current(self) -> M.MissionInfo | None:
        row = selected_row(self.table)
        return self.model.row_at(row) if row >= 0 else None

    def current_id(self) -> uuid.UUID | None:
        m = self.current()
        return m.id if m else None

    def select(self, mission_id: uuid.UUID) -> None:
        self.table.selectRow(self.model.row_of(mission_id))

    def _selected(self) -> None:
        m = self.current()
        for key in ("edit", "delete", "assign", "sign_up", "unassign", "helped", "cost"):
            self.buttons[key].setEnabled(m is not None)
        assigned, self.helped_rows, self.cost_rows = [], [], []
        if m is not None:
            with self.store.session() as session:
                assigned = M.assignments(session, mission_id=m.id)
                self.helped_rows = M.people_helped(session, m.id)
                self.cost_rows = M.support_costs(session, m.id)
        self.assigned_model.set_rows(assigned)
        fill_table(
            self.helped,
            [_("Category"), _("From"), _("To"), _("People")],
            [[h.category or _("Not said"), day_text(h.period_start), day_text(h.period_end),
              str(h.count)] for h in self.helped_rows],
        )  # fmt: skip
        fill_table(
            self.costs,
            [_("Note"), _("Kind"), _("Date"), _("Amount")],
            [[c.note or "", M.cost_kind_label(c.kind), day_text(c.incurred_on), euros(c.amount)]
             for c in self.cost_rows],
        )  # fmt: skip
        self.buttons["unhelped"].setEnabled(bool(self.helped_rows))
        self.buttons["uncost"].setEnabled(bool(self.cost_rows))
        self.buttons["unassign"].setEnabled(bool(assigned))

    def _done(self, select: uuid.UUID | None = None) -> None:
        self.reload(select)
        self.area.changed(keep=self)

    # ----------------------------------------------------------------- missions
    def new_mission(self) -> MissionDialog | None:
        if self.process_id is None:
            return None

        def submit(form: MissionDialog) -> None:
            with self.store.session() as session:
                info = M.create_mission(session, form.data())
            self._done(info.id)

        data = M.MissionData(process_id=self.process_id, starts_on=self.area.today())
        dialog = MissionDialog(action_choices(self.store, self.process_id), submit, self,
                               data=data)  # fmt: skip
        return self.area.open_dialog(dialog)

    def edit_mission(self) -> MissionDialog | None:
        m = self.current()
        if m is None:
            return None
        with self.store.session() as session:
            data = M.mission_data(session, m.id)

        def submit(form: MissionDialog) -> None:
            with self.store.session() as session:
                M.update_mission(session, m.id, form.data())
            self._done(m.id)

        dialog = MissionDialog(action_choices(self.store, self.process_id), submit, self,
                               data=data, editing=True)  # fmt: skip
        return self.area.open_dialog(dialog)

    def delete_mission(self, *, ask: bool = True) -> None:
        m = self.current()
        if m is None:
            return
        text = (
            _("Delete “{title}” with its {hours} hours of volunteering, people helped and "
              "costs?").format(title=m.title, hours=number(m.hours))
            if m.hours
            else _("Delete “{title}” with its volunteers, people helped and costs?").format(
                title=m.title
            )
        )  # fmt: skip
        if ask and not dialogs.confirm(self, _("Delete a mission"), text):
            return
        try:
            with self.store.session() as session:
                M.delete_mission(session, m.id, with_hours=True)
        except AtelierError as exc:
            self.area.refused(exc)
        self._done()

    # ----------------------------------------------------------------- volunteers
    def assign(self, signed_up: bool = False) -> M.Assigned | None:
        """Put the chosen volunteer on the mission; warnings are shown, never refusals."""
        m, vid = self.current(), self.volunteer.currentData()
        if m is None or vid is None:
            return None
        try:
            with self.store.session() as session:
                done = M.assign(
                    session,
                    m.id,
                    vid,
                    hours_per_week=self.weekly.text().strip() or None,
                    signed_up=signed_up,
                    today=self.area.today(),
                )
        except AtelierError as exc:
            say(self.warning, str(exc), ERROR_STYLE)
            return None
        self.weekly.clear()
        self._done(m.id)
        who = done.assignment.volunteer_name
        text = (
            _("{name} signed up.").format(name=who)
            if signed_up
            else _("{name} is on the mission.").format(name=who)
        )
        if done.warnings:
            say(self.warning, "⚠ " + "\n⚠ ".join(done.warnings), WARNING_STYLE)
        else:
            say(self.warning, text)
        return done

    def select_volunteer(self, volunteer_id: uuid.UUID) -> None:
        self.volunteer.setCurrentIndex(find_data(self.volunteer, volunteer_id))

    def unassign(self) -> None:
        m = self.current()
        row = selected_row(self.assigned)
        if m is None or not self.assigned_model.rows:
            return
        a = self.assigned_model.row_at(max(0, row))
        try:
            with self.store.session() as session:
                M.unassign(session, m.id, a.volunteer_id)
        except AtelierError as exc:
            self.area.refused(exc)
        say(self.warning, _("{name} is off the mission; the hours they gave stay.").format(
            name=a.volunteer_name))  # fmt: skip
        self._done(m.id)

    # ----------------------------------------------------------------- people helped, costs
    def add_people_helped(self) -> PeopleHelpedDialog | None:
        m = self.current()
        if m is None:
            return None
        with self.store.session() as session:
            categories = M.helped_categories(session)

        def submit(form: PeopleHelpedDialog) -> None:
            with self.store.session() as session:
                M.add_people_helped(
                    session,
                    m.id,
                    _date_of(form.start),
                    _date_of(form.end),
                    form.count.value(),
                    category=form.category.currentText(),
                )
            self._done(m.id)

        dialog = PeopleHelpedDialog(categories, submit, self, start=m.starts_on, end=m.ends_on)
        return self.area.open_dialog(dialog)

    def remove_people_helped(self) -> None:
        if not self.helped_rows:
            return
        row = self.helped_rows[max(0, self.helped.currentRow())]
        try:
            with self.store.session() as session:
                M.remove_people_helped(session, row.id)
        except AtelierError as exc:
            self.area.refused(exc)
        self._done(self.current_id())

    def add_cost(self) -> CostDialog | None:
        m = self.current()
        if m is None:
            return None

        def submit(form: CostDialog) -> None:
            with self.store.session() as session:
                M.add_support_cost(
                    session,
                    m.id,
                    form.kind.currentData(),
                    form.amount.text(),
                    incurred_on=_date_of(form.incurred_on),
                    note=form.note.text(),
                )
            self._done(m.id)

        return self.area.open_dialog(CostDialog(submit, self, today=self.area.today()))

    def remove_cost(self) -> None:
        if not self.cost_rows:
            return
        row = self.cost_rows[max(0, self.costs.currentRow())]
        try:
            with self.store.session() as session:
                M.remove_support_cost(session, row.id)
        except AtelierError as exc:
            self.area.refused(exc)
        self._done(self.current_id())
