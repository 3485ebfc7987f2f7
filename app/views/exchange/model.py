"""The comparison as a transposed table: one column per process, one row per measure, with a
shaded row opening each section (participation, diversity, votes…)."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QColor, QFont

from app.facilitation import exchange_compare as X
from app.views.models.base import Index

SECTION_BACKGROUND = QColor("#eef1f4")
#: Measures the column headers already show.
HEADER_KEYS = ("organisation", "country", "title")


class ComparisonModel(QAbstractTableModel):
    """Rows are section titles (``Measure`` None) and measures; columns are processes."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.comparison: X.Comparison | None = None
        #: (section key, measure or None for the section's title row)
        self._rows: list[tuple[str, X.Measure | None]] = []

    def set_comparison(self, comparison: X.Comparison) -> None:
        self.beginResetModel()
        self.comparison = comparison
        self._rows = []
        section = None
        for m in comparison.measures():
            if m.key in HEADER_KEYS:  # the column headers say it
                continue
            if m.section != section:
                section = m.section
                self._rows.append((section, None))
            self._rows.append((section, m))
        self.endResetModel()

    def measure_at(self, row: int) -> X.Measure | None:
        return self._rows[row][1]

    def row_of(self, key: str) -> int:
        """The row of a measure (by key), -1 when absent."""
        return next((i for i, (_s, m) in enumerate(self._rows) if m and m.key == key), -1)

    def value(self, key: str, column: int) -> str | None:
        row = self.row_of(key)
        return None if row < 0 else self._rows[row][1].values[column]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid() or self.comparison is None:
            return 0
        return len(self.comparison.processes)

    def headerData(self, section: int, orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal:
            if self.comparison is None or section >= len(self.comparison.processes):
                return None
            p = self.comparison.processes[section]
            if role == Qt.ItemDataRole.DisplayRole:  # the organisation, then country · process
                second = " · ".join(x for x in (p.country, p.title) if x and x != p.label)
                return f"{p.label}\n{second}" if second else p.label
            if role == Qt.ItemDataRole.ToolTipRole:
                return p.title
            return None
        if section >= len(self._rows):
            return None
        key, measure = self._rows[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return X.section_label(key) if measure is None else measure.label
        if role == Qt.ItemDataRole.FontRole and measure is None:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.BackgroundRole and measure is None:
            return SECTION_BACKGROUND
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        _key, measure = self._rows[index.row()]
        if role == Qt.ItemDataRole.BackgroundRole and measure is None:
            return SECTION_BACKGROUND
        if measure is None:
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return measure.values[index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        return None
