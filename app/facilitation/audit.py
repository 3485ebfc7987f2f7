"""The hash-chained audit log: append an event, verify the chain.

Each event's hash is SHA-256 over the previous hash and the event's canonical content
(sequence number, time, kind, subject, payload as sorted-key JSON). Changing, removing or
reordering any past event breaks every later link, so a published result can be checked.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from app.models import AuditEvent, utcnow

GENESIS = "0" * 64
#: PostgreSQL advisory lock key held while appending to the chain ("AUDITLOG" in ASCII).
CHAIN_LOCK = 0x4155444954_4C4F47


def canonical_json(payload: dict) -> str:
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _digest(
    prev_hash: str, seq: int, at: datetime, kind: str, subject: uuid.UUID | None, payload: str
) -> str:
    content = "\n".join([prev_hash, str(seq), at.isoformat(), kind, str(subject or ""), payload])
    return hashlib.sha256(content.encode("utf-8")).hexdigest()


def append(
    session: Session, kind: str, payload: dict, subject_id: uuid.UUID | None = None
) -> AuditEvent:
    """Add an event at the end of the chain (the caller commits with its own change).

    On a shared (PostgreSQL) store, a transaction-scoped advisory lock makes writers take
    their turn from reading the chain's head to committing, so two laptops never pick the
    same next link (SQLite's single writer already serialises a workspace file)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": CHAIN_LOCK})
    last = session.execute(
        select(AuditEvent.seq, AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1)
    ).first()
    seq, prev = (last[0] + 1, last[1]) if last else (1, GENESIS)
    at = utcnow().replace(microsecond=0)
    body = canonical_json(payload)
    event = AuditEvent(
        seq=seq,
        occurred_at=at,
        kind=kind,
        subject_id=subject_id,
        payload=body,
        prev_hash=prev,
        hash=_digest(prev, seq, at, kind, subject_id, body),
    )
    session.add(event)
    session.flush()
    return event


@dataclass(frozen=True)
class ChainCheck:
    events: int
    ok: bool
    #: Sequence number of the first event whose link is broken, if any.
    broken_at: int | None = None


def verify(session: Session) -> ChainCheck:
    prev = GENESIS
    expected_seq = 1
    count = session.scalar(select(func.count()).select_from(AuditEvent)) or 0
    rows = session.execute(select(AuditEvent).order_by(AuditEvent.seq)).scalars()
    for event in rows:
        digest = _digest(
            prev, event.seq, event.occurred_at, event.kind, event.subject_id, event.payload
        )
        if event.seq != expected_seq or event.prev_hash != prev or event.hash != digest:
            return ChainCheck(events=count, ok=False, broken_at=event.seq)
        prev = event.hash
        expected_seq += 1
    return ChainCheck(events=count, ok=True)
