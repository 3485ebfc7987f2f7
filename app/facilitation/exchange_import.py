"""Import a workshop bundle into a workspace: merge by UUID, never overwrite silently.

For every record of the bundle (see :mod:`app.facilitation.exchange`):

* not in the workspace → **added** (vocabularies — attribute categories and values — are
  matched by key and text, not UUID; registrations, sign-ins, quotas and mission assignments
  also by their natural pair, so a pair entered on both sides is one record);
* the same content → **skipped**;
* changed on their side only since the two workspaces last agreed on it → **updated**;
* changed on ours only → **skipped** (ours is newer);
* changed on both sides → a **conflict**, listed with both versions and the fields that
  differ. Ours is kept unless the person chooses theirs.

"Last agreed" comes from versions (``updated_at``, or a content hash for tables without it):
this workspace records, in ``workspace_meta`` (key ``exchange.synced``), the version of each
record it took from a bundle (or saw and chose to keep ours over), and a bundle carries the
same record of its exporter (``sync.json``). Columns a bundle masked for privacy are never
compared nor copied. Importing the same bundle twice changes nothing.

:func:`plan_import` says what would happen and changes nothing; :func:`apply_import` does it
in one transaction (all or nothing) and appends one ``bundle.imported`` event with the
bundle's SHA-256 to the audit log; the origin's audit events stay in the bundle.
"""

from __future__ import annotations

import json
import uuid
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import func, insert, select, tuple_, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.facilitation import audit
from app.facilitation.exchange import (
    LOCAL_ONLY,
    MASK,
    SYNC_META_KEY,
    TABLES,
    VOCABULARY,
    Bundle,
    BundleError,
    decode_rows,
    encode,
    exported_columns,
    has_version,
    load_sync,
    read_bundle,
    record_key,
    record_version,
    table,
)
from app.i18n import _, ngettext
from app.jobs import CancelToken, Progress, no_progress
from app.models import WorkspaceMeta
from app.models.text import participant_keys

#: Records also matched by these columns when their UUID is not found.
NATURAL = {
    "registration": ("process_id", "participant_id"),
    "attendance": ("session_id", "participant_id"),
    "panel_quota": ("panel_id", "value_id"),
    "mission_assignment": ("mission_id", "volunteer_id"),
}
#: Vocabulary references remapped to this workspace's categories and values.
REMAPPED = ("participant_attribute", "panel_quota")
CHUNK = 400
INSERT_BATCH = 2000


@dataclass(frozen=True)
class Conflict:
    """A record changed on both sides: both versions, and the fields that differ."""

    table: str
    id: str
    ours: dict
    theirs: dict
    fields: list[str]

    def as_dict(self) -> dict:
        return {
            "table": self.table,
            "id": self.id,
            "fields": self.fields,
            "ours": {f: self.ours.get(f) for f in self.fields},
            "theirs": {f: self.theirs.get(f) for f in self.fields},
        }


@dataclass
class ImportPlan:
    """What importing a bundle does (or would do): counts per table and the conflicts."""

    sha256: str
    process_id: str
    process_title: str
    organisation: str | None
    #: The origin, from the manifest: country code, export time (ISO), app version.
    country: str | None = None
    exported_at: str | None = None
    app_version: str | None = None
    added: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    skipped: dict[str, int] = field(default_factory=dict)
    conflicts: list[Conflict] = field(default_factory=list)

    @property
    def total_added(self) -> int:
        return sum(self.added.values())

    @property
    def total_updated(self) -> int:
        return sum(self.updated.values())

    @property
    def total_skipped(self) -> int:
        return sum(self.skipped.values())

    @property
    def changes_nothing(self) -> bool:
        return not self.total_added and not self.total_updated

    def summary(self) -> str:
        return _("“{title}”: {added}, {updated}, {skipped}, {conflicts}.").format(
            title=self.process_title,
            added=ngettext("{n} record added", "{n} records added", self.total_added).format(
                n=self.total_added
            ),
            updated=ngettext(
                "{n} record updated", "{n} records updated", self.total_updated
            ).format(n=self.total_updated),
            skipped=ngettext(
                "{n} unchanged or newer here", "{n} unchanged or newer here", self.total_skipped
            ).format(n=self.total_skipped),
            conflicts=ngettext("{n} conflict", "{n} conflicts", len(self.conflicts)).format(
                n=len(self.conflicts)
            ),
        )

    def as_dict(self) -> dict:
        return {
            "sha256": self.sha256,
            "process": {"id": self.process_id, "title": self.process_title},
            "organisation": self.organisation,
            "country": self.country,
            "exported_at": self.exported_at,
            "app_version": self.app_version,
            "added": {k: v for k, v in self.added.items() if v},
            "updated": {k: v for k, v in self.updated.items() if v},
            "skipped": {k: v for k, v in self.skipped.items() if v},
            "conflicts": [c.as_dict() for c in self.conflicts],
        }


