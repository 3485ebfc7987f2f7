"""``atelier processes``: list and create co-construction processes (démarches)."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from app.commands.common import open_for_reading, open_for_writing, print_json
from app.errors import AtelierError
from app.facilitation import labels
from app.facilitation import sessions as S
from app.i18n import _, ngettext
from app.models import PHASES


def read_text_file(path: Path) -> str:
    """The text of a file a person named, or a one-line refusal."""
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise AtelierError(
            _("Cannot read “{path}”: {reason}").format(path=path, reason=reason)
        ) from None


def parse_day(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise AtelierError(
            _("“{text}” is not a date (expected e.g. 2026-09-01).").format(text=text)
        ) from None


def describe_process(p: S.ProcessInfo) -> str:
    return _("{title} — {phase} — {people}, {sessions} — {id}").format(
        title=p.title,
        phase=labels.phase(p.phase),
        people=ngettext("{n} registered", "{n} registered", p.registered).format(n=p.registered),
        sessions=ngettext("{n} session", "{n} sessions", p.session_count).format(n=p.session_count),
        id=p.id,
    )


def cmd_list(args: argparse.Namespace) -> int:
    with open_for_reading(args.path) as ws, ws.session() as session:
        processes = S.list_processes(session)
    if args.json:
        print_json({"processes": [p.as_dict() for p in processes]})
    elif not processes:
        print(_("No process yet."))
    else:
        for p in processes:
            print(describe_process(p))
    return 0


def cmd_create(args: argparse.Namespace) -> int:
    data = S.ProcessData(
        title=args.title,
        phase=args.phase,
        description=args.description,
        charter=read_text_file(args.charter_file) if args.charter_file else None,
        started_on=parse_day(args.started_on),
        ended_on=parse_day(args.ended_on),
    )
    with open_for_writing(args.path) as ws, ws.session() as session:
        info = S.create_process(session, data)
    if args.json:
        print_json(info.as_dict())
    else:
        print(_("Created the process “{title}” ({id}).").format(title=info.title, id=info.id))
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add this module's sub-commands to its group."""
    listing = subparsers.add_parser(
        "list", help=_("list the processes"), description=_("list the processes")
    )
    listing.set_defaults(func=cmd_list)
    create = subparsers.add_parser(
        "create", help=_("create a process"), description=_("create a process")
    )
    create.set_defaults(func=cmd_create)
    create.add_argument("--title", required=True, help=_("title of the process"))
    create.add_argument(
        "--phase",
        default="co_prioritise",
        metavar="PHASE",
        help=_("phase: {phases} (default: co_prioritise)").format(phases=", ".join(PHASES)),
    )
    create.add_argument("--description", help=_("what the process is about"))
    create.add_argument(
        "--charter-file", type=Path, metavar="FILE", help=_("a text file with the charter")
    )
    create.add_argument("--started-on", metavar="DATE", help=_("start date (YYYY-MM-DD)"))
    create.add_argument("--ended-on", metavar="DATE", help=_("end date (YYYY-MM-DD)"))
    for parser in (listing, create):
        parser.add_argument("path", type=Path, metavar="PATH", help=_("workspace file (.atelier)"))
        parser.add_argument("--json", action="store_true", help=_("print a JSON document"))
