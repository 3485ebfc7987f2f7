"""``atelier sessions``: workshop sessions, their agenda, sign-in and minutes.

Sessions and processes are named by their id or by a unique beginning of their title
(accents and case ignored): ``atelier sessions attendance ws.atelier "atelier 3"``.
"""

from __future__ import annotations

import argparse
from datetime import datetime
from pathlib import Path

from app.commands.common import open_for_reading, open_for_writing, print_json
from app.commands.processes import read_text_file
from app.errors import AtelierError
from app.facilitation import labels, signin
from app.facilitation import sessions as S
from app.i18n import _, ngettext


def parse_moment(text: str | None) -> datetime | None:
    """``"2026-12-12 10:00"`` in local time (or with an offset) → an aware datetime."""
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise AtelierError(
            _("“{text}” is not a date and time (expected e.g. 2026-12-12 10:00).").format(text=text)
        ) from None
    return moment.astimezone() if moment.tzinfo is None else moment


def local(moment: datetime | None) -> str:
    return moment.astimezone().strftime("%Y-%m-%d %H:%M") if moment else ""


def local_time(moment: datetime) -> str:
    return moment.astimezone().strftime("%H:%M")


# --------------------------------------------------------------------------- verbs


def cmd_list(args: argparse.Namespace) -> int:
    with open_for_reading(args.path) as ws, ws.session() as session:
        process_id = S.find_process(session, args.process) if args.process else None
        rows = S.list_sessions(session, process_id)
    if args.json:
        print_json({"sessions": [r.as_dict() for r in rows]})
    elif not rows:
        print(_("No session yet."))
    else:
        for r in rows:
            print(
                _("{when}  {title} — {place} — {people} — minutes: {status} — {id}").format(
                    when=local(r.starts_at),
                    title=r.title,
                    place=r.place or "—",
                    people=ngettext("{n} present", "{n} present", r.attendance).format(
                        n=r.attendance
                    ),
                    status=labels.minutes_status(r.minutes_status),
                    id=r.id,
                )
            )
    return 0


def cmd_create(args: argparse.Namespace) -> int:
    starts_at, ends_at = parse_moment(args.start), parse_moment(args.end)
    with open_for_writing(args.path) as ws, ws.session() as session:
        data = S.SessionData(
            process_id=S.find_process(session, args.process),
            title=args.title,
            starts_at=starts_at,
            ends_at=ends_at,
            place=args.place,
            facilitators=args.facilitators,
        )
        info = S.create_session(session, data)
    if args.json:
        print_json(info.as_dict())
    else:
        print(_("Created the session “{title}” ({id}).").format(title=info.title, id=info.id))
    return 0


def print_agenda(summary: S.AgendaSummary) -> None:
    if not summary.items:
        print(_("The agenda has no items yet."))
    for number, item in enumerate(summary.items, start=1):
        minutes = "" if item.duration_minutes is None else f"{item.duration_minutes:>4} min"
        print(f"{number:>2}. {minutes:>8}  {item.title}")
    if summary.session_minutes is None:
        print(_("Total: {total} min (the session has no end time).").format(
            total=summary.total_minutes))  # fmt: skip
    elif summary.over_by:
        print(
            _("Total: {total} min for a {length} min session: over by {over} min.").format(
                total=summary.total_minutes, length=summary.session_minutes, over=summary.over_by
            )
        )
    else:
        print(
            _("Total: {total} min for a {length} min session ({free} min free).").format(
                total=summary.total_minutes,
                length=summary.session_minutes,
                free=summary.free_minutes,
            )
        )


def cmd_agenda(args: argparse.Namespace) -> int:
    if args.minutes is not None and args.add is None:
        raise AtelierError(_("--minutes goes with --add."))
    opener = open_for_writing if args.add is not None else open_for_reading
    with opener(args.path) as ws, ws.session() as session:
        session_id = S.find_session(session, args.session)
        if args.add is not None:
            summary = S.add_agenda_item(session, session_id, args.add, args.minutes)
        else:
            summary = S.agenda_summary(session, session_id)
    if args.json:
        print_json(summary.as_dict())
    else:
        print_agenda(summary)
    return 0


def print_counts(counts: signin.AttendanceCounts) -> None:
    print(ngettext("{n} present", "{n} present", counts.present).format(n=counts.present))
    if counts.signed_out:
        print(ngettext("{n} signed out", "{n} signed out", counts.signed_out).format(
            n=counts.signed_out))  # fmt: skip
    for code, n in counts.by_stakeholder.items():
        print(f"  {labels.stakeholder_type(code)}: {n}")
    for key, values in counts.by_attribute.items():
        shown = ", ".join(f"{value} {n}" for value, n in values.items() if n)
        print(f"  {counts.categories.get(key, key)}: {shown or '—'}")


