"""The ``atelier`` command: the desktop app, and every feature headless for scripts.

    atelier [WORKSPACE] [--demo]      open the app (on the default workspace, a file, the demo)
    atelier init PATH                 create an empty workspace
    atelier demo PATH                 create a demo workspace
    atelier info PATH [--json]        schema version, rows per table, integrity check
    atelier backup PATH [-o FILE]     back a workspace up (safe while it is open)

Exit codes: 0 success; 1 bad input or a refused operation (one line on stderr, no traceback);
2 wrong usage. ``--json`` prints a stable JSON document for scripts.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from app import APP_NAME, __version__, config, i18n, logs
from app.commands import GROUPS, VERB_MODULES
from app.commands.common import TextProgress, print_json
from app.errors import AtelierError
from app.i18n import N_, _

EXIT_OK, EXIT_REFUSED, EXIT_USAGE = 0, 1, 2

#: argparse's own messages, routed through our catalogue (argparse looks ``_`` up at call
#: time in its module, so binding it there translates usage, errors and --help).
_ARGPARSE_MESSAGES = (
    N_("usage: "),
    N_("positional arguments"),
    N_("options"),
    N_("show this help message and exit"),
    N_("show program's version number and exit"),
    N_("the following arguments are required: %s"),
    N_("unrecognized arguments: %s"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("argument %(argument_name)s: %(message)s"),
    N_("%(prog)s: error: %(message)s\n"),
    N_("expected one argument"),
    N_("invalid %(type)s value: %(value)r"),
    N_("ambiguous option: %(option)s could match %(matches)s"),
)


def _language(argv: Sequence[str]) -> str:
    """--lang, else ATELIER_LANG, else the preference, else the system language."""
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return os.environ.get("ATELIER_LANG") or config.read_preferences().language or ""


# --------------------------------------------------------------------------- verbs


def cmd_init(args: argparse.Namespace) -> int:
    from app import store

    ws = store.create_workspace(args.path, overwrite=args.force, backup_count=0)
    revision = ws.revision()
    ws.close(backup=False)
    if args.json:
        print_json({"path": str(args.path), "schema_revision": revision})
    else:
        print(_("Created the workspace {path}.").format(path=args.path))
    return EXIT_OK


def cmd_demo(args: argparse.Namespace) -> int:
    from app.facilitation.demo import create_demo

    ws = create_demo(args.path, overwrite=args.force)
    ws.close(backup=False)
    if args.json:
        print_json({"path": str(args.path)})
    else:
        print(_("Created the demo workspace {path}.").format(path=args.path))
    return EXIT_OK


def cmd_info(args: argparse.Namespace) -> int:
    from app import store
    from app.facilitation.workspace_info import workspace_info

    with store.open_workspace(args.path, read_only=True) as ws:
        info = workspace_info(ws)
    if args.json:
        print_json(info.as_dict())
    else:
        print(_("Workspace: {path}").format(path=info.location))
        print(_("Schema revision: {rev}").format(rev=info.revision))
        if info.app_version_last:
            print(_("Last written by version: {version}").format(version=info.app_version_last))
        print(_("Rows per table:"))
        width = max(len(name) for name in info.counts)
        for name, count in info.counts.items():
            print(f"  {name:<{width}}  {count:>8}")
        if info.integrity == ["ok"]:
            print(_("Integrity check: ok"))
        else:
            print(_("Integrity check: problems found"))
            for line in info.integrity:
                print(f"  {line}")
        if info.audit_ok:
            print(_("Audit log: {n} events, chain intact").format(n=info.audit_events))
        else:
            print(_("Audit log: the chain is broken"))
    return EXIT_OK if info.ok else EXIT_REFUSED


def cmd_backup(args: argparse.Namespace) -> int:
    from app import store

    prefs = config.read_preferences()
    progress = TextProgress(_("Backup"), enabled=not args.json and not args.quiet)
    # The online backup reads a consistent snapshot even while the app has it open: no lock,
    # no upgrade, the file is copied as it is.
    ws = store.open_workspace(args.path, read_only=True, any_revision=True)
    try:
        if args.output:
            made = store.copy_to(ws, args.output, progress=progress)
        else:
            ws.backup_count = max(1, prefs.backup_count)
            made = store.rotating_backup(ws, reason="manual", progress=progress)
    finally:
        ws.close(backup=False)
    if args.json:
        print_json({"path": str(args.path), "backup": str(made)})
    elif not args.quiet:
        print(_("Backed up to {path}").format(path=made))
    return EXIT_OK


# --------------------------------------------------------------------------- parsing

VERBS: dict[str, tuple[str, Callable[[argparse.Namespace], int]]] = {
    "init": (N_("create an empty workspace"), cmd_init),
    "demo": (N_("create a demo workspace (a municipality, a process, 60 participants)"), cmd_demo),
    "info": (N_("show the schema version, rows per table and an integrity check"), cmd_info),
    "backup": (N_("back a workspace up (safe while it is open in the app)"), cmd_backup),
}


def _common(parser: argparse.ArgumentParser, default=None) -> None:
    parser.add_argument(
        "--lang",
        choices=sorted(i18n.LANGUAGES),
        default=default,
        help=_("language of messages (fr, en, it, es, bg)"),
    )


def build_parser() -> argparse.ArgumentParser:
    argparse._ = _  # argparse's own strings through our catalogue (see _ARGPARSE_MESSAGES)
    parser = argparse.ArgumentParser(
        prog="atelier",
        description=_(
            "{app}: co-construction workshops, offline. Without a command, opens the app."
        ).format(app=APP_NAME),
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"{APP_NAME} {__version__}",
        help=_("show program's version number and exit"),
    )
    _common(parser)
    sub = parser.add_subparsers(dest="verb", title=_("commands"), metavar="COMMAND")
    for name, (help_text, func) in VERBS.items():
        verb = sub.add_parser(name, help=_(help_text), description=_(help_text))
        verb.set_defaults(func=func)
        _common(verb, default=argparse.SUPPRESS)
        verb.add_argument("path", type=Path, metavar="PATH", help=_("workspace file (.atelier)"))
        verb.add_argument("--json", action="store_true", help=_("print a JSON document"))
        if name in ("init", "demo"):
            verb.add_argument(
                "--force", action="store_true", help=_("replace the file if it exists")
            )
        if name == "backup":
            verb.add_argument(
                "-o", "--output", type=Path, metavar="FILE",
                help=_("write the copy to FILE instead of the rotating backups"),
            )  # fmt: skip
            verb.add_argument("-q", "--quiet", action="store_true", help=_("print nothing"))
    for module in VERB_MODULES:
        for verb in importlib.import_module(module).register_verb(sub):
            _common(verb, default=argparse.SUPPRESS)
    for name, (help_text, modules) in GROUPS.items():
        group = sub.add_parser(name, help=_(help_text), description=_(help_text))
        _common(group, default=argparse.SUPPRESS)
        group.set_defaults(func=lambda args, g=group: _group_usage(g))
        commands = group.add_subparsers(dest="command", title=_("commands"), metavar="COMMAND")
        for module in modules:
            importlib.import_module(module).register(commands)
        for command in commands.choices.values():
            _common(command, default=argparse.SUPPRESS)
    return parser


#: Top-level verbs added by VERB_MODULES (their names, for telling a command from a file).
TOP_VERBS = ("tally", "sortition", "invitations", "report")


def _group_usage(parser: argparse.ArgumentParser) -> int:
    """A group given without a sub-command: show what it offers (wrong usage)."""
    parser.print_help(sys.stderr)
    return EXIT_USAGE


def build_gui_parser() -> argparse.ArgumentParser:
    argparse._ = _
    parser = argparse.ArgumentParser(
        prog="atelier",
        description=_("Open Atelier Citoyen. Commands: {verbs} (atelier COMMAND --help).").format(
            verbs=", ".join([*VERBS, *GROUPS])
        ),
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"{APP_NAME} {__version__}",
        help=_("show program's version number and exit"),
    )
    _common(parser)
    parser.add_argument(
        "workspace", nargs="?", type=Path, metavar="WORKSPACE",
        help=_("workspace file to open (default: your own workspace)"),
    )  # fmt: skip
    parser.add_argument(
        "--demo", action="store_true", help=_("open a temporary copy of the demo workspace")
    )
    return parser


def _verb(argv: Sequence[str]) -> str | None:
    """The command named in ``argv``, if any (skipping options and the value of --lang)."""
    skip = False
    for arg in argv:
        if skip:
            skip = False
        elif arg == "--lang":
            skip = True
        elif not arg.startswith("-"):
            return arg if arg in VERBS or arg in GROUPS or arg in TOP_VERBS else None
    return None


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    i18n.set_language(_language(argv))
    logs.setup_logging()
    if _verb(argv) is not None:
        args = build_parser().parse_args(argv)
    else:
        args = build_gui_parser().parse_args(argv)
        args.func = None
    try:
        if args.func is None:
            from app.views.app import run_gui

            return run_gui(workspace=args.workspace, demo=args.demo, language=args.lang)
        return args.func(args)
    except AtelierError as exc:
        print(_("atelier: {message}").format(message=exc), file=sys.stderr)
        return EXIT_REFUSED
    except BrokenPipeError:  # output piped into `head` and the like
        sys.stderr.close()
        return EXIT_OK
    except KeyboardInterrupt:
        print(_("atelier: interrupted"), file=sys.stderr)
        return 130
    except Exception:
        logging.getLogger("app.cli").exception("Unexpected error")  # for the bug report
        raise


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
