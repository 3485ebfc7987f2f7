"""``atelier bundle compare``: processes of several organisations side by side (exchange day).

    atelier bundle compare WS [PROCESS ...] [--date YYYY-MM-DD] [--json]

Without PROCESS, every process of the workspace is compared. The table has one column per
process and one row per measure; "—" marks what a process does not have (no vote, no jury…).
``--json`` prints the figures themselves (see :mod:`app.facilitation.exchange_compare`).
"""

from __future__ import annotations

import argparse
import shutil
import textwrap
from pathlib import Path

from app.commands.common import open_for_reading, print_json
from app.commands.processes import parse_day
from app.facilitation import exchange_compare as X
from app.facilitation import sessions as S
from app.i18n import _

#: Widest a process column gets, in characters.
MAX_COLUMN = 30


def _cell_lines(text: str, width: int) -> list[str]:
    found = []
    for line in text.split("\n"):
        found += textwrap.wrap(line, width) or [""]
    return found


def table(comparison: X.Comparison, *, width: int | None = None) -> str:
    """The comparison as a text table: measures down, processes across, by section."""
    measures = comparison.measures()
    if not comparison.processes:
        return _("No process to compare.")
    total = width or shutil.get_terminal_size((120, 24)).columns
    label_width = min(max(len(m.label) for m in measures), 36)
    n = len(comparison.processes)
    room = max(12, (total - label_width - 3 * n) // n)
    column = min(
        MAX_COLUMN,
        room,
        max(
            max((len(line) for m in measures for v in m.values for line in v.split("\n")),
                default=8),
            *(len(p.label) for p in comparison.processes),
        ),
    )  # fmt: skip
    out: list[str] = []

    def row(label: str, values: list[str]) -> None:
        cells = [_cell_lines(v, column) for v in values]
        heading = _cell_lines(label, label_width)
        for i in range(max(len(heading), *(len(c) for c in cells))):
            left = heading[i] if i < len(heading) else ""
            parts = [(c[i] if i < len(c) else "").ljust(column) for c in cells]
            out.append((left.ljust(label_width) + " │ " + " │ ".join(parts)).rstrip())

    row("", [p.label for p in comparison.processes])
    rule = "─" * label_width + "─┼─" + "─┼─".join("─" * column for _p in comparison.processes)
    section = None
    for m in measures:
        if m.key in ("organisation",):
            continue
        if m.section != section:
            section = m.section
            out.append(rule)
            out.append(X.section_label(section).upper())
        row(m.label, list(m.values))
    return "\n".join(out)


def cmd_compare(args: argparse.Namespace) -> int:
    today = parse_day(args.date)
    with open_for_reading(args.path) as ws, ws.session() as session:
        ids = [S.find_process(session, ref) for ref in args.processes] or None
        comparison = X.compare_processes(session, ids, today=today)
    if args.json:
        print_json(comparison.as_dict())
        return 0
    print(X.describe(comparison))
    print(table(comparison))
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``compare`` to the ``bundle`` group."""
    text = _("compare processes of several organisations side by side (exchange day)")
    compare = subparsers.add_parser("compare", help=text, description=text)
    compare.set_defaults(func=cmd_compare)
    compare.add_argument("path", type=Path, metavar="WS", help=_("workspace file (.atelier)"))
    compare.add_argument(
        "processes",
        nargs="*",
        metavar="PROCESS",
        help=_("the processes to compare (id or title prefix; default: all)"),
    )
    compare.add_argument(
        "--date",
        metavar="YYYY-MM-DD",
        help=_("count sessions held and actions late as on this day (default: today)"),
    )
    compare.add_argument("--json", action="store_true", help=_("print a JSON document"))
