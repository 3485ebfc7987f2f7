"""What documents are about: lists for the Documents area, and finders for the CLI."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import AtelierError
from app.facilitation import participants as participants_module
from app.facilitation import sessions as sessions_module
from app.i18n import _
from app.models import Participant, Vote
from app.models import Session as WorkshopSession
from app.models.text import fold


def sessions(session: Session) -> list[tuple[uuid.UUID, str]]:
    """Every session, newest first: "date — title (process)"."""
    rows = session.execute(
        select(WorkshopSession.id, WorkshopSession.title, WorkshopSession.starts_at).order_by(
            WorkshopSession.starts_at.desc(), WorkshopSession.title
        )
    ).all()
    return [(sid, f"{starts.date().isoformat()} — {title}") for sid, title, starts in rows]


def find_session(session: Session, reference: str) -> uuid.UUID:
    return sessions_module.find_session(session, reference)


def votes(session: Session) -> list[tuple[uuid.UUID, str]]:
    """Every vote, newest first, with its session's title."""
    rows = session.execute(
        select(Vote.id, Vote.question, WorkshopSession.title, WorkshopSession.starts_at)
        .join(WorkshopSession, WorkshopSession.id == Vote.session_id)
        .order_by(WorkshopSession.starts_at.desc(), Vote.created_at)
    ).all()
    return [(vid, f"{question} ({title})") for vid, question, title, _starts in rows]


def find_vote(session: Session, reference: str) -> uuid.UUID:
    """A vote by its id or a unique prefix of its question (accents and case ignored)."""
    reference = (reference or "").strip()
    try:
        wanted = uuid.UUID(reference)
    except ValueError:
        wanted = None
    if wanted is not None and session.get(Vote, wanted) is not None:
        return wanted
    folded = fold(reference)
    matches = [
        vid
        for vid, question in session.execute(select(Vote.id, Vote.question)).all()
        if folded and fold(question).startswith(folded)
    ]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise AtelierError(_("No vote matches “{ref}”.").format(ref=reference))
    raise AtelierError(
        _("“{ref}” matches several votes; give more of the question or the id.").format(
            ref=reference
        )
    )


def participants(session: Session) -> list[tuple[uuid.UUID, str]]:
    """Every participant not erased, in alphabetical order: "Last First (CODE)"."""
    rows = session.execute(
        select(Participant.id, Participant.first_name, Participant.last_name, Participant.code)
        .where(Participant.erased_at.is_(None))
        .order_by(Participant.sort_key, Participant.id)
    ).all()
    return [(pid, f"{last} {first} ({code})".strip()) for pid, first, last, code in rows]


def find_participant(session: Session, reference: str) -> uuid.UUID:
    return participants_module.find_participant(session, reference)
