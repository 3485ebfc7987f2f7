"""``atelier volunteers``: co-delivery volunteers, missions, hours and the value of citizen time.

Processes, volunteers (code, id or name), missions and actions are named by their id or a
unique beginning of their title or name (accents and case ignored)::

    atelier volunteers list WS [--process P] [--csv FILE]
    atelier volunteers add WS --process P (--participant CODE | --name NAME) [--skills S]
        [--days mon,wed] [--hours-per-week N] [--charter-date DAY --charter-version V]
    atelier volunteers training WS VOLUNTEER --title T [--date DAY] [--hours H]
    atelier volunteers remove WS VOLUNTEER
    atelier volunteers missions WS [--process P] [--action A] [--csv FILE]
    atelier volunteers add-mission WS --process P --title T [--action A] [--wanted N] ...
    atelier volunteers assign WS MISSION VOLUNTEER [--hours-per-week N] [--signed-up]
    atelier volunteers log-hours WS MISSION --date DAY --volunteer V --hours H
        [--volunteer V --hours H ...] [--confirm-outside]
    atelier volunteers import-hours WS FILE.csv [--confirm-outside]
    atelier volunteers hours WS [--by mission|action|volunteer|month] [--process P]
        [--from DAY --to DAY] [--csv FILE]
    atelier volunteers helped WS MISSION --from DAY --to DAY --count N [--category C]
    atelier volunteers cost WS MISSION --kind K --amount A [--date DAY]
    atelier volunteers hourly-value WS [--set V --source S]
    atelier volunteers saving WS ACTION --amount A --source S [--from DAY --to DAY]
    atelier volunteers summary WS [--action A | --process P] [--from DAY --to DAY] [--json]
        [--csv FILE]

CSV files are UTF-8 with a byte-order mark and ``;``; ``--csv -`` writes to standard output.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from app.commands.common import open_for_reading, open_for_writing, print_json, write_csv
from app.commands.processes import parse_day
from app.errors import AtelierError
from app.facilitation import actions as A
from app.facilitation import citizen_time as T
from app.facilitation import missions as M
from app.facilitation import sessions as S
from app.facilitation import timesheets as TS
from app.facilitation import volunteers as V
from app.facilitation.participants import find_participant
from app.i18n import _, ngettext
from app.models.codelivery import SUPPORT_COST_KINDS


def _day(value) -> str:
    return value.isoformat() if value else ""


def _blank(value) -> object:
    return "" if value is None else value


def _written(args: argparse.Namespace) -> None:
    if getattr(args, "csv", None) and args.csv != "-" and not args.json:
        print(_("Written to {path}").format(path=args.csv))


def _process(session, args) -> object:
    return S.find_process(session, args.process) if getattr(args, "process", None) else None


# --------------------------------------------------------------------------- volunteers

VOLUNTEER_HEADER = [
    "id",
    "name",
    "code",
    "skills",
    "available_days",
    "hours_per_week",
    "charter_signed_on",
    "charter_version",
    "active",
    "trainings",
    "training_hours",
    "missions",
    "hours",
]


def cmd_list(args: argparse.Namespace) -> int:
    with open_for_reading(args.path) as ws, ws.session() as session:
        rows = V.list_volunteers(session, _process(session, args), search=args.search or "")
    if args.csv:
        write_csv(
            args.csv,
            VOLUNTEER_HEADER,
            [
                [
                    v.id,
                    v.name,
                    v.code or "",
                    ", ".join(v.skills),
                    ",".join(v.available_days),
                    _blank(v.hours_per_week),
                    _day(v.charter_signed_on),
                    v.charter_version or "",
                    int(v.active),
                    v.trainings,
                    v.training_hours,
                    v.missions,
                    v.hours,
                ]
                for v in rows
            ],
        )
    if args.json:
        print_json({"volunteers": [v.as_dict() for v in rows]})
    elif args.csv != "-":
        if not rows:
            print(_("No volunteer yet."))
        for v in rows:
            state = "" if v.active else _(" (inactive)")
            print(
                _("{name}{state} — {hours:g} h given, {missions} — {id}").format(
                    name=v.name,
                    state=state,
                    hours=v.hours,
                    missions=ngettext("{n} mission", "{n} missions", v.missions).format(
                        n=v.missions
                    ),
                    id=v.id,
                )
            )
        _written(args)
    return 0


def cmd_add(args: argparse.Namespace) -> int:
    if bool(args.participant) == bool(args.name):
        raise AtelierError(_("Give either --participant or --name."))
    with open_for_writing(args.path) as ws, ws.session() as session:
        data = V.VolunteerData(
            process_id=S.find_process(session, args.process),
            participant_id=find_participant(session, args.participant)
            if args.participant
            else None,
            name=args.name or "",
            skills=V.parse_skills(args.skills),
            available_days=V.parse_days(args.days),
            hours_per_week=args.hours_per_week,
            charter_signed_on=parse_day(args.charter_date),
            charter_version=args.charter_version,
            notes=args.notes,
        )
        info = V.create_volunteer(session, data)
    if args.json:
        print_json(info.as_dict())
    else:
        print(_("{name} is now a volunteer ({id}).").format(name=info.name, id=info.id))
    return 0


def cmd_training(args: argparse.Namespace) -> int:
    with open_for_writing(args.path) as ws, ws.session() as session:
        volunteer_id = V.find_volunteer(session, args.volunteer)
        info = V.add_training(
            session, volunteer_id, V.TrainingData(args.title, parse_day(args.date), args.hours)
        )
    if args.json:
        print_json(info.as_dict())
    else:
        print(_("Training “{title}” recorded.").format(title=info.title))
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    with open_for_writing(args.path) as ws, ws.session() as session:
        removed = V.remove_volunteer(session, V.find_volunteer(session, args.volunteer))
    if args.json:
        print_json({"id": str(removed.id), "name": removed.name, "hours_kept": removed.hours_kept})
    else:
        print(
            _("{name} is no longer a volunteer; their {hours:g} hours stay counted.").format(
                name=removed.name, hours=removed.hours_kept
            )
        )
    return 0


# --------------------------------------------------------------------------- missions

MISSION_HEADER = [
    "id",
    "title",
    "action",
    "place",
    "skills",
    "volunteers_wanted",
    "volunteers",
    "starts_on",
    "ends_on",
    "hours",
]


def cmd_missions(args: argparse.Namespace) -> int:
    with open_for_reading(args.path) as ws, ws.session() as session:
        action_id = A.find_action(session, None, args.action) if args.action else None
        rows = M.list_missions(session, _process(session, args), action_id=action_id)
    if args.csv:
        write_csv(
            args.csv,
            MISSION_HEADER,
            [
                [
                    m.id,
                    m.title,
                    m.action_title or "",
                    m.place or "",
                    ", ".join(m.skills),
                    _blank(m.volunteers_wanted),
                    m.volunteers,
                    _day(m.starts_on),
                    _day(m.ends_on),
                    m.hours,
                ]
                for m in rows
            ],
        )
    if args.json:
        print_json({"missions": [m.as_dict() for m in rows]})
    elif args.csv != "-":
        if not rows:
            print(_("No mission yet."))
        for m in rows:
            span = f"{_day(m.starts_on) or '…'} → {_day(m.ends_on) or '…'}"
            wanted = f"/{m.volunteers_wanted}" if m.volunteers_wanted else ""
            print(
                _("{title} ({span}) — {n}{wanted} volunteers, {hours:g} h — {id}").format(
                    title=m.title, span=span, n=m.volunteers, wanted=wanted, hours=m.hours, id=m.id
                )
            )
        _written(args)
    return 0


def cmd_add_mission(args: argparse.Namespace) -> int:
    with open_for_writing(args.path) as ws, ws.session() as session:
        data = M.MissionData(
            process_id=S.find_process(session, args.process),
            action_id=A.find_action(session, None, args.action) if args.action else None,
            title=args.title,
            description=args.description,
            place=args.place,
            skills=V.parse_skills(args.skills),
            volunteers_wanted=args.wanted,
            starts_on=parse_day(args.start),
            ends_on=parse_day(args.end),
        )
        info = M.create_mission(session, data)
    if args.json:
        print_json(info.as_dict())
    else:
        print(_("Created the mission “{title}” ({id}).").format(title=info.title, id=info.id))
    return 0


def cmd_assign(args: argparse.Namespace) -> int:
    with open_for_writing(args.path) as ws, ws.session() as session:
        mission_id = M.find_mission(session, args.mission)
        volunteer_id = V.find_volunteer(session, args.volunteer)
        done = M.assign(
            session,
            mission_id,
            volunteer_id,
            hours_per_week=args.hours_per_week,
            signed_up=args.signed_up,
        )
    if args.json:
        print_json({**done.assignment.as_dict(), "warnings": list(done.warnings)})
    else:
        print(
            _("{name} is on the mission “{title}”.").format(
                name=done.assignment.volunteer_name, title=done.assignment.mission_title
            )
        )
        for warning in done.warnings:
            print(_("Warning: {text}").format(text=warning))
    return 0


# --------------------------------------------------------------------------- hours


def _saved(args: argparse.Namespace, result: TS.TimesheetResult) -> int:
    if args.json:
        print_json(
            {"saved": result.saved, "hours": result.hours, "outside_span": result.outside_span}
        )
    else:
        print(result.message())
    return 0


def cmd_log_hours(args: argparse.Namespace) -> int:
    volunteers, hours = args.volunteer or [], args.hours or []
    if not volunteers or len(volunteers) != len(hours):
        raise AtelierError(_("Give one --hours after each --volunteer."))
    notes = args.note or []
    with open_for_writing(args.path) as ws, ws.session() as session:
        mission_id = M.find_mission(session, args.mission)
        process_id = M.mission_info(session, mission_id).process_id
        rows = [
            (
                V.find_volunteer(session, who, process_id),
                h,
                notes[i] if i < len(notes) else None,
            )
            for i, (who, h) in enumerate(zip(volunteers, hours, strict=True))
        ]
        result = TS.record_group_timesheet(
            session,
            mission_id,
            parse_day(args.date),
            rows,
            confirm_outside=args.confirm_outside,
        )
    return _saved(args, result)


def cmd_import_hours(args: argparse.Namespace) -> int:
    with open_for_writing(args.path) as ws, ws.session() as session:
        result = TS.import_timesheet_csv(session, args.file, confirm_outside=args.confirm_outside)
    return _saved(args, result)


HOURS_HEADER = ["group", "key", "label", "hours", "entries", "volunteers"]


def cmd_hours(args: argparse.Namespace) -> int:
    with open_for_reading(args.path) as ws, ws.session() as session:
        rows = T.hours_by(
            session,
            group=args.by,
            process_id=_process(session, args),
            start=parse_day(args.start),
            end=parse_day(args.end),
        )
    if args.csv:
        write_csv(
            args.csv,
            HOURS_HEADER,
            [[args.by, _blank(r.key), r.label, r.hours, r.entries, r.volunteers] for r in rows],
        )
    if args.json:
        print_json({"group": args.by, "rows": [r.as_dict() for r in rows]})
    elif args.csv != "-":
        if not rows:
            print(_("No hours recorded yet."))
        for r in rows:
            print(f"{r.hours:>10g} h  {r.label}")
        if rows:
            print(_("Total: {hours:g} h").format(hours=sum(r.hours for r in rows)))
        _written(args)
    return 0


def cmd_helped(args: argparse.Namespace) -> int:
    with open_for_writing(args.path) as ws, ws.session() as session:
        info = M.add_people_helped(
            session,
            M.find_mission(session, args.mission),
            parse_day(args.start),
            parse_day(args.end),
            args.count,
            category=args.category,
        )
    if args.json:
        print_json(info.as_dict())
    else:
        print(
            ngettext(
                "{n} person helped recorded.", "{n} people helped recorded.", info.count
            ).format(n=info.count)
        )
    return 0


def cmd_cost(args: argparse.Namespace) -> int:
    with open_for_writing(args.path) as ws, ws.session() as session:
        info = M.add_support_cost(
            session,
            M.find_mission(session, args.mission),
            args.kind,
            args.amount,
            incurred_on=parse_day(args.date),
            note=args.note,
        )
    if args.json:
        print_json(info.as_dict())
    else:
        print(
            _("Cost recorded: {kind}, {amount:g} €.").format(
                kind=M.cost_kind_label(info.kind), amount=info.amount
            )
        )
    return 0


def cmd_hourly_value(args: argparse.Namespace) -> int:
    if args.set is not None:
        with open_for_writing(args.path) as ws, ws.session() as session:
            value = T.set_hourly_value(session, args.set, args.source)
    else:
        with open_for_reading(args.path) as ws, ws.session() as session:
            value = T.hourly_value(session)
    if args.json:
        print_json(value.as_dict())
    elif value.value is None:
        print(_("No reference hourly value yet (set one with --set V --source S)."))
    else:
        print(
            _("Reference hourly value: {value:g} € ({source}).").format(
                value=value.value, source=value.source or "—"
            )
        )
    return 0


def cmd_saving(args: argparse.Namespace) -> int:
    with open_for_writing(args.path) as ws, ws.session() as session:
        info = T.add_saving(
            session,
            A.find_action(session, None, args.action),
            args.amount,
            args.source,
            period_start=parse_day(args.start),
            period_end=parse_day(args.end),
            note=args.note,
        )
    if args.json:
        print_json(info.as_dict())
    else:
        print(_("Estimated saving recorded: {amount:g} €.").format(amount=info.amount))
    return 0


SUMMARY_HEADER = [
    "scope",
    "id",
    "title",
    "from",
    "to",
    "missions",
    "hours",
    "entries",
    "volunteers",
    "hourly_value",
    "time_value",
    "people_helped",
    *[f"costs_{kind}" for kind in SUPPORT_COST_KINDS],
    "costs",
    "savings",
    "balance",
    "ratio",
    "savings_sources",
]


def _summary_row(s: T.CitizenTimeSummary) -> list[object]:
    return [
        s.scope,
        s.id,
        s.title,
        _day(s.start),
        _day(s.end),
        s.missions,
        s.hours,
        s.entries,
        s.volunteers,
        _blank(s.hourly_value),
        _blank(s.time_value),
        s.people_helped,
        *[s.costs_by_kind.get(kind, 0.0) for kind in SUPPORT_COST_KINDS],
        s.costs,
        s.savings_total,
        s.balance,
        _blank(s.ratio),
        " | ".join(x.source for x in s.savings),
    ]


def _print_summary(s: T.CitizenTimeSummary) -> None:
    print(f"{s.title}")
    print(
        "  "
        + _("Hours given: {hours:g} ({volunteers} volunteers, {missions} missions)").format(
            hours=s.hours, volunteers=s.volunteers, missions=s.missions
        )
    )
    if s.time_value is not None:
        print(
            "  "
            + _("Value of citizen time: {value:,.0f} € ({rate:g} €/h, {source})").format(
                value=s.time_value, rate=s.hourly_value, source=s.hourly_value_source or "—"
            )
        )
    if s.people_helped:
        detail = ", ".join(f"{k or _('other')}: {n}" for k, n in s.people_by_category.items())
        print("  " + _("People helped: {n} ({detail})").format(n=s.people_helped, detail=detail))
    costs = ", ".join(f"{M.cost_kind_label(k)} {v:,.0f} €" for k, v in s.costs_by_kind.items())
    print(
        "  "
        + _("Support costs: {total:,.0f} €").format(total=s.costs)
        + (f" ({costs})" if costs else "")
    )
    print("  " + _("Estimated savings: {total:,.0f} €").format(total=s.savings_total))
    for saving in s.savings:
        print(f"    {saving.amount:,.0f} € — {saving.source}")
    ratio = f" (×{s.ratio:.2f})" if s.ratio is not None else ""
    print("  " + _("Savings against costs: {balance:+,.0f} €").format(balance=s.balance) + ratio)


def cmd_summary(args: argparse.Namespace) -> int:
    if args.action and args.process:
        raise AtelierError(_("Give either --action or --process, not both."))
    start, end = parse_day(args.start), parse_day(args.end)
    with open_for_reading(args.path) as ws, ws.session() as session:
        if args.action:
            rows = [
                T.action_summary(session, A.find_action(session, None, args.action), start, end)
            ]
        else:
            process_id = _process(session, args)
            rows = T.action_summaries(session, process_id=process_id, start=start, end=end)
            if process_id is not None:
                rows.append(T.process_summary(session, process_id, start, end))
    if args.csv:
        write_csv(args.csv, SUMMARY_HEADER, [_summary_row(s) for s in rows])
    if args.json:
        print_json({"summaries": [s.as_dict() for s in rows]})
    elif args.csv != "-":
        if not rows:
            print(_("No co-delivery yet."))
        for s in rows:
            _print_summary(s)
        _written(args)
    return 0


# --------------------------------------------------------------------------- parsing


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add this module's sub-commands to its group."""

    def verb(name: str, help_text: str, func):
        parser = subparsers.add_parser(name, help=help_text, description=help_text)
        parser.set_defaults(func=func)
        parser.add_argument("path", type=Path, metavar="PATH", help=_("workspace file (.atelier)"))
        parser.add_argument("--json", action="store_true", help=_("print a JSON document"))
        return parser

    def csv_option(parser) -> None:
        parser.add_argument(
            "--csv", metavar="FILE", help=_("also write a CSV file (UTF-8, “;”; - for the screen)")
        )

    def process_option(parser, required: bool = False) -> None:
        parser.add_argument(
            "--process",
            required=required,
            metavar="PROCESS",
            help=_("the process (id or title prefix)"),
        )

    def mission_arg(parser) -> None:
        parser.add_argument("mission", metavar="MISSION", help=_("the mission: id or title prefix"))

    def period(parser) -> None:
        parser.add_argument("--from", dest="start", metavar="DAY", help=_("from this day"))
        parser.add_argument("--to", dest="end", metavar="DAY", help=_("to this day"))

    listing = verb("list", _("list the volunteers"), cmd_list)
    process_option(listing)
    listing.add_argument("--search", help=_("only names, codes or skills with these words"))
    csv_option(listing)

    add = verb("add", _("mark a participant (or a person by name) as a volunteer"), cmd_add)
    process_option(add, required=True)
    add.add_argument("--participant", metavar="CODE", help=_("a participant (code or id)"))
    add.add_argument("--name", help=_("the name of a person not in the registry"))
    add.add_argument("--skills", help=_("skills, separated by commas"))
    add.add_argument("--days", help=_("days available: mon,wed,sat"))
    add.add_argument("--hours-per-week", metavar="N", help=_("hours a week offered"))
    add.add_argument("--charter-date", metavar="DAY", help=_("day the charter was signed"))
    add.add_argument("--charter-version", metavar="V", help=_("version of the charter signed"))
    add.add_argument("--notes", help=_("a note"))

    training = verb("training", _("record a training a volunteer followed"), cmd_training)
    training.add_argument("volunteer", metavar="VOLUNTEER", help=_("code, id or name"))
    training.add_argument("--title", required=True, help=_("title of the training"))
    training.add_argument("--date", metavar="DAY", help=_("day of the training"))
    training.add_argument("--hours", help=_("length in hours"))

    remove = verb("remove", _("remove a volunteer (their hours stay counted)"), cmd_remove)
    remove.add_argument("volunteer", metavar="VOLUNTEER", help=_("code, id or name"))

    missions = verb("missions", _("list the missions"), cmd_missions)
    process_option(missions)
    missions.add_argument("--action", metavar="ACTION", help=_("only this action's missions"))
    csv_option(missions)

    add_mission = verb("add-mission", _("create a mission"), cmd_add_mission)
    process_option(add_mission, required=True)
    add_mission.add_argument("--title", required=True, help=_("title of the mission"))
    add_mission.add_argument(
        "--action", metavar="ACTION", help=_("the committee action it carries out")
    )
    add_mission.add_argument("--description", help=_("what the volunteers do"))
    add_mission.add_argument("--place", help=_("where it takes place"))
    add_mission.add_argument("--skills", help=_("skills needed, separated by commas"))
    add_mission.add_argument("--wanted", metavar="N", default=1, help=_("volunteers wanted"))
    add_mission.add_argument("--start", metavar="DAY", help=_("first day"))
    add_mission.add_argument("--end", metavar="DAY", help=_("last day"))

    assign = verb("assign", _("put a volunteer on a mission"), cmd_assign)
    mission_arg(assign)
    assign.add_argument("volunteer", metavar="VOLUNTEER", help=_("code, id or name"))
    assign.add_argument("--hours-per-week", metavar="N", help=_("hours a week planned"))
    assign.add_argument(
        "--signed-up", action="store_true", help=_("the volunteer signed up themselves")
    )

    log = verb("log-hours", _("record hours given to a mission on one day"), cmd_log_hours)
    mission_arg(log)
    log.add_argument("--date", required=True, metavar="DAY", help=_("day of the activity"))
    log.add_argument(
        "--volunteer",
        action="append",
        metavar="V",
        help=_("a volunteer (code, id or name); repeat with --hours for a group"),
    )
    log.add_argument(
        "--hours", action="append", metavar="H", help=_("hours of the volunteer before")
    )
    log.add_argument("--note", action="append", help=_("a note (in the volunteers' order)"))
    log.add_argument(
        "--confirm-outside",
        action="store_true",
        help=_("record it even outside the mission's span"),
    )

    imp = verb("import-hours", _("import hours from a CSV file (all or nothing)"), cmd_import_hours)
    imp.add_argument("file", type=Path, metavar="FILE", help=_("volunteer;mission;date;hours"))
    imp.add_argument(
        "--confirm-outside",
        action="store_true",
        help=_("record lines even outside their mission's span"),
    )

    hours = verb("hours", _("total hours by mission, action, volunteer or month"), cmd_hours)
    hours.add_argument("--by", choices=T.GROUPS, default="mission", help=_("grouping"))
    process_option(hours)
    period(hours)
    csv_option(hours)

    helped = verb("helped", _("record people a mission helped"), cmd_helped)
    mission_arg(helped)
    helped.add_argument("--from", dest="start", required=True, metavar="DAY", help=_("from"))
    helped.add_argument("--to", dest="end", required=True, metavar="DAY", help=_("to"))
    helped.add_argument("--count", required=True, help=_("how many people"))
    helped.add_argument("--category", help=_("families, young people…"))

    cost = verb("cost", _("record a support cost of a mission"), cmd_cost)
    mission_arg(cost)
    cost.add_argument("--kind", choices=SUPPORT_COST_KINDS, default="other", help=_("kind"))
    cost.add_argument("--amount", required=True, help=_("amount in euros"))
    cost.add_argument("--date", metavar="DAY", help=_("day incurred (default: today)"))
    cost.add_argument("--note", help=_("a note"))

    value = verb("hourly-value", _("show or set the reference hourly value"), cmd_hourly_value)
    value.add_argument("--set", metavar="V", help=_("euros per hour of citizen time"))
    value.add_argument("--source", help=_("where the value comes from"))

    saving = verb("saving", _("record an estimated saving of an action"), cmd_saving)
    saving.add_argument("action", metavar="ACTION", help=_("the action: id or title prefix"))
    saving.add_argument("--amount", required=True, help=_("amount in euros"))
    saving.add_argument("--source", required=True, help=_("where the estimate comes from"))
    period(saving)
    saving.add_argument("--note", help=_("a note"))

    summary = verb("summary", _("savings against costs, hours and their value"), cmd_summary)
    summary.add_argument("--action", metavar="ACTION", help=_("one action"))
    process_option(summary)
    period(summary)
    csv_option(summary)
