"""Follow-up committee documents: the committee report (where things stand) and the annual
review (bilan annuel) of one year.

The committee report prints the dashboard (:func:`committee_review.dashboard`): members,
actions by status, overdue actions, every indicator with its measurements against the target,
the decisions log. The annual review prints :func:`committee_review.annual_review`: attendance
at each meeting, actions done, late and open, indicators against targets, the decisions of the
year and, when there is any, the co-delivery summary (hours, value of citizen time, people
helped, support costs against estimated savings).
"""

from __future__ import annotations

import uuid
from datetime import date

from reportlab.lib.units import mm
from sqlalchemy.orm import Session

from app.errors import AtelierError
from app.facilitation import actions as A
from app.facilitation import committee_review as R
from app.facilitation import committees as C
from app.facilitation import indicators as I
from app.facilitation.identity import get_identity
from app.facilitation.missions import cost_kind_label
from app.facilitation.reports import charts, style
from app.facilitation.reports.session_summary import DECISION_STATUSES
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
    """Every committee: "title (process)"."""
    return [(c.id, f"{c.title} ({c.process_title})") for c in C.list_committees(session)]


def find(session: Session, reference: str) -> uuid.UUID:
    return C.find_committee(session, reference)


# --------------------------------------------------------------------------- pieces


def euros(value: float | None) -> str:
    return "—" if value is None else f"{style.format_number(value)}\u00a0€"


def hours(value: float | None) -> str:
    if value is None:
        return "—"
    text = style.format_number(value, 0 if float(value).is_integer() else 1)
    return _("{n} h").format(n=text)


def _value(value: float | None, unit: str | None) -> str:
    if value is None:
        return "—"
    text = style.format_number(value, 0 if float(value).is_integer() else 1)
    return f"{text} {unit}" if unit else text


def _action_table(rows: list[A.ActionRow], today: date, *, late: bool = False):
    header = [_("Action"), _("Owner"), _("Due"), _("Status"), _("Progress")]
    if late:
        header[-1] = _("Days late")
    body = []
    for r in rows:
        last = (
            str((today - r.due_on).days)
            if late and r.due_on
            else style.format_percent(r.progress / 100)
        )
        body.append(
            [
                style.para(r.title, "cell"),
                style.para(r.owner_name or "—", "cell"),
                style.format_day(r.due_on),
                A.status_label(r.status),
                last,
            ]
        )
    return _table(header, body, widths=[64 * mm, 42 * mm, 22 * mm, 26 * mm, 20 * mm], align="LLLLR")


def _decisions(found: list[C.LoggedDecision]) -> list:
    if not found:
        return [style.para(_("No decision was recorded."), "note")]
    rows = [
        [
            style.format_day(d.decided_on),
            style.para(d.text, "cell"),
            style.para(d.decided_by or "—", "cell_small"),
            style.para(d.meeting_title, "cell_small"),
            _(DECISION_STATUSES.get(d.status, d.status)),
        ]
        for d in found
    ]
    return [
        _table(
            [_("Date"), _("Decision"), _("Decided by"), _("Meeting"), _("Status")],
            rows,
            widths=[20 * mm, 62 * mm, 26 * mm, 44 * mm, 22 * mm],
        )
    ]


def _indicator_chart(
    session: Session,
    indicator: I.IndicatorInfo,
    start: date | None = None,
    end: date | None = None,
):
    points = [
        m
        for m in I.measurements(session, indicator.id)
        if (start is None or m.measured_on >= start) and (end is None or m.measured_on <= end)
    ]
    if not points:
        return None
    off = [
        k
        for k, m in enumerate(points)
        if I.indicator_status(indicator.direction, indicator.target, m.value) == "off_track"
    ]
    return charts.line_chart(
        [style.format_day(m.measured_on) for m in points],
        [m.value for m in points],
        width=W,
        height=48 * mm,
        target=indicator.target,
        baseline=indicator.baseline,
        unit=f" {indicator.unit}" if indicator.unit else "",
        target_label=_("target"),
        baseline_label=_("baseline"),
        off_track=off,
    )


