"""An indicator over time, painted with QPainter: measurements as a line with dots, the target
as a dashed line, the baseline as a dotted one, dates along the bottom and the unit on the
left. The geometry is computed apart from the painting, so it can be checked."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from app.facilitation import indicators as I
from app.i18n import _
from app.views.models.committees import day_text, number

LINE = QColor("#2d5670")
TARGET = QColor("#2e7d32")
BASELINE = QColor("#8a8f94")
OFF = QColor("#b3261e")
GRID = QColor("#e3e1dc")


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round values from ``low`` to ``high`` (about ``count`` of them) for an axis."""
    if high <= low:
        high = low + 1
    raw = (high - low) / max(1, count)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    first = math.floor(low / step) * step
    ticks = []
    value = first
    while value <= high + step * 1e-9:
        ticks.append(round(value, 10))
        value += step
    return ticks


@dataclass(frozen=True)
class ChartGeometry:
    """Where everything goes in a widget of a given size."""

    plot: QRectF
    #: (date, value, point) per measurement, oldest first.
    points: list[tuple[date, float, QPointF]]
    target_y: float | None
    baseline_y: float | None
    #: (value, y) of the horizontal grid lines, (date, x) of the date labels.
    y_ticks: list[tuple[float, float]]
    x_ticks: list[tuple[date, float]]
    low: float
    high: float


