"""The participant registry: entering people, and reading the list in pages so 100,000
people stay fluid."""

from __future__ import annotations

import contextlib
import re
import uuid
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Select, case, func, insert, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app import i18n
from app.errors import AtelierError
from app.facilitation import labels
from app.facilitation.conflicts import (
    EditConflict,
    begin_edit,
    check_version,
    commit_edit,
    make_conflict,
)
from app.facilitation.consent import ConsentInfo, consents_of
from app.facilitation.households import household_key
from app.facilitation.vocabularies import load_vocabularies
from app.i18n import _
from app.models import (
    STAKEHOLDER_TYPES,
    Attendance,
    AttributeValue,
    Base,
    Organisation,
    Participant,
    ParticipantAttribute,
    Process,
    Registration,
)
from app.models.text import fold, latin, new_participant_code

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class InvalidParticipant(AtelierError):
    """What was typed for a participant cannot be saved; the message says why."""


@dataclass
class ParticipantData:
    """Everything a person can type about a participant (the detail panel, an import row)."""

    first_name: str = ""
    last_name: str = ""
    email: str | None = None
    phone: str | None = None
    postal_address: str | None = None
    stakeholder_type: str = "resident"
    affiliation: str | None = None
    birth_year: int | None = None
    notes: str | None = None
    organisation_id: uuid.UUID | None = None
    #: category key → an allowed value of that category's vocabulary (matched with folding)
    attributes: dict[str, str] = field(default_factory=dict)

    def cleaned(self) -> ParticipantData:
        """Spaces trimmed, empty strings as None; raises :class:`InvalidParticipant`."""

        def text(value: str | None) -> str | None:
            value = " ".join((value or "").split())
            return value or None

        data = ParticipantData(
            first_name=text(self.first_name) or "",
            last_name=text(self.last_name) or "",
            email=(text(self.email) or "").lower() or None,
            phone=text(self.phone),
            postal_address=(self.postal_address or "").strip() or None,
            stakeholder_type=self.stakeholder_type or "resident",
            affiliation=text(self.affiliation),
            birth_year=self.birth_year,
            notes=(self.notes or "").strip() or None,
            organisation_id=self.organisation_id,
            attributes={k: v for k, v in self.attributes.items() if v and v.strip()},
        )
        if not data.first_name and not data.last_name:
            raise InvalidParticipant(_("A participant needs a first name or a last name."))
        if data.email and not _EMAIL.match(data.email):
            raise InvalidParticipant(
                _("“{email}” is not an email address.").format(email=data.email)
            )
        if data.stakeholder_type not in STAKEHOLDER_TYPES:
            raise InvalidParticipant(
                _("Unknown stakeholder type “{kind}”.").format(kind=data.stakeholder_type)
            )
        if data.birth_year is not None and not 1900 <= data.birth_year <= 2100:
            raise InvalidParticipant(
                _("The birth year {year} is not plausible.").format(year=data.birth_year)
            )
        return data


def _apply(session: Session, participant: Participant, data: ParticipantData) -> None:
    """Write ``data`` (already cleaned) onto ``participant``, attributes included."""
    participant.first_name = data.first_name
    participant.last_name = data.last_name
    participant.email = data.email
    participant.phone = data.phone
    participant.postal_address = data.postal_address
    participant.household_key = household_key(data.postal_address)
    participant.stakeholder_type = data.stakeholder_type
    participant.affiliation = data.affiliation
    participant.birth_year = data.birth_year
    participant.notes = data.notes
    participant.organisation_id = data.organisation_id
    vocabularies = load_vocabularies(session)
    chosen: dict[uuid.UUID, uuid.UUID] = {}
    for key, raw in data.attributes.items():
        vocabulary = vocabularies.get(key)
        if vocabulary is None:
            raise InvalidParticipant(_("Unknown attribute “{key}”.").format(key=key))
        value = vocabulary.match(raw)
        if value is None:
            raise InvalidParticipant(
                _("“{value}” is not an allowed value of “{category}”.").format(
                    value=raw, category=vocabulary.label
                )
            )
        chosen[vocabulary.id] = value.id
    # Update in place: a new row with the same key (participant, category) as a row being
    # removed would clash in the unit of work.
    kept: list[ParticipantAttribute] = []
    for attribute in participant.attributes:
        if attribute.category_id in chosen:
            attribute.value_id = chosen.pop(attribute.category_id)
            kept.append(attribute)
    kept.extend(
        ParticipantAttribute(category_id=category_id, value_id=value_id)
        for category_id, value_id in chosen.items()
    )
    participant.attributes = kept


