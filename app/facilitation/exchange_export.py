"""Export one process to a workshop bundle (see :mod:`app.facilitation.exchange`)."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import secrets
import tempfile
import uuid
import zipfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import Date, String, Uuid, func, select, type_coerce, union
from sqlalchemy.orm import Session

from app import __version__
from app.errors import Cancelled
from app.facilitation import audit
from app.facilitation.consent import consent_ends
from app.facilitation.exchange import (
    AUDIT_MEMBER,
    CONSENT_PURPOSE,
    FORMAT,
    FORMAT_VERSION,
    MANIFEST,
    MASK,
    PERSONAL,
    SYNC_MEMBER,
    TABLES,
    BundleError,
    digest,
    encode,
    exported_columns,
    load_sync,
    member_name,
    record_key,
    table,
)
from app.i18n import _, ngettext
from app.jobs import CancelToken, Progress, no_progress
from app.models import (
    SCHEMA_HEAD,
    Action,
    Attendance,
    AuditEvent,
    Ballot,
    Committee,
    CommitteeMember,
    ConsentPurpose,
    ConsentRecord,
    EvaluationJury,
    JuryMember,
    Organisation,
    Panel,
    PanelPoolMember,
    PanelQuota,
    PanelSeat,
    Participant,
    ParticipantAttribute,
    Process,
    Registration,
    VolunteerProfile,
    Vote,
)
from app.models import Session as WorkshopSession
from app.models.base import UTCDateTime
from app.models.participant import CONSENT_PURPOSES

M = {t: table(t) for t in TABLES}


@dataclass(frozen=True)
class SharingSummary:
    """Who travels with their personal data, and who as a pseudonymous code."""

    shared: int
    pseudonymised: int

    def message(self) -> str:
        return _sharing_message(self.shared, self.pseudonymised)


def _sharing_message(shared: int, pseudonymised: int) -> str:
    if not pseudonymised:
        return ngettext(
            "{n} person consented to sharing with partners: their data travel as they are.",
            "All {n} people consented to sharing with partners: their data travel as they are.",
            shared,
        ).format(n=shared)
    return (
        ngettext(
            "{n} person is pseudonymised: without a current consent to sharing with partners, "
            "they travel as their badge code, with no name, contact details, address, birth "
            "year or notes (counts, attendance and quotas stay exact).",
            "{n} people are pseudonymised: without a current consent to sharing with partners, "
            "they travel as their badge code, with no name, contact details, address, birth "
            "year or notes (counts, attendance and quotas stay exact).",
            pseudonymised,
        ).format(n=pseudonymised)
        + " "
        + ngettext("{n} person shares their data.", "{n} people share their data.", shared).format(
            n=shared
        )
    )


@dataclass(frozen=True)
class ExportResult:
    path: Path
    sha256: str
    rows: dict[str, int]
    shared: int
    pseudonymised: int
    size: int = 0
    audit_events: int = 0
    extra: dict = field(default_factory=dict)

    def message(self) -> str:
        return _sharing_message(self.shared, self.pseudonymised)

    def as_dict(self) -> dict:
        return {
            "path": str(self.path),
            "sha256": self.sha256,
            "size": self.size,
            "rows": self.rows,
            "shared": self.shared,
            "pseudonymised": self.pseudonymised,
            "origin_audit_events": self.audit_events,
            "message": self.message(),
        }


# --------------------------------------------------------------------------- selection


def _people(process_id: uuid.UUID):
    sessions = select(WorkshopSession.id).where(WorkshopSession.process_id == process_id)
    votes = select(Vote.id).where(Vote.session_id.in_(sessions))
    panels = select(Panel.id).where(Panel.process_id == process_id)
    juries = select(EvaluationJury.id).where(EvaluationJury.process_id == process_id)
    committees = select(Committee.id).where(Committee.process_id == process_id)
    return union(
        select(Registration.participant_id).where(Registration.process_id == process_id),
        select(Attendance.participant_id).where(Attendance.session_id.in_(sessions)),
        select(Ballot.participant_id).where(Ballot.vote_id.in_(votes)),
        select(PanelPoolMember.participant_id).where(PanelPoolMember.panel_id.in_(panels)),
        select(PanelSeat.participant_id).where(PanelSeat.panel_id.in_(panels)),
        select(JuryMember.participant_id).where(JuryMember.jury_id.in_(juries)),
        select(CommitteeMember.participant_id).where(CommitteeMember.committee_id.in_(committees)),
        select(VolunteerProfile.participant_id).where(VolunteerProfile.process_id == process_id),
    )


def _filters(process_id: uuid.UUID) -> dict[str, object]:
    """For each table, the WHERE clause choosing the rows that belong to the process."""
    P = process_id
    c = {name: M[name].c for name in TABLES}
    sessions = select(c["session"].id).where(c["session"].process_id == P)
    committees = select(c["committee"].id).where(c["committee"].process_id == P)
    votes = select(c["vote"].id).where(c["vote"].session_id.in_(sessions))
    panels = select(c["panel"].id).where(c["panel"].process_id == P)
    juries = select(c["evaluation_jury"].id).where(c["evaluation_jury"].process_id == P)
    jury_members = select(c["jury_member"].id).where(c["jury_member"].jury_id.in_(juries))
    actions = select(c["action"].id).where(c["action"].committee_id.in_(committees))
    indicators = select(c["indicator"].id).where(c["indicator"].committee_id.in_(committees))
    volunteers = select(c["volunteer_profile"].id).where(c["volunteer_profile"].process_id == P)
    missions = select(c["mission"].id).where(c["mission"].process_id == P)
    people = select(_people(P).subquery().c[0])
    pa = ParticipantAttribute
    categories = union(
        select(pa.category_id).where(pa.participant_id.in_(people)),
        select(PanelQuota.category_id).where(PanelQuota.panel_id.in_(panels)),
    )
    values = union(
        select(pa.value_id).where(pa.participant_id.in_(people)),
        select(PanelQuota.value_id).where(PanelQuota.panel_id.in_(panels)),
    )
    organisations = union(
        select(Process.organisation_id).where(Process.id == P),
        select(Participant.organisation_id).where(Participant.id.in_(people)),
        select(CommitteeMember.organisation_id).where(CommitteeMember.committee_id.in_(committees)),
        select(Action.owner_organisation_id).where(Action.committee_id.in_(committees)),
    )
    return {
        "organisation": c["organisation"].id.in_(select(organisations.subquery().c[0])),
        "attribute_category": c["attribute_category"].id.in_(select(categories.subquery().c[0])),
        "attribute_value": c["attribute_value"].id.in_(select(values.subquery().c[0])),
        "participant": c["participant"].id.in_(people),
        "participant_attribute": c["participant_attribute"].participant_id.in_(people),
        "consent_record": (c["consent_record"].participant_id.in_(people))
        & (c["consent_record"].purpose == CONSENT_PURPOSE),
        "process": c["process"].id == P,
        "committee": c["committee"].process_id == P,
        "session": c["session"].process_id == P,
        "registration": c["registration"].process_id == P,
        "attendance": c["attendance"].session_id.in_(sessions),
        "agenda_item": c["agenda_item"].session_id.in_(sessions),
        "decision": c["decision"].session_id.in_(sessions),
        "vote": c["vote"].session_id.in_(sessions),
        "vote_option": c["vote_option"].vote_id.in_(votes),
        "ballot": c["ballot"].vote_id.in_(votes),
        "panel": c["panel"].process_id == P,
        "panel_quota": c["panel_quota"].panel_id.in_(panels),
        "panel_pool_member": c["panel_pool_member"].panel_id.in_(panels),
        "panel_seat": c["panel_seat"].panel_id.in_(panels),
        "evaluation_jury": c["evaluation_jury"].process_id == P,
        "jury_member": c["jury_member"].jury_id.in_(juries),
        "jury_candidate": c["jury_candidate"].jury_id.in_(juries),
        "jury_criterion": c["jury_criterion"].jury_id.in_(juries),
        "jury_score": c["jury_score"].member_id.in_(jury_members),
        "jury_recusal": c["jury_recusal"].member_id.in_(jury_members),
        "committee_member": c["committee_member"].committee_id.in_(committees),
        "action": c["action"].committee_id.in_(committees),
        "action_change": c["action_change"].action_id.in_(actions),
        "indicator": c["indicator"].committee_id.in_(committees),
        "measurement": c["measurement"].indicator_id.in_(indicators),
        "volunteer_profile": c["volunteer_profile"].process_id == P,
        "training": c["training"].volunteer_id.in_(volunteers),
        "mission": c["mission"].process_id == P,
        "mission_assignment": c["mission_assignment"].mission_id.in_(missions),
        "time_entry": c["time_entry"].mission_id.in_(missions),
        "people_helped": c["people_helped"].mission_id.in_(missions),
        "support_cost": c["support_cost"].mission_id.in_(missions),
        "estimated_saving": c["estimated_saving"].action_id.in_(actions),
    }


# --------------------------------------------------------------------------- consent


def sharing_consents(session: Session, people, today: date | None = None) -> set[uuid.UUID]:
    """Who among ``people`` (ids, or a select of ids) has a current partner-sharing consent.

    Current: given on or before today, not withdrawn (or withdrawn later), and within the
    purpose's retention period counted from the later of the consent and the last attendance
    (the rule of :mod:`app.facilitation.consent`).
    """
    today = today or date.today()
    months = session.scalar(
        select(ConsentPurpose.retention_months).where(ConsentPurpose.code == CONSENT_PURPOSE)
    )
    if months is None and not session.scalar(
        select(func.count())
        .select_from(ConsentPurpose)
        .where(ConsentPurpose.code == CONSENT_PURPOSE)
    ):
        months = CONSENT_PURPOSES[CONSENT_PURPOSE]
    records = session.execute(
        select(
            ConsentRecord.participant_id, ConsentRecord.given_on, ConsentRecord.withdrawn_on
        ).where(ConsentRecord.purpose == CONSENT_PURPOSE, ConsentRecord.participant_id.in_(people))
    ).all()
    if not records:
        return set()
    last_seen: dict[uuid.UUID, date] = {}
    if months is not None:
        candidates = {pid for pid, _g, _w in records}
        for pid, at in session.execute(
            select(Attendance.participant_id, func.max(Attendance.signed_in_at))
            .where(Attendance.participant_id.in_(candidates))
            .group_by(Attendance.participant_id)
        ):
            if at is not None:
                last_seen[pid] = at.date() if hasattr(at, "date") else date.fromisoformat(at[:10])
    consenting = set()
    for pid, given_on, withdrawn_on in records:
        if given_on > today:
            continue
        if withdrawn_on is not None and withdrawn_on > today:
            withdrawn_on = None
        ends = consent_ends(given_on, withdrawn_on, months, last_seen.get(pid))
        if ends is None or today < ends:
            consenting.add(pid)
    return consenting


def sharing_summary(session: Session, process_id: uuid.UUID) -> SharingSummary:
    """How many people of the process would travel with their data, and how many as codes."""
    people = select(_people(process_id).subquery().c[0])
    ids = set(session.scalars(select(Participant.id).where(Participant.id.in_(people))))
    shared = len(sharing_consents(session, ids) & ids) if ids else 0
    return SharingSummary(shared=shared, pseudonymised=len(ids) - shared)


# --------------------------------------------------------------------------- rows


def _collect(session: Session, process_id: uuid.UUID, cancel: CancelToken, progress: Progress):
    filters = _filters(process_id)
    rows: dict[str, list[dict]] = {}
    texts: dict = {}  # stored UUID -> its text, shared by every table (references repeat)
    for n, name in enumerate(TABLES):
        cancel.check()
        t = M[name]
        cols = [t.c[c] for c in exported_columns(name)]
        # UUIDs are read as stored and written out as text, without a UUID object between.
        selected = [type_coerce(c, String).label(c.name) if _is_uuid(c) else c for c in cols]
        query = select(*selected).where(filters[name]).order_by(*t.primary_key.columns)
        names = [c.name for c in cols]
        found = session.execute(query).all()
        by_column = list(zip(*found, strict=True)) if found else [()] * len(cols)
        columns = []
        for c, values in zip(cols, by_column, strict=True):
            if _is_uuid(c):
                values = [_uuid_text(v, texts) for v in values]
            elif _needs_encoding(c):
                values = [None if v is None else encode(v) for v in values]
            columns.append(values)
        rows[name] = [dict(zip(names, r, strict=True)) for r in zip(*columns, strict=True)]
        progress(n + 1, len(TABLES) + 2)
    return rows


def _is_uuid(column) -> bool:
    return isinstance(column.type, Uuid)


def _uuid_text(value, texts: dict) -> str | None:
    """The canonical text of a UUID as the database gave it (32 hex digits on SQLite, a UUID
    object from a native type)."""
    if value is None:
        return None
    found = texts.get(value)
    if found is None:
        if isinstance(value, str) and len(value) == 32:
            v = value.lower()
            found = f"{v[:8]}-{v[8:12]}-{v[12:16]}-{v[16:20]}-{v[20:]}"
        else:
            found = str(uuid.UUID(str(value)))
        texts[value] = found
    return found


def _needs_encoding(column) -> bool:
    return isinstance(column.type, Uuid | UTCDateTime | Date)


def _drop_dangling(rows: dict[str, list[dict]]) -> None:
    """A nullable reference to a record left out of the bundle is emptied."""
    ids = {name: {r["id"] for r in rs if "id" in r} for name, rs in rows.items()}
    for name, rs in rows.items():
        for column in M[name].columns:
            for fk in column.foreign_keys:
                target = fk.column.table.name
                if not column.nullable or target not in ids or fk.column.name != "id":
                    continue
                known = ids[target]
                for r in rs:
                    if r[column.name] is not None and r[column.name] not in known:
                        r[column.name] = None


def _pseudonymise(rows: dict[str, list[dict]], consenting: set[str]) -> tuple[int, int]:
    codes = {}
    for r in rows["participant"]:
        if r["id"] in consenting:
            continue
        codes[r["id"]] = r["code"]
        for f in PERSONAL:
            r[f] = None
        r["first_name"], r["last_name"] = "", r["code"]
        r[MASK] = list(PERSONAL)
    shared = len(rows["participant"]) - len(codes)

    def mask(row: dict, **values) -> None:
        row.update(values)
        row[MASK] = sorted(values)

    masked_members = {}
    for name in ("jury_member", "committee_member"):
        for r in rows[name]:
            if r["participant_id"] in codes:
                mask(r, name=codes[r["participant_id"]])
                masked_members[r["id"]] = r["name"]
    for r in rows["action"]:
        if r["owner_member_id"] in masked_members:
            mask(r, owner_name=masked_members[r["owner_member_id"]])
    volunteers = {}
    for r in rows["volunteer_profile"]:
        if r["participant_id"] in codes:
            mask(r, name=codes[r["participant_id"]], notes=None)
            volunteers[r["id"]] = r["name"]
    for r in rows["time_entry"]:
        if r["volunteer_id"] in volunteers:
            mask(r, volunteer_name=volunteers[r["volunteer_id"]])
    hidden = set(codes.values())
    salt = secrets.token_bytes(16)
    for r in rows["panel"]:
        if r["instance"]:
            r["instance"] = _hide_households(r["instance"], hidden, salt)
            if r["instance"] is not None:
                r[MASK] = ["instance"]
    rows["consent_record"] = [r for r in rows["consent_record"] if r["participant_id"] not in codes]
    for r in rows["consent_record"]:
        r["note"] = None
    return shared, len(codes)


def _hide_households(text: str, codes: set[str], salt: bytes) -> str | None:
    """A draw's frozen pool with the household keys of pseudonymised people replaced by
    salted hashes: who lives with whom stays visible, not the address."""
    try:
        doc = json.loads(text)
        people = doc["people"]
    except (ValueError, KeyError, TypeError):
        return text
    changed = False
    for person in people:
        if person.get("key") in codes and person.get("household"):
            h = hashlib.sha256(salt + person["household"].encode("utf-8")).hexdigest()[:16]
            person["household"] = f"#{h}"
            changed = True
    if not changed:
        return None
    return json.dumps(doc, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _origin_audit(session: Session, rows: dict[str, list[dict]]) -> list[dict]:
    ids = {r["id"] for rs in rows.values() for r in rs if "id" in r}
    events = []
    for e in session.scalars(
        select(AuditEvent).where(AuditEvent.subject_id.is_not(None)).order_by(AuditEvent.seq)
    ):
        if str(e.subject_id) in ids:
            events.append(
                {
                    "seq": e.seq,
                    "occurred_at": encode(e.occurred_at),
                    "kind": e.kind,
                    "subject_id": str(e.subject_id),
                    "payload": e.payload,
                    "prev_hash": e.prev_hash,
                    "hash": e.hash,
                }
            )
    return events


def _organisation(session: Session, process: Process) -> dict | None:
    org = session.get(Organisation, process.organisation_id) if process.organisation_id else None
    if org is None:
        org = session.scalar(select(Organisation).order_by(Organisation.created_at).limit(1))
    if org is None:
        return None
    return {"id": str(org.id), "name": org.name, "kind": org.kind, "country": org.country}


# --------------------------------------------------------------------------- writing


def export_process(
    session: Session,
    process_id: uuid.UUID,
    path: Path | str,
    *,
    today: date | None = None,
    progress: Progress = no_progress,
    cancel: CancelToken | None = None,
) -> ExportResult:
    """Write the process to a ``.atelier-bundle`` file (replaced atomically) and record the
    export in the audit log (commits). Cancelling leaves no file and no event."""
    cancel = cancel or CancelToken()
    process = session.get(Process, process_id)
    if process is None:
        raise BundleError(_("This process no longer exists."))
    path = Path(path)
    rows = _collect(session, process_id, cancel, progress)
    people = {uuid.UUID(r["id"]) for r in rows["participant"]}
    consenting = {str(p) for p in sharing_consents(session, people, today)}
    shared, pseudonymised = _pseudonymise(rows, consenting)
    _drop_dangling(rows)
    category_keys = {r["id"]: r["key"] for r in rows["attribute_category"]}
    synced = load_sync(session)
    sync = {}
    for name, rs in rows.items():
        for r in rs:
            key = record_key(name, r, category_keys)
            if key in synced:
                sync[key] = synced[key]
    audit_rows = _origin_audit(session, rows)
    cancel.check()

    members: dict[str, bytes] = {}
    for name in TABLES:
        doc = {"table": name, "rows": rows[name]}
        members[member_name(name)] = json.dumps(
            doc, ensure_ascii=False, separators=(",", ":")
        ).encode("utf-8")
    members[AUDIT_MEMBER] = json.dumps(audit_rows, ensure_ascii=False, indent=1).encode("utf-8")
    members[SYNC_MEMBER] = json.dumps(sync, separators=(",", ":"), sort_keys=True).encode()
    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "app_version": __version__,
        "schema_revision": SCHEMA_HEAD,
        "organisation": _organisation(session, process),
        "exported_at": encode(_now()),
        "process": {"id": str(process.id), "title": process.title},
        "shared": shared,
        "pseudonymised": pseudonymised,
        "tables": {name: len(rows[name]) for name in TABLES},
        "members": [
            {"name": name, "sha256": digest(data), "size": len(data)}
            for name, data in members.items()
        ],
    }
    cancel.check()
    size = _write_zip(path, manifest, members)
    try:
        sha = _file_digest(path)
        audit.append(
            session,
            "bundle.exported",
            {
                "sha256": sha,
                "file": path.name,
                "shared": shared,
                "pseudonymised": pseudonymised,
                "rows": sum(len(r) for r in rows.values()),
            },
            subject_id=process.id,
        )
        session.commit()
    except BaseException:
        session.rollback()
        with contextlib.suppress(OSError):
            path.unlink()
        raise
    progress(len(TABLES) + 2, len(TABLES) + 2)
    return ExportResult(
        path=path,
        sha256=sha,
        rows=manifest["tables"],
        shared=shared,
        pseudonymised=pseudonymised,
        size=size,
        audit_events=len(audit_rows),
    )


def _now():
    from app.models import utcnow

    return utcnow().replace(microsecond=0)


def _file_digest(path: Path) -> str:
    from app.facilitation.exchange import file_sha256

    return file_sha256(path)


def _write_zip(path: Path, manifest: dict, members: dict[str, bytes]) -> int:
    folder = path.resolve().parent
    try:
        fd, tmp = tempfile.mkstemp(prefix=".bundle-", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise BundleError(
            _("Cannot write in “{folder}”: {reason}").format(folder=folder, reason=exc.strerror)
        ) from None
    try:
        with os.fdopen(fd, "wb") as fh:
            with zipfile.ZipFile(fh, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
                archive.writestr(
                    MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=2).encode("utf-8")
                )
                for name, data in members.items():
                    archive.writestr(name, data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise BundleError(
            _("“{path}” cannot be written: {reason}").format(path=path, reason=exc.strerror)
        ) from None
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return path.stat().st_size


__all__ = [
    "Cancelled",
    "ExportResult",
    "SharingSummary",
    "export_process",
    "sharing_consents",
    "sharing_summary",
]
