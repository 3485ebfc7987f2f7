"""The exchange-day comparison report: processes of several organisations side by side.

Prints :func:`app.facilitation.exchange_compare.compare_processes`: the comparison table (one
column per process, five processes per table at most, on landscape pages), bar charts of
attendance, diversity, turnout and actions done, then each process's votes, juries and
indicators in detail, and how the figures are computed.
"""

from __future__ import annotations

import uuid
from datetime import date

from reportlab.lib.units import mm
from reportlab.platypus import Table, TableStyle
from sqlalchemy.orm import Session

from app.facilitation import exchange_compare as X
from app.facilitation.identity import get_identity
from app.facilitation.indicators import status_label
from app.facilitation.reports import charts, style
from app.facilitation.reports.committee import _table
from app.i18n import _

#: Text width of a landscape A4 page.
W = 297 * mm - 2 * style.PAGE_MARGIN
LABEL_WIDTH = 58 * mm
#: Processes per comparison table (more are continued in another table).
PER_TABLE = 5


def subjects(session: Session) -> list[tuple[uuid.UUID | None, str]]:
    """All processes together first, then each process alone."""
    choices = X.process_choices(session)
    if not choices:
        return []
    everything = (
        uuid.UUID(int=0),
        _("All processes ({n})").format(n=len(choices)),
    )
    return [everything, *[(c.id, c.label) for c in choices]]


def find(session: Session, reference: str) -> uuid.UUID:
    from app.facilitation import sessions as S

    return S.find_process(session, reference)


def _ids(subject_id: uuid.UUID | None, process_ids) -> list[uuid.UUID] | None:
    if process_ids:
        return [uuid.UUID(str(p)) for p in process_ids]
    if subject_id is not None and subject_id.int != 0:
        return [subject_id]
    return None


# --------------------------------------------------------------------------- pieces


def _cell(text: str, bold: bool = False):
    return style.para(text, "cell_bold" if bold else "cell")


def _comparison_tables(c: X.Comparison) -> list:
    """One table per section (kept on one page), at most PER_TABLE processes across."""
    measures = [m for m in c.measures() if m.key != "organisation"]
    sections = list(dict.fromkeys(m.section for m in measures))
    parts: list = []
    for start in range(0, len(c.processes), PER_TABLE):
        chunk = list(range(start, min(start + PER_TABLE, len(c.processes))))
        width = (W - LABEL_WIDTH) / len(chunk)
        for section in sections:
            header = [X.section_label(section), *[c.processes[i].label for i in chunk]]
            rows = [
                [style.para(m.label, "cell_small")] + [_cell(m.values[i]) for i in chunk]
                for m in measures
                if m.section == section
            ]
            parts.append(
                style.keep(
                    _table(
                        header,
                        rows,
                        widths=[LABEL_WIDTH] + [width] * len(chunk),
                        extra_style=[("VALIGN", (0, 0), (-1, -1), "TOP")],
                    ),
                    style.spacer(3),
                )
            )
    return parts


def _chart(title: str, c: X.Comparison, values, *, percent: bool, note: str | None = None):
    known = [(p.label, v) for p, v in zip(c.processes, values, strict=True) if v is not None]
    parts: list = [style.para(title, "h3")]
    if not known:
        parts.append(style.para(_("No figure to compare."), "note"))
        return parts
    parts.append(
        charts.bar_chart(
            [label for label, _v in known],
            [v for _label, v in known],
            width=W / 2 - 8 * mm,
            bar_height=10,
            value_text=(lambda v: style.format_percent(v)) if percent else None,
        )
    )
    missing = [p.label for p, v in zip(c.processes, values, strict=True) if v is None]
    if missing:
        parts.append(
            style.para(_("Not known for: {names}.").format(names=", ".join(missing)), "note")
        )
    if note:
        parts.append(style.para(note, "note"))
    return parts


def _charts(c: X.Comparison) -> list:
    ps = c.processes
    made = [
        _chart(_("Mean attendance per session"), c, [p.attendance_rate for p in ps],
               percent=True, note=_("Sign-ins of a session over the people registered.")),
        _chart(_("Diversity against the population (mean of the categories)"), c,
               [p.diversity_mean for p in ps], percent=False,
               note=_("100: the people who came mirror the population; 0: nobody from the "
                      "groups that make it up.")),
        _chart(_("Mean turnout"), c, [p.turnout for p in ps], percent=True),
        _chart(_("Actions done"), c,
               [p.actions.done_share if p.actions else None for p in ps], percent=True,
               note=_("Out of the actions of the follow-up committees (dropped ones aside).")),
    ]  # fmt: skip
    grid = Table(
        [made[i : i + 2] for i in range(0, len(made), 2)],
        colWidths=[W / 2, W / 2],
        hAlign="LEFT",
    )
    grid.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                              ("LEFTPADDING", (0, 0), (-1, -1), 0)]))  # fmt: skip
    return [style.keep(style.heading(_("At a glance")), grid)]


