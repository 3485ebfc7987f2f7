"""Evaluation juries: members score candidates on weighted criteria, then deliberate and decide.

An evaluation jury (e.g. residents, elected representatives and experts on the jury of a design
competition) scores each candidate on each criterion within the jury's scale. The results follow
one stated convention:

* a member's **weighted total** for a candidate is Σ wᵢ·scoreᵢ / Σ wᵢ over the criteria; it
  counts only once the member has scored every criterion of that candidate;
* a candidate's **score** is the mean of the weighted totals of the members who scored it. A
  member who declared a conflict of interest (a recusal) is simply absent for that candidate:
  the recusal counts neither as zero nor as any score, and the other members' totals keep
  their full weight;
* candidates with equal scores share a rank (1, 1, 3);
* agreement between members is Kendall's W on the members' rankings of the candidates.

Recording the decision closes the jury: its text, the time, and a hash of every score, weight
and recusal go into the hash-chained audit log.
"""

from __future__ import annotations

import csv
import hashlib
import io
import math
import uuid
from dataclasses import dataclass, field, replace
from datetime import datetime
from itertools import combinations

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from app.errors import AtelierError
from app.facilitation import audit
from app.facilitation.participants import find_participant
from app.i18n import N_, _, ngettext
from app.locale_formats import localise
from app.models import (
    JURY_COLLEGES,
    EvaluationJury,
    JuryCandidate,
    JuryCriterion,
    JuryMember,
    JuryRecusal,
    JuryScore,
    Participant,
    Process,
    utcnow,
)
from app.models.text import fold

COLLEGE_LABELS = {
    "resident": N_("Resident"),
    "elected": N_("Elected representative"),
    "expert": N_("Expert"),
    "staff": N_("Staff"),
}
STATUS_LABELS = {
    "open": N_("Scoring"),
    "deliberating": N_("Deliberating"),
    "decided": N_("Decided"),
}
#: Kendall's W from which agreement reads as moderate, then strong.
MODERATE_FROM = 0.3
STRONG_FROM = 0.7
#: Scores equal within this margin are a tie.
EPSILON = 1e-9

CONVENTION = N_(
    "A member's weighted total for a candidate is Σ weight × score / Σ weights, once every "
    "criterion is scored. A candidate's score is the mean of the totals of the members who "
    "scored it; a member who declared a conflict of interest is left out for that candidate "
    "(neither counted as zero nor changing anyone else's weight)."
)


class JuryError(AtelierError):
    """A refused step in an evaluation jury's work (the message says why)."""


# --------------------------------------------------------------------------- data out


@dataclass(frozen=True)
class JuryInfo:
    id: uuid.UUID
    process_id: uuid.UUID
    process_title: str
    title: str
    description: str | None
    scale_min: int
    scale_max: int
    status: str
    members: int
    candidates: int
    criteria: int
    notes: str | None
    decision: str | None
    decided_at: datetime | None

    @property
    def status_label(self) -> str:
        return _(STATUS_LABELS.get(self.status, self.status))

    def as_dict(self) -> dict:
        return {
            "id": str(self.id),
            "process": str(self.process_id),
            "process_title": self.process_title,
            "title": self.title,
            "description": self.description,
            "scale": [self.scale_min, self.scale_max],
            "status": self.status,
            "members": self.members,
            "candidates": self.candidates,
            "criteria": self.criteria,
            "notes": self.notes,
            "decision": self.decision,
            "decided_at": self.decided_at.isoformat() if self.decided_at else None,
        }


@dataclass(frozen=True)
class MemberInfo:
    id: uuid.UUID
    name: str
    college: str
    participant_id: uuid.UUID | None
    position: int

    @property
    def college_label(self) -> str:
        return _(COLLEGE_LABELS.get(self.college, self.college))

    def as_dict(self) -> dict:
        return {
            "id": str(self.id),
            "name": self.name,
            "college": self.college,
            "participant": str(self.participant_id) if self.participant_id else None,
            "position": self.position,
        }


@dataclass(frozen=True)
class CandidateInfo:
    id: uuid.UUID
    name: str
    description: str | None
    position: int

    def as_dict(self) -> dict:
        return {
            "id": str(self.id),
            "name": self.name,
            "description": self.description,
            "position": self.position,
        }


@dataclass(frozen=True)
class CriterionInfo:
    id: uuid.UUID
    name: str
    description: str | None
    weight: float
    position: int

    def as_dict(self) -> dict:
        return {
            "id": str(self.id),
            "name": self.name,
            "description": self.description,
            "weight": self.weight,
            "position": self.position,
        }


@dataclass(frozen=True)
class RecusalInfo:
    member_id: uuid.UUID
    candidate_id: uuid.UUID
    reason: str | None


@dataclass(frozen=True)
class JuryDetail:
    """Everything needed to show and edit one jury."""

    info: JuryInfo
    members: list[MemberInfo]
    candidates: list[CandidateInfo]
    criteria: list[CriterionInfo]
    recusals: list[RecusalInfo]
    #: (member, candidate, criterion) → score
    scores: dict[tuple[uuid.UUID, uuid.UUID, uuid.UUID], float]

    def recused(self, member_id: uuid.UUID, candidate_id: uuid.UUID) -> RecusalInfo | None:
        for r in self.recusals:
            if r.member_id == member_id and r.candidate_id == candidate_id:
                return r
        return None


# --------------------------------------------------------------------------- juries


