"""A vote's life: draft → open → closed → published, ballots, secrecy, and the frozen result.

* **Draft**: question, options, method and rules can change.
* **Open**: ballots are recorded. In a secret vote a ballot keeps no link to its voter; the
  "has voted" mark (:class:`~app.models.VoterMark`) is written in the same transaction and stops
  a second ballot. The tie-break seed is drawn when the vote opens and written to the audit
  log, so nobody can choose it after seeing the ballots.
* **Closed**: ballots are frozen; the result is counted once, stored, and its hash and the
  ballots' hash (independent of storage order) go into the hash-chained audit log.
* **Published**: the result may be shown and printed.

Ballots travel as JSON in the method's ballot shape (see voting/base.py): approval → a sorted
list of option positions, dots/score/grades → ``{"position": number}``, ranking → a list of
groups (lists), yes/no/abstain → a string.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, func, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.errors import AtelierError
from app.facilitation import audit
from app.facilitation.voting import registry
from app.facilitation.voting.base import Result, TieBreaker
from app.i18n import _
from app.models import (
    BALLOT_STATUSES,
    ELIGIBILITY,
    Attendance,
    Ballot,
    Registration,
    Vote,
    VoteOption,
    VoterMark,
    utcnow,
)
from app.models import Session as WorkshopSession


class VoteError(AtelierError):
    """A refused step in a vote's life (the message says why)."""


@dataclass
class OptionData:
    title: str
    description: str | None = None
    cost: float | None = None


@dataclass
class VoteData:
    question: str
    method: str
    options: list[OptionData]
    rules: dict[str, Any] = field(default_factory=dict)
    secret: bool = True
    eligibility: str = "session"
    description: str | None = None


def canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


# --------------------------------------------------------------------------- ballots as JSON


def ballot_to_json(kind: str, ballot: Any) -> Any:
    if kind == "approval":
        return sorted(int(o) for o in ballot)
    if kind in ("dots", "score", "grades"):
        return {str(int(k)): int(v) for k, v in sorted(ballot.items())}
    if kind == "ranking":
        return [sorted(int(o) for o in group) for group in ballot]
    return ballot  # "choice": a string


def ballot_from_json(kind: str, value: Any) -> Any:
    if kind == "approval":
        return frozenset(int(o) for o in value)
    if kind in ("dots", "score", "grades"):
        return {int(k): int(v) for k, v in value.items()}
    if kind == "ranking":
        return tuple(frozenset(int(o) for o in group) for group in value)
    return value


# --------------------------------------------------------------------------- drafting


def get_vote(session: Session, vote_id: uuid.UUID) -> Vote:
    """The vote, or a translated refusal if it no longer exists."""
    vote = session.get(Vote, vote_id)
    if vote is None:
        raise VoteError(_("This vote no longer exists."))
    return vote


def _locked_vote(session: Session, vote_id: uuid.UUID, *, exclusive: bool) -> Vote:
    """The vote read afresh, its row locked until commit on a shared (PostgreSQL) store:
    entering a ballot takes a shared lock, closing an exclusive one, so a ballot confirmed
    on one laptop while another closes the vote is either counted or refused, never left
    out. (A workspace file has one writer at a time: SQLite ignores the lock.)"""
    vote = session.get(
        Vote, vote_id, with_for_update={"read": not exclusive}, populate_existing=True
    )
    if vote is None:
        raise VoteError(_("This vote no longer exists."))
    return vote


def _check(data: VoteData) -> None:
    if not data.question.strip():
        raise VoteError(_("A vote needs a question."))
    registry.method(data.method)  # raises for an unknown method
    if not data.options or any(not o.title.strip() for o in data.options):
        raise VoteError(_("Every option needs a title."))
    if data.eligibility not in ELIGIBILITY:
        raise VoteError(_("Unknown rule for who may vote: “{rule}”.").format(rule=data.eligibility))


def create_vote(session: Session, session_id: uuid.UUID, data: VoteData) -> uuid.UUID:
    """A new vote in draft, attached to a workshop session; commits."""
    _check(data)
    if session.get(WorkshopSession, session_id) is None:
        raise VoteError(_("This session no longer exists."))
    vote = Vote(
        session_id=session_id,
        question=data.question.strip(),
        description=data.description,
        method=data.method,
        rules=canonical(data.rules),
        secret=data.secret,
        eligibility=data.eligibility,
        status="draft",
    )
    vote.options = [
        VoteOption(position=i, title=o.title.strip(), description=o.description, cost=o.cost)
        for i, o in enumerate(data.options)
    ]
    session.add(vote)
    session.commit()
    return vote.id


