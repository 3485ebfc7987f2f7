"""Ballots in and out of a workspace through the interoperable files.

PrefLib files (``.soc``, ``.soi``, ``.toc``, ``.toi``) hold rankings; pabulib files (``.pb``)
hold a participatory budget: projects, costs, the budget and the ballots. A trainer can bring
the ballots of another municipality's vote into a workspace, count them with several methods,
and send the ballots of a closed vote back out; the PrefLib / pabulib tools read them too.

* :func:`read_ballot_file` reads a file for a ballot shape (used by ``atelier tally``);
* :func:`vote_data_from_file` drafts a vote whose options (and costs, budget) come from a file;
* :func:`import_ballots` adds a file's ballots to an open vote, all or nothing;
* :func:`export_ballots` writes the ballots of a closed vote.

Imported ballots are stored as counts (identical ballots merged, entry "count"): a file carries
no voters, so no "has voted" mark can be set, and the audit log records the file's hash.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from app.errors import AtelierError
from app.facilitation import audit
from app.facilitation import votes as V
from app.facilitation.voting import formats, registry
from app.i18n import _
from app.jobs import CancelToken, Progress, no_progress
from app.models import Ballot, Vote
from app.models.text import fold

PREFLIB_SUFFIXES = (".soc", ".soi", ".toc", ".toi")
SUFFIXES = (*PREFLIB_SUFFIXES, ".pb")


@dataclass
class FileBallots:
    """What a ballot file holds, in the app's ballot shapes (see voting/base.py)."""

    options: list[str]
    #: (ballot, weight) pairs in ``kind``'s shape.
    ballots: list[tuple[Any, int]]
    #: "ranking" or "approval".
    kind: str
    file_type: str  # "preflib" or "pabulib"
    costs: list[float | int] | None = None
    budget: float | int | None = None
    #: Projects the city funded (pabulib ``selected`` column), if given.
    selected: set[int] | None = None
    #: Method rules suggested by the file (a pabulib ``rule`` such as ``equalshares``).
    rules: dict[str, Any] = field(default_factory=dict)


def _unknown_type(path: Path) -> AtelierError:
    return AtelierError(
        _("{file}: unknown file type (expected .soc, .soi, .toc, .toi or .pb).").format(
            file=path.name
        )
    )


def read_ballot_file(path: Path | str) -> FileBallots:
    """Read a PrefLib or pabulib file; raises a translated error naming the file and line."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in PREFLIB_SUFFIXES:
        election = formats.read_preflib(path)
        return FileBallots(election.options, election.ballots, "ranking", "preflib")
    if suffix == ".pb":
        election = formats.read_pabulib(path)
        kinds = {"approval": "approval", "ordinal": "ranking"}
        if election.vote_type not in kinds:
            raise AtelierError(
                _(
                    "{file}: {type} ballots cannot be counted here (approval or ordinal only)."
                ).format(file=path.name, type=election.vote_type)
            )
        rules: dict[str, Any] = {}
        if election.meta.get("rule", "").endswith("-comparison"):
            rules["comparison"] = "satisfaction"
        return FileBallots(
            election.options,
            election.ballots,
            kinds[election.vote_type],
            "pabulib",
            costs=list(election.costs),
            budget=election.budget,
            selected=election.selected,
            rules=rules,
        )
    raise _unknown_type(path)


def check_method(data: FileBallots, method_name: str) -> None:
    """Refuse a method that does not count the file's ballot shape."""
    m = registry.method(method_name)
    if m.ballot != data.kind:
        raise AtelierError(
            _("The method “{method}” cannot count this file's ballots ({kind}).").format(
                method=_(m.label), kind=_kind_label(data.kind)
            )
        )


def _kind_label(kind: str) -> str:
    return {"ranking": _("rankings"), "approval": _("approvals")}.get(kind, kind)


def vote_data_from_file(
    path: Path | str, method_name: str, question: str | None = None
) -> tuple[V.VoteData, FileBallots]:
    """A draft vote (options, costs and budget from the file) and the file's ballots."""
    path = Path(path)
    data = read_ballot_file(path)
    check_method(data, method_name)
    rules: dict[str, Any] = {}
    if registry.method(method_name).module == "budget":
        if data.budget is None:
            raise AtelierError(
                _("{file} gives no budget: a participatory budget needs one.").format(
                    file=path.name
                )
            )
        rules["budget"] = data.budget
        if method_name == "mes":
            rules.update(data.rules)
    costs = data.costs or [None] * len(data.options)
    options = [
        V.OptionData(title, cost=cost) for title, cost in zip(data.options, costs, strict=True)
    ]
    vote = V.VoteData(
        question=question or path.stem,
        method=method_name,
        options=options,
        rules=rules,
        secret=True,
        eligibility="open",
    )
    return vote, data


