"""``atelier bundle``: carry a process to another workspace in a ``.atelier-bundle`` file.

    atelier bundle export WS PROCESS -o FILE [--json]
    atelier bundle import WS FILE [--dry-run] [--take-theirs TABLE:ID ...]
        [--keep-ours TABLE:ID ...] [--json]
    atelier bundle show FILE [--json]

``export`` says how many people travel as pseudonymous codes and why; ``import --dry-run``
says what would be added, updated, skipped and in conflict, changing nothing. A conflict (a
record changed on both sides) keeps this workspace's version unless ``--take-theirs`` names it.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from app.commands.common import TextProgress, open_for_reading, open_for_writing, print_json
from app.errors import AtelierError
from app.facilitation import exchange as E
from app.facilitation import exchange_export as X
from app.facilitation import exchange_import as I
from app.facilitation import sessions as S
from app.i18n import _


def cmd_export(args: argparse.Namespace) -> int:
    target = Path(args.output)
    if target.suffix != E.SUFFIX:
        target = target.with_name(target.name + E.SUFFIX)
    with open_for_writing(args.path) as ws, ws.session() as session:
        process_id = S.find_process(session, args.process)
        result = X.export_process(
            session, process_id, target, progress=TextProgress(_("Export"), not args.json)
        )
    if args.json:
        print_json(result.as_dict())
    else:
        print(_("Written to {path}").format(path=result.path))
        print(result.message())
        print(_("SHA-256: {sha}").format(sha=result.sha256))
    return 0


def _refs(values: list[str] | None, choice: str) -> dict[tuple[str, str], str]:
    found = {}
    for value in values or []:
        name, sep, ident = value.partition(":")
        if not sep or not name or not ident:
            raise AtelierError(
                _("“{value}” is not TABLE:ID (e.g. action:5f0c…).").format(value=value)
            )
        found[(name, ident)] = choice
    return found


def _print_plan(plan: I.ImportPlan) -> None:
    print(plan.summary())
    for label, counts in ((_("added"), plan.added), (_("updated"), plan.updated)):
        for name, n in counts.items():
            if n:
                print(f"  {label:<10} {name:<24} {n:>7}")
    for c in plan.conflicts:
        print(_("Conflict: {table} {id}").format(table=c.table, id=c.id))
        for f in c.fields:
            print(
                "  "
                + _("{field}: here “{ours}”, theirs “{theirs}”").format(
                    field=f, ours=c.ours.get(f), theirs=c.theirs.get(f)
                )
            )


def cmd_import(args: argparse.Namespace) -> int:
    resolutions = {**_refs(args.keep_ours, "ours"), **_refs(args.take_theirs, "theirs")}
    if args.dry_run:
        if resolutions:
            raise AtelierError(_("--take-theirs and --keep-ours do not go with --dry-run."))
        with open_for_reading(args.path) as ws, ws.session() as session:
            plan = I.plan_import(session, args.file)
        if args.json:
            print_json({"dry_run": True, **plan.as_dict()})
        else:
            _print_plan(plan)
            print(_("Dry run: nothing was changed."))
        return 0
    with open_for_writing(args.path) as ws, ws.session() as session:
        report = I.apply_import(
            session,
            args.file,
            resolutions=resolutions,
            progress=TextProgress(_("Import"), not args.json),
        )
    if args.json:
        print_json({"dry_run": False, **report.as_dict()})
    else:
        _print_plan(report.plan)
        print(report.message())
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    summary = E.show_bundle(args.file)
    doc = summary.as_dict()
    if args.json:
        print_json(doc)
        return 0
    org = doc["organisation"] or {}
    print(_("Bundle: {path}").format(path=doc["path"]))
    print(_("Process: {title}").format(title=(doc["process"] or {}).get("title", "")))
    print(
        _("From: {org} ({country}), exported on {date}").format(
            org=org.get("name", "?"), country=org.get("country", "?"), date=doc["exported_at"]
        )
    )
    print(
        _("Format {format}, app version {version}, schema {schema}").format(
            format=doc["format_version"], version=doc["app_version"], schema=doc["schema_revision"]
        )
    )
    print(
        _("People: {shared} with their data, {pseudonymised} pseudonymised").format(
            shared=doc["shared"], pseudonymised=doc["pseudonymised"]
        )
    )
    for name, n in (doc["tables"] or {}).items():
        if n:
            print(f"  {name:<24} {n:>7}")
    print(_("Origin audit events: {n}").format(n=doc["origin_audit_events"]))
    print(_("SHA-256: {sha}").format(sha=doc["sha256"]))
    print(_("Every member matches its SHA-256."))
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add this module's sub-commands to its group."""
    export = subparsers.add_parser(
        "export", help=_("write a process to a workshop bundle"),
        description=_("write a process to a workshop bundle"),
    )  # fmt: skip
    export.set_defaults(func=cmd_export)
    export.add_argument("path", type=Path, metavar="PATH", help=_("workspace file (.atelier)"))
    export.add_argument("process", metavar="PROCESS", help=_("the process (id or title prefix)"))
    export.add_argument(
        "-o", "--output", required=True, metavar="FILE", help=_("the bundle to write")
    )
    export.add_argument("--json", action="store_true", help=_("print a JSON document"))

    imp = subparsers.add_parser(
        "import", help=_("merge a workshop bundle into a workspace"),
        description=_("merge a workshop bundle into a workspace"),
    )  # fmt: skip
    imp.set_defaults(func=cmd_import)
    imp.add_argument("path", type=Path, metavar="PATH", help=_("workspace file (.atelier)"))
    imp.add_argument("file", type=Path, metavar="FILE", help=_("the bundle (.atelier-bundle)"))
    imp.add_argument(
        "--dry-run", action="store_true", help=_("say what would change, change nothing")
    )
    imp.add_argument(
        "--take-theirs", nargs="+", metavar="TABLE:ID",
        help=_("conflicts settled with the bundle's version"),
    )  # fmt: skip
    imp.add_argument(
        "--keep-ours", nargs="+", metavar="TABLE:ID",
        help=_("conflicts settled with this workspace's version (not asked again)"),
    )  # fmt: skip
    imp.add_argument("--json", action="store_true", help=_("print a JSON document"))

    show = subparsers.add_parser(
        "show", help=_("check a workshop bundle and summarise its manifest"),
        description=_("check a workshop bundle and summarise its manifest"),
    )  # fmt: skip
    show.set_defaults(func=cmd_show)
    show.add_argument("file", type=Path, metavar="FILE", help=_("the bundle (.atelier-bundle)"))
    show.add_argument("--json", action="store_true", help=_("print a JSON document"))
