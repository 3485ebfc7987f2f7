"""The Committees area driven as a secretary would, for a year of meetings: create the
committee, add members (a whole citizen jury too), plan monthly meetings, log decisions, keep
the action plan, review it in meetings, follow indicators, read the annual review."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
from PySide6.QtCore import QDate, QDateTime, Qt, QTime
from PySide6.QtGui import QFont, QUndoStack
from PySide6.QtWidgets import QDialogButtonBox, QPushButton

from app.facilitation import actions as A
from app.facilitation import committees as C
from app.facilitation import indicators as I
from app.facilitation import sessions as S
from app.facilitation import signin
from app.facilitation.participants import ParticipantData, create_participant
from app.models import Organisation, Panel, PanelSeat
from app.views.committees.area import CommitteesArea
from app.views.committees.common import find_data
from app.views.committees.forms import MemberDialog, add_months
from app.views.committees.plan import due_period


@dataclass
class Setup:
    ws: object
    process_id: uuid.UUID
    people: dict[str, uuid.UUID]
    panel_id: uuid.UUID
    organisation_id: uuid.UUID


class Clock:
    """The day the area looks from; the walkthrough moves it along the year."""

    def __init__(self, day: date) -> None:
        self.day = day

    def __call__(self) -> date:
        return self.day


@pytest.fixture
def setup(workspace) -> Setup:
    with workspace.session() as s:
        process = S.create_process(s, S.ProcessData(title="Plan vélo de Villeurbanne"))
        people = {}
        for first, last, kind in (
            ("Léa", "Martin", "resident"),
            ("Omar", "Benali", "association"),
            ("Anne", "Durand", "elected"),
            ("Paul", "Roux", "staff"),
            ("Inès", "Petit", "resident"),
            ("François", "Cœur", "resident"),
        ):
            people[first] = create_participant(
                s, ParticipantData(first_name=first, last_name=last, stakeholder_type=kind)
            )
        panel = Panel(process_id=process.id, title="Jury citoyen vélo", size=2, status="drawn")
        s.add(panel)
        s.flush()
        for n, name in enumerate(("Omar", "Paul")):
            s.add(PanelSeat(panel_id=panel.id, participant_id=people[name], pool_position=n,
                            position=n))  # fmt: skip
        organisation = Organisation(name="Métropole de Lyon", kind="intercommunality")
        s.add(organisation)
        s.commit()
        return Setup(workspace, process.id, people, panel.id, organisation.id)


@pytest.fixture
def clock() -> Clock:
    return Clock(date(2027, 1, 5))


@pytest.fixture
def area(qtbot, setup, clock, errors) -> CommitteesArea:
    widget = CommitteesArea(setup.ws, QUndoStack(), today=clock)
    widget.author = "Claire Dupont"
    qtbot.addWidget(widget)
    widget.resize(1100, 700)
    widget.show()
    return widget


def ok(qtbot, dialog) -> None:
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok),
                     Qt.MouseButton.LeftButton)  # fmt: skip


def qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def create_committee(qtbot, area: CommitteesArea, max_members: int | None = 3) -> None:
    dialog = area.new_committee()
    dialog.title.setText("Comité de suivi du plan vélo")
    dialog.max_members.setValue(max_members or 0)
    ok(qtbot, dialog)
    assert not dialog.isVisible()


def add_person(qtbot, area: CommitteesArea, search: str, role: str = "member") -> MemberDialog:
    dialog = area.members.add_members()
    dialog.search.setText(search)
    dialog.role.setCurrentIndex(dialog.role.findData(role))
    ok(qtbot, dialog)
    return dialog


def new_action(qtbot, area, title, owner_text, due: date | None, name: str = "") -> None:
    area.show_tab(area.plan)
    dialog = area.plan.new_action()
    dialog.title.setText(title)
    index = next(i for i in range(dialog.owner.count())
                 if dialog.owner.itemText(i).startswith(owner_text))  # fmt: skip
    dialog.owner.setCurrentIndex(index)
    dialog.owner_name.setText(name)
    if due:
        dialog.due_on.setDate(qdate(due))
    ok(qtbot, dialog)
    assert not dialog.isVisible(), dialog.error.text()


def plan_rows(area: CommitteesArea) -> list[A.ActionRow]:
    return area.plan.model.rows


# --------------------------------------------------------------------------- a year


def test_a_year_of_committee_work(qtbot, area, setup, clock, errors) -> None:
    assert area.stack.currentIndex() == 0  # no committee yet
    create_committee(qtbot, area)
    assert area.stack.currentIndex() == 1
    assert area.heading.text() == "Comité de suivi du plan vélo"

    # --- members: a participant as chair, a citizen jury in one step, then the cap
    area.show_tab(area.members)
    add_person(qtbot, area, "léa", "chair")
    jury = area.members.add_members()
    jury.tabs.setCurrentIndex(MemberDialog.JURY)
    assert "Jury citoyen vélo (2 sitting)" in jury.jury.currentText()
    ok(qtbot, jury)
    assert [m.name for m in area.members.model.rows] == ["Léa Martin", "Omar Benali", "Paul Roux"]
    refused = add_person(qtbot, area, "ines")
    assert refused.isVisible()
    assert "limited to 3 full members" in refused.error.text()
    refused.role.setCurrentIndex(refused.role.findData("observer"))
    ok(qtbot, refused)  # an observer beyond the cap is welcome
    assert not refused.isVisible()
    named = area.members.add_members()
    named.tabs.setCurrentIndex(MemberDialog.NAME)
    named.organisation.setCurrentIndex(find_data(named.organisation, setup.organisation_id))
    named.role.setCurrentIndex(named.role.findData("observer"))
    ok(qtbot, named)
    roles = [(m.name, m.role) for m in area.members.model.rows]
    assert roles[-2:] == [("Inès Petit", "observer"), ("Métropole de Lyon", "observer")]
    assert "3 of 3 full members" in area.facts.text() and "2 observers" in area.facts.text()

    # --- a year of monthly meetings in one go
    area.show_tab(area.meetings)
    dialog = area.meetings.new_meeting()
    dialog.starts_at.setDateTime(QDateTime(QDate(2027, 1, 20), QTime(18, 30)))
    dialog.place.setText("Maison du vélo, salle Gaïa")
    dialog.repeat.setValue(12)
    ok(qtbot, dialog)
    meetings = area.meetings.model.rows
    assert len(meetings) == 12
    assert [m.starts_at.astimezone().month for m in meetings] == list(range(1, 13))
    assert {m.starts_at.astimezone().day for m in meetings} == {20}
    assert meetings[0].title == "Committee meeting no. 1"
    assert meetings[11].title == "Committee meeting no. 12"
    assert "12 meetings" in area.facts.text()

    # meetings are sessions: the session editor (agenda, minutes) and the door's sign-in
    area.meetings.table.selectRow(0)
    editor = area.meetings.open_meeting()
    assert editor.session_id == meetings[0].id and editor.title.text() == meetings[0].title
    editor.reject()
    door = area.meetings.open_checkin()
    assert door.session_id == meetings[0].id
    door.close()

    # --- a decision in the log
    area.meetings.table.selectRow(0)
    dialog = area.meetings.record_decision()
    dialog.text.setPlainText("Installer 200 arceaux près des écoles")
    dialog.decided_by.setText("Le comité, à l'unanimité")
    ok(qtbot, dialog)
    log = area.meetings.decisions.rows
    assert [(d.text, d.decided_on, d.decided_by) for d in log] == [
        ("Installer 200 arceaux près des écoles", date(2027, 1, 20), "Le comité, à l'unanimité")
    ]

    # --- the action plan
    new_action(qtbot, area, "Arceaux près des écoles", "Léa Martin", date(2027, 3, 31))
    new_action(qtbot, area, "Comptages aux carrefours", "Métropole de Lyon (organisation)",
               date(2027, 2, 28))  # fmt: skip
    new_action(qtbot, area, "Carte des itinéraires", "Another name", None, "Service voirie")
    owners = {r.title: r.owner_name for r in plan_rows(area)}
    assert owners == {
        "Arceaux près des écoles": "Léa Martin",
        "Comptages aux carrefours": "Métropole de Lyon",
        "Carte des itinéraires": "Service voirie",
    }

    # --- an indicator with a target, and one filled from the app's data
    area.show_tab(area.indicators)
    dialog = area.indicators.new_indicator()
    dialog.name.setText("Part modale du vélo")
    dialog.unit.setText("%")
    dialog.baseline.setText("4")
    dialog.target.setText("12,5")
    ok(qtbot, dialog)
    dialog = area.indicators.new_indicator()
    dialog.name.setText("Présence aux réunions")
    dialog.source.setCurrentIndex(dialog.source.findData("attendance"))
    dialog.target.setText("4")
    ok(qtbot, dialog)

    # --- the year: each month, people sign in, the meeting reviews the open actions
    with setup.ws.session() as s:
        signed = [setup.people[n] for n in ("Léa", "Omar", "Paul", "Inès")]
        for n, meeting in enumerate(meetings):
            for person in signed[: 2 + n % 3]:
                signin.sign_in(s, meeting.id, person, at=meeting.starts_at)
    modal = {2: "4,5", 4: "6", 6: "7,5", 9: "9", 12: "10"}
    for month, meeting in enumerate(meetings, start=1):
        clock.day = meeting.starts_at.astimezone().date()
        review = area.show_tab(area.review)
        review.meeting.setCurrentIndex(find_data(review.meeting, meeting.id))
        qtbot.mouseClick(review.start_button, Qt.MouseButton.LeftButton)
        seen = []
        while review.card.isVisible():
            title = review.current.data.title
            seen.append(title)
            if title == "Comptages aux carrefours" and month == 3:
                assert "Overdue" in review.facts.text()  # due in February, still open
                review.status.setCurrentIndex(review.status.findData("done"))
            elif title == "Arceaux près des écoles":
                review.status.setCurrentIndex(review.status.findData("in_progress"))
                review.progress.setFocus()
                qtbot.keyClick(review.progress, Qt.Key.Key_Up)  # +10 % a month, by keyboard
            elif title == "Carte des itinéraires" and month == 6:
                review.notes.setPlainText("Reportée : attendre les comptages.")
                review.status.setCurrentIndex(review.status.findData("blocked"))
            elif title == "Carte des itinéraires" and month == 2:
                qtbot.mouseClick(review.skip_button, Qt.MouseButton.LeftButton)
                continue
            if month % 2:
                qtbot.mouseClick(review.record_button, Qt.MouseButton.LeftButton)
            else:  # the keyboard way: Ctrl+Return records and moves on
                review.notes.setFocus()
                qtbot.keyClick(review.notes, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        assert review.progress_label.text().startswith("Review finished")
        if month == 3:
            assert seen[0] == "Comptages aux carrefours"  # overdue first
            area.show_tab(area.plan)
            overdue = [r for r in plan_rows(area) if r.overdue]
            assert overdue == []
        if month in modal:
            area.show_tab(area.indicators)
            area.indicators.table.selectRow(0)
            dialog = area.indicators.add_measurement()
            dialog.value.setText(modal[month])
            dialog.source.setText("Comptage de l'association")
            ok(qtbot, dialog)
    assert errors == []

    # the arceaux moved by 10 % at each of the 12 meetings, each change logged with the meeting
    with setup.ws.session() as s:
        arceaux = A.find_action(s, area.committee_id, "Arceaux")
        info = A.action_info(s, arceaux)
        history = A.action_history(s, arceaux)
    assert info.data.progress == 100 and info.data.status == "in_progress"
    progress = [h for h in history if h.field == "progress"]
    assert len(progress) == 10 and progress[0].meeting_id == meetings[0].id
    assert all(h.author == "Claire Dupont" for h in history)
    with setup.ws.session() as s:
        carte = A.action_history(s, A.find_action(s, area.committee_id, "Carte"))
    # looked at without change in January, March-May: a "reviewed" line each, February skipped
    assert [h.field for h in carte[:5]] == [
        "created",
        "reviewed",
        "reviewed",
        "reviewed",
        "reviewed",
    ]
    assert carte[1].meeting_id == meetings[0].id and carte[2].meeting_id == meetings[2].id

    # --- overdue: the arceaux were due on 31 March and are still in progress in December
    area.show_tab(area.plan)
    row = area.plan.model.row_of(arceaux)
    assert plan_rows(area)[row].overdue
    index = area.plan.model.index(row, 3)
    assert index.data() == "In progress · overdue"
    assert index.data(Qt.ItemDataRole.FontRole).bold()
    assert index.data(Qt.ItemDataRole.BackgroundRole) is not None
    assert area.plan.model.index(row, 0).data(Qt.ItemDataRole.DecorationRole) is not None
    with setup.ws.session() as s:
        done_row = area.plan.model.row_of(A.find_action(s, None, "Comptages"))
    assert area.plan.model.index(done_row, 3).data() == "Done"
    assert not isinstance(area.plan.model.index(done_row, 0).data(Qt.ItemDataRole.FontRole), QFont)

    # --- the dashboard
    dash = area.show_tab(area.dashboard)
    assert [r.title for r in dash.overdue_model.rows] == ["Arceaux près des écoles"]
    assert dash.overdue_title.text() == "1 overdue action"
    assert "Committee meeting no. 12" in dash.next_label.text()
    assert dash.count_labels["done"].text() == "1"
    assert [i.name for i in dash.off_model.rows] == ["Part modale du vélo"]  # 10 % < 12.5 %

    # --- indicators: the chart's points and target line
    page = area.show_tab(area.indicators)
    qtbot.mouseClick(page.findChild(QPushButton, "refreshIndicators"), Qt.MouseButton.LeftButton)
    page.table.selectRow(0)
    chart = page.chart
    assert chart.indicator.name == "Part modale du vélo"
    g = chart.geometry_for(600, 300)
    assert [(d.month, v) for d, v, _p in g.points] == [
        (2, 4.5),
        (4, 6.0),
        (6, 7.5),
        (9, 9.0),
        (12, 10.0),
    ]
    xs = [p.x() for _d, _v, p in g.points]
    ys = [p.y() for _d, _v, p in g.points]
    assert xs[0] == pytest.approx(g.plot.left()) and xs[-1] == pytest.approx(g.plot.right())
    assert xs == sorted(xs) and ys == sorted(ys, reverse=True)  # later and higher
    assert g.plot.top() <= g.target_y < ys[-1] < ys[0] < g.baseline_y <= g.plot.bottom()
    # linear scale: the target's height matches the values' heights
    per_unit = (ys[0] - ys[-1]) / (10.0 - 4.5)
    assert g.target_y == pytest.approx(ys[-1] - (12.5 - 10.0) * per_unit)
    assert g.baseline_y == pytest.approx(ys[0] + (4.5 - 4.0) * per_unit)
    assert g.x_ticks[0][0] == date(2027, 2, 20)
    assert not chart.grab().isNull()
    page.table.selectRow(1)
    attendance = page.chart.indicator
    assert attendance.name == "Présence aux réunions" and attendance.measurements == 12
    assert [v for _d, v, _p in page.chart.geometry_for(600, 300).points][:4] == [2, 3, 4, 2]

    # --- the annual review
    clock.day = date(2027, 12, 31)
    annual = area.show_tab(area.annual)
    annual.year.setValue(2027)
    annual.reload()
    text = annual.text.toPlainText()
    review = annual.review
    assert len(review.meetings) == 12 and review.attendance == sum(2 + n % 3 for n in range(12))
    assert len(review.done) == 1 and review.done[0].late  # done in March, due in February
    assert {a.title for a in review.open} == {"Arceaux près des écoles", "Carte des itinéraires"}
    assert "Annual review 2027 — Comité de suivi du plan vélo" in text
    assert "12 meetings" in text and f"{review.attendance} sign-ins" in text
    assert "3 actions created" in text and "1 done (1 late)" in text
    assert "Installer 200 arceaux près des écoles" in text
    assert "Part modale du vélo" in text and "12.5" in text


# --------------------------------------------------------------------------- parts


@pytest.fixture
def planned(qtbot, area, setup) -> CommitteesArea:
    """A committee with two members and four actions (created on 5 January 2027)."""
    create_committee(qtbot, area, max_members=None)
    area.show_tab(area.members)
    add_person(qtbot, area, "léa", "chair")
    add_person(qtbot, area, "omar")
    new_action(qtbot, area, "Arceaux près des écoles", "Léa Martin", date(2027, 1, 31))
    new_action(qtbot, area, "Comptages", "Omar Benali", date(2027, 3, 15))
    new_action(qtbot, area, "Atelier réparation", "Léa Martin", date(2027, 6, 30))
    new_action(qtbot, area, "Carte", "Another name", None, "Service voirie")
    return area


def test_filters_by_owner_status_and_due_period(planned, clock) -> None:
    plan = planned.plan
    assert [r.title for r in plan_rows(planned)] == [
        "Arceaux près des écoles", "Comptages", "Atelier réparation", "Carte"
    ]  # fmt: skip
    plan.owner.setCurrentIndex(plan.owner.findData("Léa Martin"))
    assert [r.title for r in plan_rows(planned)] == [
        "Arceaux près des écoles",
        "Atelier réparation",
    ]
    assert plan.count.text() == "2 actions"
    plan.owner.setCurrentIndex(0)
    with planned.store.session() as s:
        A.update_action(s, A.find_action(s, None, "Comptages"), {"status": "done"})
    plan.status.setCurrentIndex(plan.status.findData("open"))
    assert [r.title for r in plan_rows(planned)] == [
        "Arceaux près des écoles", "Atelier réparation", "Carte"
    ]  # fmt: skip
    plan.status.setCurrentIndex(plan.status.findData("done"))
    assert [r.title for r in plan_rows(planned)] == ["Comptages"]
    plan.status.setCurrentIndex(0)
    plan.period.setCurrentIndex(plan.period.findData("this_quarter"))
    assert [r.title for r in plan_rows(planned)] == ["Arceaux près des écoles", "Comptages"]
    clock.day = date(2027, 2, 10)
    plan.period.setCurrentIndex(plan.period.findData("overdue"))
    assert [r.title for r in plan_rows(planned)] == ["Arceaux près des écoles"]
    assert plan.count.text() == "1 action · 1 overdue"
    assert due_period("this_month", date(2027, 2, 10)) == (
        date(2027, 2, 1),
        date(2027, 2, 28),
        False,
    )
    assert due_period("this_year", date(2027, 2, 10))[:2] == (date(2027, 1, 1), date(2027, 12, 31))


def test_undo_and_redo_an_action_edit(qtbot, planned) -> None:
    plan = planned.plan
    stack = planned.undo_stack
    plan.select(plan_rows(planned)[1].id)
    dialog = plan.edit_action()
    dialog.status.setCurrentIndex(dialog.status.findData("in_progress"))
    dialog.progress.setValue(40)
    dialog.owner.setCurrentIndex(dialog.owner.findText("Léa Martin (Chair)"))
    ok(qtbot, dialog)
    row = plan_rows(planned)[1]
    assert (row.status, row.progress, row.owner_name) == ("in_progress", 40, "Léa Martin")
    assert stack.undoText() == "Edit the action “Comptages”"
    history = [(h.field, h.old, h.new) for h in plan.history.rows]
    assert ("progress", "0", "40") in history and ("owner", "Omar Benali", "Léa Martin") in history
    stack.undo()
    row = plan_rows(planned)[1]
    assert (row.status, row.progress, row.owner_name) == ("planned", 0, "Omar Benali")
    assert plan.history.rows[-1].field in {"owner", "progress", "status"}  # undo is recorded too
    stack.redo()
    row = plan_rows(planned)[1]
    assert (row.status, row.progress, row.owner_name) == ("in_progress", 40, "Léa Martin")
    # an edit that changes nothing is not put on the stack
    count = stack.count()
    plan.select(row.id)
    ok(qtbot, plan.edit_action())
    assert stack.count() == count
    # creating an action is undone and redone with the same id
    new_action(qtbot, planned, "Vélo-école", "Omar", None)
    made = next(r.id for r in plan_rows(planned) if r.title == "Vélo-école")
    stack.undo()
    assert made not in [r.id for r in plan_rows(planned)]
    stack.redo()
    assert made in [r.id for r in plan_rows(planned)]


def test_validation_errors_change_nothing(qtbot, planned, errors) -> None:
    plan = planned.plan
    before = plan_rows(planned)
    dialog = plan.new_action()
    dialog.title.setText("   ")
    ok(qtbot, dialog)
    assert dialog.isVisible() and dialog.error.text() == "An action needs a title."
    dialog.title.setText("Stationnement gare")
    dialog.due_on.setDate(QDate(2026, 12, 1))
    ok(qtbot, dialog)
    assert "is before the action was created" in dialog.error.text()
    dialog.reject()
    assert plan_rows(planned) == before
    count = planned.undo_stack.count()
    # a measurement that is not a number
    page = planned.show_tab(planned.indicators)
    dialog = page.new_indicator()
    ok(qtbot, dialog)
    assert dialog.error.text() == "An indicator needs a name."
    dialog.name.setText("Kilomètres aménagés")
    dialog.target.setText("beaucoup")
    ok(qtbot, dialog)
    assert "is not a number" in dialog.error.text()
    dialog.target.setText("25")
    ok(qtbot, dialog)
    dialog = page.add_measurement()
    dialog.value.setText("douze")
    ok(qtbot, dialog)
    assert dialog.error.text() == "“douze” is not a number."
    dialog.reject()
    assert page.model.rows[0].measurements == 0 and planned.undo_stack.count() == count
    # a committee without a title, a member without a name
    dialog = planned.new_committee()
    ok(qtbot, dialog)
    assert dialog.error.text() == "A committee needs a title."
    dialog.reject()
    dialog = planned.members.add_members()
    dialog.tabs.setCurrentIndex(MemberDialog.NAME)
    ok(qtbot, dialog)
    assert "at least a name" in dialog.error.text()
    dialog.reject()
    # no selection: a clear message
    planned.show_tab(planned.plan)
    plan.table.clearSelection()
    assert plan.edit_action() is None
    assert errors == ["Choose an action in the list."]


def test_removing_a_member_keeps_their_actions_by_name(qtbot, planned) -> None:
    members = planned.show_tab(planned.members)
    lea = next(m for m in members.model.rows if m.name == "Léa Martin")
    members.table.selectRow(members.model.row_of(lea.id))
    qtbot.mouseClick(members.findChild(QPushButton, "removeMember"), Qt.MouseButton.LeftButton)
    assert "Léa Martin" not in [m.name for m in members.model.rows]
    planned.show_tab(planned.plan)
    owners = {r.title: (r.owner_name, r.owner_member_id) for r in plan_rows(planned)}
    assert owners["Arceaux près des écoles"] == ("Léa Martin", None)
    assert owners["Atelier réparation"] == ("Léa Martin", None)
    plan = planned.plan
    plan.owner.setCurrentIndex(plan.owner.findData("Léa Martin"))
    assert len(plan_rows(planned)) == 2  # still found by her name
    planned.undo_stack.undo()  # she comes back, linked to her actions again
    assert {r.owner_member_id for r in plan_rows(planned)} == {lea.id}
    planned.undo_stack.redo()
    assert {r.owner_member_id for r in plan_rows(planned)} == {None}


def test_the_domain_lists_juries_and_organisations(setup) -> None:
    with setup.ws.session() as s:
        assert [(j.title, j.sitting) for j in C.jury_choices(s, setup.process_id)] == [
            ("Jury citoyen vélo", 2)
        ]
        assert C.organisation_choices(s) == [(setup.organisation_id, "Métropole de Lyon")]
        committee = C.create_committee(s, C.CommitteeData(setup.process_id, "Comité"))
        made = A.create_action(s, committee.id, A.ActionData(title="A"), action_id=uuid.UUID(int=7))
        assert made.id == uuid.UUID(int=7)
        with pytest.raises(C.CommitteeError, match="already exists"):
            A.create_action(s, committee.id, A.ActionData(title="B"), action_id=made.id)
        # the history can be dated (a committee's year replayed, the demo pictures)
        when = datetime(2027, 3, 18, 18, 0, tzinfo=UTC)
        dated = A.create_action(s, committee.id, A.ActionData(title="C"), at=when)
        meeting = C.create_meeting(s, committee.id, "Comité", when)
        A.record_review(s, meeting.id, dated.id, {"progress": 20}, at=when + timedelta(hours=1))
        A.record_review(s, meeting.id, made.id, at=when + timedelta(hours=2))
        assert [(h.field, h.at) for h in A.action_history(s, dated.id)] == [
            ("created", when), ("progress", when + timedelta(hours=1))
        ]  # fmt: skip
        assert A.action_history(s, made.id)[-1].at == when + timedelta(hours=2)


def test_add_months_keeps_the_day_or_the_month_end() -> None:
    start = datetime(2027, 1, 31, 18, 0, tzinfo=UTC)
    assert [add_months(start, n).date() for n in range(4)] == [
        date(2027, 1, 31), date(2027, 2, 28), date(2027, 3, 31), date(2027, 4, 30)
    ]  # fmt: skip
    assert add_months(start, 12).date() == date(2028, 1, 31)
    assert I.indicator_status("higher", 12.5, 10) == "off_track"


def test_edit_a_member_then_undo(qtbot, planned) -> None:
    members = planned.show_tab(planned.members)
    omar = next(m for m in members.model.rows if m.name == "Omar Benali")
    members.table.selectRow(members.model.row_of(omar.id))
    dialog = members.edit_member()
    dialog.role.setCurrentIndex(find_data(dialog.role, "observer"))
    assert dialog.joined_on.date() == QDate(2027, 1, 5)  # the day the member was added
    dialog.left_on.setDate(QDate(2027, 3, 1))
    ok(qtbot, dialog)
    assert not dialog.isVisible()
    row = members.model.row_at(members.model.row_of(omar.id))
    assert (row.role, row.left_on) == ("observer", date(2027, 3, 1))
    dialog = members.edit_member()
    dialog.joined_on.setDate(QDate(2027, 4, 1))
    ok(qtbot, dialog)
    assert dialog.isVisible() and dialog.error.text() == "A member cannot leave before joining."
    dialog.reject()
    planned.undo_stack.undo()
    row = members.model.row_at(members.model.row_of(omar.id))
    assert (row.role, row.left_on) == ("member", None)
