"""Qt table models for follow-up committees: members, meetings, decisions log, the action plan
(overdue rows stand out), an action's history, indicators and their measurements."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import QApplication, QStyle

from app.facilitation import actions as A
from app.facilitation import committees as C
from app.facilitation import indicators as I
from app.i18n import N_, _
from app.locale_formats import localise
from app.views import qt_i18n
from app.views.models.base import Index, RowTableModel
from app.views.models.sessions import decision_status, local_datetime

OVERDUE_BRUSH = QBrush(QColor("#fbe3e1"))
OVERDUE_TEXT = QBrush(QColor("#8a1c12"))
DONE_TEXT = QBrush(QColor("#5b6770"))
OFF_TRACK_BRUSH = QBrush(QColor("#fbe3e1"))
ON_TRACK_BRUSH = QBrush(QColor("#e2f1de"))
RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

_MINUTES = {
    "draft": N_("Draft"),
    "circulated": N_("Circulated"),
    "validated": N_("Validated"),
}


def day_text(day: date | None) -> str:
    """A date as people read it in the current language (empty for None)."""
    return qt_i18n.format_day(day)


def number(value: float | None, digits: int = 1) -> str:
    """A number without useless zeros, with a decimal comma in French."""
    if value is None:
        return ""
    text = f"{value:.{digits}f}".rstrip("0").rstrip(".")
    text = "0" if text == "-0" else text
    return localise(text)


def with_unit(value: float | None, unit: str | None) -> str:
    text = number(value)
    return f"{text}\u00a0{unit}" if text and unit else text


def minutes_label(code: str) -> str:
    return _(_MINUTES.get(code, code))


def _warning_icon():
    return QApplication.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)


class _Rows(RowTableModel):
    """Rows set at once (one reset per reload or filter)."""

    def set_rows(self, rows: list) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int):
        return self._rows[row]

    @property
    def rows(self) -> list:
        return list(self._rows)

    def row_of(self, row_id) -> int:
        for n, row in enumerate(self._rows):
            if getattr(row, "id", None) == row_id:
                return n
        return -1

    def cell(self, row, column: int, role: int):  # pragma: no cover - overridden
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        return self.cell(self._rows[index.row()], index.column(), role)


class MemberModel(_Rows):
    COLUMNS = (N_("Member"), N_("Role"), N_("Joined on"), N_("Left on"), N_("Taken from"))

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.today = date.today()

    def cell(self, m: C.MemberInfo, column: int, role: int):
        if role == Qt.ItemDataRole.DisplayRole:
            if m.participant_id:
                origin = _("Participant")
            elif m.organisation_id:
                origin = _("Organisation")
            else:
                origin = _("Name only")
            return (m.name, C.role_label(m.role), day_text(m.joined_on), day_text(m.left_on),
                    origin)[column]  # fmt: skip
        if role == Qt.ItemDataRole.ForegroundRole and not m.sitting_on(self.today):
            return DONE_TEXT
        return None


class MeetingModel(_Rows):
    COLUMNS = (N_("Meeting"), N_("Date"), N_("Place"), N_("Signed in"), N_("Minutes"))

    def cell(self, m: C.MeetingInfo, column: int, role: int):
        if role == Qt.ItemDataRole.DisplayRole:
            return (m.title, local_datetime(m.starts_at), m.place or "", str(m.attendance),
                    minutes_label(m.minutes_status))[column]  # fmt: skip
        if role == Qt.ItemDataRole.TextAlignmentRole and column == 3:
            return RIGHT
        return None


class DecisionLogModel(_Rows):
    COLUMNS = (N_("Date"), N_("Decision"), N_("Decided by"), N_("Status"), N_("Meeting"))

    def cell(self, d: C.LoggedDecision, column: int, role: int):
        if role == Qt.ItemDataRole.DisplayRole:
            return (day_text(d.decided_on), d.text, d.decided_by or "",
                    decision_status(d.status), d.meeting_title)[column]  # fmt: skip
        if role == Qt.ItemDataRole.ToolTipRole and column == 1:
            return d.text
        return None


def action_status_text(row: A.ActionRow) -> str:
    """The status, with "overdue" spelled out (never shown by colour alone)."""
    label = A.status_label(row.status)
    return _("{status} · overdue").format(status=label) if row.overdue else label


class ActionModel(_Rows):
    """The action plan: overdue rows are tinted, bold, carry a warning icon and say
    "overdue" in the status column."""

    COLUMNS = (N_("Action"), N_("Owner"), N_("Due date"), N_("Status"), N_("Progress"))

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._bold = QFont()
        self._bold.setBold(True)
        self._icon = None

    def cell(self, r: A.ActionRow, column: int, role: int):
        if role == Qt.ItemDataRole.DisplayRole:
            return (r.title, r.owner_name or "", day_text(r.due_on), action_status_text(r),
                    f"{r.progress}\u00a0%")[column]  # fmt: skip
        if role == Qt.ItemDataRole.BackgroundRole and r.overdue:
            return OVERDUE_BRUSH
        if role == Qt.ItemDataRole.ForegroundRole:
            if r.overdue:
                return OVERDUE_TEXT
            if r.status in A.CLOSED_STATUSES:
                return DONE_TEXT
        if role == Qt.ItemDataRole.FontRole and r.overdue:
            return self._bold
        if role == Qt.ItemDataRole.DecorationRole and column == 0 and r.overdue:
            if self._icon is None:
                self._icon = _warning_icon()
            return self._icon
        if role == Qt.ItemDataRole.TextAlignmentRole and column == 4:
            return RIGHT
        if role == Qt.ItemDataRole.ToolTipRole:
            if r.overdue:
                return _("Overdue: due on {day} and not done.").format(day=day_text(r.due_on))
            return r.title
        return None


def _change_value(field: str, value: str | None) -> str:
    if value is None:
        return ""
    if field == "status":
        return A.status_label(value)
    if field == "progress":
        return f"{value}\u00a0%"
    if field == "due_on":
        try:
            return day_text(date.fromisoformat(value))
        except ValueError:
            return value
    return value


class HistoryModel(_Rows):
    COLUMNS = (N_("When"), N_("Change"), N_("Before"), N_("After"), N_("By"))

    def cell(self, c: A.ChangeInfo, column: int, role: int):
        if role == Qt.ItemDataRole.DisplayRole:
            return (local_datetime(c.at), A.field_label(c.field), _change_value(c.field, c.old),
                    _change_value(c.field, c.new), c.author or "")[column]  # fmt: skip
        if role == Qt.ItemDataRole.ToolTipRole and column in (2, 3):
            return (c.old, c.new)[column - 2]
        return None


class IndicatorModel(_Rows):
    COLUMNS = (N_("Indicator"), N_("Latest"), N_("Target"), N_("Status"))

    def cell(self, i: I.IndicatorInfo, column: int, role: int):
        if role == Qt.ItemDataRole.DisplayRole:
            return (i.name, with_unit(i.latest_value, i.unit), with_unit(i.target, i.unit),
                    I.status_label(i.status))[column]  # fmt: skip
        if role == Qt.ItemDataRole.BackgroundRole and column == 3:
            if i.status == "off_track":
                return OFF_TRACK_BRUSH
            if i.status == "on_track":
                return ON_TRACK_BRUSH
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (1, 2):
            return RIGHT
        if role == Qt.ItemDataRole.ToolTipRole:
            return "\n".join(
                x for x in (i.name, I.direction_label(i.direction), I.source_label(i.source)) if x
            )
        return None


class MeasurementModel(_Rows):
    COLUMNS = (N_("Date"), N_("Value"), N_("Source"), N_("Note"))

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.unit: str | None = None

    def cell(self, m: I.MeasurementInfo, column: int, role: int):
        if role == Qt.ItemDataRole.DisplayRole:
            return (day_text(m.measured_on), with_unit(m.value, self.unit), m.source or "",
                    m.note or "")[column]  # fmt: skip
        if role == Qt.ItemDataRole.TextAlignmentRole and column == 1:
            return RIGHT
        return None
