"""The hash-chained audit log."""

from __future__ import annotations

import uuid

from sqlalchemy import select, update

from app.facilitation import audit
from app.models import AuditEvent


def test_chain_verifies_and_detects_tampering(workspace) -> None:
    subject = uuid.uuid4()
    with workspace.transaction() as s:
        first = audit.append(s, "vote.opened", {"vote": "Place de l'Église"}, subject)
        audit.append(s, "vote.closed", {"ballots": 41, "hash": "ab" * 32}, subject)
        audit.append(s, "draw.done", {"seed": 12345, "selected": ["a", "b"]})
    assert first.seq == 1 and first.prev_hash == audit.GENESIS
    with workspace.session() as s:
        check = audit.verify(s)
    assert check.ok and check.events == 3

    with workspace.transaction() as s:
        s.execute(update(AuditEvent).where(AuditEvent.seq == 2).values(payload='{"ballots":42}'))
    with workspace.session() as s:
        check = audit.verify(s)
    assert not check.ok and check.broken_at == 2


def test_removing_an_event_breaks_the_chain(workspace) -> None:
    with workspace.transaction() as s:
        for n in range(4):
            audit.append(s, "test", {"n": n})
    with workspace.transaction() as s:
        s.delete(s.scalars(select(AuditEvent).where(AuditEvent.seq == 3)).one())
    with workspace.session() as s:
        assert audit.verify(s).broken_at == 4


def test_canonical_json_is_stable() -> None:
    assert audit.canonical_json({"b": 1, "a": "é"}) == '{"a":"é","b":1}'
