"""The Exchange day area: bundles of three municipalities imported into one workspace,
compared in a table and charts, printed as a PDF."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtGui import QDesktopServices, QUndoStack
from PySide6.QtWidgets import QFileDialog

from app import store
from app.facilitation import exchange_compare as X
from app.facilitation import reports
from app.facilitation import sessions as S
from app.views.areas import AREAS
from app.views.exchange.area import ExchangeArea
from tests.test_exchange_compare import TODAY, exchange_day  # noqa: F401 (the fixture)


@pytest.fixture
def ws(exchange_day):  # noqa: F811
    path, _ids = exchange_day
    opened = store.open_workspace(path, backup_count=0, backup_on_open=False)
    yield opened
    opened.close(backup=False)


@pytest.fixture
def area(qtbot, ws):
    page = ExchangeArea(ws, today=lambda: TODAY)
    qtbot.addWidget(page)
    page.resize(1200, 800)
    return page


def headers(area: ExchangeArea) -> list[str]:
    model = area.model
    return [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]


def test_the_area_is_in_the_sidebar_before_documents() -> None:
    keys = [a.key for a in AREAS]
    assert keys.index("exchange") == keys.index("documents") - 1
    assert next(a for a in AREAS if a.key == "exchange").title == "Exchange day"


def test_each_organisation_has_a_column_with_the_domain_figures(area, ws) -> None:
    assert area.process_list.count() == 3
    assert len(area.checked_ids()) == 3
    assert headers(area) == [
        "Comune di Castelnuovo\nIT · Bilancio partecipativo 2026",
        "Ville de Villeneuve-sur-Lière\nFR · Place de l'Église",
        "Община Габрово\nBG · Зелени дворове",
    ]
    assert area.summary.text() == "3 processes from 3 organisations"
    with ws.session() as s:
        expected = {m.key: m.values for m in X.compare_processes(s, today=TODAY).measures()}
    model = area.model
    for key in ("registered", "sign_ins", "attendance_rate", "turnout", "quotas_met",
                "actions_late", "indicators", "diversity:quartier"):  # fmt: skip
        row = model.row_of(key)
        assert row >= 0, key
        shown = tuple(model.index(row, c).data() for c in range(3))
        assert shown == expected[key], key
    assert model.row_of("title") == model.row_of("organisation") == -1  # in the headers
    assert model.value("votes", 2) == "—" and model.value("actions", 2) == "—"
    assert model.value("quotas_met", 0) == "3 of 3"
    # Section rows open each part of the table.
    first = model.headerData(0, Qt.Orientation.Vertical)
    assert first == "Process" and model.measure_at(0) is None
    assert model.headerData(1, Qt.Orientation.Vertical) == "Phase"


def test_ticking_chooses_the_columns(qtbot, area) -> None:
    bulgaria = area.process_list.item(2)
    bulgaria.setCheckState(Qt.CheckState.Unchecked)
    assert [h.split("\n")[0] for h in headers(area)] == [
        "Comune di Castelnuovo",
        "Ville de Villeneuve-sur-Lière",
    ]
    assert area.summary.text() == "2 processes from 2 organisations"
    qtbot.mouseClick(area.none_button, Qt.MouseButton.LeftButton)
    assert area.model.columnCount() == 0
    assert not area.print_button.isEnabled()
    assert area.summary.text() == "Tick the processes to compare."
    qtbot.mouseClick(area.all_button, Qt.MouseButton.LeftButton)
    assert area.model.columnCount() == 3 and area.print_button.isEnabled()


def test_a_new_process_appears_ticked_and_unticked_ones_stay_unticked(area, ws) -> None:
    area.process_list.item(0).setCheckState(Qt.CheckState.Unchecked)
    with ws.session() as s:
        S.create_process(s, S.ProcessData(title="Zones de rencontre"))
    area.refresh()
    assert area.process_list.count() == 4
    assert headers(area)[-1] == "Zones de rencontre"
    assert not any(h.startswith("Comune di Castelnuovo") for h in headers(area))
    with ws.session() as s:
        S.delete_process(s, S.find_process(s, "Zones de rencontre"))


def test_charts_show_the_figures_and_a_dash_where_there_is_none(area) -> None:
    ps = area.comparison.processes
    bars = area.attendance_chart.bars
    assert [b.segments for b in bars] == [(p.attendance_rate,) for p in ps]
    assert [b.label for b in area.diversity_chart.bars] == [p.label for p in ps]
    actions = {b.label: b for b in area.actions_chart.bars}
    assert actions["Община Габрово"].segments == () and actions["Община Габрово"].text == "—"
    assert actions["Ville de Villeneuve-sur-Lière"].segments == (3, 1, 2)
    assert actions["Ville de Villeneuve-sur-Lière"].text == "3 / 1 / 2"
    # Bars are drawn to scale: 100% would fill the span.
    shapes = area.attendance_chart.geometry_for(600)
    widths = [s.segments[0].width() for s in shapes]
    rates = [p.attendance_rate for p in ps]
    assert widths[0] / widths[2] == pytest.approx(rates[0] / rates[2])
    stacked = area.actions_chart.geometry_for(600)[1].segments
    assert stacked[0].right() == pytest.approx(stacked[1].left())
    assert area.actions_chart.geometry_for(600)[2].segments == ()
    image = area.grab()
    assert not image.isNull()


def test_print_comparison_writes_the_pdf_off_the_ui_thread(
    qtbot, qloop, area, ws, monkeypatch, tmp_path
) -> None:
    out = tmp_path / "journee.pdf"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(out), ""))
    )
    opened: list[str] = []
    monkeypatch.setattr(
        QDesktopServices, "openUrl", staticmethod(lambda url: opened.append(url.toLocalFile()))
    )
    area.process_list.item(1).setCheckState(Qt.CheckState.Unchecked)  # not the French one
    info = qloop.run_until_complete(area.print_comparison())
    assert info.kind == "comparison" and out.exists() and opened == [str(out)]
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(out.read_bytes())).pages)
    assert "Comune di Castelnuovo" in text and "Община Габрово" in text
    assert "Place de l'Église" not in text
    with ws.session() as s:
        [entry] = [h for h in reports.history(s) if h.kind == "comparison"]
        assert entry.pages == info.pages and entry.sha256 == info.sha256


def test_the_area_is_built_from_the_registry(qtbot, ws) -> None:
    area = next(a for a in AREAS if a.key == "exchange")
    page = area.make(ws, QUndoStack())
    qtbot.addWidget(page)
    assert isinstance(page, ExchangeArea) and page.model.columnCount() == 3