@dataclass
class ImportReport:
    """What an import did: the plan carried out, conflicts settled and those kept as ours."""

    plan: ImportPlan
    theirs_taken: list[Conflict]
    ours_kept: list[Conflict]
    unresolved: list[Conflict]

    def message(self) -> str:
        text = self.plan.summary()
        if self.unresolved:
            text += " " + ngettext(
                "{n} conflict was left as it is here; choose a version to settle it.",
                "{n} conflicts were left as they are here; choose a version to settle them.",
                len(self.unresolved),
            ).format(n=len(self.unresolved))
        return text

    def as_dict(self) -> dict:
        doc = self.plan.as_dict()
        doc["theirs_taken"] = [f"{c.table}:{c.id}" for c in self.theirs_taken]
        doc["ours_kept"] = [f"{c.table}:{c.id}" for c in self.ours_kept]
        doc["unresolved"] = [f"{c.table}:{c.id}" for c in self.unresolved]
        return doc


# --------------------------------------------------------------------------- analysis


@dataclass
class _Change:
    table: str
    #: Primary key of the local row.
    where: dict
    values: dict
    ours_key: str
    theirs_version: str


@dataclass
class _Analysis:
    plan: ImportPlan
    inserts: dict[str, list[dict]]
    updates: list[_Change]
    conflicted: dict[tuple[str, str], _Change]
    synced: dict[str, str]


def _text(value) -> str | None:
    return None if value is None else str(value)


def _malformed(bundle: Bundle, name: str) -> BundleError:
    return BundleError(
        _(
            "“{path}” cannot be imported: the member “{name}” has values of the wrong kind. "
            "Nothing was imported."
        ).format(path=bundle.path.name, name=f"data/{name}.json")
    )


def _decoded(bundle: Bundle) -> dict[str, list[dict]]:
    out = {}
    uuids: dict = {}
    for name in TABLES:
        expected = set(exported_columns(name))
        raws = bundle.tables[name]
        for row in raws:
            if row.keys() - {MASK} != expected:
                raise _malformed(bundle, name)
            if MASK in row:
                masked = row[MASK]
                if not isinstance(masked, list) or not expected.issuperset(masked):
                    raise _malformed(bundle, name)
        try:
            out[name] = decode_rows(name, raws, uuids)
        except (ValueError, TypeError, KeyError, AttributeError):
            raise _malformed(bundle, name) from None
    return out


def _encoded(row: dict) -> dict:
    return {k: encode(v) for k, v in row.items()}


