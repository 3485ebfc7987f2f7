"""``atelier vote``: a vote's life from the command line (create, open, cast, close, tally).

Votes are named by their id. Ballots are typed as JSON in the method's ballot shape:
approval ``[0, 2]``, dots/score/grades ``{"0": 3, "2": 1}``, ranking ``[[2], [0, 1]]``,
proposal ``"yes"``; option numbers start at 0 in the order the options were given.
"""

from __future__ import annotations

import argparse
import json
import uuid
from pathlib import Path

from app import i18n
from app.commands.common import TextProgress, open_for_reading, open_for_writing, print_json
from app.errors import AtelierError
from app.facilitation import vote_files
from app.facilitation import votes as V
from app.facilitation.participants import find_participant
from app.facilitation.sessions import find_session
from app.facilitation.voting import registry
from app.facilitation.voting.base import Result
from app.facilitation.voting.majority_judgment import GRADES_BY_LANGUAGE, default_grades
from app.i18n import _, ngettext


def _json(text: str, what: str):
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise AtelierError(
            _("The {what} is not valid JSON: {reason}").format(what=what, reason=exc.msg)
        ) from None


def _vote_id(text: str) -> uuid.UUID:
    try:
        return uuid.UUID(text)
    except ValueError:
        raise AtelierError(_("“{text}” is not a vote identifier.").format(text=text)) from None


def print_result(result: Result) -> None:
    print(_("Method: {method}").format(method=_(registry.method(result.method).label)))
    print(result.explanation)
    for rank, option in enumerate(result.order, start=1):
        score = result.scores.get(option)
        shown = "" if score is None else f"  {score:g}"
        mark = " *" if option in result.winners else ""
        print(f"{rank:>3}. {result.options[option]}{shown}{mark}")
    print(
        _("Valid: {valid} · blank: {blank} · spoiled: {spoiled}").format(
            valid=result.valid, blank=result.blank, spoiled=result.spoiled
        )
    )
    for tie in result.ties:
        names = ", ".join(result.options[o] for o in tie.order)
        if tie.rule == "draw":
            print(
                _("Tie ({context}) broken by a draw with seed {seed}: {order}").format(
                    context=tie.context, seed=tie.seed, order=names
                )
            )
        else:
            print(
                _("Tie ({context}) broken by the facilitator's decision: {order}").format(
                    context=tie.context, order=names
                )
            )


def _vote_data(args: argparse.Namespace) -> V.VoteData:
    rules = _json(args.rules, _("rules")) if args.rules else {}
    if args.from_file is not None:
        if args.option:
            raise AtelierError(_("Give the options with --option or --from-file, not both."))
        data, _ballots = vote_files.vote_data_from_file(args.from_file, args.method, args.question)
        data.rules.update(rules)
        data.secret, data.eligibility = not args.named, args.eligibility
        return data
    if not args.option or not args.question:
        raise AtelierError(_("Give the question (--question) and the options (--option)."))
    options = [V.OptionData(title) for title in args.option]
    if args.cost:
        if len(args.cost) != len(options):
            raise AtelierError(_("Give one --cost per --option."))
        for option, cost in zip(options, args.cost, strict=True):
            option.cost = cost
    language = i18n.current_language()
    if args.method == "majority_judgment" and language in GRADES_BY_LANGUAGE:
        rules.setdefault("grades", default_grades(language))  # as the app does
    return V.VoteData(
        question=args.question,
        method=args.method,
        options=options,
        rules=rules,
        secret=not args.named,
        eligibility=args.eligibility,
    )


def cmd_list(args: argparse.Namespace) -> int:
    with open_for_reading(args.path) as ws, ws.session() as session:
        session_id = find_session(session, args.session) if args.session else None
        infos = V.list_votes(session, session_id)
    if args.json:
        print_json(
            [
                {
                    "id": str(i.id),
                    "question": i.question,
                    "method": i.method,
                    "status": i.status,
                    "valid": i.counts.valid,
                    "blank": i.counts.blank,
                    "spoiled": i.counts.spoiled,
                }
                for i in infos
            ]
        )
        return 0
    for i in infos:
        print(f"{i.id}  {i.status:<9}  {i.method:<17}  {i.question}")
    if not infos:
        print(_("No votes."))
    return 0


