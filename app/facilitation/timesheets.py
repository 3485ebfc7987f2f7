"""Time sheets: hours volunteers gave to missions, typed for a whole group after an activity or
imported from a CSV file.

Every sheet is all or nothing: nothing is saved while any line has a problem, and every
problem is listed (with its line number for a file). Hours are more than 0, and one person's
hours on one day, over every mission, are at most 24. A day outside the mission's span is
refused unless confirmed (``confirm_outside=True``).
"""

from __future__ import annotations

import csv
import io
import re
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from app.facilitation import audit
from app.facilitation.committees import _line
from app.facilitation.missions import _mission
from app.facilitation.volunteers import CodeliveryError, _volunteer
from app.i18n import _, ngettext
from app.models import Participant, utcnow
from app.models.codelivery import Mission, TimeEntry, VolunteerProfile
from app.models.text import fold

#: Most hours one person can give on one day, over every mission.
MAX_HOURS_PER_DAY = 24.0


@dataclass(frozen=True)
class TimesheetProblem:
    #: The row of the grid (0-based) or the line of the file (1 is the header).
    line: int | None
    message: str
    #: Only a confirmation is missing (the day is outside the mission's span).
    needs_confirmation: bool = False


class TimesheetError(CodeliveryError):
    """A time sheet was refused; nothing was saved. ``problems`` lists every problem."""

    def __init__(self, problems: list[TimesheetProblem], *, file: bool = False) -> None:
        self.problems = tuple(problems)
        lines = []
        for p in self.problems:
            if p.line is None:
                lines.append(p.message)
            elif file:
                lines.append(_("Line {n}: {message}").format(n=p.line, message=p.message))
            else:
                lines.append(_("Row {n}: {message}").format(n=p.line + 1, message=p.message))
        head = ngettext(
            "The time sheet was not saved ({n} problem):",
            "The time sheet was not saved ({n} problems):",
            len(lines),
        ).format(n=len(lines))
        super().__init__("\n".join([head, *lines]))

    @property
    def needs_confirmation(self) -> bool:
        """Saving would work once days outside the missions' spans are confirmed."""
        return bool(self.problems) and all(p.needs_confirmation for p in self.problems)


@dataclass(frozen=True)
class TimesheetResult:
    saved: int
    hours: float
    entry_ids: tuple[uuid.UUID, ...]
    #: Lines on a day outside their mission's span (saved because confirmed).
    outside_span: int = 0

    def message(self) -> str:
        return ngettext(
            "{n} line saved ({hours:g} hours).", "{n} lines saved ({hours:g} hours).", self.saved
        ).format(n=self.saved, hours=self.hours)


@dataclass(frozen=True)
class TimeEntryInfo:
    id: uuid.UUID
    mission_id: uuid.UUID
    mission_title: str
    volunteer_id: uuid.UUID | None
    volunteer_name: str
    worked_on: date
    hours: float
    note: str | None

    def as_dict(self) -> dict:
        return {
            "id": str(self.id),
            "mission_id": str(self.mission_id),
            "mission": self.mission_title,
            "volunteer_id": str(self.volunteer_id) if self.volunteer_id else None,
            "volunteer": self.volunteer_name,
            "date": self.worked_on.isoformat(),
            "hours": self.hours,
            "note": self.note,
        }


_HOURS_MINUTES = re.compile(r"^(\d+)\s*(?:h|:)\s*(\d{0,2})$", re.IGNORECASE)


def parse_hours(value) -> float:
    """Hours from a number or text: ``2.5``, ``2,5``, ``2h30``, ``2:30``, ``3h``."""
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int | float):
        result = float(value)
    else:
        text = str(value).strip().replace("\xa0", "").replace(" ", "")
        match = _HOURS_MINUTES.match(text)
        if match:
            minutes = int(match.group(2) or 0)
            if minutes >= 60:
                raise ValueError(value)
            result = int(match.group(1)) + minutes / 60
        else:
            result = float(text.replace(",", "."))
    if result != result or result in (float("inf"), float("-inf")):
        raise ValueError(value)
    return result


