"""Qt table models for co-delivery: volunteers, missions, who is on a mission, the time-sheet
grid (editable: hours and a note per volunteer; rows with a problem shown in red), hours by
mission/action/month and the cost/benefit summary per action."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from app.facilitation import citizen_time as T
from app.facilitation import missions as M
from app.facilitation import volunteers as V
from app.i18n import N_, _
from app.locale_formats import format_euros
from app.views.models.base import Index, RowTableModel
from app.views.models.committees import day_text, number

RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
PROBLEM_BRUSH = QBrush(QColor("#fbe3e1"))
PROBLEM_TEXT = QBrush(QColor("#8a1c12"))
MUTED_TEXT = QBrush(QColor("#6b757c"))


def euros(value: float | None) -> str:
    """An amount in euros, rounded to the euro, with the language's separators."""
    return format_euros(value)


class _Rows(RowTableModel):
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


class VolunteersModel(_Rows):
    COLUMNS = (
        N_("Name"),
        N_("Skills"),
        N_("Available"),
        N_("Hours/week"),
        N_("Charter"),
        N_("Trainings"),
        N_("Missions"),
        N_("Hours given"),
    )
    NUMBERS = (3, 5, 6, 7)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        v: V.VolunteerInfo = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                name = f"{v.name} ({v.code})" if v.code else v.name
                return name if v.active else _("{name} — inactive").format(name=name)
            if column == 1:
                return ", ".join(v.skills)
            if column == 2:
                return ", ".join(V.day_label(d)[:3] for d in v.available_days)
            if column == 3:
                return number(v.hours_per_week)
            if column == 4:
                if not v.charter_signed_on:
                    return _("Not signed")
                version = f" ({v.charter_version})" if v.charter_version else ""
                return day_text(v.charter_signed_on) + version
            if column == 5:
                return str(v.trainings) if v.trainings else ""
            if column == 6:
                return str(v.missions) if v.missions else ""
            return number(v.hours)
        if role == Qt.ItemDataRole.TextAlignmentRole and column in self.NUMBERS:
            return RIGHT
        if role == Qt.ItemDataRole.ForegroundRole and not v.active:
            return MUTED_TEXT
        return None


class MissionsModel(_Rows):
    """Missions with their action; skills and description in the tooltip."""

    COLUMNS = (
        N_("Mission"),
        N_("Action"),
        N_("Place"),
        N_("Volunteers"),
        N_("From"),
        N_("To"),
        N_("Hours"),
    )

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        m: M.MissionInfo = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return m.title
            if column == 1:
                return m.action_title or _("No action")
            if column == 2:
                return m.place or ""
            if column == 3:
                if m.volunteers_wanted:
                    return _("{n} of {wanted}").format(n=m.volunteers, wanted=m.volunteers_wanted)
                return str(m.volunteers)
            if column == 4:
                return day_text(m.starts_on)
            if column == 5:
                return day_text(m.ends_on)
            return number(m.hours)
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (3, 6):
            return RIGHT
        if role == Qt.ItemDataRole.ForegroundRole and column == 3 and m.missing:
            return PROBLEM_TEXT
        if role == Qt.ItemDataRole.ToolTipRole:
            lines = [m.title]
            if m.skills:
                lines.append(_("Skills needed: {skills}").format(skills=", ".join(m.skills)))
            if m.description:
                lines.append(m.description)
            return "\n".join(lines)
        return None


