"""The session summary (compte rendu de séance): what happened at one workshop session.

Title page, context and agenda, attendance compared with the population, each vote with its
result, chart and audit hashes, the citizen juries drawn that day, decisions, actions decided,
the minutes and their validation, and what comes next. Numbers come from the facilitation
layer (attendance_counts, frozen vote results, draw_result), never recomputed here.
"""

from __future__ import annotations

import hashlib
import uuid
from datetime import date

from reportlab.lib.units import mm
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import AtelierError
from app.facilitation import actions as actions_module
from app.facilitation import labels, panels, sessions, votes
from app.facilitation.identity import get_identity
from app.facilitation.reports import charts, style
from app.facilitation.signin import attendance_counts
from app.facilitation.vocabularies import load_vocabularies
from app.i18n import N_, _, ngettext
from app.models import Action, Panel, Process
from app.models import Session as WorkshopSession

DECISION_STATUSES = {
    "proposed": N_("Proposed"),
    "adopted": N_("Adopted"),
    "rejected": N_("Rejected"),
    "postponed": N_("Postponed"),
}

#: How each method decides, in one plain sentence (printed under each vote's question).
METHOD_SENTENCES = {
    "dots": N_("Each participant shares out a number of dots; the options with most dots win."),
    "approval": N_("Each participant ticks every option they approve of; most approvals win."),
    "score": N_("Each participant scores every option; the highest total wins."),
    "majority_judgment": N_(
        "Each participant grades every option; the option whose median grade is best wins "
        "(majority judgment)."
    ),
    "borda": N_("Each participant ranks the options; points by rank are added up (Borda)."),
    "schulze": N_(
        "Each participant ranks the options; the option preferred to every other in "
        "head-to-head comparisons wins (Schulze)."
    ),
    "irv": N_(
        "Each participant ranks the options; the last option is eliminated round after round "
        "and its ballots go to the next preference, until one has a majority."
    ),
    "stv": N_(
        "Each participant ranks the candidates; those reaching the quota are elected, their "
        "surplus and the eliminated candidates' ballots pass to next preferences (STV)."
    ),
    "pb_greedy": N_(
        "Each participant approves projects; the most approved are funded in turn while the "
        "budget allows."
    ),
    "mes": N_(
        "Each participant approves projects; the budget is shared equally among participants "
        "and projects are funded by those who support them (Method of Equal Shares)."
    ),
    "proposal": N_("Each participant votes yes, no or abstains on the proposal."),
}

VOTE_STATUSES = {
    "draft": N_("Draft"),
    "open": N_("Open for voting"),
    "closed": N_("Closed, counted"),
    "published": N_("Published"),
}

W = 174 * mm  # width of the text column


def _by_index(mapping: dict | None, index: int):
    if not mapping:
        return None
    return mapping[index] if index in mapping else mapping.get(str(index))


def _figure(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, float) and not value.is_integer():
        return style.format_number(value, 2)
    if isinstance(value, (int, float)):
        return style.format_number(value)
    return str(value)


def _hours(info: sessions.SessionInfo) -> str:
    text = info.starts_at.strftime("%H:%M")
    if info.ends_at is not None:
        text += f"–{info.ends_at.strftime('%H:%M')}"
    return f"{text} UTC"


# --------------------------------------------------------------------------- sections


def _context(session: Session, info: sessions.SessionInfo) -> list:
    process = session.get(Process, info.process_id)
    story: list = [style.heading(_("Context and agenda"))]
    if process is not None:
        story.append(
            style.para(
                _("Process: {title} — phase: {phase}.").format(
                    title=process.title, phase=labels.phase(process.phase)
                )
            )
        )
        story += style.paras(process.description)
    agenda = sessions.agenda_summary(session, info.id)
    story.append(style.heading(_("Agenda"), 2))
    if agenda.items:
        rows = [
            [
                str(i + 1),
                style.para(item.title, "cell"),
                _("{n} min").format(n=item.duration_minutes) if item.duration_minutes else "—",
            ]
            for i, item in enumerate(agenda.items)
        ]
        rows.append(["", _("Total"), _("{n} min").format(n=agenda.total_minutes)])
        story.append(
            style.table(
                ["#", _("Item"), _("Duration")], rows, widths=[10 * mm, 134 * mm, 30 * mm],
                align="RLR", bold_last_row=True,
            )
        )  # fmt: skip
    elif info.agenda:
        story += style.paras(info.agenda)
    else:
        story.append(style.para(_("No agenda was recorded."), "note"))
    return story