def _jury(session: Session, jury_id: uuid.UUID) -> EvaluationJury:
    jury = session.get(EvaluationJury, jury_id)
    if jury is None:
        raise JuryError(_("This jury no longer exists."))
    return jury


def _open(session: Session, jury_id: uuid.UUID) -> EvaluationJury:
    jury = _jury(session, jury_id)
    if jury.status == "decided":
        raise JuryError(_("The decision of this jury is recorded: it can no longer change."))
    return jury


def _check_scale(scale_min: int, scale_max: int) -> None:
    if scale_min >= scale_max:
        raise JuryError(_("The top of the scale must be above its bottom."))


def create_jury(
    session: Session,
    process_id: uuid.UUID,
    title: str,
    *,
    scale_min: int = 0,
    scale_max: int = 10,
    description: str | None = None,
) -> JuryInfo:
    """A new evaluation jury for a process, open for scoring; commits."""
    title = (title or "").strip()
    if not title:
        raise JuryError(_("A jury needs a title."))
    _check_scale(scale_min, scale_max)
    if session.get(Process, process_id) is None:
        raise JuryError(_("This process no longer exists."))
    jury = EvaluationJury(
        process_id=process_id,
        title=title,
        description=(description or "").strip() or None,
        scale_min=scale_min,
        scale_max=scale_max,
        status="open",
    )
    session.add(jury)
    session.commit()
    return jury_info(session, jury.id)


def update_jury(
    session: Session,
    jury_id: uuid.UUID,
    *,
    title: str | None = None,
    description: str | None = None,
    scale: tuple[int, int] | None = None,
) -> JuryInfo:
    """Change the title, description or scale (a scale must still hold every score given)."""
    jury = _open(session, jury_id)
    if title is not None:
        if not title.strip():
            raise JuryError(_("A jury needs a title."))
        jury.title = title.strip()
    if description is not None:
        jury.description = description.strip() or None
    if scale is not None:
        low, high = scale
        _check_scale(low, high)
        outside = session.scalar(
            select(func.count())
            .select_from(JuryScore)
            .join(JuryMember, JuryMember.id == JuryScore.member_id)
            .where(
                JuryMember.jury_id == jury.id, (JuryScore.score < low) | (JuryScore.score > high)
            )
        )
        if outside:
            raise JuryError(
                ngettext(
                    "{n} score lies outside {low}–{high}: change it before the scale.",
                    "{n} scores lie outside {low}–{high}: change them before the scale.",
                    outside,
                ).format(n=outside, low=low, high=high)
            )
        jury.scale_min, jury.scale_max = low, high
    session.commit()
    return jury_info(session, jury.id)


def delete_jury(session: Session, jury_id: uuid.UUID) -> None:
    """Delete a jury that has not decided, with its members, candidates and scores."""
    jury = _open(session, jury_id)
    for member in jury.members:
        _drop_member_rows(session, member.id)
    session.delete(jury)
    session.commit()


def jury_info(session: Session, jury_id: uuid.UUID) -> JuryInfo:
    jury = _jury(session, jury_id)
    process = session.get(Process, jury.process_id)
    return JuryInfo(
        id=jury.id,
        process_id=jury.process_id,
        process_title=process.title if process else "",
        title=jury.title,
        description=jury.description,
        scale_min=jury.scale_min,
        scale_max=jury.scale_max,
        status=jury.status,
        members=len(jury.members),
        candidates=len(jury.candidates),
        criteria=len(jury.criteria),
        notes=jury.notes,
        decision=jury.decision,
        decided_at=jury.decided_at,
    )


def list_juries(session: Session, process_id: uuid.UUID | None = None) -> list[JuryInfo]:
    """The evaluation juries (of one process, or all), by process then title."""
    query = select(EvaluationJury.id).join(Process, Process.id == EvaluationJury.process_id)
    if process_id is not None:
        query = query.where(EvaluationJury.process_id == process_id)
    query = query.order_by(Process.title, EvaluationJury.title, EvaluationJury.created_at)
    return [jury_info(session, jury_id) for jury_id in session.scalars(query)]


def find_jury(session: Session, ref: str) -> uuid.UUID:
    """A jury by its id or a unique prefix of its title (accents and case ignored)."""
    ref = (ref or "").strip()
    try:
        jury = session.get(EvaluationJury, uuid.UUID(ref))
    except ValueError:
        jury = None
    if jury is not None:
        return jury.id
    rows = session.execute(select(EvaluationJury.id, EvaluationJury.title)).all()
    folded = fold(ref)
    exact = [i for i, title in rows if folded and fold(title) == folded]
    matches = exact or [i for i, title in rows if folded and fold(title).startswith(folded)]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise JuryError(_("No evaluation jury matches “{ref}”.").format(ref=ref))
    raise JuryError(
        _("“{ref}” matches several juries; give more of the title or the id.").format(ref=ref)
    )


