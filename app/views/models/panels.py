"""Qt table models for citizen juries: the list of juries, the quota editor, and the seats of a
drawn jury (selected people and the reserve list)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont

from app.facilitation import panels as P
from app.i18n import N_, _
from app.locale_formats import conventions, localise
from app.views.models.base import Index, RowTableModel

RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
WARNING_BRUSH = QBrush(QColor("#fde2e1"))
MUTED_TEXT = QBrush(QColor("#777777"))
USED_BRUSH = QBrush(QColor("#eef5e8"))

STATUS_LABELS = {"draft": N_("Draft"), "drawn": N_("Drawn")}
ALGORITHM_LABELS = {"leximin": N_("LEXIMIN"), "legacy": N_("Legacy (greedy)")}


def percent(value: float | None, digits: int = 0) -> str:
    """``0.364`` → ``36.4 %`` (``36,4 %`` in French, no useless zero); empty for None."""
    if value is None:
        return ""
    text = f"{100 * value:.{digits}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    text = "0" if text == "-0" else text
    return localise(text) + conventions().percent + "%"


class PanelListModel(RowTableModel):
    """Rows: ``(PanelInfo, process title)``."""

    COLUMNS = (N_("Citizen jury"), N_("Process"), N_("Status"), N_("Seats"))

    def set_rows(self, rows: list[tuple[P.PanelInfo, str]]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def info_at(self, row: int) -> P.PanelInfo:
        return self._rows[row][0]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        info, process = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return info.title
            if column == 1:
                return process
            if column == 2:
                return _(STATUS_LABELS.get(info.status, info.status))
            return _("{size} of {pool}").format(size=info.size, pool=info.pool_size)
        if role == Qt.ItemDataRole.ToolTipRole:
            return _("{size} seats drawn from {pool} volunteers · {algorithm}").format(
                size=info.size,
                pool=info.pool_size,
                algorithm=_(ALGORITHM_LABELS.get(info.algorithm, info.algorithm)),
            )
        if role == Qt.ItemDataRole.TextAlignmentRole and column == 3:
            return RIGHT
        return None


class QuotaModel(RowTableModel):
    """One row per attribute value of the quota categories; Min and Max are edited in place.

    An edit that is not a whole number emits ``refused`` with a message and changes nothing;
    a whole number emits ``edited(row, minimum, maximum)`` for the page to save.
    """

    COLUMNS = (
        N_("Category"),
        N_("Value"),
        N_("In the pool"),
        N_("Population share"),
        N_("Min"),
        N_("Max"),
    )
    MIN, MAX = 4, 5
    edited = Signal(object, int, int)
    refused = Signal(str)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.read_only = False

    def set_rows(self, rows: list[P.QuotaRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def update_rows(self, rows: list[P.QuotaRow]) -> None:
        """New figures for the same values keep the table (and its editor) in place."""
        if [r.value_id for r in rows] != [r.value_id for r in self._rows]:
            self.set_rows(rows)
            return
        self._rows = list(rows)
        if rows:
            self.dataChanged.emit(
                self.index(0, 0), self.index(len(rows) - 1, len(self.COLUMNS) - 1)
            )

    def row_at(self, row: int) -> P.QuotaRow:
        return self._rows[row]

    def flags(self, index: Index) -> Qt.ItemFlag:
        flags = super().flags(index)
        if not self.read_only and index.column() in (self.MIN, self.MAX):
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def _first_of_category(self, row: int) -> bool:
        return row == 0 or self._rows[row - 1].category_id != self._rows[row].category_id

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        r: P.QuotaRow = self._rows[index.row()]
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if column == 0:
                if role == Qt.ItemDataRole.DisplayRole and not self._first_of_category(index.row()):
                    return ""
                return r.category
            values = (
                r.value,
                str(r.in_pool),
                percent(r.population_share, 1),
                str(r.minimum),
                str(r.maximum),
            )
            return values[column - 1]
        if role == Qt.ItemDataRole.TextAlignmentRole and column >= 2:
            return RIGHT
        if role == Qt.ItemDataRole.FontRole and column == 0:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.BackgroundRole and column == self.MIN and r.minimum > r.in_pool:
            return WARNING_BRUSH
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == self.MIN and r.minimum > r.in_pool:
                return _("The minimum is more than the {n} volunteers who have this value.").format(
                    n=r.in_pool
                )
            if column == 3 and r.target_share is not None:
                return _("Quota computed from this census share.")
            if column == 3 and r.population_share is None:
                return _("No census share: type it in Settings > Attributes.")
        return None

    def setData(self, index: Index, value, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or role != Qt.ItemDataRole.EditRole:
            return False
        if index.column() not in (self.MIN, self.MAX):
            return False
        r: P.QuotaRow = self._rows[index.row()]
        text = str(value).strip()
        try:
            typed = int(text)
        except ValueError:
            self.refused.emit(
                _("“{value}”: type a whole number of seats, not “{text}”.").format(
                    value=r.value, text=text
                )
            )
            return False
        if index.column() == self.MIN:
            self.edited.emit(r, typed, r.maximum)
        else:
            self.edited.emit(r, r.minimum, typed)
        return True


SEAT_STATUS = {
    ("selected", "active"): N_("Sitting"),
    ("selected", "declined"): N_("Declined"),
    ("alternate", "active"): N_("Waiting"),
    ("alternate", "used"): N_("Called to sit"),
}


class SeatModel(RowTableModel):
    """Seats of a drawn jury (the selected people, or the reserve list in order), with one
    column per quota category."""

    BASE = (N_("No."), N_("Code"), N_("Name"))
    TAIL = (N_("Probability"), N_("Status"))

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.categories: list[str] = []

    def set_rows(self, seats: list[P.Seat], categories: list[str]) -> None:
        self.beginResetModel()
        self._rows = list(seats)
        self.categories = list(categories)
        self.endResetModel()

    def seat_at(self, row: int) -> P.Seat:
        return self._rows[row]

    def columnCount(self, parent: Index | None = None) -> int:
        if parent is not None and parent.isValid():
            return 0
        return len(self.BASE) + len(self.categories) + len(self.TAIL)

    def headerData(self, section: int, orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        if section < len(self.BASE):
            return _(self.BASE[section])
        section -= len(self.BASE)
        if section < len(self.categories):
            return self.categories[section]
        return _(self.TAIL[section - len(self.categories)])

    def _status(self, s: P.Seat) -> str:
        text = _(SEAT_STATUS.get((s.kind, s.status), s.status))
        if s.replaces:
            text += " · " + _("replaces {code}").format(code=s.replaces)
        return text

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        s: P.Seat = self._rows[index.row()]
        column = index.column()
        n_base, n_cat = len(self.BASE), len(self.categories)
        if role == Qt.ItemDataRole.DisplayRole:
            if column < n_base:
                return (str(s.position + 1), s.code, s.name)[column]
            if column < n_base + n_cat:
                return s.features.get(self.categories[column - n_base], "")
            if column == n_base + n_cat:
                return percent(s.probability, 1)
            return self._status(s)
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (0, n_base + n_cat):
            return RIGHT
        if role == Qt.ItemDataRole.ForegroundRole and s.status == "declined":
            return MUTED_TEXT
        if role == Qt.ItemDataRole.BackgroundRole and s.status == "used":
            return USED_BRUSH
        if role == Qt.ItemDataRole.FontRole and s.status == "declined":
            font = QFont()
            font.setStrikeOut(True)
            return font
        return None
