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
from app.views.committees.chart import nice_ticks
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
    """Support costs and estimated savings side by side; the value of citizen time apart,
    after a dashed separator (it is not money spent or saved)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("costBenefitChart")
        self.setMinimumSize(320, 200)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.summary: T.CitizenTimeSummary | None = None

    def sizeHint(self) -> QSize:
        return QSize(460, 260)

    def set_summary(self, summary: T.CitizenTimeSummary | None) -> None:
        self.summary = summary
        self.update()

    def _plot(self, width: int, height: int) -> QRectF:
        metrics = QFontMetrics(self.font())
        left = metrics.horizontalAdvance("000 000 €") + 14
        top = metrics.height() + 14
        bottom = metrics.height() * 2 + 16
        return QRectF(left, top, max(10, width - left - 16), max(10, height - top - bottom))

    def bars(self, width: int | None = None, height: int | None = None) -> list[Bar]:
        """The bars for a widget of this size (costs, savings, then the time value apart)."""
        if self.summary is None:
            return []
        plot = self._plot(width or self.width(), height or self.height())
        rows = self.summary.chart_rows()
        high = nice_ticks(0, max([v for _l, v in rows] + [1.0]))[-1]
        slots = len(rows) + (0.6 if len(rows) > 2 else 0)
        slot = plot.width() / slots
        result = []
        for n, (label, value) in enumerate(rows):
            apart = n >= 2
            x = plot.left() + slot * (n + (0.6 if apart else 0)) + slot * 0.18
            h = plot.height() * value / high
            colour = (COST, SAVING, TIME)[min(n, 2)]
            rect = QRectF(x, plot.bottom() - h, slot * 0.64, h)
            result.append(Bar(label, value, rect, colour, apart))
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
        bars = self.bars()
        title = QFont(self.font())
        title.setBold(True)
        painter.setFont(title)
        painter.setPen(QColor("#1f3a4d"))
        painter.drawText(
            QRectF(8, 4, self.width() - 16, metrics.height()),
            int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
            metrics.elidedText(self.summary.title, Qt.TextElideMode.ElideRight, self.width() - 16),
        )
        painter.setFont(self.font())
        high = nice_ticks(0, max([b.value for b in bars] + [1.0]))
        for value in high:
            y = plot.bottom() - plot.height() * value / high[-1]
            painter.setPen(QPen(GRID, 1))
            painter.drawLine(int(plot.left()), int(y), int(plot.right()), int(y))
            painter.setPen(QColor("#4a5a66"))
            painter.drawText(
                QRectF(0, y - metrics.height() / 2, plot.left() - 6, metrics.height()),
                int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
                euros(value),
            )
        for bar in bars:
            painter.fillRect(bar.rect, bar.colour)
            painter.setPen(QColor("#333333"))
            value_box = QRectF(bar.rect.left() - 20, bar.rect.top() - metrics.height() - 2,
                               bar.rect.width() + 40, metrics.height())  # fmt: skip
            painter.drawText(value_box, int(Qt.AlignmentFlag.AlignCenter), euros(bar.value))
            label_box = QRectF(bar.rect.left() - 30, plot.bottom() + 4,
                               bar.rect.width() + 60, metrics.height() * 2 + 4)  # fmt: skip
            painter.drawText(
                label_box,
                int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
                | int(Qt.TextFlag.TextWordWrap),
                bar.label,
            )
        apart = [b for b in bars if b.apart]
        if apart:
            x = apart[0].rect.left() - (apart[0].rect.left() - bars[1].rect.right()) / 2
            painter.setPen(QPen(QColor("#9aa3a9"), 1, Qt.PenStyle.DashLine))
            painter.drawLine(int(x), int(plot.top()), int(x), int(plot.bottom()))
        painter.setPen(QPen(QColor("#9aa3a9"), 1))
        painter.drawLine(int(plot.left()), int(plot.bottom()), int(plot.right()),
                         int(plot.bottom()))  # fmt: skip
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
        split = QSplitter(self)
        self.hours_model = HoursModel(self)
        self.hours = table(split, self.hours_model, "hoursTable")
        right = QWidget(split)
        box = QVBoxLayout(right)
        box.setContentsMargins(0, 0, 0, 0)
        self.summary_model = SummaryModel(self)
        self.summary = table(right, self.summary_model, "summaryTable")
        self.summary.selectionModel().selectionChanged.connect(lambda *_a: self._selected())
        self.chart = CostBenefitChart(right)
        lower = QHBoxLayout()
        savings_box = QVBoxLayout()
        self.savings = QTableWidget(right)
        self.savings.setObjectName("savingTable")
        self.saving_rows: list[T.SavingInfo] = []
        buttons = QHBoxLayout()
        add = QPushButton(_("Add a saving…"), right)
        add.clicked.connect(lambda: self.add_saving())
        self.remove_saving_button = QPushButton(_("Remove the saving"), right)
        self.remove_saving_button.clicked.connect(self.remove_saving)
        buttons.addWidget(add)
        buttons.addWidget(self.remove_saving_button)
        savings_box.addWidget(self.savings, 1)
        savings_box.addLayout(buttons)
        lower.addLayout(savings_box, 1)
        lower.addWidget(self.chart, 1)
        self.figures = QLabel(right)
        self.figures.setObjectName("summaryFigures")
        self.figures.setWordWrap(True)
        box.addWidget(self.summary, 2)
        box.addWidget(self.figures)
        box.addLayout(lower, 3)
        split.addWidget(self.hours)
        split.addWidget(right)
        split.setStretchFactor(0, 1)
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