def parse_date(value) -> date:
    """A day from a date, ``2027-03-15`` or ``15/03/2027``."""
    if isinstance(value, date):
        return value
    text = str(value or "").strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y", "%d.%m.%Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(value)


# --------------------------------------------------------------------------- checking


@dataclass
class _Line:
    line: int | None
    mission: Mission | None
    profile: VolunteerProfile | None
    day: date | None
    hours: float | None
    note: str | None


def _check(
    session: Session, lines: list[_Line], problems: list[TimesheetProblem], confirm_outside: bool
) -> int:
    """Add the problems of the lines (hours, daily total, span, process, duplicates); returns
    how many lines are outside their mission's span."""
    outside = 0
    seen: dict[tuple, int | None] = {}
    for x in lines:  # hours are checked even on lines with another problem
        if x.hours is None or 0 < x.hours <= MAX_HOURS_PER_DAY:
            continue
        if x.profile is None:
            message = _("Hours must be more than 0 and at most 24.")
        elif x.hours <= 0:
            message = _("Hours must be more than 0 ({name}).").format(name=x.profile.name)
        else:
            message = _("{hours:g} hours for {name} on one day: at most 24.").format(
                hours=x.hours, name=x.profile.name
            )
        problems.append(TimesheetProblem(x.line, message))
    complete = [x for x in lines if x.mission and x.profile and x.day and x.hours is not None]
    for x in complete:
        if x.profile.process_id != x.mission.process_id:
            problems.append(
                TimesheetProblem(
                    x.line,
                    _("{name} volunteers for another process than “{mission}”.").format(
                        name=x.profile.name, mission=x.mission.title
                    ),
                )
            )
        key = (x.mission.id, x.profile.id, x.day)
        if key in seen:
            problems.append(
                TimesheetProblem(
                    x.line,
                    _("{name} appears twice for “{mission}” on {day}.").format(
                        name=x.profile.name, mission=x.mission.title, day=x.day.isoformat()
                    ),
                )
            )
        seen[key] = x.line
        starts, ends = x.mission.starts_on, x.mission.ends_on
        if (starts and x.day < starts) or (ends and x.day > ends):
            outside += 1
            if not confirm_outside:
                problems.append(
                    TimesheetProblem(
                        x.line,
                        _(
                            "{day} is outside the span of “{mission}” ({start} – {end}); "
                            "confirm to record it anyway."
                        ).format(
                            day=x.day.isoformat(),
                            mission=x.mission.title,
                            start=starts.isoformat() if starts else "…",
                            end=ends.isoformat() if ends else "…",
                        ),
                        needs_confirmation=True,
                    )
                )
    # One person's day, over every mission: what is already recorded plus this sheet.
    new: dict[tuple[uuid.UUID, date], float] = {}
    first: dict[tuple[uuid.UUID, date], _Line] = {}
    for x in complete:
        if x.hours > 0:
            k = (x.profile.id, x.day)
            new[k] = new.get(k, 0.0) + x.hours
            first.setdefault(k, x)
    if new:
        ids = {k[0] for k in new}
        days = {k[1] for k in new}
        before = {
            (r[0], r[1]): r[2]
            for r in session.execute(
                select(TimeEntry.volunteer_id, TimeEntry.worked_on, func.sum(TimeEntry.hours))
                .where(TimeEntry.volunteer_id.in_(ids), TimeEntry.worked_on.in_(days))
                .group_by(TimeEntry.volunteer_id, TimeEntry.worked_on)
            )
        }
        for k, hours in new.items():
            total = hours + (before.get(k) or 0.0)
            if total > MAX_HOURS_PER_DAY + 1e-9 and hours <= MAX_HOURS_PER_DAY:
                x = first[k]
                problems.append(
                    TimesheetProblem(
                        x.line,
                        _(
                            "{name} would have {total:g} hours on {day} over every mission: "
                            "at most 24."
                        ).format(name=x.profile.name, total=total, day=k[1].isoformat()),
                    )
                )
    return outside