def cmd_signin(args: argparse.Namespace) -> int:
    with open_for_writing(args.path) as ws, ws.session() as session:
        session_id = S.find_session(session, args.session)
        people = [signin.participant_by_code(session, code) for code in args.codes]
        results = [signin.sign_in(session, session_id, pid) for pid in people]
        counts = signin.attendance_counts(session, session_id)
    if args.json:
        print_json({"signed_in": [r.as_dict() for r in results], "counts": counts.as_dict()})
        return 0
    for r in results:
        if r.already:
            print(_("{name} was already signed in at {time}.").format(
                name=r.name, time=local_time(r.signed_in_at)))  # fmt: skip
        else:
            print(_("{name} signed in at {time}.").format(
                name=r.name, time=local_time(r.signed_in_at)))  # fmt: skip
    print_counts(counts)
    return 0


def cmd_attendance(args: argparse.Namespace) -> int:
    with open_for_reading(args.path) as ws, ws.session() as session:
        session_id = S.find_session(session, args.session)
        rows = signin.attendance_list(session, session_id)
        counts = signin.attendance_counts(session, session_id)
    if args.json:
        print_json({"attendance": [r.as_dict() for r in rows], "counts": counts.as_dict()})
        return 0
    for r in rows:
        out = f" – {local_time(r.signed_out_at)}" if r.signed_out_at else ""
        name = f"{r.last_name} {r.first_name}".strip() or _("(erased)")
        print(f"{local_time(r.signed_in_at)}{out:<8}  {name}  ({r.code})")
    print_counts(counts)
    return 0


def cmd_minutes(args: argparse.Namespace) -> int:
    writes = args.set_file is not None or args.circulate or args.validate_by or args.reopen
    text = read_text_file(args.set_file) if args.set_file is not None else None
    opener = open_for_writing if writes else open_for_reading
    with opener(args.path) as ws, ws.session() as session:
        session_id = S.find_session(session, args.session)
        if args.reopen:
            S.reopen_minutes(session, session_id)
        if text is not None:
            S.set_minutes(session, session_id, text)
        if args.circulate:
            S.circulate_minutes(session, session_id)
        if args.validate_by:
            S.validate_minutes(session, session_id, args.validate_by)
        info = S.minutes_info(session, session_id)
    if args.json:
        print_json(info.as_dict())
        return 0
    status = labels.minutes_status(info.status)
    if info.status == "validated":
        print(_("Minutes: {status} by {who} on {when}").format(
            status=status, who=info.validated_by, when=local(info.validated_at)))  # fmt: skip
    elif info.status == "circulated":
        print(_("Minutes: {status} on {when}").format(
            status=status, when=local(info.circulated_at)))  # fmt: skip
    else:
        print(_("Minutes: {status}").format(status=status))
    if info.text:
        print()
        print(info.text)
    return 0


# --------------------------------------------------------------------------- parsing


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add this module's sub-commands to its group."""

    def verb(name: str, help_text: str, func, session: bool = True) -> argparse.ArgumentParser:
        parser = subparsers.add_parser(name, help=help_text, description=help_text)
        parser.set_defaults(func=func)
        parser.add_argument("path", type=Path, metavar="PATH", help=_("workspace file (.atelier)"))
        if session:
            parser.add_argument(
                "session", metavar="SESSION", help=_("the session: its id or a title prefix")
            )
        parser.add_argument("--json", action="store_true", help=_("print a JSON document"))
        return parser

    listing = verb("list", _("list the sessions"), cmd_list, session=False)
    listing.add_argument(
        "--process", metavar="PROCESS", help=_("only this process (id or title prefix)")
    )
    create = verb("create", _("create a session"), cmd_create, session=False)
    create.add_argument(
        "--process", required=True, metavar="PROCESS", help=_("the process (id or title prefix)")
    )
    create.add_argument("--title", required=True, help=_("title of the session"))
    create.add_argument(
        "--start", required=True, metavar="WHEN", help=_("start, local time: 2026-12-12 10:00")
    )
    create.add_argument("--end", metavar="WHEN", help=_("end, local time: 2026-12-12 13:00"))
    create.add_argument("--place", help=_("where it takes place"))
    create.add_argument("--facilitators", help=_("who facilitates it"))

    agenda = verb("agenda", _("show the agenda, or add an item"), cmd_agenda)
    agenda.add_argument("--add", metavar="TITLE", help=_("add an item with this title"))
    agenda.add_argument(
        "--minutes", type=int, metavar="N", help=_("duration of the added item in minutes")
    )

    sign = verb("signin", _("sign people in by their participant codes"), cmd_signin)
    sign.add_argument("codes", nargs="+", metavar="CODE", help=_("participant codes (badges)"))

    verb("attendance", _("who signed in, and the counts"), cmd_attendance)

    minutes = verb("minutes", _("show or change the minutes and their validation"), cmd_minutes)
    minutes.add_argument(
        "--set-file", type=Path, metavar="FILE", help=_("replace the text with this file's")
    )
    minutes.add_argument("--circulate", action="store_true", help=_("circulate the minutes"))
    minutes.add_argument(
        "--validate-by", metavar="NAME", help=_("record that NAME validated the minutes")
    )
    minutes.add_argument(
        "--reopen", action="store_true", help=_("send validated minutes back to draft")
    )
