"""The evaluation-jury page driven as a facilitator would: create, fill, score with the keyboard,
recuse, read the ranking, record the decision."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QDialog, QInputDialog

from app.facilitation import juries as J
from app.views.juries.evaluation import EvaluationJuriesPage, NewJuryDialog


@pytest.fixture
def page(qtbot, demo, errors) -> EvaluationJuriesPage:
    widget = EvaluationJuriesPage(demo, QUndoStack())
    qtbot.addWidget(widget)
    widget.resize(1100, 650)
    widget.show()
    return widget


def create_jury(page: EvaluationJuriesPage, title: str = "Jury du concours") -> None:
    dialog = NewJuryDialog(page.store, page)
    dialog.title.setText(title)
    dialog.scale_min.setValue(0)
    dialog.scale_max.setValue(10)
    dialog.accept()
    assert dialog.result() == QDialog.DialogCode.Accepted
    page.refresh(dialog.jury_id)


def fill(qtbot, page: EvaluationJuriesPage) -> None:
    for name in ("Alice", "Bob"):
        page.member_name.setText(name)
        qtbot.mouseClick(
            page.findChild(type(page.new_button), "addMember"), Qt.MouseButton.LeftButton
        )
    page.member_name.setText("Chloé Léger")
    page.member_college.setCurrentIndex(page.member_college.findData("expert"))
    page.add_member()
    for name in ("Projet A", "Projet B"):
        page.candidate_name.setText(name)
        qtbot.keyClick(page.candidate_name, Qt.Key.Key_Return)
    page.criterion_name.setText("Usage")
    page.criterion_weight.setValue(2)
    page.add_criterion()
    page.criterion_name.setText("Coût")
    page.add_criterion()


def detail(page: EvaluationJuriesPage) -> J.JuryDetail:
    with page.store.session() as s:
        return J.jury_detail(s, page.jury_id())


def type_scores(qtbot, page: EvaluationJuriesPage, member: str, values: list[str]) -> None:
    """Choose the member, then type each value and press Enter, as at a keyboard."""
    page.tabs.setCurrentWidget(page.grid_page)
    page.member_box.setCurrentIndex(
        next(
            i
            for i in range(page.member_box.count())
            if page.member_box.itemText(i).startswith(member)
        )
    )
    grid = page.grid
    grid.setFocus()
    for value in values:
        qtbot.keyClick(grid, value[0])  # the first key opens the cell's editor
        editor = grid.focusWidget()
        qtbot.keyClicks(editor, value[1:])
        qtbot.keyClick(editor, Qt.Key.Key_Return)
        # Enter commits through a queued call: wait for the editor to close.
        qtbot.waitUntil(lambda: grid.state() != grid.State.EditingState, timeout=2000)


def test_create_fill_score_rank_and_decide(qtbot, page, errors, answers) -> None:
    assert page.stack.currentWidget() is page.empty
    create_jury(page)
    assert page.stack.currentWidget() is page.body
    fill(qtbot, page)
    d = detail(page)
    assert [m.name for m in d.members] == ["Alice", "Bob", "Chloé Léger"]
    assert d.members[2].college == "expert"
    assert [c.name for c in d.candidates] == ["Projet A", "Projet B"]
    assert [(c.name, c.weight) for c in d.criteria] == [("Usage", 2), ("Coût", 1)]
    assert errors == []

    # Alice: A usage 8, A cost 5, B usage 6, B cost 7 — typed, each followed by Enter.
    type_scores(qtbot, page, "Alice", ["8", "5", "6", "7"])
    type_scores(qtbot, page, "Bob", ["9", "6", "4", "4"])
    d = detail(page)
    alice, bob = d.members[0].id, d.members[1].id
    a, b = (c.id for c in d.candidates)
    usage, cost = (k.id for k in d.criteria)
    assert d.scores[(alice, a, usage)] == 8 and d.scores[(alice, b, cost)] == 7
    assert d.scores[(bob, b, usage)] == 4 and len(d.scores) == 8

    # An invalid value is refused with a clear message and nothing is saved; the cell stays.
    type_scores(qtbot, page, "Chloé", ["12"])
    assert "between 0 and 10" in page.grid_message.text()
    assert page.grid.currentIndex().row() == 0 and page.grid.currentIndex().column() == 0
    assert len(detail(page).scores) == 8
    type_scores(qtbot, page, "Chloé", ["7", "7"])
    assert page.grid.currentIndex().row() == 1  # Enter moved on to the next candidate

    # The ranking: A = (7 + 8 + 7) / 3, B = (19/3 + 4) / 2 (Chloé has not scored B yet).
    page.tabs.setCurrentWidget(page.results_page)
    model = page.ranking_model
    assert model.index(0, 1).data() == "Projet A"
    assert model.index(0, 2).data() == "7.33"
    assert model.index(1, 1).data() == "Projet B"
    assert model.index(1, 2).data() == "5.17"
    assert "Kendall's W" in page.agreement_label.text()
    assert "Still scoring: Chloé Léger" in page.completeness_label.text()

    # Deliberation and the recorded decision.
    page.tabs.setCurrentWidget(page.deliberation_page)
    page.notes.setPlainText("Débat nourri sur les coûts.")
    page.decision.setPlainText("Le projet A est lauréat.")
    qtbot.mouseClick(page.decide_button, Qt.MouseButton.LeftButton)
    assert answers and "2 scores are still missing" in answers[-1]
    info = detail(page).info
    assert info.status == "decided" and info.decision == "Le projet A est lauréat."
    assert info.notes == "Débat nourri sur les coûts."
    assert not page.decide_button.isEnabled() and page.notes.isReadOnly()
    assert "Decision recorded" in page.decided_label.text()
    # Once decided the grid accepts nothing.
    page.tabs.setCurrentWidget(page.grid_page)
    index = page.grid_model.index(1, 1)
    assert not page.grid_model.flags(index) & Qt.ItemFlag.ItemIsEditable
    assert errors == []


def test_tab_moves_on_and_delete_clears(qtbot, page) -> None:
    create_jury(page)
    fill(qtbot, page)
    page.tabs.setCurrentWidget(page.grid_page)
    grid = page.grid
    grid.setFocus()
    qtbot.keyClicks(grid, "3")
    qtbot.keyClick(grid.focusWidget(), Qt.Key.Key_Tab)
    qtbot.waitUntil(lambda: grid.currentIndex().column() == 1, timeout=2000)
    d = detail(page)
    assert list(d.scores.values()) == [3.0]
    qtbot.keyClick(grid, Qt.Key.Key_Escape)  # leave the editor Tab opened
    grid.setCurrentIndex(page.grid_model.index(0, 0))
    qtbot.keyClick(grid, Qt.Key.Key_Delete)
    assert detail(page).scores == {}
    page.undo_stack.undo()  # the clear is undone
    assert list(detail(page).scores.values()) == [3.0]


def test_a_recused_candidate_is_greyed_and_skipped(qtbot, page, monkeypatch) -> None:
    create_jury(page)
    fill(qtbot, page)
    page.tabs.setCurrentWidget(page.grid_page)
    page.grid.setCurrentIndex(page.grid_model.index(0, 0))
    monkeypatch.setattr(
        QInputDialog, "getText", staticmethod(lambda *a, **k: ("works there", True))
    )
    qtbot.mouseClick(page.recuse_button, Qt.MouseButton.LeftButton)
    d = detail(page)
    assert d.recused(d.members[0].id, d.candidates[0].id).reason == "works there"
    recused_cell = page.grid_model.index(0, 0)
    assert not page.grid_model.flags(recused_cell) & Qt.ItemFlag.ItemIsEditable
    assert recused_cell.data() == "recused"
    assert recused_cell.data(Qt.ItemDataRole.BackgroundRole) is not None  # greyed
    # The current cell moved to the first cell Alice may score: Projet B.
    assert page.grid.currentIndex().row() == 1
    page.grid.setFocus()
    qtbot.keyClick(page.grid, "6")
    qtbot.keyClick(page.grid.focusWidget(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: len(detail(page).scores) == 1, timeout=2000)
    [(key, value)] = detail(page).scores.items()
    assert key[1] == d.candidates[1].id and value == 6
    # Typing on the recused row is refused with the reason; the recusal can be withdrawn.
    page.grid.setCurrentIndex(recused_cell)
    qtbot.keyClick(page.grid, "5")
    assert "conflict of interest" in page.grid_message.text()
    assert "works there" in page.grid_message.text()
    assert len(detail(page).scores) == 1
    assert page.withdraw_button.isEnabled() and not page.recuse_button.isEnabled()
    qtbot.mouseClick(page.withdraw_button, Qt.MouseButton.LeftButton)
    assert detail(page).recusals == []
    assert page.grid_model.flags(page.grid_model.index(0, 0)) & Qt.ItemFlag.ItemIsEditable


def test_refusals_are_explained_and_change_nothing(qtbot, page, errors) -> None:
    dialog = NewJuryDialog(page.store, page)
    dialog.title.setText("   ")
    dialog.accept()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert errors == ["A jury needs a title."]
    create_jury(page)
    page.member_name.setText("Alice")
    page.add_member()
    page.member_name.setText("alice")
    page.add_member()
    assert errors[-1] == "There is already a member called “alice” in this jury."
    assert page.member_name.text() == "alice"  # kept, to be corrected
    page.member_name.clear()
    page.member_code.setText("NOSUCHCODE")
    page.add_member()
    assert "NOSUCHCODE" in errors[-1]
    assert [m.name for m in detail(page).members] == ["Alice"]
