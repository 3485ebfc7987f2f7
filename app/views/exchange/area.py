"""Exchange day: tick the processes to compare (each with its organisation), read them side by
side in a table and in charts, print the comparison report.

The figures come from :func:`app.facilitation.exchange_compare.compare_processes`; the printed
report is the "comparison" document, made off the UI thread like every document.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.errors import AtelierError
from app.facilitation import exchange_compare as X
from app.facilitation.committees import today_local
from app.i18n import _
from app.locale_formats import format_number, format_percent
from app.store import Store
from app.views import dialogs
from app.views.exchange.chart import DONE, LATE, OPEN, Bar, ComparisonChart
from app.views.exchange.model import ComparisonModel


class ExchangeArea(QWidget):
    def __init__(
        self,
        store: Store,
        parent: QWidget | None = None,
        *,
        today: Callable[[], date] | None = None,
    ) -> None:
        super().__init__(parent)
        self.store = store
        #: The day the comparison is made on (sessions held, actions late); tests move it.
        self.today = today or today_local
        self.comparison: X.Comparison | None = None
        self._choices: list[X.ProcessChoice] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 16, 16, 16)

        title_row = QHBoxLayout()
        title = QLabel(_("Exchange day"), self)
        title.setObjectName("areaTitle")
        title_row.addWidget(title)
        self.summary = QLabel(self)
        self.summary.setObjectName("comparisonSummary")
        title_row.addWidget(self.summary)
        title_row.addStretch(1)
        self.print_button = QPushButton(_("Print comparison…"), self)
        self.print_button.setObjectName("printComparison")
        self.print_button.setToolTip(
            _("A PDF of the comparison, with its charts, to hand out or print.")
        )
        self.print_button.clicked.connect(self.print_comparison)
        title_row.addWidget(self.print_button)
        layout.addLayout(title_row)

        # The checklist runs across the top, so the table gets the whole width.
        picks = QHBoxLayout()
        picks_label = QLabel(_("Processes to compare:"), self)
        picks_label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        picks.addWidget(picks_label)
        self.process_list = QListWidget(self)
        self.process_list.setObjectName("comparedProcesses")
        self.process_list.setFlow(QListView.Flow.LeftToRight)
        self.process_list.setWrapping(True)
        self.process_list.setResizeMode(QListView.ResizeMode.Adjust)
        self.process_list.setSpacing(2)
        self.process_list.setMaximumHeight(3 * self.fontMetrics().height() + 24)
        self.process_list.itemChanged.connect(lambda _item: self.compare())
        picks.addWidget(self.process_list, 1)
        buttons = QVBoxLayout()
        self.all_button = QPushButton(_("All"), self)
        self.all_button.setObjectName("checkAll")
        self.all_button.clicked.connect(lambda: self.check_all(True))
        self.none_button = QPushButton(_("None"), self)
        self.none_button.setObjectName("checkNone")
        self.none_button.clicked.connect(lambda: self.check_all(False))
        buttons.addWidget(self.all_button)
        buttons.addWidget(self.none_button)
        buttons.addStretch(1)
        picks.addLayout(buttons)
        layout.addLayout(picks)

        main = QSplitter(Qt.Orientation.Vertical, self)
        main.setChildrenCollapsible(False)
        self.model = ComparisonModel(self)
        self.table = QTableView(main)
        self.table.setObjectName("comparisonTable")
        self.table.setModel(self.model)
        self.table.setWordWrap(True)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().setMinimumSectionSize(160)
        self.table.horizontalHeader().setDefaultAlignment(
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        )
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.verticalHeader().setDefaultAlignment(
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        )
        charts = QWidget(main)
        charts_layout = QHBoxLayout(charts)
        charts_layout.setContentsMargins(0, 0, 0, 0)
        self.attendance_chart = ComparisonChart(_("Mean attendance per session"), charts)
        self.attendance_chart.setObjectName("attendanceChart")
        self.diversity_chart = ComparisonChart(_("Diversity against the population"), charts)
        self.diversity_chart.setObjectName("diversityChart")
        self.actions_chart = ComparisonChart(_("Committee actions"), charts)
        self.actions_chart.setObjectName("actionsChart")
        for chart in (self.attendance_chart, self.diversity_chart, self.actions_chart):
            chart.setToolTip(chart.title)
            charts_layout.addWidget(chart, 1)
        main.addWidget(self.table)
        main.addWidget(charts)
        main.setStretchFactor(0, 3)
        main.setStretchFactor(1, 1)
        layout.addWidget(main, 1)
        hint = QLabel(
            _(
                "Processes come from the bundles your partners bring "
                "(File › Import a bundle…). “—”: the process has no such thing."
            ),
            self,
        )
        hint.setWordWrap(True)
        hint.setObjectName("exchangeHint")
        layout.addWidget(hint)
        self.refresh()

    # ------------------------------------------------------------------ data

    def refresh(self) -> None:
        """Reload the processes (new bundles may have been imported), keeping the ticks."""
        was_checked = {c.id for c in self._choices} - set(self.unchecked_ids())
        known = {c.id for c in self._choices}
        with self.store.session() as s:
            self._choices = X.process_choices(s)
        self.process_list.blockSignals(True)
        self.process_list.clear()
        for choice in self._choices:
            item = QListWidgetItem(choice.label, self.process_list)
            item.setData(Qt.ItemDataRole.UserRole, choice.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            ticked = choice.id in was_checked or choice.id not in known
            item.setCheckState(Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked)
        self.process_list.blockSignals(False)
        self.compare()

    def _items(self) -> list[QListWidgetItem]:
        return [self.process_list.item(i) for i in range(self.process_list.count())]

    def checked_ids(self) -> list[uuid.UUID]:
        return [
            item.data(Qt.ItemDataRole.UserRole)
            for item in self._items()
            if item.checkState() == Qt.CheckState.Checked
        ]

    def unchecked_ids(self) -> list[uuid.UUID]:
        return [
            item.data(Qt.ItemDataRole.UserRole)
            for item in self._items()
            if item.checkState() != Qt.CheckState.Checked
        ]

    def set_checked(self, ids: list[uuid.UUID]) -> None:
        wanted = set(ids)
        self.process_list.blockSignals(True)
        for item in self._items():
            on = item.data(Qt.ItemDataRole.UserRole) in wanted
            item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
        self.process_list.blockSignals(False)
        self.compare()

    def check_all(self, on: bool) -> None:
        self.set_checked([c.id for c in self._choices] if on else [])

    def compare(self) -> None:
        ids = self.checked_ids()
        try:
            with self.store.session() as s:
                self.comparison = X.compare_processes(s, ids, today=self.today())
        except AtelierError as error:
            dialogs.show_error(self, _("Exchange day"), str(error))
            return
        self.model.set_comparison(self.comparison)
        self.table.resizeRowsToContents()
        if not self._choices:
            self.summary.setText(_("No process yet: import your partners' bundles first."))
        elif not ids:
            self.summary.setText(_("Tick the processes to compare."))
        else:
            self.summary.setText(X.describe(self.comparison))
        self.print_button.setEnabled(bool(ids))
        self._fill_charts()

    def _fill_charts(self) -> None:
        ps = self.comparison.processes if self.comparison else ()
        self.attendance_chart.set_bars(
            [
                Bar(p.label, () if p.attendance_rate is None else (p.attendance_rate,),
                    format_percent(p.attendance_rate))
                for p in ps
            ],
            maximum=1.0,
        )  # fmt: skip
        self.diversity_chart.set_bars(
            [
                Bar(p.label, () if p.diversity_mean is None else (p.diversity_mean,),
                    X.NONE if p.diversity_mean is None else format_number(p.diversity_mean, 1))
                for p in ps
            ],
            maximum=100.0,
        )  # fmt: skip
        bars = []
        for p in ps:
            a = p.actions
            if a is None or not a.total:
                bars.append(Bar(p.label, (), X.NONE))
                continue
            on_time = a.open - a.late
            bars.append(
                Bar(p.label, (a.done, a.late, on_time),
                    f"{format_number(a.done)} / {format_number(a.late)} / "
                    f"{format_number(on_time)}")
            )  # fmt: skip
        self.actions_chart.set_bars(
            bars,
            colours=[DONE, LATE, OPEN],
            legend=[_("Done"), _("Late"), _("Open, on time")],
        )

    # ------------------------------------------------------------------ actions

    def print_comparison(self):
        """Choose a file, make the comparison report off the UI thread, open it."""
        from app.views.documents.actions import print_document

        ids = self.checked_ids()
        if not ids:
            return None
        return print_document(
            self,
            self.store,
            "comparison",
            ids[0] if len(ids) == 1 else None,
            subject_label=X.describe(self.comparison) if self.comparison else "",
            options={"process_ids": ids},
        )

    def showEvent(self, event) -> None:
        # Bundles may have been imported since (File › Import a bundle…).
        self.refresh()
        super().showEvent(event)
