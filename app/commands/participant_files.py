"""``atelier participants import|mapping|export``: participant files headless.

    atelier participants mapping WS FILE > map.json      the suggested mapping, to edit
    atelier participants import WS FILE --mapping map.json [--dry-run] [--process ID] [--json]
    atelier participants export WS FILE [--format csv|xlsx] [--search TEXT] [--json]

Without ``--mapping``, ``import`` uses the suggested mapping only when it places every column
and every value; otherwise it refuses and says to write a mapping. A refused import (bad rows,
values to map) exits with 1 and imports nothing; ``--json`` prints the whole report.
"""

from __future__ import annotations

import argparse
import json
import sys
import uuid
from pathlib import Path

from app.commands.common import TextProgress, open_for_reading, open_for_writing, print_json
from app.errors import AtelierError
from app.i18n import _, ngettext


def _process_id(text: str) -> uuid.UUID:
    try:
        return uuid.UUID(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            _("“{value}” is not a process identifier.").format(value=text)
        ) from None


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add this module's sub-commands to its group."""
    p = subparsers.add_parser(
        "import",
        help=_("import participants from a CSV or XLSX file (all rows or none)"),
        description=_(
            "Import participants from a CSV or XLSX file. Every row is checked first; if any "
            "row has a problem, nothing is imported and every problem is listed."
        ),
    )
    p.add_argument("path", type=Path, metavar="WORKSPACE", help=_("workspace file (.atelier)"))
    p.add_argument("file", type=Path, metavar="FILE", help=_("CSV or XLSX file to import"))
    p.add_argument(
        "--mapping", type=Path, metavar="MAP.json",
        help=_("column mapping (JSON); start from `atelier participants mapping WS FILE`"),
    )  # fmt: skip
    p.add_argument(
        "--dry-run", action="store_true", help=_("check the file and report, import nothing")
    )
    p.add_argument(
        "--process", type=_process_id, metavar="ID",
        help=_("register everyone imported in this process"),
    )  # fmt: skip
    p.add_argument("--json", action="store_true", help=_("print a JSON document"))
    p.set_defaults(func=cmd_import)

    p = subparsers.add_parser(
        "mapping",
        help=_("print the suggested column mapping of a file (JSON), to edit and pass to import"),
    )
    p.add_argument("path", type=Path, metavar="WORKSPACE", help=_("workspace file (.atelier)"))
    p.add_argument("file", type=Path, metavar="FILE", help=_("CSV or XLSX file to import"))
    p.set_defaults(func=cmd_mapping)

    p = subparsers.add_parser(
        "export", help=_("export participants to a CSV (UTF-8, ;) or XLSX file")
    )
    p.add_argument("path", type=Path, metavar="WORKSPACE", help=_("workspace file (.atelier)"))
    p.add_argument("file", type=Path, metavar="FILE", help=_("file to write (.csv or .xlsx)"))
    p.add_argument(
        "--format", choices=("csv", "xlsx"), default=None,
        help=_("file format (default: from the file name)"),
    )  # fmt: skip
    p.add_argument(
        "--search", default="", metavar="TEXT", help=_("export only the people matching TEXT")
    )
    p.add_argument("--json", action="store_true", help=_("print a JSON document"))
    p.set_defaults(func=cmd_export)


def _suggested(session, preview):
    from app.facilitation.importing import _consent_purposes, suggest_mapping
    from app.facilitation.vocabularies import load_vocabularies

    return suggest_mapping(preview, load_vocabularies(session), _consent_purposes(session))


def _print_report(report) -> None:
    """The report for people: problems, values to map, likely duplicates."""
    for problem in report.problems:
        print(
            _("line {line}, {column}: {reason}").format(
                line=problem.line, column=problem.column, reason=problem.reason
            )
        )
    for target, values in report.unknown_values.items():
        listed = ", ".join(f"“{raw}” ({count})" for raw, count in values.items())
        print(_("Values to map for {target}: {values}").format(target=target, values=listed))
    if report.duplicates_in_file:
        n = len(report.duplicates_in_file)
        print(
            ngettext(
                "{n} likely duplicate within the file (lines {pairs})",
                "{n} likely duplicates within the file (lines {pairs})",
                n,
            ).format(n=n, pairs=", ".join(f"{a}={b}" for a, b in report.duplicates_in_file[:10]))
        )
    if report.duplicates_in_registry:
        n = len(report.duplicates_in_registry)
        print(
            ngettext(
                "{n} row looks like someone already in the registry (lines {lines})",
                "{n} rows look like people already in the registry (lines {lines})",
                n,
            ).format(
                n=n,
                lines=", ".join(str(line) for line, _pid in report.duplicates_in_registry[:10]),
            )
        )