def cmd_import_ballots(args: argparse.Namespace) -> int:
    with open_for_writing(args.path) as ws, ws.session() as session:
        count = vote_files.import_ballots(
            session, _vote_id(args.vote), args.file, progress=TextProgress(_("Importing"))
        )
    if args.json:
        print_json({"vote": args.vote, "imported": count})
    else:
        print(
            ngettext(
                "Imported {n} ballot from {file}.", "Imported {n} ballots from {file}.", count
            ).format(n=count, file=args.file.name)
        )
    return 0


def cmd_export_ballots(args: argparse.Namespace) -> int:
    with open_for_reading(args.path) as ws, ws.session() as session:
        count = vote_files.export_ballots(session, _vote_id(args.vote), args.file)
    if args.json:
        print_json({"vote": args.vote, "exported": count, "file": str(args.file)})
    else:
        print(
            ngettext("Wrote {n} ballot to {file}.", "Wrote {n} ballots to {file}.", count).format(
                n=count, file=args.file
            )
        )
    return 0


def cmd_create(args: argparse.Namespace) -> int:
    data = _vote_data(args)
    with open_for_writing(args.path) as ws, ws.session() as session:
        vote_id = V.create_vote(session, find_session(session, args.session), data)
    if args.json:
        print_json({"vote": str(vote_id)})
    else:
        print(_("Created the vote {id} (draft).").format(id=vote_id))
    return 0


def cmd_open(args: argparse.Namespace) -> int:
    with open_for_writing(args.path) as ws, ws.session() as session:
        seed = V.open_vote(session, _vote_id(args.vote))
    if args.json:
        print_json({"vote": args.vote, "status": "open", "tiebreak_seed": seed})
    else:
        print(_("The vote is open (tie-break seed {seed}, recorded).").format(seed=seed))
    return 0


def cmd_cast(args: argparse.Namespace) -> int:
    status = "blank" if args.blank else "spoiled" if args.spoiled else "valid"
    with open_for_writing(args.path) as ws, ws.session() as session:
        vote_id = _vote_id(args.vote)
        kind = V.ballot_kind(session, vote_id)
        ballot = None
        if status == "valid":
            if args.ballot is None:
                raise AtelierError(_("Give the ballot with --ballot, or --blank or --spoiled."))
            ballot = V.ballot_from_json(kind, _json(args.ballot, _("ballot")))
        voter = find_participant(session, args.voter) if args.voter else None
        V.cast_ballot(
            session, vote_id, ballot, voter_id=voter, status=status, entry=args.entry,
            weight=args.weight,
        )  # fmt: skip
        counts = V.ballot_counts(session, vote_id)
    if args.json:
        print_json({"valid": counts.valid, "blank": counts.blank, "spoiled": counts.spoiled})
    else:
        print(
            _("Recorded. Valid: {valid} · blank: {blank} · spoiled: {spoiled}").format(
                valid=counts.valid, blank=counts.blank, spoiled=counts.spoiled
            )
        )
    return 0


def cmd_close(args: argparse.Namespace) -> int:
    order = [int(x) for x in args.decide.split(",")] if args.decide else None
    with open_for_writing(args.path) as ws, ws.session() as session:
        result = V.close_vote(session, _vote_id(args.vote), decided_order=order)
    if args.json:
        print_json(result.as_dict())
    else:
        print_result(result)
    return 0