def _option_map(vote: Vote, names: list[str], path: Path) -> list[int]:
    """For each option of the file, the position of the vote's option with the same title."""
    positions = {fold(o.title): o.position for o in vote.options}
    mapping, unknown = [], []
    for name in names:
        position = positions.get(fold(name))
        if position is None:
            unknown.append(name)
        mapping.append(position)
    if unknown:
        raise AtelierError(
            _("{file}: these options are not options of this vote: {names}.").format(
                file=path.name, names=", ".join(f"“{n}”" for n in unknown[:5])
            )
        )
    return mapping


def _remap(kind: str, ballot: Any, mapping: list[int]) -> Any:
    if kind == "approval":
        return frozenset(mapping[c] for c in ballot)
    return tuple(frozenset(mapping[c] for c in group) for group in ballot)


def import_ballots(
    session: Session,
    vote_id: uuid.UUID,
    path: Path | str,
    *,
    progress: Progress = no_progress,
    cancel: CancelToken | None = None,
) -> int:
    """Add every ballot of ``path`` to the open vote; returns how many. All or nothing."""
    path = Path(path)
    vote = V.get_vote(session, vote_id)
    if vote.status != "open":
        raise V.VoteError(_("This vote is not open."))
    data = read_ballot_file(path)
    check_method(data, vote.method)
    mapping = _option_map(vote, data.options, path)
    merged: Counter = Counter()
    for ballot, weight in data.ballots:
        merged[_remap(data.kind, ballot, mapping)] += weight
    ballots = list(merged.items())
    # Every ballot is checked by the method, as one typed in would be, before anything is kept.
    V.check_ballots(vote, ballots)
    kind = registry.method(vote.method).ballot
    rows = []
    for number, (ballot, weight) in enumerate(ballots):
        if number % 1000 == 0:
            if cancel is not None:
                cancel.check()
            progress(number, len(ballots))
        content = V.canonical(V.ballot_to_json(kind, ballot))
        rows.append(
            {"id": uuid.uuid4(), "vote_id": vote.id, "content": content, "status": "valid",
             "weight": weight, "entry": "count", "participant_id": None}
        )  # fmt: skip
    # Random keys, as for typed ballots: the stored order says nothing of the file's order.
    rows.sort(key=lambda row: row["id"])
    session.execute(insert(Ballot), rows)
    total = sum(weight for _ballot, weight in ballots)
    audit.append(
        session,
        "vote.ballots_imported",
        {
            "vote": str(vote.id),
            "file": path.name,
            "file_sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
            "ballots": total,
        },
        vote.id,
    )
    session.commit()
    progress(len(ballots), len(ballots))
    return total


def _whole(number: float | int) -> float | int:
    """12000.0 → 12000, as pabulib files write costs."""
    return int(number) if float(number).is_integer() else number


def export_ballots(session: Session, vote_id: uuid.UUID, path: Path | str) -> int:
    """Write the valid ballots of a closed vote to ``path`` (its suffix chooses the format).

    Returns how many ballots were written. Blank and spoiled ballots have no place in these
    formats and are left out (their numbers are in the result).
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise _unknown_type(path)
    vote = V.get_vote(session, vote_id)
    if vote.status not in ("closed", "published"):
        raise V.VoteError(_("Ballots can be exported once the vote is closed."))
    ballots, _blank, _spoiled = V.valid_ballots(session, vote_id)
    kind = registry.method(vote.method).ballot
    options = [o.title for o in vote.options]
    if suffix == ".pb":
        if kind != "approval":
            raise AtelierError(_("Only approval ballots can be written to a pabulib file."))
        rules = json.loads(vote.rules)
        costs = [_whole(o.cost or 0) for o in vote.options]
        formats.write_pabulib(
            path,
            options,
            costs,
            _whole(rules.get("budget", sum(costs))),
            ballots,
            meta={"description": vote.question, "vote_type": "approval"},
        )
    else:
        if kind != "ranking":
            raise AtelierError(_("Only rankings can be written to a PrefLib file."))
        formats.write_preflib(path, options, ballots, suffix[1:], title=vote.question)
    return sum(weight for _ballot, weight in ballots)