class IndicatorChart(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("indicatorChart")
        self.setMinimumSize(360, 220)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.indicator: I.IndicatorInfo | None = None
        self.measurements: list[I.MeasurementInfo] = []

    def sizeHint(self) -> QSize:
        return QSize(560, 300)

    def set_indicator(
        self, indicator: I.IndicatorInfo | None, measurements: list[I.MeasurementInfo]
    ) -> None:
        self.indicator = indicator
        self.measurements = list(measurements)
        self.update()

    # ----------------------------------------------------------------- geometry
    def _margins(self, width: float) -> tuple[float, float, float, float]:
        metrics = QFontMetrics(self.font())
        left = metrics.horizontalAdvance("00000,0") + 16
        unit = self.indicator.unit if self.indicator else None
        if unit:
            left = max(left, metrics.horizontalAdvance(unit) + 16)
        rows = 1 + max((row for *_rest, row in self._legend(left, width)), default=0)
        top = metrics.height() * (1 + rows) + 12
        bottom = metrics.height() + 14
        return left, top, 24, bottom

    def _legend(self, left: float, width: float) -> list[tuple[str, str, float, int]]:
        """(kind, text, x, row) of each legend entry, on as many rows as the width needs."""
        info = self.indicator
        metrics = QFontMetrics(self.font())
        entries = [("measurements", _("Measurements"))]
        if info is not None and info.target is not None:
            entries.append(("target", _("Target")))
        if info is not None and info.baseline is not None:
            entries.append(("baseline", _("Baseline")))
        if info is not None and any(
            I.indicator_status(info.direction, info.target, m.value) == "off_track"
            for m in self.measurements
        ):
            entries.append(("off_track", I.status_label("off_track")))
        placed, x, row = [], left, 0
        for kind, text in entries:
            needed = (16 if kind == "off_track" else 28) + metrics.horizontalAdvance(text)
            if x > left and x + needed > width - 8:
                x, row = left, row + 1  # a longer language: the legend goes on
            placed.append((kind, text, x, row))
            x += needed + 12
        return placed

    def geometry_for(self, width: int, height: int) -> ChartGeometry:
        left, top, right, bottom = self._margins(width)
        plot = QRectF(left, top, max(10, width - left - right), max(10, height - top - bottom))
        info = self.indicator
        values = [m.value for m in self.measurements]
        if info is not None:
            values += [v for v in (info.target, info.baseline) if v is not None]
        low, high = (min(values), max(values)) if values else (0.0, 1.0)
        if low > 0 and low < high and low / high < 0.5:
            low = 0.0  # small positive counts read better from zero
        if high == low:
            low, high = low - 1, high + 1
        ticks = nice_ticks(low, high)
        low, high = min(low, ticks[0]), max(high, ticks[-1])

        def y_of(value: float) -> float:
            return plot.bottom() - (value - low) / (high - low) * plot.height()

        days = [m.measured_on for m in self.measurements]
        first, last = (min(days), max(days)) if days else (None, None)
        span = (last - first).days if days else 0

        def x_of(day: date) -> float:
            if not span:
                return plot.center().x()
            return plot.left() + (day - first).days / span * plot.width()

        points = [(m.measured_on, m.value, QPointF(x_of(m.measured_on), y_of(m.value)))
                  for m in self.measurements]  # fmt: skip
        x_ticks: list[tuple[date, float]] = []
        if days:
            label = QFontMetrics(self.font()).horizontalAdvance(day_text(first)) + 16
            room = max(1, min(6, int(plot.width() // label)))
            wanted = [first] if not span else [
                date.fromordinal(first.toordinal() + round(span * n / max(1, room - 1)))
                for n in range(room)
            ]  # fmt: skip
            seen = set()
            for day in wanted:
                if day not in seen:
                    seen.add(day)
                    x_ticks.append((day, x_of(day)))
        return ChartGeometry(
            plot=plot,
            points=points,
            target_y=y_of(info.target) if info and info.target is not None else None,
            baseline_y=y_of(info.baseline) if info and info.baseline is not None else None,
            y_ticks=[(v, y_of(v)) for v in ticks],
            x_ticks=x_ticks,
            low=low,
            high=high,
        )

    # ----------------------------------------------------------------- painting
    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor("white"))
        info = self.indicator
        metrics = QFontMetrics(self.font())
        if info is None:
            painter.setPen(BASELINE)
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, _("Choose an indicator."))
            return
        g = self.geometry_for(self.width(), self.height())
        title = QFont(self.font())
        title.setBold(True)
        painter.setFont(title)
        painter.setPen(QColor("#1f3a4d"))
        painter.drawText(QPointF(8, metrics.ascent() + 4), info.name)
        painter.setFont(self.font())
        # legend
        pens = {"measurements": (LINE, Qt.PenStyle.SolidLine),
                "target": (TARGET, Qt.PenStyle.DashLine),
                "baseline": (BASELINE, Qt.PenStyle.DotLine)}  # fmt: skip
        first_y = metrics.height() + metrics.ascent() + 8
        legend = self._legend(g.plot.left(), self.width())
        for kind, text, x, row in legend:
            y = first_y + row * metrics.height()
            if kind == "off_track":
                painter.setPen(QPen(QColor("white"), 1.5))
                painter.setBrush(OFF)
                painter.drawEllipse(QPointF(x + 6, y - metrics.ascent() / 3), 4, 4)
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.setPen(QColor("#333333"))
                painter.drawText(QPointF(x + 16, y), text)
                continue
            colour, style = pens[kind]
            painter.setPen(QPen(colour, 2, style))
            painter.drawLine(
                QPointF(x, y - metrics.ascent() / 3), QPointF(x + 22, y - metrics.ascent() / 3)
            )
            painter.setPen(QColor("#333333"))
            painter.drawText(QPointF(x + 28, y), text)
        y = first_y + max(row for *_rest, row in legend) * metrics.height()  # the last row
        if info.unit:  # the value axis's unit, above its labels
            painter.setPen(QColor("#4a5a66"))
            painter.drawText(
                QRectF(0, y - metrics.ascent(), g.plot.left() - 6, metrics.height()),
                int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop),
                info.unit,
            )
        # grid and value axis
        for value, ty in g.y_ticks:
            painter.setPen(QPen(GRID, 1))
            painter.drawLine(QPointF(g.plot.left(), ty), QPointF(g.plot.right(), ty))
            painter.setPen(QColor("#4a5a66"))
            text = number(value, 2)
            painter.drawText(
                QRectF(0, ty - metrics.height() / 2, g.plot.left() - 6, metrics.height()),
                int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
                text,
            )
        painter.setPen(QPen(QColor("#9aa3a9"), 1))
        painter.drawLine(g.plot.bottomLeft(), g.plot.bottomRight())
        painter.drawLine(g.plot.bottomLeft(), g.plot.topLeft())
        # dates
        painter.setPen(QColor("#4a5a66"))
        for n, (day, tx) in enumerate(g.x_ticks):
            text = day_text(day)
            w = metrics.horizontalAdvance(text)
            left = tx - w / 2
            if n == 0:
                left = max(left, g.plot.left() - 10)
            if n == len(g.x_ticks) - 1 and n:
                left = min(left, self.width() - w - 4)
            painter.drawLine(QPointF(tx, g.plot.bottom()), QPointF(tx, g.plot.bottom() + 4))
            painter.drawText(QPointF(left, g.plot.bottom() + 6 + metrics.ascent()), text)
        # target and baseline
        for ty, colour, style in ((g.baseline_y, BASELINE, Qt.PenStyle.DotLine),
                                  (g.target_y, TARGET, Qt.PenStyle.DashLine)):  # fmt: skip
            if ty is not None:
                painter.setPen(QPen(colour, 2, style))
                painter.drawLine(QPointF(g.plot.left(), ty), QPointF(g.plot.right(), ty))
        # measurements
        if not g.points:
            painter.setPen(BASELINE)
            painter.drawText(g.plot, Qt.AlignmentFlag.AlignCenter, _("No measurement yet."))
            return
        path = QPainterPath(g.points[0][2])
        for _day, _value, point in g.points[1:]:
            path.lineTo(point)
        painter.setPen(QPen(LINE, 2))
        painter.drawPath(path)
        dots = len(g.points) <= 120
        for _day, value, point in g.points if dots else g.points[-1:]:
            status = I.indicator_status(info.direction, info.target, value)
            colour = OFF if status == "off_track" else LINE
            painter.setPen(QPen(QColor("white"), 1.5))
            painter.setBrush(colour)
            painter.drawEllipse(point, 4, 4)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.end()
