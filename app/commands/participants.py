"""``atelier participants …``: the registry headless (list, show, right of access, consents and
their purposes, retention and erasure, duplicates and merge, attribute vocabularies).

Participants are referred to by their badge code (8 letters) or their UUID.
"""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from app.commands.common import TextProgress, open_for_reading, open_for_writing, print_json
from app.errors import AtelierError
from app.i18n import _, ngettext


def _workspace(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", type=Path, metavar="WORKSPACE", help=_("workspace file (.atelier)"))


def _json(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help=_("print a JSON document"))


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            _("“{text}” is not a date (YYYY-MM-DD).").format(text=text)
        ) from None


#: The ways a consent can be given (app.models.CONSENT_METHODS, not imported here so that
#: building the parser does not load the models).
_METHODS = ("paper", "oral", "online")


def _months(text: str) -> int | None:
    """``12`` → 12, ``none`` → None (kept until withdrawn); anything else is wrong usage."""
    if text.strip().lower() == "none":
        return None
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            _("“{text}” is not a number of months (or “none”).").format(text=text)
        ) from None


class _PurposeChange(argparse.Action):
    """``--set CODE MONTHS`` / ``--add CODE LABEL MONTHS``: the last value is a number of months
    or ``none``; a bad one is wrong usage (exit 2), like any argparse type error."""

    def __call__(self, parser, namespace, values, option_string=None) -> None:
        *names, months = values
        try:
            change = (*names, _months(months))
        except argparse.ArgumentTypeError as exc:
            raise argparse.ArgumentError(self, str(exc)) from None
        found = list(getattr(namespace, self.dest) or [])
        found.append(change)
        setattr(namespace, self.dest, found)


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add this module's sub-commands to its group."""
    p = subparsers.add_parser("list", help=_("list participants (filter as in the app)"))
    _workspace(p)
    p.add_argument(
        "--search", default="", metavar="TEXT",
        help=_("words to match: name, email, phone, neighbourhood, stakeholder type"),
    )  # fmt: skip
    p.add_argument("--limit", type=int, default=1000, metavar="N", help=_("show at most N people"))
    _json(p)
    p.set_defaults(func=cmd_list)

    p = subparsers.add_parser("show", help=_("show one participant"))
    _workspace(p)
    p.add_argument("ref", metavar="CODE_OR_ID", help=_("badge code or id of the participant"))
    _json(p)
    p.set_defaults(func=cmd_show)

    p = subparsers.add_parser(
        "access", help=_("everything held about one person (right of access)")
    )
    _workspace(p)
    p.add_argument("ref", metavar="CODE_OR_ID", help=_("badge code or id of the participant"))
    form = p.add_mutually_exclusive_group()
    form.add_argument("--json", action="store_true", help=_("print a JSON document"))
    form.add_argument("--text", action="store_true", help=_("print plain text (the default)"))
    p.set_defaults(func=cmd_access)

    p = subparsers.add_parser("consent", help=_("record a consent a participant gave"))
    _workspace(p)
    p.add_argument("ref", metavar="CODE_OR_ID", help=_("badge code or id of the participant"))
    p.add_argument(
        "purpose", metavar="PURPOSE", help=_("code of the consent purpose (see “purposes”)")
    )
    p.add_argument(
        "--given", type=_day, metavar="YYYY-MM-DD",
        help=_("the day the consent was given (default: today)"),
    )  # fmt: skip
    p.add_argument(
        "--method", choices=_METHODS, default="paper",
        help=_("how it was given (default: paper)"),
    )  # fmt: skip
    p.add_argument("--note", metavar="TEXT", help=_("a note kept with the consent"))
    _json(p)
    p.set_defaults(func=cmd_consent)

    p = subparsers.add_parser(
        "withdraw", help=_("withdraw a participant's current consent for a purpose")
    )
    _workspace(p)
    p.add_argument("ref", metavar="CODE_OR_ID", help=_("badge code or id of the participant"))
    p.add_argument(
        "purpose", metavar="PURPOSE", help=_("code of the consent purpose (see “purposes”)")
    )
    p.add_argument(
        "--on", type=_day, metavar="YYYY-MM-DD",
        help=_("the day it was withdrawn (default: today)"),
    )  # fmt: skip
    _json(p)
    p.set_defaults(func=cmd_withdraw)

    p = subparsers.add_parser(
        "purposes", help=_("list the consent purposes and their retention; change them")
    )
    _workspace(p)
    p.add_argument(
        "--set", dest="set_retention", nargs=2, action=_PurposeChange, default=[],
        metavar=("CODE", "MONTHS"),
        help=_("keep data for this purpose MONTHS months, or “none”: until withdrawn"),
    )  # fmt: skip
    p.add_argument(
        "--add", dest="add_purpose", nargs=3, action=_PurposeChange, default=[],
        metavar=("CODE", "LABEL", "MONTHS"),
        help=_("add a purpose (an empty CODE is made from the label)"),
    )  # fmt: skip
    _json(p)
    p.set_defaults(func=cmd_purposes)

    p = subparsers.add_parser(
        "retention", help=_("list people past their consent's retention period; erase them")
    )
    _workspace(p)
    p.add_argument("--erase", action="store_true", help=_("erase their personal data"))
    p.add_argument("--yes", action="store_true", help=_("confirm the erasure"))
    p.add_argument(
        "--today", type=_day, metavar="YYYY-MM-DD", help=_("the day to check (default: today)")
    )
    _json(p)
    p.set_defaults(func=cmd_retention)

    p = subparsers.add_parser("duplicates", help=_("list likely duplicate records"))
    _workspace(p)
    _json(p)
    p.set_defaults(func=cmd_duplicates)

    p = subparsers.add_parser(
        "merge", help=_("merge a duplicate record into another, keeping its history")
    )
    _workspace(p)
    p.add_argument("keep", metavar="KEEP", help=_("code or id of the record to keep"))
    p.add_argument("other", metavar="OTHER", help=_("code or id of the record merged into it"))
    _json(p)
    p.set_defaults(func=cmd_merge)

    p = subparsers.add_parser(
        "attributes", help=_("list the attribute categories and their allowed values")
    )
    _workspace(p)
    _json(p)
    p.set_defaults(func=cmd_attributes)