def _attendance(session: Session, info: sessions.SessionInfo) -> list:
    counts = attendance_counts(session, info.id)
    story: list = [style.heading(_("Attendance"))]
    story.append(
        style.para(
            ngettext(
                "{n} person signed in to this session.",
                "{n} people signed in to this session.",
                counts.present,
            ).format(n=counts.present)
            + (
                " "
                + ngettext(
                    "{n} of them left before the end.",
                    "{n} of them left before the end.",
                    counts.signed_out,
                ).format(n=counts.signed_out)
                if counts.signed_out
                else ""
            )
        )
    )
    if not counts.present:
        return story
    total = counts.present
    story.append(style.heading(_("By stakeholder type"), 2))
    kinds = list(counts.by_stakeholder.items())
    names = [labels.stakeholder_type(k) for k, _n in kinds]
    rows = [
        [name, str(n), style.format_percent(n / total)]
        for name, (_k, n) in zip(names, kinds, strict=True)
    ]
    rows.append([_("Total"), str(total), style.format_percent(1)])
    story.append(
        style.keep(
            style.table([_("Type"), _("People"), _("Share")], rows,
                        widths=[100 * mm, 30 * mm, 30 * mm], align="LRR", bold_last_row=True),
            style.spacer(2),
            charts.bar_chart(names, [n for _k, n in kinds], width=W),
        )
    )  # fmt: skip
    shares = {
        v.key: {value.value: value.population_share for value in v.values}
        for v in load_vocabularies(session).values()
    }
    for key, values in counts.by_attribute.items():
        label = counts.categories.get(key, key)
        known = sum(values.values())
        if not known:
            continue
        population = shares.get(key, {})
        rows = []
        for value, n in values.items():
            share = population.get(value)
            rows.append(
                [value, str(n), style.format_percent(n / known), style.format_percent(share)]
            )
        unknown = total - known
        if unknown > 0:
            rows.append([_("Not given"), str(unknown), "", ""])
        has_population = any(population.get(v) is not None for v in values)
        chart = charts.share_chart(
            list(values),
            [n / known for n in values.values()],
            [population.get(v) for v in values] if has_population else None,
            width=W,
            share_label=_("Present"),
            reference_label=_("Population"),
        )
        story.append(
            style.keep(
                style.heading(label, 2),
                style.table(
                    [_("Value"), _("People"), _("Share"), _("Population")], rows,
                    widths=[80 * mm, 28 * mm, 28 * mm, 30 * mm], align="LRRR",
                ),
                style.spacer(2),
                chart,
            )
        )  # fmt: skip
    return story


def _vote_chart(document: dict, info: votes.VoteInfo):
    options = document["options"]
    details = document.get("details") or {}
    winners = list(document.get("winners") or [])
    if document["method"] == "majority_judgment" and details.get("profiles"):
        grades = [str(g) for g in details.get("grades") or []]
        order = document["order"]
        profiles = []
        for option in order:
            profile = _by_index(details["profiles"], option) or []
            counts = list(profile) + [0] * (len(grades) - len(profile))
            profiles.append(counts)
        return charts.merit_profile(
            [options[i] for i in order],
            profiles,
            grades,
            width=W,
            winners=[k for k, i in enumerate(order) if i in winners],
        )
    scores = document.get("scores") or {}
    if not scores:
        return None
    order = document["order"]
    values = [float(_by_index(scores, i) or 0) for i in order]
    return charts.bar_chart(
        [options[i] for i in order],
        values,
        width=W,
        highlight=[k for k, i in enumerate(order) if i in winners],
    )


