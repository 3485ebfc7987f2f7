"""Follow-up committees (comités de suivi): members, action plan, indicators.

Meetings are ordinary sessions whose ``committee_id`` points here, so agenda, sign-in, minutes
and the decisions log are the session features. An action keeps the history of every change
(:class:`ActionChange`: who, when, old → new). Owners and members keep their names, so
erasing a participant never loses who was responsible for past actions.
"""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import Date, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Entity, Versioned

MEMBER_ROLES = ("chair", "secretary", "member", "observer")
ACTION_STATUSES = ("planned", "in_progress", "done", "blocked", "dropped")
#: Which way an indicator should move.
INDICATOR_DIRECTIONS = ("higher", "lower")
#: Where an indicator's measurements come from: typed in, or computed from the app's own data.
INDICATOR_SOURCES = (
    "manual",
    "attendance",
    "stakeholders",
    "diversity",
    "volunteer_hours",
    "people_helped",
)


class Committee(Versioned, Entity):
    __tablename__ = "committee"

    process_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("process.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text)
    #: The most full members (chair, secretary, member) it may have; observers are unlimited.
    max_members: Mapped[int | None] = mapped_column(Integer)

    members: Mapped[list[CommitteeMember]] = relationship(
        back_populates="committee", cascade="all, delete-orphan"
    )
    actions: Mapped[list[Action]] = relationship(
        back_populates="committee", cascade="all, delete-orphan"
    )
    indicators: Mapped[list[Indicator]] = relationship(
        back_populates="committee", cascade="all, delete-orphan", order_by="Indicator.position"
    )


class CommitteeMember(Entity):
    __tablename__ = "committee_member"

    committee_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("committee.id", ondelete="CASCADE"), index=True
    )
    participant_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("participant.id", ondelete="SET NULL")
    )
    organisation_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="SET NULL")
    )
    #: The name as shown, kept when the participant is erased or the member removed.
    name: Mapped[str] = mapped_column(String(300))
    role: Mapped[str] = mapped_column(String(20), default="member")
    joined_on: Mapped[date | None] = mapped_column(Date)
    left_on: Mapped[date | None] = mapped_column(Date)

    committee: Mapped[Committee] = relationship(back_populates="members")


class Action(Versioned, Entity):
    """One line of the action plan."""

    __tablename__ = "action"

    committee_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("committee.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text)
    owner_member_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("committee_member.id", ondelete="SET NULL")
    )
    owner_organisation_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="SET NULL")
    )
    #: The owner's name as shown (kept when the member is removed).
    owner_name: Mapped[str | None] = mapped_column(String(300))
    created_on: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date | None] = mapped_column(Date, index=True)
    status: Mapped[str] = mapped_column(String(20), default="planned", index=True)
    progress: Mapped[int] = mapped_column(Integer, default=0)
    notes: Mapped[str | None] = mapped_column(Text)
    #: The decision the action carries out, if any.
    decision_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("decision.id", ondelete="SET NULL")
    )

    committee: Mapped[Committee] = relationship(back_populates="actions")
    changes: Mapped[list[ActionChange]] = relationship(
        back_populates="action", cascade="all, delete-orphan", order_by="ActionChange.created_at"
    )


class ActionChange(Entity):
    """One change to an action: which field, old → new, by whom (``created_at`` is when)."""

    __tablename__ = "action_change"

    action_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("action.id", ondelete="CASCADE"), index=True
    )
    field: Mapped[str] = mapped_column(String(40))
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)
    author: Mapped[str | None] = mapped_column(String(300))
    #: The meeting whose review recorded the change, if any.
    session_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("session.id", ondelete="SET NULL")
    )

    action: Mapped[Action] = relationship(back_populates="changes")


class Indicator(Versioned, Entity):
    """A co-evaluation indicator: baseline, target, and measurements over time."""

    __tablename__ = "indicator"

    committee_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("committee.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    name: Mapped[str] = mapped_column(String(300))
    unit: Mapped[str | None] = mapped_column(String(40))
    direction: Mapped[str] = mapped_column(String(10), default="higher")
    baseline: Mapped[float | None] = mapped_column(Float)
    target: Mapped[float | None] = mapped_column(Float)
    source: Mapped[str] = mapped_column(String(20), default="manual")
    #: Parameters of a computed source as JSON (e.g. the category for "diversity").
    source_params: Mapped[str | None] = mapped_column(Text)

    committee: Mapped[Committee] = relationship(back_populates="indicators")
    measurements: Mapped[list[Measurement]] = relationship(
        back_populates="indicator",
        cascade="all, delete-orphan",
        order_by="Measurement.measured_on",
    )


class Measurement(Entity):
    __tablename__ = "measurement"

    indicator_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("indicator.id", ondelete="CASCADE"), index=True
    )
    measured_on: Mapped[date] = mapped_column(Date)
    value: Mapped[float] = mapped_column(Float)
    source: Mapped[str | None] = mapped_column(String(300))
    note: Mapped[str | None] = mapped_column(Text)

    indicator: Mapped[Indicator] = relationship(back_populates="measurements")
