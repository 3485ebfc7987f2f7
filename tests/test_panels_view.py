"""The citizen-jury page: quotas, feasibility, the draw off the UI thread, the result."""

from __future__ import annotations

import csv
import time

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QUndoStack
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QApplication,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QProgressDialog,
    QPushButton,
)

from app.facilitation import panels as P
from app.facilitation import sessions as S
from app.views.juries.area import JuriesArea
from app.views.juries.panels import CitizenJuriesPage, PanelDialog, SeedDialog

SEED = "3 6 1 4 2"


@pytest.fixture
def page(qtbot, demo):
    widget = CitizenJuriesPage(demo)
    qtbot.addWidget(widget)
    widget.resize(1100, 700)
    widget.show()
    return widget


def _process(store):
    with store.session() as s:
        return S.list_processes(s)[0].id


def _jury(store, size=8, alternates=4):
    with store.session() as s:
        return P.create_panel(
            s, P.PanelData(_process(store), "Jury citoyen de la place", size, alternates=alternates)
        )


def _census(page) -> None:
    with page.store.session() as s:
        categories = P.quota_categories(s)
    assert [c.label for c in categories] == ["Genre", "Tranche d'âge", "Quartier",
                                             "Niveau de diplôme"]  # fmt: skip
    for category in categories:
        page.census(category.id, 1.0)


def _row(page, value: str) -> int:
    model = page.quota_model
    return next(r for r in range(model.rowCount()) if model.row_at(r).value == value)


def _type_in(qtbot, table, row: int, column: int, text: str) -> None:
    """Type into a cell with the keyboard, as a facilitator does, and press Enter."""
    table.setFocus()
    table.setCurrentIndex(table.model().index(row, column))
    QTest.keyClicks(table, text[0])
    editors = [e for e in table.viewport().findChildren(QLineEdit) if e.isVisible()]
    assert len(editors) == 1, "typing on the cell opens its editor"
    editor = editors[0]
    QTest.keyClicks(editor, text[1:])
    QTest.keyClick(editor, Qt.Key.Key_Return)
    QApplication.processEvents()  # the delegate commits the edit from the event loop
    assert table.state() != table.State.EditingState, (row, column, text)


def test_the_dialog_creates_a_jury_and_refuses_a_bad_one(page, errors, monkeypatch) -> None:
    def fill(dialog: PanelDialog, title: str) -> int:
        dialog.title.setText(title)
        dialog.size.setValue(10)
        dialog.alternates.setValue(3)
        dialog.household.setChecked(False)
        dialog.algorithm_buttons["legacy"].setChecked(True)
        dialog.accept()
        return dialog.result()

    assert page.stack.currentWidget() is page.empty
    monkeypatch.setattr(PanelDialog, "exec", lambda self: fill(self, "   "))
    assert page.new_panel() is None
    assert errors == ["A citizen jury needs a title."]
    assert page.list_model.rowCount() == 0
    monkeypatch.setattr(PanelDialog, "exec", lambda self: fill(self, "Jury citoyen n°1 — été"))
    panel_id = page.new_panel()
    assert panel_id is not None
    with page.store.session() as s:
        data = P.panel_data(s, panel_id)
    assert (data.title, data.size, data.alternates, data.household_rule, data.algorithm) == (
        "Jury citoyen n°1 — été",
        10,
        3,
        False,
        "legacy",
    )
    assert page.stack.currentWidget() is page.draft_page
    assert "Jury citoyen n°1 — été" in page.draft_heading.text()
    assert "Legacy" in page.draft_heading.text()


def test_quotas_feasibility_and_the_relaxation(qtbot, page) -> None:
    panel_id = _jury(page.store)
    page.refresh(panel_id)
    assert page.quota_model.rowCount() == 0
    _census(page)
    assert page.quota_model.rowCount() == 3 + 5 + 5 + 5
    gare = _row(page, "La Gare")
    assert page.quota_model.row_at(gare).in_pool == 2

    # Keyboard: a word is refused with a message and changes nothing.
    _type_in(qtbot, page.quota_table, gare, page.quota_model.MIN, "x")
    assert "whole number" in page.quota_message.text()
    assert page.quota_message.isVisibleTo(page)
    # Three people from La Gare, but only two volunteered.
    _type_in(qtbot, page.quota_table, gare, page.quota_model.MAX, "4")
    _type_in(qtbot, page.quota_table, gare, page.quota_model.MIN, "3")
    assert not page.quota_message.isVisibleTo(page)
    with page.store.session() as s:
        row = next(r for r in P.quota_rows(s, panel_id) if r.value == "La Gare")
    assert (row.minimum, row.maximum) == (3, 4)
    assert page.quota_model.row_at(gare).minimum == 3
    # The minimum above the maximum: the domain's message, nothing saved.
    _type_in(qtbot, page.quota_table, gare, page.quota_model.MAX, "2")
    assert "at most the maximum" in page.quota_message.text()
    assert page.quota_model.row_at(gare).maximum == 4

    assert "Not checked" in page.feasibility_text.text()
    page.check()
    text = page.feasibility_text.text()
    assert "cannot be met" in text and "Quartier" in text and "La Gare" in text
    assert page.accept_button.isVisibleTo(page)
    assert "from 3–4 to 2–4" in page.relaxation_text.text()
    page.accept_relaxation()
    assert "Yes: the quotas can be met." in page.feasibility_text.text()
    assert not page.accept_button.isVisibleTo(page)
    with page.store.session() as s:
        row = next(r for r in P.quota_rows(s, panel_id) if r.value == "La Gare")
    assert (row.minimum, row.maximum) == (2, 4)
    # Any change makes the check stale again.
    page.remove_category(row.category_id)
    assert "Quartier" not in [page.quota_model.row_at(r).category for r in range(13)]
    assert "Not checked" in page.feasibility_text.text()