def _indicator_block(
    session: Session,
    indicator: I.IndicatorInfo,
    facts: list[tuple[str, str]],
    start: date | None = None,
    end: date | None = None,
    lead: list | None = None,
) -> object:
    parts: list = [
        *(lead or []),
        style.heading(indicator.name, 2),
        style.key_values(facts, key_width=40 * mm),
    ]
    chart = _indicator_chart(session, indicator, start, end)
    if chart is not None:
        parts += [style.spacer(1.5), chart]
    else:
        parts.append(style.para(_("No measurement in this period."), "note"))
    return style.keep(*parts)


# --------------------------------------------------------------------------- committee report


def build(session: Session, subject_id: uuid.UUID | None, *, today: date) -> style.Document:
    if subject_id is None:
        raise AtelierError(_("Choose the committee to report on."))
    board = R.dashboard(session, subject_id, today=today)
    info = board.committee
    identity = get_identity(session)
    members = C.list_members(session, subject_id)
    seats = (
        _("{n} of {max}").format(n=info.full_members, max=info.max_members)
        if info.max_members
        else str(info.full_members)
    )
    nxt = board.next_meeting
    facts = [
        (_("Municipality"), identity.name),
        (_("Process"), info.process_title),
        (_("Full members"), seats),
        (_("Observers"), str(info.observers)),
        (_("Meetings held or planned"), str(info.meetings)),
        (
            _("Next meeting"),
            f"{style.format_day(nxt.starts_at.date())} — {nxt.title}" if nxt else _("None planned"),
        ),
        (_("Situation on"), style.format_day(today)),
    ]
    story: list = style.title_block(_("Committee report"), info.title, facts)
    story += style.paras(info.description)

    story.append(style.heading(_("Members")))
    if members:
        rows = [
            [
                style.para(m.name, "cell"),
                C.role_label(m.role),
                style.format_day(m.joined_on) if m.joined_on else "—",
                style.format_day(m.left_on) if m.left_on else "",
            ]
            for m in members
        ]
        story.append(
            _table(
                [_("Name"), _("Role"), _("Since"), _("Left on")],
                rows,
                widths=[84 * mm, 40 * mm, 25 * mm, 25 * mm],
            )
        )
    else:
        story.append(style.para(_("No member yet."), "note"))

    # Actions
    counts = board.actions_by_status
    labels = [A.status_label(code) for code in counts]
    story.append(
        style.keep(
            style.heading(_("Action plan")),
            style.para(
                ngettext(
                    "{n} action, {open} still open, {late} overdue.",
                    "{n} actions, {open} still open, {late} overdue.",
                    board.actions,
                ).format(n=board.actions, open=board.open_actions, late=len(board.overdue_actions))
            ),
            style.spacer(1.5),
            charts.bar_chart(labels, list(counts.values()), width=W, bar_height=9),
        )
    )
    if board.overdue_actions:
        story.append(
            style.keep(
                style.heading(_("Overdue actions"), 2),
                _action_table(board.overdue_actions, today, late=True),
            )
        )
    plan = A.list_actions(session, subject_id, today=today)
    if plan:
        story.append(style.heading(_("Every action"), 2))
        story.append(_action_table(plan, today))

    # Indicators
    found = I.list_indicators(session, subject_id)
    if not found:
        story.append(style.heading(_("Indicators")))
        story.append(style.para(_("No indicator is followed yet."), "note"))
    for number, indicator in enumerate(found):
        facts = [
            (_("Direction"), I.direction_label(indicator.direction)),
            (_("Source"), I.source_label(indicator.source)),
            (_("Baseline"), _value(indicator.baseline, indicator.unit)),
            (_("Target"), _value(indicator.target, indicator.unit)),
            (
                _("Latest value"),
                f"{_value(indicator.latest_value, indicator.unit)} "
                f"({style.format_day(indicator.latest_on)})"
                if indicator.latest_on
                else "—",
            ),
            (_("Status"), I.status_label(indicator.status)),
        ]
        lead = [style.heading(_("Indicators"))] if number == 0 else []
        story.append(_indicator_block(session, indicator, facts, lead=lead))

    story.append(style.heading(_("Decisions log")))
    story += _decisions(C.decisions_log(session, subject_id))
    return style.Document(
        title=_("Committee report — {title}").format(title=info.title),
        subject=_("Where the follow-up committee stands: {process}").format(
            process=info.process_title
        ),
        story=story,
        toc="auto",
        header_note=_("Situation on {date}").format(date=style.format_day(today)),
        keywords="comité de suivi, plan d'action, indicateurs",
    )


