"""Horizontal bars painted with QPainter, one row per process: a figure (attendance rate,
diversity score) or stacked segments (actions done, late, still open). A process without the
figure shows "—" instead of a bar. The geometry is computed apart from the painting, so it can
be checked."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter
from PySide6.QtWidgets import QSizePolicy, QWidget

from app.views.committees.chart import GRID, LINE, OFF, TARGET

#: Colours of stacked segments, in order (done, late, open for actions).
DONE, LATE, OPEN = TARGET, OFF, QColor("#9cc3da")
TITLE = QColor("#1f3a4d")
MUTED = QColor("#5b6770")


@dataclass(frozen=True)
class Bar:
    label: str
    #: One figure, or stacked segments; empty when the process has no such figure.
    segments: tuple[float, ...]
    #: Written at the end of the bar ("52%", "3 / 1 / 2").
    text: str


@dataclass(frozen=True)
class BarGeometry:
    label: QRectF
    segments: tuple[QRectF, ...]
    text: QRectF


class ComparisonChart(QWidget):
    #: Height of a bar, in pixels.
    BAR = 14

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = title
        self.bars: list[Bar] = []
        self.maximum: float | None = None
        self.colours: list[QColor] = [LINE]
        self.legend: list[str] = []
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)
        self.setMinimumWidth(240)

    def set_bars(
        self,
        bars: list[Bar],
        *,
        maximum: float | None = None,
        colours: list[QColor] | None = None,
        legend: list[str] | None = None,
    ) -> None:
        """Show ``bars``; ``maximum`` fixes the scale (e.g. 1 for shares), else the largest."""
        self.bars = list(bars)
        self.maximum = maximum
        self.colours = list(colours or [LINE])
        self.legend = list(legend or [])
        self.setMinimumHeight(self.sizeHint().height())
        self.updateGeometry()
        self.update()

    def legend_places(self, width: int) -> list[tuple[float, float]]:
        """Where each legend entry starts (x, y), wrapped onto more lines when narrow."""
        metrics = QFontMetrics(self.font())
        line = metrics.height()
        x, y = 8.0, float(line + 8)
        places = []
        for name in self.legend:
            needed = 16 + metrics.horizontalAdvance(name)
            if x > 8 and x + needed > width - 4:
                x, y = 8.0, y + line + 2
            places.append((x, y))
            x += needed + 12
        return places

    def _top(self, width: int | None = None) -> int:
        line = QFontMetrics(self.font()).height()
        places = self.legend_places(width or self.width() or 320)
        legend = places[-1][1] - line - 8 + line + 6 if places else 0
        return int(line + 10 + legend)

    def row_height(self) -> int:
        """A row: the process's name on one line, its bar under it."""
        return QFontMetrics(self.font()).height() + self.BAR + 8

    def sizeHint(self) -> QSize:
        return QSize(320, self._top() + self.row_height() * max(1, len(self.bars)) + 4)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._top(width) + self.row_height() * max(1, len(self.bars)) + 4

    def resizeEvent(self, event) -> None:
        self.setMinimumHeight(self.heightForWidth(self.width()))
        super().resizeEvent(event)

    def geometry_for(self, width: int) -> list[BarGeometry]:
        metrics = QFontMetrics(self.font())
        line = metrics.height()
        text_width = max((metrics.horizontalAdvance(b.text) for b in self.bars), default=20) + 8
        left = 8.0
        span = max(10.0, width - left - text_width - 4)
        top_value = self.maximum or max((sum(b.segments) for b in self.bars), default=0) or 1
        found = []
        y = float(self._top(width))
        for bar in self.bars:
            bar_y = y + line + 1
            x = left
            rects = []
            for value in bar.segments:
                w = span * max(0.0, value) / top_value
                rects.append(QRectF(x, bar_y, w, self.BAR))
                x += w
            found.append(
                BarGeometry(
                    QRectF(left, y, width - left - 4, line),
                    tuple(rects),
                    QRectF(x + 4, bar_y - (line - self.BAR) / 2, text_width, line),
                )
            )
            y += self.row_height()
        return found

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor("white"))
        metrics = QFontMetrics(self.font())
        bold = QFont(self.font())
        bold.setBold(True)
        painter.setFont(bold)
        painter.setPen(TITLE)
        painter.drawText(
            QRectF(4, 4, self.width() - 8, metrics.height() + 2),
            int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
            QFontMetrics(bold).elidedText(self.title, Qt.TextElideMode.ElideRight,
                                          self.width() - 8),
        )  # fmt: skip
        painter.setFont(self.font())
        for (x, y), (n, name) in zip(
            self.legend_places(self.width()), enumerate(self.legend), strict=True
        ):
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(self.colours[n % len(self.colours)])
            painter.drawRect(QRectF(x, y + 3, 12, metrics.height() - 6))
            painter.setPen(QColor("#333333"))
            painter.drawText(QRectF(x + 16, y, self.width(), metrics.height()),
                             int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                             name)  # fmt: skip
        for bar, shape in zip(self.bars, self.geometry_for(self.width()), strict=True):
            painter.setPen(QColor("#333333"))
            painter.drawText(shape.label,
                             int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                             metrics.elidedText(bar.label, Qt.TextElideMode.ElideRight,
                                                int(shape.label.width())))  # fmt: skip
            painter.setPen(Qt.PenStyle.NoPen)
            if bar.segments:  # a thin track: how far the bar could go
                painter.setBrush(GRID)
                span = self.width() - 8 - shape.text.width() - 4
                painter.drawRect(QRectF(8, shape.text.center().y() - 0.5, max(span, 0), 1))
            for n, rect in enumerate(shape.segments):
                painter.setBrush(self.colours[n % len(self.colours)])
                painter.drawRect(rect)
            painter.setPen(QColor("#333333") if bar.segments else MUTED)
            painter.drawText(shape.text,
                             int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                             bar.text)  # fmt: skip
        painter.end()