def _save(session: Session, lines: list[_Line], kind: str, payload: dict) -> TimesheetResult:
    now = utcnow()
    rows = [
        {
            "id": uuid.uuid4(),
            "created_at": now,
            "updated_at": now,
            "mission_id": x.mission.id,
            "volunteer_id": x.profile.id,
            "volunteer_name": x.profile.name,
            "worked_on": x.day,
            "hours": x.hours,
            "note": x.note,
        }
        for x in lines
    ]
    if rows:
        session.execute(insert(TimeEntry.__table__), rows)
    hours = float(sum(x.hours for x in lines))
    audit.append(session, kind, {**payload, "lines": len(rows), "hours": hours})
    session.commit()
    return TimesheetResult(len(rows), hours, tuple(r["id"] for r in rows))


def record_group_timesheet(
    session: Session,
    mission_id: uuid.UUID,
    worked_on: date | None,
    rows,
    *,
    confirm_outside: bool = False,
) -> TimesheetResult:
    """Save the hours a group gave to a mission on one day: ``rows`` are
    ``(volunteer_id, hours, note)`` (rows with empty hours are skipped). All or nothing:
    raises :class:`TimesheetError` listing every problem (row numbers from 1)."""
    mission = _mission(session, mission_id)
    problems: list[TimesheetProblem] = []
    if worked_on is None:
        problems.append(TimesheetProblem(None, _("Give the day of the activity.")))
    rows = [tuple(r) + (None,) * (3 - len(tuple(r))) for r in rows]
    ids = {r[0] for r in rows if r[0] is not None}
    profiles = {
        p.id: p
        for p in session.scalars(select(VolunteerProfile).where(VolunteerProfile.id.in_(ids)))
    }
    lines: list[_Line] = []
    for n, (volunteer_id, hours, note) in enumerate(rows):
        if hours is None or (isinstance(hours, str) and not hours.strip()):
            continue
        profile = profiles.get(volunteer_id)
        if profile is None:
            problems.append(
                TimesheetProblem(
                    n,
                    _("Choose a volunteer.")
                    if volunteer_id is None
                    else _("This volunteer no longer exists."),
                )
            )
        try:
            value = parse_hours(hours)
        except ValueError:
            problems.append(
                TimesheetProblem(n, _("“{hours}” is not a number of hours.").format(hours=hours))
            )
            value = None
        lines.append(_Line(n, mission, profile, worked_on, value, (note or "").strip() or None))
    if not lines and not problems:
        problems.append(TimesheetProblem(None, _("No hours to save.")))
    outside = _check(session, lines, problems, confirm_outside)
    if problems:
        raise TimesheetError(sorted(problems, key=lambda p: -1 if p.line is None else p.line))
    result = _save(
        session,
        lines,
        "timesheet.recorded",
        {"mission": str(mission.id), "day": worked_on.isoformat()},
    )
    return TimesheetResult(result.saved, result.hours, result.entry_ids, outside)


# --------------------------------------------------------------------------- CSV import

#: Accepted headers (folded) → column.
_HEADERS = {
    "volunteer": "volunteer",
    "benevole": "volunteer",
    "volontaire": "volunteer",
    "code": "volunteer",
    "name": "volunteer",
    "nom": "volunteer",
    "mission": "mission",
    "date": "date",
    "day": "date",
    "jour": "date",
    "hours": "hours",
    "heures": "hours",
    "duree": "hours",
    "duration": "hours",
    "note": "note",
    "notes": "note",
    "commentaire": "note",
    "comment": "note",
    "remarque": "note",
}


def _read_table(path: Path) -> list[list[str]]:
    try:
        raw = Path(path).expanduser().read_bytes()
    except OSError as exc:
        raise CodeliveryError(
            _("“{path}” cannot be read: {reason}").format(path=path, reason=exc.strerror)
        ) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


def _volunteer_index(session: Session) -> dict[str, list[VolunteerProfile]]:
    """Participant code, id and folded name → profiles."""
    index: dict[str, list[VolunteerProfile]] = {}
    for profile, code in session.execute(
        select(VolunteerProfile, Participant.code).outerjoin(
            Participant, Participant.id == VolunteerProfile.participant_id
        )
    ):
        keys = {fold(profile.name), str(profile.id)}
        if code:
            keys.add(code.upper())
        for key in keys:
            index.setdefault(key, []).append(profile)
    return index


