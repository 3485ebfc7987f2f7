"""Paper ballots for a vote: the question, instructions matching the method, numbered, 1, 2
or 4 per page with dashed cutting lines."""

from __future__ import annotations

import uuid
from datetime import date

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import KeepInFrame, PageBreak, Paragraph, Table, TableStyle
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.errors import AtelierError
from app.facilitation import votes
from app.facilitation.reports import style
from app.facilitation.sessions import session_info
from app.facilitation.voting.majority_judgment import DEFAULT_GRADES
from app.i18n import _, ngettext
from app.models import Attendance, Registration

PER_PAGE = (1, 2, 4)
MAX_BALLOTS = 5000
#: Frame of a portrait A4 page's text area, in points (see style.render).
_FRAME_W = 174 * mm
_FRAME_H = 234 * mm


def _whole(rules: dict, key: str, default: int | None) -> int | None:
    value = rules.get(key, default)
    return (
        int(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else default
    )


def instructions(info: votes.VoteInfo) -> list[str]:
    """What the voter must do, in plain sentences, for the vote's method."""
    rules = info.rules
    lines: list[str] = []
    if info.ballot == "dots":
        k = _whole(rules, "dots_per_voter", 1) or 1
        m = _whole(rules, "max_per_option", k) or k
        lines.append(
            ngettext(
                "You have {k} dot to give: write it in the box of the option you support.",
                "You have {k} dots to give: write in each box how many you give that option.",
                k,
            ).format(k=k)
        )
        if m < k:
            lines.append(_("At most {m} on any one option.").format(m=m))
    elif info.ballot == "approval" and info.method in ("pb_greedy", "mes"):
        budget = rules.get("budget")
        lines.append(_("Tick every project you want to see funded."))
        if budget is not None:
            lines.append(
                _("The budget is {budget}; the cost of each project is shown beside it.").format(
                    budget=style.format_number(budget)
                )
            )
    elif info.ballot == "approval":
        limit = _whole(rules, "max_approvals", None)
        lines.append(_("Tick every option you approve of."))
        if limit:
            lines.append(
                ngettext("Tick at most {n} option.", "Tick at most {n} options.", limit).format(
                    n=limit
                )
            )
    elif info.ballot == "score":
        low, high = _whole(rules, "min", 0), _whole(rules, "max", 5)
        lines.append(
            _("Give each option a whole score from {low} (least) to {high} (most).").format(
                low=low, high=high
            )
        )
    elif info.ballot == "grades":
        lines.append(_("For each option, tick one grade: the one you find fair."))
        lines.append(_("An option you leave without a grade gets the lowest grade."))
    elif info.ballot == "ranking":
        lines.append(
            _(
                "Number the options in your order of preference: 1 for your first choice, 2 "
                "for the next, and so on. Rank as many as you wish; never give two options "
                "the same number."
            )
        )
        seats = _whole(rules, "seats", 1) or 1
        if seats > 1:
            lines.append(
                ngettext("{n} seat will be filled.", "{n} seats will be filled.", seats).format(
                    n=seats
                )
            )
    elif info.ballot == "choice":
        lines.append(
            _("Tick one answer only: {answers}.").format(
                answers=" / ".join(o.title for o in info.options)
            )
        )
    lines.append(
        _(
            "A ballot left empty counts as blank; a ballot that cannot be read, or bears a "
            "sign, is spoiled."
        )
    )
    return lines


def electorate(session: Session, info: votes.VoteInfo) -> int:
    """How many people may vote: attendance for a session vote, registrations otherwise."""
    workshop = session_info(session, info.session_id)
    registered = session.scalar(
        select(func.count())
        .select_from(Registration)
        .where(Registration.process_id == workshop.process_id)
    )
    if info.eligibility == "session":
        present = session.scalar(
            select(func.count())
            .select_from(Attendance)
            .where(Attendance.session_id == info.session_id)
        )
        return present or registered or 0
    return registered or 0


def _options_table(info: votes.VoteInfo, scale: float, width: float) -> Table:
    """The options with the marks to make (boxes, grades, rank or score boxes)."""
    s = style.styles()
    cell = s["cell"] if scale >= 0.8 else s["cell_small"]
    names = [Paragraph(style.esc(o.title), cell) for o in info.options]
    extra: list[tuple] = []
    if info.ballot == "grades":
        grades = list(info.rules.get("grades") or DEFAULT_GRADES)
        narrow = width * 0.66 / len(grades) < 16 * mm  # numbers, with a legend above
        heads = [str(i) for i in range(1, len(grades) + 1)] if narrow else grades
        data = [["", *[Paragraph(style.esc(g), s["centre_small"]) for g in heads]]]
        data += [[name, *["○"] * len(grades)] for name in names]
        fractions = [0.34] + [0.66 / len(grades)] * len(grades)
        extra += [("ALIGN", (1, 0), (-1, -1), "CENTER"), ("FONTSIZE", (1, 1), (-1, -1), 13)]
    elif info.ballot == "choice":
        data = [["☐", Paragraph(style.esc(o.title), s["body"])] for o in info.options]
        fractions = [0.12, 0.88]
        extra += [("ALIGN", (0, 0), (0, -1), "CENTER"), ("FONTSIZE", (0, 0), (0, -1), 14 * scale)]
    else:
        budget = info.method in ("pb_greedy", "mes")
        mark = "☐" if info.ballot == "approval" else ""
        data = []
        for option, name in zip(info.options, names, strict=True):
            data.append(
                [mark, name, style.format_number(option.cost or 0)] if budget else [mark, name]
            )
        fractions = [0.1, 0.65, 0.25] if budget else [0.12, 0.88]
        extra += [
            ("ALIGN", (0, 0), (0, -1), "CENTER"),
            ("FONTSIZE", (0, 0), (0, -1), 14 * scale),
            ("ALIGN", (-1, 0), (-1, -1), "RIGHT" if budget else "LEFT"),
        ]
        if info.ballot != "approval":  # a box to write a number in
            extra += [("BOX", (0, i), (0, i), 0.8, style.INK) for i in range(len(data))]
    widths = [f * width for f in fractions]
    if info.ballot != "grades" and widths[0] > 14 * mm:  # a mark box needs no more
        widths[1] += widths[0] - 14 * mm
        widths[0] = 14 * mm
    table = Table(data, colWidths=widths, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), style.FONT, 9 * scale),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.4, style.GRID),
                ("TOPPADDING", (0, 0), (-1, -1), 4 * scale),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4 * scale),
                *extra,
            ]
        )
    )
    return table


