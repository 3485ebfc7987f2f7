"""The evaluation jury report: criteria and weights, members, each member's scores, the
ranking with weighted scores, conflicts of interest, agreement, deliberation and decision.

Every figure comes from :func:`app.facilitation.juries.results` and ``jury_detail``; the
convention that turns scores into a ranking is printed with it.
"""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import date

from reportlab.lib.units import mm
from sqlalchemy.orm import Session

from app.errors import AtelierError
from app.facilitation import juries
from app.facilitation.identity import get_identity
from app.facilitation.reports import charts, style
from app.i18n import _, ngettext

W = 174 * mm


def _table(header, rows, *, align=None, **options):
    """:func:`style.table` with header cells that wrap (translations are longer)."""
    letters = align if isinstance(align, str) and len(align) > 1 else ""
    cells = [
        style.para(
            f"<b>{style.esc(h)}</b>",
            "cell_right" if letters[i : i + 1] == "R" else "cell",
            markup=True,
        )
        if isinstance(h, str) and h
        else h
        for i, h in enumerate(header)
    ]
    # One letter per column (style.table reads a plain string as one letter for all).
    return style.table(cells, rows, align=list(letters) or align, **options)


def subjects(session: Session) -> list[tuple[uuid.UUID, str]]:
    """Every evaluation jury: "title (process)"."""
    return [(j.id, f"{j.title} ({j.process_title})") for j in juries.list_juries(session)]


def find(session: Session, reference: str) -> uuid.UUID:
    return juries.find_jury(session, reference)


def score_text(value: float | None, digits: int = 2) -> str:
    """A score as printed: whole numbers without decimals, others with ``digits``."""
    if value is None:
        return "—"
    if float(value).is_integer():
        return style.format_number(value)
    return style.format_number(value, digits)


def total_text(value: float | None) -> str:
    """A weighted total or score: always two decimals."""
    return "—" if value is None else style.format_number(value, 2)


def _rank(row: juries.CandidateResult) -> str:
    if row.rank is None:
        return "—"
    return f"{row.rank}=" if row.tied else str(row.rank)


def _header(text: str) -> object:
    return style.para(f"<b>{style.esc(text)}</b>", "cell_small", markup=True)


