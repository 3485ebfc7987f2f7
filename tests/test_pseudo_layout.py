"""Pseudo-translation layout check: with every string 40 % longer and accented, no label,
button, check box, tab or sidebar item of the main window's areas is cut off."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QCheckBox,
    QHeaderView,
    QLabel,
    QListWidget,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QStyle,
    QStyleOptionViewItem,
    QTabBar,
    QTableWidget,
    QTabWidget,
    QWidget,
)

from app import i18n
from app.facilitation import sessions as S
from app.views import dialogs, main_window, qt_i18n
from app.views.app import STYLESHEET
from app.views.areas import AREAS
from app.views.main_window import MainWindow
from app.views.settings import AppSettings
from tests.test_reports_documents import add_sample_votes
from tests.test_reports_more import Built, built  # noqa: F401 (the fixture)

TOOL = Path(__file__).resolve().parent.parent / "tools" / "pseudo_translate.py"
#: The size the screenshots use, and the width of a small laptop screen the window must fit.
SIZE = (1100, 700)
SCREEN_WIDTH = 1280


@pytest.fixture(scope="module")
def pseudo():
    spec = importlib.util.spec_from_file_location("pseudo_translate", TOOL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def window(qtbot, qapp, built: Built, monkeypatch, pseudo):  # noqa: F811
    """The main window on the demo with votes, a drawn jury, an evaluation jury, a committee
    with its plan and volunteers, in the pseudo language."""
    monkeypatch.setattr(dialogs, "show_error", lambda *args: None)
    monkeypatch.setattr(main_window, "show_error", lambda *args: None)
    monkeypatch.setitem(i18n.LANGUAGES, pseudo.CODE, "Pseudo")
    monkeypatch.setitem(i18n._cache, pseudo.CODE, pseudo.translations())
    with built.ws.session() as s:
        first = S.process_overview(s)[0].sessions[0].id
    add_sample_votes(built.ws, first)
    settings = AppSettings()
    settings.backup_count = 0
    qt_i18n.apply_language("en")
    qapp.setStyleSheet(STYLESHEET.read_text(encoding="utf-8"))  # the app's fonts and padding
    win = MainWindow(built.ws, settings)
    qtbot.addWidget(win)
    win.resize(*SIZE)
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.close()
    qapp.setStyleSheet("")
    qt_i18n.apply_language("en")
    for box in win.findChildren(QMessageBox):
        box.deleteLater()
    QApplication.processEvents()


def settle() -> None:
    for _ in range(4):
        QApplication.processEvents()


def _lines_width(widget: QWidget, text: str) -> int:
    metrics = widget.fontMetrics()
    return max((metrics.horizontalAdvance(line) for line in text.split("\n")), default=0)


def cut_off(widget: QWidget) -> str | None:
    """Why ``widget``'s text does not fit in the room it has, or None."""
    if isinstance(widget, QLabel):
        text = widget.text()
        if not text or (widget.pixmap() is not None and not widget.pixmap().isNull()):
            return None
        room = widget.contentsRect()
        if widget.wordWrap():  # the whole widget's height, padding included
            needed = widget.heightForWidth(widget.width())
            if needed > widget.height() + 1:
                return f"needs {needed} px of height, has {widget.height()}"
            return None
        if widget.textFormat() != widget.textFormat().PlainText and "<" in text:
            needed = widget.sizeHint().width() - 2 * widget.margin()
        else:
            needed = _lines_width(widget, text) + 2 * widget.margin() + 2 * widget.indent()
        if needed > room.width() + 1:
            return f"needs {needed} px of width, has {room.width()}"
        return None
    if isinstance(widget, (QPushButton, QCheckBox, QRadioButton)):
        if widget.text() and widget.sizeHint().width() > widget.width() + 1:
            return f"needs {widget.sizeHint().width()} px, has {widget.width()}"
        return None
    return None


def cut_tabs(bar: QTabBar) -> list[str]:
    return [
        f"tab “{bar.tabText(i)}” needs {bar.tabSizeHint(i).width()} px, has "
        f"{bar.tabRect(i).width()}"
        for i in range(bar.count())
        if bar.isTabVisible(i) and bar.tabRect(i).width() + 1 < bar.tabSizeHint(i).width()
    ]


