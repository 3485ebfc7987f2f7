"""Workshop bundles: one process carried to another workspace in a ``.atelier-bundle`` file.

At an exchange day, facilitators from several municipalities bring the workshops they ran. A
bundle is a ZIP archive holding:

* ``manifest.json`` — ``format`` (``"atelier-bundle"``), ``format_version``, ``app_version``,
  ``schema_revision``, ``organisation`` (``id``, ``name``, ``kind``, ``country`` or null),
  ``exported_at`` (ISO, UTC), ``process`` (``id``, ``title``), ``shared`` and
  ``pseudonymised`` (people), ``tables`` (rows per table) and ``members``: every other member
  with its ``sha256`` and ``size`` in bytes;
* ``data/<table>.json`` — one per exchanged table (see :data:`TABLES`, in insertion order):
  ``{"table": name, "rows": [{column: value, ...}, ...]}``. UUIDs are strings, times ISO 8601
  with their UTC offset, dates ``YYYY-MM-DD``. A row may carry ``"_masked": [column, ...]``:
  those columns were blanked or replaced for privacy and are never compared or copied over
  local values on import. Derived participant columns (``sort_key``, ``first_key``,
  ``search_text``) are not exported; they are computed again. Nor is any column named
  ``version`` (:data:`LOCAL_ONLY`): the optimistic-locking counter counts edits made in one
  workspace, so it is never exported nor compared, and the receiving side keeps its own;
* ``origin_audit.json`` — the audit events of the origin workspace about exported records (for
  reading; they are not merged into the receiving workspace's chain);
* ``sync.json`` — ``{"table:key": version}`` for records the exporter itself received from a
  bundle, so the receiver can tell who changed a record since they last agreed.

Personal data leave only for people with a current "sharing with partners" consent; the
others travel with their random, stable badge code instead of their names, and without email,
phone, address, household, affiliation, birth year or notes — their stakeholder type,
demographic attributes, registrations, attendance and ballots travel as they are, so counts,
attendance and quotas stay exact. The "has voted" marks (``voter_mark``) never leave: they
say who voted. Generated documents and consent records other than partner sharing stay home.

This module holds what export and import share: the list of tables, JSON encoding, and the
checked reading of a bundle (:func:`read_bundle`), which refuses a file that is not a ZIP, is
truncated, has a member whose SHA-256 does not match, a missing or extra member, a path with
``..`` or an absolute path, an unknown future format, or looks like a ZIP bomb.
"""

from __future__ import annotations

import hashlib
import json
import uuid
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path, PurePosixPath

from sqlalchemy import Boolean, Date, Float, Integer, Table, Uuid

from app.errors import AtelierError
from app.i18n import N_, _
from app.models import Base
from app.models.base import UTCDateTime

FORMAT = "atelier-bundle"
FORMAT_VERSION = 1
SUFFIX = ".atelier-bundle"
MANIFEST = "manifest.json"
AUDIT_MEMBER = "origin_audit.json"
SYNC_MEMBER = "sync.json"
#: Uncompressed bytes a bundle may hold in all (a ZIP bomb is refused before reading).
MAX_TOTAL_SIZE = 1 << 30
#: Largest uncompressed/compressed ratio accepted for a member bigger than 1 MiB.
MAX_RATIO = 200
#: WorkspaceMeta key holding ``{"table:key": version}`` of records taken from bundles.
SYNC_META_KEY = "exchange.synced"

#: Tables a bundle carries, in insertion order (parents first, from the metadata).
EXCHANGED = frozenset(
    {
        "organisation", "attribute_category", "attribute_value", "participant",
        "participant_attribute", "consent_record", "process", "committee", "session",
        "registration", "attendance", "agenda_item", "decision", "vote", "vote_option", "ballot",
        "panel", "panel_quota", "panel_pool_member", "panel_seat", "evaluation_jury",
        "jury_member", "jury_candidate", "jury_criterion", "jury_score", "jury_recusal",
        "committee_member", "action", "action_change", "indicator", "measurement",
        "volunteer_profile", "training", "mission", "mission_assignment", "time_entry",
        "people_helped", "support_cost", "estimated_saving",
    }
)  # fmt: skip
TABLES: tuple[str, ...] = tuple(t.name for t in Base.metadata.sorted_tables if t.name in EXCHANGED)
#: Merged by their natural key (category key, value text), not by UUID.
VOCABULARY = ("attribute_category", "attribute_value")
#: Columns computed from others, never exported.
DERIVED = {"participant": ("sort_key", "first_key", "search_text")}
#: Columns of any table that are this workspace's own bookkeeping: never exported, compared
#: nor copied (``version``, the optimistic-locking counter, counts edits made *here*).
LOCAL_ONLY = frozenset({"version"})
#: Personal columns of a participant blanked for people who did not consent to sharing.
PERSONAL = (
    "first_name", "last_name", "email", "phone", "postal_address", "household_key",
    "affiliation", "birth_year", "notes",
)  # fmt: skip
MASK = "_masked"
#: The consent purpose that lets personal data leave for partners.
CONSENT_PURPOSE = "partner_sharing"


