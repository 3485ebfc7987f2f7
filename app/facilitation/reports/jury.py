"""The citizen jury draw report (procès-verbal de tirage au sort): how a jury was drawn.

The pool, each quota beside the number drawn, every volunteer's chance of being selected (the
app's probability chart), the jury and its reserve, the replacements, and what anyone needs
to check the draw again: public seed, method, hashes and the ``atelier jury verify`` command.
Everything comes from :func:`app.facilitation.panels.draw_result` and the recorded pool.

Names are printed only for people who gave an active consent for the purpose "publication"
on the document's date; everyone else appears by their badge code, and the document says so.
"""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import date

from reportlab.lib.units import mm
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import AtelierError
from app.facilitation import consent, panels
from app.facilitation.identity import get_identity
from app.facilitation.reports import charts, style
from app.facilitation.sortition import Instance
from app.i18n import N_, _, ngettext
from app.models import ConsentRecord, Process

W = 174 * mm
#: The consent purpose that allows printing a person's name in a public document.
NAME_PURPOSE = "publication"

ALGORITHMS = {
    "leximin": N_(
        "LEXIMIN: the lowest chance of being selected is made as high as the quotas allow"
    ),
    "legacy": N_("Legacy greedy procedure"),
}
SEAT_STATUSES = {
    "active": N_("Sitting"),
    "declined": N_("Declined"),
    "used": N_("Called up"),
}


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
    """Citizen juries already drawn, most recent first."""
    drawn = [p for p in panels.list_panels(session) if p.status == "drawn"]
    return [(p.id, p.title) for p in reversed(drawn)]


def find(session: Session, reference: str) -> uuid.UUID:
    return panels.find_panel(session, reference)


def publishable(session: Session, people: list[uuid.UUID], today: date) -> set[uuid.UUID]:
    """The people with a consent for :data:`NAME_PURPOSE` given by ``today`` and not withdrawn
    by then."""
    if not people:
        return set()
    rows = session.execute(
        select(ConsentRecord.participant_id, ConsentRecord.given_on, ConsentRecord.withdrawn_on)
        .where(ConsentRecord.participant_id.in_(people))
        .where(ConsentRecord.purpose == NAME_PURPOSE)
    ).all()
    return {
        pid
        for pid, given, withdrawn in rows
        if given <= today and (withdrawn is None or withdrawn > today)
    }


def _who(seat: panels.Seat, named: set[uuid.UUID]) -> str:
    if seat.participant_id is not None and seat.participant_id in named:
        return f"{seat.name} ({seat.code})"
    return seat.code


def _seat_table(seats: list[panels.Seat], categories: list[str], named: set[uuid.UUID]):
    header = ["#", _("Person"), _("Profile"), _("Chance"), _("Status")]
    rows = []
    for seat in seats:
        status = _(SEAT_STATUSES.get(seat.status, seat.status))
        if seat.replaces:
            status = _("Replaces {code}").format(code=seat.replaces)
        profile = " · ".join(seat.features.get(c, "—") for c in categories)
        rows.append(
            [
                str(seat.position + 1),
                style.para(_who(seat, named), "cell"),
                style.para(profile or "—", "cell_small"),
                style.format_percent(seat.probability, 1),
                style.para(status, "cell_small"),
            ]
        )
    widths = [9 * mm, 52 * mm, 70 * mm, 19 * mm, 24 * mm]
    return _table(header, rows, widths=widths, align="RLLRL")


