"""The Citizen-time tab: the workspace's reference hourly value (with its source), hours by
mission, action or month over a period, and per action a cost/benefit summary: support costs
against the savings the user estimated (with their sources), the value of citizen time shown
apart, as a table and a bar chart."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPen
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QTableWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.errors import AtelierError
from app.facilitation import citizen_time as T
from app.i18n import _, ngettext
from app.views.codelivery.common import (
    ERROR_STYLE,
    Page,
    message_line,
    say,
    selected_row,
    table,
)
from app.views.codelivery.missions import action_choices
from app.views.committees.forms import FormDialog, Submit, _combo, fill_table
from app.views.models.codelivery import HoursModel, SummaryModel, euros
from app.views.models.committees import day_text, number
from app.views.session_editor import _date_edit, _date_of

COST = QColor("#b3541e")
SAVING = QColor("#2e7d32")
TIME = QColor("#2d5670")
GRID = QColor("#e3e1dc")


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    rect: QRectF
    colour: QColor
    #: The value of citizen time: drawn apart from the balance.
    apart: bool


class CostBenefitChart(QWidget):
    """Horizontal bars: support costs and estimated savings, then, below a dashed line, the
    value of citizen time (it is neither money spent nor saved, so it stays apart)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("costBenefitChart")
        self.setMinimumSize(320, 170)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.summary: T.CitizenTimeSummary | None = None

    def sizeHint(self) -> QSize:
        return QSize(460, 220)

    def set_summary(self, summary: T.CitizenTimeSummary | None) -> None:
        self.summary = summary
        self.update()

    def _plot(self, width: int, height: int) -> QRectF:
        metrics = QFontMetrics(self.font())
        labels = [label for label, _v in self.summary.chart_rows()] if self.summary else []
        widest = max([metrics.horizontalAdvance(t) for t in labels] + [40])
        left = min(width * 0.35, widest + 16)
        value = metrics.horizontalAdvance("000 000 €") + 12
        top = metrics.height() + 16
        return QRectF(left, top, max(10, width - left - value), max(10, height - top - 8))

    def bars(self, width: int | None = None, height: int | None = None) -> list[Bar]:
        """The bars for a widget of this size (costs, savings, then the time value apart)."""
        if self.summary is None:
            return []
        plot = self._plot(width or self.width(), height or self.height())
        rows = self.summary.chart_rows()
        high = max([v for _l, v in rows] + [1.0])
        slots = len(rows) + (0.5 if len(rows) > 2 else 0)
        slot = plot.height() / slots
        result = []
        for n, (label, value) in enumerate(rows):
            apart = n >= 2
            y = plot.top() + slot * (n + (0.5 if apart else 0)) + slot * 0.2
            rect = QRectF(plot.left(), y, plot.width() * value / high, slot * 0.6)
            result.append(Bar(label, value, rect, (COST, SAVING, TIME)[min(n, 2)], apart))
        return result

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor("white"))
        metrics = QFontMetrics(self.font())
        if self.summary is None:
            painter.setPen(QColor("#8a8f94"))
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, _("Choose an action."))
            return
        plot = self._plot(self.width(), self.height())
        title = QFont(self.font())
        title.setBold(True)
        painter.setFont(title)
        painter.setPen(QColor("#1f3a4d"))
        painter.drawText(
            QRectF(8, 4, self.width() - 16, metrics.height() + 4),
            int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
            metrics.elidedText(self.summary.title, Qt.TextElideMode.ElideRight, self.width() - 24),
        )
        painter.setFont(self.font())
        bars = self.bars()
        for bar in bars:
            painter.fillRect(bar.rect, bar.colour)
            painter.setPen(QColor("#333333"))
            painter.drawText(
                QRectF(4, bar.rect.top() - 12, plot.left() - 12, bar.rect.height() + 24),
                int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                | int(Qt.TextFlag.TextWordWrap),
                bar.label,
            )
            painter.drawText(
                QRectF(bar.rect.right() + 6, bar.rect.top(), self.width(), bar.rect.height()),
                int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                euros(bar.value),
            )
        apart = [b for b in bars if b.apart]
        if apart:
            y = (apart[0].rect.top() + bars[1].rect.bottom()) / 2
            painter.setPen(QPen(QColor("#9aa3a9"), 1, Qt.PenStyle.DashLine))
            painter.drawLine(8, int(y), int(self.width() - 8), int(y))
        painter.setPen(QPen(QColor("#9aa3a9"), 1))
        painter.drawLine(int(plot.left()), int(plot.top()), int(plot.left()), int(plot.bottom()))
        painter.end()