def open_vote(session: Session, vote_id: uuid.UUID) -> int:
    """Open a draft vote; the tie-break seed is drawn now and recorded. Returns the seed."""
    vote = get_vote(session, vote_id)
    if vote.status != "draft":
        raise VoteError(_("Only a draft vote can be opened."))
    vote.status = "open"
    vote.opened_at = utcnow()
    vote.tiebreak_seed = secrets.randbelow(2**31 - 1) + 1
    audit.append(
        session,
        "vote.opened",
        {"vote": str(vote.id), "method": vote.method, "seed": vote.tiebreak_seed},
        vote.id,
    )
    session.commit()
    return vote.tiebreak_seed


# --------------------------------------------------------------------------- ballots


def _may_vote(session: Session, vote: Vote, participant_id: uuid.UUID) -> bool:
    if vote.eligibility == "open":
        return True
    if vote.eligibility == "session":
        query = select(Attendance.id).where(
            Attendance.session_id == vote.session_id, Attendance.participant_id == participant_id
        )
    else:
        process_id = session.get(WorkshopSession, vote.session_id).process_id
        query = select(Registration.id).where(
            Registration.process_id == process_id, Registration.participant_id == participant_id
        )
    return session.scalar(query) is not None


def cast_ballot(
    session: Session,
    vote_id: uuid.UUID,
    ballot: Any,
    *,
    voter_id: uuid.UUID | None = None,
    status: str = "valid",
    entry: str = "paper",
    weight: int = 1,
) -> uuid.UUID:
    """Record one ballot (checked against the method's rules) and commit at once, so a crash
    never loses a confirmed ballot. ``voter_id`` marks that person as having voted; in a
    secret vote the ballot itself keeps no trace of them."""
    vote = _locked_vote(session, vote_id, exclusive=False)
    if vote.status != "open":
        raise VoteError(_("This vote is not open."))
    if status not in BALLOT_STATUSES:
        raise VoteError(_("Unknown ballot status “{status}”.").format(status=status))
    if weight < 1:
        raise VoteError(_("A count must be at least 1."))
    method = registry.method(vote.method)
    content = None
    if status == "valid":
        check_ballots(vote, [(ballot, 1)])
        content = ballot_to_json(method.ballot, ballot)
    if voter_id is not None:
        if not _may_vote(session, vote, voter_id):
            raise VoteError(_("This person is not on the list of voters for this vote."))
        if session.get(VoterMark, (vote.id, voter_id)) is not None:
            raise VoteError(_("This person has already voted."))
        session.add(VoterMark(vote_id=vote.id, participant_id=voter_id))
    elif vote.eligibility != "open" and entry == "kiosk":
        raise VoteError(_("Say who is voting before handing over the kiosk."))
    row = Ballot(
        vote_id=vote.id,
        content=canonical(content),
        status=status,
        weight=weight,
        entry=entry,
        participant_id=None if vote.secret else voter_id,
    )
    session.add(row)
    try:
        session.commit()
    except IntegrityError:
        # The same person marked on another laptop at the same moment.
        session.rollback()
        if voter_id is not None and has_voted(session, vote_id, voter_id):
            raise VoteError(_("This person has already voted.")) from None
        raise
    return row.id


def check_ballots(vote: Vote, ballots: list[tuple[Any, int]]) -> None:
    """Raise InvalidBallot (saying why) unless every ballot fits the vote's method and rules."""
    options = [o.title for o in vote.options]
    # Counting applies every check of the method; the seed is irrelevant to validity.
    registry.count(vote.method, options, ballots, rules=_rules(vote), tiebreak=TieBreaker(seed=1))


def ballot_kind(session: Session, vote_id: uuid.UUID) -> str:
    """The shape of this vote's ballots ("approval", "ranking", …; see voting/base.py)."""
    return registry.method(get_vote(session, vote_id).method).ballot


def has_voted(session: Session, vote_id: uuid.UUID, participant_id: uuid.UUID) -> bool:
    return session.get(VoterMark, (vote_id, participant_id)) is not None


@dataclass(frozen=True)
class BallotCounts:
    valid: int
    blank: int
    spoiled: int
    voters_marked: int


