"""The append-only, hash-chained audit log (draws, vote openings/closings, results)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Integer, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Entity, UTCDateTime


class AuditEvent(Entity):
    __tablename__ = "audit_event"

    #: Position in the chain, 1, 2, 3… (unique, so two writers cannot fork the chain).
    seq: Mapped[int] = mapped_column(Integer, unique=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    kind: Mapped[str] = mapped_column(String(60), index=True)
    subject_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    #: Canonical JSON (sorted keys) of what happened.
    payload: Mapped[str] = mapped_column(Text, default="{}")
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
