"""Likely duplicates in the registry, and merging two records of one person.

Two records are likely the same person when their names are the same once case and accents
are folded ("Élodie ANDRÉ" and "elodie andre") AND they share an email address, a phone number
(compared on its digits: "06 12 34 56 78" and "+33 6 12 34 56 78" are one number) or a birth
year. The name alone is not enough: two neighbours may share a common name.

Merging keeps one record and moves the other's history onto it (attendance, registrations,
consents, and rows any other table holds for them), fills the kept record's empty fields from
the other, then deletes the other.
"""

from __future__ import annotations

import re
import uuid
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.errors import AtelierError
from app.facilitation import audit
from app.facilitation.households import household_key
from app.facilitation.participants import ParticipantData, participant_references
from app.i18n import N_, _
from app.models import (
    Attendance,
    ConsentRecord,
    Participant,
    ParticipantAttribute,
    Registration,
)
from app.models.text import fold, latin

_NOT_DIGITS = re.compile(r"\D")
#: Why two records look alike (codes in results; labels for people).
REASONS = {
    "email": N_("same email"),
    "phone": N_("same phone"),
    "birth_year": N_("same birth year"),
}


class MergeRefused(AtelierError):
    """Two records cannot be merged; the message says why."""


def name_key(first_name: str | None, last_name: str | None) -> str:
    """The folded "first last" (the indexed ``first_key`` column holds the same)."""
    return latin(fold(f"{first_name or ''} {last_name or ''}"))


def phone_key(phone: str | None) -> str | None:
    """The last nine digits of a phone number (enough to ignore +33 / 0 prefixes)."""
    digits = _NOT_DIGITS.sub("", phone or "")
    if len(digits) < 6:
        return None
    return digits[-9:]


def email_key(email: str | None) -> str | None:
    return fold(email) or None


def reason_label(code: str) -> str:
    return _(REASONS[code]) if code in REASONS else code


@dataclass(frozen=True)
class DuplicateCandidate:
    id: uuid.UUID
    code: str
    name: str
    email: str | None
    phone: str | None
    birth_year: int | None
    #: Codes from :data:`REASONS`: what the two records share besides the name.
    reasons: tuple[str, ...]


def _shared(a: tuple, b: tuple) -> tuple[str, ...]:
    """a, b: (email key, phone key, birth year)."""
    found = []
    for code, x, y in zip(("email", "phone", "birth_year"), a, b, strict=True):
        if x is not None and x == y:
            found.append(code)
    return tuple(found)


def likely_duplicates(
    session: Session, data: ParticipantData, *, exclude_id: uuid.UUID | None = None
) -> list[DuplicateCandidate]:
    """People already in the registry who are likely the person being entered."""
    key = name_key(data.first_name, data.last_name)
    if not key:
        return []
    mine = (email_key(data.email), phone_key(data.phone), data.birth_year)
    if mine == (None, None, None):
        return []
    query = select(Participant).where(Participant.first_key == key, Participant.erased_at.is_(None))
    if exclude_id is not None:
        query = query.where(Participant.id != exclude_id)
    found = []
    for person in session.scalars(query.order_by(Participant.created_at, Participant.id)):
        reasons = _shared(
            mine, (email_key(person.email), phone_key(person.phone), person.birth_year)
        )
        if reasons:
            found.append(
                DuplicateCandidate(
                    id=person.id,
                    code=person.code,
                    name=person.full_name,
                    email=person.email,
                    phone=person.phone,
                    birth_year=person.birth_year,
                    reasons=reasons,
                )
            )
    return found


def duplicate_groups(session: Session) -> list[list[uuid.UUID]]:
    """Every group of likely duplicates in the registry (oldest record first in each).

    Names are grouped in SQL (only names held by two people or more are loaded); within a
    name, records sharing an email, a phone or a birth year are joined, transitively."""
    from sqlalchemy import func

    names = (
        select(Participant.first_key)
        .where(Participant.erased_at.is_(None), Participant.first_key != "")
        .group_by(Participant.first_key)
        .having(func.count(Participant.id) > 1)
        .subquery()
    )
    rows = session.execute(
        select(
            Participant.id,
            Participant.first_key,
            Participant.email,
            Participant.phone,
            Participant.birth_year,
        )
        .where(Participant.erased_at.is_(None), Participant.first_key.in_(select(names)))
        .order_by(Participant.first_key, Participant.created_at, Participant.id)
    ).all()
    parent: dict[uuid.UUID, uuid.UUID] = {}

    def root(x: uuid.UUID) -> uuid.UUID:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    order: dict[uuid.UUID, int] = {}
    buckets: dict[tuple, uuid.UUID] = {}
    for position, (pid, key, email, phone, birth_year) in enumerate(rows):
        parent[pid] = pid
        order[pid] = position
        for kind, value in (
            ("email", email_key(email)),
            ("phone", phone_key(phone)),
            ("birth_year", birth_year),
        ):
            if value is None:
                continue
            first = buckets.setdefault((key, kind, value), pid)
            if first != pid:
                a, b = root(first), root(pid)
                if a != b:
                    # the older record stays the root, so groups list it first
                    if order[a] < order[b]:
                        parent[b] = a
                    else:
                        parent[a] = b
    groups: dict[uuid.UUID, list[uuid.UUID]] = defaultdict(list)
    for pid, *_rest in rows:
        groups[root(pid)].append(pid)
    return [members for members in groups.values() if len(members) > 1]


# --------------------------------------------------------------------------- merging