def cmd_tally(args: argparse.Namespace) -> int:
    with open_for_reading(args.path) as ws, ws.session() as session:
        vote_id = _vote_id(args.vote)
        frozen = V.frozen_result(session, vote_id)
        result = None if frozen is not None else V.tally(session, vote_id)
    if args.json:
        print_json(frozen if frozen is not None else result.as_dict())
    elif frozen is not None:
        print(_("Result frozen at closing:"))
        for name in frozen["winner_names"]:
            print(f"  * {name}")
        print(json.dumps(frozen["scores"], ensure_ascii=False))
    else:
        print(_("Provisional count (the vote is not closed):"))
        print_result(result)
    return 0


def cmd_publish(args: argparse.Namespace) -> int:
    with open_for_writing(args.path) as ws, ws.session() as session:
        V.publish_vote(session, _vote_id(args.vote))
    print(_("The result is published."))
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    def verb(name, help_text, func, *, vote=True):
        parser = subparsers.add_parser(name, help=help_text, description=help_text)
        parser.add_argument("path", metavar="PATH", help=_("workspace file (.atelier)"))
        if vote:
            parser.add_argument("vote", metavar="VOTE", help=_("the vote's identifier"))
        parser.add_argument("--json", action="store_true", help=_("print a JSON document"))
        parser.set_defaults(func=func)
        return parser

    create = verb("create", _("create a vote (draft) in a session"), cmd_create, vote=False)
    create.add_argument("--session", required=True, help=_("the session (id or title)"))
    create.add_argument("--question", help=_("the question put to the vote"))
    create.add_argument(
        "--method", required=True, choices=sorted(registry.METHODS), help=_("counting method")
    )
    create.add_argument(
        "--option", action="append", metavar="TITLE", help=_("an option (repeat for each)"),
    )  # fmt: skip
    create.add_argument(
        "--from-file", type=Path, metavar="FILE",
        help=_("take the options (and costs, budget) from a PrefLib or pabulib file"),
    )  # fmt: skip
    create.add_argument("--cost", action="append", type=float, help=_("an option's cost"))
    create.add_argument("--rules", help=_('the method\'s rules as JSON, e.g. {"seats": 2}'))
    create.add_argument("--named", action="store_true", help=_("a named (not secret) vote"))
    create.add_argument(
        "--eligibility", choices=("session", "process", "open"), default="session",
        help=_("who may vote: signed in to the session, registered in the process, anyone"),
    )  # fmt: skip
    verb("open", _("open a draft vote"), cmd_open)
    cast = verb("cast", _("record one ballot"), cmd_cast)
    cast.add_argument("--ballot", help=_("the ballot as JSON"))
    cast.add_argument("--voter", help=_("who votes (participant code), marked as having voted"))
    cast.add_argument("--blank", action="store_true", help=_("a blank ballot"))
    cast.add_argument("--spoiled", action="store_true", help=_("a spoiled ballot"))
    cast.add_argument("--entry", choices=("paper", "kiosk", "count"), default="paper",
                      help=_("how the ballot was entered"))  # fmt: skip
    cast.add_argument("--weight", type=int, default=1, help=_("identical ballots (a count)"))
    close = verb("close", _("close the vote and count it once, for the record"), cmd_close)
    close.add_argument(
        "--decide", metavar="ORDER",
        help=_("the facilitator's order for breaking ties, e.g. 2,0,1"),
    )  # fmt: skip
    verb("tally", _("the result (frozen at closing, or a provisional count)"), cmd_tally)
    verb("publish", _("publish a closed vote's result"), cmd_publish)
    listing = verb("list", _("list the votes"), cmd_list, vote=False)
    listing.add_argument("--session", help=_("only this session's votes (id or title)"))
    imported = verb(
        "import-ballots", _("add the ballots of a PrefLib or pabulib file to an open vote"),
        cmd_import_ballots,
    )  # fmt: skip
    exported = verb(
        "export-ballots",
        _("write a closed vote's ballots to a PrefLib (.soc, .soi, .toc, .toi) or pabulib (.pb) "
          "file"),
        cmd_export_ballots,
    )  # fmt: skip
    for parser in (imported, exported):
        parser.add_argument("file", type=Path, metavar="FILE", help=_("the ballot file"))
