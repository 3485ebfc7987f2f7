"""Indicators (co-evaluation): the list with their status, the selected one's chart and
measurements, adding a measurement, and refreshing those computed from the app's data."""

from __future__ import annotations

import uuid

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSplitter, QVBoxLayout, QWidget

from app.errors import AtelierError
from app.facilitation import indicators as I
from app.i18n import _, ngettext
from app.views import dialogs
from app.views.committees.chart import IndicatorChart
from app.views.committees.commands import AddMeasurement
from app.views.committees.common import Page, selected_row, table
from app.views.committees.forms import FormDialog, IndicatorDialog, MeasurementDialog
from app.views.models.committees import IndicatorModel, MeasurementModel, with_unit
from app.views.session_editor import _date_of


class IndicatorsPage(Page):
    def __init__(self, area) -> None:
        super().__init__(area)
        layout = QVBoxLayout(self)
        split = QSplitter(Qt.Orientation.Horizontal, self)
        left = QWidget(split)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        self.model = IndicatorModel(self)
        self.table = table(left, self.model, "indicatorsTable")
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self.show_selected())
        left_layout.addWidget(self.table, 1)
        left_layout.addLayout(
            _buttons(
                self,
                (
                    (_("New indicator…"), self.new_indicator, "newIndicator"),
                    (_("Edit…"), self.edit_indicator, "editIndicator"),
                ),
            )
        )
        left_layout.addLayout(
            _buttons(
                self,
                ((_("Refresh computed indicators"), self.refresh_computed, "refreshIndicators"),),
            )
        )
        right = QWidget(split)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        self.chart = IndicatorChart(right)
        right_layout.addWidget(self.chart, 3)
        self.summary = QLabel(right)
        self.summary.setObjectName("indicatorSummary")
        self.summary.setWordWrap(True)
        right_layout.addWidget(self.summary)
        self.measures = MeasurementModel(self)
        self.measure_table = table(right, self.measures, "measurementsTable", stretch=(3,))
        right_layout.addWidget(self.measure_table, 2)
        right_layout.addLayout(
            _buttons(
                self,
                (
                    (_("Add a measurement…"), self.add_measurement, "addMeasurement"),
                    (_("Remove the measurement"), self.remove_measurement, "removeMeasurement"),
                ),
            )
        )
        split.addWidget(left)
        split.addWidget(right)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        split.setSizes([420, 620])
        layout.addWidget(split, 1)

    def reload(self, select: uuid.UUID | None = None) -> None:
        current = select or self.selected_id()
        with self.store.session() as session:
            rows = I.list_indicators(session, self.area.committee_id)
        self.model.set_rows(rows)
        row = self.model.row_of(current) if current else -1
        self.table.selectRow(row if row >= 0 else 0)
        self.show_selected()

    def selected(self) -> I.IndicatorInfo | None:
        row = selected_row(self.table)
        return self.model.row_at(row) if row >= 0 else None

    def selected_id(self) -> uuid.UUID | None:
        info = self.selected()
        return info.id if info else None

    def show_selected(self) -> None:
        info = self.selected()
        rows = []
        if info is not None:
            with self.store.session() as session:
                rows = I.measurements(session, info.id)
        self.chart.set_indicator(info, rows)
        self.measures.unit = info.unit if info else None
        self.measures.set_rows(list(reversed(rows)))  # the latest first
        if info is None:
            self.summary.setText("")
            return
        parts = [I.direction_label(info.direction), I.source_label(info.source)]
        if info.baseline is not None:
            parts.append(_("baseline {value}").format(value=with_unit(info.baseline, info.unit)))
        if info.target is not None:
            parts.append(_("target {value}").format(value=with_unit(info.target, info.unit)))
        parts.append(I.status_label(info.status))
        parts.append(
            ngettext("{n} measurement", "{n} measurements", info.measurements).format(
                n=info.measurements
            )
        )
        self.summary.setText(" · ".join(parts))

    def _changed(self, indicator_id: uuid.UUID | None) -> None:
        self.area.refresh()
        if self.area.tabs.currentWidget() is self:
            self.reload(indicator_id)

    def new_indicator(self) -> IndicatorDialog:
        def submit(form: FormDialog) -> None:
            with self.store.session() as session:
                info = I.create_indicator(session, self.area.committee_id, form.data())
            self._changed(info.id)

        return self.area.open_dialog(IndicatorDialog(self.store, submit, self))

    def edit_indicator(self) -> IndicatorDialog | None:
        info = self.selected()
        if info is None:
            dialogs.show_error(self, _("No indicator chosen"), _("Choose an indicator."))
            return None

        def submit(form: FormDialog) -> None:
            with self.store.session() as session:
                I.update_indicator(session, info.id, form.data())
            self._changed(info.id)

        return self.area.open_dialog(IndicatorDialog(self.store, submit, self, info.data()))

    def add_measurement(self) -> MeasurementDialog | None:
        info = self.selected()
        if info is None:
            dialogs.show_error(self, _("No indicator chosen"), _("Choose an indicator."))
            return None
        if info.computed:
            dialogs.show_error(
                self,
                _("Computed indicator"),
                _("“{name}” is computed from the app's data; refresh it instead of typing "
                  "values.").format(name=info.name),
            )  # fmt: skip
            return None

        def submit(form: FormDialog) -> None:
            command = AddMeasurement(
                self.store, info.id, _date_of(form.measured_on), form.value.text(),
                self._changed, self.area.refused,
                source=form.source.text(), note=form.note.text(),
            )  # fmt: skip
            self.area.undo_stack.push(command)
            if command.error is not None:
                raise command.error

        dialog = MeasurementDialog(info.unit, submit, self, today=self.area.today())
        return self.area.open_dialog(dialog)

    def remove_measurement(self) -> None:
        row = selected_row(self.measure_table)
        if row < 0:
            dialogs.show_error(self, _("No measurement chosen"), _("Choose a measurement."))
            return
        m = self.measures.row_at(row)
        try:
            with self.store.session() as session:
                I.remove_measurement(session, m.id)
        except AtelierError as exc:
            dialogs.show_error(self, _("Nothing was changed"), str(exc))
        self._changed(m.indicator_id)

    def refresh_computed(self) -> None:
        try:
            with self.store.session() as session:
                done = I.refresh_committee_indicators(
                    session, self.area.committee_id, today=self.area.today()
                )
        except AtelierError as exc:
            dialogs.show_error(self, _("The indicators were not refreshed"), str(exc))
            return
        self._changed(self.selected_id())
        self.summary.setText(
            ngettext("{n} computed indicator refreshed.", "{n} computed indicators refreshed.",
                     len(done)).format(n=len(done)) + " " + self.summary.text()
        )  # fmt: skip


def _buttons(parent, specs) -> QHBoxLayout:
    row = QHBoxLayout()
    for text, slot, name in specs:
        button = QPushButton(text, parent)
        button.setObjectName(name)
        button.clicked.connect(slot)
        row.addWidget(button)
    row.addStretch(1)
    return row