def import_timesheet_csv(
    session: Session, path: Path, *, confirm_outside: bool = False
) -> TimesheetResult:
    """Import hours from a CSV file with columns volunteer (code or name), mission (title or
    id), date, hours and an optional note (French or English headers; ``;`` or ``,``; UTF-8
    with or without BOM). All or nothing: raises :class:`TimesheetError` with line numbers."""
    table = _read_table(path)
    if not table:
        raise CodeliveryError(_("The file is empty."))
    columns = {}
    for i, head in enumerate(table[0]):
        key = _HEADERS.get(fold(head).strip())
        if key and key not in columns:
            columns[key] = i
    missing = [c for c in ("volunteer", "mission", "date", "hours") if c not in columns]
    if missing:
        raise CodeliveryError(
            _("Missing columns: {columns} (expected volunteer, mission, date, hours).").format(
                columns=", ".join(missing)
            )
        )
    volunteers = _volunteer_index(session)
    missions = list(session.scalars(select(Mission)))
    by_mission: dict[str, list[Mission]] = {}
    for m in missions:
        by_mission.setdefault(fold(m.title), []).append(m)
        by_mission.setdefault(str(m.id), []).append(m)
    problems: list[TimesheetProblem] = []
    lines: list[_Line] = []

    def cell(row: list[str], key: str) -> str:
        i = columns.get(key)
        return row[i].strip() if i is not None and i < len(row) else ""

    for n, row in enumerate(table[1:], start=2):
        if not any(c.strip() for c in row):
            continue
        who, what = cell(row, "volunteer"), cell(row, "mission")
        mission = None
        found = by_mission.get(what.lower() if _is_uuid(what) else fold(what), [])
        if not what:
            problems.append(TimesheetProblem(n, _("The mission is missing.")))
        elif not found:
            problems.append(TimesheetProblem(n, _("No mission matches “{ref}”.").format(ref=what)))
        elif len(found) > 1:
            problems.append(
                TimesheetProblem(
                    n, _("Several missions are called “{ref}”; give its id.").format(ref=what)
                )
            )
        else:
            mission = found[0]
        profile = None
        candidates = volunteers.get(who.upper(), []) or volunteers.get(fold(who), [])
        candidates = volunteers.get(who.lower(), candidates) if _is_uuid(who) else candidates
        if mission is not None and len(candidates) > 1:
            candidates = [p for p in candidates if p.process_id == mission.process_id]
        if not who:
            problems.append(TimesheetProblem(n, _("The volunteer is missing.")))
        elif not candidates:
            problems.append(TimesheetProblem(n, _("No volunteer matches “{ref}”.").format(ref=who)))
        elif len(candidates) > 1:
            problems.append(
                TimesheetProblem(
                    n, _("Several volunteers are called “{ref}”; give their code.").format(ref=who)
                )
            )
        else:
            profile = candidates[0]
        day = None
        try:
            day = parse_date(cell(row, "date"))
        except ValueError:
            problems.append(
                TimesheetProblem(
                    n,
                    _("“{value}” is not a date (2027-03-15 or 15/03/2027).").format(
                        value=cell(row, "date")
                    ),
                )
            )
        hours = None
        try:
            hours = parse_hours(cell(row, "hours"))
        except ValueError:
            problems.append(
                TimesheetProblem(
                    n, _("“{hours}” is not a number of hours.").format(hours=cell(row, "hours"))
                )
            )
        lines.append(_Line(n, mission, profile, day, hours, _line(cell(row, "note"))))
    if not lines and not problems:
        raise CodeliveryError(_("The file has no hours to import."))
    outside = _check(session, lines, problems, confirm_outside)
    if problems:
        raise TimesheetError(sorted(problems, key=lambda p: p.line or 0), file=True)
    result = _save(session, lines, "timesheet.imported", {"file": Path(path).name})
    return TimesheetResult(result.saved, result.hours, result.entry_ids, outside)


