"""``atelier committee``: follow-up committees, their members, action plan and indicators.

Committees, actions, indicators and members are named by their id or a unique beginning of
their title or name (accents and case ignored)::

    atelier committee list WS [--process P]
    atelier committee create WS --process P --title T [--max-members N]
    atelier committee members WS COMMITTEE [--csv FILE]
    atelier committee add-member WS COMMITTEE (--participant CODE | --organisation ORG |
        --name NAME | --jury PANEL) [--role ROLE] [--joined DAY] [--left DAY]
    atelier committee meetings WS COMMITTEE
    atelier committee add-meeting WS COMMITTEE --title T --start "2027-03-01 18:00" [--end …]
    atelier committee decisions WS COMMITTEE [--year Y] [--csv FILE]
    atelier committee decide WS MEETING --text T [--by WHO] [--status S] [--on DAY]
    atelier committee actions WS COMMITTEE [--status S] [--owner O] [--overdue]
        [--due-from DAY] [--due-to DAY] [--csv FILE]
    atelier committee add-action WS COMMITTEE --title T [--owner O] [--due DAY] ...
    atelier committee update-action WS ACTION [--status S] [--progress N] ... [--meeting M]
    atelier committee history WS ACTION
    atelier committee indicators WS COMMITTEE [--refresh] [--csv FILE]
    atelier committee add-indicator WS COMMITTEE --name N [--target X] [--direction lower] ...
    atelier committee measure WS INDICATOR --date DAY --value V [--source S]
    atelier committee dashboard WS COMMITTEE
    atelier committee review WS COMMITTEE --year Y

CSV files are UTF-8 with a byte-order mark and ``;`` (what spreadsheets expect), with a header
of stable column names; ``--csv -`` writes to standard output.
"""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from app.commands.common import open_for_reading, open_for_writing, print_json, write_csv
from app.commands.conflicts import report_conflict
from app.commands.processes import parse_day
from app.commands.sessions import local, parse_moment
from app.errors import AtelierError
from app.facilitation import actions as A
from app.facilitation import committee_review as R
from app.facilitation import committees as C
from app.facilitation import indicators as I
from app.facilitation import labels
from app.facilitation import sessions as S
from app.facilitation.conflicts import EditConflict
from app.facilitation.participants import find_participant
from app.i18n import _, ngettext
from app.models import (
    ACTION_STATUSES,
    DECISION_STATUSES,
    INDICATOR_DIRECTIONS,
    INDICATOR_SOURCES,
    MEMBER_ROLES,
)

# --------------------------------------------------------------------------- output


def _day(value) -> str:
    return value.isoformat() if value else ""


def _number(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:g}"


def _written(args: argparse.Namespace) -> None:
    if args.csv and args.csv != "-" and not args.json:
        print(_("Written to {path}").format(path=args.csv))


# --------------------------------------------------------------------------- committees


def describe(c: C.CommitteeInfo) -> str:
    limit = (
        _("{n} of {max} full members").format(n=c.full_members, max=c.max_members)
        if c.max_members
        else ngettext("{n} full member", "{n} full members", c.full_members).format(
            n=c.full_members
        )
    )
    return _("{title} — {process} — {members}, {observers}, {meetings} — {id}").format(
        title=c.title,
        process=c.process_title,
        members=limit,
        observers=ngettext("{n} observer", "{n} observers", c.observers).format(n=c.observers),
        meetings=ngettext("{n} meeting", "{n} meetings", c.meetings).format(n=c.meetings),
        id=c.id,
    )


def cmd_list(args: argparse.Namespace) -> int:
    with open_for_reading(args.path) as ws, ws.session() as session:
        process_id = S.find_process(session, args.process) if args.process else None
        rows = C.list_committees(session, process_id)
    if args.json:
        print_json({"committees": [c.as_dict() for c in rows]})
    elif not rows:
        print(_("No committee yet."))
    else:
        for c in rows:
            print(describe(c))
    return 0


def cmd_create(args: argparse.Namespace) -> int:
    with open_for_writing(args.path) as ws, ws.session() as session:
        data = C.CommitteeData(
            process_id=S.find_process(session, args.process),
            title=args.title,
            description=args.description,
            max_members=args.max_members,
        )
        info = C.create_committee(session, data)
    if args.json:
        print_json(info.as_dict())
    else:
        print(_("Created the committee “{title}” ({id}).").format(title=info.title, id=info.id))
    return 0