def ballot_counts(session: Session, vote_id: uuid.UUID) -> BallotCounts:
    rows = dict(
        session.execute(
            select(Ballot.status, func.sum(Ballot.weight))
            .where(Ballot.vote_id == vote_id)
            .group_by(Ballot.status)
        ).all()
    )
    marked = session.scalar(
        select(func.count()).select_from(VoterMark).where(VoterMark.vote_id == vote_id)
    )
    return BallotCounts(
        valid=int(rows.get("valid") or 0),
        blank=int(rows.get("blank") or 0),
        spoiled=int(rows.get("spoiled") or 0),
        voters_marked=marked or 0,
    )


# --------------------------------------------------------------------------- counting


def _rules(vote: Vote) -> dict[str, Any]:
    """The method's rules; a budget's costs come from the options unless given."""
    rules = json.loads(vote.rules)
    if registry.method(vote.method).module == "budget" and "costs" not in rules:
        rules["costs"] = [o.cost or 0 for o in vote.options]
    return rules


def _ballots(session: Session, vote: Vote) -> tuple[list[tuple[Any, int]], int, int, str]:
    """(valid weighted ballots, blank, spoiled, hash of every ballot, order-independent)."""
    kind = registry.method(vote.method).ballot
    rows = session.execute(
        select(Ballot.content, Ballot.status, Ballot.weight).where(Ballot.vote_id == vote.id)
    ).all()
    lines = sorted(f"{status}|{weight}|{content}" for content, status, weight in rows)
    digest = hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()
    valid, blank, spoiled = [], 0, 0
    for content, status, weight in rows:
        if status == "blank":
            blank += weight
        elif status == "spoiled":
            spoiled += weight
        else:
            valid.append((ballot_from_json(kind, json.loads(content)), weight))
    return valid, blank, spoiled, digest


def valid_ballots(session: Session, vote_id: uuid.UUID) -> tuple[list[tuple[Any, int]], int, int]:
    """(valid weighted ballots in the method's shape, blank, spoiled)."""
    ballots, blank, spoiled, _digest = _ballots(session, get_vote(session, vote_id))
    return ballots, blank, spoiled


def tally(
    session: Session, vote_id: uuid.UUID, *, decided_order: list[int] | None = None
) -> Result:
    """Count the ballots as they stand (a preview while open; the official count at close)."""
    vote = get_vote(session, vote_id)
    ballots, blank, spoiled, _digest = _ballots(session, vote)
    rules = _rules(vote)
    return registry.count(
        vote.method,
        [o.title for o in vote.options],
        ballots,
        rules=rules,
        tiebreak=TieBreaker(seed=vote.tiebreak_seed, decided_order=decided_order),
        blank=blank,
        spoiled=spoiled,
    )


def _forget_casting_order(session: Session, vote_id: uuid.UUID) -> None:
    """On PostgreSQL every row keeps the transaction that wrote it (``xmin``) and its place
    in the table, so the order of casting, and a voter's mark written with their ballot,
    could be read back. Closing a secret vote rewrites its ballots and marks in one
    transaction, in the order of their random keys. (A workspace file keeps ballots in key
    order already: no row numbers, no transaction ids.)"""
    for table, key in (("ballot", "id"), ("voter_mark", "participant_id")):
        session.execute(
            text(
                f"WITH gone AS (DELETE FROM {table} WHERE vote_id = :vote RETURNING *) "
                f"INSERT INTO {table} SELECT * FROM gone ORDER BY {key}"
            ),
            {"vote": vote_id},
        )


def close_vote(
    session: Session, vote_id: uuid.UUID, *, decided_order: list[int] | None = None
) -> Result:
    """Freeze the ballots, count them once, record result and hashes in the audit log."""
    vote = _locked_vote(session, vote_id, exclusive=True)
    if vote.status != "open":
        raise VoteError(_("Only an open vote can be closed."))
    result = tally(session, vote_id, decided_order=decided_order)
    _ballots_list, _blank, _spoiled, digest = _ballots(session, vote)
    if vote.secret and session.get_bind().dialect.name == "postgresql":
        _forget_casting_order(session, vote.id)
    document = result.as_dict()
    vote.status = "closed"
    vote.closed_at = utcnow()
    vote.result = canonical(document)
    vote.ballots_hash = digest
    audit.append(
        session,
        "vote.closed",
        {
            "vote": str(vote.id),
            "ballots_sha256": digest,
            "result_sha256": hashlib.sha256(vote.result.encode("utf-8")).hexdigest(),
            "winners": document["winner_names"],
            "valid": result.valid,
            "blank": result.blank,
            "spoiled": result.spoiled,
            "ties": document["ties"],
        },
        vote.id,
    )
    session.commit()
    return result