def _vote(session: Session, info: votes.VoteInfo, number: int, lead: list | None = None) -> list:
    """One vote; ``lead`` (e.g. the section title) is kept on the same page as its start."""
    story: list = [*(lead or []), style.heading(f"{number}. {info.question}", 2)]
    story += style.paras(info.description)
    sentence = METHOD_SENTENCES.get(info.method)
    story.append(
        style.para(
            _("Method: {method}. {how}")
            .format(method=info.method_label, how=_(sentence) if sentence else "")
            .strip()
        )
    )
    document = votes.worded_result(session, info.id)  # its sentences in the document's language
    if document is None:
        story.append(
            style.para(
                _("This vote is not closed ({status}): no result yet.").format(
                    status=_(VOTE_STATUSES.get(info.status, info.status)).lower()
                ),
                "note",
            )
        )
        return [style.keep(*story)]
    options = document["options"]
    winners = [options[i] for i in document.get("winners") or []]
    if winners:
        line = ngettext("Winner: {names}", "Winners: {names}", len(winners)).format(
            names=", ".join(winners)
        )
    else:
        line = _("No option wins.")
    story.append(style.para(f"<b>{style.esc(line)}</b>", markup=True))
    story.append(
        style.para(
            _("Valid ballots: {valid} · blank: {blank} · spoiled: {spoiled}").format(
                valid=document.get("valid", 0),
                blank=document.get("blank", 0),
                spoiled=document.get("spoiled", 0),
            )
        )
    )
    chart = _vote_chart(document, info)
    if chart is not None:
        story += [style.spacer(2), chart, style.spacer(2)]
    # The question, the outcome and the chart stay on one page.
    story = [style.keep(*story)]
    details = document.get("details") or {}
    mj = document["method"] == "majority_judgment"
    grade_names = details.get("majority_grade_name") if mj else None
    scores = document.get("scores") or {}
    winner_set = set(document.get("winners") or [])
    rows = []
    for rank, option in enumerate(document["order"], start=1):
        score = _by_index(grade_names, option) if grade_names is not None else None
        score = _figure(score if grade_names is not None else _by_index(scores, option))
        rows.append(
            [str(rank), style.para(options[option], "cell"), score,
             "✔ " + _("Winner") if option in winner_set else ""]
        )  # fmt: skip
    ranking = style.table(
        [_("Rank"), _("Option"), _("Majority grade") if mj else _("Score"), _("Outcome")],
        rows, widths=[14 * mm, 94 * mm, 36 * mm, 30 * mm], align="RLRL",
    )  # fmt: skip
    story.append(style.keep(ranking) if len(rows) <= 15 else ranking)
    if "funded" in details:
        story.append(style.spacer(2))
        story.append(
            style.para(
                _("Funded projects: {spent} spent of a budget of {budget}, {left} left.").format(
                    spent=_figure(details.get("spent")),
                    budget=_figure(details.get("budget")),
                    left=_figure(details.get("left")),
                )
            )
        )
        funded = [
            [style.para(f.get("project", ""), "cell"), _figure(f.get("cost")),
             _figure(f.get("approvals"))]
            for f in details["funded"]
        ]  # fmt: skip
        story.append(
            style.table([_("Project"), _("Cost"), _("Approvals")], funded,
                        widths=[114 * mm, 30 * mm, 30 * mm], align="LRR")
        )  # fmt: skip
    if details.get("rounds"):
        story.append(style.para(_("Round by round"), "h3"))
        rounds = [
            [str(r.get("round", i + 1)), style.para(r.get("description", ""), "cell")]
            for i, r in enumerate(details["rounds"])
        ]
        story.append(
            style.table([_("Round"), _("What happened")], rounds,
                        widths=[16 * mm, 158 * mm], align="RL")
        )  # fmt: skip
    ties = document.get("ties") or []
    for tie in ties:
        order = ", ".join(options[i] for i in tie.get("order", []))
        if tie.get("rule") == "decision":
            text = _("{context}: {order} (order decided by the facilitators, recorded)")
        else:
            text = _("{context}: {order} (drawn by lot, seed {seed})")
        story.append(
            style.para(
                text.format(context=tie.get("context", ""), order=order, seed=tie.get("seed")),
                "small",
            )
        )
    vote = votes.get_vote(session, info.id)
    result_hash = hashlib.sha256(vote.result.encode("utf-8")).hexdigest() if vote.result else ""
    story.append(
        style.para(
            _("Audit: ballots SHA-256 {ballots}; result SHA-256 {result}.").format(
                ballots=vote.ballots_hash or "—", result=result_hash or "—"
            ),
            "note",
        )
    )
    return story