def _is_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True


# --------------------------------------------------------------------------- entries


def _entry(session: Session, entry_id: uuid.UUID) -> TimeEntry:
    entry = session.get(TimeEntry, entry_id)
    if entry is None:
        raise CodeliveryError(_("This line of hours no longer exists."))
    return entry


def _entry_info(session: Session, e: TimeEntry) -> TimeEntryInfo:
    title = session.scalar(select(Mission.title).where(Mission.id == e.mission_id))
    return TimeEntryInfo(
        e.id,
        e.mission_id,
        title or "",
        e.volunteer_id,
        e.volunteer_name,
        e.worked_on,
        e.hours,
        e.note,
    )


def time_entries(
    session: Session,
    *,
    mission_id: uuid.UUID | None = None,
    volunteer_id: uuid.UUID | None = None,
    process_id: uuid.UUID | None = None,
    start: date | None = None,
    end: date | None = None,
    limit: int | None = None,
) -> list[TimeEntryInfo]:
    """Lines of hours, newest day first (filtered)."""
    query = select(
        TimeEntry.id,
        TimeEntry.mission_id,
        Mission.title,
        TimeEntry.volunteer_id,
        TimeEntry.volunteer_name,
        TimeEntry.worked_on,
        TimeEntry.hours,
        TimeEntry.note,
    ).join(Mission, Mission.id == TimeEntry.mission_id)
    if mission_id is not None:
        query = query.where(TimeEntry.mission_id == mission_id)
    if volunteer_id is not None:
        query = query.where(TimeEntry.volunteer_id == volunteer_id)
    if process_id is not None:
        query = query.where(Mission.process_id == process_id)
    if start is not None:
        query = query.where(TimeEntry.worked_on >= start)
    if end is not None:
        query = query.where(TimeEntry.worked_on <= end)
    query = query.order_by(TimeEntry.worked_on.desc(), TimeEntry.volunteer_name)
    if limit is not None:
        query = query.limit(limit)
    return [TimeEntryInfo(*row) for row in session.execute(query)]


def update_time_entry(
    session: Session,
    entry_id: uuid.UUID,
    *,
    hours=None,
    worked_on: date | None = None,
    note: str | None = None,
    confirm_outside: bool = False,
) -> TimeEntryInfo:
    """Change the hours, day or note of one line (same checks as a time sheet)."""
    entry = _entry(session, entry_id)
    mission = _mission(session, entry.mission_id)
    new_hours = entry.hours
    problems: list[TimesheetProblem] = []
    if hours is not None:
        try:
            new_hours = parse_hours(hours)
        except ValueError:
            raise CodeliveryError(
                _("“{hours}” is not a number of hours.").format(hours=hours)
            ) from None
    day = worked_on or entry.worked_on
    if entry.volunteer_id is not None:
        profile = _volunteer(session, entry.volunteer_id)
        # Check against the other lines of that day (this one's hours left out).
        old = entry.hours
        entry.hours = 0.0
        session.flush()
        try:
            line = _Line(None, mission, profile, day, new_hours, None)
            _check(session, [line], problems, confirm_outside or day == entry.worked_on)
        finally:
            entry.hours = old
    elif new_hours <= 0 or new_hours > MAX_HOURS_PER_DAY:
        problems.append(TimesheetProblem(None, _("Hours must be more than 0 and at most 24.")))
    if problems:
        session.rollback()
        raise TimesheetError(problems)
    entry.hours, entry.worked_on = new_hours, day
    if note is not None:
        entry.note = note.strip() or None
    session.commit()
    return _entry_info(session, entry)


def delete_time_entry(session: Session, entry_id: uuid.UUID) -> TimeEntryInfo:
    entry = _entry(session, entry_id)
    info = _entry_info(session, entry)
    session.delete(entry)
    audit.append(
        session,
        "timesheet.line_deleted",
        {"mission": str(info.mission_id), "day": info.worked_on.isoformat(), "hours": info.hours},
    )
    session.commit()
    return info