# --------------------------------------------------------------------------- members

MEMBER_HEADER = ["id", "name", "role", "joined_on", "left_on", "participant_id", "organisation_id"]


def cmd_members(args: argparse.Namespace) -> int:
    with open_for_reading(args.path) as ws, ws.session() as session:
        committee_id = C.find_committee(session, args.committee)
        rows = C.list_members(session, committee_id)
    if args.csv:
        write_csv(
            args.csv,
            MEMBER_HEADER,
            [
                [m.id, m.name, m.role, _day(m.joined_on), _day(m.left_on),
                 m.participant_id or "", m.organisation_id or ""]
                for m in rows
            ],
        )  # fmt: skip
    if args.json:
        print_json({"members": [m.as_dict() for m in rows]})
    elif args.csv != "-":
        if not rows:
            print(_("The committee has no member yet."))
        for m in rows:
            dates = ""
            if m.joined_on or m.left_on:
                dates = f"  ({_day(m.joined_on) or '…'} → {_day(m.left_on) or '…'})"
            print(f"{C.role_label(m.role):<12} {m.name}{dates}  {m.id}")
        _written(args)
    return 0


def cmd_add_member(args: argparse.Namespace) -> int:
    given = [x for x in (args.participant, args.organisation, args.jury) if x]
    if len(given) > 1 or (args.jury and args.name):
        raise AtelierError(
            _("Give one of --participant, --organisation or --jury (--jury without --name).")
        )
    if not given and not args.name:
        raise AtelierError(_("Say who: --participant, --organisation, --jury or --name."))
    joined, left = parse_day(args.joined), parse_day(args.left)
    with open_for_writing(args.path) as ws, ws.session() as session:
        committee_id = C.find_committee(session, args.committee)
        if args.jury:
            added = C.add_panel_members(
                session,
                committee_id,
                C.find_jury_panel(session, args.jury),
                role=args.role,
                joined_on=joined,
            )
        else:
            data = C.MemberData(
                participant_id=(
                    find_participant(session, args.participant) if args.participant else None
                ),
                organisation_id=(
                    C.find_organisation(session, args.organisation) if args.organisation else None
                ),
                name=args.name,
                role=args.role,
                joined_on=joined,
                left_on=left,
            )
            added = [C.add_member(session, committee_id, data)]
    if args.json:
        print_json({"added": [m.as_dict() for m in added]})
    else:
        for m in added:
            print(_("{name} joined as {role} ({id}).").format(
                name=m.name, role=C.role_label(m.role), id=m.id))  # fmt: skip
        if not added:
            print(_("Everyone on this jury is already a member."))
    return 0


# --------------------------------------------------------------------------- meetings


def cmd_meetings(args: argparse.Namespace) -> int:
    with open_for_reading(args.path) as ws, ws.session() as session:
        rows = C.list_meetings(session, C.find_committee(session, args.committee))
    if args.json:
        print_json({"meetings": [m.as_dict() for m in rows]})
    elif not rows:
        print(_("The committee has not met yet."))
    else:
        for m in rows:
            print(
                _("{when}  {title} — {place} — {people} — minutes: {status} — {id}").format(
                    when=local(m.starts_at),
                    title=m.title,
                    place=m.place or "—",
                    people=ngettext("{n} present", "{n} present", m.attendance).format(
                        n=m.attendance
                    ),
                    status=labels.minutes_status(m.minutes_status),
                    id=m.id,
                )
            )
    return 0


def cmd_add_meeting(args: argparse.Namespace) -> int:
    starts_at, ends_at = parse_moment(args.start), parse_moment(args.end)
    with open_for_writing(args.path) as ws, ws.session() as session:
        info = C.create_meeting(
            session,
            C.find_committee(session, args.committee),
            args.title,
            starts_at,
            ends_at=ends_at,
            place=args.place,
            facilitators=args.facilitators,
        )
    if args.json:
        print_json(info.as_dict())
    else:
        print(_("Created the meeting “{title}” ({id}); its agenda, sign-in and minutes are "
                "those of any session.").format(title=info.title, id=info.id))  # fmt: skip
    return 0


