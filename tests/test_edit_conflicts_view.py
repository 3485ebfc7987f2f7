"""The conflict dialog, and the participant editor meeting someone else's save (qtbot)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from app import store
from app.facilitation.conflicts import EditConflict
from app.facilitation.participants import participant_data, participant_version, update_participant
from app.views import conflict as conflict_view
from app.views import qt_i18n
from app.views.main_window import MainWindow
from app.views.settings import AppSettings

# The committees area with a plan of four actions, as its own tests build it.
from tests.test_committees_view import area, clock, ok, plan_rows, planned, setup  # noqa: F401


@pytest.fixture
def window(qtbot, demo_path: Path, atelier_home: Path, errors):
    settings = AppSettings()
    settings.backup_count = 0
    qt_i18n.apply_language("en")
    ws = store.open_workspace(demo_path, backup_count=0, backup_on_open=False)
    win = MainWindow(ws, settings)
    qtbot.addWidget(win)
    win.show()
    yield win
    win.close()


@pytest.fixture
def page(window: MainWindow):
    page = window.select_area("participants")
    page.table.setCurrentIndex(page.model.index(0, 0))
    return page


def someone_else_saves(ws, pid, **changes) -> None:
    with ws.session() as s:
        update_participant(s, pid, replace(participant_data(s, pid), **changes))


def make_conflict(ws) -> EditConflict:
    from sqlalchemy import select

    from app.models import Participant

    with ws.session() as s:
        pid = s.scalars(select(Participant.id).order_by(Participant.code)).first()
        seen = participant_version(s, pid)
        mine = replace(participant_data(s, pid), notes="Mine", phone="06 00 00 00 01")
    someone_else_saves(ws, pid, notes="Theirs")
    with ws.session() as s:
        try:
            update_participant(s, pid, mine, expected_version=seen)
        except EditConflict as conflict:
            return conflict
    raise AssertionError("no conflict")


@pytest.mark.parametrize(
    ("button", "choice"),
    [("keep_button", conflict_view.KEEP_MINE), ("take_button", conflict_view.TAKE_STORED)],
)
def test_the_dialog_shows_both_versions_and_records_the_choice(
    qtbot, demo, button: str, choice: str
) -> None:
    conflict = make_conflict(demo)
    dialog = conflict_view.ConflictDialog(conflict)
    qtbot.addWidget(dialog)
    dialog.show()
    table = dialog.table
    headers = [table.horizontalHeaderItem(c).text() for c in range(3)]
    assert headers == ["Field", "Your version", "Saved version"]
    rows = [[table.item(r, c).text() for c in range(3)] for r in range(table.rowCount())]
    # The fields that differ come first, in bold; every field is shown.
    assert rows[0] == ["Phone", "06 00 00 00 01", rows[0][2]]
    assert ["Notes", "Mine", "Theirs"] in rows[:2]
    assert table.item(0, 1).font().bold() and not table.item(2, 1).font().bold()
    assert table.rowCount() == len(conflict.fields)
    qtbot.mouseClick(getattr(dialog, button), Qt.MouseButton.LeftButton)
    assert dialog.choice == choice and dialog.result() == dialog.DialogCode.Accepted


def test_cancel_goes_back_to_editing(qtbot, demo) -> None:
    dialog = conflict_view.ConflictDialog(make_conflict(demo))
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.reject()
    assert dialog.choice is None


@pytest.mark.parametrize(
    "choice", [conflict_view.KEEP_MINE, conflict_view.TAKE_STORED, None], ids=str
)
def test_the_editor_meets_another_save(qtbot, page, monkeypatch, choice) -> None:
    detail, ws = page.detail, page.store
    pid = detail.participant_id
    shown = detail.version
    asked: list[EditConflict] = []

    def answer(parent, conflict):
        asked.append(conflict)
        return choice

    monkeypatch.setattr(conflict_view, "resolve", answer)
    detail.notes.setPlainText("Vu à l'accueil")
    someone_else_saves(ws, pid, notes="Rappeler lundi", email="autre@exemple.fr")
    qtbot.mouseClick(detail.save_button, Qt.MouseButton.LeftButton)

    assert len(asked) == 1
    conflict = asked[0]
    assert (conflict.expected_version, conflict.stored_version) == (shown, shown + 1)
    notes = {f.name: f for f in conflict.fields}["notes"]
    assert (notes.yours, notes.stored) == ("Vu à l'accueil", "Rappeler lundi")
    with ws.session() as s:
        stored = participant_data(s, pid)
        version = participant_version(s, pid)
    if choice == conflict_view.KEEP_MINE:
        assert stored.notes == "Vu à l'accueil"
        # The other save's email was not typed over: the form showed the old one, so
        # keeping mine puts the old one back, knowingly (the dialog showed both).
        assert stored.email != "autre@exemple.fr"
        assert version == shown + 2 and detail.version == version
    elif choice == conflict_view.TAKE_STORED:
        assert stored.notes == "Rappeler lundi" and version == shown + 1
        assert detail.notes.toPlainText() == "Rappeler lundi"
        assert detail.email.text() == "autre@exemple.fr" and detail.version == version
    else:
        assert stored.notes == "Rappeler lundi" and version == shown + 1
        assert detail.notes.toPlainText() == "Vu à l'accueil"  # still being edited
        assert detail.version == shown


def test_no_dialog_without_another_save(qtbot, page, monkeypatch) -> None:
    monkeypatch.setattr(conflict_view, "resolve", lambda *a: pytest.fail("no conflict here"))
    detail = page.detail
    shown = detail.version
    detail.notes.setPlainText("Première note")
    qtbot.mouseClick(detail.save_button, Qt.MouseButton.LeftButton)
    detail.notes.setPlainText("Deuxième note")
    qtbot.mouseClick(detail.save_button, Qt.MouseButton.LeftButton)
    with page.store.session() as s:
        assert participant_data(s, detail.participant_id).notes == "Deuxième note"
    assert detail.version == shown + 2


# --------------------------------------------------------------------------- committee actions


@pytest.mark.parametrize(
    "choice", [conflict_view.KEEP_MINE, conflict_view.TAKE_STORED, None], ids=str
)
def test_the_action_editor_meets_another_save(qtbot, request, monkeypatch, choice) -> None:
    from app.facilitation import actions as A

    committees = request.getfixturevalue("planned")
    plan = committees.plan
    action_id = plan_rows(committees)[1].id  # "Comptages", planned
    plan.select(action_id)
    asked: list[EditConflict] = []

    def answer(parent, conflict):
        asked.append(conflict)
        return choice

    monkeypatch.setattr(conflict_view, "resolve", answer)
    dialog = plan.edit_action()
    dialog.progress.setValue(40)
    with committees.store.session() as s:  # another facilitator saves first
        A.update_action(s, action_id, {"status": "blocked", "progress": 10})
    ok(qtbot, dialog)

    assert len(asked) == 1
    fields = {f.name: f for f in asked[0].fields}
    assert (fields["progress"].yours, fields["progress"].stored) == (40, 10)
    with committees.store.session() as s:
        stored = A.action_info(s, action_id)
    assert stored.data.status == "blocked"  # never typed over: the form did not change it
    if choice == conflict_view.KEEP_MINE:
        assert stored.data.progress == 40 and not dialog.isVisible()
    elif choice == conflict_view.TAKE_STORED:
        assert stored.data.progress == 10 and not dialog.isVisible()
        assert plan_rows(committees)[1].progress == 10
    else:
        assert stored.data.progress == 10 and dialog.isVisible()
        assert "changed by someone else" in dialog.error.text()
        dialog.reject()