def _votes(session: Session, info: sessions.SessionInfo) -> list:
    found = votes.list_votes(session, info.id)
    if not found:
        return []
    story: list = []
    for number, vote in enumerate(found, start=1):
        lead = [style.heading(_("Votes"))] if number == 1 else None
        story += _vote(session, vote, number, lead)
    return story


def _juries(session: Session, info: sessions.SessionInfo) -> list:
    """Citizen juries of the process drawn on the day of the session."""
    day = info.starts_at.date()
    drawn = [
        p
        for p in session.scalars(
            select(Panel)
            .where(Panel.process_id == info.process_id, Panel.drawn_at.is_not(None))
            .order_by(Panel.drawn_at, Panel.title)
        )
        if p.drawn_at.date() == day
    ]
    if not drawn:
        return []
    story: list = [style.heading(_("Citizen juries drawn"))]
    for panel in drawn:
        result = panels.draw_result(session, panel.id)
        story.append(style.heading(panel.title, 2))
        story.append(
            style.key_values(
                [
                    (_("Seats"), str(len(result.selected))),
                    (_("Reserve"), str(len(result.alternates))),
                    (_("Public seed"), result.seed),
                    (_("Method"), result.algorithm),
                    (
                        _("Chance of being drawn"),
                        _("from {low} to {high}").format(
                            low=style.format_percent(result.min_probability, 1),
                            high=style.format_percent(result.max_probability, 1),
                        ),
                    ),
                    (_("Pool SHA-256"), result.instance_hash),
                    (_("Lottery SHA-256"), result.distribution_hash),
                ]
            )
        )
        rows = []
        for quota in panels.quota_rows(session, panel.id):
            got = sum(1 for s in result.selected if s.features.get(quota.category) == quota.value)
            ok = quota.minimum <= got <= quota.maximum
            rows.append(
                [quota.category, quota.value, f"{quota.minimum}–{quota.maximum}", str(got),
                 "✔" if ok else "✘"]
            )  # fmt: skip
        if rows:
            story.append(style.para(_("Quotas achieved"), "h3"))
            story.append(
                style.table(
                    [_("Category"), _("Value"), _("Quota"), _("Drawn"), ""], rows,
                    widths=[50 * mm, 60 * mm, 26 * mm, 24 * mm, 14 * mm], align="LLRRC",
                )
            )  # fmt: skip
        story.append(
            style.para(
                _(
                    "Anyone can check this draw: with the workspace file, run "
                    "“atelier jury verify WORKSPACE “{title}””; it draws again from the recorded "
                    "pool, lottery and seed and compares the people with those recorded here."
                ).format(title=panel.title),
                "small",
            )
        )
    return story


def _decisions(session: Session, info: sessions.SessionInfo) -> list:
    found = sessions.decisions(session, info.id)
    story: list = [style.heading(_("Decisions"))]
    if not found:
        story.append(style.para(_("No decision was recorded."), "note"))
        return story
    rows = [
        [str(i + 1), style.para(d.text, "cell"), _(DECISION_STATUSES.get(d.status, d.status))]
        for i, d in enumerate(found)
    ]
    story.append(
        style.table(["#", _("Decision"), _("Status")], rows,
                    widths=[10 * mm, 134 * mm, 30 * mm], align="RLL")
    )  # fmt: skip
    ids = [d.id for d in found]
    decided = session.scalars(
        select(Action)
        .where(Action.decision_id.in_(ids))
        .order_by(Action.due_on.is_(None), Action.due_on, Action.title)
    ).all()
    if decided:
        story.append(style.heading(_("Actions decided"), 2))
        rows = [
            [
                style.para(a.title, "cell"),
                style.para(a.owner_name or "—", "cell"),
                style.format_day(a.due_on),
                actions_module.status_label(a.status),
            ]
            for a in decided
        ]
        story.append(
            style.table([_("Action"), _("Owner"), _("Due"), _("Status")], rows,
                        widths=[80 * mm, 46 * mm, 22 * mm, 26 * mm])
        )  # fmt: skip
    return story


