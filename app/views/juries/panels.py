"""Citizen juries drawn by lot: the list, then for a draft jury its quotas, the feasibility
check and the draw; for a drawn jury who sits, the reserve list, every volunteer's selection
probability, replacements, verification and the CSV export.

The draw computes a distribution over panels (LEXIMIN: up to a minute on a big pool) off the UI
thread with a progress dialog and Cancel; a cancelled draw leaves the jury in draft. The seed
is typed by the facilitator from a public source, so anyone can check the draw afterwards.
"""

from __future__ import annotations

import re
import uuid
from pathlib import Path

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFontDatabase, QPainter, QPen, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSizePolicy,
    QSpinBox,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.errors import AtelierError, Cancelled
from app.facilitation import panels as P
from app.facilitation import sessions as S
from app.i18n import N_, _, ngettext
from app.store import Store
from app.views import dialogs
from app.views.jobs import run_job, track
from app.views.models.panels import ALGORITHM_LABELS, PanelListModel, QuotaModel, SeatModel, percent

ERROR_STYLE = "color: #a40000;"
OK_STYLE = "color: #2e6b12;"
MUTED_STYLE = "color: #555555;"


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _table(parent: QWidget, name: str, model) -> QTableView:
    table = QTableView(parent)
    table.setObjectName(name)
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.verticalHeader().hide()
    table.horizontalHeader().setStretchLastSection(True)
    return table


def _label(text: str, parent: QWidget, name: str = "", style: str = "") -> QLabel:
    label = QLabel(text, parent)
    label.setWordWrap(True)
    if name:
        label.setObjectName(name)
    if style:
        label.setStyleSheet(style)
    return label


def _say(label: QLabel, text: str, ok: bool = True) -> None:
    label.setStyleSheet(OK_STYLE if ok else ERROR_STYLE)
    label.setText(text)
    label.setVisible(bool(text))


class QuotaTable(QTableView):
    """Type a number on a Min or Max cell to replace it; Enter saves it and moves down."""

    def keyPressEvent(self, event) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            # Also reached by the Enter that closes an editor: never opens a new one.
            if self.state() != QAbstractItemView.State.EditingState:
                current = self.currentIndex()
                if current.isValid() and current.row() + 1 < self.model().rowCount():
                    self.setCurrentIndex(current.siblingAtRow(current.row() + 1))
            event.accept()
            return
        super().keyPressEvent(event)


# --------------------------------------------------------------------------- dialogs


ALGORITHM_HELP = {
    "leximin": N_(
        "LEXIMIN (recommended): makes the lowest chance of being selected as high as the quotas "
        "allow, so every volunteer gets the fairest chance."
    ),
    "legacy": N_(
        "Legacy: the greedy procedure of the first citizens' assemblies; fast, but some "
        "volunteers get much lower chances."
    ),
}


class PanelDialog(QDialog):
    """Process, title, seats, reserve list, household rule and algorithm of a citizen jury;
    creates it, or changes a draft one when ``panel_id`` is given."""

    def __init__(
        self, store: Store, parent: QWidget | None = None, panel_id: uuid.UUID | None = None,
        process_id: uuid.UUID | None = None,
    ) -> None:  # fmt: skip
        super().__init__(parent)
        self.store = store
        self.panel_id = panel_id
        self.setWindowTitle(_("New citizen jury") if panel_id is None else _("Citizen jury"))
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.process = QComboBox(self)
        with store.session() as s:
            for p in S.list_processes(s):
                self.process.addItem(p.title, p.id)
            data = P.panel_data(s, panel_id) if panel_id else None
        form.addRow(_("Process"), self.process)
        self.title = QLineEdit(self)
        self.title.setPlaceholderText(_("e.g. Citizen jury on the square"))
        form.addRow(_("Title"), self.title)
        self.size = QSpinBox(self)
        self.size.setRange(1, 1000)
        self.size.setValue(12)
        form.addRow(_("Seats"), self.size)
        self.alternates = QSpinBox(self)
        self.alternates.setRange(0, 1000)
        self.alternates.setValue(4)
        self.alternates.setToolTip(_("How many alternates are drawn, in order, to replace people "
                                     "who decline."))  # fmt: skip
        form.addRow(_("Alternates"), self.alternates)
        self.household = QCheckBox(_("At most one person per household"), self)
        self.household.setChecked(True)
        form.addRow("", self.household)
        algorithms = QVBoxLayout()
        self.algorithm_buttons: dict[str, QRadioButton] = {}
        for code, text in ALGORITHM_HELP.items():
            button = QRadioButton(_(ALGORITHM_LABELS[code]), self)
            button.setObjectName(f"algorithm_{code}")
            self.algorithm_buttons[code] = button
            algorithms.addWidget(button)
            help_label = _label(_(text), self, style=MUTED_STYLE)
            help_label.setContentsMargins(22, 0, 0, 4)
            algorithms.addWidget(help_label)
        self.algorithm_buttons["leximin"].setChecked(True)
        form.addRow(_("Draw"), algorithms)
        layout.addLayout(form)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.setMinimumWidth(520)
        chosen = data.process_id if data else process_id
        if chosen is not None:
            self.process.setCurrentIndex(max(0, self.process.findData(chosen)))
        if data is not None:
            self.process.setEnabled(False)
            self.title.setText(data.title)
            self.size.setValue(data.size)
            self.alternates.setValue(data.alternates)
            self.household.setChecked(data.household_rule)
            self.algorithm_buttons.get(
                data.algorithm, self.algorithm_buttons["leximin"]
            ).setChecked(True)

    def algorithm(self) -> str:
        return next(code for code, b in self.algorithm_buttons.items() if b.isChecked())

    def accept(self) -> None:
        title = self.windowTitle()
        if self.process.currentData() is None:
            dialogs.show_error(self, title, _("Create a process first."))
            return
        data = P.PanelData(
            process_id=self.process.currentData(),
            title=self.title.text(),
            size=self.size.value(),
            household_rule=self.household.isChecked(),
            algorithm=self.algorithm(),
            alternates=self.alternates.value(),
        )
        try:
            with self.store.session() as s:
                if self.panel_id is None:
                    self.panel_id = P.create_panel(s, data)
                else:
                    P.update_panel(s, self.panel_id, data)
        except AtelierError as exc:
            dialogs.show_error(self, title, str(exc))
            return
        super().accept()