DECISION_HEADER = ["id", "decided_on", "text", "status", "decided_by", "meeting"]


def cmd_decisions(args: argparse.Namespace) -> int:
    with open_for_reading(args.path) as ws, ws.session() as session:
        committee_id = C.find_committee(session, args.committee)
        start = date(args.year, 1, 1) if args.year else None
        end = date(args.year, 12, 31) if args.year else None
        rows = C.decisions_log(session, committee_id, start=start, end=end)
    if args.csv:
        write_csv(
            args.csv,
            DECISION_HEADER,
            [[d.id, _day(d.decided_on), d.text, d.status, d.decided_by or "", d.meeting_title]
             for d in rows],
        )  # fmt: skip
    if args.json:
        print_json({"decisions": [d.as_dict() for d in rows]})
    elif args.csv != "-":
        if not rows:
            print(_("No decision recorded."))
        for d in rows:
            by = f" — {d.decided_by}" if d.decided_by else ""
            print(f"{_day(d.decided_on)}  [{d.status}] {d.text}{by}  ({d.meeting_title})")
        _written(args)
    return 0


def cmd_decide(args: argparse.Namespace) -> int:
    day = parse_day(args.on)
    with open_for_writing(args.path) as ws, ws.session() as session:
        logged = C.record_decision(
            session,
            S.find_session(session, args.meeting),
            args.text,
            status=args.status,
            decided_on=day,
            decided_by=args.by,
        )
    if args.json:
        print_json(logged.as_dict())
    else:
        print(_("Recorded in the decisions log on {day}.").format(day=_day(logged.decided_on)))
    return 0


# --------------------------------------------------------------------------- actions

ACTION_HEADER = ["id", "title", "owner", "created_on", "due_on", "status", "progress", "overdue"]


def _owner(session, committee_id, ref: str | None):
    """A member of the committee if the reference names one, otherwise a free name."""
    if not ref:
        return None
    try:
        return C.find_member(session, committee_id, ref)
    except C.CommitteeError:
        return None


def cmd_actions(args: argparse.Namespace) -> int:
    due_from, due_to = parse_day(args.due_from), parse_day(args.due_to)
    with open_for_reading(args.path) as ws, ws.session() as session:
        committee_id = C.find_committee(session, args.committee)
        rows = A.list_actions(
            session,
            committee_id,
            owner=_owner(session, committee_id, args.owner) or args.owner,
            status=args.status,
            due_from=due_from,
            due_to=due_to,
            overdue_only=args.overdue,
        )
    if args.csv:
        write_csv(
            args.csv,
            ACTION_HEADER,
            [
                [r.id, r.title, r.owner_name or "", _day(r.created_on), _day(r.due_on),
                 r.status, r.progress, "yes" if r.overdue else "no"]
                for r in rows
            ],
        )  # fmt: skip
    if args.json:
        print_json({"actions": [r.as_dict() for r in rows]})
    elif args.csv != "-":
        if not rows:
            print(_("No action matches."))
        for r in rows:
            late = _("OVERDUE") if r.overdue else ""
            print(
                f"{_day(r.due_on) or '—':<10}  {A.status_label(r.status):<12} {r.progress:>3} %"
                f"  {r.title} — {r.owner_name or '—'}  {late}".rstrip()
            )
        print(ngettext("{n} action", "{n} actions", len(rows)).format(n=len(rows)))
        _written(args)
    return 0


def cmd_add_action(args: argparse.Namespace) -> int:
    due, created = parse_day(args.due), parse_day(args.created)
    with open_for_writing(args.path) as ws, ws.session() as session:
        committee_id = C.find_committee(session, args.committee)
        member_id = _owner(session, committee_id, args.owner)
        data = A.ActionData(
            title=args.title,
            description=args.description,
            owner_member_id=member_id,
            owner_name=None if member_id else args.owner,
            created_on=created,
            due_on=due,
            status=args.status,
            progress=args.progress,
            notes=args.notes,
        )
        info = A.create_action(session, committee_id, data, author=args.author)
    if args.json:
        print_json(info.as_dict())
    else:
        print(_("Added the action “{title}” ({id}).").format(title=info.data.title, id=info.id))
    return 0