class AssignmentsModel(_Rows):
    COLUMNS = (N_("Volunteer"), N_("Hours/week"), N_("Assigned or signed up"))

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        a: M.AssignmentInfo = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return (
                a.volunteer_name,
                number(a.hours_per_week),
                _("Signed up") if a.signed_up else _("Assigned"),
            )[index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == 1:
            return RIGHT
        return None


@dataclass
class SheetRow:
    """One line of the time-sheet grid: a volunteer, the hours typed and a note."""

    volunteer_id: uuid.UUID
    name: str
    assigned: bool
    hours: str = ""
    note: str = ""
    problem: str | None = None


class TimesheetModel(_Rows):
    """The grid: Volunteer (read-only), Hours and Note (typed)."""

    COLUMNS = (N_("Volunteer"), N_("Hours"), N_("Note"))
    NAME, HOURS, NOTE = range(3)

    def flags(self, index: Index) -> Qt.ItemFlag:
        flags = super().flags(index)
        if index.isValid() and index.column() != self.NAME:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        r: SheetRow = self._rows[index.row()]
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if column == self.NAME:
                return (
                    r.name if r.assigned else _("{name} (not on the mission)").format(name=r.name)
                )
            return r.hours if column == self.HOURS else r.note
        if role == Qt.ItemDataRole.BackgroundRole and r.problem:
            return PROBLEM_BRUSH
        if role == Qt.ItemDataRole.ForegroundRole and r.problem:
            return PROBLEM_TEXT
        if role == Qt.ItemDataRole.ToolTipRole and r.problem:
            return r.problem
        if role == Qt.ItemDataRole.TextAlignmentRole and column == self.HOURS:
            return RIGHT
        return None

    def setData(self, index: Index, value, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or role != Qt.ItemDataRole.EditRole:
            return False
        r: SheetRow = self._rows[index.row()]
        text = str(value or "").strip()
        if index.column() == self.HOURS:
            r.hours = text
        elif index.column() == self.NOTE:
            r.note = text
        else:
            return False
        r.problem = None
        left, right = self.index(index.row(), 0), self.index(index.row(), self.NOTE)
        self.dataChanged.emit(left, right)
        return True

    def add(self, row: SheetRow) -> int:
        self.beginInsertRows(QModelIndex(), len(self._rows), len(self._rows))
        self._rows.append(row)
        self.endInsertRows()
        return len(self._rows) - 1

    def mark(self, problems: dict[int, str]) -> None:
        """Show each row's problem (row → message); the others are cleared."""
        for n, r in enumerate(self._rows):
            r.problem = problems.get(n)
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, self.NOTE))

    def entries(self) -> list[tuple[uuid.UUID, str, str]]:
        return [(r.volunteer_id, r.hours, r.note) for r in self._rows]

    def clear_hours(self) -> None:
        for r in self._rows:
            r.hours, r.note, r.problem = "", "", None
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, self.NOTE))


class HoursModel(_Rows):
    COLUMNS = (N_("Mission"), N_("Hours"), N_("Lines"), N_("Volunteers"))
    HEADERS = {"mission": N_("Mission"), "action": N_("Action"), "month": N_("Month")}

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.group = "mission"

    def set_group(self, group: str, rows: list[T.HoursRow]) -> None:
        self.group = group
        self.set_rows(rows)
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, 0)

    def headerData(self, section: int, orientation, role: int = Qt.ItemDataRole.DisplayRole):
        horizontal = orientation == Qt.Orientation.Horizontal
        if horizontal and role == Qt.ItemDataRole.DisplayRole and section == 0:
            return _(self.HEADERS.get(self.group, self.COLUMNS[0]))
        return super().headerData(section, orientation, role)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        r: T.HoursRow = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return (r.label, number(r.hours), str(r.entries), str(r.volunteers))[index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() > 0:
            return RIGHT
        return None


class SummaryModel(_Rows):
    """One row per action: hours, their value, people helped, costs, savings, balance."""

    COLUMNS = (
        N_("Action"),
        N_("Missions"),
        N_("Hours"),
        N_("Time value"),
        N_("People"),
        N_("Costs"),
        N_("Savings"),
        N_("Balance"),
    )
    #: What each short header means, in its tooltip.
    HELP = (
        None,
        None,
        None,
        N_("Value of citizen time: hours × the reference hourly value (not in the balance)"),
        N_("People helped"),
        N_("Support costs"),
        N_("Estimated savings"),
        N_("Estimated savings − support costs"),
    )

    def headerData(self, section: int, orientation, role: int = Qt.ItemDataRole.DisplayRole):
        horizontal = orientation == Qt.Orientation.Horizontal
        if horizontal and role == Qt.ItemDataRole.ToolTipRole and self.HELP[section]:
            return _(self.HELP[section])
        return super().headerData(section, orientation, role)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        s: T.CitizenTimeSummary = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (
                s.title,
                str(s.missions),
                number(s.hours),
                euros(s.time_value),
                str(s.people_helped),
                euros(s.costs),
                euros(s.savings_total),
                euros(s.balance),
            )[column]
        if role == Qt.ItemDataRole.TextAlignmentRole and column > 0:
            return RIGHT
        if role == Qt.ItemDataRole.ForegroundRole and column == 7 and s.balance < 0:
            return PROBLEM_TEXT
        if role == Qt.ItemDataRole.ToolTipRole and column == 3 and s.hourly_value_source:
            return _("{value} an hour ({source})").format(
                value=euros(s.hourly_value), source=s.hourly_value_source
            )
        return None
