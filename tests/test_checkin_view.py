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
