"""``atelier report KIND WS ID -o FILE.pdf``: print a document of a workspace as PDF.

    atelier report signin demo.atelier "Atelier 1" -o emargement.pdf
    atelier report ballots demo.atelier "Quel nom" -o bulletins.pdf --per-page 4
    atelier report session demo.atelier "Atelier 1" -o compte-rendu.pdf --lang en
    atelier report history demo.atelier
    atelier report check demo.atelier compte-rendu.pdf

The document is written in French unless ``--lang`` says otherwise (``--lang`` also sets the
language of messages). ``--date`` fixes the date printed on it: the same data and date give
the same file, byte for byte, so it can be checked later against the recorded SHA-256.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from app.commands.common import TextProgress, open_for_reading, open_for_writing, print_json
from app.commands.processes import parse_day
from app.errors import AtelierError
from app.i18n import _, ngettext


def _workspace(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", type=Path, metavar="WS", help=_("workspace file (.atelier)"))


def register_verb(subparsers: argparse._SubParsersAction) -> list[argparse.ArgumentParser]:
    """Add the ``report`` verb and one sub-command per kind of document."""
    from app.facilitation.reports import DOCUMENTS, SUBJECT_LABELS

    help_text = _("print a document as PDF (session summary, sign-in sheet, ballots…)")
    report = subparsers.add_parser("report", help=help_text, description=help_text)
    report.set_defaults(func=lambda args: _usage(report))
    kinds = report.add_subparsers(dest="kind", title=_("documents"), metavar="KIND")
    added = [report]
    for kind, spec in DOCUMENTS.items():
        parser = kinds.add_parser(kind, help=_(spec.label), description=_(spec.label))
        parser.set_defaults(func=cmd_generate, kind=kind)
        _workspace(parser)
        if spec.subject_kind == "processes":  # several at once (the comparison)
            parser.add_argument(
                "subject",
                nargs="*",
                metavar="PROCESS",
                help=_("the processes to compare (id or title prefix; default: all)"),
            )
        else:
            parser.add_argument(
                "subject",
                metavar="ID",
                help=_("the {what}: its id or the start of its title").format(
                    what=_(SUBJECT_LABELS.get(spec.subject_kind, spec.subject_kind)).lower()
                ),
            )
        parser.add_argument(
            "-o", "--output", type=Path, required=True, metavar="FILE", help=_("the PDF to write")
        )
        parser.add_argument(
            "--date", metavar="YYYY-MM-DD", help=_("the date printed on it (default: today)")
        )
        for option in spec.options:
            parser.add_argument(
                "--" + option.name.replace("_", "-"),
                dest=option.name,
                type=option.type,
                default=option.default,
                choices=option.choices,
                help=_(option.help),
            )
        parser.add_argument("--json", action="store_true", help=_("print a JSON document"))
        added.append(parser)
    listing = kinds.add_parser("history", help=_("list the documents generated so far"))
    listing.set_defaults(func=cmd_history)
    _workspace(listing)
    listing.add_argument("--kind", choices=list(DOCUMENTS), help=_("only this kind"))
    listing.add_argument("--json", action="store_true", help=_("print a JSON document"))
    check = kinds.add_parser(
        "check", help=_("say whether a PDF is a document recorded in the workspace")
    )
    check.set_defaults(func=cmd_check)
    _workspace(check)
    check.add_argument("file", type=Path, metavar="FILE", help=_("the PDF to check"))
    check.add_argument("--json", action="store_true", help=_("print a JSON document"))
    added += [listing, check]
    return added


def _usage(parser: argparse.ArgumentParser) -> int:
    import sys

    parser.print_help(sys.stderr)
    return 2


def cmd_generate(args: argparse.Namespace) -> int:
    from app.facilitation import reports

    spec = reports.spec(args.kind)
    today = parse_day(args.date)
    language = getattr(args, "lang", None) or "fr"
    options = {o.name: getattr(args, o.name) for o in spec.options}
    output = args.output.expanduser()
    if output.suffix.lower() != ".pdf":
        raise AtelierError(_("The file to write must end in .pdf: {path}").format(path=output))
    progress = TextProgress(_("Writing"), enabled=not args.json)
    with open_for_writing(args.path) as ws, ws.session() as session:
        if spec.subject_kind == "processes":
            ids = [reports.find_subject(session, args.kind, ref) for ref in args.subject]
            subject_id = ids[0] if len(ids) == 1 else None
            options["process_ids"] = ids or None
        else:
            subject_id = reports.find_subject(session, args.kind, args.subject)
        info = reports.generate(
            session,
            args.kind,
            subject_id,
            output,
            language=language,
            today=today,
            progress=progress,
            **options,
        )
    if args.json:
        print_json(info.as_dict())
    else:
        print(
            ngettext(
                "Wrote {path} ({pages} page), SHA-256 {sha}",
                "Wrote {path} ({pages} pages), SHA-256 {sha}",
                info.pages,
            ).format(path=info.path, pages=info.pages, sha=info.sha256)
        )
    return 0


def cmd_history(args: argparse.Namespace) -> int:
    from app.facilitation import reports

    with open_for_reading(args.path) as ws, ws.session() as session:
        entries = reports.history(session, kind=args.kind)
        if args.json:
            print_json([e.as_dict() for e in entries])
            return 0
        if not entries:
            print(_("No document generated yet."))
        for e in entries:
            print(
                f"{e.created_at.strftime('%Y-%m-%d %H:%M')}  {e.kind_label}  {e.title}  "
                f"({e.pages} p., {e.language})  {e.sha256[:16]}…  {e.path or ''}"
            )
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from app.facilitation import reports

    if not args.file.is_file():
        raise AtelierError(_("No such file: {path}").format(path=args.file))
    with open_for_reading(args.path) as ws, ws.session() as session:
        found = reports.check_file(session, args.file)
    if args.json:
        print_json({"recorded": bool(found), "matches": [e.as_dict() for e in found]})
    elif found:
        first = found[-1]
        print(
            _("Recorded: “{title}”, generated on {when}.").format(
                title=first.title, when=first.created_at.strftime("%Y-%m-%d %H:%M")
            )
        )
    else:
        print(_("This file matches no document recorded in this workspace."))
    return 0 if found else 1
