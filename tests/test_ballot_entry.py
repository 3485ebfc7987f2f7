"""Paper ballots typed in from the keyboard, on the demo workspace's second session."""

from __future__ import annotations

import json

from PySide6.QtCore import Qt
from sqlalchemy import select

from app.facilitation import sessions as S
from app.facilitation import votes as V
from app.models import Ballot
from app.views.votes.entry import BallotEntryDialog


def open_vote(store, method: str, titles: list[str], **kw) -> object:
    with store.session() as s:
        session_id = S.process_overview(s)[0].sessions[1].id
        data = V.VoteData("Which project first?", method, [V.OptionData(t) for t in titles], **kw)
        vote_id = V.create_vote(s, session_id, data)
        V.open_vote(s, vote_id)
    return vote_id


def entry(qtbot, store, vote_id) -> BallotEntryDialog:
    dialog = BallotEntryDialog(store, vote_id)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow, timeout=2000)
    return dialog


def stored(store, vote_id) -> list[tuple[str, object, str]]:
    with store.session() as s:
        rows = s.execute(
            select(Ballot.status, Ballot.content, Ballot.entry)
            .where(Ballot.vote_id == vote_id)
            .order_by(Ballot.cast_at if hasattr(Ballot, "cast_at") else Ballot.id)
        ).all()
    return [(status, json.loads(content), how) for status, content, how in rows]


def counts(store, vote_id) -> V.BallotCounts:
    with store.session() as s:
        return V.ballot_counts(s, vote_id)


def test_approval_ballots_typed_and_entered(qtbot, demo, errors) -> None:
    vote_id = open_vote(demo, "approval", ["Park", "Library", "Bike lanes"])
    dialog = entry(qtbot, demo, vote_id)
    assert dialog.focusWidget() is dialog.field, dialog.focusWidget()
    qtbot.keyClicks(dialog.field, "1 3")
    assert "Park" in dialog.meaning.text() and "Bike lanes" in dialog.meaning.text()
    assert dialog.meaning.property("tone") == "ok"
    qtbot.keyClick(dialog.field, Qt.Key.Key_Return)
    assert dialog.field.text() == ""
    qtbot.keyClicks(dialog.field, "2")
    qtbot.keyClick(dialog.field, Qt.Key.Key_Return)
    assert sorted(c for _s, c, _e in stored(demo, vote_id)) == [[0, 2], [1]]
    assert {e for _s, _c, e in stored(demo, vote_id)} == {"paper"}
    assert counts(demo, vote_id).valid == 2
    assert "2 ballots (2 valid, 0 blank, 0 spoiled)" in dialog.batch_label.text()
    assert errors == []


def test_an_invalid_line_says_why_and_records_nothing(qtbot, demo, errors) -> None:
    vote_id = open_vote(demo, "approval", ["Park", "Library", "Bike lanes"])
    dialog = entry(qtbot, demo, vote_id)
    qtbot.keyClicks(dialog.field, "9")
    assert dialog.meaning.property("tone") == "error"
    assert "no option 9" in dialog.meaning.text() and "1 to 3" in dialog.meaning.text()
    qtbot.keyClick(dialog.field, Qt.Key.Key_Return)
    assert stored(demo, vote_id) == []
    assert dialog.field.text() == "9"  # kept, to be corrected
    assert "0 ballots" in dialog.batch_label.text()
    # Corrected, it goes through.
    qtbot.keyClick(dialog.field, Qt.Key.Key_Backspace)
    qtbot.keyClicks(dialog.field, "1 1")
    assert "twice" in dialog.meaning.text()
    qtbot.keyClick(dialog.field, Qt.Key.Key_Return)
    assert stored(demo, vote_id) == [] and errors == []


def test_the_method_rules_are_checked_as_you_type(qtbot, demo, errors) -> None:
    vote_id = open_vote(
        demo, "approval", ["Park", "Library", "Bike lanes"], rules={"max_approvals": 1}
    )
    dialog = entry(qtbot, demo, vote_id)
    qtbot.keyClicks(dialog.field, "1 2")
    assert dialog.meaning.property("tone") == "error"
    qtbot.keyClick(dialog.field, Qt.Key.Key_Return)
    assert stored(demo, vote_id) == []


def test_ranking_with_a_tie(qtbot, demo, errors) -> None:
    vote_id = open_vote(demo, "schulze", ["Park", "Library", "Bike lanes", "Market"])
    dialog = entry(qtbot, demo, vote_id)
    qtbot.keyClicks(dialog.field, "3 1 4")
    assert dialog.meaning.text().endswith("Bike lanes > Park > Market")
    qtbot.keyClick(dialog.field, Qt.Key.Key_Return)
    qtbot.keyClicks(dialog.field, "2=3 1")
    assert "Library = Bike lanes > Park" in dialog.meaning.text()
    qtbot.keyClick(dialog.field, Qt.Key.Key_Return)
    assert [c for _s, c, _e in stored(demo, vote_id)] in (
        [[[2], [0], [3]], [[1, 2], [0]]],
        [[[1, 2], [0]], [[2], [0], [3]]],
    )
    assert counts(demo, vote_id).valid == 2 and errors == []


