"""Qt table models for evaluation juries: the list, members, candidates, criteria, the scoring
grid of one member, and the ranking."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor

from app.facilitation import juries as J
from app.i18n import N_, _
from app.locale_formats import localise
from app.views.models.base import Index, RowTableModel

RECUSED_BRUSH = QBrush(QColor("#e4e4e4"))
RECUSED_TEXT = QBrush(QColor("#777777"))
TOTAL_BRUSH = QBrush(QColor("#f3f6fa"))
RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
CENTRE = int(Qt.AlignmentFlag.AlignCenter)


def number(value: float | None, digits: int = 2, *, fixed: bool = False) -> str:
    """A number as people write it in the current language (a decimal comma in French),
    without useless zeros unless ``fixed``; empty for None."""
    if value is None:
        return ""
    text = f"{value:.{digits}f}"
    if not fixed:
        text = text.rstrip("0").rstrip(".")
    text = "0" if text == "-0" else text
    return localise(text)


class _Rows(RowTableModel):
    #: (row object, column, new text)
    edited = Signal(object, int, str)
    EDITABLE: tuple[int, ...] = ()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.read_only = False

    def set_rows(self, rows: list) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int):
        return self._rows[row]

    def flags(self, index: Index) -> Qt.ItemFlag:
        flags = super().flags(index)
        if not self.read_only and index.column() in self.EDITABLE:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def setData(self, index: Index, value, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or role != Qt.ItemDataRole.EditRole:
            return False
        self.edited.emit(self._rows[index.row()], index.column(), str(value))
        return True

    def cell(self, row, column: int, role: int):  # pragma: no cover - overridden
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        return self.cell(self._rows[index.row()], index.column(), role)


class JuryListModel(_Rows):
    COLUMNS = (N_("Jury"), N_("Status"))

    def cell(self, info: J.JuryInfo, column: int, role: int):
        if role == Qt.ItemDataRole.DisplayRole:
            return (info.title, info.status_label)[column]
        if role == Qt.ItemDataRole.ToolTipRole:
            lines = [info.title, info.process_title, info.description or ""]
            return "\n".join(line for line in lines if line)
        return None


class MemberModel(_Rows):
    COLUMNS = (N_("Member"), N_("College"), N_("Registered participant"))
    EDITABLE = (0, 1)

    def cell(self, m: J.MemberInfo, column: int, role: int):
        if role == Qt.ItemDataRole.DisplayRole:
            linked = _("Yes") if m.participant_id else ""
            return (m.name, m.college_label, linked)[column]
        if role == Qt.ItemDataRole.EditRole:
            return (m.name, m.college, "")[column]
        return None


class CandidateModel(_Rows):
    COLUMNS = (N_("Candidate"), N_("Description"))
    EDITABLE = (0, 1)

    def cell(self, c: J.CandidateInfo, column: int, role: int):
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return (c.name, c.description or "")[column]
        return None


class CriterionModel(_Rows):
    COLUMNS = (N_("Criterion"), N_("Weight"), N_("Share of the total"))
    EDITABLE = (0, 1)

    def cell(self, c: J.CriterionInfo, column: int, role: int):
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if column == 0:
                return c.name
            if column == 1:
                return number(c.weight, 3)
            total = sum(r.weight for r in self._rows) or 1
            return f"{100 * c.weight / total:.0f} %"
        if role == Qt.ItemDataRole.TextAlignmentRole and column > 0:
            return RIGHT
        return None


class ScoreGridModel(QAbstractTableModel):
    """One member's scores: a row per candidate, a column per criterion, then the member's
    weighted total. Recused candidates are greyed and cannot be edited. ``saver`` records a
    typed value (or clears it for empty text) and returns an error message, or None."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.detail: J.JuryDetail | None = None
        self.member_id: uuid.UUID | None = None
        self.saver: Callable[[uuid.UUID, uuid.UUID, str], str | None] | None = None

    def set_member(self, detail: J.JuryDetail | None, member_id: uuid.UUID | None) -> None:
        self.beginResetModel()
        self.detail, self.member_id = detail, member_id
        self.endResetModel()

    def update_detail(self, detail: J.JuryDetail) -> None:
        """New scores for the same rows and columns: repaint without losing the current cell."""
        self.detail = detail
        if self.rowCount() and self.columnCount():
            self.dataChanged.emit(
                self.index(0, 0), self.index(self.rowCount() - 1, self.columnCount() - 1)
            )

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid() or self.detail is None or self.member_id is None:
            return 0
        return len(self.detail.candidates)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid() or self.detail is None or self.member_id is None:
            return 0
        return len(self.detail.criteria) + 1

    def is_total(self, column: int) -> bool:
        return self.detail is not None and column == len(self.detail.criteria)

    def candidate(self, row: int) -> J.CandidateInfo:
        return self.detail.candidates[row]

    def recusal(self, row: int) -> J.RecusalInfo | None:
        return self.detail.recused(self.member_id, self.detail.candidates[row].id)

    def score(self, row: int, column: int) -> float | None:
        key = (self.member_id, self.detail.candidates[row].id, self.detail.criteria[column].id)
        return self.detail.scores.get(key)

    def total(self, row: int) -> float | None:
        marks = [self.score(row, c) for c in range(len(self.detail.criteria))]
        if not marks or any(m is None for m in marks):
            return None
        return J.weighted_total(marks, [c.weight for c in self.detail.criteria])

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self.recusal(index.row()) is not None:
            return flags  # greyed, selectable (to withdraw the recusal), never edited
        if not self.is_total(index.column()) and self.detail.info.status != "decided":
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row, column = index.row(), index.column()
        recused = self.recusal(row)
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if recused is not None:
                return _("recused") if role == Qt.ItemDataRole.DisplayRole else ""
            value = self.total(row) if self.is_total(column) else self.score(row, column)
            return number(value)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return CENTRE
        if role == Qt.ItemDataRole.BackgroundRole:
            if recused is not None:
                return RECUSED_BRUSH
            return TOTAL_BRUSH if self.is_total(column) else None
        if role == Qt.ItemDataRole.ForegroundRole and recused is not None:
            return RECUSED_TEXT
        if role == Qt.ItemDataRole.ToolTipRole:
            if recused is not None:
                return _("Conflict of interest declared: {reason}").format(
                    reason=recused.reason or ""
                )
            if self.is_total(column):
                return _("Weighted total: Σ weight × score / Σ weights")
            info = self.detail.info
            return _("A score from {low} to {high}").format(low=info.scale_min, high=info.scale_max)
        return None

    def setData(self, index: Index, value, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or role != Qt.ItemDataRole.EditRole or self.saver is None:
            return False
        if not self.flags(index) & Qt.ItemFlag.ItemIsEditable:
            return False
        candidate = self.detail.candidates[index.row()].id
        criterion = self.detail.criteria[index.column()].id
        return self.saver(candidate, criterion, str(value)) is None

    def headerData(self, section: int, orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if self.detail is None or role not in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.ToolTipRole,
        ):
            return None
        if orientation == Qt.Orientation.Vertical:
            if section < len(self.detail.candidates):
                return self.detail.candidates[section].name
            return None
        if self.is_total(section):
            return _("Weighted total")
        if section < len(self.detail.criteria):
            c = self.detail.criteria[section]
            return _("{name} (×{weight})").format(name=c.name, weight=number(c.weight, 3))
        return None


class RankingModel(QAbstractTableModel):
    """The ranking: rank (ties marked =), candidate, weighted score, spread, members counted,
    then each member's weighted total."""

    COLUMNS = (N_("Rank"), N_("Candidate"), N_("Weighted score"), N_("Spread"),
               N_("Members counted"))  # fmt: skip

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.found: J.JuryResults | None = None

    def set_results(self, found: J.JuryResults | None) -> None:
        self.beginResetModel()
        self.found = found
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() or self.found is None else len(self.found.ranking)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid() or self.found is None:
            return 0
        return len(self.COLUMNS) + len(self.found.members)

    def headerData(self, section: int, orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        if section < len(self.COLUMNS):
            return _(self.COLUMNS[section])
        return self.found.members[section - len(self.COLUMNS)].name

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        r = self.found.ranking[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return "" if r.rank is None else f"{r.rank}{'=' if r.tied else ''}"
            if column < len(self.COLUMNS):
                return (
                    None,
                    r.name,
                    number(r.score, fixed=True),
                    number(r.spread, fixed=True),
                    str(r.counted),
                )[column]
            member = self.found.members[column - len(self.COLUMNS)]
            if member.id in r.recused:
                return _("recused")
            return number(r.totals.get(member.id), fixed=True)
        if role == Qt.ItemDataRole.TextAlignmentRole and column != 1:
            return RIGHT
        if role == Qt.ItemDataRole.ForegroundRole and column >= len(self.COLUMNS):
            member = self.found.members[column - len(self.COLUMNS)]
            return RECUSED_TEXT if member.id in r.recused else None
        if role == Qt.ItemDataRole.ToolTipRole and column == 0 and r.tied:
            return _("Tied with another candidate")
        return None
