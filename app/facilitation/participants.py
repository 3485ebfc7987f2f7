"""The participant registry, read in pages so 100,000 people stay fluid."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from app.models import Participant
from app.models.text import fold


@dataclass(frozen=True)
class ParticipantRow:
    id: uuid.UUID
    last_name: str
    first_name: str
    stakeholder_type: str
    email: str | None
    phone: str | None


#: Columns a list can be sorted by, in display order.
SORT_COLUMNS = ("last_name", "first_name", "stakeholder_type", "email", "phone")


def _filtered(query: Select, search: str) -> Select:
    query = query.where(Participant.erased_at.is_(None))
    for word in fold(search).split():  # each word must match (name, email or phone)
        escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(Participant.search_text.like(f"%{escaped}%", escape="\\"))
    return query


def count_participants(session: Session, search: str = "") -> int:
    return session.scalar(_filtered(select(func.count(Participant.id)), search)) or 0


def participant_page(
    session: Session,
    offset: int,
    limit: int,
    search: str = "",
    sort: str = "last_name",
    descending: bool = False,
) -> list[ParticipantRow]:
    """One page of the registry, sorted in SQL (only ``limit`` rows are loaded)."""
    sort = sort if sort in SORT_COLUMNS else "last_name"
    column = Participant.sort_key if sort == "last_name" else getattr(Participant, sort)
    if session.get_bind().dialect.name == "postgresql":
        column = column.collate("C")  # the same order as a workspace file, whatever the server
    order = (column.desc() if descending else column.asc()).nulls_last()
    query = _filtered(
        select(
            Participant.id,
            Participant.last_name,
            Participant.first_name,
            Participant.stakeholder_type,
            Participant.email,
            Participant.phone,
        ),
        search,
    )
    query = query.order_by(order, Participant.id).offset(offset).limit(limit)
    return [ParticipantRow(*row) for row in session.execute(query).all()]