# --------------------------------------------------------------------------- annual review


def _codelivery(summary) -> list:
    parts: list = [style.heading(_("Co-delivery with volunteers"))]
    value = summary.time_value
    source = f", {summary.hourly_value_source}" if summary.hourly_value_source else ""
    facts = [
        (_("Missions"), str(summary.missions)),
        (_("Volunteers"), str(summary.volunteers)),
        (_("Hours given"), hours(summary.hours)),
        (
            _("Value of citizen time"),
            _("{value}: {hours} × {rate} per hour{source}").format(
                value=euros(value), hours=hours(summary.hours),
                rate=euros(summary.hourly_value), source=source,
            )
            if value is not None
            else _("no reference hourly value set"),
        ),
        (_("People helped"), str(summary.people_helped)),
    ]  # fmt: skip
    if summary.people_by_category:
        facts.append(
            (
                _("By category"),
                " · ".join(f"{k}: {n}" for k, n in summary.people_by_category.items()),
            )
        )
    costs = " · ".join(
        f"{cost_kind_label(k)}: {euros(v)}" for k, v in summary.costs_by_kind.items() if v
    )
    facts += [
        (_("Support costs"), f"{euros(summary.costs)}" + (f" ({costs})" if costs else "")),
        (_("Estimated savings"), euros(summary.savings_total)),
        (_("Savings less costs"), euros(summary.balance)),
        (
            _("Savings per euro spent"),
            style.format_number(summary.ratio, 2) if summary.ratio is not None else "—",
        ),
    ]
    parts.append(style.key_values(facts, key_width=48 * mm))
    rows = summary.chart_rows()
    parts += [
        style.spacer(2),
        charts.bar_chart(
            [label for label, _v in rows],
            [v for _label, v in rows],
            width=W,
            bar_height=10,
            value_text=euros,
        ),
        style.para(
            _("The value of citizen time is shown beside the balance, never counted in it."),
            "note",
        ),
    ]
    story: list = [style.keep(*parts)]
    if summary.savings:
        story.append(style.para(_("Sources of the estimated savings"), "h3"))
        story.append(
            _table(
                [_("Amount"), _("Source"), _("Period")],
                [
                    [
                        euros(s.amount),
                        style.para(s.source, "cell"),
                        f"{style.format_day(s.period_start)} – {style.format_day(s.period_end)}"
                        if s.period_start or s.period_end
                        else "—",
                    ]
                    for s in summary.savings
                ],
                widths=[26 * mm, 100 * mm, 48 * mm],
                align="RLL",
            )
        )
    return story


