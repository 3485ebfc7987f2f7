"""The Co-delivery area driven as a coordinator would over a year: volunteers (from the
participants and by name) with trainings, missions on committee actions, assignments with an
over-commitment warning, monthly time sheets typed with the keyboard, people helped, costs,
the hourly value and a saving, then the cost/benefit summary and its chart."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QDialogButtonBox

from app.facilitation import actions as A
from app.facilitation import citizen_time as T
from app.facilitation import committees as C
from app.facilitation import missions as M
from app.facilitation import sessions as S
from app.facilitation import timesheets as TS
from app.facilitation import volunteers as V
from app.facilitation.participants import participant_page
from app.views.codelivery.area import CodeliveryArea
from app.views.codelivery.common import find_data
from app.views.committees.forms import IndicatorDialog
from app.views.models.codelivery import TimesheetModel

TODAY = date(2027, 1, 5)


@dataclass
class Setup:
    ws: object
    process_id: uuid.UUID
    committee_id: uuid.UUID
    homework_id: uuid.UUID
    garden_id: uuid.UUID
    person: tuple[uuid.UUID, str, str]


@pytest.fixture
def setup(demo) -> Setup:
    with demo.session() as s:
        process = S.process_overview(s)[0]
        committee = C.create_committee(
            s, C.CommitteeData(process.id, "Comité de suivi de la place de l'Église")
        )
        homework = A.create_action(
            s, committee.id, A.ActionData(title="Aide aux devoirs", created_on=TODAY)
        )
        garden = A.create_action(
            s, committee.id, A.ActionData(title="Jardin partagé", created_on=TODAY)
        )
        row = participant_page(s, 0, 1)[0]
    return Setup(demo, process.id, committee.id, homework.id, garden.id,
                 (row.id, row.first_name, row.last_name))  # fmt: skip


@pytest.fixture
def area(qtbot, setup, errors) -> CodeliveryArea:
    widget = CodeliveryArea(setup.ws, QUndoStack(), today=lambda: TODAY)
    qtbot.addWidget(widget)
    widget.resize(1100, 700)
    widget.show()
    return widget


def ok(qtbot, dialog) -> None:
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok),
                     Qt.MouseButton.LeftButton)  # fmt: skip


def qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def type_hours(qtbot, grid, hours: list[str], move=Qt.Key.Key_Return) -> None:
    """From the first row's Hours cell: type each value then Enter (or Down)."""
    assert grid.currentIndex().row() == 0
    assert grid.currentIndex().column() == TimesheetModel.HOURS
    for value in hours:
        if value:
            qtbot.keyClick(grid, value[0])  # the first key opens the cell's editor
            editor = grid.focusWidget()
            assert editor is not grid
            qtbot.keyClicks(editor, value[1:])
            qtbot.keyClick(editor, move)
        else:
            qtbot.keyClick(grid, Qt.Key.Key_Down)


def add_volunteers(qtbot, area: CodeliveryArea, setup: Setup) -> tuple[uuid.UUID, uuid.UUID]:
    page = area.show_tab(area.volunteers)
    pid, first, last = setup.person
    dialog = page.add_volunteer(True)
    dialog.search.setText(f"{first} {last}")
    assert dialog.people.count() >= 1
    dialog.skills.setText("soutien scolaire, écoute")
    dialog.days["wed"].setChecked(True)
    dialog.days["sat"].setChecked(True)
    dialog.hours.setText("4")
    dialog.charter_on.setDate(qdate(date(2027, 1, 4)))
    dialog.charter_version.setText("v2")
    ok(qtbot, dialog)
    assert not dialog.isVisible()
    dialog = page.add_volunteer(False)
    dialog.name.setText("Jeanne Libre")
    dialog.hours.setText("3")
    ok(qtbot, dialog)
    with setup.ws.session() as s:
        rows = {v.name: v for v in V.list_volunteers(s, setup.process_id)}
    assert set(rows) == {f"{first} {last}", "Jeanne Libre"}
    lea = rows[f"{first} {last}"]
    assert lea.participant_id == pid and lea.available_days == ("wed", "sat")
    assert lea.charter_version == "v2" and lea.hours_per_week == 4
    return lea.id, rows["Jeanne Libre"].id