def jury_detail(session: Session, jury_id: uuid.UUID) -> JuryDetail:
    jury = _jury(session, jury_id)
    members = [_member_info(m) for m in jury.members]
    member_ids = [m.id for m in members]
    scores: dict[tuple[uuid.UUID, uuid.UUID, uuid.UUID], float] = {}
    recusals: list[RecusalInfo] = []
    if member_ids:
        for row in session.scalars(select(JuryScore).where(JuryScore.member_id.in_(member_ids))):
            scores[(row.member_id, row.candidate_id, row.criterion_id)] = row.score
        for row in session.scalars(
            select(JuryRecusal).where(JuryRecusal.member_id.in_(member_ids))
        ):
            recusals.append(RecusalInfo(row.member_id, row.candidate_id, row.reason))
    return JuryDetail(
        info=jury_info(session, jury.id),
        members=members,
        candidates=[
            CandidateInfo(c.id, c.name, c.description, c.position) for c in jury.candidates
        ],
        criteria=[
            CriterionInfo(c.id, c.name, c.description, c.weight, c.position) for c in jury.criteria
        ],
        recusals=recusals,
        scores=scores,
    )


# ------------------------------------------------------ members, candidates, criteria


def _member_info(m: JuryMember) -> MemberInfo:
    return MemberInfo(m.id, m.name, m.college, m.participant_id, m.position)


def _unique_name(rows, name: str, message: str, keep: uuid.UUID | None = None) -> str:
    name = (name or "").strip()
    if not name:
        raise JuryError(_("A name is needed."))
    if any(fold(r.name) == fold(name) and r.id != keep for r in rows):
        raise JuryError(_(message).format(name=name))
    return name


def _renumber(rows) -> None:
    for position, row in enumerate(rows):
        row.position = position


def add_member(
    session: Session,
    jury_id: uuid.UUID,
    name: str | None = None,
    *,
    participant: str | uuid.UUID | None = None,
    college: str = "resident",
) -> MemberInfo:
    """A member, either a registered participant (badge code or id) or a name typed in."""
    jury = _open(session, jury_id)
    if college not in JURY_COLLEGES:
        raise JuryError(_("Unknown college “{college}”.").format(college=college))
    participant_id = None
    if participant is not None and str(participant).strip():
        participant_id = find_participant(session, participant)
        if any(m.participant_id == participant_id for m in jury.members):
            raise JuryError(_("This person already sits on this jury."))
        if not (name or "").strip():
            name = session.get(Participant, participant_id).full_name
    name = _unique_name(
        jury.members, name or "", N_("There is already a member called “{name}” in this jury.")
    )
    member = JuryMember(
        name=name, college=college, participant_id=participant_id, position=len(jury.members)
    )
    jury.members.append(member)
    session.commit()
    return _member_info(member)


def _member(session: Session, member_id: uuid.UUID) -> JuryMember:
    member = session.get(JuryMember, member_id)
    if member is None:
        raise JuryError(_("This member is no longer on the jury."))
    return member


def update_member(
    session: Session, member_id: uuid.UUID, *, name: str | None = None, college: str | None = None
) -> MemberInfo:
    member = _member(session, member_id)
    jury = _open(session, member.jury_id)
    if name is not None:
        member.name = _unique_name(
            jury.members,
            name,
            N_("There is already a member called “{name}” in this jury."),
            keep=member.id,
        )
    if college is not None:
        if college not in JURY_COLLEGES:
            raise JuryError(_("Unknown college “{college}”.").format(college=college))
        member.college = college
    session.commit()
    return _member_info(member)


def _drop_member_rows(session: Session, member_id: uuid.UUID) -> None:
    session.execute(delete(JuryScore).where(JuryScore.member_id == member_id))
    session.execute(delete(JuryRecusal).where(JuryRecusal.member_id == member_id))


def remove_member(session: Session, member_id: uuid.UUID) -> None:
    """Take a member off the jury, with their scores and recusals."""
    member = _member(session, member_id)
    jury = _open(session, member.jury_id)
    _drop_member_rows(session, member.id)
    jury.members.remove(member)
    session.delete(member)
    _renumber(jury.members)
    session.commit()


def add_candidate(
    session: Session, jury_id: uuid.UUID, name: str, description: str | None = None
) -> CandidateInfo:
    jury = _open(session, jury_id)
    name = _unique_name(
        jury.candidates, name, N_("There is already a candidate called “{name}” in this jury.")
    )
    row = JuryCandidate(
        name=name, description=(description or "").strip() or None, position=len(jury.candidates)
    )
    jury.candidates.append(row)
    session.commit()
    return CandidateInfo(row.id, row.name, row.description, row.position)


def _candidate(session: Session, candidate_id: uuid.UUID) -> JuryCandidate:
    row = session.get(JuryCandidate, candidate_id)
    if row is None:
        raise JuryError(_("This candidate is no longer in the jury."))
    return row


def update_candidate(
    session: Session,
    candidate_id: uuid.UUID,
    *,
    name: str | None = None,
    description: str | None = None,
) -> CandidateInfo:
    row = _candidate(session, candidate_id)
    jury = _open(session, row.jury_id)
    if name is not None:
        row.name = _unique_name(
            jury.candidates,
            name,
            N_("There is already a candidate called “{name}” in this jury."),
            keep=row.id,
        )
    if description is not None:
        row.description = description.strip() or None
    session.commit()
    return CandidateInfo(row.id, row.name, row.description, row.position)


def remove_candidate(session: Session, candidate_id: uuid.UUID) -> None:
    row = _candidate(session, candidate_id)
    jury = _open(session, row.jury_id)
    session.execute(delete(JuryScore).where(JuryScore.candidate_id == row.id))
    session.execute(delete(JuryRecusal).where(JuryRecusal.candidate_id == row.id))
    jury.candidates.remove(row)
    session.delete(row)
    _renumber(jury.candidates)
    session.commit()