def cut_headers(header: QHeaderView) -> list[str]:
    """Column titles wider than their column (Qt clips them on both sides)."""
    model = header.model()
    if model is None or header.orientation() != Qt.Orientation.Horizontal:
        return []
    margin = header.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, None, header)
    problems = []
    for column in range(header.count()):
        title = model.headerData(column, Qt.Orientation.Horizontal)
        if header.isSectionHidden(column) or not title:
            continue
        font = QFont(header.font())
        font.setBold(header.highlightSections())  # a selected row makes the titles bold
        metrics = QFontMetrics(font)
        needed = max(metrics.horizontalAdvance(line) for line in str(title).split("\n"))
        needed += 2 * margin
        if header.isSortIndicatorShown() and header.sortIndicatorSection() == column:
            needed += header.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMarkSize) + margin
        if needed > header.sectionSize(column):
            problems.append(f"column “{title}” needs {needed} px, has {header.sectionSize(column)}")
    return problems


def visible_problems(root: QWidget, where: str) -> list[str]:
    problems = []
    for widget in root.findChildren(QWidget):
        if not widget.isVisible() or widget.width() <= 0:
            continue
        if isinstance(widget, (QLabel, QAbstractButton)):
            why = cut_off(widget)
            if why:
                problems.append(f"{where}: {type(widget).__name__} “{widget.text()}”: {why}")
        elif isinstance(widget, QTabBar):
            problems.extend(f"{where}: {p}" for p in cut_tabs(widget))
        elif isinstance(widget, QHeaderView):
            problems.extend(f"{where}: {p}" for p in cut_headers(widget))
    return problems


def sidebar_problems(sidebar: QListWidget) -> list[str]:
    """Sidebar items whose title is wider than the room the style leaves for text."""
    problems = []
    for row in range(sidebar.count()):
        item = sidebar.item(row)
        option = QStyleOptionViewItem()
        option.initFrom(sidebar)
        option.rect = sidebar.visualItemRect(item)
        option.features = (
            QStyleOptionViewItem.ViewItemFeature.HasDisplay
            | QStyleOptionViewItem.ViewItemFeature.HasDecoration
        )
        option.text, option.icon = item.text(), item.icon()
        option.decorationSize = sidebar.iconSize()
        room = sidebar.style().subElementRect(
            QStyle.SubElement.SE_ItemViewItemText, option, sidebar
        )
        needed = sidebar.fontMetrics().horizontalAdvance(item.text())
        if needed > room.width():
            problems.append(f"sidebar “{item.text()}” needs {needed} px, has {room.width()}")
    return problems


def test_pseudo_translation_is_longer_accented_and_keeps_placeholders(pseudo) -> None:
    assert pseudo.pseudo("Session") == "[Ŝéśśíôñ···]"
    assert pseudo.pseudo("&File") == "[&Fíļé··]"
    text = pseudo.pseudo("{n} of %(total)s <b>kept</b>\n")
    assert "{n}" in text and "%(total)s" in text and "<b>" in text and text.endswith("]\n")
    assert len(pseudo.pseudo("Participants in the process")) >= 1.4 * 27


def test_no_text_is_cut_off_in_any_area(window: MainWindow) -> None:
    """Each area, with a row of each list selected (so detail panes show), in the pseudo
    language and in the partner languages. (The sidebar: see the tests below.)"""
    problems = []
    for language in ("qps", "bg", "it", "es"):
        window.set_language(language)
        assert window.sidebar.item(1).text().startswith("[") == (language == "qps")
        problems += [f"{language}: {p}" for p in area_problems(window)]
    assert sorted(set(problems)) == [], "\n".join(sorted(set(problems)))


def area_problems(window: MainWindow) -> list[str]:
    problems = []
    for area in AREAS:
        window.select_area(area.key)
        page = window.current_area()
        for view in page.findChildren(QAbstractItemView):
            model = view.model()
            if view.isVisible() and model is not None and model.rowCount() > 0:
                view.setCurrentIndex(model.index(0, 0))
        settle()
        problems += visible_problems(page, area.key)
        for tabs in page.findChildren(QTabWidget):
            if not tabs.isVisible():
                continue
            for i in range(tabs.count()):
                tabs.setCurrentIndex(i)
                settle()
                problems += visible_problems(tabs.widget(i), f"{area.key} › {tabs.tabText(i)}")
    needed = window.minimumSizeHint().width()
    if needed > SCREEN_WIDTH:
        problems.append(f"the window needs {needed} px of width")
    return problems


