"""The voting booth: the facilitator starts it for a voter, the voter taps and confirms."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from app.facilitation import sessions as S
from app.facilitation import signin
from app.facilitation import votes as V
from app.models import Ballot, Participant
from app.views.votes.kiosk import KioskWindow

PIN = "4321"


def open_vote(store, method: str, titles: list[str], **kw):
    with store.session() as s:
        session_id = S.process_overview(s)[0].sessions[1].id
        data = V.VoteData("Which project first?", method, [V.OptionData(t) for t in titles], **kw)
        vote_id = V.create_vote(s, session_id, data)
        V.open_vote(s, vote_id)
        people = signin.attendance_list(s, session_id)
    return vote_id, people


def kiosk(qtbot, store, vote_id) -> KioskWindow:
    window = KioskWindow(store, vote_id, PIN)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    return window


def ballots(store, vote_id) -> list[Ballot]:
    with store.session() as s:
        rows = s.scalars(select(Ballot).where(Ballot.vote_id == vote_id)).all()
        s.expunge_all()
    return list(rows)


def tap(qtbot, button) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


@pytest.fixture
def unlock():
    windows: list[KioskWindow] = []
    yield windows
    for window in windows:  # let pytest-qt close what the test left open
        window._unlocked = True


def test_a_voter_taps_options_and_confirms(qtbot, demo, unlock) -> None:
    vote_id, people = open_vote(demo, "approval", ["Park", "Library", "Bike lanes"], secret=False)
    assert len(people) == 41
    window = kiosk(qtbot, demo, vote_id)
    unlock.append(window)
    assert window.stack.currentIndex() == window.NEUTRAL
    voter = people[3]
    qtbot.keyClicks(window.code, voter.code)
    qtbot.keyClick(window.code, Qt.Key.Key_Return)
    assert window.stack.currentIndex() == window.VOTER
    tap(qtbot, window.option_buttons[0])
    tap(qtbot, window.option_buttons[2])
    assert "Park" in window.summary.text() and "Bike lanes" in window.summary.text()
    assert "Library" not in window.summary.text()
    tap(qtbot, window.confirm_button)
    assert window.stack.currentIndex() == window.NEUTRAL
    assert "your vote is recorded" in window.neutral_message.text()
    rows = ballots(demo, vote_id)
    assert [(json.loads(b.content), b.status, b.entry) for b in rows] == [
        ([0, 2], "valid", "kiosk")
    ]
    assert rows[0].participant_id == voter.participant_id  # a public vote keeps the name
    with demo.session() as s:
        assert V.has_voted(s, vote_id, voter.participant_id)
    # Next voter: a fresh page, nothing left ticked from the previous one.
    assert not any(b.isChecked() for b in window.option_buttons)

    # The same code again is refused; the booth stays on the neutral page.
    qtbot.keyClicks(window.code, voter.code)
    tap(qtbot, window.start_button)
    assert window.stack.currentIndex() == window.NEUTRAL
    assert "already voted" in window.neutral_message.text()
    qtbot.keyClicks(window.code, "NOPE-0000")
    qtbot.keyClick(window.code, Qt.Key.Key_Return)
    assert "No participant" in window.neutral_message.text()
    # Someone who did not sign in to this session is stopped before the voter's page.
    with demo.session() as s:
        absent = s.scalar(
            select(Participant.code).where(
                Participant.id.not_in([p.participant_id for p in people]),
                Participant.erased_at.is_(None),
            )
        )
    qtbot.keyClicks(window.code, absent)
    qtbot.keyClick(window.code, Qt.Key.Key_Return)
    assert window.stack.currentIndex() == window.NEUTRAL
    assert "not signed in" in window.neutral_message.text()
    assert len(ballots(demo, vote_id)) == 1


def test_a_secret_ranking_keeps_no_name(qtbot, demo, unlock) -> None:
    vote_id, people = open_vote(demo, "irv", ["Park", "Library", "Bike lanes"])
    window = kiosk(qtbot, demo, vote_id)
    unlock.append(window)
    # Picked from the signed-in list instead of typed.
    index = window.people.findData(people[0].code)
    assert index > 0
    window.people.setCurrentIndex(index)
    window.people.activated.emit(index)
    tap(qtbot, window.start_button)
    assert window.stack.currentIndex() == window.VOTER
    tap(qtbot, window.option_buttons[2])
    tap(qtbot, window.option_buttons[0])
    assert window.option_buttons[2].text().startswith("1.")
    assert window.summary.text().endswith("Bike lanes > Park")
    tap(qtbot, window.confirm_button)
    rows = ballots(demo, vote_id)
    assert [json.loads(b.content) for b in rows] == [[[2], [0]]]
    assert rows[0].participant_id is None
    with demo.session() as s:
        assert V.has_voted(s, vote_id, people[0].participant_id)
        assert V.ballot_counts(s, vote_id).voters_marked == 1
    assert window.people.findData(people[0].code) == -1  # no longer offered


def test_proposal_three_big_buttons_in_an_open_vote(qtbot, demo, unlock) -> None:
    vote_id, _people = open_vote(demo, "proposal", ["Yes", "No", "Abstain"], eligibility="open")
    window = kiosk(qtbot, demo, vote_id)
    unlock.append(window)
    assert not window.code.isVisible()
    tap(qtbot, window.start_button)
    assert not window.confirm_button.isEnabled()
    tap(qtbot, window.option_buttons[1])
    assert window.summary.text() == "You chose: No"
    tap(qtbot, window.confirm_button)
    assert [json.loads(b.content) for b in ballots(demo, vote_id)] == ["no"]


def test_leaving_needs_the_pin(qtbot, demo) -> None:
    vote_id, _people = open_vote(demo, "approval", ["Park", "Library"])
    window = kiosk(qtbot, demo, vote_id)
    window.close()
    assert window.isVisible() and window.stack.currentIndex() == window.PIN
    qtbot.keyClicks(window.pin_field, "0000")
    qtbot.keyClick(window.pin_field, Qt.Key.Key_Return)
    assert window.isVisible()
    assert "Wrong PIN" in window.pin_message.text()
    # Esc goes back to the booth; Esc again asks again.
    qtbot.keyClick(window.pin_field, Qt.Key.Key_Escape)
    assert window.stack.currentIndex() == window.NEUTRAL
    qtbot.keyClick(window.code, Qt.Key.Key_Escape)
    assert window.stack.currentIndex() == window.PIN
    qtbot.keyClicks(window.pin_field, PIN)
    qtbot.keyClick(window.pin_field, Qt.Key.Key_Return)
    assert not window.isVisible()


def test_grades_every_option_before_confirming(qtbot, demo, unlock) -> None:
    vote_id, people = open_vote(demo, "majority_judgment", ["Park", "Library"])
    window = kiosk(qtbot, demo, vote_id)
    unlock.append(window)
    qtbot.keyClicks(window.code, people[5].code)
    qtbot.keyClick(window.code, Qt.Key.Key_Return)
    assert len(window.grade_groups) == 2 and len(window.grade_groups[0].buttons()) == 6
    tap(qtbot, window.grade_groups[0].button(0))
    assert not window.confirm_button.isEnabled()  # Library not graded yet
    tap(qtbot, window.grade_groups[1].button(5))
    assert window.confirm_button.isEnabled()
    assert window.summary.text() == "You chose: Park: Très bien; Library: À rejeter"
    tap(qtbot, window.confirm_button)
    assert [json.loads(b.content) for b in ballots(demo, vote_id)] == [{"0": 0, "1": 5}]
    assert window.grade_groups[0].checkedId() == -1  # cleared for the next voter
