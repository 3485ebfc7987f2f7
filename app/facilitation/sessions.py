"""Processes (démarches) and their sessions (ateliers), as the overview shows them."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import Attendance, Process, Registration
from app.models import Session as WorkshopSession


@dataclass(frozen=True)
class SessionSummary:
    id: uuid.UUID
    title: str
    starts_at: datetime
    place: str | None
    attendance: int
    minutes_status: str


@dataclass(frozen=True)
class ProcessSummary:
    id: uuid.UUID
    title: str
    phase: str
    registered: int
    sessions: list[SessionSummary] = field(default_factory=list)


def process_overview(session: Session) -> list[ProcessSummary]:
    """Every process with its sessions in date order and the attendance of each."""
    attendance = dict(
        session.execute(
            select(Attendance.session_id, func.count()).group_by(Attendance.session_id)
        ).all()
    )
    registered = dict(
        session.execute(
            select(Registration.process_id, func.count()).group_by(Registration.process_id)
        ).all()
    )
    by_process: dict[uuid.UUID, list[SessionSummary]] = {}
    for s in session.execute(select(WorkshopSession).order_by(WorkshopSession.starts_at)).scalars():
        by_process.setdefault(s.process_id, []).append(
            SessionSummary(
                id=s.id,
                title=s.title,
                starts_at=s.starts_at,
                place=s.place,
                attendance=attendance.get(s.id, 0),
                minutes_status=s.minutes_status,
            )
        )
    processes = session.execute(
        select(Process).order_by(Process.started_on.desc(), Process.title)
    ).scalars()
    return [
        ProcessSummary(
            id=p.id,
            title=p.title,
            phase=p.phase,
            registered=registered.get(p.id, 0),
            sessions=by_process.get(p.id, []),
        )
        for p in processes
    ]