def _minutes(info: sessions.SessionInfo) -> list:
    story: list = [style.heading(_("Minutes"))]
    validated_on = info.minutes_validated_at.date() if info.minutes_validated_at else None
    circulated_on = info.minutes_circulated_at.date() if info.minutes_circulated_at else None
    if info.minutes_status == "validated" and info.minutes_validated_by and validated_on:
        status = _("Validated by {who} on {date}.").format(
            who=info.minutes_validated_by, date=style.format_day(validated_on)
        )
    elif info.minutes_status == "validated":
        status = _("Validated.")
    elif info.minutes_status == "circulated" and circulated_on:
        status = _("Circulated for comments on {date}; not validated yet.").format(
            date=style.format_day(circulated_on)
        )
    elif info.minutes_status == "circulated":
        status = _("Circulated for comments; not validated yet.")
    else:
        status = _("Draft: not yet circulated nor validated.")
    story.append(style.para(f"<b>{style.esc(status)}</b>", markup=True))
    story += style.paras(info.minutes) or [style.para(_("No minutes were written."), "note")]
    return story


def _next_steps(session: Session, info: sessions.SessionInfo) -> list:
    later = session.execute(
        select(WorkshopSession.title, WorkshopSession.starts_at, WorkshopSession.place)
        .where(
            WorkshopSession.process_id == info.process_id,
            WorkshopSession.starts_at > info.starts_at,
        )
        .order_by(WorkshopSession.starts_at)
    ).all()
    story: list = [style.heading(_("Next steps"))]
    if not later:
        story.append(style.para(_("No later session is planned in this process yet."), "note"))
        return story
    rows = [
        [style.format_day(starts.date()), style.para(title, "cell"),
         style.para(place or "—", "cell")]
        for title, starts, place in later
    ]  # fmt: skip
    story.append(
        style.table([_("Date"), _("Session"), _("Place")], rows,
                    widths=[26 * mm, 84 * mm, 64 * mm])
    )  # fmt: skip
    return story


def build(session: Session, subject_id: uuid.UUID | None, *, today: date) -> style.Document:
    if subject_id is None:
        raise AtelierError(_("Choose the session to summarise."))
    info = sessions.session_info(session, subject_id)
    identity = get_identity(session)
    day = style.format_day(info.starts_at.date())
    facts = [
        (_("Municipality"), identity.name),
        (_("Process"), info.process_title),
        (_("Session"), info.title),
        (_("Date"), f"{day}, {_hours(info)}"),
        (_("Place"), info.place),
        (_("Facilitators"), info.facilitators),
        (_("Attendance"), str(info.attendance)),
        (_("Minutes"), labels.minutes_status(info.minutes_status)),
    ]
    story: list = style.letterhead(identity)
    story += style.title_block(_("Session summary"), info.title, facts)
    story.append(style.new_page())
    story += _context(session, info)
    story += _attendance(session, info)
    story += _votes(session, info)
    story += _juries(session, info)
    story += _decisions(session, info)
    story += _minutes(info)
    story += _next_steps(session, info)
    return style.Document(
        title=_("Session summary — {session}").format(session=info.title),
        subject=_("Summary of the session of {day}: {process}").format(
            day=day, process=info.process_title
        ),
        story=story,
        toc="auto",
        header_note=f"{day} · {info.place or ''}".strip(" ·"),
        keywords="compte rendu, session summary",
    )