def print_changes(changes: tuple[A.FieldChange, ...]) -> None:
    if not changes:
        print(_("Nothing changed."))
    for c in changes:
        if c.field in ("owner_member_id", "owner_organisation_id"):
            continue
        field = {"owner_name": "owner", "decision_id": "decision"}.get(c.field, c.field)
        print(f"{A.field_label(field)}: {A.change_text(c.old) or '—'} → "
              f"{A.change_text(c.new) or '—'}")  # fmt: skip


def cmd_update_action(args: argparse.Namespace) -> int:
    changes: dict[str, object] = {}
    if args.due is not None:
        changes["due_on"] = parse_day(args.due) if args.due else None
    for name in ("title", "status", "progress", "notes", "description"):
        value = getattr(args, name)
        if value is not None:
            changes[name] = value
    with open_for_writing(args.path) as ws, ws.session() as session:
        committee_id = C.find_committee(session, args.committee) if args.committee else None
        action_id = A.find_action(session, committee_id, args.action)
        committee_id = A.action_info(session, action_id).committee_id
        if args.owner is not None:
            member_id = _owner(session, committee_id, args.owner)
            changes["owner_member_id"] = member_id
            changes["owner_organisation_id"] = None
            changes["owner_name"] = None if member_id else (args.owner or None)
        if args.meeting:
            meeting_id = S.find_session(session, args.meeting)
            result = A.record_review(session, meeting_id, action_id, changes, author=args.author)
        else:
            try:
                result = A.update_action(
                    session,
                    action_id,
                    changes,
                    author=args.author,
                    expected_version=args.if_version,
                )
            except EditConflict as conflict:
                return report_conflict(conflict, as_json=args.json)
    if args.json:
        print_json(
            {
                "action": result.action.as_dict(),
                "changes": [
                    {"field": c.field, "old": A.change_text(c.old), "new": A.change_text(c.new)}
                    for c in result.changes
                ],
            }
        )
    else:
        print(result.action.data.title)
        print_changes(result.changes)
    return 0


def cmd_history(args: argparse.Namespace) -> int:
    with open_for_reading(args.path) as ws, ws.session() as session:
        action_id = A.find_action(session, None, args.action)
        rows = A.action_history(session, action_id)
    if args.json:
        print_json({"history": [h.as_dict() for h in rows]})
        return 0
    for h in rows:
        if h.field in ("created", "reviewed"):
            change = h.new or ""
        else:
            change = f"{h.old or '—'} → {h.new or '—'}"
        print(f"{local(h.at)}  {h.author or '—'}  {A.field_label(h.field)}: {change}")
    return 0


# --------------------------------------------------------------------------- indicators

INDICATOR_HEADER = [
    "id", "name", "unit", "direction", "baseline", "target", "source",
    "latest_value", "latest_on", "measurements", "status",
]  # fmt: skip


def cmd_indicators(args: argparse.Namespace) -> int:
    opener = open_for_writing if args.refresh else open_for_reading
    with opener(args.path) as ws, ws.session() as session:
        committee_id = C.find_committee(session, args.committee)
        if args.refresh:
            I.refresh_committee_indicators(session, committee_id)
        rows = I.list_indicators(session, committee_id)
    if args.csv:
        write_csv(
            args.csv,
            INDICATOR_HEADER,
            [
                [i.id, i.name, i.unit or "", i.direction, "" if i.baseline is None else i.baseline,
                 "" if i.target is None else i.target, i.source,
                 "" if i.latest_value is None else i.latest_value, _day(i.latest_on),
                 i.measurements, i.status]
                for i in rows
            ],
        )  # fmt: skip
    if args.json:
        print_json({"indicators": [i.as_dict() for i in rows]})
    elif args.csv != "-":
        if not rows:
            print(_("The committee has no indicator yet."))
        for i in rows:
            unit = f" {i.unit}" if i.unit else ""
            print(
                _("{name}: {value}{unit} (target {target}, {direction}) — {status}").format(
                    name=i.name,
                    value=_number(i.latest_value),
                    unit=unit,
                    target=_number(i.target),
                    direction=I.direction_label(i.direction),
                    status=I.status_label(i.status),
                )
            )
        _written(args)
    return 0


