"""The check-in screen driven from the keyboard, as at the door, on the demo workspace."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from app.facilitation import sessions as S
from app.models import Attendance, Participant
from app.models.text import fold, latin
from app.views import dialogs
from app.views.checkin import CheckinDialog


@pytest.fixture
def errors(monkeypatch) -> list[tuple[str, str]]:
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(dialogs, "show_error", lambda parent, title, text: shown.append(text))
    return shown


@pytest.fixture
def door(qtbot, demo, errors):
    """The check-in screen of the demo's third session (nobody signed in yet)."""
    with demo.session() as s:
        session_id = S.process_overview(s)[0].sessions[2].id
    dialog = CheckinDialog(demo, session_id)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def present(dialog: CheckinDialog) -> dict:
    with dialog.store.session() as s:
        rows = s.scalars(select(Attendance).where(Attendance.session_id == dialog.session_id))
        return {a.participant_id: a for a in rows}


def test_three_letters_down_enter_signs_the_person_in(qtbot, door: CheckinDialog, errors) -> None:
    assert door.search.hasFocus()
    assert door.present_label.text() == "0 present"
    qtbot.keyClicks(door.search, "elo")
    qtbot.waitUntil(lambda: door.model.rowCount() >= 2, timeout=2000)
    assert {door.model.candidate(r).first_name for r in range(door.model.rowCount())} == {"Élodie"}
    qtbot.keyClick(door.search, Qt.Key.Key_Down)
    chosen = door.model.candidate(1)
    assert door.selected() == chosen
    qtbot.keyClick(door.search, Qt.Key.Key_Return)
    rows = present(door)
    assert list(rows) == [chosen.participant_id]
    assert rows[chosen.participant_id].signed_in_at.tzinfo is not None
    assert door.search.text() == ""  # ready for the next person
    assert chosen.full_name in door.feedback.text() and "signed in at" in door.feedback.text()
    assert door.present_label.text() == "1 present"
    assert "Habitant" in door.details_label.text() or "Resident" in door.details_label.text()

    # The same person again: said so, nothing added.
    qtbot.keyClicks(door.search, latin(fold(chosen.last_name)))  # QTest types ASCII only
    qtbot.waitUntil(lambda: door.model.rowCount() >= 1, timeout=2000)
    rows = [door.model.candidate(r).participant_id for r in range(door.model.rowCount())]
    for _step in range(rows.index(chosen.participant_id)):
        qtbot.keyClick(door.search, Qt.Key.Key_Down)
    assert door.selected().participant_id == chosen.participant_id
    assert door.selected().present
    qtbot.keyClick(door.search, Qt.Key.Key_Return)
    assert "already signed in" in door.feedback.text()
    assert len(present(door)) == 1 and errors == []


