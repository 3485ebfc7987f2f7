"""Co-construction processes (démarches), their sessions (ateliers) and attendance."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Entity, UTCDateTime, Versioned

#: The co-production cycle.
PHASES = ("co_prioritise", "co_design", "co_deliver", "co_evaluate")
#: Shared validation of the minutes.
MINUTES_STATUSES = ("draft", "circulated", "validated")
#: What became of a decision recorded in a session.
DECISION_STATUSES = ("proposed", "adopted", "rejected", "postponed")


class Process(Versioned, Entity):
    __tablename__ = "process"

    organisation_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="SET NULL"), index=True
    )
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text)
    phase: Mapped[str] = mapped_column(String(20), default="co_prioritise")
    #: The participation charter (charte de la participation) of this process.
    charter: Mapped[str | None] = mapped_column(Text)
    started_on: Mapped[date | None] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date)

    sessions: Mapped[list[Session]] = relationship(
        back_populates="process",
        cascade="all, delete-orphan",
        order_by="Session.starts_at",
    )


class Registration(Entity):
    """A participant taking part in a process (the pool for its votes and juries)."""

    __tablename__ = "registration"
    __table_args__ = (UniqueConstraint("process_id", "participant_id"),)

    process_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("process.id", ondelete="CASCADE"), index=True
    )
    participant_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("participant.id", ondelete="CASCADE"), index=True
    )
    #: Volunteered to be drawn for a citizen jury of this process.
    jury_volunteer: Mapped[bool] = mapped_column(Boolean, default=False)


class Session(Versioned, Entity):
    __tablename__ = "session"

    process_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("process.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(300))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Set when the session is a meeting of a follow-up committee.
    committee_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("committee.id", ondelete="SET NULL"), index=True
    )
    place: Mapped[str | None] = mapped_column(String(300))
    agenda: Mapped[str | None] = mapped_column(Text)
    facilitators: Mapped[str | None] = mapped_column(String(300))
    minutes: Mapped[str | None] = mapped_column(Text)
    minutes_status: Mapped[str] = mapped_column(String(20), default="draft")
    minutes_circulated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    minutes_validated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Who validated the minutes (names as typed, e.g. "Le comité, Mme Dupont").
    minutes_validated_by: Mapped[str | None] = mapped_column(String(300))

    process: Mapped[Process] = relationship(back_populates="sessions")
    agenda_items: Mapped[list[AgendaItem]] = relationship(
        back_populates="session", cascade="all, delete-orphan", order_by="AgendaItem.position"
    )
    decisions: Mapped[list[Decision]] = relationship(
        back_populates="session", cascade="all, delete-orphan", order_by="Decision.position"
    )
    attendances: Mapped[list[Attendance]] = relationship(
        back_populates="session", cascade="all, delete-orphan"
    )


class Attendance(Entity):
    """A sign-in (émargement): who came to which session, when, and how it was recorded."""

    __tablename__ = "attendance"
    __table_args__ = (UniqueConstraint("session_id", "participant_id"),)

    session_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("session.id", ondelete="CASCADE"), index=True
    )
    participant_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("participant.id", ondelete="CASCADE"), index=True
    )
    signed_in_at: Mapped[datetime] = mapped_column(UTCDateTime)
    signed_out_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: sheet (paper sign-in sheet), app (signed in on the laptop), late (added afterwards)
    method: Mapped[str] = mapped_column(String(20), default="app")

    session: Mapped[Session] = relationship(back_populates="attendances")


class AgendaItem(Entity):
    """One item of a session's agenda (ordre du jour), with its planned duration."""

    __tablename__ = "agenda_item"

    session_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("session.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    title: Mapped[str] = mapped_column(String(300))
    duration_minutes: Mapped[int | None] = mapped_column(Integer)
    notes: Mapped[str | None] = mapped_column(Text)

    session: Mapped[Session] = relationship(back_populates="agenda_items")


class Decision(Versioned, Entity):
    """A decision recorded in a session (relevé de décisions)."""

    __tablename__ = "decision"

    session_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("session.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="proposed")
    #: When and by whom it was decided (the decisions log of a committee).
    decided_on: Mapped[date | None] = mapped_column(Date)
    decided_by: Mapped[str | None] = mapped_column(String(300))

    session: Mapped[Session] = relationship(back_populates="decisions")
