"""``atelier jury eval-…``: evaluation juries (a competition jury) from the command line.

A jury is named by its id or a unique start of its title; members, candidates and criteria by
their name (or a unique start of it), their number in the list (1 = first) or their id.

    atelier jury eval-create WS --process P --title T --scale 0 10
    atelier jury eval-member WS JURY "Claire Dupont" --college elected
    atelier jury eval-member WS JURY --participant ABCDEFGH
    atelier jury eval-candidate WS JURY "Atelier Nord"
    atelier jury eval-criterion WS JURY "Usage" --weight 2
    atelier jury eval-score WS JURY --member M --candidate C --criterion K --score 7
    atelier jury eval-scores WS JURY scores.csv          (all or nothing)
    atelier jury eval-recuse WS JURY --member M --candidate C --reason "works for the firm"
    atelier jury eval-results WS JURY [--csv FILE]
    atelier jury eval-decide WS JURY --decision TEXT
"""

from __future__ import annotations

import argparse
from pathlib import Path

from app.commands.common import open_for_reading, open_for_writing, print_json, write_csv
from app.errors import AtelierError
from app.facilitation import juries as J
from app.facilitation.sessions import find_process
from app.i18n import _, ngettext
from app.models import JURY_COLLEGES


def _number(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise AtelierError(
            _("“{path}” cannot be read: {reason}").format(path=path, reason=exc.strerror)
        ) from None
    except UnicodeDecodeError:
        raise AtelierError(_("“{path}” is not a UTF-8 text file.").format(path=path)) from None


# --------------------------------------------------------------------------- juries


def cmd_create(args: argparse.Namespace) -> int:
    low, high = args.scale
    with open_for_writing(args.path) as ws, ws.session() as session:
        info = J.create_jury(
            session,
            find_process(session, args.process),
            args.title,
            scale_min=low,
            scale_max=high,
            description=args.description,
        )
    if args.json:
        print_json(info.as_dict())
    else:
        print(
            _("Created the evaluation jury “{title}” ({id}).").format(title=info.title, id=info.id)
        )
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    with open_for_reading(args.path) as ws, ws.session() as session:
        process = find_process(session, args.process) if args.process else None
        found = J.list_juries(session, process)
    if args.json:
        print_json([info.as_dict() for info in found])
        return 0
    if not found:
        print(_("No evaluation jury yet."))
    for info in found:
        print(
            _("{title} · {process} · {status} · scale {low}–{high} · members: {m}, "
              "candidates: {c}, criteria: {k} · {id}").format(
                title=info.title, process=info.process_title, status=info.status_label,
                low=info.scale_min, high=info.scale_max, m=info.members, c=info.candidates,
                k=info.criteria, id=info.id,
            )
        )  # fmt: skip
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    with open_for_reading(args.path) as ws, ws.session() as session:
        jury_id = J.find_jury(session, args.jury)
        detail = J.jury_detail(session, jury_id)
        progress = J.completeness(session, jury_id)
    if args.json:
        print_json(
            {
                "jury": detail.info.as_dict(),
                "members": [m.as_dict() for m in detail.members],
                "candidates": [c.as_dict() for c in detail.candidates],
                "criteria": [c.as_dict() for c in detail.criteria],
                "recusals": [
                    {"member": str(r.member_id), "candidate": str(r.candidate_id),
                     "reason": r.reason}
                    for r in detail.recusals
                ],
                "completeness": progress.as_dict(),
            }
        )  # fmt: skip
        return 0
    info = detail.info
    print(f"{info.title} ({info.status_label}, {info.scale_min}–{info.scale_max})")
    print(_("Members:"))
    for i, m in enumerate(detail.members, start=1):
        print(f"  {i}. {m.name} ({m.college_label})")
    print(_("Candidates:"))
    for i, c in enumerate(detail.candidates, start=1):
        print(f"  {i}. {c.name}")
    print(_("Criteria:"))
    for i, c in enumerate(detail.criteria, start=1):
        print(
            "  "
            + _("{n}. {name} (weight {weight})").format(n=i, name=c.name, weight=f"{c.weight:g}")
        )
    names = {m.id: m.name for m in detail.members}
    candidates = {c.id: c.name for c in detail.candidates}
    for r in detail.recusals:
        print(
            _("Conflict of interest: {member} does not score “{candidate}” ({reason}).").format(
                member=names[r.member_id], candidate=candidates[r.candidate_id], reason=r.reason
            )
        )
    print(_("Scores entered: {done} of {expected}.").format(
        done=progress.scored, expected=progress.expected))  # fmt: skip
    return 0


# ------------------------------------------------------ members, candidates, criteria


def _edit_args(args: argparse.Namespace) -> None:
    if (args.remove or args.edit) and not args.name:
        raise AtelierError(_("Say which one to change or remove."))


def cmd_member(args: argparse.Namespace) -> int:
    _edit_args(args)
    with open_for_writing(args.path) as ws, ws.session() as session:
        jury_id = J.find_jury(session, args.jury)
        if args.remove:
            J.remove_member(session, J.find_member(session, jury_id, args.name))
            result = {"removed": args.name}
        elif args.edit:
            member = J.update_member(
                session,
                J.find_member(session, jury_id, args.name),
                name=args.rename,
                college=args.college,
            )
            result = member.as_dict()
        else:
            if not args.name and not args.participant:
                raise AtelierError(_("Give the member's name or --participant CODE."))
            member = J.add_member(
                session,
                jury_id,
                args.name,
                participant=args.participant,
                college=args.college or "resident",
            )
            result = member.as_dict()
    if args.json:
        print_json(result)
    elif args.remove:
        print(_("Removed from the jury, with their scores."))
    else:
        print(_("Member: {name}").format(name=result["name"]))
    return 0


def cmd_candidate(args: argparse.Namespace) -> int:
    _edit_args(args)
    with open_for_writing(args.path) as ws, ws.session() as session:
        jury_id = J.find_jury(session, args.jury)
        if args.remove:
            J.remove_candidate(session, J.find_candidate(session, jury_id, args.name))
            result = {"removed": args.name}
        elif args.edit:
            result = J.update_candidate(
                session,
                J.find_candidate(session, jury_id, args.name),
                name=args.rename,
                description=args.description,
            ).as_dict()
        else:
            result = J.add_candidate(session, jury_id, args.name, args.description).as_dict()
    if args.json:
        print_json(result)
    elif args.remove:
        print(_("Candidate removed, with its scores."))
    else:
        print(_("Candidate: {name}").format(name=result["name"]))
    return 0


def cmd_criterion(args: argparse.Namespace) -> int:
    _edit_args(args)
    with open_for_writing(args.path) as ws, ws.session() as session:
        jury_id = J.find_jury(session, args.jury)
        if args.remove:
            J.remove_criterion(session, J.find_criterion(session, jury_id, args.name))
            result = {"removed": args.name}
        elif args.edit:
            result = J.update_criterion(
                session,
                J.find_criterion(session, jury_id, args.name),
                name=args.rename,
                weight=args.weight,
                description=args.description,
            ).as_dict()
        else:
            weight = 1.0 if args.weight is None else args.weight
            result = J.add_criterion(
                session, jury_id, args.name, weight, args.description
            ).as_dict()
    if args.json:
        print_json(result)
    elif args.remove:
        print(_("Criterion removed, with its scores."))
    else:
        print(
            _("Criterion: {name} (weight {weight})").format(
                name=result["name"], weight=f"{result['weight']:g}"
            )
        )
    return 0


# --------------------------------------------------------------------------- scores


def cmd_score(args: argparse.Namespace) -> int:
    if args.clear == (args.score is not None):
        raise AtelierError(_("Give either --score S or --clear."))
    with open_for_writing(args.path) as ws, ws.session() as session:
        jury_id = J.find_jury(session, args.jury)
        member = J.find_member(session, jury_id, args.member)
        candidate = J.find_candidate(session, jury_id, args.candidate)
        criterion = J.find_criterion(session, jury_id, args.criterion)
        if args.clear:
            J.clear_score(session, member, candidate, criterion)
            value = None
        else:
            value = J.set_score(session, member, candidate, criterion, args.score)
        progress = J.completeness(session, jury_id)
    if args.json:
        print_json({"score": value, "scored": progress.scored, "expected": progress.expected})
    else:
        print(
            _("Recorded. Scores entered: {done} of {expected}.").format(
                done=progress.scored, expected=progress.expected
            )
        )
    return 0


def cmd_scores(args: argparse.Namespace) -> int:
    lines = J.score_lines_from_csv(_read(args.file))
    with open_for_writing(args.path) as ws, ws.session() as session:
        jury_id = J.find_jury(session, args.jury)
        written = J.set_scores(session, jury_id, lines)
        progress = J.completeness(session, jury_id)
    if args.json:
        print_json({"written": written, "scored": progress.scored, "expected": progress.expected})
    else:
        print(
            ngettext(
                "{n} score recorded. Scores entered: {done} of {expected}.",
                "{n} scores recorded. Scores entered: {done} of {expected}.",
                written,
            ).format(n=written, done=progress.scored, expected=progress.expected)
        )
    return 0


def cmd_recuse(args: argparse.Namespace) -> int:
    with open_for_writing(args.path) as ws, ws.session() as session:
        jury_id = J.find_jury(session, args.jury)
        member = J.find_member(session, jury_id, args.member)
        candidate = J.find_candidate(session, jury_id, args.candidate)
        if args.withdraw:
            J.withdraw_recusal(session, member, candidate)
            dropped = 0
        else:
            dropped = J.declare_recusal(session, member, candidate, args.reason or "")
    if args.json:
        print_json({"recused": not args.withdraw, "scores_dropped": dropped})
    elif args.withdraw:
        print(_("The conflict of interest is withdrawn: the member may score this candidate."))
    else:
        print(
            _("Conflict of interest recorded; the member's scores of this candidate removed: "
              "{n}.").format(n=dropped)
        )  # fmt: skip
    return 0


# --------------------------------------------------------------------------- results, decision


def print_results(found: J.JuryResults) -> None:
    info = found.jury
    print(f"{info.title} ({info.status_label}, {info.scale_min}–{info.scale_max})")
    names = {m.id: m.name for m in found.members}
    for r in found.ranking:
        rank = "–" if r.rank is None else f"{r.rank}{'=' if r.tied else ''}"
        counted = ngettext("{n} member", "{n} members", r.counted).format(n=r.counted)
        print(
            "  "
            + _("{rank:>3}. {name}: {score} (spread {spread}, {counted})").format(
                rank=rank, name=r.name, score=_number(r.score), spread=_number(r.spread),
                counted=counted,
            )
        )  # fmt: skip
        if r.recused:
            recused = ", ".join(names[m] for m in r.recused)
            print("       " + _("recused: {names}").format(names=recused))
    print(found.agreement.reading)
    if found.agreement.basis:
        print(found.agreement.basis)
    print(found.convention)
    if not found.completeness.complete:
        print(
            _("Scores entered: {done} of {expected}.").format(
                done=found.completeness.scored, expected=found.completeness.expected
            )
        )
    if info.decision:
        print(_("Decision: {text}").format(text=info.decision))


def cmd_results(args: argparse.Namespace) -> int:
    with open_for_reading(args.path) as ws, ws.session() as session:
        found = J.results(session, J.find_jury(session, args.jury))
    if args.csv:
        header, rows = J.results_table(found)
        write_csv(str(args.csv), header, rows)
    if args.json:
        print_json(found.as_dict())
    else:
        print_results(found)
        if args.csv:
            print(_("Written to {path}").format(path=args.csv))
    return 0


def cmd_notes(args: argparse.Namespace) -> int:
    text = _read(Path(args.file)) if args.file else args.text
    if text is None:
        raise AtelierError(_("Give the notes as text or with --file."))
    with open_for_writing(args.path) as ws, ws.session() as session:
        jury_id = J.find_jury(session, args.jury)
        J.set_notes(session, jury_id, text)
        info = J.start_deliberation(session, jury_id) if args.deliberating else None
        info = info or J.jury_info(session, jury_id)
    if args.json:
        print_json(info.as_dict())
    else:
        print(_("Deliberation notes saved."))
    return 0


def cmd_decide(args: argparse.Namespace) -> int:
    with open_for_writing(args.path) as ws, ws.session() as session:
        record = J.record_decision(session, J.find_jury(session, args.jury), args.decision)
    if args.json:
        print_json(record.as_dict())
    else:
        print(
            _("Decision recorded (audit event {seq}, scores hash {hash}).").format(
                seq=record.audit_seq, hash=record.scores_hash[:16]
            )
        )
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the evaluation-jury sub-commands (``eval-…``) to the ``jury`` group."""

    def verb(name, help_text, func, *, jury=True):
        parser = subparsers.add_parser(name, help=help_text, description=help_text)
        parser.add_argument("path", metavar="PATH", help=_("workspace file (.atelier)"))
        if jury:
            parser.add_argument(
                "jury", metavar="JURY", help=_("the jury (id or start of its title)")
            )
        parser.add_argument("--json", action="store_true", help=_("print a JSON document"))
        parser.set_defaults(func=func)
        return parser

    def editable(parser):
        parser.add_argument("--edit", action="store_true", help=_("change an existing one"))
        parser.add_argument("--rename", metavar="NEW", help=_("the new name (with --edit)"))
        parser.add_argument("--remove", action="store_true", help=_("remove it, with its scores"))

    create = verb(
        "eval-create", _("create an evaluation jury for a process"), cmd_create, jury=False
    )
    create.add_argument("--process", required=True, help=_("the process (id or title)"))
    create.add_argument("--title", required=True, help=_("the jury's title"))
    create.add_argument(
        "--scale", nargs=2, type=int, default=(0, 10), metavar=("MIN", "MAX"),
        help=_("the scoring scale (default 0 10)"),
    )  # fmt: skip
    create.add_argument("--description", help=_("what the jury decides"))

    listing = verb("eval-list", _("list the evaluation juries"), cmd_list, jury=False)
    listing.add_argument("--process", help=_("only this process (id or title)"))
    verb("eval-show", _("an evaluation jury: members, candidates, criteria, progress"), cmd_show)

    member = verb("eval-member", _("add, change or remove a jury member"), cmd_member)
    member.add_argument("name", nargs="?", metavar="NAME", help=_("the member's name"))
    member.add_argument("--participant", metavar="CODE",
                        help=_("a registered participant (badge code or id)"))  # fmt: skip
    member.add_argument("--college", choices=JURY_COLLEGES, help=_("the member's college"))
    editable(member)

    candidate = verb("eval-candidate", _("add, change or remove a candidate"), cmd_candidate)
    candidate.add_argument("name", metavar="NAME", help=_("the candidate's name"))
    candidate.add_argument("--description", help=_("a short description"))
    editable(candidate)

    criterion = verb("eval-criterion", _("add, change or remove a criterion"), cmd_criterion)
    criterion.add_argument("name", metavar="NAME", help=_("the criterion's name"))
    criterion.add_argument("--weight", type=float, help=_("its weight (above 0; default 1)"))
    criterion.add_argument("--description", help=_("a short description"))
    editable(criterion)

    score = verb("eval-score", _("record (or clear) one score"), cmd_score)
    score.add_argument("--member", required=True, help=_("the member (name or number)"))
    score.add_argument("--candidate", required=True, help=_("the candidate (name or number)"))
    score.add_argument("--criterion", required=True, help=_("the criterion (name or number)"))
    score.add_argument("--score", help=_("the score, within the jury's scale"))
    score.add_argument("--clear", action="store_true", help=_("remove the score"))

    scores = verb(
        "eval-scores",
        _("record scores from a CSV file (member, candidate, criterion, score): all or nothing"),
        cmd_scores,
    )
    scores.add_argument("file", type=Path, metavar="FILE", help=_("the CSV file"))

    recuse = verb(
        "eval-recuse", _("declare (or withdraw) a member's conflict of interest"), cmd_recuse
    )
    recuse.add_argument("--member", required=True, help=_("the member (name or number)"))
    recuse.add_argument("--candidate", required=True, help=_("the candidate (name or number)"))
    recuse.add_argument("--reason", help=_("why the member recuses"))
    recuse.add_argument("--withdraw", action="store_true", help=_("withdraw the recusal"))

    results = verb(
        "eval-results", _("weighted scores, ranking and agreement between members"), cmd_results
    )
    results.add_argument("--csv", metavar="FILE", help=_("also write the ranking to a CSV file"))

    notes = verb("eval-notes", _("save the deliberation notes"), cmd_notes)
    notes.add_argument("text", nargs="?", metavar="TEXT", help=_("the notes"))
    notes.add_argument("--file", metavar="FILE", help=_("read the notes from a text file"))
    notes.add_argument("--deliberating", action="store_true",
                       help=_("mark the jury as deliberating"))  # fmt: skip

    decide = verb("eval-decide", _("record the jury's final decision (final)"), cmd_decide)
    decide.add_argument("--decision", required=True, help=_("the decision, as worded"))
