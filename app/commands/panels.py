"""``atelier jury …``: citizen juries drawn by lot in a workspace.

    atelier jury create WS --process P --title "Jury citoyen" --size 24 --alternates 6
    atelier jury quotas WS JURY --census "Genre" --census "Tranche d'âge"
    atelier jury quotas WS JURY --set Quartier "La Gare" 2 5
    atelier jury check WS JURY [--accept-relaxation]
    atelier jury draw WS JURY --seed "3 6 1 4 2 5"
    atelier jury show WS JURY [--csv FILE]
    atelier jury verify WS JURY
    atelier jury decline WS JURY --participant CODE

A jury is named by its id or a unique start of its title. The pool is the process's volunteers
for the citizen jury; categories and values by their name.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from app.commands.common import (
    TextProgress,
    open_for_reading,
    open_for_writing,
    print_json,
    write_csv,
)
from app.errors import AtelierError
from app.facilitation import panels as P
from app.facilitation.participants import find_participant
from app.facilitation.sessions import find_process
from app.i18n import _, ngettext
from app.models import PANEL_ALGORITHMS


def _percent(p: float) -> str:
    return f"{100 * p:.1f} %"


def cmd_create(args: argparse.Namespace) -> int:
    with open_for_writing(args.path) as ws, ws.session() as session:
        data = P.PanelData(
            process_id=find_process(session, args.process),
            title=args.title,
            size=args.size,
            household_rule=not args.no_household_rule,
            algorithm=args.algorithm,
            alternates=args.alternates,
        )
        panel_id = P.create_panel(session, data)
    if args.json:
        print_json({"jury": str(panel_id)})
    else:
        print(_("Created the citizen jury {id} (draft).").format(id=panel_id))
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    with open_for_reading(args.path) as ws, ws.session() as session:
        infos = P.list_panels(session)
    if args.json:
        print_json(
            [
                {
                    "id": str(i.id),
                    "title": i.title,
                    "size": i.size,
                    "status": i.status,
                    "pool": i.pool_size,
                    "algorithm": i.algorithm,
                    "alternates": i.alternates,
                }
                for i in infos
            ]
        )
        return 0
    for i in infos:
        print(f"{i.id}  {i.status:<6}  {i.size:>3}/{i.pool_size:<5}  {i.title}")
    if not infos:
        print(_("No citizen jury."))
    return 0


def _quota_document(rows: list[P.QuotaRow]) -> list[dict]:
    return [
        {
            "category": r.category,
            "value": r.value,
            "min": r.minimum,
            "max": r.maximum,
            "in_pool": r.in_pool,
            "population_share": r.population_share,
        }
        for r in rows
    ]


def cmd_quotas(args: argparse.Namespace) -> int:
    changing = args.census or args.set or args.category or args.remove
    opener = open_for_writing if changing else open_for_reading
    with opener(args.path) as ws, ws.session() as session:
        panel_id = P.find_panel(session, args.jury)
        for name in args.category or ():
            P.set_category(session, panel_id, P.find_category(session, name).id)
        for name in args.census or ():
            category = P.find_category(session, name)
            P.quotas_from_census(session, panel_id, category.id, args.tolerance)
        for category_name, value_name, low, high in args.set or ():
            category = P.find_category(session, category_name)
            value = P.find_value(category, value_name)
            try:
                low_n, high_n = int(low), int(high)
            except ValueError:
                raise AtelierError(_("The minimum and maximum must be whole numbers.")) from None
            P.set_quota(session, panel_id, value.id, low_n, high_n)
        for name in args.remove or ():
            P.remove_category(session, panel_id, P.find_category(session, name).id)
        rows = P.quota_rows(session, panel_id)
    if args.json:
        print_json(_quota_document(rows))
        return 0
    if not rows:
        print(_("No quota yet: add a category with --category or --census."))
    current = None
    for r in rows:
        if r.category != current:
            current = r.category
            print(r.category)
        share = "" if r.population_share is None else f"  ({_percent(r.population_share)})"
        print(
            "  "
            + _("{value}: {min}–{max} ({n} in the pool)").format(
                value=r.value, min=r.minimum, max=r.maximum, n=r.in_pool
            )
            + share
        )
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    opener = open_for_writing if args.accept_relaxation else open_for_reading
    with opener(args.path) as ws, ws.session() as session:
        panel_id = P.find_panel(session, args.jury)
        found = P.check_feasibility(session, panel_id)
        accepted = False
        if args.accept_relaxation and not found.feasible and found.relaxation:
            P.accept_relaxation(session, panel_id, found.relaxation)
            accepted = True
    if args.json:
        print_json(
            {
                "feasible": found.feasible,
                "problems": found.problems,
                "notes": found.notes,
                "relaxation": [change.describe() for change in found.relaxation or []],
                "accepted": accepted,
            }
        )
        return 0 if found.feasible or accepted else 1
    if found.feasible:
        print(_("The quotas can be met."))
    else:
        print(_("The quotas cannot be met:"))
        for problem in found.problems:
            print("  - " + problem)
        if found.relaxation:
            print(_("Smallest change that makes them feasible:"))
            for change in found.relaxation:
                print("  * " + change.describe())
            if accepted:
                print(_("Accepted: the quotas were changed."))
            else:
                print(_("Run again with --accept-relaxation to apply it."))
    for note in found.notes:
        print(_("Note: {note}").format(note=note))
    return 0 if found.feasible or accepted else 1


def _print_result(result: P.DrawResult) -> None:
    print(
        _("Seed: {seed} · algorithm: {algorithm}").format(
            seed=result.seed, algorithm=result.algorithm
        )
    )
    print(_("Selected:"))
    for seat in result.selected:
        mark = "" if seat.status == "active" else "  [" + _("declined") + "]"
        values = ", ".join(seat.features.values())
        print(f"  {seat.code}  {seat.name}  ({values})  p = {seat.probability:.3f}{mark}")
    if result.alternates:
        print(_("Alternates, in order:"))
        for seat in result.alternates:
            mark = "" if seat.status == "active" else "  [" + _("called") + "]"
            print(f"  {seat.position + 1}. {seat.code}  {seat.name}{mark}")
    print(
        _(
            "Selection probabilities: min {min}, max {max}; {n} people below half of "
            "size/pool ({ratio})."
        ).format(
            min=_percent(result.min_probability),
            max=_percent(result.max_probability),
            n=result.below_half_ratio,
            ratio=_percent(result.ratio),
        )
    )
    print(_("Pool hash: {h}").format(h=result.instance_hash))
    print(
        _("Distribution hash: {h} ({n} panels)").format(
            h=result.distribution_hash, n=result.panels_in_distribution
        )
    )


def _result_document(result: P.DrawResult) -> dict:
    def seat(s: P.Seat) -> dict:
        return {
            "code": s.code,
            "name": s.name,
            "status": s.status,
            "probability": s.probability,
            "features": s.features,
            "replaces": s.replaces,
        }

    return {
        "jury": str(result.panel_id),
        "seed": result.seed,
        "algorithm": result.algorithm,
        "selected": [seat(s) for s in result.selected],
        "alternates": [seat(s) for s in result.alternates],
        "min_probability": result.min_probability,
        "max_probability": result.max_probability,
        "below_half_ratio": result.below_half_ratio,
        "ratio": result.ratio,
        "instance_sha256": result.instance_hash,
        "distribution_sha256": result.distribution_hash,
        "panels": result.panels_in_distribution,
    }


def cmd_draw(args: argparse.Namespace) -> int:
    with open_for_writing(args.path) as ws, ws.session() as session:
        panel_id = P.find_panel(session, args.jury)
        result = P.draw_panel(
            session, panel_id, args.seed, progress=TextProgress(_("Computing the lottery"))
        )
    if args.json:
        print_json(_result_document(result))
    else:
        _print_result(result)
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    with open_for_reading(args.path) as ws, ws.session() as session:
        result = P.draw_result(session, P.find_panel(session, args.jury))
    if args.csv:
        rows = P.panel_rows(result)
        write_csv(str(args.csv), rows[0], rows[1:])
    if args.json:
        print_json(_result_document(result))
    elif not args.csv or str(args.csv) != "-":
        _print_result(result)
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    with open_for_reading(args.path) as ws, ws.session() as session:
        found = P.verify_panel(session, P.find_panel(session, args.jury))
    if args.json:
        print_json(
            {
                "matches": found.matches,
                "instance_hash_ok": found.instance_hash_ok,
                "distribution_hash_ok": found.distribution_hash_ok,
                "recomputed": found.recomputed,
                "recorded": found.recorded,
            }
        )
    elif found.matches:
        print(_("Verified: the recorded distribution and seed give the same panel."))
    else:
        print(_("NOT verified: the recomputed panel differs from the record."))
        if not found.instance_hash_ok:
            print("  - " + _("the pool and quotas no longer match their recorded hash"))
        if not found.distribution_hash_ok:
            print("  - " + _("the distribution no longer matches its recorded hash"))
    return 0 if found.matches else 1


def cmd_decline(args: argparse.Namespace) -> int:
    with open_for_writing(args.path) as ws, ws.session() as session:
        panel_id = P.find_panel(session, args.jury)
        outcome = P.decline(session, panel_id, find_participant(session, args.participant))
    if args.json:
        print_json(
            {
                "declined": outcome.declined,
                "replaced_by": outcome.replaced_by,
                "from_reserve": outcome.from_reserve,
            }
        )
    elif outcome.replaced_by is None:
        print(
            _(
                "{code} declined. Nobody can take the seat without breaking a quota or the "
                "household rule: the seat stays empty."
            ).format(code=outcome.declined)
        )
    else:
        print(
            _("{code} declined; {other} takes the seat ({source}).").format(
                code=outcome.declined,
                other=outcome.replaced_by,
                source=_("from the reserve list") if outcome.from_reserve else _("from the pool"),
            )
        )
    return 0


def cmd_volunteers(args: argparse.Namespace) -> int:
    changing = bool(args.add or args.withdraw)
    opener = open_for_writing if changing else open_for_reading
    with opener(args.path) as ws, ws.session() as session:
        process_id = find_process(session, args.process)
        changed = 0
        if args.add:
            people = [find_participant(session, code) for code in args.add]
            changed += P.set_volunteers(session, process_id, people, True)
        if args.withdraw:
            people = [find_participant(session, code) for code in args.withdraw]
            changed += P.set_volunteers(session, process_id, people, False)
        rows = [r for r in P.registrations(session, process_id) if r.volunteer]
    if args.json:
        print_json(
            {"changed": changed, "volunteers": [{"code": r.code, "name": r.name} for r in rows]}
        )
        return 0
    for r in rows:
        print(f"{r.code}  {r.name}")
    print(ngettext("{n} volunteer.", "{n} volunteers.", len(rows)).format(n=len(rows)))
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    def verb(name, help_text, func, *, jury=True):
        parser = subparsers.add_parser(name, help=help_text, description=help_text)
        parser.add_argument("path", type=Path, metavar="PATH", help=_("workspace file (.atelier)"))
        if jury:
            parser.add_argument("jury", metavar="JURY", help=_("the citizen jury (id or title)"))
        parser.add_argument("--json", action="store_true", help=_("print a JSON document"))
        parser.set_defaults(func=func)
        return parser

    create = verb(
        "create", _("create a citizen jury (draft) for a process"), cmd_create, jury=False
    )
    create.add_argument("--process", required=True, help=_("the process (id or title)"))
    create.add_argument("--title", required=True, help=_("the jury's title"))
    create.add_argument("--size", required=True, type=int, help=_("how many seats"))
    create.add_argument("--alternates", type=int, default=0, help=_("length of the reserve list"))
    create.add_argument(
        "--algorithm",
        choices=PANEL_ALGORITHMS,
        default="leximin",
        help=_("how to draw: leximin (fairest) or legacy (greedy)"),
    )
    create.add_argument(
        "--no-household-rule", action="store_true", help=_("allow several people of one household")
    )
    verb("list", _("list the citizen juries"), cmd_list, jury=False)
    volunteers = verb(
        "volunteers",
        _("list, add or withdraw the volunteers for a process's citizen juries"),
        cmd_volunteers,
        jury=False,
    )
    volunteers.add_argument("--process", required=True, help=_("the process (id or title)"))
    volunteers.add_argument("--add", nargs="+", metavar="CODE", help=_("volunteers to add"))
    volunteers.add_argument(
        "--withdraw", nargs="+", metavar="CODE", help=_("volunteers who withdraw")
    )
    quotas = verb("quotas", _("show or set a jury's quotas"), cmd_quotas)
    quotas.add_argument(
        "--category",
        action="append",
        metavar="NAME",
        help=_("add a category's values (0 to size each)"),
    )
    quotas.add_argument(
        "--census",
        action="append",
        metavar="NAME",
        help=_("quotas of a category from its census shares"),
    )
    quotas.add_argument(
        "--tolerance",
        type=float,
        default=1.0,
        help=_("seats either side of the census target (default 1)"),
    )
    quotas.add_argument(
        "--set",
        nargs=4,
        action="append",
        metavar=("CATEGORY", "VALUE", "MIN", "MAX"),
        help=_("set one quota"),
    )
    quotas.add_argument(
        "--remove", action="append", metavar="NAME", help=_("remove a category's quotas")
    )
    check = verb(
        "check", _("can the quotas be met? If not, why, and the smallest change"), cmd_check
    )
    check.add_argument(
        "--accept-relaxation",
        action="store_true",
        help=_("apply the proposed smallest change to the quotas"),
    )
    draw = verb("draw", _("draw the jury by lot (the seed is recorded)"), cmd_draw)
    draw.add_argument(
        "--seed",
        required=True,
        help=_("a public random value: dice rolled in the room, a lottery result"),
    )
    show = verb("show", _("the drawn jury, its reserve list and the probabilities"), cmd_show)
    show.add_argument("--csv", type=Path, metavar="FILE", help=_("write the jury to a CSV file"))
    verb("verify", _("recompute the draw from the recorded distribution and seed"), cmd_verify)
    decline = verb("decline", _("a selected person declines: seat the replacement"), cmd_decline)
    decline.add_argument("--participant", required=True, help=_("who declines (badge code)"))