# --------------------------------------------------------------------------- verbs


def cmd_list(args: argparse.Namespace) -> int:
    from app.facilitation import labels
    from app.facilitation.participants import count_participants, participant_page

    if args.limit < 0:
        raise AtelierError(_("--limit must be 0 or more."))
    with open_for_reading(args.path) as ws, ws.session() as s:
        total = count_participants(s, args.search)
        rows = participant_page(s, 0, args.limit, search=args.search)
    if args.json:
        print_json(
            {
                "total": total,
                "participants": [
                    {
                        "id": str(r.id),
                        "code": r.code,
                        "last_name": r.last_name,
                        "first_name": r.first_name,
                        "stakeholder_type": r.stakeholder_type,
                        "email": r.email,
                        "phone": r.phone,
                    }
                    for r in rows
                ],
            }
        )
        return 0
    for r in rows:
        name = f"{r.last_name} {r.first_name}".strip()
        kind = labels.stakeholder_type(r.stakeholder_type)
        print(f"{r.code}  {name:<32}  {kind:<24}  {r.email or ''}  {r.phone or ''}".rstrip())
    shown = ngettext("{n} participant", "{n} participants", total).format(n=total)
    if len(rows) < total:
        shown = _("{shown} ({listed} listed)").format(shown=shown, listed=len(rows))
    print(shown)
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    from app.facilitation.participants import find_participant, participant_detail

    with open_for_reading(args.path) as ws, ws.session() as s:
        detail = participant_detail(s, find_participant(s, args.ref))
    data = detail.data
    if args.json:
        print_json(
            {
                "id": str(detail.id),
                "code": detail.code,
                "first_name": data.first_name,
                "last_name": data.last_name,
                "email": data.email,
                "phone": data.phone,
                "postal_address": data.postal_address,
                "household_key": detail.household_key,
                "household_members": detail.household_members,
                "stakeholder_type": data.stakeholder_type,
                "affiliation": data.affiliation,
                "birth_year": data.birth_year,
                "notes": data.notes,
                "attributes": data.attributes,
                "consents": [
                    {
                        "id": str(c.id),
                        "purpose": c.purpose,
                        "given_on": c.given_on.isoformat(),
                        "method": c.method,
                        "withdrawn_on": c.withdrawn_on.isoformat() if c.withdrawn_on else None,
                    }
                    for c in detail.consents
                ],
                "attendance": detail.attendance_count,
                "registrations": detail.registrations,
                "created_at": detail.created_at.isoformat(),
                "updated_at": detail.updated_at.isoformat(),
            }
        )
        return 0
    line = _("{label}: {value}")
    print(f"{data.first_name} {data.last_name}".strip())
    for label, value in (
        (_("Badge code"), detail.code),
        (_("Email"), data.email),
        (_("Phone"), data.phone),
        (_("Postal address"), (data.postal_address or "").replace("\n", ", ")),
        (_("Stakeholder type"), detail.stakeholder_label),
        (_("Organisation"), data.affiliation),
        (_("Birth year"), data.birth_year),
        (_("Notes"), data.notes),
    ):
        if value not in (None, ""):
            print("  " + line.format(label=label, value=value))
    for key, value in data.attributes.items():
        print("  " + line.format(label=key, value=value))
    if detail.household_members:
        print(
            "  "
            + ngettext(
                "{n} other person in the same household",
                "{n} other people in the same household",
                detail.household_members,
            ).format(n=detail.household_members)
        )
    for c in detail.consents:
        text = _("{purpose}: given on {date} ({method})").format(
            purpose=c.purpose_label, date=c.given_on.isoformat(), method=c.method_label
        )
        if c.withdrawn_on:
            text += _("; withdrawn on {date}").format(date=c.withdrawn_on.isoformat())
        print("  " + text)
    print(
        "  "
        + ngettext("attended {n} session", "attended {n} sessions", detail.attendance_count).format(
            n=detail.attendance_count
        )
    )
    return 0


