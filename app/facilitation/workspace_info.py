"""What is in a workspace: schema version, rows per table, integrity."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select, text

from app.facilitation import audit
from app.models import Base, WorkspaceMeta
from app.store import Store


@dataclass
class WorkspaceInfo:
    location: str
    dialect: str
    revision: str | None
    app_version_created: str | None
    app_version_last: str | None
    counts: dict[str, int] = field(default_factory=dict)
    integrity: list[str] = field(default_factory=list)
    audit_events: int = 0
    audit_ok: bool = True

    @property
    def ok(self) -> bool:
        return self.integrity == ["ok"] and self.audit_ok

    def as_dict(self) -> dict:
        return {
            "location": self.location,
            "dialect": self.dialect,
            "schema_revision": self.revision,
            "app_version_created": self.app_version_created,
            "app_version_last": self.app_version_last,
            "counts": self.counts,
            "integrity": self.integrity,
            "audit": {"events": self.audit_events, "chain_ok": self.audit_ok},
            "ok": self.ok,
        }


def workspace_info(store: Store) -> WorkspaceInfo:
    """Count every table and check the file's integrity and the audit chain."""
    with store.session() as session:
        meta = dict(session.execute(select(WorkspaceMeta.key, WorkspaceMeta.value)).all())
        counts = {
            table.name: session.scalar(select(func.count()).select_from(table)) or 0
            for table in Base.metadata.sorted_tables
            if table.name != WorkspaceMeta.__tablename__
        }
        if store.dialect == "sqlite":
            integrity = [row[0] for row in session.execute(text("PRAGMA integrity_check"))]
            broken_keys = session.execute(text("PRAGMA foreign_key_check")).all()
            if broken_keys:
                integrity.append(f"foreign keys: {len(broken_keys)}")
                if integrity[0] == "ok":
                    integrity.pop(0)
        else:
            integrity = ["ok"]
        chain = audit.verify(session)
    return WorkspaceInfo(
        location=store.location,
        dialect=store.dialect,
        revision=store.revision(),
        app_version_created=meta.get("app_version_created"),
        app_version_last=meta.get("app_version_last"),
        counts=dict(sorted(counts.items())),
        integrity=integrity,
        audit_events=chain.events,
        audit_ok=chain.ok,
    )
