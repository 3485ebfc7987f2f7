"""Participants, their demographic attributes (from controlled vocabularies) and consents."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import (
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    Uuid,
    event,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, Entity, UTCDateTime, Versioned
from app.models.text import new_participant_code, participant_keys

#: Stakeholder types (codes stored; labels are translated in the facilitation layer).
STAKEHOLDER_TYPES = (
    "resident",
    "association",
    "elected",
    "staff",
    "shopkeeper",
    "business",
    "youth",
    "other",
)


class Participant(Versioned, Entity):
    __tablename__ = "participant"
    __table_args__ = (
        Index("ix_participant_sort_key", "sort_key"),
        Index("ix_participant_first_key", "first_key"),
        Index("ix_participant_household", "household_key"),
    )

    organisation_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="SET NULL")
    )
    #: A short unique code for badges and scanners (see ``new_participant_code``).
    code: Mapped[str] = mapped_column(String(16), unique=True, default=new_participant_code)
    first_name: Mapped[str] = mapped_column(String(120), default="")
    last_name: Mapped[str] = mapped_column(String(120), default="")
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(40))
    postal_address: Mapped[str | None] = mapped_column(Text)
    #: Normalised postal address, so "at most one person per household" can be checked.
    household_key: Mapped[str | None] = mapped_column(String(300))
    stakeholder_type: Mapped[str] = mapped_column(String(40), default="resident")
    #: The association, company or department the person speaks for, if any.
    affiliation: Mapped[str | None] = mapped_column(String(200))
    birth_year: Mapped[int | None] = mapped_column(Integer)
    notes: Mapped[str | None] = mapped_column(Text)
    #: Folded "last first" (no case, no accents): the order people expect in a list.
    sort_key: Mapped[str] = mapped_column(String(250), default="")
    #: Folded "first last", for sorting by first name.
    first_key: Mapped[str] = mapped_column(String(250), default="")
    #: Folded names, email and phone, for filter-as-you-type.
    search_text: Mapped[str] = mapped_column(Text, default="")
    #: Set when personal data were erased (GDPR); the row stays for anonymous counts.
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    attributes: Mapped[list[ParticipantAttribute]] = relationship(
        back_populates="participant", cascade="all, delete-orphan"
    )
    consents: Mapped[list[ConsentRecord]] = relationship(
        back_populates="participant", cascade="all, delete-orphan"
    )

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def refresh_keys(self) -> None:
        for key, value in participant_keys(
            self.first_name, self.last_name, self.email, self.phone
        ).items():
            setattr(self, key, value)


@event.listens_for(Participant, "before_insert")
@event.listens_for(Participant, "before_update")
def _keep_keys(_mapper, _connection, target: Participant) -> None:
    target.refresh_keys()


class AttributeCategory(Entity):
    """A demographic category used by statistics and quotas (gender, age band, …)."""

    __tablename__ = "attribute_category"

    key: Mapped[str] = mapped_column(String(80), unique=True)
    label: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(Integer, default=0)

    values: Mapped[list[AttributeValue]] = relationship(
        back_populates="category",
        cascade="all, delete-orphan",
        order_by="AttributeValue.position",
    )


class AttributeValue(Entity):
    """One allowed value of a category, so "F", "Femme" and "femme " are one value."""

    __tablename__ = "attribute_value"
    __table_args__ = (UniqueConstraint("category_id", "value"),)

    category_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("attribute_category.id", ondelete="CASCADE")
    )
    value: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(Integer, default=0)
    #: Share of the reference population (census), 0..1, when known.
    population_share: Mapped[float | None]

    category: Mapped[AttributeCategory] = relationship(back_populates="values")


class ParticipantAttribute(Base):
    """The value a participant has in a category (at most one per category)."""

    __tablename__ = "participant_attribute"

    participant_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("participant.id", ondelete="CASCADE"), primary_key=True
    )
    category_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("attribute_category.id", ondelete="CASCADE"), primary_key=True
    )
    value_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("attribute_value.id", ondelete="CASCADE"), index=True
    )

    participant: Mapped[Participant] = relationship(back_populates="attributes")
    category: Mapped[AttributeCategory] = relationship()
    value: Mapped[AttributeValue] = relationship()


#: Consent purposes every workspace starts with (code → retention in months); a workspace
#: can add its own in the consent_purpose table.
CONSENT_PURPOSES = {"contact": 36, "photo": 24, "jury_pool": 36, "partner_sharing": 24}
CONSENT_METHODS = ("paper", "oral", "online")


class ConsentPurpose(Entity):
    """What a consent is for, and how long the data may be kept for it (GDPR retention)."""

    __tablename__ = "consent_purpose"

    code: Mapped[str] = mapped_column(String(40), unique=True)
    #: Label typed by the user; None for the built-in purposes (translated by the app).
    label: Mapped[str | None] = mapped_column(String(200))
    #: Months after the consent was given (or the last attendance); None: until withdrawn.
    retention_months: Mapped[int | None] = mapped_column(Integer)
    position: Mapped[int] = mapped_column(Integer, default=0)


class ConsentRecord(Entity):
    __tablename__ = "consent_record"

    participant_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("participant.id", ondelete="CASCADE"), index=True
    )
    purpose: Mapped[str] = mapped_column(String(40))
    given_on: Mapped[date] = mapped_column(Date)
    method: Mapped[str] = mapped_column(String(20), default="paper")
    withdrawn_on: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)

    participant: Mapped[Participant] = relationship(back_populates="consents")