def build_annual(
    session: Session, subject_id: uuid.UUID | None, *, today: date, year: int = 0
) -> style.Document:
    if subject_id is None:
        raise AtelierError(_("Choose the committee to review."))
    year = int(year or today.year)
    if not 1900 <= year <= 2200:
        raise AtelierError(_("The year {year} is not a valid year.").format(year=year))
    review = R.annual_review(session, subject_id, year, today=today)
    info = review.committee
    identity = get_identity(session)
    start, end = date(year, 1, 1), date(year, 12, 31)
    facts = [
        (_("Municipality"), identity.name),
        (_("Process"), info.process_title),
        (_("Year"), str(year)),
        (_("Situation on"), style.format_day(review.as_of)),
        (_("Meetings"), str(len(review.meetings))),
        (_("Attendance (all meetings)"), str(review.attendance)),
        (
            _("Actions"),
            _("{created} created · {done} done ({late} late) · {open} open, {overdue} overdue")
            .format(
                created=review.created, done=len(review.done), late=review.done_late,
                open=len(review.open), overdue=len(review.late),
            ),
        ),
        (_("Decisions"), str(len(review.decisions))),
    ]  # fmt: skip
    story: list = style.title_block(_("Annual review {year}").format(year=year), info.title, facts)
    story += style.paras(info.description)

    # Attendance
    story.append(style.heading(_("Attendance over the year")))
    if review.meetings:
        rows = [
            [
                style.format_day(m.day),
                style.para(m.meeting.title, "cell"),
                str(m.present),
                _("{came} of {sitting}").format(came=m.members_present, sitting=m.members),
                style.format_percent(m.member_rate) if m.member_rate is not None else "—",
            ]
            for m in review.meetings
        ]
        story.append(
            _table(
                [_("Date"), _("Meeting"), _("Present"), _("Members present"), _("Rate")],
                rows,
                widths=[22 * mm, 78 * mm, 24 * mm, 32 * mm, 18 * mm],
                align="LLRRR",
            )
        )
        if any(m.present for m in review.meetings):
            story.append(style.spacer(2))
            story.append(
                charts.bar_chart(
                    [style.format_day(m.day) for m in review.meetings],
                    [m.present for m in review.meetings],
                    width=W,
                    bar_height=9,
                )
            )
    else:
        story.append(style.para(_("The committee did not meet this year."), "note"))

    # Actions
    story.append(style.heading(_("Actions")))
    story.append(
        style.para(
            _(
                "{created} actions created in {year}; {done} done during the year, {late} of "
                "them after their due date; {open} still open on {date}, {overdue} of them "
                "overdue."
            ).format(
                created=review.created, year=year, done=len(review.done), late=review.done_late,
                open=len(review.open), overdue=len(review.late),
                date=style.format_day(review.as_of),
            )
        )
    )  # fmt: skip
    story.append(
        charts.bar_chart(
            [_("Done on time"), _("Done late"), _("Open, on time"), _("Open, overdue")],
            [
                len(review.done) - review.done_late,
                review.done_late,
                len(review.open) - len(review.late),
                len(review.late),
            ],
            width=W,
            bar_height=9,
        )
    )
    if review.done:
        rows = [
            [
                style.para(d.action.title, "cell"),
                style.format_day(d.action.due_on),
                style.format_day(d.done_on),
                _("Late") if d.late else _("On time"),
            ]
            for d in review.done
        ]
        story.append(style.heading(_("Done"), 2))
        story.append(
            _table(
                [_("Action"), _("Due"), _("Done on"), ""],
                rows,
                widths=[100 * mm, 26 * mm, 26 * mm, 22 * mm],
            )
        )
    if review.late:
        story.append(style.heading(_("Overdue"), 2))
        story.append(_action_table(review.late, review.as_of, late=True))
    if review.open:
        story.append(style.heading(_("Still open"), 2))
        story.append(_action_table(review.open, review.as_of))

    # Indicators
    story.append(style.heading(_("Indicators against their targets")))
    if review.indicators:
        rows = [
            [
                style.para(y.indicator.name, "cell"),
                _value(y.start_value, y.indicator.unit),
                _value(y.end_value, y.indicator.unit),
                _value(y.indicator.target, y.indicator.unit),
                str(y.measurements),
                I.status_label(y.status),
            ]
            for y in review.indicators
        ]
        story.append(
            _table(
                [_("Indicator"), _("Start"), _("End of year"), _("Target"), _("Measures"),
                 _("Status")],
                rows,
                widths=[58 * mm, 22 * mm, 24 * mm, 22 * mm, 20 * mm, 28 * mm],
                align="LRRRRL",
            )
        )  # fmt: skip
        story.append(
            style.para(
                _("Start: the last value before the year (or the baseline); end: the last "
                  "value of the year."),
                "note",
            )
        )  # fmt: skip
        for y in review.indicators:
            facts = [
                (_("Target"), _value(y.indicator.target, y.indicator.unit)),
                (_("End of year"), _value(y.end_value, y.indicator.unit)),
                (_("Status"), I.status_label(y.status)),
            ]
            story.append(_indicator_block(session, y.indicator, facts, start, end))
    else:
        story.append(style.para(_("No indicator is followed yet."), "note"))

    story.append(style.heading(_("Decisions of the year")))
    story += _decisions(review.decisions)
    if review.codelivery is not None:
        story += _codelivery(review.codelivery)
    return style.Document(
        title=_("Annual review {year} — {title}").format(year=year, title=info.title),
        subject=_("Annual review of the follow-up committee: {process}").format(
            process=info.process_title
        ),
        story=story,
        toc="auto",
        header_note=_("Year {year} · situation on {date}").format(
            year=year, date=style.format_day(review.as_of)
        ),
        keywords="bilan annuel, comité de suivi, annual review",
    )