def _weight(weight: float) -> float:
    try:
        value = float(weight)
    except (TypeError, ValueError):
        value = math.nan
    if not math.isfinite(value) or value <= 0:
        raise JuryError(_("A criterion's weight must be a number above 0."))
    return value


def add_criterion(
    session: Session,
    jury_id: uuid.UUID,
    name: str,
    weight: float = 1.0,
    description: str | None = None,
) -> CriterionInfo:
    jury = _open(session, jury_id)
    name = _unique_name(
        jury.criteria, name, N_("There is already a criterion called “{name}” in this jury.")
    )
    row = JuryCriterion(
        name=name,
        weight=_weight(weight),
        description=(description or "").strip() or None,
        position=len(jury.criteria),
    )
    jury.criteria.append(row)
    session.commit()
    return CriterionInfo(row.id, row.name, row.description, row.weight, row.position)


def _criterion(session: Session, criterion_id: uuid.UUID) -> JuryCriterion:
    row = session.get(JuryCriterion, criterion_id)
    if row is None:
        raise JuryError(_("This criterion is no longer in the jury."))
    return row


def update_criterion(
    session: Session,
    criterion_id: uuid.UUID,
    *,
    name: str | None = None,
    weight: float | None = None,
    description: str | None = None,
) -> CriterionInfo:
    row = _criterion(session, criterion_id)
    jury = _open(session, row.jury_id)
    if name is not None:
        row.name = _unique_name(
            jury.criteria,
            name,
            N_("There is already a criterion called “{name}” in this jury."),
            keep=row.id,
        )
    if weight is not None:
        row.weight = _weight(weight)
    if description is not None:
        row.description = description.strip() or None
    session.commit()
    return CriterionInfo(row.id, row.name, row.description, row.weight, row.position)


def remove_criterion(session: Session, criterion_id: uuid.UUID) -> None:
    row = _criterion(session, criterion_id)
    jury = _open(session, row.jury_id)
    session.execute(delete(JuryScore).where(JuryScore.criterion_id == row.id))
    jury.criteria.remove(row)
    session.delete(row)
    _renumber(jury.criteria)
    session.commit()


def _pick(rows, ref: str | uuid.UUID, what: str):
    """One of ``rows`` by id, exact name, unique name prefix, or number (1 = first)."""
    text = str(ref).strip()
    for row in rows:
        if str(row.id) == text:
            return row
    folded = fold(text)
    found = [r for r in rows if folded and fold(r.name) == folded]
    if not found:
        found = [r for r in rows if folded and fold(r.name).startswith(folded)]
    if not found and text.isdigit() and 1 <= int(text) <= len(rows):
        found = [rows[int(text) - 1]]
    if len(found) == 1:
        return found[0]
    if not found:
        raise JuryError(_(what).format(ref=text))
    raise JuryError(_("“{ref}” matches several names; give more of the name.").format(ref=text))


def find_member(session: Session, jury_id: uuid.UUID, ref: str) -> uuid.UUID:
    """A member by id, name (or a unique start of it) or number in the list."""
    return _pick(
        _jury(session, jury_id).members, ref, N_("No member of this jury matches “{ref}”.")
    ).id


def find_candidate(session: Session, jury_id: uuid.UUID, ref: str) -> uuid.UUID:
    return _pick(
        _jury(session, jury_id).candidates, ref, N_("No candidate of this jury matches “{ref}”.")
    ).id


def find_criterion(session: Session, jury_id: uuid.UUID, ref: str) -> uuid.UUID:
    return _pick(
        _jury(session, jury_id).criteria, ref, N_("No criterion of this jury matches “{ref}”.")
    ).id


# --------------------------------------------------------------------------- scores


def _score_value(jury: EvaluationJury, score) -> float:
    try:
        value = (
            float(str(score).strip().replace(",", ".")) if isinstance(score, str) else float(score)
        )
    except (TypeError, ValueError):
        raise JuryError(_("“{score}” is not a number.").format(score=score)) from None
    if not math.isfinite(value) or not jury.scale_min <= value <= jury.scale_max:
        raise JuryError(
            _("A score must lie between {low} and {high}.").format(
                low=jury.scale_min, high=jury.scale_max
            )
        )
    return value


def _triple(
    session: Session, member_id: uuid.UUID, candidate_id: uuid.UUID, criterion_id: uuid.UUID
) -> tuple[EvaluationJury, JuryMember, JuryCandidate, JuryCriterion]:
    member = _member(session, member_id)
    candidate = _candidate(session, candidate_id)
    criterion = _criterion(session, criterion_id)
    if not member.jury_id == candidate.jury_id == criterion.jury_id:
        raise JuryError(_("This member, candidate and criterion are not of the same jury."))
    return _open(session, member.jury_id), member, candidate, criterion


def _refuse_recused(session: Session, member: JuryMember, candidate: JuryCandidate) -> None:
    if session.get(JuryRecusal, (member.id, candidate.id)) is not None:
        raise JuryError(
            _("{member} declared a conflict of interest with “{candidate}” and does not "
              "score it.").format(member=member.name, candidate=candidate.name)
        )  # fmt: skip