class BundleError(AtelierError):
    """A bundle was refused, or cannot be written; nothing was changed."""


def table(name: str) -> Table:
    return Base.metadata.tables[name]


def exported_columns(name: str) -> list[str]:
    """The columns of a table that travel in a bundle."""
    skip = DERIVED.get(name, ())
    return [c.name for c in table(name).columns if c.name not in skip and c.name not in LOCAL_ONLY]


def has_version(name: str) -> bool:
    """Entity tables carry ``updated_at``, which identifies a version of a record."""
    return "updated_at" in table(name).columns


# --------------------------------------------------------------------------- JSON values


def encode(value):
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _decoder(column):
    kind = column.type
    if isinstance(kind, Uuid):
        return uuid.UUID
    if isinstance(kind, UTCDateTime):
        return datetime.fromisoformat
    if isinstance(kind, Date):
        return date.fromisoformat
    if isinstance(kind, Boolean):
        return bool
    if isinstance(kind, Float):
        return float
    if isinstance(kind, Integer):
        return int
    return str


def decode_row(name: str, row: dict) -> dict:
    """A bundle row with Python values; raises ValueError/TypeError on bad values."""
    decoders = _decoders(name)
    return {
        key: (None if value is None else decoders[key](value))
        for key, value in row.items()
        if key != MASK
    }


def decode_rows(name: str, rows: list[dict], uuids: dict | None = None) -> list[dict]:
    """:func:`decode_row` for many rows at once, faster: only non-text columns are converted,
    and a UUID seen before (``uuids``, shared between tables) is not parsed again."""
    cache: dict = {} if uuids is None else uuids
    known = cache.get
    decoders = _decoders(name)
    ids = [key for key, kind in decoders.items() if kind is uuid.UUID]
    converters = [(k, f) for k, f in decoders.items() if f is not str and f is not uuid.UUID]
    texts = [key for key, kind in decoders.items() if kind is str]
    out = []
    for row in rows:
        new = dict(row)
        new.pop(MASK, None)
        for key in ids:
            value = new.get(key)
            if value is not None:
                found = known(value)
                if found is None:
                    found = cache[value] = uuid.UUID(value)
                new[key] = found
        for key, convert in converters:
            value = new.get(key)
            if value is not None:
                new[key] = convert(value)
        for key in texts:
            value = new.get(key)
            if value is not None and value.__class__ is not str:
                new[key] = str(value)
        out.append(new)
    return out


_DECODERS: dict[str, dict] = {}


def _decoders(name: str) -> dict:
    if name not in _DECODERS:
        _DECODERS[name] = {c.name: _decoder(c) for c in table(name).columns}
    return _DECODERS[name]


def canonical(document) -> bytes:
    return json.dumps(
        document, ensure_ascii=False, separators=(",", ":"), sort_keys=True, default=encode
    ).encode("utf-8")


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def member_name(name: str) -> str:
    return f"data/{name}.json"


# --------------------------------------------------------------------------- reading


@dataclass
class Bundle:
    """A bundle read and checked: its manifest, rows per table (JSON values), origin audit."""

    path: Path
    sha256: str
    manifest: dict
    tables: dict[str, list[dict]]
    audit: list[dict]
    sync: dict[str, str]

    @property
    def process_id(self) -> uuid.UUID:
        return uuid.UUID(self.manifest["process"]["id"])


def _refuse(path: Path, reason: str) -> BundleError:
    return BundleError(
        _("“{path}” cannot be imported: {reason} Nothing was imported.").format(
            path=path.name, reason=reason
        )
    )


