"""``atelier tally --method NAME FILE``: count a PrefLib or pabulib file without a workspace.

    atelier tally --method stv --seats 4 00001-00000001.soi
    atelier tally --method mes Poland_Swiecie_2023.pb --json

PrefLib files (.soc, .soi, .toc, .toi) hold rankings; pabulib files (.pb) hold the projects'
costs, the budget and the ballots. Ties are settled by a draw with ``--seed`` (a random seed
is chosen and printed when none is given), so a count can be repeated exactly.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from app.commands.common import print_json
from app.i18n import _, ngettext


def register_verb(subparsers: argparse._SubParsersAction) -> list[argparse.ArgumentParser]:
    """Add the ``tally`` verb; returns the parsers added."""
    from app.facilitation.voting.registry import METHODS

    help_text = _("count the ballots of a PrefLib or pabulib file with a voting method")
    parser = subparsers.add_parser("tally", help=help_text, description=help_text)
    parser.set_defaults(func=cmd_tally)
    parser.add_argument(
        "--method",
        required=True,
        metavar="NAME",
        help=_("counting method: {names}").format(names=", ".join(METHODS)),
    )
    parser.add_argument(
        "path",
        type=Path,
        metavar="FILE",
        help=_("a PrefLib (.soc, .soi, .toc) or pabulib (.pb) file"),
    )
    parser.add_argument(
        "--seats", type=int, default=None, metavar="K", help=_("seats to fill (STV; default 1)")
    )
    parser.add_argument(
        "--seed", type=int, default=None, metavar="N", help=_("seed of the draw that breaks ties")
    )
    parser.add_argument("--json", action="store_true", help=_("print a JSON document"))
    return [parser]


def _load(path: Path, method_name: str, seats: int | None):
    """(options, ballots, rules, extra JSON fields) for ``path`` and the method."""
    from app.facilitation import vote_files

    data = vote_files.read_ballot_file(path)
    vote_files.check_method(data, method_name)
    rules: dict = {}
    if seats is not None:
        rules["seats"] = seats
    extra: dict = {"file_type": data.file_type}
    if data.file_type == "pabulib":
        rules.update(budget=data.budget, costs=data.costs)
        if method_name == "mes":
            rules.update(data.rules)
        extra["file_selected"] = None if data.selected is None else sorted(data.selected)
        if data.selected is not None:
            extra["matches_file_selected"] = None  # filled after the count
    return data.options, data.ballots, rules, extra


def cmd_tally(args: argparse.Namespace) -> int:
    from app.facilitation.voting.base import TieBreaker
    from app.facilitation.voting.registry import count, method

    options, ballots, rules, extra = _load(args.path, args.method, args.seats)
    tiebreak = TieBreaker(seed=args.seed)
    result = count(args.method, options, ballots, rules=rules, tiebreak=tiebreak)
    if "matches_file_selected" in extra:
        extra["matches_file_selected"] = set(result.winners) == set(extra["file_selected"])
    if args.json:
        print_json({**result.as_dict(), "seed": tiebreak.seed, "file": str(args.path), **extra})
        return 0
    _print_result(result, method(args.method).label, tiebreak.seed, extra)
    return 0


def _print_result(result, label: str, seed: int | None, extra: dict) -> None:
    names = result.options
    print(_("Method: {label}").format(label=_(label)))
    print(_("Valid ballots: {n}").format(n=result.valid))
    print(result.explanation)
    details = result.details
    if "quota" in details:
        print(
            _("Seats: {seats}, quota: {quota}").format(
                seats=details["seats"], quota=details["quota"]
            )
        )
    winners = ", ".join(names[i] for i in result.winners) or "—"
    print(
        ngettext("Winner: {names}", "Winners: {names}", len(result.winners)).format(names=winners)
    )
    if "funded" in details:
        print(_("Funded projects:"))
        for row in details["funded"]:
            print(
                "  "
                + _("{project} — cost {cost}, {approvals} approvals").format(
                    project=row["project"], cost=row["cost"], approvals=row["approvals"]
                )
            )
        print(
            _("Spent: {spent} of {budget}; left: {left}").format(
                spent=details["spent"], budget=details["budget"], left=details["left"]
            )
        )
        if "comparison" in details:
            c = details["comparison"]
            print(
                _(
                    "Comparison with greedy: {mes} voters prefer equal shares, {greedy} prefer "
                    "greedy."
                ).format(mes=c["prefer_equal_shares"], greedy=c["prefer_greedy"])
            )
        if extra.get("matches_file_selected") is not None:
            if extra["matches_file_selected"]:
                print(_("Same projects as the file's “selected” column."))
            else:
                print(_("Not the same projects as the file's “selected” column."))
    elif "rounds" in details:
        print(_("Rounds:"))
        for round_ in details["rounds"]:
            print("  " + round_["description"])
    else:
        print(_("Order and scores:"))
        for rank, i in enumerate(result.order, start=1):
            print(f"  {rank:>3}. {names[i]}  {result.scores.get(i, '')}")
    if result.ties:
        print(_("Ties broken:"))
        for tie in result.ties:
            how = (
                _("draw with seed {seed}").format(seed=tie.seed)
                if tie.rule == "draw"
                else _("the facilitator's decision")
            )
            print(
                "  "
                + _("{context}: {order} ({how})").format(
                    context=tie.context, order=" > ".join(names[i] for i in tie.order), how=how
                )
            )
    print(_("Seed: {seed}").format(seed=seed))