def set_score(
    session: Session,
    member_id: uuid.UUID,
    candidate_id: uuid.UUID,
    criterion_id: uuid.UUID,
    score: float | str,
) -> float:
    """Record one score (checked against the scale) and commit at once. Returns the value."""
    jury, member, candidate, criterion = _triple(session, member_id, candidate_id, criterion_id)
    value = _score_value(jury, score)
    _refuse_recused(session, member, candidate)
    row = session.get(JuryScore, (member.id, candidate.id, criterion.id))
    if row is None:
        session.add(
            JuryScore(
                member_id=member.id,
                candidate_id=candidate.id,
                criterion_id=criterion.id,
                score=value,
            )
        )
    else:
        row.score = value
    session.commit()
    return value


def clear_score(
    session: Session, member_id: uuid.UUID, candidate_id: uuid.UUID, criterion_id: uuid.UUID
) -> bool:
    """Remove one score; True if there was one."""
    _triple(session, member_id, candidate_id, criterion_id)
    row = session.get(JuryScore, (member_id, candidate_id, criterion_id))
    if row is not None:
        session.delete(row)
    session.commit()
    return row is not None


@dataclass(frozen=True)
class ScoreLine:
    """One line of a bulk entry: names (or ids, or numbers) as a person writes them."""

    member: str
    candidate: str
    criterion: str
    score: str
    #: Where the line came from (line number in a file), for messages.
    line: int = 0


def set_scores(session: Session, jury_id: uuid.UUID, lines: list[ScoreLine]) -> int:
    """Record many scores at once, all or nothing: if one line is wrong, nothing is written
    and the error names every wrong line (up to ten). Returns the number of scores written."""
    jury = _open(session, jury_id)
    recused = {
        (r.member_id, r.candidate_id)
        for r in session.scalars(
            select(JuryRecusal).where(JuryRecusal.member_id.in_([m.id for m in jury.members]))
        )
    }
    problems: list[str] = []
    values: dict[tuple[uuid.UUID, uuid.UUID, uuid.UUID], float] = {}
    for number, line in enumerate(lines, start=1):
        where = line.line or number
        try:
            member = _pick(jury.members, line.member, N_("No member of this jury matches “{ref}”."))
            candidate = _pick(
                jury.candidates, line.candidate, N_("No candidate of this jury matches “{ref}”.")
            )
            criterion = _pick(
                jury.criteria, line.criterion, N_("No criterion of this jury matches “{ref}”.")
            )
            value = _score_value(jury, line.score)
            if (member.id, candidate.id) in recused:
                _refuse_recused(session, member, candidate)
            key = (member.id, candidate.id, criterion.id)
            if key in values:
                raise JuryError(_("The same score is given twice."))
            values[key] = value
        except JuryError as exc:
            problems.append(_("line {n}: {problem}").format(n=where, problem=str(exc).rstrip(".")))
    if problems:
        shown = problems[:10]
        if len(problems) > 10:
            shown.append(_("… and {n} more").format(n=len(problems) - 10))
        raise JuryError(_("Nothing was recorded. {problems}.").format(problems="; ".join(shown)))
    existing = {
        (row.member_id, row.candidate_id, row.criterion_id): row
        for row in session.scalars(
            select(JuryScore).where(JuryScore.member_id.in_([m.id for m in jury.members]))
        )
    }
    for (member_id, candidate_id, criterion_id), value in values.items():
        row = existing.get((member_id, candidate_id, criterion_id))
        if row is None:
            session.add(JuryScore(member_id=member_id, candidate_id=candidate_id,
                                  criterion_id=criterion_id, score=value))  # fmt: skip
        else:
            row.score = value
    session.commit()
    return len(values)


# --------------------------------------------------------------------------- recusals


def declare_recusal(
    session: Session, member_id: uuid.UUID, candidate_id: uuid.UUID, reason: str = ""
) -> int:
    """The member declares a conflict of interest with the candidate: their scores of it are
    dropped and they no longer score it. Recorded in the audit log. Returns scores dropped."""
    member = _member(session, member_id)
    candidate = _candidate(session, candidate_id)
    if member.jury_id != candidate.jury_id:
        raise JuryError(_("This member and this candidate are not of the same jury."))
    jury = _open(session, member.jury_id)
    reason = (reason or "").strip()
    if not reason:
        raise JuryError(_("Say why the member recuses (e.g. “works for the firm”)."))
    existing = session.get(JuryRecusal, (member.id, candidate.id))
    if existing is not None:
        existing.reason = reason
        session.commit()
        return 0
    dropped = session.execute(
        delete(JuryScore).where(
            JuryScore.member_id == member.id, JuryScore.candidate_id == candidate.id
        )
    ).rowcount
    session.add(JuryRecusal(member_id=member.id, candidate_id=candidate.id, reason=reason))
    audit.append(
        session,
        "jury.recusal",
        {"jury": str(jury.id), "member": member.name, "candidate": candidate.name,
         "reason": reason, "scores_dropped": dropped},
        jury.id,
    )  # fmt: skip
    session.commit()
    return dropped


def withdraw_recusal(session: Session, member_id: uuid.UUID, candidate_id: uuid.UUID) -> None:
    """The member may score the candidate again (recorded in the audit log)."""
    member = _member(session, member_id)
    candidate = _candidate(session, candidate_id)
    jury = _open(session, member.jury_id)
    row = session.get(JuryRecusal, (member.id, candidate.id))
    if row is None:
        raise JuryError(_("This member has no declared conflict with this candidate."))
    session.delete(row)
    audit.append(
        session,
        "jury.recusal_withdrawn",
        {"jury": str(jury.id), "member": member.name, "candidate": candidate.name},
        jury.id,
    )
    session.commit()


# --------------------------------------------------------------------------- completeness