def _unsafe(name: str) -> bool:
    if not name or name.startswith(("/", "\\")) or "\\" in name or ":" in name:
        return True
    return any(part in ("..", "") for part in PurePosixPath(name).parts) or ".." in name


def read_manifest(path: Path | str) -> tuple[zipfile.ZipFile, dict]:
    """Open a bundle and check its structure and manifest (not yet the members' hashes)."""
    path = Path(path)
    if not path.is_file():
        raise BundleError(_("“{path}” does not exist.").format(path=path))
    if not zipfile.is_zipfile(path):
        raise _refuse(path, _("it is not a workshop bundle (not a ZIP archive), or it is cut."))
    try:
        archive = zipfile.ZipFile(path)
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise _refuse(path, _("the archive is damaged or truncated ({reason}).").format(
            reason=exc)) from None  # fmt: skip
    try:
        names = [i.filename for i in infos]
        bad = [n for n in names if _unsafe(n)]
        if bad:
            raise _refuse(path, _("it holds an unsafe path “{name}”.").format(name=bad[0]))
        if len(set(names)) != len(names):
            raise _refuse(path, _("a member appears twice."))
        total = sum(i.file_size for i in infos)
        bomb = any(
            i.file_size > (1 << 20) and i.file_size > MAX_RATIO * max(i.compress_size, 1)
            for i in infos
        )
        if total > MAX_TOTAL_SIZE or bomb:
            raise _refuse(path, _("it would unpack to far more data than a bundle holds."))
        if MANIFEST not in names:
            raise _refuse(path, _("it has no manifest."))
        manifest = json.loads(_read(archive, path, MANIFEST, 16 << 20))
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
            raise _refuse(path, _("the manifest is not that of a workshop bundle."))
        version = manifest.get("format_version")
        if not isinstance(version, int) or isinstance(version, bool) or version < 1:
            raise _refuse(path, _("the manifest has no valid format version."))
        if version > FORMAT_VERSION:
            raise _refuse(
                path,
                _(
                    "it was made by a newer version of Atelier Citoyen ({version}, bundle "
                    "format {format}); install that version or a later one."
                ).format(version=manifest.get("app_version", "?"), format=version),
            )
        return archive, manifest
    except BundleError:
        archive.close()
        raise
    except (ValueError, TypeError, AttributeError):
        archive.close()
        raise _refuse(path, _("the manifest is not valid JSON.")) from None


def _read(archive: zipfile.ZipFile, path: Path, name: str, limit: int) -> bytes:
    try:
        with archive.open(name) as fh:
            data = fh.read(limit + 1)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise _refuse(path, _("the archive is damaged or truncated ({reason}).").format(
            reason=exc)) from None  # fmt: skip
    except Exception as exc:  # zlib.error and the like on a cut file
        raise _refuse(path, _("the archive is damaged or truncated ({reason}).").format(
            reason=exc)) from None  # fmt: skip
    if len(data) > limit:
        raise _refuse(path, _("the member “{name}” is larger than announced.").format(name=name))
    return data