def test_the_seed_dialog_says_where_the_seed_comes_from(qtbot) -> None:
    dialog = SeedDialog("Jury")
    qtbot.addWidget(dialog)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    guidance = dialog.findChild(QLabel, "seedGuidance").text()
    assert "dice" in guidance and "in public" in guidance
    assert not ok.isEnabled()
    dialog.seed.setText("   ")
    assert not ok.isEnabled()
    dialog.seed.setText(SEED)
    assert ok.isEnabled()


def _feasible_jury(page):
    panel_id = _jury(page.store)
    page.refresh(panel_id)
    _census(page)
    page.check()
    assert "Yes" in page.feasibility_text.text()
    return panel_id


def test_draw_chart_verify_and_export(qtbot, qloop, page, errors, tmp_path) -> None:
    panel_id = _feasible_jury(page)
    result = qloop.run_until_complete(page.ask_and_draw(SEED))
    assert errors == []
    assert result is not None and result.seed == SEED
    assert page.stack.currentWidget() is page.drawn_page
    assert SEED in page.drawn_heading.text()
    with page.store.session() as s:
        assert P.panel_info(s, panel_id).status == "drawn"
    pool = len(result.probabilities)
    assert pool == page.info.pool_size > 8
    # The chart: one bar per volunteer, sorted, and the count below half of size/pool.
    assert len(page.chart.bar_rects()) == pool
    heights = [r.height() for r in page.chart.bar_rects()]
    assert heights == sorted(heights)
    assert page.chart.below_half == result.below_half_ratio
    assert f"<b>{result.below_half_ratio}</b> of {pool} volunteers" in page.figures.text()
    assert page.selected_model.rowCount() == 8
    assert page.alternate_model.rowCount() == len(result.alternates) >= 1
    assert page.selected_model.headerData(3, Qt.Orientation.Horizontal) == "Genre"
    assert result.instance_hash in page.hashes.text()
    qtbot.waitExposed(page)
    page.chart.grab()  # paints without error

    assert page.verify().matches
    assert page.outcome.text().startswith("Verified:")

    out = tmp_path / "jury.csv"
    assert page.export_csv(out) == 8 + len(result.alternates)
    with out.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f, delimiter=";"))
    assert rows[0][:6] == ["role", "order", "code", "name", "status", "probability"]
    assert sorted(rows[0][6:]) == ["Genre", "Niveau de diplôme", "Quartier", "Tranche d'âge"]
    assert [r[2] for r in rows[1:] if r[0] == "alternate"] == [a.code for a in result.alternates]
    assert [r[2] for r in rows[1:] if r[0] == "selected"] == [s.code for s in result.selected]
    assert "Wrote" in page.outcome.text()


def test_a_refused_export_says_why(qtbot, qloop, page, errors, tmp_path) -> None:
    _feasible_jury(page)
    qloop.run_until_complete(page.ask_and_draw(SEED))
    assert page.export_csv(tmp_path / "missing" / "jury.csv") is None
    assert len(errors) == 1 and "jury.csv" in errors[0]