class SavingDialog(FormDialog):
    def __init__(
        self,
        actions: list[tuple[uuid.UUID, str]],
        current: uuid.UUID | None,
        submit: Submit,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(_("Estimated saving"), submit, parent)
        self.setObjectName("savingDialog")
        self.action = _combo(self, actions, current)
        self.amount = QLineEdit(self)
        self.amount.setObjectName("savingAmount")
        self.amount.setPlaceholderText(_("in euros"))
        self.source = QLineEdit(self)
        self.source.setObjectName("savingSource")
        self.source.setPlaceholderText(_("e.g. department's figures on placements avoided"))
        self.start = _date_edit(self, None)
        self.end = _date_edit(self, None)
        self.note = QLineEdit(self)
        self.form.addRow(_("Action"), self.action)
        self.form.addRow(_("Amount"), self.amount)
        self.form.addRow(_("Source"), self.source)
        self.form.addRow(_("From"), self.start)
        self.form.addRow(_("To"), self.end)
        self.form.addRow(_("Note"), self.note)
        self.finish()
        self.resize(560, 300)


class CitizenTimePage(Page):
    def __init__(self, area) -> None:
        super().__init__(area)
        layout = QVBoxLayout(self)
        value_row = QHBoxLayout()
        self.hourly = QLineEdit(self)
        self.hourly.setObjectName("hourlyValue")
        self.hourly.setMaximumWidth(90)
        self.hourly.setPlaceholderText(_("€ an hour"))
        self.hourly_source = QLineEdit(self)
        self.hourly_source.setObjectName("hourlySource")
        self.hourly_source.setPlaceholderText(_("Source, e.g. SMIC horaire brut 2027"))
        save = QPushButton(_("Set the hourly value"), self)
        save.clicked.connect(lambda: self.save_hourly_value())
        value_row.addWidget(QLabel(_("An hour of citizen time is worth"), self))
        value_row.addWidget(self.hourly)
        value_row.addWidget(QLabel("€", self))
        value_row.addWidget(self.hourly_source, 1)
        value_row.addWidget(save)
        layout.addLayout(value_row)
        period = QHBoxLayout()
        self.start = _date_edit(self, None)
        self.start.setObjectName("periodStart")
        self.end = _date_edit(self, None)
        self.end.setObjectName("periodEnd")
        self.group = _combo(self, [(g, T.group_label(g)) for g in ("mission", "action", "month")])
        self.group.setObjectName("hoursGroup")
        for widget in (self.start, self.end):
            widget.dateChanged.connect(lambda _d: self.reload())
        self.group.currentIndexChanged.connect(lambda _i: self.reload())
        period.addWidget(QLabel(_("Period from"), self))
        period.addWidget(self.start)
        period.addWidget(QLabel(_("to"), self))
        period.addWidget(self.end)
        period.addSpacing(16)
        period.addWidget(QLabel(_("Hours by"), self))
        period.addWidget(self.group)
        period.addStretch(1)
        layout.addLayout(period)
        self.message = message_line(self, "citizenTimeMessage")
        layout.addWidget(self.message)
        split = QSplitter(Qt.Orientation.Vertical, self)
        top = QWidget(split)
        box = QVBoxLayout(top)
        box.setContentsMargins(0, 0, 0, 0)
        self.summary_model = SummaryModel(self)
        self.summary = table(top, self.summary_model, "summaryTable")
        self.summary.selectionModel().selectionChanged.connect(lambda *_a: self._selected())
        self.figures = QLabel(top)
        self.figures.setObjectName("summaryFigures")
        self.figures.setWordWrap(True)
        box.addWidget(self.summary, 1)
        box.addWidget(self.figures)
        self.details = QTabWidget(split)
        self.details.setObjectName("citizenTimeDetails")
        # the selected action: estimated savings and the chart
        page = QWidget(self.details)
        row = QHBoxLayout(page)
        savings_box = QVBoxLayout()
        self.savings = QTableWidget(page)
        self.savings.setObjectName("savingTable")
        self.saving_rows: list[T.SavingInfo] = []
        buttons = QHBoxLayout()
        add = QPushButton(_("Add a saving…"), page)
        add.clicked.connect(lambda: self.add_saving())
        self.remove_saving_button = QPushButton(_("Remove the saving"), page)
        self.remove_saving_button.clicked.connect(self.remove_saving)
        buttons.addWidget(add)
        buttons.addWidget(self.remove_saving_button)
        savings_box.addWidget(self.savings, 1)
        savings_box.addLayout(buttons)
        self.chart = CostBenefitChart(page)
        row.addLayout(savings_box, 2)
        row.addWidget(self.chart, 3)
        self.details.addTab(page, _("Costs and savings of the action"))
        # hours by mission, action or month
        page = QWidget(self.details)
        box = QVBoxLayout(page)
        self.hours_model = HoursModel(self)
        self.hours = table(page, self.hours_model, "hoursTable")
        box.addWidget(self.hours)
        self.details.addTab(page, _("Hours by mission, action or month"))
        split.addWidget(top)
        split.addWidget(self.details)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        layout.addWidget(split, 1)

    def period(self):
        return _date_of(self.start), _date_of(self.end)

    def reload(self, select: uuid.UUID | None = None) -> None:
        if self.process_id is None:
            return
        current = select or self.current_action_id()
        start, end = self.period()
        group = self.group.currentData()
        with self.store.session() as session:
            value = T.hourly_value(session)
            rows = T.hours_by(session, group=group, process_id=self.process_id, start=start,
                              end=end)  # fmt: skip
            summaries = T.action_summaries(session, process_id=self.process_id, start=start,
                                           end=end)  # fmt: skip
        if not self.hourly.hasFocus():
            self.hourly.setText(number(value.value, 2))
            self.hourly_source.setText(value.source or "")
        self.hours_model.set_group(group, rows)
        self.summary_model.set_rows(summaries)
        row = self.summary_model.row_of(current)
        if row < 0 and summaries:
            row = 0
        if row >= 0:
            self.summary.selectRow(row)
        self._selected()

    def current(self) -> T.CitizenTimeSummary | None:
        row = selected_row(self.summary)
        return self.summary_model.row_at(row) if row >= 0 else None

    def current_action_id(self) -> uuid.UUID | None:
        s = self.current()
        return s.id if s else None

    def _selected(self) -> None:
        s = self.current()
        self.chart.set_summary(s)
        self.saving_rows = list(s.savings) if s else []
        fill_table(
            self.savings,
            [_("Source"), _("Period"), _("Amount")],
            [[v.source, _period_text(v.period_start, v.period_end), euros(v.amount)]
             for v in self.saving_rows],
        )  # fmt: skip
        self.remove_saving_button.setEnabled(bool(self.saving_rows))
        if s is None:
            self.figures.setText(_("No mission on an action yet."))
            return
        parts = [
            ngettext(
                "{hours} hours by {n} volunteer", "{hours} hours by {n} volunteers", s.volunteers
            ).format(hours=number(s.hours), n=s.volunteers),
            ngettext("{n} person helped", "{n} people helped", s.people_helped).format(
                n=s.people_helped
            ),
            _("savings − costs: {balance}").format(balance=euros(s.balance)),
        ]
        if s.ratio is not None:
            parts.append(_("{ratio} € saved for each € spent").format(ratio=number(s.ratio, 2)))
        if s.time_value is not None:
            parts.append(
                _("citizen time worth {value} (at {hourly} an hour, {source}), not counted in "
                  "the balance").format(value=euros(s.time_value), hourly=euros(s.hourly_value),
                                        source=s.hourly_value_source)
            )  # fmt: skip
        self.figures.setText(" · ".join(parts))

    # ----------------------------------------------------------------- edits
    def save_hourly_value(self) -> T.HourlyValue | None:
        try:
            with self.store.session() as session:
                value = T.set_hourly_value(
                    session, self.hourly.text().strip() or None, self.hourly_source.text()
                )
        except AtelierError as exc:
            say(self.message, str(exc), ERROR_STYLE)
            return None
        say(self.message, _("The hourly value is saved."))
        self.hourly.clearFocus()
        self.reload()
        return value

    def add_saving(self) -> SavingDialog | None:
        if self.process_id is None:
            return None
        actions = action_choices(self.store, self.process_id)

        def submit(form: SavingDialog) -> None:
            action_id = form.action.currentData()
            if action_id is None:
                raise T.CodeliveryError(_("Choose the action the saving comes from."))
            with self.store.session() as session:
                T.add_saving(
                    session,
                    action_id,
                    form.amount.text(),
                    form.source.text(),
                    period_start=_date_of(form.start),
                    period_end=_date_of(form.end),
                    note=form.note.text(),
                )
            self.reload(action_id)
            self.area.changed(keep=self)

        dialog = SavingDialog(actions, self.current_action_id(), submit, self)
        return self.area.open_dialog(dialog)

    def remove_saving(self) -> None:
        if not self.saving_rows:
            return
        saving = self.saving_rows[max(0, self.savings.currentRow())]
        try:
            with self.store.session() as session:
                T.remove_saving(session, saving.id)
        except AtelierError as exc:
            self.area.refused(exc)
        self.reload()
        self.area.changed(keep=self)


def _period_text(start, end) -> str:
    if not start and not end:
        return ""
    return f"{day_text(start) or '…'} – {day_text(end) or '…'}"