def _chunks(items: list, size: int = CHUNK):
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _vocabulary(session: Session, decoded, plan: ImportPlan, inserts):
    """Map the bundle's categories and values onto ours (by key and text), adding the
    missing ones; returns (category map, value map, local category keys, local value texts)."""
    cat_t, val_t = table("attribute_category"), table("attribute_value")
    local_cats = {key: cid for cid, key in session.execute(select(cat_t.c.id, cat_t.c.key))}
    local_cat_ids = set(local_cats.values())
    cat_map: dict[uuid.UUID, uuid.UUID] = {}
    for name in VOCABULARY:
        plan.added[name] = plan.skipped[name] = 0
    for row in decoded["attribute_category"]:
        if row["key"] in local_cats:
            cat_map[row["id"]] = local_cats[row["key"]]
            plan.skipped["attribute_category"] += 1
        elif row["id"] in local_cat_ids:
            cat_map[row["id"]] = row["id"]
            plan.skipped["attribute_category"] += 1
        else:
            cat_map[row["id"]] = row["id"]
            local_cats[row["key"]] = row["id"]
            inserts["attribute_category"].append(row)
            plan.added["attribute_category"] += 1
    local_vals = {
        (cid, text): vid for vid, cid, text in session.execute(
            select(val_t.c.id, val_t.c.category_id, val_t.c.value))
    }  # fmt: skip
    local_val_ids = set(local_vals.values())
    val_map: dict[uuid.UUID, uuid.UUID] = {}
    for row in decoded["attribute_value"]:
        category = cat_map.get(row["category_id"], row["category_id"])
        found = local_vals.get((category, row["value"]))
        if found is not None:
            val_map[row["id"]] = found
            plan.skipped["attribute_value"] += 1
            continue
        new_id = row["id"] if row["id"] not in local_val_ids else uuid.uuid4()
        val_map[row["id"]] = new_id
        local_vals[(category, row["value"])] = new_id
        inserts["attribute_value"].append({**row, "id": new_id, "category_id": category})
        plan.added["attribute_value"] += 1
    cat_keys = {str(cid): key for key, cid in local_cats.items()}
    val_texts = {}
    keys_by_id = {cid: key for key, cid in local_cats.items()}
    for (cid, text), vid in local_vals.items():
        val_texts[str(vid)] = f"{keys_by_id.get(cid, cid)}={text}"
    for name in REMAPPED:
        for row in decoded[name]:
            row["category_id"] = cat_map.get(row["category_id"], row["category_id"])
            row["value_id"] = val_map.get(row["value_id"], row["value_id"])
    return cat_keys, val_texts


def _bundle_vocabulary(bundle: Bundle) -> tuple[dict[str, str], dict[str, str]]:
    cats = {r["id"]: r["key"] for r in bundle.tables["attribute_category"]}
    texts = {
        r["id"]: f"{cats.get(r['category_id'], r['category_id'])}={r['value']}"
        for r in bundle.tables["attribute_value"]
    }
    return cats, texts


def _ours(session: Session, name: str, rows: list[dict]) -> list[dict | None]:
    """The local row matching each bundle row (by primary key, else natural key).

    An empty table costs one count; a table not much bigger than the bundle's rows is read
    in one SELECT and matched in Python; a much bigger one is searched by chunks of keys.
    """
    if not rows:
        return []
    t = table(name)
    names = exported_columns(name)
    cols = [t.c[c] for c in names]
    pk = [c.name for c in t.primary_key.columns]
    natural = NATURAL.get(name)
    local = session.scalar(select(func.count()).select_from(t)) or 0
    if not local:
        return [None] * len(rows)
    keys = [tuple(r[k] for k in pk) for r in rows]
    found: dict[tuple, dict] = {}
    by_pair: dict[tuple, dict] = {}
    if local <= 4 * len(rows) + 2000:
        for values in session.execute(select(*cols)):
            r = dict(zip(names, values, strict=True))
            found[tuple(r[k] for k in pk)] = r
            if natural:
                by_pair[tuple(r[k] for k in natural)] = r
    else:
        for chunk in _chunks(list(dict.fromkeys(keys))):
            if len(pk) == 1:
                where = t.c[pk[0]].in_([k[0] for k in chunk])
            else:
                where = tuple_(*(t.c[k] for k in pk)).in_(chunk)
            for values in session.execute(select(*cols).where(where)):
                r = dict(zip(names, values, strict=True))
                found[tuple(r[k] for k in pk)] = r
        if natural:
            missing = [
                tuple(r[k] for k in natural)
                for r, key in zip(rows, keys, strict=True)
                if key not in found
            ]
            for chunk in _chunks(list(dict.fromkeys(missing))):
                where = tuple_(*(t.c[k] for k in natural)).in_(chunk)
                for values in session.execute(select(*cols).where(where)):
                    r = dict(zip(names, values, strict=True))
                    by_pair[tuple(r[k] for k in natural)] = r
    if not natural:
        return [found.get(k) for k in keys]
    return [
        found.get(key) or by_pair.get(tuple(r[k] for k in natural))
        for r, key in zip(rows, keys, strict=True)
    ]