class CensusDialog(QDialog):
    """Which category to take from the census shares, and how many seats either side."""

    def __init__(self, choices: list[P.CategoryChoice], size: int, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Quotas from census shares"))
        layout = QVBoxLayout(self)
        layout.addWidget(
            _label(
                _(
                    "Each value gets its share of the {size} seats, plus or minus the "
                    "tolerance. The shares are the population figures typed in Settings > "
                    "Attributes (census, municipal statistics)."
                ).format(size=size),
                self,
            )
        )
        form = QFormLayout()
        self.category = QComboBox(self)
        for c in choices:
            if c.has_shares:
                self.category.addItem(c.label, c.id)
        form.addRow(_("Category"), self.category)
        self.tolerance = QDoubleSpinBox(self)
        self.tolerance.setRange(0.0, 50.0)
        self.tolerance.setSingleStep(0.5)
        self.tolerance.setDecimals(1)
        self.tolerance.setValue(1.0)
        self.tolerance.setSuffix(" " + _("seat(s)"))
        self.tolerance.setWhatsThis(
            _(
                "How far each value may stray from its exact share of the "
                "seats, in seats: with 10 seats and a share of 30 %, a "
                "tolerance of 1 gives Min 2 and Max 4 (3 ± 1)."
            )
        )
        form.addRow(_("Tolerance"), self.tolerance)
        layout.addLayout(form)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.setMinimumWidth(460)


QUOTA_HELP = N_(
    "The quotas: for each value of a category, the jury gives it at least Min seats and at most "
    "Max seats. “In the pool” counts the volunteers who have that value; “Population share” "
    "comes from the census figures in Settings > Attributes. Select a Min or Max cell and type a "
    "number to change it; “From census shares…” fills them from the shares and a tolerance."
)
SEED_GUIDANCE = N_(
    "Type a random value drawn in public, now, in front of everyone: for example five dice "
    "rolled by a person in the room (3 6 1 4 2), or the numbers of a lottery draw announced "
    "beforehand. Do not make it up at your desk.\n\nThe seed is recorded with the jury and in "
    "the log: anyone can then check that the same seed gives the same jury."
)


class SeedDialog(QDialog):
    """Asks for the public random seed of a draw."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Draw “{title}”").format(title=title))
        layout = QVBoxLayout(self)
        guidance = _label(_(SEED_GUIDANCE), self, "seedGuidance")
        guidance.setMinimumWidth(460)
        layout.addWidget(guidance)
        form = QFormLayout()
        self.seed = QLineEdit(self)
        self.seed.setObjectName("seed")
        self.seed.setPlaceholderText(_("e.g. 3 6 1 4 2"))
        self.seed.setWhatsThis(
            _(
                "Any text drawn by chance in public: the same seed, pool and "
                "quotas always give the same jury, so the draw can be checked."
            )
        )
        form.addRow(_("Public seed"), self.seed)
        layout.addLayout(form)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("Draw"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.seed.textChanged.connect(self._update)
        self._update()

    def _update(self) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(bool(self.seed.text().strip()))


# --------------------------------------------------------------------------- the chart


PROBABILITY_HELP = N_(
    "Each volunteer's chance of being selected, one bar each, from the lowest. With LEXIMIN, the "
    "draw first makes the smallest chance of any volunteer as large as the quotas allow, then the "
    "next smallest, and so on; the jury is then drawn from panels that all meet the quotas. The "
    "line “seats/pool” is what a plain lottery without quotas would give everyone; bars below "
    "half of it are orange. With the legacy method the chances are estimated from 2,000 runs."
)


class ProbabilityChart(QWidget):
    """Every volunteer's selection probability, one bar each, sorted from the lowest; a line at
    size/pool (what a plain lottery would give everyone) and a dashed one at half of it. Bars
    below the dashed line are orange."""

    BAR = QColor("#3465a4")
    LOW = QColor("#d9822b")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("probabilityChart")
        self.values: list[float] = []
        self.ratio = 0.0
        self.setMinimumSize(280, 150)
        self.setToolTip(
            _("One bar per volunteer, from the least to the most likely to be selected.")
        )
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setWhatsThis(_(PROBABILITY_HELP))

    def sizeHint(self) -> QSize:
        return QSize(420, 260)

    def set_data(self, probabilities: list[float], ratio: float) -> None:
        self.values = sorted(probabilities)
        self.ratio = ratio
        self.update()

    @property
    def below_half(self) -> int:
        return sum(1 for p in self.values if p < self.ratio / 2 - 1e-9)

    def plot_rect(self) -> QRectF:
        metrics = self.fontMetrics()
        left = metrics.horizontalAdvance(percent(1.0)) + 10
        return QRectF(left, metrics.height() // 2 + 4, self.width() - left - 8,
                      self.height() - metrics.height() - 10)  # fmt: skip

    def bar_rects(self) -> list[QRectF]:
        plot = self.plot_rect()
        n = len(self.values)
        if not n:
            return []
        step = plot.width() / n
        gap = min(2.0, step * 0.2)
        return [
            QRectF(plot.left() + i * step + gap / 2, plot.bottom() - p * plot.height(),
                   max(1.0, step - gap), p * plot.height())
            for i, p in enumerate(self.values)
        ]  # fmt: skip

    def y(self, p: float) -> float:
        plot = self.plot_rect()
        return plot.bottom() - p * plot.height()

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor("white"))
        plot = self.plot_rect()
        metrics = self.fontMetrics()
        painter.setPen(QPen(QColor("#d0d0d0"), 1))
        for p in (0.0, 0.5, 1.0):
            y = self.y(p)
            painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            painter.setPen(QColor("#555555"))
            label = percent(p)
            painter.drawText(
                QRectF(0, y - metrics.height() / 2, plot.left() - 6, metrics.height()),
                int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
                label,
            )
            painter.setPen(QPen(QColor("#d0d0d0"), 1))
        half = self.ratio / 2
        painter.setPen(Qt.PenStyle.NoPen)
        for rect, p in zip(self.bar_rects(), self.values, strict=True):
            painter.setBrush(self.LOW if p < half - 1e-9 else self.BAR)
            if rect.height() < 2:  # a volunteer who cannot be selected still shows
                rect.setTop(rect.bottom() - 2)
            painter.drawRect(rect)
        if self.values:
            for value, style, text in (
                (self.ratio, Qt.PenStyle.SolidLine, _("size/pool {p}")),
                (half, Qt.PenStyle.DashLine, _("half {p}")),
            ):
                y = self.y(value)
                painter.setPen(QPen(QColor("#222222"), 1.5, style))
                painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
                caption = text.format(p=percent(value))
                width = metrics.horizontalAdvance(caption) + 8
                box = QRectF(plot.left() + 4, y - metrics.height() - 1, width, metrics.height())
                painter.fillRect(box, QColor(255, 255, 255, 210))
                painter.drawText(box, int(Qt.AlignmentFlag.AlignCenter), caption)
        painter.end()


# --------------------------------------------------------------------------- the page


class CitizenJuriesPage(QWidget):
    """Citizen juries of the workspace; the quotas and draw of the selected one."""

    def __init__(
        self, store: Store, undo_stack: QUndoStack | None = None, parent: QWidget | None = None
    ) -> None:
        from app.views.areas.empty_state import EmptyState

        super().__init__(parent)
        self.store = store
        self.undo_stack = undo_stack if undo_stack is not None else QUndoStack(self)
        self.info: P.PanelInfo | None = None
        self.result: P.DrawResult | None = None
        self.feasibility = None
        self.processes: dict[uuid.UUID, str] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 12)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        layout.addWidget(splitter, 1)

        # ---- the list
        left = QWidget(splitter)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        self.process_filter = QComboBox(left)
        self.process_filter.setObjectName("processFilter")
        self.process_filter.currentIndexChanged.connect(lambda _i: self.refresh())
        left_layout.addWidget(self.process_filter)
        self.list_model = PanelListModel(self)
        self.list_table = _table(left, "panelList", self.list_model)
        header = self.list_table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.list_table.hideColumn(1)
        self.list_table.selectionModel().selectionChanged.connect(lambda *_a: self.load())
        left_layout.addWidget(self.list_table, 1)
        buttons = QHBoxLayout()
        self.new_button = QPushButton(_("New citizen jury…"), left)
        self.new_button.setObjectName("newPanel")
        self.new_button.clicked.connect(lambda: self.new_panel())
        self.delete_button = QPushButton(_("Delete"), left)
        self.delete_button.setObjectName("deletePanel")
        self.delete_button.clicked.connect(self.delete_panel)
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.delete_button)
        buttons.addStretch(1)
        left_layout.addLayout(buttons)

        # ---- one jury
        self.stack = QStackedWidget(splitter)
        self.empty = EmptyState(
            _("No citizen jury yet"),
            _(
                "A citizen jury is drawn by lot among the volunteers of a process, with quotas "
                "so that it looks like the population (gender, age, neighbourhood…). Create one "
                "with “New citizen jury…”, then set its quotas and draw it with a public seed."
            ),
            self.stack,
        )
        self.stack.addWidget(self.empty)
        self.draft_page = QWidget(self.stack)
        self.drawn_page = QWidget(self.stack)
        self._build_draft()
        self._build_drawn()
        self.stack.addWidget(self.draft_page)
        self.stack.addWidget(self.drawn_page)
        splitter.addWidget(left)
        splitter.addWidget(self.stack)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 4)
        splitter.setSizes([240, 860])
        left.setMaximumWidth(300)
        self.splitter = splitter
        self._sized = False
        self.fill_processes()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if not self._sized:  # the list narrow, the jury wide, once the width is known
            self._sized = True
            self.splitter.setSizes([250, max(400, self.splitter.width() - 250)])

    # ------------------------------------------------------------------ building

    def _heading(self, parent: QWidget, name: str) -> QLabel:
        label = _label("", parent, name)
        label.setTextFormat(Qt.TextFormat.RichText)
        return label

    def _build_draft(self) -> None:
        page = self.draft_page
        layout = QVBoxLayout(page)
        layout.setContentsMargins(8, 0, 0, 0)
        top = QHBoxLayout()
        self.draft_heading = self._heading(page, "draftHeading")
        top.addWidget(self.draft_heading, 1)
        self.edit_button = QPushButton(_("Settings…"), page)
        self.edit_button.setObjectName("editPanel")
        self.edit_button.clicked.connect(self.edit_panel)
        top.addWidget(self.edit_button, 0, Qt.AlignmentFlag.AlignTop)
        self.volunteers_button = QPushButton(_("Volunteers…"), page)
        self.volunteers_button.setObjectName("volunteersButton")
        self.volunteers_button.setToolTip(_("Who volunteers for this process's citizen juries"))
        self.volunteers_button.clicked.connect(self.edit_volunteers)
        top.addWidget(self.volunteers_button, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(top)

        quota_buttons = QHBoxLayout()
        quota_buttons.addWidget(QLabel("<b>" + _("Quotas") + "</b>", page))
        quota_buttons.addStretch(1)
        self.add_category_button = QPushButton(_("Add a category…"), page)
        self.add_category_button.clicked.connect(lambda: self.add_category())
        self.census_button = QPushButton(_("From census shares…"), page)
        self.census_button.setObjectName("censusButton")
        self.census_button.clicked.connect(lambda: self.census())
        self.remove_category_button = QPushButton(_("Remove category"), page)
        self.remove_category_button.clicked.connect(lambda: self.remove_category())
        for b in (self.add_category_button, self.census_button, self.remove_category_button):
            quota_buttons.addWidget(b)
        layout.addLayout(quota_buttons)
        self.quota_model = QuotaModel(self)
        self.quota_model.edited.connect(self.save_quota)
        self.quota_model.refused.connect(lambda text: _say(self.quota_message, text, False))
        self.quota_table = QuotaTable(page)
        self.quota_table.setModel(self.quota_model)
        self.quota_table.setObjectName("quotaTable")
        self.quota_table.setWhatsThis(_(QUOTA_HELP))
        self.quota_table.setAlternatingRowColors(True)
        self.quota_table.setWordWrap(False)
        self.quota_table.verticalHeader().hide()
        self.quota_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.quota_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.quota_table.setEditTriggers(
            QAbstractItemView.EditTrigger.AnyKeyPressed
            | QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        header = self.quota_table.horizontalHeader()
        header.setWhatsThis(_(QUOTA_HELP))
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.quota_table.verticalHeader().setDefaultSectionSize(
            self.quota_table.fontMetrics().height() + 8
        )
        layout.addWidget(self.quota_table, 3)
        self.quota_message = _label("", page, "quotaMessage")
        self.quota_message.hide()
        layout.addWidget(self.quota_message)

        box = QGroupBox(_("Can the quotas be met?"), page)
        box.setWhatsThis(
            _(
                "“Check” works out whether the volunteers can fill the seats while every "
                "Min and Max is kept (and the household rule), says in plain words "
                "what cannot be met, and proposes the smallest change of the quotas "
                "that makes the draw possible. “Accept this change” applies it; the "
                "change is logged."
            )
        )
        box_layout = QVBoxLayout(box)
        row = QHBoxLayout()
        self.feasibility_text = _label("", box, "feasibilityText")
        self.feasibility_text.setTextFormat(Qt.TextFormat.RichText)
        row.addWidget(self.feasibility_text, 1)
        self.check_button = QPushButton(_("Check"), box)
        self.check_button.setObjectName("checkButton")
        self.check_button.clicked.connect(self.check)
        row.addWidget(self.check_button, 0, Qt.AlignmentFlag.AlignTop)
        box_layout.addLayout(row)
        relax = QHBoxLayout()
        self.relaxation_text = _label("", box, "relaxationText")
        self.relaxation_text.setTextFormat(Qt.TextFormat.RichText)
        relax.addWidget(self.relaxation_text, 1)
        self.accept_button = QPushButton(_("Accept this change"), box)
        self.accept_button.setObjectName("acceptRelaxation")
        self.accept_button.clicked.connect(self.accept_relaxation)
        relax.addWidget(self.accept_button, 0, Qt.AlignmentFlag.AlignTop)
        box_layout.addLayout(relax)
        layout.addWidget(box, 0)

        draw_row = QHBoxLayout()
        self.draw_hint = _label("", page, style=MUTED_STYLE)
        draw_row.addWidget(self.draw_hint, 1)
        self.draw_button = QPushButton(_("Draw…"), page)
        self.draw_button.setObjectName("drawButton")
        self.draw_button.clicked.connect(lambda: self.ask_and_draw())
        draw_row.addWidget(self.draw_button, 0)
        layout.addLayout(draw_row)
        self.draft_message = _label("", page, "draftMessage")
        self.draft_message.hide()
        layout.addWidget(self.draft_message)

    def _build_drawn(self) -> None:
        page = self.drawn_page
        layout = QVBoxLayout(page)
        layout.setContentsMargins(8, 0, 0, 0)
        self.drawn_heading = self._heading(page, "drawnHeading")
        layout.addWidget(self.drawn_heading)
        splitter = QSplitter(Qt.Orientation.Vertical, page)
        top = QWidget(splitter)
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(QLabel("<b>" + _("Selected") + "</b>", top))
        self.selected_model = SeatModel(self)
        self.selected_table = _table(top, "selectedTable", self.selected_model)
        self.selected_table.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents
        )
        self.selected_table.selectionModel().selectionChanged.connect(lambda *_a: self._buttons())
        top_layout.addWidget(self.selected_table, 1)
        bottom = QWidget(splitter)
        bottom_layout = QHBoxLayout(bottom)
        bottom_layout.setContentsMargins(0, 0, 0, 0)
        reserve = QVBoxLayout()
        reserve.addWidget(QLabel("<b>" + _("Reserve list, in order") + "</b>", bottom))
        self.alternate_model = SeatModel(self)
        self.alternate_table = _table(bottom, "alternateTable", self.alternate_model)
        self.alternate_table.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents
        )
        reserve.addWidget(self.alternate_table, 1)
        bottom_layout.addLayout(reserve, 4)
        chart_column = QVBoxLayout()
        chart_title = QLabel("<b>" + _("Selection probabilities") + "</b>", bottom)
        chart_title.setToolTip(
            _("One bar per volunteer, from the least to the most likely to be selected.")
        )
        chart_column.addWidget(chart_title)
        self.chart = ProbabilityChart(bottom)
        chart_column.addWidget(self.chart, 1)
        self.figures = _label("", bottom, "chartFigures")
        chart_column.addWidget(self.figures)
        bottom_layout.addLayout(chart_column, 5)
        splitter.addWidget(top)
        splitter.addWidget(bottom)
        splitter.setChildrenCollapsible(False)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        layout.addWidget(splitter, 1)

        buttons = QHBoxLayout()
        self.decline_button = QPushButton(_("Declines…"), page)
        self.decline_button.setObjectName("declineButton")
        self.decline_button.setToolTip(_("The selected person declines: seat a replacement"))
        self.decline_button.clicked.connect(lambda: self.decline())
        self.verify_button = QPushButton(_("Verify the draw"), page)
        self.verify_button.setObjectName("verifyButton")
        self.verify_button.clicked.connect(self.verify)
        self.export_button = QPushButton(_("Export CSV…"), page)
        self.export_button.setObjectName("exportButton")
        self.export_button.clicked.connect(lambda: self.export_csv())
        for b in (self.decline_button, self.verify_button, self.export_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.outcome = _label("", page, "drawOutcome")
        self.outcome.hide()
        layout.addWidget(self.outcome)
        self.hashes = _label("", page, "drawHashes", MUTED_STYLE)
        self.hashes.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        mono.setPointSizeF(max(7.0, self.font().pointSizeF() - 1.5))
        self.hashes.setFont(mono)
        layout.addWidget(self.hashes)

    # ------------------------------------------------------------------ data

    def fill_processes(self) -> None:
        with self.store.session() as s:
            processes = S.list_processes(s)
        self.processes = {p.id: p.title for p in processes}
        self.process_filter.blockSignals(True)
        self.process_filter.clear()
        self.process_filter.addItem(_("All processes"), None)
        for p in processes:
            self.process_filter.addItem(p.title, p.id)
        self.process_filter.blockSignals(False)
        self.refresh()

    def panel_id(self) -> uuid.UUID | None:
        rows = self.list_table.selectionModel().selectedRows()
        return self.list_model.info_at(rows[0].row()).id if rows else None

    def refresh(self, select: uuid.UUID | None = None) -> None:
        """Reload the list of juries, keeping (or choosing) the selected one."""
        select = select or self.panel_id()
        process = self.process_filter.currentData()
        with self.store.session() as s:
            found = P.list_panels(s, process)
        # The process column only helps when several processes are listed together.
        self.list_table.setColumnHidden(1, process is not None or len(self.processes) < 2)
        self.list_table.selectionModel().blockSignals(True)
        self.list_model.set_rows([(i, self.processes.get(i.process_id, "")) for i in found])
        self.list_table.selectionModel().blockSignals(False)
        ids = [i.id for i in found]
        if found:
            self.list_table.selectRow(ids.index(select) if select in ids else 0)
        self.load()

    def load(self) -> None:
        """Show the selected jury, everything reloaded from the store."""
        panel_id = self.panel_id()
        self.feasibility = None
        for label in (self.quota_message, self.draft_message, self.outcome):
            _say(label, "")
        if panel_id is None:
            self.info = self.result = None
            self.delete_button.setEnabled(False)
            self.stack.setCurrentWidget(self.empty)
            return
        self.reload()

    def reload(self) -> None:
        panel_id = self.panel_id()
        if panel_id is None:
            return
        try:
            with self.store.session() as s:
                self.info = P.panel_info(s, panel_id)
                quotas = P.quota_rows(s, panel_id)
                self.result = P.draw_result(s, panel_id) if self.info.status == "drawn" else None
        except AtelierError:
            self.refresh()
            return
        self.delete_button.setEnabled(self.info.status == "draft")
        if self.result is None:
            self.quota_model.set_rows(quotas)
            self._fill_draft()
            self.stack.setCurrentWidget(self.draft_page)
        else:
            self._fill_drawn(quotas)
            self.stack.setCurrentWidget(self.drawn_page)

    def _describe(self, info: P.PanelInfo) -> str:
        parts = [
            f"<b>{_escape(info.title)}</b>",
            _escape(self.processes.get(info.process_id, "")),
            ngettext("{n} seat", "{n} seats", info.size).format(n=info.size),
            ngettext("{n} alternate", "{n} alternates", info.alternates).format(n=info.alternates),
            ngettext(
                "{n} volunteer in the pool", "{n} volunteers in the pool", info.pool_size
            ).format(n=info.pool_size),
            _("one person per household at most")
            if info.household_rule
            else _("several people of a household allowed"),
            _(ALGORITHM_LABELS.get(info.algorithm, info.algorithm)),
        ]
        return " · ".join(p for p in parts if p)

    def _fill_draft(self) -> None:
        info = self.info
        self.draft_heading.setText(self._describe(info))
        has_quotas = self.quota_model.rowCount() > 0
        self.remove_category_button.setEnabled(has_quotas)
        self._show_feasibility()
        self.draw_hint.setText(
            _("The draw asks for a public seed, then computes everyone's chances "
              "(up to a minute on a big pool).")
        )  # fmt: skip

    def _show_feasibility(self) -> None:
        found = self.feasibility
        self.accept_button.hide()
        self.relaxation_text.hide()
        if found is None:
            self.feasibility_text.setStyleSheet(MUTED_STYLE)
            self.feasibility_text.setText(
                _("Not checked since the last change. Click “Check” to know whether some "
                  "jury can meet every quota with these volunteers.")
            )  # fmt: skip
            return
        lines = []
        if found.feasible:
            self.feasibility_text.setStyleSheet(OK_STYLE)
            lines.append("<b>" + _("Yes: the quotas can be met.") + "</b>")
        else:
            self.feasibility_text.setStyleSheet(ERROR_STYLE)
            lines.append("<b>" + _("No: the quotas cannot be met.") + "</b>")
            lines += ["• " + _escape(p) for p in found.problems]
        lines += [
            f"<span style='color:#555555'>{_escape(_('Note: {note}').format(note=n))}</span>"
            for n in found.notes
        ]
        self.feasibility_text.setText("<br>".join(lines))
        if not found.feasible:
            self.relaxation_text.show()
            if found.relaxation:
                self.relaxation_text.setText(
                    "<b>" + _("Smallest change that makes them feasible:") + "</b><br>"
                    + "<br>".join("• " + _escape(c.describe()) for c in found.relaxation)
                )  # fmt: skip
                self.accept_button.show()
            else:
                self.relaxation_text.setText(
                    _("No change of the quotas can help: there are too few volunteers (or "
                      "households) for the seats.")
                )  # fmt: skip

    def _fill_drawn(self, quotas: list[P.QuotaRow]) -> None:
        info, result = self.info, self.result
        self.drawn_heading.setText(
            self._describe(info)
            + "<br>"
            + _("Drawn with the public seed <b>{seed}</b>").format(seed=_escape(result.seed))
        )
        categories = list(dict.fromkeys(r.category for r in quotas))
        self.selected_model.set_rows(result.selected, categories)
        self.alternate_model.set_rows(result.alternates, categories)
        self.chart.set_data(result.probabilities, result.ratio)
        pool = len(result.probabilities)
        self.figures.setText(
            _("Lowest {min} · highest {max} · size/pool {ratio}").format(
                min=percent(result.min_probability, 1),
                max=percent(result.max_probability, 1),
                ratio=percent(result.ratio, 1),
            )
            + "<br>"
            + ngettext(
                "<b>{n}</b> of {pool} volunteers has less than half of size/pool ({half}).",
                "<b>{n}</b> of {pool} volunteers have less than half of size/pool ({half}).",
                result.below_half_ratio,
            ).format(n=result.below_half_ratio, pool=pool, half=percent(result.ratio / 2, 1))
        )
        self.hashes.setText(
            _("Pool and quotas SHA-256: {h}").format(h=result.instance_hash)
            + "\n"
            + ngettext(
                "Distribution SHA-256: {h} ({n} possible jury)",
                "Distribution SHA-256: {h} ({n} possible juries)",
                result.panels_in_distribution,
            ).format(h=result.distribution_hash, n=result.panels_in_distribution)
        )
        self._buttons()

    def _buttons(self) -> None:
        seat = self.selected_seat()
        self.decline_button.setEnabled(seat is not None and seat.status == "active")

    def selected_seat(self) -> P.Seat | None:
        rows = self.selected_table.selectionModel().selectedRows()
        return self.selected_model.seat_at(rows[0].row()) if rows else None

    # ------------------------------------------------------------------ juries

    def new_panel(self, dialog: PanelDialog | None = None) -> uuid.UUID | None:
        dialog = dialog or PanelDialog(
            self.store, self, process_id=self.process_filter.currentData()
        )
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        self.refresh(dialog.panel_id)
        return dialog.panel_id

    def edit_panel(self) -> None:
        if self.info is None:
            return
        dialog = PanelDialog(self.store, self, panel_id=self.info.id)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.refresh(self.info.id)

    def edit_volunteers(self) -> None:
        """Tick who volunteers; the pool and the quota table's counts follow."""
        from app.views.juries.volunteers import VolunteersDialog

        if self.info is None:
            return
        dialog = VolunteersDialog(self.store, self.info.process_id, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.refresh(self.info.id)

    def delete_panel(self) -> None:
        if self.info is None or not dialogs.confirm(
            self,
            _("Delete the citizen jury"),
            _("Delete “{title}” and its quotas?").format(title=self.info.title),
        ):
            return
        try:
            with self.store.session() as s:
                P.delete_panel(s, self.info.id)
        except AtelierError as exc:
            dialogs.show_error(self, _("Delete the citizen jury"), str(exc))
        self.refresh()

    # ------------------------------------------------------------------ quotas

    def _change(self, title: str, action) -> bool:
        """One change of the quotas; a refusal is said under the table and changes nothing."""
        if self.info is None:
            return False
        try:
            with self.store.session() as s:
                action(s)
        except AtelierError as exc:
            _say(self.quota_message, str(exc), False)
            return False
        finally:
            self.feasibility = None
        with self.store.session() as s:
            self.quota_model.update_rows(P.quota_rows(s, self.info.id))
        self._fill_draft()
        _say(self.quota_message, "")
        return True

    def save_quota(self, row: P.QuotaRow, minimum: int, maximum: int) -> None:
        self._change(
            _("Quotas"), lambda s: P.set_quota(s, self.info.id, row.value_id, minimum, maximum)
        )

    def _categories(self) -> list[P.CategoryChoice]:
        with self.store.session() as s:
            return P.quota_categories(s)

    def add_category(self, category_id: uuid.UUID | None = None) -> None:
        if self.info is None:
            return
        if category_id is None:
            used = {r.category_id for r in self.quota_model._rows}
            choices = [c for c in self._categories() if c.id not in used and c.values]
            if not choices:
                _say(self.quota_message, _("Every attribute category already has quotas."), False)
                return
            label, ok = QInputDialog.getItem(
                self, _("Add a category"), _("Quotas on"), [c.label for c in choices], 0, False
            )
            if not ok:
                return
            category_id = next(c.id for c in choices if c.label == label)
        self._change(_("Add a category"), lambda s: P.set_category(s, self.info.id, category_id))

    def census(self, category_id: uuid.UUID | None = None, tolerance: float = 1.0) -> None:
        if self.info is None:
            return
        if category_id is None:
            choices = self._categories()
            if not any(c.has_shares for c in choices):
                _say(
                    self.quota_message,
                    _("No category has census shares yet: type them in Settings > Attributes."),
                    False,
                )
                return
            dialog = CensusDialog(choices, self.info.size, self)
            selected = self.quota_table.currentIndex()
            if selected.isValid():
                current = self.quota_model.row_at(selected.row()).category_id
                dialog.category.setCurrentIndex(max(0, dialog.category.findData(current)))
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return
            category_id, tolerance = dialog.category.currentData(), dialog.tolerance.value()
        self._change(
            _("Quotas from census shares"),
            lambda s: P.quotas_from_census(s, self.info.id, category_id, tolerance),
        )

    def remove_category(self, category_id: uuid.UUID | None = None) -> None:
        if self.info is None:
            return
        if category_id is None:
            index = self.quota_table.currentIndex()
            if not index.isValid():
                _say(self.quota_message, _("Select a row of the category to remove."), False)
                return
            row = self.quota_model.row_at(index.row())
            if not dialogs.confirm(
                self,
                _("Remove category"),
                _("Remove the quotas on {category}?").format(category=row.category),
            ):
                return
            category_id = row.category_id
        self._change(
            _("Remove category"), lambda s: P.remove_category(s, self.info.id, category_id)
        )

    # ------------------------------------------------------------------ feasibility

    def check(self) -> None:
        if self.info is None:
            return
        try:
            with self.store.session() as s:
                self.feasibility = P.check_feasibility(s, self.info.id)
        except AtelierError as exc:
            self.feasibility = None
            self._show_feasibility()
            self.feasibility_text.setStyleSheet(ERROR_STYLE)
            self.feasibility_text.setText(_escape(str(exc)))
            return
        self._show_feasibility()

    def accept_relaxation(self) -> None:
        found = self.feasibility
        if self.info is None or found is None or not found.relaxation:
            return
        changes = list(found.relaxation)
        if self._change(_("Accept this change"),
                        lambda s: P.accept_relaxation(s, self.info.id, changes)):  # fmt: skip
            self.check()

    # ------------------------------------------------------------------ the draw

    def ask_and_draw(self, seed: str | None = None):
        """Ask for the public seed (unless given) and start the draw; returns its future."""
        if self.info is None:
            return None
        if seed is None:
            dialog = SeedDialog(self.info.title, self)
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return None
            seed = dialog.seed.text()
        return track(self, self.draw(seed))

    async def draw(self, seed: str) -> P.DrawResult | None:
        """Compute the distribution off the UI thread, then record the draw with ``seed``.
        Cancelled or refused: the jury stays a draft and nothing is recorded."""
        title = _("Draw the citizen jury")
        if self.info is None:
            return None
        panel_id = self.info.id
        if not seed.strip():
            dialogs.show_error(self, title, _("Type the public seed first."))
            return None
        self.draw_button.setEnabled(False)
        try:
            with self.store.session() as s:
                prepared = P.prepare_draw(s, panel_id)
            distribution = await run_job(
                self, _("Computing everyone's chances…"), P.compute_distribution, prepared
            )
            with self.store.session() as s:
                result = P.record_draw(s, prepared, distribution, seed)
        except Cancelled:
            _say(self.draft_message, _("Draw cancelled: the jury is still a draft."), False)
            return None
        except AtelierError as exc:
            dialogs.show_error(self, title, str(exc))
            return None
        finally:
            self.draw_button.setEnabled(True)
        self.refresh(panel_id)
        _say(
            self.outcome,
            _("Drawn with the seed “{seed}”. Announce the jury, then keep the seed and the "
              "hashes below with the minutes.").format(seed=result.seed),
        )  # fmt: skip
        return result

    # ------------------------------------------------------------------ a drawn jury

    def _name(self, code: str | None) -> str:
        if self.result is None or code is None:
            return code or ""
        for seat in [*self.result.selected, *self.result.alternates]:
            if seat.code == code:
                return f"{seat.name} ({code})"
        return code

    def decline(self, ask: bool = True) -> P.Replacement | None:
        """The selected person declines: the domain seats the first alternate (or volunteer)
        who keeps every quota and the household rule; the outcome is said in plain words."""
        seat = self.selected_seat()
        if self.info is None or seat is None or seat.participant_id is None:
            return None
        title = _("Declines")
        try:
            with self.store.session() as s:
                proposal = P.propose_replacement(s, self.info.id, seat.participant_id)
        except AtelierError as exc:
            dialogs.show_error(self, title, str(exc))
            return None
        if proposal.replaced_by is None:
            proposed = _("Nobody can take the seat without breaking a quota or the household "
                         "rule: it would stay empty.")  # fmt: skip
        else:
            proposed = _(
                "{other} would take the seat ({source}), keeping every quota and the "
                "household rule."
            ).format(
                other=self._name(proposal.replaced_by),
                source=_("from the reserve list") if proposal.from_reserve else _("from the pool"),
            )
        if ask and not dialogs.confirm(
            self,
            title,
            _("Record that {name} declines the seat?").format(name=self._name(seat.code))
            + "\n\n" + proposed + "\n\n"
            + _("This is written in the log and cannot be undone."),
        ):  # fmt: skip
            return None
        try:
            with self.store.session() as s:
                outcome = P.decline(s, self.info.id, seat.participant_id)
        except AtelierError as exc:
            dialogs.show_error(self, title, str(exc))
            return None
        declined = self._name(outcome.declined)
        self.reload()
        if outcome.replaced_by is None:
            _say(
                self.outcome,
                _("{name} declined. Nobody can take the seat without breaking a quota or the "
                  "household rule: the seat stays empty.").format(name=declined),
                False,
            )  # fmt: skip
        else:
            _say(
                self.outcome,
                _("{name} declined; {other} takes the seat ({source}).").format(
                    name=declined,
                    other=self._name(outcome.replaced_by),
                    source=_("from the reserve list")
                    if outcome.from_reserve
                    else _("from the pool"),
                ),
            )
            for row in range(self.selected_model.rowCount()):
                if self.selected_model.seat_at(row).code == outcome.replaced_by:
                    self.selected_table.selectRow(row)
        return outcome

    def verify(self) -> P.Verification | None:
        if self.info is None:
            return None
        try:
            with self.store.session() as s:
                found = P.verify_panel(s, self.info.id)
        except AtelierError as exc:
            dialogs.show_error(self, _("Verify the draw"), str(exc))
            return None
        if found.matches:
            _say(
                self.outcome,
                _("Verified: the pool, the quotas and the distribution match their recorded "
                  "hashes, and the seed “{seed}” gives the same jury again.")
                .format(seed=self.result.seed if self.result else ""),
            )  # fmt: skip
        else:
            reasons = []
            if not found.instance_hash_ok:
                reasons.append(_("the pool and quotas no longer match their recorded hash"))
            if not found.distribution_hash_ok:
                reasons.append(_("the distribution no longer matches its recorded hash"))
            if sorted(found.recomputed) != sorted(found.recorded):
                reasons.append(_("the seed gives other people than those recorded"))
            _say(
                self.outcome,
                _("NOT verified: {reasons}.").format(reasons="; ".join(reasons)),
                False,
            )
        return found

    def export_csv(self, path: Path | None = None) -> int | None:
        """Write the selected people and the reserve list to a CSV file; how many people."""
        if self.info is None or self.result is None:
            return None
        if path is None:
            stem = re.sub(r"[^\w-]+", "-", self.info.title, flags=re.UNICODE).strip("-") or "jury"
            name, _filter = QFileDialog.getSaveFileName(
                self, _("Export the jury"), f"{stem}.csv", _("CSV files (*.csv)")
            )
            if not name:
                return None
            path = Path(name)
        try:
            count = P.write_panel_csv(self.result, path)
        except AtelierError as exc:
            dialogs.show_error(self, _("Export the jury"), str(exc))
            return None
        _say(
            self.outcome,
            ngettext("Wrote {n} person to {file}.", "Wrote {n} people to {file}.", count).format(
                n=count, file=path
            ),
        )
        return count