def test_cancelling_the_draw_leaves_the_jury_in_draft(qtbot, qloop, page, monkeypatch) -> None:
    panel_id = _feasible_jury(page)
    real = P.compute_distribution
    calls = []

    def slow(prepared, *, progress, cancel):
        calls.append(prepared.panel_id)
        for _ in range(2000):  # until the facilitator clicks Cancel (10 s at most)
            if cancel.cancelled:
                break
            time.sleep(0.005)
        return real(prepared, progress=progress, cancel=cancel)

    def click_cancel():  # as soon as the progress dialog is there
        for dialog in page.findChildren(QProgressDialog):
            button = dialog.findChild(QPushButton)
            assert button.text() == "Cancel"
            qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
            timer.stop()

    timer = QTimer(page)
    timer.timeout.connect(click_cancel)
    timer.start(10)
    monkeypatch.setattr(P, "compute_distribution", slow)
    assert qloop.run_until_complete(page.ask_and_draw(SEED)) is None
    assert calls == [panel_id]
    assert not timer.isActive()
    assert "cancelled" in page.draft_message.text()
    assert page.stack.currentWidget() is page.draft_page
    assert page.draw_button.isEnabled()
    with page.store.session() as s:
        assert P.panel_info(s, panel_id).status == "draft"
        with pytest.raises(P.PanelError, match="not been drawn"):
            P.draw_result(s, panel_id)


def test_a_draw_that_cannot_meet_the_quotas_is_refused(qtbot, qloop, page, errors) -> None:
    panel_id = _jury(page.store)
    page.refresh(panel_id)
    _census(page)
    gare = page.quota_model.row_at(_row(page, "La Gare"))
    page.save_quota(gare, 3, 4)
    assert qloop.run_until_complete(page.ask_and_draw(SEED)) is None
    assert len(errors) == 1 and "La Gare" in errors[0]
    assert page.stack.currentWidget() is page.draft_page


def test_the_juries_area_has_both_kinds_of_jury(qtbot, demo) -> None:
    area = JuriesArea(demo, QUndoStack())
    qtbot.addWidget(area)
    tabs = [area.tabs.tabText(i) for i in range(area.tabs.count())]
    assert tabs == ["Citizen juries", "Evaluation juries"]
    assert area.tabs.widget(0) is area.citizen and area.tabs.widget(1) is area.evaluation
    assert area.citizen.stack.currentWidget() is area.citizen.empty
    assert not area.citizen.delete_button.isEnabled()


def _drawn(page, size: int, quotas: dict[str, tuple[int, int]], alternates: int) -> P.DrawResult:
    """A jury without the household rule, quotas on the age groups only, drawn."""
    with page.store.session() as s:
        data = P.PanelData(_process(page.store), "Jury", size, False, "leximin", alternates)
        panel_id = P.create_panel(s, data)
        category = P.find_category(s, "Tranche d'âge")
        for value, (low, high) in quotas.items():
            P.set_quota(s, panel_id, P.find_value(category, value).id, low, high)
        result = P.draw_panel(s, panel_id, SEED)
    page.refresh(panel_id)
    return result


def test_a_decliner_is_replaced_by_the_first_alternate(qtbot, page, answers) -> None:
    ages = ("16-24 ans", "25-39 ans", "40-59 ans", "60-74 ans", "75 ans et plus")
    result = _drawn(page, 4, {a: (0, 4) for a in ages}, alternates=3)
    first = result.alternates[0]
    leaving = page.selected_model.seat_at(1)
    page.selected_table.selectRow(1)
    assert page.decline_button.isEnabled()
    outcome = page.decline()
    assert len(answers) == 1 and leaving.name in answers[0]
    # The confirmation names who would take the seat, before anything is recorded.
    assert f"{first.name} ({first.code}) would take the seat" in answers[0]
    assert outcome.replaced_by == first.code and outcome.from_reserve
    text = page.outcome.text()
    assert f"{leaving.name} ({leaving.code}) declined" in text
    assert f"{first.name} ({first.code}) takes the seat (from the reserve list)" in text
    model = page.selected_model
    status = {model.seat_at(r).code: model.index(r, model.columnCount() - 1).data()
              for r in range(model.rowCount())}  # fmt: skip
    assert status[leaving.code] == "Declined"
    assert status[first.code] == f"Sitting · replaces {leaving.code}"
    reserve = page.alternate_model
    assert reserve.index(0, reserve.columnCount() - 1).data() == "Called to sit"
    # The declined row can no longer decline; the replacement is selected.
    assert page.selected_seat().code == first.code
    page.selected_table.selectRow(1)
    assert page.selected_seat().code == leaving.code and not page.decline_button.isEnabled()
    assert page.verify().matches  # the replacement does not change the recorded draw


def test_when_nobody_can_take_the_seat_the_page_says_so(qtbot, page, answers) -> None:
    # The three volunteers aged 75 and over, and nobody else, can sit.
    ages = ("16-24 ans", "25-39 ans", "40-59 ans", "60-74 ans")
    _drawn(page, 3, {**{a: (0, 0) for a in ages}, "75 ans et plus": (3, 3)}, alternates=0)
    page.selected_table.selectRow(0)
    outcome = page.decline()
    assert outcome.replaced_by is None
    assert "Nobody can take the seat" in page.outcome.text()
    assert page.selected_model.rowCount() == 3