def _analyse(
    session: Session,
    bundle: Bundle,
    *,
    cancel: CancelToken,
    progress: Progress,
) -> _Analysis:
    manifest = bundle.manifest
    org = manifest.get("organisation")
    plan = ImportPlan(
        sha256=bundle.sha256,
        process_id=str(manifest["process"]["id"]),
        process_title=str(manifest["process"].get("title", "")),
        organisation=org.get("name") if isinstance(org, dict) else None,
        country=org.get("country") if isinstance(org, dict) else None,
        exported_at=_text(manifest.get("exported_at")),
        app_version=_text(manifest.get("app_version")),
    )
    decoded = _decoded(bundle)
    inserts: dict[str, list[dict]] = defaultdict(list)
    cat_keys, val_texts = _vocabulary(session, decoded, plan, inserts)
    their_cats, their_texts = _bundle_vocabulary(bundle)
    synced = load_sync(session)
    updates: list[_Change] = []
    conflicted: dict[tuple[str, str], _Change] = {}
    steps = len(TABLES)
    for n, name in enumerate(TABLES):
        progress(n, steps)
        cancel.check()
        if name in VOCABULARY:
            continue
        plan.added[name] = plan.updated[name] = plan.skipped[name] = 0
        rows = decoded[name]
        raws = bundle.tables[name]
        pk = [c.name for c in table(name).primary_key.columns]
        versioned = has_version(name)
        for raw, row, ours in zip(raws, rows, _ours(session, name, rows), strict=True):
            if ours is None:
                inserts[name].append(row)
                plan.added[name] += 1
                continue
            if versioned and raw["updated_at"] == encode(ours["updated_at"]):
                plan.skipped[name] += 1  # the very same version
                key = record_key(name, raw, their_cats)
                if synced.get(key) != raw["updated_at"] and ours.get("id") == row.get("id"):
                    synced[key] = raw["updated_at"]
                continue
            masked = set(raw.get(MASK, ()))
            theirs_json, ours_json = _encoded(row), _encoded(ours)
            skip = set(pk) | masked | {"updated_at", "id"}
            fields = [k for k in theirs_json if k not in skip and theirs_json[k] != ours_json[k]]
            theirs_key = record_key(name, raw, their_cats)
            ours_key = record_key(name, ours_json, cat_keys)
            theirs_version = record_version(name, raw, their_texts)
            if not fields:
                plan.skipped[name] += 1
                synced_version = theirs_version if versioned else None
                if synced_version and synced.get(ours_key) != synced_version:
                    synced[ours_key] = synced_version
                continue
            ours_version = record_version(name, ours_json, val_texts)
            agreed = {synced.get(ours_key), bundle.sync.get(theirs_key)} - {None}
            values = {k: row[k] for k in row if k not in masked and k not in pk}
            if not versioned:
                values.pop("updated_at", None)
            change = _Change(
                table=name,
                where={k: ours[k] for k in pk},
                values=values,
                ours_key=ours_key,
                theirs_version=theirs_version,
            )
            if theirs_version in agreed or theirs_version == ours_version:
                plan.skipped[name] += 1
            elif ours_version in agreed:
                updates.append(change)
                plan.updated[name] += 1
            else:
                key = ours_key.split(":", 1)[1]
                plan.conflicts.append(
                    Conflict(
                        table=name,
                        id=key,
                        ours={k: v for k, v in ours_json.items() if k not in masked},
                        theirs={k: v for k, v in theirs_json.items() if k not in masked},
                        fields=fields,
                    )
                )
                conflicted[(name, key)] = change
    progress(steps, steps)
    return _Analysis(plan, dict(inserts), updates, conflicted, synced)