def publish_vote(session: Session, vote_id: uuid.UUID) -> None:
    vote = get_vote(session, vote_id)
    if vote.status != "closed":
        raise VoteError(_("Only a closed vote can be published."))
    vote.status = "published"
    vote.published_at = utcnow()
    audit.append(session, "vote.published", {"vote": str(vote.id)}, vote.id)
    session.commit()


def frozen_result(session: Session, vote_id: uuid.UUID) -> dict | None:
    """The result stored at closing (None before)."""
    vote = get_vote(session, vote_id)
    return json.loads(vote.result) if vote.result else None


def worded_result(session: Session, vote_id: uuid.UUID) -> dict | None:
    """The frozen result with its sentences (rounds, tie contexts, explanation) in the current
    language, for documents printed in another language than the one the vote was closed in.

    The same ballots are counted again with the same tie-break seed and the facilitators'
    recorded order; when every figure agrees with the frozen result, the recount (same
    figures, the reader's words) is returned, else the frozen result as it is.
    """
    document = frozen_result(session, vote_id)
    if document is None:
        return None
    decided: list[int] = []
    for tie in document.get("ties") or []:
        if tie.get("rule") == "decision":
            decided += [o for o in tie.get("order", []) if o not in decided]
    try:
        again = json.loads(
            canonical(tally(session, vote_id, decided_order=decided or None).as_dict())
        )
    except AtelierError:
        return document
    return again if _figures(again) == _figures(document) else document


def _figures(value: Any) -> Any:
    """``value`` without its words: every text blanked, every number and structure kept."""
    if isinstance(value, dict):
        return {k: _figures(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_figures(v) for v in value]
    return "" if isinstance(value, str) else value


def verify_ballots(session: Session, vote_id: uuid.UUID) -> bool:
    """True when the ballots still hash to what was recorded at closing."""
    vote = get_vote(session, vote_id)
    if vote.ballots_hash is None:
        return False
    return _ballots(session, vote)[3] == vote.ballots_hash


def delete_draft(session: Session, vote_id: uuid.UUID) -> None:
    vote = get_vote(session, vote_id)
    if vote.status != "draft":
        raise VoteError(_("Only a draft vote can be deleted; a vote that ran stays on record."))
    session.execute(delete(Vote).where(Vote.id == vote.id))
    session.commit()


@dataclass(frozen=True)
class VoteInfo:
    id: uuid.UUID
    session_id: uuid.UUID
    question: str
    description: str | None
    method: str
    method_label: str
    #: The shape of its ballots ("approval", "ranking", "grades", …; see voting/base.py).
    ballot: str
    rules: dict
    secret: bool
    eligibility: str
    status: str
    options: list[OptionData]
    counts: BallotCounts
    tiebreak_seed: int | None


def vote_info(session: Session, vote_id: uuid.UUID) -> VoteInfo:
    """Everything a screen needs to show one vote."""
    vote = get_vote(session, vote_id)
    method = registry.method(vote.method)
    return VoteInfo(
        id=vote.id,
        session_id=vote.session_id,
        question=vote.question,
        description=vote.description,
        method=vote.method,
        method_label=_(method.label),
        ballot=method.ballot,
        rules=json.loads(vote.rules),
        secret=vote.secret,
        eligibility=vote.eligibility,
        status=vote.status,
        options=[OptionData(o.title, o.description, o.cost) for o in vote.options],
        counts=ballot_counts(session, vote.id),
        tiebreak_seed=vote.tiebreak_seed,
    )


def list_votes(session: Session, session_id: uuid.UUID | None = None) -> list[VoteInfo]:
    """The votes of one workshop session (or of all), oldest first."""
    query = select(Vote.id).order_by(Vote.created_at)
    if session_id is not None:
        query = query.where(Vote.session_id == session_id)
    return [vote_info(session, vote_id) for vote_id in session.scalars(query)]


def method_choices() -> list[tuple[str, str]]:
    """(name, translated label) of every method, for a combo box."""
    return [(name, _(m.label)) for name, m in registry.METHODS.items()]