def grade_legend(info: votes.VoteInfo) -> str:
    """ "1 = Very good · 2 = Good …" for ballots too narrow to print the grades' names."""
    grades = list(info.rules.get("grades") or DEFAULT_GRADES)
    return " · ".join(f"{i} = {g}" for i, g in enumerate(grades, start=1))


def _ballot(
    info: votes.VoteInfo,
    lines: list[str],
    number: int,
    total: int,
    width: float,
    height: float,
    heading: str,
) -> KeepInFrame:
    s = style.styles()
    scale = 1.0 if height > 150 * mm else 0.85 if height > 100 * mm else 0.75
    width_inner = width - 10 * mm
    options = _options_table(info, scale, width_inner)
    digits = max(4, len(str(total)))
    top = Table(
        [
            [
                Paragraph(style.esc(heading), s["small"]),
                Paragraph(
                    style.esc(_("Ballot no. {n}").format(n=f"{number:0{digits}d}")), s["cell_right"]
                ),
            ]
        ],
        colWidths=[width_inner * 0.62, width_inner * 0.38],
    )
    top.setStyle(
        TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0)])
    )
    content = [
        top,
        style.spacer(2),
        Paragraph(style.esc(info.question), s["h2"]),
        *[Paragraph(style.esc(line), s["small"]) for line in lines],
        style.spacer(2),
        options,
    ]
    grades = list(info.rules.get("grades") or DEFAULT_GRADES)
    if info.ballot == "grades" and width_inner * 0.66 / len(grades) < 16 * mm:
        content.insert(-1, Paragraph(style.esc(grade_legend(info)), s["cell_small"]))
    return KeepInFrame(width_inner, height - 8 * mm, content, mode="shrink")


def build(
    session: Session,
    subject_id: uuid.UUID | None,
    *,
    today: date,
    per_page: int = 2,
    count: int = 0,
) -> style.Document:
    if subject_id is None:
        raise AtelierError(_("Choose the vote of the ballots."))
    if per_page not in PER_PAGE:
        raise AtelierError(_("Ballots are printed 1, 2 or 4 to a page."))
    if not 0 <= count <= MAX_BALLOTS:
        raise AtelierError(
            _("Number of ballots: give a number from 1 to {max}.").format(max=MAX_BALLOTS)
        )
    info = votes.vote_info(session, subject_id)
    if not info.options:
        raise AtelierError(_("This vote has no options yet; add them before printing ballots."))
    workshop = session_info(session, info.session_id)
    total = count or max(electorate(session, info), 1)
    total = -(-total // per_page) * per_page  # fill the last page
    lines = instructions(info)
    heading = f"{workshop.title} — {style.format_day(workshop.starts_at.date())}"
    cols, rows = {1: (1, 1), 2: (1, 2), 4: (2, 2)}[per_page]
    cell_w, cell_h = _FRAME_W / cols, _FRAME_H / rows
    story: list = []
    dashed = colors.HexColor("#9aa3a9")
    for first in range(1, total + 1, per_page):
        cells = [
            _ballot(info, lines, n, total, cell_w, cell_h, heading)
            for n in range(first, first + per_page)
        ]
        grid = [cells[r * cols : (r + 1) * cols] for r in range(rows)]
        sheet = Table(grid, colWidths=[cell_w] * cols, rowHeights=[cell_h] * rows)
        sheet.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 5 * mm),
                    ("TOPPADDING", (0, 0), (-1, -1), 4 * mm),
                    ("INNERGRID", (0, 0), (-1, -1), 0.6, dashed, None, (3, 3)),
                ]
            )
        )
        story.append(sheet)
        if first + per_page <= total:
            story.append(PageBreak())
    return style.Document(
        title=_("Ballots — {question}").format(question=info.question),
        subject=_("{n} paper ballots, {method}").format(n=total, method=info.method_label),
        story=story,
        header_note=heading,
        keywords="bulletins, ballots",
    )