def cmd_access(args: argparse.Namespace) -> int:
    from app.facilitation.consent import access_export, access_text
    from app.facilitation.participants import find_participant

    with open_for_reading(args.path) as ws, ws.session() as s:
        pid = find_participant(s, args.ref)
        if args.json:
            print_json(access_export(s, pid))
        else:
            print(access_text(s, pid), end="")
    return 0


def cmd_consent(args: argparse.Namespace) -> int:
    from app.facilitation.consent import add_consent, consents_of
    from app.facilitation.participants import find_participant

    given = args.given or date.today()
    with open_for_writing(args.path) as ws, ws.session() as s:
        pid = find_participant(s, args.ref)
        cid = add_consent(s, pid, args.purpose, given, args.method, args.note)
        record = next(c for c in consents_of(s, pid) if c.id == cid)
    if args.json:
        print_json(
            {
                "id": str(record.id),
                "participant_id": str(pid),
                "purpose": record.purpose,
                "given_on": record.given_on.isoformat(),
                "method": record.method,
                "note": record.note,
            }
        )
        return 0
    print(
        _("Consent recorded: {purpose}, given on {date} ({method}).").format(
            purpose=record.purpose_label,
            date=record.given_on.isoformat(),
            method=record.method_label,
        )
    )
    return 0


def cmd_withdraw(args: argparse.Namespace) -> int:
    """Withdraw every consent for the purpose that is not withdrawn yet (a person may have
    given the same consent twice); all or nothing."""
    from app.facilitation.consent import consents_of, list_purposes, withdraw_consent
    from app.facilitation.participants import find_participant

    on = args.on or date.today()
    with open_for_writing(args.path) as ws, ws.session() as s:
        pid = find_participant(s, args.ref)
        if args.purpose not in {p.code for p in list_purposes(s)}:
            raise AtelierError(_("There is no consent purpose “{code}”.").format(code=args.purpose))
        current = [
            c for c in consents_of(s, pid) if c.purpose == args.purpose and c.withdrawn_on is None
        ]
        if not current:
            raise AtelierError(
                _(
                    "{ref} has no current consent for “{purpose}” (none was given, or it is "
                    "already withdrawn)."
                ).format(ref=args.ref, purpose=args.purpose)
            )
        later = [c for c in current if c.given_on > on]
        if later:
            raise AtelierError(
                _("This consent was given on {date}; it cannot be withdrawn before.").format(
                    date=later[0].given_on.isoformat()
                )
            )
        for c in current:
            withdraw_consent(s, c.id, on)
        label = current[0].purpose_label
    if args.json:
        print_json(
            {
                "participant_id": str(pid),
                "purpose": args.purpose,
                "withdrawn_on": on.isoformat(),
                "withdrawn": [str(c.id) for c in current],
            }
        )
        return 0
    print(
        ngettext(
            "{n} consent for {purpose} withdrawn on {date}.",
            "{n} consents for {purpose} withdrawn on {date}.",
            len(current),
        ).format(n=len(current), purpose=label, date=on.isoformat())
    )
    return 0


def cmd_purposes(args: argparse.Namespace) -> int:
    from app.facilitation.consent import add_purpose, list_purposes, set_retention

    changing = bool(args.add_purpose or args.set_retention)
    opener = open_for_writing if changing else open_for_reading
    with opener(args.path) as ws, ws.session() as s:
        for code, label, months in args.add_purpose:
            add_purpose(s, code.strip() or None, label, months)
        for code, months in args.set_retention:
            set_retention(s, code, months)
        purposes = list_purposes(s)
    if args.json:
        print_json(
            {
                "purposes": [
                    {
                        "code": p.code,
                        "label": p.label,
                        "retention_months": p.retention_months,
                        "builtin": p.builtin,
                    }
                    for p in purposes
                ]
            }
        )
        return 0
    width = max((len(p.code) for p in purposes), default=0)
    for p in purposes:
        if p.retention_months is None:
            kept = _("until withdrawn")
        else:
            kept = ngettext("{n} month", "{n} months", p.retention_months).format(
                n=p.retention_months
            )
        print(f"{p.code:<{width}}  {p.label:<32}  {kept}")
    return 0