def test_blank_and_spoiled_shortcuts_and_batches(qtbot, demo, errors) -> None:
    vote_id = open_vote(demo, "proposal", ["Yes", "No", "Abstain"])
    dialog = entry(qtbot, demo, vote_id)
    qtbot.keyClicks(dialog.field, "oui")
    assert dialog.meaning.text() == "Yes"
    qtbot.keyClick(dialog.field, Qt.Key.Key_Return)
    qtbot.keyClick(dialog.field, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(dialog.field, Qt.Key.Key_U, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(dialog.field, Qt.Key.Key_U, Qt.KeyboardModifier.ControlModifier)
    assert counts(demo, vote_id) == V.BallotCounts(valid=1, blank=1, spoiled=2, voters_marked=0)
    assert "4 ballots (1 valid, 1 blank, 2 spoiled)" in dialog.batch_label.text()
    assert "1 valid, 1 blank, 2 spoiled" in dialog.totals_label.text()
    # A new batch starts its own count; the vote's totals carry on.
    dialog.new_batch()
    qtbot.keyClicks(dialog.batch_name, "Box 2")
    qtbot.keyClick(dialog.batch_name, Qt.Key.Key_Return)
    assert dialog.field.hasFocus()
    qtbot.keyClicks(dialog.field, "n")
    qtbot.keyClick(dialog.field, Qt.Key.Key_Return)
    assert "Box 2" in dialog.batch_label.text() and "1 ballot (1 valid" in dialog.batch_label.text()
    assert counts(demo, vote_id).valid == 2
    assert sorted(c for s, c, _e in stored(demo, vote_id) if s == "valid") == ["no", "yes"]
    assert dialog.isVisible() and errors == []


def test_grades_one_letter_per_option(qtbot, demo, errors) -> None:
    vote_id = open_vote(demo, "majority_judgment", ["Park", "Library", "Bike lanes"])
    dialog = entry(qtbot, demo, vote_id)
    assert "A = " in dialog.legend.text() and "F = " in dialog.legend.text()
    qtbot.keyClicks(dialog.field, "AB")
    assert dialog.meaning.property("tone") == "error"
    qtbot.keyClicks(dialog.field, "f")
    assert dialog.meaning.property("tone") == "ok"
    qtbot.keyClick(dialog.field, Qt.Key.Key_Return)
    assert [c for _s, c, _e in stored(demo, vote_id)] == [{"0": 0, "1": 1, "2": 5}]


def test_a_closed_vote_takes_no_ballot(qtbot, demo, errors) -> None:
    vote_id = open_vote(demo, "approval", ["Park", "Library"])
    with demo.session() as s:
        V.close_vote(s, vote_id)
    dialog = entry(qtbot, demo, vote_id)
    assert not dialog.field.isEnabled()
    qtbot.keyClick(dialog, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier)
    assert stored(demo, vote_id) == []


def test_double_entry_records_only_when_both_passes_agree(qtbot, demo, errors) -> None:
    vote_id = open_vote(demo, "approval", ["Park", "Library", "Bike lanes"])
    dialog = entry(qtbot, demo, vote_id)
    qtbot.mouseClick(dialog.double, Qt.MouseButton.LeftButton)
    assert dialog.double.isChecked()
    dialog.field.setFocus()
    # First pass: three ballots, nothing reaches the store.
    for line in ("1 3", "2"):
        qtbot.keyClicks(dialog.field, line)
        qtbot.keyClick(dialog.field, Qt.Key.Key_Return)
    qtbot.keyClick(dialog.field, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier)
    assert stored(demo, vote_id) == []
    assert "3 typed in the first pass" in dialog.pass_label.text()
    # Second pass, with one typing mistake on the second ballot.
    qtbot.keyClick(dialog.field, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    for line in ("3 1", "3"):
        qtbot.keyClicks(dialog.field, line)
        qtbot.keyClick(dialog.field, Qt.Key.Key_Return)
    qtbot.keyClick(dialog.field, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(dialog.field, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    assert stored(demo, vote_id) == []
    assert dialog.mismatches.count() == 1
    assert dialog.mismatches.item(0).text() == "Ballot 2: first pass “2”, second pass “3”"
    # The paper says 2: typed once more, it settles the selected mismatch.
    qtbot.keyClicks(dialog.field, "2")
    qtbot.keyClick(dialog.field, Qt.Key.Key_Return)
    assert dialog.mismatches.count() == 0
    qtbot.keyClick(dialog.field, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    assert sorted(str(c) for s, c, _e in stored(demo, vote_id) if s == "valid") == [
        "[0, 2]",
        "[1]",
    ]
    assert counts(demo, vote_id) == V.BallotCounts(valid=2, blank=1, spoiled=0, voters_marked=0)
    assert "3 ballots (2 valid, 1 blank" in dialog.batch_label.text()
    assert "0 typed in the first pass" in dialog.pass_label.text() and errors == []


def test_dots_pairs_within_the_rules(qtbot, demo, errors) -> None:
    vote_id = open_vote(
        demo, "dots", ["Park", "Library", "Bike lanes"], rules={"dots_per_voter": 3}
    )
    dialog = entry(qtbot, demo, vote_id)
    qtbot.keyClicks(dialog.field, "1:2 3:2")
    assert dialog.meaning.property("tone") == "error"  # 4 dots for 3
    qtbot.keyClick(dialog.field, Qt.Key.Key_Return)
    assert stored(demo, vote_id) == []
    dialog.field.clear()
    qtbot.keyClicks(dialog.field, "1:2 3:1")
    assert dialog.meaning.text() == "Park: 2; Bike lanes: 1"
    qtbot.keyClick(dialog.field, Qt.Key.Key_Return)
    assert [c for _s, c, _e in stored(demo, vote_id)] == [{"0": 2, "2": 1}]