@dataclass(frozen=True)
class MemberProgress:
    member_id: uuid.UUID
    name: str
    scored: int
    expected: int
    #: (candidate name, criterion name) still to score, in grid order.
    missing: list[tuple[str, str]]

    @property
    def done(self) -> bool:
        return self.scored >= self.expected


@dataclass(frozen=True)
class Completeness:
    members: list[MemberProgress]

    @property
    def scored(self) -> int:
        return sum(m.scored for m in self.members)

    @property
    def expected(self) -> int:
        return sum(m.expected for m in self.members)

    @property
    def complete(self) -> bool:
        return all(m.done for m in self.members)

    def as_dict(self) -> dict:
        return {
            "scored": self.scored,
            "expected": self.expected,
            "complete": self.complete,
            "members": [
                {"member": m.name, "scored": m.scored, "expected": m.expected,
                 "missing": [list(pair) for pair in m.missing]}
                for m in self.members
            ],
        }  # fmt: skip


def completeness(session: Session, jury_id: uuid.UUID) -> Completeness:
    """Who still has to score what (recused pairs are not expected)."""
    return completeness_of(jury_detail(session, jury_id))


def completeness_of(detail: JuryDetail) -> Completeness:
    """The same, from a jury already loaded."""
    out = []
    for member in detail.members:
        missing, scored, expected = [], 0, 0
        for candidate in detail.candidates:
            if detail.recused(member.id, candidate.id):
                continue
            for criterion in detail.criteria:
                expected += 1
                if (member.id, candidate.id, criterion.id) in detail.scores:
                    scored += 1
                else:
                    missing.append((candidate.name, criterion.name))
        out.append(MemberProgress(member.id, member.name, scored, expected, missing))
    return Completeness(out)


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class CandidateResult:
    candidate_id: uuid.UUID
    name: str
    #: 1 for the best; equal scores share a rank; None while no member has a full total.
    rank: int | None
    tied: bool
    #: Mean of the members' weighted totals (None without any).
    score: float | None
    #: member id → weighted total (None: recused, or not every criterion scored yet).
    totals: dict[uuid.UUID, float | None]
    #: Members who declared a conflict of interest with this candidate.
    recused: list[uuid.UUID]
    #: Members whose total counts.
    counted: int
    #: Highest minus lowest member total, and the standard deviation of the totals.
    spread: float | None
    stdev: float | None


@dataclass(frozen=True)
class Agreement:
    """Kendall's W (0 = no agreement, 1 = every member ranks the candidates alike)."""

    w: float | None
    #: "weak", "moderate", "strong", or "unknown" when it cannot be measured.
    level: str
    members: int
    candidates: int
    #: "complete": classic W over every member and candidate; "pairwise": with recusals or
    #: missing totals, W = ((m − 1)·r̄ + 1) / m from the mean Spearman correlation r̄ of each
    #: pair of members over the candidates both scored.
    method: str
    pairs: int = 0

    @property
    def reading(self) -> str:
        if self.w is None:
            return _(
                "Agreement cannot be measured yet: it needs at least two members with full "
                "totals for at least two candidates."
            )
        text = {
            "strong": _("Strong agreement: the members rank the candidates in much the same "
                        "order."),
            "moderate": _("Moderate agreement: the members share some preferences but differ "
                          "on several candidates."),
            "weak": _("Weak agreement: the members rank the candidates quite differently; "
                      "the deliberation matters."),
        }[self.level]  # fmt: skip
        return _("Kendall's W = {w}. {reading}").format(w=decimal(self.w), reading=text)

    @property
    def basis(self) -> str:
        if self.method == "pairwise":
            return ngettext(
                "Some members have no total for some candidates (conflicts of interest or "
                "scores missing): W is estimated from {pairs} pair of members, compared on "
                "the candidates both scored.",
                "Some members have no total for some candidates (conflicts of interest or "
                "scores missing): W is estimated from {pairs} pairs of members, each compared "
                "on the candidates both scored.",
                self.pairs,
            ).format(pairs=self.pairs)
        if self.method == "complete":
            return _("Computed on {m} members and {n} candidates.").format(
                m=self.members, n=self.candidates
            )
        return ""

    def as_dict(self) -> dict:
        return {
            "kendall_w": self.w,
            "level": self.level,
            "members": self.members,
            "candidates": self.candidates,
            "method": self.method,
            "pairs": self.pairs,
            "reading": self.reading,
            "basis": self.basis,
        }


@dataclass(frozen=True)
class JuryResults:
    jury: JuryInfo
    members: list[MemberInfo]
    criteria: list[CriterionInfo]
    #: Best first; candidates without a score last.
    ranking: list[CandidateResult]
    agreement: Agreement
    completeness: Completeness
    scores_hash: str
    convention: str = field(default="")

    def as_dict(self) -> dict:
        names = {m.id: m.name for m in self.members}
        return {
            "jury": self.jury.as_dict(),
            "convention": self.convention,
            "criteria": [c.as_dict() for c in self.criteria],
            "members": [m.as_dict() for m in self.members],
            "ranking": [
                {
                    "rank": r.rank,
                    "tied": r.tied,
                    "candidate": r.name,
                    "candidate_id": str(r.candidate_id),
                    "score": r.score,
                    "counted": r.counted,
                    "spread": r.spread,
                    "stdev": r.stdev,
                    "totals": {names[m]: t for m, t in r.totals.items()},
                    "recused": [names[m] for m in r.recused],
                }
                for r in self.ranking
            ],
            "agreement": self.agreement.as_dict(),
            "completeness": self.completeness.as_dict(),
            "scores_hash": self.scores_hash,
        }