def cmd_import(args: argparse.Namespace) -> int:
    from app.facilitation.importing import (
        ImportRefused,
        check_import,
        import_participants,
        preview_file,
        read_mapping,
        unmapped_headers,
    )

    mapping = read_mapping(args.mapping) if args.mapping else None
    ws = open_for_reading(args.path) if args.dry_run else open_for_writing(args.path)
    try:
        with ws.session() as session:
            if mapping is None:
                preview = preview_file(args.file)
                mapping = _suggested(session, preview)
                unmapped = unmapped_headers(preview, mapping)
                if unmapped:
                    raise AtelierError(
                        ngettext(
                            "The column {columns} could not be matched: write a mapping "
                            "(atelier participants mapping WS FILE > map.json), edit it, "
                            "then pass --mapping map.json.",
                            "The columns {columns} could not be matched: write a mapping "
                            "(atelier participants mapping WS FILE > map.json), edit it, "
                            "then pass --mapping map.json.",
                            len(unmapped),
                        ).format(columns=", ".join(f"“{h}”" for h in unmapped))
                    )
            if args.process is not None:
                mapping.process_id = args.process
            progress = TextProgress(_("Import"), enabled=not args.json)
            if args.dry_run:
                report = check_import(session, args.file, mapping, progress=progress)
                count = registered = 0
            else:
                try:
                    result = import_participants(session, args.file, mapping, progress=progress)
                except ImportRefused as refused:
                    report = refused.report
                    if args.json:
                        print_json({"imported": 0, "registered": 0, **report.as_dict()})
                    else:
                        _print_report(report)
                    raise
                report, count, registered = result.report, result.count, result.registered
    finally:
        ws.close(backup=False)
    if args.json:
        print_json({"imported": count, "registered": registered, **report.as_dict()})
    else:
        _print_report(report)
        if args.dry_run:
            if report.ok:
                print(
                    ngettext(
                        "{n} row checked: ready to import.",
                        "{n} rows checked: ready to import.",
                        report.rows,
                    ).format(n=report.rows)
                )
        else:
            print(
                ngettext("Imported {n} participant.", "Imported {n} participants.", count).format(
                    n=count
                )
            )
    if args.dry_run and not report.ok:
        if not args.json:
            print(_("atelier: {message}").format(message=report.summary()), file=sys.stderr)
        return 1
    return 0


def cmd_mapping(args: argparse.Namespace) -> int:
    from app.facilitation.importing import check_import, preview_file
    from app.facilitation.vocabularies import load_vocabularies

    with open_for_reading(args.path) as ws, ws.session() as session:
        preview = preview_file(args.file)
        mapping = _suggested(session, preview)
        for header in preview.headers:
            mapping.columns.setdefault(header, "ignore")
        try:
            report = check_import(session, args.file, mapping)
        except AtelierError:
            report = None  # e.g. no name column yet: the person edits the mapping first
        if report is not None:
            for target, values in report.unknown_values.items():
                table = mapping.values.setdefault(target, {})
                for raw in values:
                    table.setdefault(raw, None)
        document = mapping.to_dict()
        vocabularies = load_vocabularies(session)
        document["allowed_values"] = {
            target: [v.value for v in vocabularies[target.split(":", 1)[1]].values]
            for target in sorted(set(mapping.columns.values()))
            if target.startswith("attribute:") and target.split(":", 1)[1] in vocabularies
        }
        if "stakeholder_type" in mapping.columns.values():
            from app.models import STAKEHOLDER_TYPES

            document["allowed_values"]["stakeholder_type"] = list(STAKEHOLDER_TYPES)
    sys.stdout.write(json.dumps(document, ensure_ascii=False, indent=2) + "\n")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from app.facilitation.exporting import export_participants

    with open_for_reading(args.path) as ws, ws.session() as session:
        progress = TextProgress(_("Export"), enabled=not args.json)
        count = export_participants(
            session, args.file, kind=args.format, search=args.search, progress=progress
        )
    if args.json:
        print_json({"path": str(args.file), "exported": count})
    else:
        print(
            ngettext(
                "Exported {n} participant to {path}.", "Exported {n} participants to {path}.", count
            ).format(n=count, path=args.file)
        )
    return 0