def cmd_retention(args: argparse.Namespace) -> int:
    from app.facilitation.consent import erase_participants, past_retention

    today = args.today or date.today()
    if args.erase and not args.yes:
        raise AtelierError(_("Erasing personal data cannot be undone; add --yes to confirm."))
    opener = open_for_writing if args.erase else open_for_reading
    with opener(args.path) as ws, ws.session() as s:
        cases = past_retention(s, today)
        result = None
        if args.erase and cases:
            progress = TextProgress(_("Erasure"), enabled=not args.json)
            result = erase_participants(s, [c.participant_id for c in cases], progress=progress)
    if args.json:
        print_json(
            {
                "today": today.isoformat(),
                "past_retention": [
                    {
                        "id": str(c.participant_id),
                        "code": c.code,
                        "name": c.name,
                        "last_activity": c.last_activity.isoformat() if c.last_activity else None,
                        "ended_on": c.ended_on.isoformat() if c.ended_on else None,
                        "reason": c.reason,
                    }
                    for c in cases
                ],
                "erased": result.erased if result else 0,
            }
        )
        return 0
    for c in cases:
        print(f"{c.code}  {c.name:<32}  {c.reason}")
    print(
        ngettext(
            "{n} participant past the retention period.",
            "{n} participants past the retention period.",
            len(cases),
        ).format(n=len(cases))
    )
    if result is not None:
        print(result.message())
    return 0


def cmd_duplicates(args: argparse.Namespace) -> int:
    from app.facilitation.duplicates import duplicate_groups
    from app.facilitation.participants import participant_detail

    with open_for_reading(args.path) as ws, ws.session() as s:
        groups = duplicate_groups(s)
        details = [[participant_detail(s, pid) for pid in group] for group in groups]
    if args.json:
        print_json(
            {
                "groups": [
                    [
                        {
                            "id": str(d.id),
                            "code": d.code,
                            "first_name": d.data.first_name,
                            "last_name": d.data.last_name,
                            "email": d.data.email,
                            "phone": d.data.phone,
                            "birth_year": d.data.birth_year,
                        }
                        for d in group
                    ]
                    for group in details
                ]
            }
        )
        return 0
    for group in details:
        for d in group:
            name = f"{d.data.first_name} {d.data.last_name}".strip()
            print(f"{d.code}  {name:<32}  {d.data.email or ''}  {d.data.phone or ''}".rstrip())
        print()
    print(
        ngettext(
            "{n} group of likely duplicates.", "{n} groups of likely duplicates.", len(groups)
        ).format(n=len(groups))
    )
    return 0


def cmd_merge(args: argparse.Namespace) -> int:
    from app.facilitation.duplicates import merge_participants
    from app.facilitation.participants import find_participant

    with open_for_writing(args.path) as ws, ws.session() as s:
        keep = find_participant(s, args.keep)
        other = find_participant(s, args.other)
        result = merge_participants(s, keep, other)
    if args.json:
        print_json(
            {
                "kept": str(result.kept_id),
                "removed": str(result.removed_id),
                "attendance_moved": result.attendance_moved,
                "attendance_merged": result.attendance_merged,
                "registrations_moved": result.registrations_moved,
                "registrations_merged": result.registrations_merged,
                "consents_moved": result.consents_moved,
                "fields_filled": result.fields_filled,
                "attributes_filled": result.attributes_filled,
            }
        )
        return 0
    print(
        _(
            "Merged: {attendance} sign-ins, {registrations} registrations and {consents} "
            "consents moved to the record kept."
        ).format(
            attendance=result.attendance_moved + result.attendance_merged,
            registrations=result.registrations_moved + result.registrations_merged,
            consents=result.consents_moved,
        )
    )
    return 0


def cmd_attributes(args: argparse.Namespace) -> int:
    from app.facilitation.vocabularies import load_vocabularies, value_counts

    with open_for_reading(args.path) as ws, ws.session() as s:
        vocabularies = load_vocabularies(s)
        counts = value_counts(s)
    if args.json:
        print_json(
            {
                "attributes": [
                    {
                        "key": v.key,
                        "label": v.label,
                        "values": [
                            {
                                "value": item.value,
                                "population_share": item.population_share,
                                "participants": counts.get(item.id, 0),
                            }
                            for item in v.values
                        ],
                    }
                    for v in vocabularies.values()
                ]
            }
        )
        return 0
    for v in vocabularies.values():
        print(f"{v.label} ({v.key})")
        for item in v.values:
            share = f"{item.population_share:.0%}" if item.population_share is not None else ""
            print(f"  {item.value:<32} {counts.get(item.id, 0):>6}  {share}".rstrip())
    return 0
