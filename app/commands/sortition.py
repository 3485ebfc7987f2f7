"""``atelier sortition`` and ``atelier invitations``: citizen-jury draws on files, no workspace.

    atelier sortition --categories categories.csv --people people.csv --size 40 \\
        --algorithm leximin --seed "4 2 6 1 3 5" --household-columns address,postcode \\
        --alternates 10 --output selected.csv
    atelier invitations --addresses addresses.csv --households 3000 --seed 81723 \\
        --output invitations.csv

The files are the Sortition Foundation's ``categories.csv`` (category,name,min,max) and a
``people.csv`` (an id column, one column per category, address columns). Before drawing, the
quotas are checked: when they cannot be met, the reasons and the smallest relaxation are
printed (``--relax`` accepts it). The seed is text from a public source (dice, a lottery
result); with ``--save-distribution`` and later ``--distribution`` the same seed gives the same
panel again. Progress goes to stderr.
"""

from __future__ import annotations

import argparse
import secrets
import sys
from pathlib import Path

from app.commands.common import print_json
from app.errors import AtelierError
from app.i18n import _, ngettext


def register_verb(subparsers: argparse._SubParsersAction) -> list[argparse.ArgumentParser]:
    """Add the ``sortition`` and ``invitations`` verbs; returns the parsers added."""
    help_text = _("draw a citizens' panel from Sortition Foundation CSV files (no workspace)")
    draw = subparsers.add_parser("sortition", help=help_text, description=help_text)
    draw.set_defaults(func=cmd_sortition)
    draw.add_argument(
        "--categories",
        type=Path,
        required=True,
        metavar="FILE",
        help=_("categories.csv: category, name, min, max"),
    )
    draw.add_argument(
        "--people",
        type=Path,
        required=True,
        metavar="FILE",
        help=_("people.csv: an id column and one column per category"),
    )
    draw.add_argument(
        "--size", type=int, required=True, metavar="N", help=_("number of people on the panel")
    )
    draw.add_argument(
        "--algorithm",
        choices=("leximin", "legacy"),
        default="leximin",
        help=_("leximin (fairest lottery, default) or legacy (greedy)"),
    )
    draw.add_argument(
        "--seed",
        metavar="TEXT",
        help=_("public random value (dice, lottery result); chosen when absent"),
    )
    draw.add_argument(
        "--household-columns",
        metavar="A,B",
        help=_("address columns: at most one person per household"),
    )
    draw.add_argument(
        "--alternates", type=int, default=0, metavar="K", help=_("number of alternates to list")
    )
    draw.add_argument(
        "--runs",
        type=int,
        default=1000,
        metavar="N",
        help=_("legacy: runs used to estimate the probabilities"),
    )
    draw.add_argument(
        "--relax",
        action="store_true",
        help=_("when the quotas cannot be met, accept the smallest relaxation"),
    )
    draw.add_argument(
        "--output",
        type=Path,
        metavar="FILE",
        help=_("write the selected people and alternates to a CSV file"),
    )
    draw.add_argument(
        "--save-distribution",
        type=Path,
        metavar="FILE",
        help=_("write the instance and the distribution (JSON) for the audit"),
    )
    draw.add_argument(
        "--distribution",
        type=Path,
        metavar="FILE",
        help=_("draw from a distribution saved earlier instead of computing it"),
    )
    draw.add_argument("--json", action="store_true", help=_("print a JSON document"))  # fmt: skip

    help_text = _("draw the households to invite from an address list (first stage)")
    invite = subparsers.add_parser("invitations", help=help_text, description=help_text)
    invite.set_defaults(func=cmd_invitations)
    invite.add_argument(
        "--addresses", type=Path, required=True, metavar="FILE", help=_("address list (CSV)")
    )
    invite.add_argument(
        "--households", type=int, required=True, metavar="N", help=_("number of households to draw")
    )
    invite.add_argument(
        "--seed",
        metavar="TEXT",
        help=_("public random value (dice, lottery result); chosen when absent"),
    )
    invite.add_argument(
        "--address-columns",
        metavar="A,B",
        help=_("columns that make the address (default: those named like an address, else all)"),
    )
    invite.add_argument(
        "--output", type=Path, required=True, metavar="FILE", help=_("CSV file for the mail merge")
    )
    invite.add_argument("--json", action="store_true", help=_("print a JSON document"))  # fmt: skip
    return [draw, invite]