def test_a_year_of_codelivery_in_the_app(qtbot, area, setup, errors, answers) -> None:
    lea_id, jeanne_id = add_volunteers(qtbot, area, setup)
    page = area.volunteers
    assert page.model.rowCount() == 2
    # trainings: add two, remove one
    page.select(lea_id)
    for title, hours in (("Écoute active", "6"), ("Premiers secours", "7")):
        dialog = page.add_training()
        dialog.title.setText(title)
        dialog.hours.setText(hours)
        ok(qtbot, dialog)
    assert page.trainings.rowCount() == 2
    titles = [page.trainings.item(r, 0).text() for r in range(2)]
    page.trainings.selectRow(titles.index("Premiers secours"))
    page.remove_training()
    assert [page.trainings.item(r, 0).text() for r in range(page.trainings.rowCount())] == [
        "Écoute active"
    ]
    # a refused edit stays open and says why
    page.select(jeanne_id)
    dialog = page.edit_volunteer()
    dialog.hours.setText("200")
    ok(qtbot, dialog)
    assert dialog.isVisible() and "168" in dialog.error.text()
    dialog.reject()

    # missions on the committee's actions
    missions = area.show_tab(area.missions)
    made = {}
    for title, action, wanted, start, end in (
        ("Aide aux devoirs du mercredi", setup.homework_id, 2, date(2027, 1, 1),
         date(2027, 12, 31)),
        ("Potager de la place", setup.garden_id, 1, date(2027, 3, 1), date(2027, 10, 31)),
    ):  # fmt: skip
        dialog = missions.new_mission()
        dialog.title.setText(title)
        index = find_data(dialog.action, action)
        assert index > 0 and "Comité de suivi" in dialog.action.itemText(index)
        dialog.action.setCurrentIndex(index)
        dialog.place.setText("Maison des habitants")
        dialog.skills.setText("pédagogie")
        dialog.wanted.setValue(wanted)
        dialog.starts_on.setDate(qdate(start))
        dialog.ends_on.setDate(qdate(end))
        ok(qtbot, dialog)
        assert not dialog.isVisible(), dialog.error.text()
        made[title] = missions.current_id()
    homework, garden = made.values()
    assert missions.model.rowCount() == 2
    # assignments: Jeanne offered 3 h a week; 2 + 2 on missions running together is too much
    for mission, volunteer, weekly, signs_up in (
        (homework, lea_id, "2", False),
        (homework, jeanne_id, "2", True),
        (garden, jeanne_id, "2", False),
    ):
        missions.select(mission)
        missions.select_volunteer(volunteer)
        missions.weekly.setText(weekly)
        done = missions.assign(signs_up)
        assert done is not None
    assert done.warnings and missions.warning.isVisible()
    assert "would give 4 hours" in missions.warning.text()
    assert "offered 3" in missions.warning.text()
    assert missions.overload.isVisible() and "Jeanne Libre" in missions.overload.text()
    missions.select(homework)
    assert [a.signed_up for a in missions.assigned_model.rows] == [False, True]

    # a year of monthly sheets for the homework help, typed with the keyboard
    sheet = area.show_tab(area.timesheet)
    sheet.choose(homework)
    assert [r.name for r in sheet.model.rows] == [
        next(v.name for v in area.volunteers.model.rows if v.id == lea_id),
        "Jeanne Libre",
    ]
    typed = 0.0
    for month in range(1, 13):
        sheet.set_day(date(2027, month, 15))
        if month == 4:  # 25 h is refused, the row is marked, nothing is saved
            type_hours(qtbot, sheet.grid, ["25", "2"])
            assert sheet.save() is None
            assert sheet.problem_rows() == [0]
            assert sheet.model.index(0, 0).data(Qt.ItemDataRole.BackgroundRole) is not None
            assert "at most 24" in sheet.problems.text()
            sheet.grid.setCurrentIndex(sheet.model.index(0, TimesheetModel.HOURS))
            type_hours(qtbot, sheet.grid, ["3"])
            assert sheet.problem_rows() == []
            qtbot.keyClick(sheet.grid, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
        else:
            type_hours(qtbot, sheet.grid, ["2h30", "2"],
                       move=Qt.Key.Key_Down if month % 2 else Qt.Key.Key_Return)  # fmt: skip
            qtbot.keyClick(sheet.grid, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        typed += 5.0 if month == 4 else 4.5
        assert "2 lines saved" in sheet.problems.text(), sheet.problems.text()
        assert [r.hours for r in sheet.model.rows] == ["", ""]
    with setup.ws.session() as s:
        assert T.hours_by(s, group="mission", process_id=setup.process_id)[0].hours == typed
        assert len(T.monthly_hours(s, process_id=setup.process_id)) == 12

    # the garden in November, outside its span: confirmed, then saved
    sheet.choose(garden)
    sheet.set_day(date(2027, 11, 6))
    assert "outside" in sheet.span.text()
    assert sheet.add_other(lea_id) == 1  # Léa is not on the garden mission
    assert sheet.grid.currentIndex().row() == 1  # ready to type her hours
    sheet.start_typing()
    type_hours(qtbot, sheet.grid, ["1,5", "2"])
    result = sheet.save()
    assert result is not None and result.outside_span == 2
    assert answers and "outside the span" in answers[-1]

    # people helped and support costs
    missions = area.show_tab(area.missions)
    missions.select(homework)
    dialog = missions.add_people_helped()
    dialog.count.setValue(14)
    dialog.category.setCurrentText("familles")
    ok(qtbot, dialog)
    assert missions.helped.rowCount() == 1
    for kind, amount in (("training", "300"), ("materials", "150,50")):
        dialog = missions.add_cost()
        dialog.kind.setCurrentIndex(find_data(dialog.kind, kind))
        dialog.amount.setText(amount)
        ok(qtbot, dialog)
        assert not dialog.isVisible(), dialog.error.text()
    dialog = missions.add_cost()
    dialog.amount.setText("-5")
    ok(qtbot, dialog)
    assert dialog.isVisible() and dialog.error.isVisible()
    dialog.reject()
    assert missions.costs.rowCount() == 2

    # the value of citizen time
    money = area.show_tab(area.citizen_time)
    money.hourly.setText("12,5")
    money.hourly_source.setText("SMIC horaire brut chargé 2027")
    assert money.save_hourly_value() is not None
    dialog = money.add_saving()
    dialog.action.setCurrentIndex(find_data(dialog.action, setup.homework_id))
    dialog.amount.setText("5000")
    dialog.source.setText("Estimation du service jeunesse (décrochage évité)")
    ok(qtbot, dialog)
    assert not dialog.isVisible(), dialog.error.text()
    with setup.ws.session() as s:
        expected = T.action_summary(s, setup.homework_id)
    row = money.summary_model.row_of(setup.homework_id)
    money.summary.selectRow(row)
    shown = money.summary_model.row_at(row)
    assert shown.hours == expected.hours == typed
    assert shown.costs == expected.costs == 450.5
    assert shown.savings_total == expected.savings_total == 5000
    assert shown.time_value == expected.time_value == typed * 12.5
    assert shown.people_helped == expected.people_helped == 14
    model = money.summary_model
    assert model.index(row, 7).data() == "€4,550"  # savings − costs
    bars = money.chart.bars()
    assert [b.value for b in bars] == [450.5, 5000, typed * 12.5]
    assert all(b.rect.width() > 0 and b.rect.height() > 0 for b in bars)
    assert bars[2].apart and not bars[1].apart
    assert bars[1].rect.width() > bars[2].rect.width() > bars[0].rect.width()
    assert "4,550" in money.figures.text()
    # hours by month over a period
    money.start.setDate(qdate(date(2027, 3, 1)))
    money.end.setDate(qdate(date(2027, 5, 31)))
    money.group.setCurrentIndex(find_data(money.group, "month"))
    assert [money.hours_model.index(r, 0).data() for r in range(3)] == [
        "2027-03", "2027-04", "2027-05"]  # fmt: skip
    assert money.hours_model.rowCount() == 3

    # removing Jeanne keeps her hours
    with setup.ws.session() as s:
        before = T.hours_by(s, group="volunteer", process_id=setup.process_id)
    page = area.show_tab(area.volunteers)
    page.select(jeanne_id)
    removed = page.remove_volunteer(ask=False)
    assert removed is not None and removed.hours_kept == 12 * 2 + 1.5  # and 1.5 h in the garden
    assert "stay counted" in page.message.text()
    with setup.ws.session() as s:
        after = T.hours_by(s, group="volunteer", process_id=setup.process_id)
        assert sum(r.hours for r in after) == sum(r.hours for r in before)
        assert "Jeanne Libre" in [r.label for r in after]
        assert T.action_summary(s, setup.homework_id).hours == typed
    assert page.model.rowCount() == 1
    assert errors == []


def test_the_sheet_cannot_save_a_day_outside_the_span_unconfirmed(qtbot, area, setup) -> None:
    with setup.ws.session() as s:
        vol = V.create_volunteer(s, V.VolunteerData(process_id=setup.process_id, name="Inès"))
        mission = M.create_mission(
            s, M.MissionData(setup.process_id, setup.garden_id, "Potager", starts_on=TODAY,
                             ends_on=date(2027, 6, 30)),
        )  # fmt: skip
        M.assign(s, mission.id, vol.id, today=TODAY)
    sheet = area.show_tab(area.timesheet)
    sheet.choose(mission.id)
    sheet.set_day(date(2026, 12, 1))
    type_hours(qtbot, sheet.grid, ["2"])
    assert sheet.save(ask=False) is None
    assert sheet.problem_rows() == [0] and "confirm" in sheet.problems.text()
    with setup.ws.session() as s:
        assert TS.time_entries(s, mission_id=mission.id) == []


def test_hours_imported_from_a_csv_file(qtbot, area, setup, tmp_path: Path) -> None:
    with setup.ws.session() as s:
        V.create_volunteer(s, V.VolunteerData(process_id=setup.process_id, name="Inès Petit"))
        M.create_mission(s, M.MissionData(setup.process_id, setup.garden_id, "Potager"))
    sheet = area.show_tab(area.timesheet)
    bad = tmp_path / "bad.csv"
    bad.write_text("bénévole;mission;date;heures\nInès Petit;Potager;2027-02-03;30\n", "utf-8")
    assert sheet.import_csv(bad) is None
    assert "Line 2" in sheet.problems.text()
    good = tmp_path / "heures.csv"
    good.write_text("bénévole;mission;date;heures\nInès Petit;Potager;03/02/2027;2,5\n", "utf-8")
    result = sheet.import_csv(good)
    assert result is not None and result.hours == 2.5
    assert "heures.csv" in sheet.problems.text()


def test_the_committee_indicator_can_be_filled_from_codelivery(qtbot, setup) -> None:
    dialog = IndicatorDialog(setup.ws, lambda form: None)
    qtbot.addWidget(dialog)
    sources = [dialog.source.itemData(i) for i in range(dialog.source.count())]
    assert "volunteer_hours" in sources and "people_helped" in sources
    dialog.source.setCurrentIndex(sources.index("volunteer_hours"))
    assert dialog.data().source == "volunteer_hours"
    assert dialog.source.currentText() == "Volunteer hours per month (co-delivery)"


def test_without_a_process_the_area_says_what_it_is_for(qtbot, workspace) -> None:
    widget = CodeliveryArea(workspace)
    qtbot.addWidget(widget)
    assert widget.stack.currentIndex() == 0
    assert widget.volunteers.add_volunteer() is None


def test_a_saved_sheet_can_be_undone_and_redone(qtbot, area, setup) -> None:
    with setup.ws.session() as s:
        people = [
            V.create_volunteer(s, V.VolunteerData(process_id=setup.process_id, name=name)).id
            for name in ("Inès", "Omar", "Zoé")
        ]
        mission = M.create_mission(s, M.MissionData(setup.process_id, setup.garden_id, "Potager"))
        for vid in people:
            M.assign(s, mission.id, vid, today=TODAY)
    sheet = area.show_tab(area.timesheet)
    sheet.choose(mission.id)
    grid = sheet.grid
    type_hours(qtbot, grid, ["2", "9"])  # Omar's 9 is a typo: Up goes back to fix it
    qtbot.keyClick(grid, Qt.Key.Key_Up)
    qtbot.keyClick(grid, Qt.Key.Key_Delete)
    assert [r.hours for r in sheet.model.rows] == ["2", "", ""]
    qtbot.keyClick(grid, "3")
    qtbot.keyClick(grid.focusWidget(), Qt.Key.Key_Up)  # keeps the 3, back on Inès
    assert grid.currentIndex().row() == 0
    assert [r.hours for r in sheet.model.rows] == ["2", "3", ""]
    assert sheet.save() is not None
    assert "Already recorded on this day: 2 lines, 5 hours." in sheet.span.text()

    def hours() -> float:
        with setup.ws.session() as s:
            return sum(e.hours for e in TS.time_entries(s, mission_id=mission.id))

    assert hours() == 5
    area.undo_stack.undo()
    assert hours() == 0 and "Already recorded" not in sheet.span.text()
    area.undo_stack.redo()
    assert hours() == 5


def test_deactivate_a_volunteer_and_delete_a_mission(qtbot, area, setup, answers) -> None:
    with setup.ws.session() as s:
        vid = V.create_volunteer(s, V.VolunteerData(process_id=setup.process_id, name="Zoé")).id
        mission = M.create_mission(s, M.MissionData(setup.process_id, setup.garden_id, "Potager"))
        M.assign(s, mission.id, vid, today=TODAY)
        TS.record_group_timesheet(s, mission.id, TODAY, [(vid, 2)])
    area.reload()  # made outside the area
    page = area.show_tab(area.volunteers)
    page.select(vid)
    page.toggle_active()
    assert page.model.index(0, 0).data() == "Zoé — inactive"
    assert page.buttons["active"].text() == "Reactivate"
    missions = area.show_tab(area.missions)
    assert missions.volunteer.count() == 0  # an inactive volunteer cannot be assigned
    missions.select(mission.id)
    missions.delete_mission()
    assert answers and "2 hours of volunteering" in answers[-1]
    assert missions.model.rowCount() == 0


def test_ctrl_s_saves_the_sheet_in_the_main_window(qtbot, demo_path: Path) -> None:
    from app import store
    from app.views.main_window import MainWindow
    from app.views.settings import AppSettings

    settings = AppSettings()
    settings.backup_count = 0
    ws = store.open_workspace(demo_path, backup_count=0, backup_on_open=False)
    window = MainWindow(ws, settings)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    with ws.session() as s:
        process = S.process_overview(s)[0]
        vid = V.create_volunteer(s, V.VolunteerData(process_id=process.id, name="Inès")).id
        mission = M.create_mission(s, M.MissionData(process.id, None, "Potager"))
        M.assign(s, mission.id, vid)
    area = window.select_area("co-delivery")
    assert isinstance(area, CodeliveryArea)
    sheet = area.show_tab(area.timesheet)
    sheet.choose(mission.id)
    qtbot.keyClick(sheet.grid, "2")
    qtbot.keyClick(sheet.grid.focusWidget(), Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert "1 line saved" in sheet.problems.text()  # what was being typed counts
    qtbot.keyClick(sheet.grid, "3")
    qtbot.keyClick(sheet.grid.focusWidget(), Qt.Key.Key_Return)
    qtbot.keyClick(sheet.grid, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert "1 line saved (3 hours)" in sheet.problems.text()
    assert "Already recorded on this day: 2 lines, 5 hours." in sheet.span.text()
    window.close()