def create_participant(
    session: Session, data: ParticipantData, *, participant_id: uuid.UUID | None = None
) -> uuid.UUID:
    """Add a participant and commit; ``participant_id`` lets an undo re-create the same row."""
    data = data.cleaned()
    participant = Participant(id=participant_id or uuid.uuid4())
    session.add(participant)
    _apply(session, participant, data)
    session.commit()
    return participant.id


def participant_data(session: Session, participant_id: uuid.UUID) -> ParticipantData:
    """What the detail panel shows and edits for one participant."""
    participant = session.get(Participant, participant_id)
    if participant is None or participant.erased_at is not None:
        raise AtelierError(_("This participant no longer exists."))
    vocabularies = {v.id: v for v in load_vocabularies(session).values()}
    attributes = {}
    for attribute in participant.attributes:
        vocabulary = vocabularies.get(attribute.category_id)
        if vocabulary is None:
            continue
        value = next((v.value for v in vocabulary.values if v.id == attribute.value_id), None)
        if value is not None:
            attributes[vocabulary.key] = value
    return ParticipantData(
        first_name=participant.first_name,
        last_name=participant.last_name,
        email=participant.email,
        phone=participant.phone,
        postal_address=participant.postal_address,
        stakeholder_type=participant.stakeholder_type,
        affiliation=participant.affiliation,
        birth_year=participant.birth_year,
        notes=participant.notes,
        organisation_id=participant.organisation_id,
        attributes=attributes,
    )


@dataclass(frozen=True)
class ParticipantRow:
    id: uuid.UUID
    last_name: str
    first_name: str
    stakeholder_type: str
    email: str | None
    phone: str | None
    #: The badge code (8 letters), how people are referred to on paper and in the CLI.
    code: str = ""


#: Columns a list can be sorted by, in display order.
SORT_COLUMNS = ("last_name", "first_name", "stakeholder_type", "email", "phone")