def build(session: Session, subject_id: uuid.UUID | None, *, today: date) -> style.Document:
    if subject_id is None:
        raise AtelierError(_("Choose the evaluation jury to report on."))
    found = juries.results(session, subject_id)
    detail = juries.jury_detail(session, subject_id)
    info = found.jury
    identity = get_identity(session)
    names = {m.id: m.name for m in found.members}
    candidates = {c.id: c.name for c in detail.candidates}
    done = found.completeness
    decided_on = info.decided_at.date() if info.decided_at else None
    facts = [
        (_("Municipality"), identity.name),
        (_("Process"), info.process_title),
        (_("Status"), _(juries.STATUS_LABELS.get(info.status, info.status))),
        (_("Scale"), _("from {low} to {high}").format(low=info.scale_min, high=info.scale_max)),
        (_("Members"), str(len(found.members))),
        (_("Candidates"), str(len(detail.candidates))),
        (_("Scores entered"), _("{done} of {expected}").format(
            done=done.scored, expected=done.expected)),
        (_("Decided on"), style.format_day(decided_on) if decided_on else None),
    ]  # fmt: skip
    story: list = style.title_block(_("Evaluation jury report"), info.title, facts)
    story += style.paras(info.description)

    # Criteria
    total_weight = sum(c.weight for c in found.criteria) or 1
    rows = [
        [
            style.para(c.name, "cell_bold"),
            style.para(c.description or "", "cell_small"),
            score_text(c.weight),
            style.format_percent(c.weight / total_weight),
        ]
        for c in found.criteria
    ]
    story.append(style.heading(_("Criteria and weights")))
    if rows:
        story.append(
            _table(
                [_("Criterion"), _("What is looked at"), _("Weight"), _("Share")],
                rows,
                widths=[50 * mm, 88 * mm, 18 * mm, 18 * mm],
                align="LLRR",
            )
        )
    else:
        story.append(style.para(_("No criterion was set."), "note"))

    # Members
    story.append(style.heading(_("Members")))
    colleges = Counter(m.college for m in found.members)
    story.append(
        style.para(
            " · ".join(
                f"{_(juries.COLLEGE_LABELS.get(code, code))}: {n}"
                for code, n in sorted(colleges.items(), key=lambda kv: -kv[1])
            )
            or _("No member yet.")
        )
    )
    if found.members:
        story.append(
            _table(
                ["#", _("Member"), _("College")],
                [
                    [
                        str(i),
                        style.para(m.name, "cell"),
                        _(juries.COLLEGE_LABELS.get(m.college, m.college)),
                    ]
                    for i, m in enumerate(found.members, start=1)
                ],
                widths=[10 * mm, 100 * mm, 64 * mm],
                align="RLL",
            )
        )

    # Ranking
    rows = [
        [
            _rank(r),
            style.para(r.name, "cell_bold" if r.rank == 1 else "cell"),
            total_text(r.score),
            str(r.counted),
            total_text(r.spread),
            str(len(r.recused)) if r.recused else "",
        ]
        for r in found.ranking
    ]
    ranking = [
        style.heading(_("Ranking")),
        _table(
            [_header(h) for h in (_("Rank"), _("Candidate"), _("Weighted score"),
                                  _("Members counted"), _("Spread"), _("Conflicts"))],
            rows,
            widths=[14 * mm, 72 * mm, 26 * mm, 24 * mm, 18 * mm, 20 * mm],
            align="RLRRRR",
        ),
    ]  # fmt: skip
    scored = [r for r in found.ranking if r.score is not None]
    if scored:
        ranking += [
            style.spacer(2),
            charts.bar_chart(
                [r.name for r in scored],
                [r.score for r in scored],
                width=W,
                highlight=[i for i, r in enumerate(scored) if r.rank == 1],
                value_text=total_text,
            ),
        ]
    story.append(style.keep(*ranking) if len(rows) <= 20 else ranking[0])
    if len(rows) > 20:
        story += ranking[1:]
    story.append(style.para(found.convention, "note"))
    if any(r.tied for r in found.ranking):
        story.append(style.para(_("“=”: candidates with the same score share a rank."), "note"))

    # Agreement
    agreement = [style.heading(_("Agreement between members")), style.para(found.agreement.reading)]
    if found.agreement.basis:
        agreement.append(style.para(found.agreement.basis, "small"))
    story.append(style.keep(*agreement))

    # Recusals
    story.append(style.heading(_("Conflicts of interest")))
    if detail.recusals:
        story.append(
            style.para(
                ngettext(
                    "{n} conflict of interest was declared; the member did not score that "
                    "candidate.",
                    "{n} conflicts of interest were declared; each member did not score that "
                    "candidate.",
                    len(detail.recusals),
                ).format(n=len(detail.recusals))
            )
        )
        story.append(
            _table(
                [_("Member"), _("Candidate"), _("Reason")],
                [
                    [
                        style.para(names.get(r.member_id, "?"), "cell"),
                        style.para(candidates.get(r.candidate_id, "?"), "cell"),
                        style.para(r.reason or "—", "cell"),
                    ]
                    for r in detail.recusals
                ],
                widths=[50 * mm, 50 * mm, 74 * mm],
            )
        )
    else:
        story.append(style.para(_("No conflict of interest was declared."), "note"))

    # Scores grid per member
    story.append(style.heading(_("Scores by member")))
    story.append(
        style.para(
            _("Each member's scores per criterion (weight in brackets) and weighted total."),
            "small",
        )
    )
    n = len(found.criteria)
    crit_w = (W - 52 * mm - 22 * mm) / n if n else 0
    header = [
        _header(_("Candidate")),
        *(_header(f"{c.name} ({score_text(c.weight)})") for c in found.criteria),
        _header(_("Weighted total")),
    ]
    by_candidate = {r.candidate_id: r for r in found.ranking}
    for member in found.members:
        rows = []
        for candidate in detail.candidates:
            if detail.recused(member.id, candidate.id):
                rows.append(
                    [
                        style.para(candidate.name, "cell"),
                        *([""] * n),
                        style.para(_("conflict of interest"), "cell_small"),
                    ]
                )
                continue
            marks = [
                score_text(detail.scores.get((member.id, candidate.id, c.id)), 1)
                for c in found.criteria
            ]
            total = by_candidate[candidate.id].totals.get(member.id)
            rows.append([style.para(candidate.name, "cell"), *marks, total_text(total)])
        college = _(juries.COLLEGE_LABELS.get(member.college, member.college))
        grid = _table(
            header,
            rows,
            widths=[52 * mm, *([crit_w] * n), 22 * mm],
            align="L" + "R" * (n + 1),
        )
        story.append(
            style.keep(style.heading(f"{member.name} — {college}", 3), grid)
            if len(rows) <= 25
            else grid
        )

    # Deliberation and decision
    story.append(style.heading(_("Deliberation")))
    story += style.paras(info.notes) or [
        style.para(_("No deliberation notes were written."), "note")
    ]
    decision: list = [style.heading(_("Decision"))]
    if info.decision and decided_on:
        decision.append(
            style.para(
                "<b>"
                + style.esc(
                    _("Decided on {date} at {time} UTC:").format(
                        date=style.format_day(decided_on),
                        time=info.decided_at.strftime("%H:%M"),
                    )
                )
                + "</b>",
                markup=True,
            )
        )
        decision += style.paras(info.decision)
    else:
        decision.append(style.para(_("No decision has been recorded yet."), "note"))
    decision.append(style.spacer(2))
    decision.append(
        style.para(
            _(
                "Scores SHA-256: {hash} (every score, weight, scale and conflict of interest; "
                "recorded in the audit log with the decision)."
            ).format(hash=found.scores_hash),
            "note",
        )
    )
    story.append(style.keep(*decision))
    return style.Document(
        title=_("Evaluation jury — {title}").format(title=info.title),
        subject=_("Report of an evaluation jury: {process}").format(process=info.process_title),
        story=story,
        toc="auto",
        header_note=info.process_title,
        keywords="jury, grille d'évaluation, evaluation",
    )