def read_bundle(path: Path | str) -> Bundle:
    """Read a bundle, checking every member against the manifest; raises BundleError."""
    path = Path(path)
    archive, manifest = read_manifest(path)
    with archive:
        members = manifest.get("members")
        process = manifest.get("process")
        if not isinstance(members, list) or not isinstance(process, dict):
            raise _refuse(path, _("the manifest does not list its members."))
        try:
            announced = {m["name"]: (str(m["sha256"]), int(m["size"])) for m in members}
            uuid.UUID(str(process["id"]))
        except (KeyError, TypeError, ValueError):
            raise _refuse(path, _("the manifest does not list its members.")) from None
        present = {i.filename for i in archive.infolist()} - {MANIFEST}
        expected = {member_name(t) for t in TABLES} | {AUDIT_MEMBER, SYNC_MEMBER}
        missing = sorted((expected | set(announced)) - present)
        extra = sorted(present - set(announced)) or sorted(set(announced) - expected)
        if missing:
            raise _refuse(path, _("the member “{name}” is missing.").format(name=missing[0]))
        if extra:
            raise _refuse(path, _("it holds an unexpected member “{name}”.").format(name=extra[0]))
        contents: dict[str, object] = {}
        for name, (sha, size) in announced.items():
            data = _read(archive, path, name, size)
            if len(data) != size or digest(data) != sha:
                reason = _("the member “{name}” does not match its SHA-256 (altered or damaged).")
                raise _refuse(path, reason.format(name=name))
            try:
                contents[name] = json.loads(data)
            except ValueError:
                raise _refuse(path, _("the member “{name}” is not valid JSON.").format(
                    name=name)) from None  # fmt: skip
    tables: dict[str, list[dict]] = {}
    for name in TABLES:
        doc = contents[member_name(name)]
        rows = doc.get("rows") if isinstance(doc, dict) else None
        columns = set(exported_columns(name)) | {MASK}
        if isinstance(rows, list):  # a local counter some exporter let through is ignored
            for r in rows:
                if isinstance(r, dict) and not r.keys().isdisjoint(LOCAL_ONLY):
                    for key in LOCAL_ONLY:
                        r.pop(key, None)
        if not isinstance(rows, list) or not all(
            isinstance(r, dict) and set(r) <= columns for r in rows
        ):
            raise _refuse(
                path, _("the member “{name}” has an unexpected shape.").format(
                    name=member_name(name))
            )  # fmt: skip
        tables[name] = rows
    audit_rows, sync = contents[AUDIT_MEMBER], contents[SYNC_MEMBER]
    if not isinstance(audit_rows, list) or not isinstance(sync, dict):
        raise _refuse(path, _("the origin audit or the sync record has an unexpected shape."))
    return Bundle(
        path=path,
        sha256=file_sha256(path),
        manifest=manifest,
        tables=tables,
        audit=audit_rows,
        sync={str(k): str(v) for k, v in sync.items()},
    )


@dataclass(frozen=True)
class BundleSummary:
    """What ``atelier bundle show`` prints: the manifest, checked."""

    path: Path
    sha256: str
    manifest: dict
    audit_events: int

    def as_dict(self) -> dict:
        m = self.manifest
        return {
            "path": str(self.path),
            "sha256": self.sha256,
            "format_version": m.get("format_version"),
            "app_version": m.get("app_version"),
            "schema_revision": m.get("schema_revision"),
            "organisation": m.get("organisation"),
            "exported_at": m.get("exported_at"),
            "process": m.get("process"),
            "shared": m.get("shared"),
            "pseudonymised": m.get("pseudonymised"),
            "tables": m.get("tables"),
            "origin_audit_events": self.audit_events,
        }


def show_bundle(path: Path | str) -> BundleSummary:
    """Read and check a bundle (every hash), for a summary."""
    bundle = read_bundle(path)
    return BundleSummary(
        path=bundle.path,
        sha256=bundle.sha256,
        manifest=bundle.manifest,
        audit_events=len(bundle.audit),
    )


# --------------------------------------------------------------------------- record identity


def load_sync(session) -> dict[str, str]:
    """``{"table:key": version}`` of the records this workspace took from bundles."""
    from sqlalchemy import select

    from app.models import WorkspaceMeta

    text = session.scalar(select(WorkspaceMeta.value).where(WorkspaceMeta.key == SYNC_META_KEY))
    if not text:
        return {}
    try:
        found = json.loads(text)
    except ValueError:
        return {}
    return found if isinstance(found, dict) else {}


def record_key(name: str, row: dict, category_keys: dict[str, str]) -> str:
    """``table:key`` of a JSON row: its id, or its primary key columns joined by ``|``.

    A participant's attribute is keyed by the category's key (the natural key vocabularies
    are merged by), so workspaces with different category UUIDs agree on it.
    """
    if name == "participant_attribute":
        category = category_keys.get(row["category_id"], row["category_id"])
        return f"{name}:{row['participant_id']}|{category}"
    if "id" in row:
        return f"{name}:{row['id']}"
    keys = [c.name for c in table(name).primary_key.columns]
    return f"{name}:" + "|".join(str(row[k]) for k in keys)


def record_version(name: str, row: dict, value_texts: dict[str, str]) -> str:
    """What identifies one version of a record: ``updated_at`` where the table has it,
    else a hash of its content (the value's text for a participant's attribute)."""
    if has_version(name):
        return str(row["updated_at"])
    if name == "participant_attribute":
        content: object = value_texts.get(row["value_id"], row["value_id"])
    else:
        content = {k: v for k, v in row.items() if k != MASK}
    return digest(canonical(content))[:32]


