"""Co-delivery: volunteers, their missions and hours, people helped, costs and savings.

Residents do part of the work themselves (mentoring families, running a garden, leading a
prevention programme). A :class:`VolunteerProfile` says who volunteers for a process, with
skills, availability, trainings and the charter signed; a :class:`Mission` is a task of an
action of a committee's action plan; :class:`TimeEntry` rows are the hours given. Names (or
codes) are kept on profiles and time entries, so erasing a person keeps every hour counted.
The workspace's reference hourly value lives in ``workspace_meta``
(``codelivery.hourly_value`` and ``codelivery.hourly_value_source``).
"""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import Boolean, Date, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Entity, Versioned

SUPPORT_COST_KINDS = ("training", "coordination", "materials", "other")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class VolunteerProfile(Versioned, Entity):
    __tablename__ = "volunteer_profile"

    process_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("process.id", ondelete="CASCADE"), index=True
    )
    participant_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("participant.id", ondelete="SET NULL"), index=True
    )
    #: The name as shown; after erasure, the participant's code.
    name: Mapped[str] = mapped_column(String(300))
    #: Comma-separated skills ("accompagnement scolaire, jardinage").
    skills: Mapped[str | None] = mapped_column(Text)
    #: Comma-separated days from WEEKDAYS.
    available_days: Mapped[str | None] = mapped_column(String(40))
    hours_per_week: Mapped[float | None] = mapped_column(Float)
    charter_signed_on: Mapped[date | None] = mapped_column(Date)
    charter_version: Mapped[str | None] = mapped_column(String(40))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    notes: Mapped[str | None] = mapped_column(Text)

    trainings: Mapped[list[Training]] = relationship(
        back_populates="volunteer", cascade="all, delete-orphan", order_by="Training.held_on"
    )


class Training(Entity):
    __tablename__ = "training"

    volunteer_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("volunteer_profile.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(300))
    held_on: Mapped[date | None] = mapped_column(Date)
    hours: Mapped[float | None] = mapped_column(Float)

    volunteer: Mapped[VolunteerProfile] = relationship(back_populates="trainings")


class Mission(Versioned, Entity):
    """A co-delivery task, attached to an action of a follow-up committee."""

    __tablename__ = "mission"

    process_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("process.id", ondelete="CASCADE"), index=True
    )
    action_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("action.id", ondelete="SET NULL"), index=True
    )
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text)
    place: Mapped[str | None] = mapped_column(String(300))
    skills: Mapped[str | None] = mapped_column(Text)
    volunteers_wanted: Mapped[int | None] = mapped_column(Integer)
    starts_on: Mapped[date | None] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)


class MissionAssignment(Entity):
    """A volunteer on a mission, assigned or signed up, with the weekly hours planned."""

    __tablename__ = "mission_assignment"
    __table_args__ = (
        Index("ix_mission_assignment_pair", "mission_id", "volunteer_id", unique=True),
    )

    mission_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("mission.id", ondelete="CASCADE"))
    volunteer_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("volunteer_profile.id", ondelete="CASCADE"), index=True
    )
    hours_per_week: Mapped[float | None] = mapped_column(Float)
    signed_up: Mapped[bool] = mapped_column(Boolean, default=False)


class TimeEntry(Entity):
    """Hours one volunteer gave to one mission on one day."""

    __tablename__ = "time_entry"
    __table_args__ = (Index("ix_time_entry_mission_day", "mission_id", "worked_on"),)

    mission_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("mission.id", ondelete="CASCADE"))
    volunteer_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("volunteer_profile.id", ondelete="SET NULL"), index=True
    )
    #: Who gave the hours, kept when the volunteer is removed (name, or code after erasure).
    volunteer_name: Mapped[str] = mapped_column(String(300))
    worked_on: Mapped[date] = mapped_column(Date)
    hours: Mapped[float] = mapped_column(Float)
    note: Mapped[str | None] = mapped_column(Text)


class PeopleHelped(Entity):
    """How many people a mission helped over a period, by category (families, young people…)."""

    __tablename__ = "people_helped"

    mission_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("mission.id", ondelete="CASCADE"), index=True
    )
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    category: Mapped[str | None] = mapped_column(String(100))
    count: Mapped[int] = mapped_column(Integer)


class SupportCost(Entity):
    """What supporting a mission cost: training, coordination, materials."""

    __tablename__ = "support_cost"

    mission_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("mission.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20), default="other")
    amount: Mapped[float] = mapped_column(Float)
    incurred_on: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)


class EstimatedSaving(Entity):
    """A saving the user estimates for an action (e.g. placements avoided), with its source."""

    __tablename__ = "estimated_saving"

    action_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("action.id", ondelete="CASCADE"), index=True
    )
    amount: Mapped[float] = mapped_column(Float)
    source: Mapped[str] = mapped_column(Text)
    period_start: Mapped[date | None] = mapped_column(Date)
    period_end: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)
