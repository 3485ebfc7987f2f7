"""Votes (scrutins): options, ballots, and the marks that stop anyone voting twice.

Secrecy by construction: a ballot of a secret vote is stored with no link to its voter, no
timestamp, and in a table without SQLite's hidden row number (``WITHOUT ROWID``), ordered by a
random key, so the order in which people voted cannot be read back from the file. Who has
voted is kept apart, in :class:`VoterMark`.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Boolean, Float, ForeignKey, Integer, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, Entity, UTCDateTime, Versioned

VOTE_STATUSES = ("draft", "open", "closed", "published")
#: Who may vote: people signed in to the session, everyone registered in the process, or an
#: open count (no voter list: counts typed in, or anyone at a kiosk).
ELIGIBILITY = ("session", "process", "open")
BALLOT_STATUSES = ("valid", "blank", "spoiled")
ENTRY_MODES = ("paper", "kiosk", "count")


class Vote(Versioned, Entity):
    __tablename__ = "vote"

    session_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("session.id", ondelete="CASCADE"), index=True
    )
    question: Mapped[str] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)
    #: A name from app.facilitation.voting.registry.METHODS.
    method: Mapped[str] = mapped_column(String(40))
    #: The method's rules as canonical JSON (seats, dots per voter, grades, budget…).
    rules: Mapped[str] = mapped_column(Text, default="{}")
    secret: Mapped[bool] = mapped_column(Boolean, default=True)
    eligibility: Mapped[str] = mapped_column(String(20), default="session")
    status: Mapped[str] = mapped_column(String(20), default="draft")
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Seed of the tie-break draw, fixed when the vote opens (recorded in the audit log).
    tiebreak_seed: Mapped[int | None] = mapped_column(Integer)
    #: The result frozen at closing (canonical JSON of Result.as_dict()).
    result: Mapped[str | None] = mapped_column(Text)
    #: SHA-256 of the ballots at closing, independent of their storage order.
    ballots_hash: Mapped[str | None] = mapped_column(String(64))

    options: Mapped[list[VoteOption]] = relationship(
        back_populates="vote", cascade="all, delete-orphan", order_by="VoteOption.position"
    )


class VoteOption(Entity):
    __tablename__ = "vote_option"

    vote_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("vote.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text)
    #: For participatory budgets: what the project costs.
    cost: Mapped[float | None] = mapped_column(Float)

    vote: Mapped[Vote] = relationship(back_populates="options")


class Ballot(Base):
    """One ballot (or, with ``weight``, several identical ones typed as a count).

    Deliberately no timestamps and no row number: see the module docstring.
    """

    __tablename__ = "ballot"
    __table_args__ = {"sqlite_with_rowid": False}

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    vote_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("vote.id", ondelete="CASCADE"), index=True
    )
    #: The ballot as canonical JSON, in the method's ballot shape (see voting/base.py).
    content: Mapped[str] = mapped_column(Text, default="null")
    status: Mapped[str] = mapped_column(String(10), default="valid")
    weight: Mapped[int] = mapped_column(Integer, default=1)
    entry: Mapped[str] = mapped_column(String(10), default="paper")
    #: Only for a named (non-secret) vote.
    participant_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("participant.id", ondelete="SET NULL")
    )


class VoterMark(Base):
    """ "Has voted": stops double voting, kept apart from the ballots."""

    __tablename__ = "voter_mark"
    __table_args__ = {"sqlite_with_rowid": False}

    vote_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("vote.id", ondelete="CASCADE"), primary_key=True
    )
    participant_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("participant.id", ondelete="CASCADE"), primary_key=True
    )