def test_the_check_sees_cut_labels_buttons_tabs_and_sidebar_items(qtbot) -> None:
    """The checks above can fail: a narrow label, button and tab bar are reported."""
    host = QWidget()
    qtbot.addWidget(host)
    label = QLabel("A label far too long for forty pixels", host)
    label.setGeometry(0, 0, 40, 20)
    wrapped = QLabel("A wrapped label far too long for its two lines of forty pixels", host)
    wrapped.setWordWrap(True)
    wrapped.setGeometry(0, 30, 40, 30)
    button = QPushButton("A button far too long", host)
    button.setGeometry(0, 70, 40, 30)
    bar = QTabBar(host)
    bar.setExpanding(False)
    bar.setUsesScrollButtons(False)
    bar.setElideMode(Qt.TextElideMode.ElideRight)
    for title in ("First long tab title", "Second long tab title", "Third long tab title"):
        bar.addTab(title)
    bar.setGeometry(0, 110, 120, 30)
    table = QTableWidget(1, 1, host)
    table.setHorizontalHeaderLabels(["A column title far too long"])
    table.setColumnWidth(0, 50)
    table.setGeometry(0, 150, 120, 45)
    sidebar = QListWidget(host)  # like the main window's: items as wide as the list
    sidebar.addItem("Съвместно изпълнение")
    sidebar.item(0).setSizeHint(QSize(40, 30))
    sidebar.setGeometry(150, 0, 60, 100)
    host.resize(300, 200)
    host.show()
    qtbot.waitExposed(host)
    found = visible_problems(host, "test")
    assert any("QLabel “A label" in p for p in found)
    assert any("QLabel “A wrapped" in p for p in found)
    assert any("QPushButton" in p for p in found)
    assert any("tab “First" in p for p in found)
    assert any("column “A column" in p for p in found)
    assert sidebar_problems(sidebar)
    assert qt_i18n.fit_sidebar(sidebar, minimum=60) > 60
    assert sidebar_problems(sidebar) == []


def test_fit_sidebar_shows_every_title_whole(window: MainWindow) -> None:
    for language in ("bg", "qps"):
        window.set_language(language)
        settle()
        width = qt_i18n.fit_sidebar(window.sidebar)
        settle()
        assert width > 230  # "Съвместно изпълнение" needs more than the former fixed width
        assert sidebar_problems(window.sidebar) == [], language


def test_the_window_sizes_its_sidebar_from_its_titles(window: MainWindow) -> None:
    window.set_language("bg")
    settle()
    assert sidebar_problems(window.sidebar) == []


def test_the_indicator_chart_legend_wraps_instead_of_running_off(
    window: MainWindow,
    built: Built,  # noqa: F811
) -> None:
    """A longer language puts the chart's legend on two rows, inside the chart."""
    from PySide6.QtGui import QFontMetrics

    from app.facilitation import indicators as I
    from app.views.committees.chart import IndicatorChart

    window.set_language("bg")
    window.select_area("committees")
    settle()
    charts = window.current_area().findChildren(IndicatorChart)
    assert charts
    chart = charts[0]
    with built.ws.session() as s:
        off_track = [
            (info, I.measurements(s, info.id))
            for info in I.list_indicators(s, built.committee_id)
            if info.target is not None and info.baseline is not None
        ]
    assert off_track
    chart.set_indicator(*off_track[0])
    metrics = QFontMetrics(chart.font())
    for width in (420, 600):
        left = chart.geometry_for(width, 300).plot.left()
        legend = chart._legend(left, width)
        assert len(legend) >= 3
        for kind, text, x, _row in legend:
            end = x + (16 if kind == "off_track" else 28) + metrics.horizontalAdvance(text)
            assert end <= width, (width, text)
    assert max(row for *_rest, row in chart._legend(left, 420)) >= 1  # it did wrap
