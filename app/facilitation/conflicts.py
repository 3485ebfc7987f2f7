"""Optimistic locking: two facilitators saving the same record, and neither update lost.

Versioned records (``app.models.base.Versioned``) carry a ``version`` that every save bumps.
An editor remembers the version it showed; the update functions take it as
``expected_version`` and, when the record moved on meanwhile, raise :class:`EditConflict`
holding both versions field by field. The user then keeps theirs (save again over the new
version) or takes the stored one. A save that races another one between reading and
writing is caught by the ORM's version check (``StaleDataError``) and reported the same way.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from app.errors import AtelierError
from app.i18n import N_, _

#: Labels of the fields an editor shows (the others fall back to their name).
FIELD_LABELS = {
    "first_name": N_("First name"),
    "last_name": N_("Last name"),
    "email": N_("Email"),
    "phone": N_("Phone"),
    "postal_address": N_("Postal address"),
    "stakeholder_type": N_("Stakeholder type"),
    "affiliation": N_("Affiliation"),
    "birth_year": N_("Birth year"),
    "notes": N_("Notes"),
    "organisation_id": N_("Organisation"),
    "attributes": N_("Attributes"),
    "title": N_("Title"),
    "description": N_("Description"),
    "owner_member_id": N_("Owner (member)"),
    "owner_organisation_id": N_("Owner (organisation)"),
    "owner_name": N_("Owner"),
    "created_on": N_("Created on"),
    "due_on": N_("Due on"),
    "status": N_("Status"),
    "progress": N_("Progress"),
    "decision_id": N_("Decision"),
    "name": N_("Name"),
    "phase": N_("Phase"),
    "starts_at": N_("Starts at"),
    "ends_at": N_("Ends at"),
    "location": N_("Place"),
}


def field_label(name: str) -> str:
    label = FIELD_LABELS.get(name)
    return _(label) if label else name.replace("_", " ").capitalize()


def display(value: object) -> str:
    """A value as the conflict dialog shows it (empty as a dash)."""
    if value is None or value == "" or value == {}:
        return "—"
    if isinstance(value, datetime):  # stored in UTC, shown in the machine's time
        return (value.astimezone() if value.tzinfo else value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return "\n".join(f"{k}: {v}" for k, v in sorted(value.items()))
    return str(value)


@dataclass(frozen=True)
class ConflictField:
    """One field of the record: what the user typed and what is stored now."""

    name: str
    label: str
    yours: object
    stored: object
    yours_text: str
    stored_text: str

    @property
    def differs(self) -> bool:
        return self.yours != self.stored


class EditConflict(AtelierError):
    """Someone saved the record after this user opened it: nothing was saved; both versions
    are kept here so the user chooses."""

    def __init__(
        self,
        record: str,
        expected_version: int,
        stored_version: int,
        yours: object,
        stored: object,
        fields: tuple[ConflictField, ...],
    ) -> None:
        self.record = record
        self.expected_version = expected_version
        self.stored_version = stored_version
        #: What the user typed (the update function's data, or its mapping of changes).
        self.yours = yours
        #: What is stored now, in the same shape.
        self.stored = stored
        self.fields = fields
        changed = ", ".join(f.label for f in fields if f.differs) or "—"
        super().__init__(
            _(
                "“{record}” was changed by someone else while you were editing it "
                "(you started from version {expected}; version {stored} is now saved). "
                "Nothing was saved. Fields that differ: {fields}."
            ).format(
                record=record, expected=expected_version, stored=stored_version, fields=changed
            )
        )

    @property
    def differences(self) -> tuple[ConflictField, ...]:
        return tuple(f for f in self.fields if f.differs)

    def as_dict(self) -> dict:
        """For the command line's JSON output."""
        return {
            "error": "edit_conflict",
            "record": self.record,
            "expected_version": self.expected_version,
            "stored_version": self.stored_version,
            "fields": [
                {
                    "field": f.name,
                    "yours": f.yours_text,
                    "stored": f.stored_text,
                    "differs": f.differs,
                }
                for f in self.fields
            ],
        }


def _as_mapping(value: object) -> dict[str, object]:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
    return dict(value)  # type: ignore[call-overload]


def make_conflict(
    record: str,
    expected_version: int,
    stored_version: int,
    yours: object,
    stored: object,
    *,
    names: Mapping[str, Callable[[object], str]] | None = None,
) -> EditConflict:
    """Build the conflict from two dataclasses of the same type (or a mapping of the fields
    the user changed, compared with the same fields stored). ``names`` turns ids into
    names for display (``{"organisation_id": lambda id: ...}``)."""
    mine, theirs = _as_mapping(yours), _as_mapping(stored)
    names = names or {}
    fields = []
    for name, value in mine.items():
        show = names.get(name)
        other = theirs.get(name)

        def text(v: object, show=show) -> str:
            return show(v) if show is not None and v is not None else display(v)

        fields.append(
            ConflictField(name, field_label(name), value, other, text(value), text(other))
        )
    return EditConflict(record, expected_version, stored_version, yours, stored, tuple(fields))


def begin_edit(session: Session) -> None:
    """Start the edit's transaction as a writer, so reading the version and saving are one
    step: a workspace file waits for the other writer (``BEGIN IMMEDIATE``) instead of
    failing; PostgreSQL's row versions need nothing more."""
    if not session.in_transaction():
        from app.store import WRITE_INTENT

        session.connection(execution_options={WRITE_INTENT: True})


def check_version(
    record: object, expected_version: int | None, conflict: Callable[[], EditConflict]
) -> None:
    """Raise ``conflict()`` when the record is no longer at the version the user saw."""
    if expected_version is not None and record.version != expected_version:  # type: ignore[attr-defined]
        raise conflict()


def commit_edit(
    session: Session, expected_version: int | None, conflict: Callable[[], EditConflict]
) -> None:
    """Commit an edit; if another save got in between reading and writing (the ORM's
    version check, or SQLite refusing a write over a newer snapshot), roll back and raise
    ``conflict()``, which reads the stored version again."""
    try:
        session.commit()
    except StaleDataError:
        session.rollback()
        raise conflict() from None
    except OperationalError as exc:
        session.rollback()
        if expected_version is None or "locked" not in str(exc):
            raise
        found = conflict()
        if found.stored_version == found.expected_version:
            raise  # busy for another reason: not a conflict on this record
        raise found from None


def version_of(session: Session, model: type, record_id: uuid.UUID) -> int | None:
    """The stored version of a record (None when it is gone), read afresh."""
    from sqlalchemy import select

    return session.scalar(select(model.version).where(model.id == record_id))  # type: ignore[attr-defined]


def conflict_factory(
    session: Session,
    model: type,
    record_id: uuid.UUID,
    expected_version: int | None,
    yours: object,
    read_stored: Callable[[], object],
    *,
    title: str = "title",
) -> Callable[[], EditConflict]:
    """A ``conflict()`` for :func:`check_version` and :func:`commit_edit`: ``yours`` against
    ``read_stored()`` (the same shape), the record named by its ``title`` attribute."""

    def conflict() -> EditConflict:
        session.expire_all()
        stored = read_stored()
        record = session.get(model, record_id)
        if isinstance(yours, Mapping) and not isinstance(stored, Mapping):
            stored = {key: getattr(stored, key, None) for key in yours}
        return make_conflict(
            str(getattr(record, title, "") or ""),
            expected_version or 0,
            record.version if record is not None else 0,  # type: ignore[attr-defined]
            yours,
            stored,
        )

    return conflict