def build(session: Session, subject_id: uuid.UUID | None, *, today: date) -> style.Document:
    if subject_id is None:
        raise AtelierError(_("Choose the citizen jury whose draw to print."))
    panel = panels.get_panel(session, subject_id)
    result = panels.draw_result(session, subject_id)
    instance = Instance.from_json(panel.instance)
    process = session.get(Process, panel.process_id)
    identity = get_identity(session)
    pool = len(result.probabilities)
    drawn_on = panel.drawn_at.date() if panel.drawn_at else None
    sitting = [s for s in result.selected if s.status == "active"]
    algorithm = _(ALGORITHMS[result.algorithm]) if result.algorithm in ALGORITHMS else None
    facts = [
        (_("Municipality"), identity.name),
        (_("Process"), process.title if process else ""),
        (_("Citizen jury"), panel.title),
        (_("Drawn on"), style.format_day(drawn_on)),
        (_("Seats"), str(panel.size)),
        (_("Reserve"), str(len(result.alternates))),
        (_("Volunteers in the pool"), str(pool)),
        (
            _("Household rule"),
            _("At most one person per household") if panel.household_rule else _("None"),
        ),
        (_("Method"), algorithm or result.algorithm),
        (_("Public seed"), result.seed),
    ]
    story: list = style.title_block(_("Citizen jury draw report"), panel.title, facts)
    story.append(style.spacer(3))
    story.append(
        style.para(
            _(
                "The jury was drawn by lot among the volunteers of the process, under quotas "
                "that make it resemble the population. A fair lottery over possible juries was "
                "computed first; the public seed then chose one of them. The same records and "
                "seed always give the same jury."
            )
        )
    )

    # Quotas
    in_pool = Counter((k, v) for person in instance.people for k, v in person.features.items())
    now = Counter((k, v) for s in sitting for k, v in s.features.items())
    first = Counter(
        (k, v) for s in result.selected if s.replaces is None for k, v in s.features.items()
    )
    story.append(style.heading(_("Quotas and numbers drawn")))
    if instance.quotas:
        rows = []
        for q in instance.quotas:
            got = now[(q.category, q.value)]
            ok = q.min <= got <= q.max
            rows.append(
                [
                    style.para(q.category, "cell"),
                    style.para(q.value, "cell"),
                    str(in_pool[(q.category, q.value)]),
                    f"{q.min}–{q.max}",
                    str(first[(q.category, q.value)]),
                    str(got),
                    "✔" if ok else "✘",
                ]
            )
        story.append(
            _table(
                [_("Category"), _("Value"), _("In pool"), _("Quota"), _("Drawn"), _("Now"), ""],
                rows,
                widths=[42 * mm, 50 * mm, 18 * mm, 18 * mm, 16 * mm, 16 * mm, 14 * mm],
                align="LLRRRRC",
            )
        )
        story.append(
            style.para(
                _(
                    "Quota: the least and the most people with this value on the jury. Drawn: "
                    "at the draw. Now: on the jury today, after replacements."
                ),
                "note",
            )
        )
    else:
        story.append(style.para(_("This jury was drawn without quotas."), "note"))

    # Probabilities
    below = result.below_half_ratio
    figures = style.para(
        _("Lowest chance {min} · highest {max} · seats/pool {ratio}.").format(
            min=style.format_percent(result.min_probability, 1),
            max=style.format_percent(result.max_probability, 1),
            ratio=style.format_percent(result.ratio, 1),
        )
        + " "
        + ngettext(
            "{n} of {pool} volunteers has less than half of seats/pool ({half}).",
            "{n} of {pool} volunteers have less than half of seats/pool ({half}).",
            below,
        ).format(n=below, pool=pool, half=style.format_percent(result.ratio / 2, 1))
    )
    chart = charts.probability_bars(
        result.probabilities,
        result.ratio,
        width=W,
        ratio_label=_("seats/pool {p}"),
        half_label=_("half {p}"),
    )
    story.append(
        style.keep(
            style.heading(_("Chances of being selected")),
            figures,
            style.spacer(2),
            chart,
            style.para(
                _(
                    "One bar per volunteer, from the least to the most likely to be selected; "
                    "orange bars are below half of seats/pool."
                ),
                "note",
            ),
        )
    )

    # People
    everyone = [s.participant_id for s in [*result.selected, *result.alternates]]
    named = publishable(session, [p for p in everyone if p is not None], today)
    has_purpose = any(p.code == NAME_PURPOSE for p in consent.list_purposes(session))
    if not has_purpose:
        rule = _(
            "Names: this workspace has no consent purpose “{code}”, so everyone is shown by "
            "their badge code. To print names, add that purpose and record the consents."
        ).format(code=NAME_PURPOSE)
    else:
        rule = _(
            "Names: a name is printed only for a person who consented to publication "
            "(purpose “{code}”, given and not withdrawn on {date}); everyone else is shown "
            "by their badge code."
        ).format(code=NAME_PURPOSE, date=style.format_day(today))
    categories = list(dict.fromkeys(q.category for q in instance.quotas))
    profile_note = (
        _("Profile: {categories}.").format(categories=" · ".join(categories)) if categories else ""
    )
    jury_table = _seat_table(result.selected, categories, named)
    lead = [style.heading(_("The jury")), style.para(rule, "small")]
    if profile_note:
        lead.append(style.para(profile_note, "small"))
    lead.append(style.spacer(1.5))
    story += [style.keep(*lead, jury_table)] if len(result.selected) <= 30 else [*lead, jury_table]
    reserve: list = [style.heading(_("Reserve list"))]
    if result.alternates:
        reserve.append(
            style.para(
                _("Alternates are called in this order when a member declines, if they keep "
                  "every quota."),
                "small",
            )
        )  # fmt: skip
        reserve.append(_seat_table(result.alternates, categories, named))
    else:
        reserve.append(style.para(_("No reserve list was drawn."), "note"))
    story += [style.keep(*reserve)] if len(result.alternates) <= 20 else reserve

    replaced = {old.code for old, _new in result.replacements}
    alternate_codes = {a.code for a in result.alternates}
    rows = [
        [
            style.para(_who(old, named), "cell"),
            style.para(_who(new, named), "cell"),
            _("Reserve list") if new.code in alternate_codes else _("Pool"),
        ]
        for old, new in result.replacements
    ]
    rows += [
        [
            style.para(_who(seat, named), "cell"),
            style.para(_("No one: no volunteer left keeps every quota"), "cell"),
            "—",
        ]
        for seat in result.selected
        if seat.status == "declined" and seat.code not in replaced
    ]
    if rows:
        story.append(
            style.keep(
                style.heading(_("Replacements")),
                _table(
                    [_("Declined"), _("Replaced by"), _("Taken from")],
                    rows,
                    widths=[62 * mm, 82 * mm, 30 * mm],
                ),
            )
        )

    # Verification
    story.append(style.heading(_("How to check this draw")))
    story.append(
        style.key_values(
            [
                (_("Public seed"), result.seed),
                (_("Method"), result.algorithm),
                (_("Pool and quotas SHA-256"), result.instance_hash),
                (_("Lottery SHA-256"), result.distribution_hash),
                (_("Possible juries in the lottery"), str(result.panels_in_distribution)),
            ],
            key_width=55 * mm,
        )
    )
    story.append(style.spacer(2))
    story.append(
        style.para(
            _(
                "With a copy of the workspace file, anyone can run the command below. It "
                "recomputes both hashes from the recorded pool, quotas and lottery, draws again "
                "with the public seed and compares the people drawn with those recorded: they "
                "must be the same, and the hashes must be those printed above."
            )
        )
    )
    story.append(style.spacer(1.5))
    story.append(
        style.para(
            "<b>atelier jury verify "
            + style.esc(_("WORKSPACE"))
            + " &quot;"
            + style.esc(panel.title)
            + "&quot;</b>",
            markup=True,
        )
    )
    return style.Document(
        title=_("Citizen jury draw — {title}").format(title=panel.title),
        subject=_("Report of the draw by lot of a citizen jury: {process}").format(
            process=process.title if process else ""
        ),
        story=story,
        header_note=_("Drawn on {date} · seed {seed}").format(
            date=style.format_day(drawn_on), seed=result.seed
        ),
        keywords="tirage au sort, jury citoyen, sortition",
    )
