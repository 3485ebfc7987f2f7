"""The participant registry: entering people, and reading the list in pages so 100,000
people stay fluid."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from app.errors import AtelierError
from app.facilitation.households import household_key
from app.facilitation.vocabularies import load_vocabularies
from app.i18n import _
from app.models import STAKEHOLDER_TYPES, Participant, ParticipantAttribute
from app.models.text import fold

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
    participant.attributes = [
        ParticipantAttribute(category_id=category_id, value_id=value_id)
        for category_id, value_id in chosen.items()
    ]


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


#: Columns a list can be sorted by, in display order.
SORT_COLUMNS = ("last_name", "first_name", "stakeholder_type", "email", "phone")


def _filtered(query: Select, search: str) -> Select:
    query = query.where(Participant.erased_at.is_(None))
    for word in fold(search).split():  # each word must match (name, email or phone)
        escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(Participant.search_text.like(f"%{escaped}%", escape="\\"))
    return query


def count_participants(session: Session, search: str = "") -> int:
    return session.scalar(_filtered(select(func.count(Participant.id)), search)) or 0


def participant_page(
    session: Session,
    offset: int,
    limit: int,
    search: str = "",
    sort: str = "last_name",
    descending: bool = False,
) -> list[ParticipantRow]:
    """One page of the registry, sorted in SQL (only ``limit`` rows are loaded)."""
    sort = sort if sort in SORT_COLUMNS else "last_name"
    keys = {"last_name": Participant.sort_key, "first_name": Participant.first_key}
    column = keys.get(sort) or getattr(Participant, sort)
    if session.get_bind().dialect.name == "postgresql":
        column = column.collate("C")  # the same order as a workspace file, whatever the server
    order = (column.desc() if descending else column.asc()).nulls_last()
    query = _filtered(
        select(
            Participant.id,
            Participant.last_name,
            Participant.first_name,
            Participant.stakeholder_type,
            Participant.email,
            Participant.phone,
        ),
        search,
    )
    query = query.order_by(order, Participant.id).offset(offset).limit(limit)
    return [ParticipantRow(*row) for row in session.execute(query).all()]