class StderrProgress:
    """``progress(fraction, message)`` on stderr: a line per new message, a bar on terminals."""

    def __init__(self, enabled: bool = True) -> None:
        self.enabled = enabled
        self.tty = sys.stderr.isatty()
        self._message = ""
        self._percent = -1

    def __call__(self, fraction: float, message: str) -> None:
        if not self.enabled:
            return
        percent = int(100 * fraction)
        if message == self._message and percent == self._percent:
            return
        if self.tty:
            filled = percent * 30 // 100
            sys.stderr.write(f"\r[{'#' * filled}{'.' * (30 - filled)}] {percent:3d}% {message:<50}")
            if fraction >= 1:
                sys.stderr.write("\n")
        elif message != self._message:
            sys.stderr.write(f"{percent:3d}% {message}\n")
        sys.stderr.flush()
        self._message, self._percent = message, percent


def _columns(text: str | None) -> list[str] | None:
    if not text:
        return None
    return [c.strip() for c in text.split(",") if c.strip()]


def _seed(text: str | None) -> str:
    return text.strip() if text and text.strip() else str(secrets.randbelow(10**6)).zfill(6)


def cmd_sortition(args: argparse.Namespace) -> int:
    from app.facilitation.sortition import draw as drawing
    from app.facilitation.sortition import feasibility, files
    from app.facilitation.sortition.legacy import legacy_distribution
    from app.facilitation.sortition.leximin import leximin

    instance = files.read_instance(
        args.categories, args.people, args.size, household_columns=_columns(args.household_columns)
    )
    seed = _seed(args.seed)
    check = feasibility.check(instance)
    relaxed = []
    if not check.feasible:
        if not (args.relax and check.relaxation):
            _print_infeasible(check, args.json)
            return 1
        instance = feasibility.apply(instance, check.relaxation)
        relaxed = check.relaxation
    progress = StderrProgress()
    if args.distribution:
        distribution = _saved_distribution(args.distribution, instance)
    elif args.algorithm == "leximin":
        distribution = leximin(instance, progress=progress)
    else:
        distribution = legacy_distribution(
            instance, runs=max(1, args.runs), seed=seed, progress=progress
        )
    if args.save_distribution:
        args.save_distribution.write_text(
            '{"distribution":' + distribution.to_json() + ',"instance":' + instance.to_json()
            + "}\n",
            encoding="utf-8",
        )  # fmt: skip
    if distribution.algorithm == "legacy":  # the procedure itself replays from the seed
        from app.facilitation.sortition.legacy import legacy_panel

        selected = tuple(legacy_panel(instance, drawing.rng_from_seed(seed)))
    else:
        selected = drawing.draw(instance, distribution, seed)
    marginals = distribution.marginals
    reserve = drawing.alternates(instance, marginals, selected, max(0, args.alternates), seed)
    stats = drawing.summary(instance, marginals)
    if args.output:
        files.write_panel(args.output, instance, selected, reserve)
    people = instance.people
    if args.json:
        print_json(
            {
                "algorithm": distribution.algorithm,
                "seed": seed,
                "size": instance.size,
                "pool": len(people),
                "selected": [people[i].key for i in selected],
                "alternates": [people[i].key for i in reserve],
                "probabilities": {
                    "min": stats.min,
                    "max": stats.max,
                    "below_half_ratio": stats.below_half_ratio_count,
                    "ratio": stats.ratio,
                    "selected": {people[i].key: marginals[i] for i in selected},
                },
                "panels": len(distribution.panels),
                "instance_sha256": instance.digest(),
                "distribution_sha256": distribution.digest(),
                "relaxation": [vars(c) for c in relaxed],
                "notes": check.notes,
                "output": str(args.output) if args.output else None,
            }
        )
        return 0
    for note in check.notes:
        print(note)
    if relaxed:
        print(_("Relaxed quotas:"))
        for change in relaxed:
            print("  " + change.describe())
    label = _("LEXIMIN") if distribution.algorithm == "leximin" else _("legacy (greedy)")
    print(_("Algorithm: {name}").format(name=label))
    print(
        ngettext("Selected ({n} person):", "Selected ({n} people):", len(selected)).format(
            n=len(selected)
        )
    )
    for i in selected:
        print(f"  {people[i].key}  " + ", ".join(people[i].features.get(c, "") for c in
                                                instance.categories))  # fmt: skip
    if reserve:
        print(_("Alternates, in order:"))
        for rank, i in enumerate(reserve, start=1):
            print(f"  {rank:>3}. {people[i].key}")
    print(
        _(
            "Selection probabilities: min {min:.4f}, max {max:.4f}; {below} below half of the "
            "panel/pool ratio {ratio:.4f}."
        ).format(
            min=stats.min, max=stats.max, below=stats.below_half_ratio_count, ratio=stats.ratio
        )
    )
    if distribution.algorithm == "legacy":
        print(_("(legacy probabilities estimated from {n} runs)").format(
            n=distribution.details.get("runs", "?")))  # fmt: skip
    print(_("Instance SHA-256: {digest}").format(digest=instance.digest()))
    print(_("Distribution SHA-256: {digest}").format(digest=distribution.digest()))
    if args.output:
        print(_("Written to {path}").format(path=args.output))
    print(_("Seed: {seed}").format(seed=seed))
    return 0