def decimal(value: float, digits: int = 2) -> str:
    """A number for a sentence: a decimal comma in French."""
    text = f"{value:.{digits}f}"
    return localise(text)


def weighted_total(scores: list[float], weights: list[float]) -> float:
    """Σ wᵢ·sᵢ / Σ wᵢ."""
    return sum(w * s for w, s in zip(weights, scores, strict=True)) / sum(weights)


def midranks(values: list[float]) -> list[float]:
    """Rank 1 for the highest value; equal values share the mean of their ranks."""
    order = sorted(range(len(values)), key=lambda i: -values[i])
    ranks = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and abs(values[order[j + 1]] - values[order[i]]) <= EPSILON:
            j += 1
        for k in range(i, j + 1):
            ranks[order[k]] = (i + j) / 2 + 1
        i = j + 1
    return ranks


def kendall_w(rankings: list[list[float]]) -> float:
    """Kendall's W for m complete rankings of n items (midranks, corrected for ties)."""
    m, n = len(rankings), len(rankings[0])
    sums = [sum(r[i] for r in rankings) for i in range(n)]
    mean = m * (n + 1) / 2
    s = sum((x - mean) ** 2 for x in sums)
    ties = 0.0
    for ranks in rankings:
        counts: dict[float, int] = {}
        for r in ranks:
            counts[r] = counts.get(r, 0) + 1
        ties += sum(t**3 - t for t in counts.values())
    denominator = m**2 * (n**3 - n) - m * ties
    if denominator <= 0:  # every member ties every candidate: nothing to agree on
        return 1.0
    return 12 * s / denominator


def _pearson(xs: list[float], ys: list[float]) -> float:
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    if sxx <= EPSILON or syy <= EPSILON:
        return 0.0  # one member sees no difference: no information on order
    return sxy / math.sqrt(sxx * syy)


def _level(w: float) -> str:
    return "strong" if w >= STRONG_FROM else "moderate" if w >= MODERATE_FROM else "weak"


def agreement(
    totals: dict[uuid.UUID, dict[uuid.UUID, float]], candidates: list[uuid.UUID]
) -> Agreement:
    """Kendall's W from each member's totals (member → candidate → total)."""
    members = [m for m, row in totals.items() if len(row) >= 2]
    if len(members) < 2 or len(candidates) < 2:
        return Agreement(None, "unknown", len(members), len(candidates), "none")
    complete = all(len(totals[m]) == len(candidates) for m in members)
    if complete:
        rankings = [midranks([totals[m][c] for c in candidates]) for m in members]
        w = kendall_w(rankings)
        return Agreement(w, _level(w), len(members), len(candidates), "complete")
    rhos = []
    for a, b in combinations(members, 2):
        common = [c for c in candidates if c in totals[a] and c in totals[b]]
        if len(common) < 2:
            continue
        rhos.append(
            _pearson(
                midranks([totals[a][c] for c in common]), midranks([totals[b][c] for c in common])
            )
        )
    if not rhos:
        return Agreement(None, "unknown", len(members), len(candidates), "none")
    m = len(members)
    w = max(0.0, ((m - 1) * (sum(rhos) / len(rhos)) + 1) / m)
    return Agreement(w, _level(w), m, len(candidates), "pairwise", pairs=len(rhos))


def scores_hash(detail: JuryDetail) -> str:
    """SHA-256 over every score, weight, scale and recusal (independent of storage order)."""
    lines = [f"scale|{detail.info.scale_min}|{detail.info.scale_max}"]
    lines += [f"criterion|{c.id}|{c.weight!r}" for c in detail.criteria]
    lines += [f"recusal|{r.member_id}|{r.candidate_id}" for r in detail.recusals]
    lines += [f"score|{m}|{c}|{k}|{v!r}" for (m, c, k), v in detail.scores.items()]
    return hashlib.sha256("\n".join(sorted(lines)).encode("utf-8")).hexdigest()


def results(session: Session, jury_id: uuid.UUID) -> JuryResults:
    """Weighted totals, the ranking (ties shown), the spread and the agreement, as they stand."""
    detail = jury_detail(session, jury_id)
    weights = [c.weight for c in detail.criteria]
    per_member: dict[uuid.UUID, dict[uuid.UUID, float]] = {m.id: {} for m in detail.members}
    rows: list[CandidateResult] = []
    for candidate in detail.candidates:
        totals: dict[uuid.UUID, float | None] = {}
        recused = []
        for member in detail.members:
            if detail.recused(member.id, candidate.id):
                recused.append(member.id)
                totals[member.id] = None
                continue
            marks = [detail.scores.get((member.id, candidate.id, c.id)) for c in detail.criteria]
            if not marks or any(s is None for s in marks):
                totals[member.id] = None
                continue
            total = weighted_total(marks, weights)
            totals[member.id] = total
            per_member[member.id][candidate.id] = total
        given = [t for t in totals.values() if t is not None]
        score = sum(given) / len(given) if given else None
        spread = max(given) - min(given) if given else None
        stdev = math.sqrt(sum((t - score) ** 2 for t in given) / len(given)) if given else None
        rows.append(
            CandidateResult(candidate.id, candidate.name, None, False, score, totals, recused,
                            len(given), spread, stdev)
        )  # fmt: skip
    rows = _ranked(rows)
    scored = [c.id for c in detail.candidates if any(c.id in t for t in per_member.values())]
    return JuryResults(
        jury=detail.info,
        members=detail.members,
        criteria=detail.criteria,
        ranking=rows,
        agreement=agreement(per_member, scored),
        completeness=completeness_of(detail),
        scores_hash=scores_hash(detail),
        convention=_(CONVENTION),
    )