def _details(p: X.ProcessComparison) -> list:
    where = p.organisation or _("(no organisation)")
    if p.country:
        where = f"{where} ({p.country})"
    parts: list = [style.heading(f"{where} — {p.title}", 2)]
    if p.votes:
        rows = [
            [
                style.para(v.question, "cell"),
                style.para(v.method_label, "cell_small"),
                style.format_number(v.ballots),
                style.format_percent(v.turnout),
                style.para(", ".join(v.winners) or "—", "cell"),
            ]
            for v in p.votes
        ]
        parts.append(
            _table(
                [_("Vote"), _("Method"), _("Ballots"), _("Turnout"), _("Outcome")],
                rows,
                widths=[80 * mm, 50 * mm, 22 * mm, 22 * mm, W - 174 * mm],
                align="LLRRL",
            )
        )
        parts.append(style.spacer(2))
    if p.juries:
        rows = [
            [
                style.para(j.title, "cell"),
                style.format_number(j.seats),
                style.format_number(j.pool),
                style.para(", ".join(j.categories) or "—", "cell_small"),
                "—"
                if j.quotas_met is None
                else _("{met} of {n}").format(met=j.quotas_met, n=j.quotas),
                style.format_number(j.alternates),
            ]
            for j in p.juries
        ]
        parts.append(
            _table(
                [_("Citizen jury"), _("Seats"), _("Pool"), _("Quota categories"),
                 _("Quotas met"), _("Alternates")],
                rows,
                widths=[80 * mm, 20 * mm, 20 * mm, 60 * mm, 28 * mm, W - 208 * mm],
                align="LRRLRR",
            )
        )  # fmt: skip
        parts.append(style.spacer(2))
    if p.indicators:
        rows = [
            [
                style.para(i.name, "cell"),
                _number(i.target, i.unit),
                _number(i.value, i.unit),
                status_label(i.status),
            ]
            for i in p.indicators
        ]
        parts.append(
            _table(
                [_("Indicator"), _("Target"), _("Latest value"), _("Status")],
                rows,
                widths=[110 * mm, 40 * mm, 40 * mm, W - 190 * mm],
                align="LRRL",
            )
        )
    if not (p.votes or p.juries or p.indicators):
        parts.append(style.para(_("No vote, citizen jury or indicator in this process."), "note"))
    return parts


def _number(value: float | None, unit: str | None) -> str:
    if value is None:
        return "—"
    text = style.format_number(value, 0 if float(value).is_integer() else 1)
    return f"{text} {unit}" if unit else text


# --------------------------------------------------------------------------- the document


def build(
    session: Session,
    subject_id: uuid.UUID | None,
    *,
    today: date,
    process_ids: list | None = None,
) -> style.Document:
    c = X.compare_processes(session, _ids(subject_id, process_ids), today=today)
    identity = get_identity(session)
    facts = [
        (_("Printed by"), identity.name),
        (_("Situation on"), style.format_day(today)),
        (_("Organisations"), ", ".join(dict.fromkeys(p.organisation for p in c.processes
                                                      if p.organisation)) or "—"),
    ]  # fmt: skip
    story: list = style.title_block(_("Comparison of processes"), X.describe(c), facts)
    if not c.processes:
        story.append(style.para(_("No process to compare."), "note"))
    else:
        story.append(style.heading(_("Side by side")))
        story += _comparison_tables(c)
        story += _charts(c)
        story.append(style.heading(_("Votes, juries and indicators")))
        for p in c.processes:
            story += _details(p)
    story.append(style.heading(_("How the figures are computed"), 2))
    for text in (
        _("Sessions and attendance count the workshop sessions held up to the date of the "
          "document, not committee meetings."),
        _("Diversity: 100 × (1 − D), where D is Duncan's dissimilarity index between the people "
          "who came to at least one session and the population, per attribute category. The "
          "population shares are those given to the process's citizen juries (census), else "
          "those of this workspace."),
        _("Turnout: ballots over the people who could vote (those signed in to the session, or "
          "registered in the process); unknown for open counts."),
        _("“—”: the process has no such thing (no vote, no jury, no committee, no census "
          "share), which is not a zero."),
    ):  # fmt: skip
        story.append(style.para(text, "note"))
    return style.Document(
        title=_("Comparison of processes"),
        subject=_("Exchange day: {what}").format(what=X.describe(c)),
        story=story,
        wide=True,
        header_note=_("Situation on {date}").format(date=style.format_day(today)),
        keywords="journée d'échanges, exchange day, comparaison",
    )