# --------------------------------------------------------------------------- labels

#: What a person calls the records of each exchanged table (plural), in the order a preview
#: lists them: the process and its workshops first, vocabularies and consents last.
TABLE_LABELS = {
    "process": N_("Processes"),
    "session": N_("Workshop sessions"),
    "agenda_item": N_("Agenda items"),
    "decision": N_("Decisions"),
    "participant": N_("Participants"),
    "registration": N_("Registrations"),
    "attendance": N_("Sign-ins"),
    "participant_attribute": N_("Participants' attributes"),
    "vote": N_("Votes"),
    "vote_option": N_("Vote options"),
    "ballot": N_("Ballots"),
    "panel": N_("Citizen juries"),
    "panel_quota": N_("Citizen jury quotas"),
    "panel_pool_member": N_("People in a draw's pool"),
    "panel_seat": N_("Citizen jury seats"),
    "evaluation_jury": N_("Evaluation juries"),
    "jury_member": N_("Evaluation jury members"),
    "jury_candidate": N_("Candidates"),
    "jury_criterion": N_("Criteria"),
    "jury_score": N_("Jury scores"),
    "jury_recusal": N_("Jury recusals"),
    "committee": N_("Follow-up committees"),
    "committee_member": N_("Committee members"),
    "action": N_("Actions"),
    "action_change": N_("Action history lines"),
    "indicator": N_("Indicators"),
    "measurement": N_("Measurements"),
    "volunteer_profile": N_("Volunteers"),
    "training": N_("Trainings"),
    "mission": N_("Missions"),
    "mission_assignment": N_("Mission assignments"),
    "time_entry": N_("Time given by volunteers"),
    "people_helped": N_("People helped"),
    "support_cost": N_("Support costs"),
    "estimated_saving": N_("Estimated savings"),
    "organisation": N_("Organisations"),
    "attribute_category": N_("Attribute categories"),
    "attribute_value": N_("Attribute values"),
    "consent_record": N_("Consents to sharing with partners"),
}

#: Labels of the columns most often seen in a conflict; others show their column name.
FIELD_LABELS = {
    "title": N_("Title"),
    "name": N_("Name"),
    "status": N_("Status"),
    "progress": N_("Progress"),
    "description": N_("Description"),
    "notes": N_("Notes"),
    "question": N_("Question"),
    "due_on": N_("Due date"),
    "starts_at": N_("Starts"),
    "ends_at": N_("Ends"),
    "place": N_("Place"),
    "code": N_("Code"),
    "stakeholder_type": N_("Stakeholder type"),
    "first_name": N_("First name"),
    "last_name": N_("Last name"),
    "email": N_("Email"),
    "phone": N_("Phone"),
    "owner_name": N_("Owner"),
    "target": N_("Target"),
    "value": N_("Value"),
    "unit": N_("Unit"),
    "role": N_("Role"),
    "phase": N_("Phase"),
    "method": N_("Method"),
    "weight": N_("Weight"),
    "score": N_("Score"),
    "created_on": N_("Created on"),
    "created_at": N_("Created"),
    "updated_at": N_("Last changed"),
}


def preview_order(names) -> list[str]:
    """Table names in the order people read them (that of :data:`TABLE_LABELS`)."""
    rank = {name: n for n, name in enumerate(TABLE_LABELS)}
    return sorted(names, key=lambda name: rank.get(name, len(rank)))


def table_label(name: str) -> str:
    """The translated, human name of the records of a table."""
    return _(TABLE_LABELS[name]) if name in TABLE_LABELS else name


def field_label(name: str) -> str:
    """The translated label of a column, or the column's own name."""
    return _(FIELD_LABELS[name]) if name in FIELD_LABELS else name


def record_label(table_name: str, row: dict) -> str:
    """A short description of a record for a person: its title, name, question or code."""
    if table_name == "participant":
        full = f"{row.get('first_name') or ''} {row.get('last_name') or ''}".strip()
        return full or str(row.get("code") or row.get("id", ""))
    for key in ("title", "name", "question", "code", "label", "field"):
        value = row.get(key)
        if value:
            return str(value)
    return str(row.get("id", ""))
