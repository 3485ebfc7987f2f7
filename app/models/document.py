"""The history of generated documents (PDF reports, sign-in sheets, ballots…).

Each row says what was printed, about what, in which language, when, and the SHA-256 of the
file, so a document handed to the council can later be checked against the record.
"""

from __future__ import annotations

import uuid

from sqlalchemy import Integer, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Entity

#: session, signin, ballots, jury, evaluation, committee, annual, access, certificate
DOCUMENT_KINDS = (
    "session",
    "signin",
    "ballots",
    "jury",
    "evaluation",
    "committee",
    "annual",
    "access",
    "certificate",
)


class GeneratedDocument(Entity):
    __tablename__ = "generated_document"

    kind: Mapped[str] = mapped_column(String(20), index=True)
    #: The session, vote, panel, jury, committee or participant it is about (no foreign key:
    #: the record outlives its subject).
    subject_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, index=True)
    title: Mapped[str] = mapped_column(String(300))
    language: Mapped[str] = mapped_column(String(8), default="fr")
    pages: Mapped[int] = mapped_column(Integer, default=0)
    sha256: Mapped[str] = mapped_column(String(64))
    #: Where it was written (as typed; the file may have moved since).
    path: Mapped[str | None] = mapped_column(Text)