def _ranked(rows: list[CandidateResult]) -> list[CandidateResult]:
    with_score = sorted(
        (r for r in rows if r.score is not None), key=lambda r: (-r.score, fold(r.name))
    )
    out = []
    for i, row in enumerate(with_score):
        rank = i + 1
        if i and abs(row.score - with_score[i - 1].score) <= EPSILON:
            rank = out[-1].rank
        tied = any(
            j != i and abs(other.score - row.score) <= EPSILON for j, other in enumerate(with_score)
        )
        out.append(replace(row, rank=rank, tied=tied))
    out += [r for r in rows if r.score is None]
    return out


# --------------------------------------------------------------------------- deliberation


def set_notes(session: Session, jury_id: uuid.UUID, notes: str) -> JuryInfo:
    """Save the deliberation notes (free text)."""
    jury = _open(session, jury_id)
    jury.notes = (notes or "").strip() or None
    session.commit()
    return jury_info(session, jury.id)


def start_deliberation(session: Session, jury_id: uuid.UUID) -> JuryInfo:
    """Mark the jury as deliberating (scores may still be corrected until the decision)."""
    jury = _open(session, jury_id)
    jury.status = "deliberating"
    session.commit()
    return jury_info(session, jury.id)


@dataclass(frozen=True)
class DecisionRecord:
    jury_id: uuid.UUID
    decision: str
    decided_at: datetime
    scores_hash: str
    audit_seq: int

    def as_dict(self) -> dict:
        return {
            "jury": str(self.jury_id),
            "decision": self.decision,
            "decided_at": self.decided_at.isoformat(),
            "scores_hash": self.scores_hash,
            "audit_seq": self.audit_seq,
        }


def record_decision(session: Session, jury_id: uuid.UUID, decision: str) -> DecisionRecord:
    """Record the final decision: the jury is closed for good, and the decision with the
    ranking and a hash of every score goes into the audit log."""
    jury = _open(session, jury_id)
    decision = (decision or "").strip()
    if not decision:
        raise JuryError(_("Write the decision before recording it."))
    found = results(session, jury.id)
    jury.status = "decided"
    jury.decision = decision
    jury.decided_at = utcnow().replace(microsecond=0)
    event = audit.append(
        session,
        "jury.decided",
        {
            "jury": str(jury.id),
            "title": jury.title,
            "decision": decision,
            "scores_hash": found.scores_hash,
            "ranking": [
                [r.rank, r.name, None if r.score is None else round(r.score, 6)]
                for r in found.ranking
            ],
            "kendall_w": None if found.agreement.w is None else round(found.agreement.w, 6),
        },
        jury.id,
    )
    session.commit()
    return DecisionRecord(jury.id, decision, jury.decided_at, found.scores_hash, event.seq)


# --------------------------------------------------------------------------- files

#: Accepted headers of a score file (English and French), folded.
SCORE_COLUMNS = {
    "member": ("member", "membre"),
    "candidate": ("candidate", "candidat", "candidature", "projet"),
    "criterion": ("criterion", "critere"),
    "score": ("score", "note"),
}


def score_lines_from_csv(text: str) -> list[ScoreLine]:
    """Read a score file: a header line with member, candidate, criterion, score (or membre,
    candidat, critère, note), separated by ``,`` or ``;``."""
    text = text.lstrip("\ufeff")
    first = text.splitlines()[0] if text.strip() else ""
    delimiter = ";" if first.count(";") > first.count(",") else ","
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    if not rows:
        raise JuryError(_("The score file is empty."))
    header = [fold(h).strip() for h in rows[0]]
    where: dict[str, int] = {}
    for key, names in SCORE_COLUMNS.items():
        found = [i for i, h in enumerate(header) if h in names]
        if not found:
            raise JuryError(
                _("The score file needs the columns member, candidate, criterion and score.")
            )
        where[key] = found[0]
    lines = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        cells = [row[where[k]].strip() if where[k] < len(row) else "" for k in SCORE_COLUMNS]
        lines.append(ScoreLine(*cells, line=number))
    return lines


def results_table(found: JuryResults) -> tuple[list[str], list[list[object]]]:
    """The ranking as a table (header, rows) for a CSV file: rank, candidate, score, spread,
    members counted, then each member's weighted total (empty: recused or incomplete)."""
    header = [_("Rank"), _("Candidate"), _("Weighted score"), _("Spread"), _("Members counted")]
    header += [m.name for m in found.members]
    rows = []
    for r in found.ranking:
        row: list[object] = [
            "" if r.rank is None else (f"{r.rank}=" if r.tied else r.rank),
            r.name,
            "" if r.score is None else round(r.score, 3),
            "" if r.spread is None else round(r.spread, 3),
            r.counted,
        ]
        for m in found.members:
            total = r.totals.get(m.id)
            if m.id in r.recused:
                row.append(_("recused"))
            else:
                row.append("" if total is None else round(total, 3))
        rows.append(row)
    return header, rows