def _escape_like(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _words(text: str) -> tuple[str, ...]:
    """The folded words of a label, with their transliteration and the label as a whole."""
    folded = fold(text)
    parts = set(re.split(r"[\s\-'·/]+", folded)) | set(re.split(r"[\s\-'·/]+", latin(folded)))
    return (folded, *sorted(p for p in parts if p))


def _starts(label_words: tuple[str, ...], word: str) -> bool:
    return any(part.startswith(word) for part in label_words)


def _filtered(session: Session, query: Select, search: str) -> Select:
    """Only people not erased; each typed word must match their name, email or phone, their
    stakeholder type (its label in the current language) or one of their attribute values
    (a neighbourhood, an age band…). Accents and case never matter.

    The words become one WHERE clause: a LIKE on the folded ``search_text``, a list of
    stakeholder codes and a list of attribute value ids (found in Python from the small
    vocabulary table, then matched in SQL through the index on ``participant_attribute.value_id``).
    """
    query = query.where(Participant.erased_at.is_(None))
    words = fold(search).split()
    if not words:
        return query
    # Labels and values match when one of their words starts with what was typed: "gare"
    # finds "La Gare", but "m" does not drag in every "Femme" and "Homme".
    kinds = [(code, _words(labels.stakeholder_type(code))) for code in STAKEHOLDER_TYPES]
    values = [
        (value_id, _words(value))
        for value_id, value in session.execute(select(AttributeValue.id, AttributeValue.value))
    ]
    for word in words:
        conditions = [Participant.search_text.like(f"%{_escape_like(word)}%", escape="\\")]
        codes = [code for code, label_words in kinds if _starts(label_words, word)]
        if codes:
            conditions.append(Participant.stakeholder_type.in_(codes))
        value_ids = [vid for vid, value_words in values if _starts(value_words, word)]
        if value_ids:
            conditions.append(
                Participant.id.in_(
                    select(ParticipantAttribute.participant_id).where(
                        ParticipantAttribute.value_id.in_(value_ids)
                    )
                )
            )
        query = query.where(or_(*conditions))
    return query


def count_participants(session: Session, search: str = "") -> int:
    return session.scalar(_filtered(session, select(func.count(Participant.id)), search)) or 0


#: In Bulgarian, the columns a name sort reads, in turn (see :func:`participant_page`).
_NAME_ORDER = {"last_name": ("last_name", "first_name"), "first_name": ("first_name", "last_name")}


def participant_page(
    session: Session,
    offset: int,
    limit: int,
    search: str = "",
    sort: str = "last_name",
    descending: bool = False,
    language: str | None = None,
) -> list[ParticipantRow]:
    """One page of the registry, sorted in SQL (only ``limit`` rows are loaded).

    Names sort on their folded keys, Cyrillic transliterated among Latin names ("Петрова"
    under P), except in Bulgarian (``language``, default the interface language): there
    Cyrillic names come first, in the Bulgarian alphabet (Ж before З, й its own letter after
    и), then Latin ones.
    """
    sort = sort if sort in SORT_COLUMNS else "last_name"
    on_postgresql = session.get_bind().dialect.name == "postgresql"
    if (language or i18n.current_language()) == "bg" and sort in _NAME_ORDER:
        orders = []
        for name in _NAME_ORDER[sort]:
            text = func.coalesce(getattr(Participant, name), "")
            latin_first = case((text >= "А", 0), else_=1)  # U+0410, the first Cyrillic capital
            column = text.collate("C") if on_postgresql else text
            orders += [latin_first, column]
        order_by = [o.desc() if descending else o.asc() for o in orders]
    else:
        keys = {"last_name": Participant.sort_key, "first_name": Participant.first_key}
        column = keys.get(sort) or getattr(Participant, sort)
        if on_postgresql:
            column = column.collate("C")  # the same order as a workspace file, whatever the server
        order_by = [(column.desc() if descending else column.asc()).nulls_last()]
    query = _filtered(
        session,
        select(
            Participant.id,
            Participant.last_name,
            Participant.first_name,
            Participant.stakeholder_type,
            Participant.email,
            Participant.phone,
            Participant.code,
        ),
        search,
    )
    query = query.order_by(*order_by, Participant.id).offset(offset).limit(limit)
    return [ParticipantRow(*row) for row in session.execute(query).all()]


# --------------------------------------------------------------------------- finding one


def find_participant(session: Session, reference: str | uuid.UUID) -> uuid.UUID:
    """The id of the participant a person refers to by badge code (8 letters) or UUID."""
    if isinstance(reference, uuid.UUID):
        found = session.scalar(select(Participant.id).where(Participant.id == reference))
    else:
        text = (reference or "").strip()
        found = session.scalar(select(Participant.id).where(Participant.code == text.upper()))
        if found is None:
            try:
                wanted = uuid.UUID(text)
            except ValueError:
                wanted = None
            if wanted is not None:
                found = session.scalar(select(Participant.id).where(Participant.id == wanted))
    if found is None:
        raise AtelierError(_("No participant has the code or id “{ref}”.").format(ref=reference))
    return found


def _live(session: Session, participant_id: uuid.UUID) -> Participant:
    participant = session.get(Participant, participant_id)
    if participant is None or participant.erased_at is not None:
        raise AtelierError(_("This participant no longer exists."))
    return participant


def stakeholder_choices() -> list[tuple[str, str]]:
    """(code, label in the current language) of every stakeholder type, for a combo box."""
    return [(code, labels.stakeholder_type(code)) for code in STAKEHOLDER_TYPES]


# --------------------------------------------------------------------------- editing


def participant_version(session: Session, participant_id: uuid.UUID) -> int:
    """The version an editor shows, to pass back as ``expected_version`` when saving."""
    return _live(session, participant_id).version


def participant_conflict(
    session: Session, participant_id: uuid.UUID, yours: ParticipantData, expected_version: int
) -> EditConflict:
    """What the user typed against what is stored now (read afresh)."""
    session.expire_all()
    stored = participant_data(session, participant_id)
    participant = _live(session, participant_id)
    organisations = {}

    def organisation(organisation_id) -> str:
        if organisation_id not in organisations:
            found = session.get(Organisation, organisation_id)
            organisations[organisation_id] = found.name if found else str(organisation_id)
        return organisations[organisation_id]

    return make_conflict(
        participant.full_name or participant.code,
        expected_version,
        participant.version,
        yours,
        stored,
        names={
            "organisation_id": organisation,
            "stakeholder_type": lambda code: labels.stakeholder_type(str(code)),
        },
    )


def update_participant(
    session: Session,
    participant_id: uuid.UUID,
    data: ParticipantData,
    expected_version: int | None = None,
) -> ParticipantData:
    """Save what was typed for a participant and commit; returns the data as they were
    before (an undo saves those back). With ``expected_version`` (the version the user
    saw), a participant saved by someone else meanwhile raises :class:`EditConflict` and
    nothing is saved."""
    begin_edit(session)
    previous = participant_data(session, participant_id)
    cleaned = data.cleaned()
    participant = _live(session, participant_id)

    def conflict() -> EditConflict:
        return participant_conflict(session, participant_id, cleaned, expected_version or 0)

    try:
        check_version(participant, expected_version, conflict)
        with session.no_autoflush:  # written at commit, where a conflict is caught
            _apply(session, participant, cleaned)
    except AtelierError:
        session.rollback()
        raise
    commit_edit(session, expected_version, conflict)
    return previous


def participant_references() -> list[tuple[object, list, list]]:
    """Every table with a foreign key to ``participant.id``: (table, columns whose rows go
    with the participant, columns set to NULL when the participant goes)."""
    found = []
    participant_id = Participant.__table__.c.id
    for table in Base.metadata.sorted_tables:
        if table is Participant.__table__:
            continue
        owned, nulled = [], []
        for fk in table.foreign_keys:
            if fk.column is participant_id:
                (nulled if (fk.ondelete or "").upper() == "SET NULL" else owned).append(fk.parent)
        if owned or nulled:
            found.append((table, owned, nulled))
    return found


@dataclass
class ParticipantSnapshot:
    """Everything held about a deleted participant, to put them back exactly (undo).

    ``row`` is the participant row (id, code, created_at… included); ``rows`` maps each table
    that referred to them (attributes, consents, registrations, attendance, and any table added
    later) to its deleted rows; ``links`` lists rows that only pointed at them (set to NULL)."""

    row: dict
    rows: dict[str, list[dict]] = field(default_factory=dict)
    #: (table name, column name, primary key values of the row)
    links: list[tuple[str, str, dict]] = field(default_factory=list)

    @property
    def id(self) -> uuid.UUID:
        return self.row["id"]

    @property
    def attributes(self) -> list[dict]:
        return self.rows.get("participant_attribute", [])

    @property
    def consents(self) -> list[dict]:
        return self.rows.get("consent_record", [])

    @property
    def registrations(self) -> list[dict]:
        return self.rows.get("registration", [])

    @property
    def attendance(self) -> list[dict]:
        return self.rows.get("attendance", [])


def delete_participant(session: Session, participant_id: uuid.UUID) -> ParticipantSnapshot:
    """Delete a participant and everything that refers to them; commits. Returns a snapshot
    that :func:`restore_participant` puts back (undo)."""
    participant = session.get(Participant, participant_id)
    if participant is None:
        raise AtelierError(_("This participant no longer exists."))
    session.expunge(participant)
    table = Participant.__table__
    row = dict(session.execute(select(table).where(table.c.id == participant_id)).mappings().one())
    snapshot = ParticipantSnapshot(row=row)
    for ref_table, owned, nulled in participant_references():
        if owned:
            match = or_(*(column == participant_id for column in owned))
            rows = [dict(r) for r in session.execute(select(ref_table).where(match)).mappings()]
            if rows:
                snapshot.rows[ref_table.name] = rows
                session.execute(ref_table.delete().where(match))
        for column in nulled:
            keys = ref_table.primary_key.columns
            for pk in session.execute(select(*keys).where(column == participant_id)).mappings():
                snapshot.links.append((ref_table.name, column.name, dict(pk)))
            session.execute(
                ref_table.update().where(column == participant_id).values({column.name: None})
            )
    session.execute(table.delete().where(table.c.id == participant_id))
    session.commit()
    return snapshot


def restore_participant(session: Session, snapshot: ParticipantSnapshot) -> None:
    """Put a deleted participant back with the same id, code and history (undo of delete);
    commits. Rows whose other end has gone meanwhile (a deleted session…) are left out."""
    table = Participant.__table__
    if session.scalar(select(table.c.id).where(table.c.id == snapshot.id)) is not None:
        raise AtelierError(_("This participant is already in the registry."))
    row = dict(snapshot.row)
    if session.scalar(select(table.c.id).where(table.c.code == row["code"])) is not None:
        row["code"] = new_participant_code()  # the badge code was reused meanwhile
    session.execute(insert(table), [row])
    tables = {t.name: t for t in Base.metadata.sorted_tables}
    for ref_table in Base.metadata.sorted_tables:  # parents before children
        rows = snapshot.rows.get(ref_table.name)
        if not rows:
            continue
        try:
            with session.begin_nested():
                session.execute(insert(ref_table), rows)
        except IntegrityError:
            for one in rows:  # put back what still fits, one row at a time
                with contextlib.suppress(IntegrityError), session.begin_nested():
                    session.execute(insert(ref_table), [one])
    for table_name, column_name, pk in snapshot.links:
        ref_table = tables.get(table_name)
        if ref_table is None:
            continue
        match = [ref_table.c[name] == value for name, value in pk.items()]
        session.execute(ref_table.update().where(*match).values({column_name: snapshot.id}))
    session.commit()


# --------------------------------------------------------------------------- detail panel


@dataclass(frozen=True)
class ParticipantDetail:
    """What the detail panel shows about one participant."""

    id: uuid.UUID
    code: str
    data: ParticipantData
    stakeholder_label: str
    household_key: str | None
    #: Other people (not erased) at the same normalised postal address.
    household_members: int
    consents: list[ConsentInfo]
    attendance_count: int
    #: Titles of the processes the person is registered in.
    registrations: list[str]
    created_at: datetime
    updated_at: datetime


def participant_detail(session: Session, participant_id: uuid.UUID) -> ParticipantDetail:
    data = participant_data(session, participant_id)
    participant = _live(session, participant_id)
    members = 0
    if participant.household_key:
        members = (
            session.scalar(
                select(func.count(Participant.id)).where(
                    Participant.household_key == participant.household_key,
                    Participant.id != participant_id,
                    Participant.erased_at.is_(None),
                )
            )
            or 0
        )
    attended = (
        session.scalar(
            select(func.count(Attendance.id)).where(Attendance.participant_id == participant_id)
        )
        or 0
    )
    processes = session.scalars(
        select(Process.title)
        .join(Registration, Registration.process_id == Process.id)
        .where(Registration.participant_id == participant_id)
        .order_by(Process.started_on, Process.title)
    ).all()
    return ParticipantDetail(
        id=participant.id,
        code=participant.code,
        data=data,
        stakeholder_label=labels.stakeholder_type(participant.stakeholder_type),
        household_key=participant.household_key,
        household_members=members,
        consents=consents_of(session, participant_id),
        attendance_count=attended,
        registrations=list(processes),
        created_at=participant.created_at,
        updated_at=participant.updated_at,
    )