def test_a_scanned_code_and_enter_sign_in_at_once(qtbot, door: CheckinDialog) -> None:
    with door.store.session() as s:
        person = s.scalar(select(Participant).where(Participant.last_name == "Петрова"))
        code, pid = person.code, person.id
    # A scanner types fast and presses Enter before the list has even been filtered.
    qtbot.keyClicks(door.search, code)
    qtbot.keyClick(door.search, Qt.Key.Key_Return)
    assert list(present(door)) == [pid]
    assert "Петрова" in door.feedback.text()
    qtbot.keyClicks(door.search, code.lower())
    qtbot.keyClick(door.search, Qt.Key.Key_Return)
    assert "already signed in" in door.feedback.text() and len(present(door)) == 1
    # Ctrl+Z undoes the last sign-in that was made.
    qtbot.keyClicks(door.search, "elo")
    qtbot.keyClick(door.search, Qt.Key.Key_Return)
    assert len(present(door)) == 2
    qtbot.keyClick(door.search, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert list(present(door)) == [pid]
    assert door.present_label.text() == "1 present"


def test_nobody_matches_says_so(qtbot, door: CheckinDialog) -> None:
    qtbot.keyClicks(door.search, "zzqx")
    qtbot.keyClick(door.search, Qt.Key.Key_Return)
    assert "Nobody matches" in door.feedback.text() and present(door) == {}


def test_ctrl_n_newcomer_is_added_and_signed_in(qtbot, door: CheckinDialog, errors) -> None:
    qtbot.keyClick(door.search, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert door.newcomer.isVisible() and door.first_name.hasFocus()
    qtbot.keyClicks(door.first_name, "Zo")
    door.first_name.insert("é")  # a dead key or a compose sequence (QTest types ASCII only)
    qtbot.keyClick(door.first_name, Qt.Key.Key_Tab)
    assert door.last_name.hasFocus()
    qtbot.keyClicks(door.last_name, "Nouvelle")
    qtbot.keyClick(door.last_name, Qt.Key.Key_Tab)
    assert door.kind.hasFocus()
    qtbot.keyClick(door.kind, Qt.Key.Key_Down)  # resident → association
    assert door.kind.currentData() == "association"
    genre = door.attribute_boxes["genre"]
    genre.setFocus()
    qtbot.keyClick(genre, Qt.Key.Key_Down)  # "not given" → Femme
    qtbot.keyClick(genre, Qt.Key.Key_Return)
    assert errors == []
    assert not door.newcomer.isVisible() and door.search.hasFocus()
    with door.store.session() as s:
        person = s.scalar(select(Participant).where(Participant.last_name == "Nouvelle"))
        assert person is not None and person.first_name == "Zoé"
        assert person.stakeholder_type == "association"
    assert list(present(door)) == [person.id]
    assert "Welcome Zoé Nouvelle" in door.feedback.text()
    assert door.present_label.text() == "1 present"
    assert door.counts.by_attribute["genre"]["Femme"] == 1
    assert door.counts.by_stakeholder == {"association": 1}


def test_newcomer_without_a_name_is_refused_and_escape_goes_back(
    qtbot, door: CheckinDialog, errors
) -> None:
    door.show_newcomer()
    qtbot.keyClick(door.first_name, Qt.Key.Key_Return)
    assert errors and "first name or a last name" in errors[0]
    assert door.newcomer.isVisible() and present(door) == {}
    qtbot.keyClick(door.first_name, Qt.Key.Key_Escape)
    assert not door.newcomer.isVisible() and door.isVisible()


def test_ctrl_d_records_a_sign_out(qtbot, door: CheckinDialog) -> None:
    qtbot.keyClicks(door.search, "petrova")
    qtbot.keyClick(door.search, Qt.Key.Key_Return)
    qtbot.keyClicks(door.search, "petrova")
    qtbot.waitUntil(lambda: door.model.rowCount() == 1, timeout=2000)
    assert door.model.index(0, 3).data().startswith("✓")
    qtbot.keyClick(door.search, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    (row,) = present(door).values()
    assert row.signed_out_at is not None
    assert "left at" in door.feedback.text()
    assert "1 has left" in door.details_label.text()


# --------------------------------------------------------------------------- area and editor


def test_area_opens_the_checkin_for_the_selected_session(qtbot, demo, errors) -> None:
    from app.views.areas.processes import ProcessesArea

    area = ProcessesArea(demo)
    qtbot.addWidget(area)
    area.show()
    assert area.model.rowCount() == 3
    area.sessions_table.selectRow(2)
    qtbot.mouseClick(area.signin_button, Qt.MouseButton.LeftButton)
    door = area.checkin
    assert door is not None and door.isVisible()
    qtbot.keyClicks(door.search, "petrova")
    qtbot.keyClick(door.search, Qt.Key.Key_Return)
    door.close()
    assert area.model.index(2, 3).data() == 1  # the list follows the sign-in


def test_editor_agenda_minutes_and_decisions(qtbot, demo, errors) -> None:
    from app.views.session_editor import SessionEditor

    with demo.session() as s:
        process = S.process_overview(s)[0]
    editor = SessionEditor(demo, process.id, process.sessions[2].id)
    qtbot.addWidget(editor)
    editor.show()
    # Agenda: typed items with durations, the total against the three-hour session.
    for title, minutes in (("Accueil", 20), ("Restitution", 100), ("Vote", 90)):
        editor.item_title.setFocus()
        qtbot.keyClicks(editor.item_title, title)
        editor.item_minutes.setValue(minutes)
        qtbot.keyClick(editor.item_title, Qt.Key.Key_Return)
    assert editor.agenda_model.rowCount() == 3
    assert "over by 30 min" in editor.agenda_total.text()
    editor.agenda_table.selectRow(2)
    editor.move_item(-1)
    with demo.session() as s:
        summary = S.agenda_summary(s, process.sessions[2].id)
    assert [i.title for i in summary.items] == ["Accueil", "Vote", "Restitution"]
    assert summary.over_by == 30
    # Minutes: write, circulate, validate by a name.
    qtbot.keyClicks(editor.minutes_text, "42 presents. Scenario B retenu.")
    qtbot.mouseClick(editor.circulate_button, Qt.MouseButton.LeftButton)
    assert editor.validate_button.isEnabled()
    qtbot.keyClicks(editor.validated_by, "Comite de suivi")
    qtbot.mouseClick(editor.validate_button, Qt.MouseButton.LeftButton)
    assert errors == []
    with demo.session() as s:
        minutes = S.minutes_info(s, process.sessions[2].id)
    assert minutes.status == "validated" and minutes.validated_by == "Comite de suivi"
    assert minutes.text == "42 presents. Scenario B retenu."
    assert editor.minutes_text.isReadOnly() and not editor.save_minutes_button.isEnabled()
    # Decisions.
    qtbot.keyClicks(editor.decision_text, "Retenir le scenario B")
    editor.decision_status.setCurrentIndex(1)
    qtbot.keyClick(editor.decision_text, Qt.Key.Key_Return)
    with demo.session() as s:
        assert [(d.text, d.status) for d in S.decisions(s, process.sessions[2].id)] == [
            ("Retenir le scenario B", "adopted")
        ]


def test_editor_creates_a_session_then_unlocks_the_tabs(qtbot, demo, errors) -> None:
    from app.views.session_editor import SessionEditor

    with demo.session() as s:
        process_id = S.process_overview(s)[0].id
    editor = SessionEditor(demo, process_id)
    qtbot.addWidget(editor)
    assert not editor.tabs.isTabEnabled(1)
    qtbot.keyClicks(editor.title, "Atelier 4 - Bilan")
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert errors == [] and editor.session_id is not None
    assert editor.tabs.isTabEnabled(1) and editor.tabs.isTabEnabled(3)
    with demo.session() as s:
        info = S.session_info(s, editor.session_id)
    assert info.title == "Atelier 4 - Bilan" and info.length_minutes == 120
    editor.title.clear()
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert errors and "needs a title" in errors[0]