@dataclass(frozen=True)
class MergeResult:
    kept_id: uuid.UUID
    removed_id: uuid.UUID
    attendance_moved: int
    #: Sessions both records attended: one sign-in kept (the earliest).
    attendance_merged: int
    registrations_moved: int
    registrations_merged: int
    consents_moved: int
    #: Names of the kept record's fields filled from the other one.
    fields_filled: list[str] = field(default_factory=list)
    #: Keys of the attribute categories filled from the other one.
    attributes_filled: list[str] = field(default_factory=list)
    #: Rows of other tables (votes, juries…) moved, by table.
    other_rows_moved: dict[str, int] = field(default_factory=dict)


_FILLABLE = (
    "first_name",
    "last_name",
    "email",
    "phone",
    "postal_address",
    "affiliation",
    "birth_year",
    "notes",
    "organisation_id",
)
_HANDLED = {"attendance", "registration", "consent_record", "participant_attribute"}


def merge_participants(session: Session, keep_id: uuid.UUID, other_id: uuid.UUID) -> MergeResult:
    """Merge ``other_id`` into ``keep_id`` (see the module docstring); commits."""
    if keep_id == other_id:
        raise MergeRefused(_("A participant cannot be merged with themselves."))
    keep = session.get(Participant, keep_id)
    other = session.get(Participant, other_id)
    if keep is None or other is None:
        raise MergeRefused(_("This participant no longer exists."))
    if keep.erased_at is not None or other.erased_at is not None:
        raise MergeRefused(_("An erased participant cannot be merged."))
    try:
        result = _merge(session, keep, other)
        audit.append(
            session,
            "participants.merged",
            {
                "kept": str(keep_id),
                "removed": str(other_id),
                "attendance_moved": result.attendance_moved,
                "attendance_merged": result.attendance_merged,
                "registrations_moved": result.registrations_moved,
                "registrations_merged": result.registrations_merged,
                "consents_moved": result.consents_moved,
            },
            subject_id=keep_id,
        )
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return result


def _merge(session: Session, keep: Participant, other: Participant) -> MergeResult:
    # Attendance: one sign-in per session, the earliest.
    mine = {a.session_id: a for a in _rows(session, Attendance, keep.id)}
    moved = merged = 0
    for theirs in _rows(session, Attendance, other.id):
        ours = mine.get(theirs.session_id)
        if ours is None:
            theirs.participant_id = keep.id
            moved += 1
            continue
        merged += 1
        if theirs.signed_in_at < ours.signed_in_at:
            ours.signed_in_at = theirs.signed_in_at
            ours.method = theirs.method
            ours.created_at = min(ours.created_at, theirs.created_at)
        if theirs.signed_out_at and (
            ours.signed_out_at is None or theirs.signed_out_at > ours.signed_out_at
        ):
            ours.signed_out_at = theirs.signed_out_at
        session.delete(theirs)
    session.flush()
    # Registrations: one per process; a jury volunteer in either stays one.
    registered = {r.process_id: r for r in _rows(session, Registration, keep.id)}
    reg_moved = reg_merged = 0
    for theirs in _rows(session, Registration, other.id):
        ours = registered.get(theirs.process_id)
        if ours is None:
            theirs.participant_id = keep.id
            reg_moved += 1
            continue
        reg_merged += 1
        ours.jury_volunteer = bool(ours.jury_volunteer or theirs.jury_volunteer)
        ours.created_at = min(ours.created_at, theirs.created_at)
        session.delete(theirs)
    session.flush()
    consents = _rows(session, ConsentRecord, other.id)
    for record in consents:
        record.participant_id = keep.id
    session.flush()
    session.expire(keep, ["consents"])
    session.expire(other, ["consents"])
    # Fields and attributes the kept record lacks.
    filled = []
    for name in _FILLABLE:
        if getattr(keep, name) in (None, "") and getattr(other, name) not in (None, ""):
            setattr(keep, name, getattr(other, name))
            filled.append(name)
    if "postal_address" in filled:
        keep.household_key = household_key(keep.postal_address)
    have = {a.category_id for a in keep.attributes}
    attributes_filled = []
    for attribute in list(other.attributes):
        if attribute.category_id not in have:
            keep.attributes.append(
                ParticipantAttribute(category_id=attribute.category_id, value_id=attribute.value_id)
            )
            attributes_filled.append(attribute.category.key)
    # Rows other parts of the app hold for the removed record follow it to the kept one.
    others: dict[str, int] = {}
    for table, owned, nulled in participant_references():
        if table.name in _HANDLED:
            continue
        for column in [*owned, *nulled]:
            try:
                with session.begin_nested():
                    count = session.execute(
                        table.update().where(column == other.id).values({column.name: keep.id})
                    ).rowcount
            except IntegrityError:
                raise MergeRefused(
                    _(
                        "These two records both appear in “{table}” in a way that cannot be "
                        "combined; nothing was merged."
                    ).format(table=table.name)
                ) from None
            if count:
                others[table.name] = others.get(table.name, 0) + count
    session.flush()
    session.delete(other)
    session.flush()
    return MergeResult(
        kept_id=keep.id,
        removed_id=other.id,
        attendance_moved=moved,
        attendance_merged=merged,
        registrations_moved=reg_moved,
        registrations_merged=reg_merged,
        consents_moved=len(consents),
        fields_filled=filled,
        attributes_filled=attributes_filled,
        other_rows_moved=others,
    )


def _rows(session: Session, model, participant_id: uuid.UUID) -> list:
    return list(session.scalars(select(model).where(model.participant_id == participant_id)))