def _saved_distribution(path: Path, instance):
    """A distribution saved by ``--save-distribution`` (or a bare distribution JSON)."""
    import json

    from app.facilitation.sortition.model import Distribution, Instance

    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise AtelierError(
            _("“{path}” cannot be read: {reason}").format(path=path, reason=exc.strerror)
        ) from exc
    except ValueError as exc:
        raise AtelierError(
            _("“{path}” is not valid JSON: {reason}").format(path=path, reason=exc)
        ) from exc
    if isinstance(data, dict) and "distribution" in data:
        if "instance" in data and Instance.from_dict(data["instance"]) != instance:
            raise AtelierError(
                _("“{path}” was computed for other volunteers or other quotas.").format(path=path)
            )
        data = data["distribution"]
    if not isinstance(data, dict):
        raise AtelierError(_("“{path}” holds no distribution.").format(path=path))
    return Distribution.from_dict(data)


def _print_infeasible(check, as_json: bool) -> None:
    relaxation = check.relaxation
    if as_json:
        print_json(
            {
                "feasible": False,
                "problems": check.problems,
                "relaxation": None if relaxation is None else [vars(c) for c in relaxation],
                "notes": check.notes,
            }
        )
        return
    print(_("The quotas cannot be met:"))
    for problem in check.problems:
        print("  " + problem)
    if relaxation:
        print(_("Smallest relaxation that makes them possible (accept it with --relax):"))
        for change in relaxation:
            print("  " + change.describe())
    else:
        print(_("No widening of the quotas can help: the pool is too small."))


def cmd_invitations(args: argparse.Namespace) -> int:
    from app.facilitation.sortition import files

    seed = _seed(args.seed)
    header, rows, total = files.invitation_lottery(
        args.addresses, args.households, seed, _columns(args.address_columns)
    )
    files.write_rows(args.output, header, rows)
    if args.json:
        print_json(
            {
                "households": len(rows),
                "households_in_list": total,
                "seed": seed,
                "output": str(args.output),
            }
        )
        return 0
    print(
        _("Drew {n} of {total} households; written to {path}").format(
            n=len(rows), total=total, path=args.output
        )
    )
    print(_("Seed: {seed}").format(seed=seed))
    return 0