def _params(pairs: list[str] | None) -> dict:
    params = {}
    for pair in pairs or []:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise AtelierError(_("“{text}” is not KEY=VALUE.").format(text=pair))
        params[key.strip()] = value.strip()
    return params


def cmd_add_indicator(args: argparse.Namespace) -> int:
    with open_for_writing(args.path) as ws, ws.session() as session:
        committee_id = C.find_committee(session, args.committee)
        data = I.IndicatorData(
            name=args.name,
            unit=args.unit,
            direction=args.direction,
            baseline=args.baseline,
            target=args.target,
            source=args.source,
            params=_params(args.param),
        )
        info = I.create_indicator(session, committee_id, data)
        if info.computed:
            info = I.refresh_computed_indicator(session, info.id).indicator
    if args.json:
        print_json(info.as_dict())
    else:
        print(_("Added the indicator “{name}” ({id}).").format(name=info.name, id=info.id))
    return 0


def cmd_measure(args: argparse.Namespace) -> int:
    day = parse_day(args.date)
    with open_for_writing(args.path) as ws, ws.session() as session:
        indicator_id = I.find_indicator(session, None, args.indicator)
        m = I.add_measurement(
            session, indicator_id, day, args.value, source=args.source, note=args.note
        )
        info = I.indicator_info(session, indicator_id)
    if args.json:
        print_json({"measurement": m.as_dict(), "indicator": info.as_dict()})
    else:
        print(_("{name}: {value} on {day} — {status}").format(
            name=info.name, value=_number(m.value), day=m.measured_on.isoformat(),
            status=I.status_label(info.status)))  # fmt: skip
    return 0


# --------------------------------------------------------------------------- review


def cmd_dashboard(args: argparse.Namespace) -> int:
    with open_for_reading(args.path) as ws, ws.session() as session:
        board = R.dashboard(session, C.find_committee(session, args.committee))
    if args.json:
        print_json(board.as_dict())
        return 0
    print(describe(board.committee))
    if board.next_meeting:
        print(_("Next meeting: {when} {title}").format(
            when=local(board.next_meeting.starts_at), title=board.next_meeting.title))  # fmt: skip
    else:
        print(_("No meeting planned."))
    print(
        _("Actions: {total}, {open} open, {overdue} overdue").format(
            total=board.actions, open=board.open_actions, overdue=len(board.overdue_actions)
        )
    )
    for r in board.overdue_actions:
        print(f"  {_day(r.due_on)}  {r.title} — {r.owner_name or '—'}")
    print(
        _("Indicators: {total}, {off} off track, {empty} without data").format(
            total=board.indicators, off=len(board.off_track), empty=len(board.no_data)
        )
    )
    for i in board.off_track:
        print(f"  {i.name}: {_number(i.latest_value)} / {_number(i.target)}")
    return 0


def cmd_review(args: argparse.Namespace) -> int:
    with open_for_reading(args.path) as ws, ws.session() as session:
        review = R.annual_review(session, C.find_committee(session, args.committee), args.year)
    if args.json:
        print_json(review.as_dict())
        return 0
    print(
        _("Annual review {year} — {title}").format(year=review.year, title=review.committee.title)
    )
    print(_("Meetings ({n}):").format(n=len(review.meetings)))
    for m in review.meetings:
        print(
            "  "
            + _("{day}  {title}: {present} present, {came} of {members} members").format(
                day=m.day.isoformat(), title=m.meeting.title, present=m.present,
                came=m.members_present, members=m.members,
            )
        )  # fmt: skip
    print(
        _("Actions: {created} created, {done} done ({late} late), {open} open, {overdue} overdue")
        .format(created=review.created, done=len(review.done), late=review.done_late,
                open=len(review.open), overdue=len(review.late))
    )  # fmt: skip
    print(_("Indicators:"))
    for y in review.indicators:
        print(f"  {y.indicator.name}: {_number(y.start_value)} → {_number(y.end_value)} / "
              f"{_number(y.indicator.target)} — {I.status_label(y.status)}")  # fmt: skip
    print(_("Decisions ({n}):").format(n=len(review.decisions)))
    for d in review.decisions:
        print(f"  {_day(d.decided_on)}  {d.text}" + (f" — {d.decided_by}" if d.decided_by else ""))
    return 0


