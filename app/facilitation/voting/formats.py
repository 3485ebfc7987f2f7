"""Reading and writing public election files: PrefLib (.soc/.soi/.toc/.toi) and pabulib (.pb).

PrefLib: header lines ``# KEY: value`` (``# ALTERNATIVE NAME i: name``), then data lines
``count: a,b,{c,d},e`` with alternatives numbered from 1 (our options are ``0..n-1``).
See https://www.preflib.org/format.

pabulib: three ``;``-separated sections, ``META`` (key;value), ``PROJECTS`` (project_id;cost;
…) and ``VOTES`` (voter_id;vote;…). See https://pabulib.org/format. Approval ballots become
``frozenset`` of project indexes; ordinal ones ranking tuples; cumulative and scoring ones
``{project: points}``. Each voter line is one ballot of weight 1 (identical ones are merged).

Malformed files raise :class:`~app.errors.AtelierError` naming the line and what is wrong.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.errors import AtelierError
from app.facilitation.voting.base import Weighted
from app.i18n import _

PREFLIB_KINDS = ("soc", "soi", "toc", "toi")
PABULIB_VOTE_TYPES = ("approval", "ordinal", "cumulative", "scoring")


class FileFormatError(AtelierError):
    """A file that is not a well-formed PrefLib or pabulib file."""


def _bad(path: Path | str, line: int, why: str) -> FileFormatError:
    return FileFormatError(
        _("{file}, line {line}: {why}").format(file=Path(path).name, line=line, why=why)
    )


def _read_text(path: Path | str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise FileFormatError(_("No such file: {path}").format(path=path)) from None
    except UnicodeDecodeError:
        raise FileFormatError(
            _("{file} is not a UTF-8 text file.").format(file=Path(path).name)
        ) from None
    except OSError as exc:
        raise FileFormatError(
            _("Cannot read {path}: {reason}").format(path=path, reason=exc.strerror or exc)
        ) from None


# --------------------------------------------------------------------------- PrefLib


@dataclass
class PreflibElection:
    options: list[str]
    #: (ranking, count): rankings are tuples of frozensets of option indexes, best first.
    ballots: list[tuple[tuple[frozenset[int], ...], int]]
    metadata: dict[str, str] = field(default_factory=dict)

    @property
    def kind(self) -> str:
        return self.metadata.get("DATA TYPE", "")


_HEADER = re.compile(r"^#\s*([^:]+?)\s*:\s?(.*)$")
_ALT_NAME = re.compile(r"^ALTERNATIVE NAME (\d+)$")


def _parse_ranking(text: str, n: int | None, path, number: int) -> tuple[frozenset[int], ...]:
    groups: list[frozenset[int]] = []
    seen: set[int] = set()
    pos = 0
    text = text.strip()
    if not text:
        return ()
    # split at commas outside braces
    items: list[str] = []
    depth, start = 0, 0
    for pos, char in enumerate(text):
        if char == "{":
            if depth:
                raise _bad(path, number, _("nested braces"))
            depth = 1
        elif char == "}":
            if not depth:
                raise _bad(path, number, _("a closing brace without an opening one"))
            depth = 0
        elif char == "," and not depth:
            items.append(text[start:pos])
            start = pos + 1
    if depth:
        raise _bad(path, number, _("a brace is not closed"))
    items.append(text[start:])
    for item in items:
        item = item.strip()
        if item.startswith("{") and item.endswith("}"):
            parts = [p.strip() for p in item[1:-1].split(",") if p.strip()]
        else:
            parts = [item]
        members = set()
        for part in parts:
            if not part.isdigit():
                raise _bad(
                    path, number, _("“{item}” is not an alternative number").format(item=part)
                )
            alt = int(part)
            if alt < 1 or (n is not None and alt > n):
                raise _bad(path, number, _("alternative {alt} does not exist").format(alt=alt))
            if alt - 1 in seen or alt - 1 in members:
                raise _bad(path, number, _("alternative {alt} appears twice").format(alt=alt))
            members.add(alt - 1)
        seen |= members
        if members:
            groups.append(frozenset(members))
    return tuple(groups)


def read_preflib(path: Path | str) -> PreflibElection:
    """Read a PrefLib ordinal file (.soc, .soi, .toc, .toi)."""
    text = _read_text(path)
    metadata: dict[str, str] = {}
    names: dict[int, str] = {}
    rows: list[tuple[int, str, str]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        if line.startswith("#"):
            match = _HEADER.match(line)
            if not match:
                continue  # a free comment
            key, value = match.group(1).strip(), match.group(2).strip()
            alt = _ALT_NAME.match(key)
            if alt:
                names[int(alt.group(1))] = value
            else:
                metadata[key] = value
            continue
        count, sep, ranking = line.partition(":")
        if not sep:
            raise _bad(path, number, _("expected “count: ranking”"))
        rows.append((number, count.strip(), ranking))
    n: int | None = None
    if "NUMBER ALTERNATIVES" in metadata:
        if not metadata["NUMBER ALTERNATIVES"].isdigit():
            raise FileFormatError(
                _("{file}: NUMBER ALTERNATIVES is not a whole number.").format(file=Path(path).name)
            )
        n = int(metadata["NUMBER ALTERNATIVES"])
    elif names:
        n = max(names)
    ballots: list[tuple[tuple[frozenset[int], ...], int]] = []
    for number, count, ranking in rows:
        if not count.isdigit():
            raise _bad(path, number, _("“{count}” is not a ballot count").format(count=count))
        ballots.append((_parse_ranking(ranking, n, path, number), int(count)))
    if n is None:
        n = max((max(g) + 1 for r, _c in ballots for g in r), default=0)
    if n < 1:
        raise FileFormatError(_("{file} lists no alternatives.").format(file=Path(path).name))
    options = [names.get(i + 1, str(i + 1)) for i in range(n)]
    return PreflibElection(options=options, ballots=ballots, metadata=metadata)


def _ranking_text(ranking: Sequence[frozenset[int]]) -> str:
    parts = []
    for group in ranking:
        members = sorted(group)
        if len(members) == 1:
            parts.append(str(members[0] + 1))
        else:
            parts.append("{" + ",".join(str(m + 1) for m in members) + "}")
    return ",".join(parts)


def write_preflib(
    path: Path | str,
    options: Sequence[str],
    ballots: Weighted,
    kind: str,
    *,
    title: str = "",
) -> None:
    """Write rankings as a PrefLib file of ``kind`` (soc, soi, toc, toi).

    Identical rankings are merged, most frequent first. Raises AtelierError when a ballot does
    not fit ``kind`` (soc/soi: no ties; soc/toc: every alternative ranked).
    """
    from app.facilitation.voting.runoff import check_ranking

    if kind not in PREFLIB_KINDS:
        raise FileFormatError(
            _("Unknown PrefLib data type “{kind}” (known: {known}).").format(
                kind=kind, known=", ".join(PREFLIB_KINDS)
            )
        )
    n = len(options)
    merged: Counter = Counter()
    for ballot, weight in ballots:
        ranking = check_ranking(ballot, n)
        if kind in ("soc", "soi") and any(len(g) > 1 for g in ranking):
            raise FileFormatError(
                _("A {kind} file cannot hold tied preferences.").format(kind=kind)
            )
        if kind in ("soc", "toc") and sum(len(g) for g in ranking) != n:
            raise FileFormatError(
                _("A {kind} file needs every alternative ranked on every ballot.").format(kind=kind)
            )
        if weight:
            merged[ranking] += weight
    name = Path(path).name
    lines = [
        f"# FILE NAME: {name}",
        f"# TITLE: {title}",
        f"# DATA TYPE: {kind}",
        f"# NUMBER ALTERNATIVES: {n}",
        f"# NUMBER VOTERS: {sum(merged.values())}",
        f"# NUMBER UNIQUE ORDERS: {len(merged)}",
    ]
    for i, option in enumerate(options, start=1):
        if "\n" in option:
            raise FileFormatError(_("An option name cannot span several lines."))
        lines.append(f"# ALTERNATIVE NAME {i}: {option}")
    ordered = sorted(merged.items(), key=lambda item: (-item[1], _ranking_text(item[0])))
    lines.extend(f"{count}: {_ranking_text(ranking)}" for ranking, count in ordered)
    Path(path).write_text("\n".join(lines) + "\n", encoding="utf-8")


# --------------------------------------------------------------------------- pabulib


@dataclass
class PabulibElection:
    #: Project names (the ``name`` column), else their ids.
    options: list[str]
    project_ids: list[str]
    costs: list[float | int]
    budget: float | int
    #: (ballot, weight): frozensets (approval), rankings (ordinal) or {project: points}.
    ballots: list[tuple[Any, int]]
    #: Indexes of the projects the city funded (``selected`` = 1), or None if not given.
    selected: set[int] | None
    meta: dict[str, str]
    vote_type: str
    #: Other project columns (category, votes…), by project index.
    projects: list[dict[str, str]] = field(default_factory=list)


def _number(text: str, path, line: int, what: str) -> float | int:
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        raise _bad(
            path, line, _("{what} “{value}” is not a number").format(what=what, value=text)
        ) from None
    return int(value) if value.is_integer() else value


def read_pabulib(path: Path | str) -> PabulibElection:
    """Read a pabulib ``.pb`` file."""
    text = _read_text(path)
    reader = csv.reader(io.StringIO(text), delimiter=";")
    section = None
    header: list[str] | None = None
    meta: dict[str, str] = {}
    projects: list[tuple[int, dict[str, str]]] = []
    votes: list[tuple[int, dict[str, str]]] = []
    try:
        for row in reader:
            number = reader.line_num
            if not row or not any(cell.strip() for cell in row):
                continue
            first = row[0].strip()
            if len(row) == 1 and first.upper() in ("META", "PROJECTS", "VOTES"):
                section, header = first.upper(), None
                continue
            if section is None:
                raise _bad(path, number, _("expected the META section first"))
            if header is None:
                header = [cell.strip() for cell in row]
                continue
            if section == "META":
                meta[first] = row[1].strip() if len(row) > 1 else ""
                continue
            if len(row) != len(header):
                raise _bad(
                    path,
                    number,
                    _("{found} fields where the header has {expected}").format(
                        found=len(row), expected=len(header)
                    ),
                )
            record = dict(zip(header, (cell.strip() for cell in row), strict=True))
            (projects if section == "PROJECTS" else votes).append((number, record))
    except csv.Error as exc:
        raise _bad(path, reader.line_num, str(exc)) from None
    if not projects:
        raise FileFormatError(_("{file} has no PROJECTS section.").format(file=Path(path).name))
    if "budget" not in meta:
        raise FileFormatError(_("{file} gives no budget.").format(file=Path(path).name))
    budget = _number(meta["budget"], path, 0, _("The budget"))
    vote_type = meta.get("vote_type", "approval").strip().lower()
    if vote_type not in PABULIB_VOTE_TYPES:
        raise FileFormatError(
            _("{file}: unknown vote type “{type}”.").format(file=Path(path).name, type=vote_type)
        )
    ids: list[str] = []
    index: dict[str, int] = {}
    costs: list[float | int] = []
    names: list[str] = []
    extra: list[dict[str, str]] = []
    selected: set[int] | None = set() if "selected" in projects[0][1] else None
    for number, record in projects:
        pid = record.get("project_id", "")
        if not pid:
            raise _bad(path, number, _("a project without a project_id"))
        if pid in index:
            raise _bad(path, number, _("project “{id}” is listed twice").format(id=pid))
        cost = _number(record.get("cost", ""), path, number, _("The cost"))
        if cost <= 0:
            raise _bad(path, number, _("a project's cost must be positive"))
        index[pid] = len(ids)
        ids.append(pid)
        costs.append(cost)
        names.append(record.get("name") or pid)
        if selected is not None and record.get("selected", "0") not in ("", "0"):
            selected.add(index[pid])
        extra.append({k: v for k, v in record.items() if k not in ("project_id", "cost", "name")})
    merged: Counter = Counter()
    for number, record in votes:
        listed = [v.strip() for v in record.get("vote", "").split(",") if v.strip()]
        for pid in listed:
            if pid not in index:
                raise _bad(
                    path, number, _("the vote names an unknown project “{id}”").format(id=pid)
                )
        if len(set(listed)) != len(listed):
            raise _bad(path, number, _("the vote lists a project twice"))
        chosen = [index[pid] for pid in listed]
        if vote_type == "approval":
            ballot: Any = frozenset(chosen)
        elif vote_type == "ordinal":
            ballot = tuple(frozenset((c,)) for c in chosen)
        else:
            points = [p.strip() for p in record.get("points", "").split(",") if p.strip()]
            if len(points) != len(chosen):
                raise _bad(path, number, _("the points do not match the projects voted for"))
            values = [_number(p, path, number, _("The points")) for p in points]
            ballot = tuple(sorted(zip(chosen, values, strict=True)))
        merged[ballot] += 1
    ballots = [
        (dict(b) if vote_type in ("cumulative", "scoring") else b, w) for b, w in merged.items()
    ]
    return PabulibElection(
        options=names,
        project_ids=ids,
        costs=costs,
        budget=budget,
        ballots=ballots,
        selected=selected,
        meta=meta,
        vote_type=vote_type,
        projects=extra,
    )


def write_pabulib(
    path: Path | str,
    options: Sequence[str],
    costs: Sequence[float | int],
    budget: float | int,
    ballots: Weighted,
    *,
    selected: set[int] | None = None,
    meta: dict[str, str] | None = None,
    project_ids: Sequence[str] | None = None,
) -> None:
    """Write approval ballots (frozensets of indexes, weighted) as a pabulib ``.pb`` file.

    Each ballot of weight w becomes w voter lines (pabulib has no weights).
    """
    n = len(options)
    if len(costs) != n:
        raise FileFormatError(_("Every project needs a cost."))
    ids = list(project_ids) if project_ids is not None else [str(i + 1) for i in range(n)]
    approvals = [0] * n
    expanded: list[frozenset[int]] = []
    for ballot, weight in ballots:
        if not isinstance(ballot, (set, frozenset)):
            raise FileFormatError(_("Only approval ballots can be written to a pabulib file."))
        for c in ballot:
            approvals[c] += weight
        expanded.extend([frozenset(ballot)] * weight)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    head = {
        "description": "",
        "num_projects": str(n),
        "num_votes": str(len(expanded)),
        "budget": str(budget),
        "vote_type": "approval",
        **(meta or {}),
    }
    head["num_projects"], head["num_votes"] = str(n), str(len(expanded))
    writer.writerow(["META"])
    writer.writerow(["key", "value"])
    for key, value in head.items():
        writer.writerow([key, value])
    writer.writerow(["PROJECTS"])
    columns = ["project_id", "cost", "votes", "name"] + (
        ["selected"] if selected is not None else []
    )
    writer.writerow(columns)
    for i in range(n):
        row = [ids[i], costs[i], approvals[i], options[i]]
        if selected is not None:
            row.append(1 if i in selected else 0)
        writer.writerow(row)
    writer.writerow(["VOTES"])
    writer.writerow(["voter_id", "vote"])
    for voter, ballot in enumerate(expanded, start=1):
        writer.writerow([voter, ",".join(ids[c] for c in sorted(ballot))])
    Path(path).write_text(out.getvalue(), encoding="utf-8")