def plan_import(
    session: Session,
    path,
    *,
    progress: Progress = no_progress,
    cancel: CancelToken | None = None,
) -> ImportPlan:
    """What importing the bundle would add, update, skip and find in conflict; changes nothing."""
    bundle = read_bundle(path)
    try:
        return _analyse(session, bundle, cancel=cancel or CancelToken(), progress=progress).plan
    finally:
        session.rollback()


# --------------------------------------------------------------------------- writing


def _participant_keys(row: dict) -> dict:
    return participant_keys(row["first_name"], row["last_name"], row["email"], row["phone"])


def _ordered(name: str, rows: list[dict]) -> list[dict]:
    """Rows of a table that refers to itself (a seat replacing a seat), referenced first."""
    if name != "panel_seat":
        return rows
    pending = {r["id"]: r for r in rows}
    done: list[dict] = []
    while pending:
        ready = [r for r in pending.values() if r["replaces_id"] not in pending]
        if not ready:  # a cycle cannot be stored anyway; let the database say so
            ready = list(pending.values())
        for r in ready:
            del pending[r["id"]]
        done.extend(ready)
    return done


def _check_codes(session: Session, rows: list[dict]) -> None:
    t = table("participant")
    by_code = {r["code"]: r["id"] for r in rows}
    for chunk in _chunks(sorted(by_code)):
        for pid, code in session.execute(select(t.c.id, t.c.code).where(t.c.code.in_(chunk))):
            if pid != by_code[code]:
                raise BundleError(
                    _(
                        "The badge code {code} of a participant in the bundle is already used by "
                        "another person of this workspace. Nothing was imported."
                    ).format(code=code)
                )


def _insert(session: Session, name: str, rows: list[dict]) -> None:
    t = table(name)
    if name == "participant":
        rows = [{**r, **_participant_keys(r)} for r in rows]
    rows = _ordered(name, rows)
    if _bulk_insert(session, t, rows):
        return
    for batch in _chunks(rows, INSERT_BATCH):
        session.execute(insert(t), batch)


def _bulk_insert(session: Session, t, rows: list[dict]) -> bool:
    """Insert rows with one compiled statement and the driver's ``executemany``, each value
    converted by its column type's own bind processor (what Core does row by row, without
    its per-row bookkeeping). False when a left-out column has a computed Python default:
    the caller then inserts through Core."""
    keys = list(rows[0])
    if any(len(r) != len(keys) for r in rows) or not set(keys) <= set(t.c.keys()):
        return False
    fixed = {}
    for column in t.columns:
        if column.name in rows[0] or column.default is None:
            continue
        if not column.default.is_scalar:
            return False
        fixed[column.name] = column.default.arg
    conn = session.connection()
    dialect = conn.dialect
    names = keys + list(fixed)
    compiled = insert(t).compile(dialect=dialect, column_keys=names)
    processors = {n: t.c[n].type.dialect_impl(dialect).bind_processor(dialect) for n in names}
    params = {bind.key: bound for bind, bound in compiled.bind_names.items()}
    order = list(compiled.positiontup or ()) if compiled.positional else names
    if set(params) != set(names) or sorted(order) != sorted(names):
        return False
    bound = [params[n] for n in order]
    for batch in _chunks(rows, INSERT_BATCH * 5):
        # Column by column: each type's processor mapped over its values, as Core would.
        columns = []
        for n in order:
            values = [r[n] for r in batch] if n not in fixed else [fixed[n]] * len(batch)
            process = processors[n]
            if process is not None:
                values = list(map(process, values))
            columns.append(values)
        if compiled.positional:
            params_list = list(zip(*columns, strict=True))
        else:
            params_list = [
                dict(zip(bound, values, strict=True)) for values in zip(*columns, strict=True)
            ]
        conn.exec_driver_sql(compiled.string, params_list)
    return True