# --------------------------------------------------------------------------- parsing


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add this module's sub-commands to its group."""

    def verb(name: str, help_text: str, func, target: str | None = None):
        parser = subparsers.add_parser(name, help=help_text, description=help_text)
        parser.set_defaults(func=func)
        parser.add_argument("path", type=Path, metavar="PATH", help=_("workspace file (.atelier)"))
        if target == "committee":
            parser.add_argument(
                "committee", metavar="COMMITTEE", help=_("the committee: its id or a title prefix")
            )
        elif target == "action":
            parser.add_argument(
                "action", metavar="ACTION", help=_("the action: its id or a title prefix")
            )
        elif target == "indicator":
            parser.add_argument(
                "indicator", metavar="INDICATOR", help=_("the indicator: its id or a name prefix")
            )
        parser.add_argument("--json", action="store_true", help=_("print a JSON document"))
        return parser

    def csv_option(parser) -> None:
        parser.add_argument(
            "--csv", metavar="FILE", help=_("also write a CSV file (UTF-8, “;”; - for the screen)")
        )

    listing = verb("list", _("list the follow-up committees"), cmd_list)
    listing.add_argument(
        "--process", metavar="PROCESS", help=_("only this process (id or title prefix)")
    )

    create = verb("create", _("create a follow-up committee"), cmd_create)
    create.add_argument(
        "--process", required=True, metavar="PROCESS", help=_("the process (id or title prefix)")
    )
    create.add_argument("--title", required=True, help=_("title of the committee"))
    create.add_argument("--description", help=_("what the committee follows"))
    create.add_argument(
        "--max-members", type=int, metavar="N",
        help=_("most full members (observers are not counted)"),
    )  # fmt: skip

    members = verb("members", _("list the committee's members"), cmd_members, "committee")
    csv_option(members)

    add_member = verb("add-member", _("add a member, or a whole citizen jury"), cmd_add_member,
                      "committee")  # fmt: skip
    add_member.add_argument("--participant", metavar="CODE", help=_("a participant (code or id)"))
    add_member.add_argument("--organisation", metavar="ORG", help=_("an organisation (name or id)"))
    add_member.add_argument("--name", help=_("the name shown (or a person not in the app)"))
    add_member.add_argument(
        "--jury", metavar="JURY", help=_("every sitting member of this citizen jury")
    )
    add_member.add_argument("--role", choices=MEMBER_ROLES, default="member", help=_("role"))
    add_member.add_argument("--joined", metavar="DAY", help=_("joined on (2027-01-15)"))
    add_member.add_argument("--left", metavar="DAY", help=_("left on (2027-06-30)"))

    verb("meetings", _("the committee's meetings"), cmd_meetings, "committee")
    meeting = verb("add-meeting", _("plan a meeting of the committee"), cmd_add_meeting,
                   "committee")  # fmt: skip
    meeting.add_argument("--title", required=True, help=_("title of the meeting"))
    meeting.add_argument(
        "--start", required=True, metavar="WHEN", help=_("start, local time: 2026-12-12 10:00")
    )
    meeting.add_argument("--end", metavar="WHEN", help=_("end, local time: 2026-12-12 13:00"))
    meeting.add_argument("--place", help=_("where it takes place"))
    meeting.add_argument("--facilitators", help=_("who facilitates it"))

    decisions = verb("decisions", _("the decisions log"), cmd_decisions, "committee")
    decisions.add_argument("--year", type=int, help=_("only the decisions of this year"))
    csv_option(decisions)

    decide = verb("decide", _("record a decision of a meeting in the decisions log"), cmd_decide)
    decide.add_argument(
        "meeting", metavar="MEETING", help=_("the meeting: its id or a title prefix")
    )
    decide.add_argument("--text", required=True, help=_("what was decided"))
    decide.add_argument("--by", help=_("who decided (e.g. the committee, unanimously)"))
    decide.add_argument("--status", choices=DECISION_STATUSES, default="adopted", help=_("status"))
    decide.add_argument(
        "--on", metavar="DAY", help=_("day of the decision (default: the meeting's)")
    )

    actions = verb("actions", _("list the action plan, filtered"), cmd_actions, "committee")
    actions.add_argument(
        "--status", action="append", choices=ACTION_STATUSES,
        help=_("only this status (repeat for several)"),
    )  # fmt: skip
    actions.add_argument("--owner", help=_("only this owner (member or name)"))
    actions.add_argument("--overdue", action="store_true", help=_("only overdue actions"))
    actions.add_argument("--due-from", metavar="DAY", help=_("due on or after DAY"))
    actions.add_argument("--due-to", metavar="DAY", help=_("due on or before DAY"))
    csv_option(actions)

    add_action = verb("add-action", _("add an action to the plan"), cmd_add_action, "committee")
    add_action.add_argument("--title", required=True, help=_("what is to be done"))
    add_action.add_argument("--description", help=_("details"))
    add_action.add_argument("--owner", help=_("who carries it: a member or any name"))
    add_action.add_argument("--due", metavar="DAY", help=_("due date (2027-09-30)"))
    add_action.add_argument(
        "--created", metavar="DAY", help=_("day the action was decided (default: today)")
    )
    add_action.add_argument(
        "--status", choices=ACTION_STATUSES, default="planned", help=_("status")
    )
    add_action.add_argument("--progress", type=int, default=0, help=_("progress in %%"))
    add_action.add_argument("--notes", help=_("notes"))
    add_action.add_argument("--author", help=_("who makes the change (kept in the history)"))

    upd = verb("update-action", _("change an action (recorded in its history)"),
               cmd_update_action, "action")  # fmt: skip
    upd.add_argument("--committee", metavar="COMMITTEE", help=_("look for the action here"))
    upd.add_argument("--title", help=_("new title"))
    upd.add_argument("--description", help=_("new details"))
    upd.add_argument("--owner", help=_("new owner: a member or any name (empty: nobody)"))
    upd.add_argument("--due", metavar="DAY", help=_("new due date (empty: none)"))
    upd.add_argument("--status", choices=ACTION_STATUSES, help=_("new status"))
    upd.add_argument(
        "--if-version", type=int, metavar="N",
        help=_("save only if the action is still at version N (as last shown); "
               "else both versions are shown and nothing is saved"),
    )  # fmt: skip
    upd.add_argument("--progress", type=int, help=_("new progress in %%"))
    upd.add_argument("--notes", help=_("new notes"))
    upd.add_argument("--author", help=_("who makes the change (kept in the history)"))
    upd.add_argument("--meeting", metavar="MEETING", help=_("the meeting whose review decided it"))

    verb("history", _("every change to an action"), cmd_history, "action")

    indicators = verb("indicators", _("the indicators against their targets"), cmd_indicators,
                      "committee")  # fmt: skip
    indicators.add_argument(
        "--refresh", action="store_true", help=_("recompute the indicators filled from the app")
    )
    csv_option(indicators)

    add_ind = verb("add-indicator", _("add an indicator"), cmd_add_indicator, "committee")
    add_ind.add_argument("--name", required=True, help=_("name of the indicator"))
    add_ind.add_argument("--unit", help=_("unit (%%, people, km…)"))
    add_ind.add_argument(
        "--direction", choices=INDICATOR_DIRECTIONS, default="higher",
        help=_("which way is better"),
    )  # fmt: skip
    add_ind.add_argument("--baseline", help=_("value at the start"))
    add_ind.add_argument("--target", help=_("value to reach"))
    add_ind.add_argument(
        "--source", choices=INDICATOR_SOURCES, default="manual",
        help=_("typed in, or computed from the app's data"),
    )  # fmt: skip
    add_ind.add_argument(
        "--param", action="append", metavar="KEY=VALUE",
        help=_("a setting of a computed source: scope=process, stakeholder_type=resident, "
               "category=gender"),
    )  # fmt: skip

    measure = verb("measure", _("record a measurement of an indicator"), cmd_measure, "indicator")
    measure.add_argument("--date", required=True, metavar="DAY", help=_("day of the measurement"))
    measure.add_argument("--value", required=True, help=_("the value measured"))
    measure.add_argument("--source", help=_("where the value comes from"))
    measure.add_argument("--note", help=_("a note"))

    verb("dashboard", _("next meeting, overdue actions, indicators off track"), cmd_dashboard,
         "committee")  # fmt: skip

    review = verb("review", _("the annual review (bilan annuel)"), cmd_review, "committee")
    review.add_argument("--year", type=int, required=True, help=_("the year reviewed"))
