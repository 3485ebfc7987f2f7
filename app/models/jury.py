"""Juries: citizen juries drawn by lot (panels) and evaluation juries that score candidates.

A :class:`Panel` keeps everything needed to defend a draw in public: the quotas, a frozen copy
of the pool (who was in it, with which attributes, and each person's selection probability),
the distribution the panel was drawn from, the seed, and the hashes recorded in the audit log.
The people drawn and the reserve list are :class:`PanelSeat` rows.

An :class:`EvaluationJury` (e.g. residents on the jury of a design competition) scores
candidates against weighted criteria; a member may recuse from a candidate.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Boolean, Float, ForeignKey, Integer, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, Entity, UTCDateTime, Versioned

PANEL_STATUSES = ("draft", "drawn")
PANEL_ALGORITHMS = ("leximin", "legacy")
SEAT_KINDS = ("selected", "alternate")
#: active: sits on the panel (or waits in the reserve); declined: said no and was replaced;
#: used: an alternate who took a decliner's seat (a new "selected" seat records the swap).
SEAT_STATUSES = ("active", "declined", "used")

JURY_STATUSES = ("open", "deliberating", "decided")
#: The colleges an evaluation jury usually mixes.
JURY_COLLEGES = ("resident", "elected", "expert", "staff")


class Panel(Versioned, Entity):
    """A citizen jury drawn by lot (jury citoyen tiré au sort)."""

    __tablename__ = "panel"

    process_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("process.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(300))
    size: Mapped[int] = mapped_column(Integer)
    #: At most one person per household.
    household_rule: Mapped[bool] = mapped_column(Boolean, default=True)
    algorithm: Mapped[str] = mapped_column(String(20), default="leximin")
    alternates: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(20), default="draft")
    #: The seed as typed (dice rolled in the room, a lottery result).
    seed: Mapped[str | None] = mapped_column(String(200))
    #: Canonical JSON of the sortition instance (pool, quotas, size) and its SHA-256.
    instance: Mapped[str | None] = mapped_column(Text)
    instance_hash: Mapped[str | None] = mapped_column(String(64))
    #: Canonical JSON of the distribution over panels the draw used, and its SHA-256.
    distribution: Mapped[str | None] = mapped_column(Text)
    distribution_hash: Mapped[str | None] = mapped_column(String(64))
    drawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    quotas: Mapped[list[PanelQuota]] = relationship(
        back_populates="panel", cascade="all, delete-orphan"
    )
    seats: Mapped[list[PanelSeat]] = relationship(
        back_populates="panel", cascade="all, delete-orphan", order_by="PanelSeat.position"
    )


class PanelQuota(Entity):
    """How many people with one attribute value the panel must hold (min..max)."""

    __tablename__ = "panel_quota"
    __table_args__ = (UniqueConstraint("panel_id", "value_id"),)

    panel_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("panel.id", ondelete="CASCADE"), index=True
    )
    category_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("attribute_category.id", ondelete="CASCADE")
    )
    value_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("attribute_value.id", ondelete="CASCADE")
    )
    minimum: Mapped[int] = mapped_column(Integer, default=0)
    maximum: Mapped[int] = mapped_column(Integer, default=0)
    #: The target share of the population this quota was computed from (census), if any.
    target_share: Mapped[float | None] = mapped_column(Float)

    panel: Mapped[Panel] = relationship(back_populates="quotas")


class PanelPoolMember(Base):
    """One person of the pool as it stood at the draw, with their selection probability."""

    __tablename__ = "panel_pool_member"

    panel_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("panel.id", ondelete="CASCADE"), primary_key=True
    )
    #: Index of the person in the recorded instance.
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    participant_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("participant.id", ondelete="SET NULL")
    )
    probability: Mapped[float] = mapped_column(Float, default=0.0)


class PanelSeat(Entity):
    """A person drawn onto the panel, or waiting in the ordered reserve list."""

    __tablename__ = "panel_seat"

    panel_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("panel.id", ondelete="CASCADE"), index=True
    )
    participant_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("participant.id", ondelete="SET NULL")
    )
    #: Index of the person in the recorded instance (kept if the participant is erased).
    pool_position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20), default="selected")
    position: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(20), default="active")
    #: For a seat taken by an alternate: the seat of the person who declined.
    replaces_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("panel_seat.id", ondelete="SET NULL")
    )

    panel: Mapped[Panel] = relationship(back_populates="seats")


class EvaluationJury(Versioned, Entity):
    """A jury that scores candidates on weighted criteria (jury de concours)."""

    __tablename__ = "evaluation_jury"

    process_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("process.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text)
    scale_min: Mapped[int] = mapped_column(Integer, default=0)
    scale_max: Mapped[int] = mapped_column(Integer, default=10)
    status: Mapped[str] = mapped_column(String(20), default="open")
    #: Deliberation notes (free text).
    notes: Mapped[str | None] = mapped_column(Text)
    #: The final decision as recorded, and when.
    decision: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    members: Mapped[list[JuryMember]] = relationship(
        back_populates="jury", cascade="all, delete-orphan", order_by="JuryMember.position"
    )
    candidates: Mapped[list[JuryCandidate]] = relationship(
        back_populates="jury", cascade="all, delete-orphan", order_by="JuryCandidate.position"
    )
    criteria: Mapped[list[JuryCriterion]] = relationship(
        back_populates="jury", cascade="all, delete-orphan", order_by="JuryCriterion.position"
    )


class JuryMember(Entity):
    __tablename__ = "jury_member"

    jury_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("evaluation_jury.id", ondelete="CASCADE"), index=True
    )
    participant_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("participant.id", ondelete="SET NULL")
    )
    #: The member's name as shown, kept when the participant is erased.
    name: Mapped[str] = mapped_column(String(300))
    college: Mapped[str] = mapped_column(String(20), default="resident")
    position: Mapped[int] = mapped_column(Integer, default=0)

    jury: Mapped[EvaluationJury] = relationship(back_populates="members")


class JuryCandidate(Entity):
    __tablename__ = "jury_candidate"

    jury_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("evaluation_jury.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    name: Mapped[str] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text)

    jury: Mapped[EvaluationJury] = relationship(back_populates="candidates")


class JuryCriterion(Entity):
    __tablename__ = "jury_criterion"

    jury_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("evaluation_jury.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    name: Mapped[str] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text)
    weight: Mapped[float] = mapped_column(Float, default=1.0)

    jury: Mapped[EvaluationJury] = relationship(back_populates="criteria")


class JuryScore(Base):
    """One member's score of one candidate on one criterion."""

    __tablename__ = "jury_score"

    member_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("jury_member.id", ondelete="CASCADE"), primary_key=True
    )
    candidate_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("jury_candidate.id", ondelete="CASCADE"), primary_key=True
    )
    criterion_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("jury_criterion.id", ondelete="CASCADE"), primary_key=True
    )
    score: Mapped[float] = mapped_column(Float)


class JuryRecusal(Base):
    """A declared conflict of interest: the member does not score this candidate."""

    __tablename__ = "jury_recusal"

    member_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("jury_member.id", ondelete="CASCADE"), primary_key=True
    )
    candidate_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("jury_candidate.id", ondelete="CASCADE"), primary_key=True
    )
    reason: Mapped[str | None] = mapped_column(Text)