def _update(session: Session, change: _Change) -> None:
    t = table(change.table)
    values = dict(change.values)
    if change.table == "participant":
        current = dict(
            session.execute(
                select(t.c.first_name, t.c.last_name, t.c.email, t.c.phone).where(
                    t.c.id == change.where["id"]
                )
            )
            .one()
            ._mapping
        )
        current.update({k: v for k, v in values.items() if k in current})
        values.update(_participant_keys(current))
    for column in LOCAL_ONLY & set(t.c.keys()):  # an import is an edit here: bump it
        values[column] = t.c[column] + 1
    where = [t.c[k] == v for k, v in change.where.items()]
    session.execute(update(t).where(*where).values(values))


def apply_import(
    session: Session,
    path,
    *,
    resolutions: dict[tuple[str, str], str] | None = None,
    progress: Progress = no_progress,
    cancel: CancelToken | None = None,
) -> ImportReport:
    """Import the bundle in one transaction (commits; any failure or a cancel changes nothing).

    ``resolutions`` maps ``(table, id)`` of a conflict to ``"theirs"`` or ``"ours"``; a
    conflict not settled keeps ours and is reported, and is listed again next time.
    """
    cancel = cancel or CancelToken()
    bundle = read_bundle(path)
    chosen = {(t, str(i)): v for (t, i), v in (resolutions or {}).items()}
    for value in chosen.values():
        if value not in ("ours", "theirs"):
            raise BundleError(_("A conflict is settled with “ours” or “theirs”."))
    try:
        analysis = _analyse(
            session, bundle, cancel=cancel, progress=lambda d, t: progress(d, 2 * t)
        )
        plan = analysis.plan
        unknown = sorted(set(chosen) - set(analysis.conflicted))
        if unknown:
            raise BundleError(
                _("{table} {id} is not in conflict in this bundle; nothing was imported.").format(
                    table=unknown[0][0], id=unknown[0][1]
                )
            )
        _check_codes(session, analysis.inserts.get("participant", []))
        synced = analysis.synced
        steps = len(TABLES)
        for n, name in enumerate(TABLES):
            cancel.check()
            rows = analysis.inserts.get(name, [])
            if rows:
                _insert(session, name, rows)
                if has_version(name):
                    for row in rows:
                        synced[f"{name}:{row['id']}"] = row["updated_at"].isoformat()
            progress(steps + n, 2 * steps)
        taken, kept, unresolved = [], [], []
        for conflict in plan.conflicts:
            choice = chosen.get((conflict.table, conflict.id))
            change = analysis.conflicted[(conflict.table, conflict.id)]
            if choice == "theirs":
                analysis.updates.append(change)
                taken.append(conflict)
            elif choice == "ours":
                synced[change.ours_key] = change.theirs_version
                kept.append(conflict)
            else:
                unresolved.append(conflict)
        for change in analysis.updates:
            cancel.check()
            _update(session, change)
            synced[change.ours_key] = change.theirs_version
        _save_sync(session, synced)
        audit.append(
            session,
            "bundle.imported",
            {
                "sha256": bundle.sha256,
                "file": bundle.path.name,
                "organisation": plan.organisation,
                "exported_at": bundle.manifest.get("exported_at"),
                "added": plan.total_added,
                "updated": plan.total_updated + len(taken),
                "conflicts_kept": len(kept) + len(unresolved),
            },
            subject_id=uuid.UUID(plan.process_id),
        )
        session.commit()
    except IntegrityError as exc:
        session.rollback()
        raise BundleError(
            _("The bundle does not fit this workspace ({reason}). Nothing was imported.").format(
                reason=str(exc.orig).splitlines()[0]
            )
        ) from None
    except BaseException:
        session.rollback()
        raise
    progress(1, 1)
    return ImportReport(plan=plan, theirs_taken=taken, ours_kept=kept, unresolved=unresolved)


def _save_sync(session: Session, synced: dict[str, str]) -> None:
    text = json.dumps(synced, separators=(",", ":"), sort_keys=True)
    session.merge(WorkspaceMeta(key=SYNC_META_KEY, value=text))
    session.flush()
