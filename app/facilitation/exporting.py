"""Exporting the participant registry to CSV or XLSX.

CSV files are written in UTF-8 with a byte-order mark and ``;`` as the delimiter: that is what
Excel in French opens correctly with a double click (without the BOM it reads Windows-1252 and
mangles accents; with ``,`` it puts everything in one column, since ``,`` is the French decimal
separator). LibreOffice and scripts read it as well.

Cells that a spreadsheet would take for a formula (starting with ``=``, ``+``, ``-``, ``@``, a
tab or a carriage return) are neutralised with a leading apostrophe (CSV injection); the
importer removes that apostrophe again, so an export imports back unchanged.

Erased participants are never exported. The file is written beside its destination and renamed
into place only when complete: a cancelled or failed export leaves nothing behind.
"""

from __future__ import annotations

import contextlib
import csv
import os
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from app.errors import AtelierError
from app.facilitation import labels
from app.facilitation.participants import _filtered, count_participants
from app.facilitation.vocabularies import load_vocabularies
from app.i18n import N_, _
from app.jobs import CancelToken, Progress, no_progress
from app.models import Participant, ParticipantAttribute

KINDS = ("csv", "xlsx")
#: Participants read per query.
PAGE = 2000
_DANGEROUS_START = ("=", "+", "-", "@", "\t", "\r")

#: Headers of the fixed columns (translated when written).
FIXED_COLUMNS = (
    N_("Code"),
    N_("Last name"),
    N_("First name"),
    N_("Email"),
    N_("Phone"),
    N_("Address"),
    N_("Stakeholder type"),
    N_("Affiliation"),
    N_("Birth year"),
)


def neutralise(value: str) -> str:
    """``"=HYPERLINK(…)"`` → ``"'=HYPERLINK(…)"``: a spreadsheet shows it, never runs it."""
    if value and value.startswith(_DANGEROUS_START):
        return "'" + value
    return value


def _rows(
    session: Session, search: str, cancel: CancelToken | None
) -> Iterator[tuple[Participant, dict[uuid.UUID, uuid.UUID]]]:
    """Participants in list order (last name, first name), page by page, with their values."""
    last: tuple[str, uuid.UUID] | None = None
    while True:
        if cancel is not None:
            cancel.check()
        query = _filtered(
            session,
            select(
                Participant.id,
                Participant.code,
                Participant.last_name,
                Participant.first_name,
                Participant.email,
                Participant.phone,
                Participant.postal_address,
                Participant.stakeholder_type,
                Participant.affiliation,
                Participant.birth_year,
                Participant.sort_key,
            ),
            search,
        )
        if last is not None:
            query = query.where(tuple_(Participant.sort_key, Participant.id) > tuple_(*last))
        page = session.execute(
            query.order_by(Participant.sort_key, Participant.id).limit(PAGE)
        ).all()
        if not page:
            return
        values: dict[uuid.UUID, dict[uuid.UUID, uuid.UUID]] = {row.id: {} for row in page}
        for pid, category_id, value_id in session.execute(
            select(
                ParticipantAttribute.participant_id,
                ParticipantAttribute.category_id,
                ParticipantAttribute.value_id,
            ).where(ParticipantAttribute.participant_id.in_(list(values)))
        ):
            values[pid][category_id] = value_id
        for row in page:
            yield row, values[row.id]
        last = (page[-1].sort_key, page[-1].id)


def _kind_of(path: Path, kind: str | None) -> str:
    if kind is None:
        kind = "xlsx" if path.suffix.lower() == ".xlsx" else "csv"
    if kind not in KINDS:
        raise AtelierError(_("Unknown export format “{kind}” (csv or xlsx).").format(kind=kind))
    return kind


def export_participants(
    session: Session,
    path: Path | str,
    *,
    kind: str | None = None,
    search: str = "",
    progress: Progress = no_progress,
    cancel: CancelToken | None = None,
) -> int:
    """Write the registry (or the people matching ``search``) to ``path``; returns how many.

    ``kind`` is "csv" or "xlsx" (default: from the suffix, CSV unless ``.xlsx``).
    """
    path = Path(path)
    kind = _kind_of(path, kind)
    vocabularies = list(load_vocabularies(session).values())
    value_names = {v.id: v.value for vocabulary in vocabularies for v in vocabulary.values}
    headers = [_(h) for h in FIXED_COLUMNS] + [v.label for v in vocabularies]
    total = count_participants(session, search)

    def lines() -> Iterator[list]:
        yield [neutralise(h) for h in headers]
        for done, (row, values) in enumerate(_rows(session, search, cancel), start=1):
            cells = [
                row.code,
                row.last_name,
                row.first_name,
                row.email or "",
                row.phone or "",
                row.postal_address or "",
                labels.stakeholder_type(row.stakeholder_type),
                row.affiliation or "",
            ]
            line = [neutralise(c) for c in cells]
            line.append(row.birth_year if row.birth_year is not None else "")
            for vocabulary in vocabularies:
                value_id = values.get(vocabulary.id)
                line.append(neutralise(value_names.get(value_id, "")) if value_id else "")
            yield line
            if done % 1000 == 0:
                progress(done, total)

    folder = path.resolve().parent
    try:
        fd, name = tempfile.mkstemp(prefix=".export-", suffix=path.suffix, dir=folder)
        os.close(fd)
    except OSError as exc:
        raise AtelierError(
            _("Cannot write in “{folder}”: {reason}").format(folder=folder, reason=exc.strerror)
        ) from exc
    tmp = Path(name)
    count = 0
    try:
        if kind == "csv":
            with tmp.open("w", encoding="utf-8-sig", newline="") as fh:
                writer = csv.writer(fh, delimiter=";", lineterminator="\r\n")
                for line in lines():
                    writer.writerow(line)
                    count += 1
                fh.flush()
                os.fsync(fh.fileno())
        else:
            count = _write_xlsx(tmp, lines())
        if cancel is not None:
            cancel.check()
        umask = os.umask(0)
        os.umask(umask)
        with contextlib.suppress(OSError):
            os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except OSError as exc:
        raise AtelierError(
            _("The export failed: {reason}").format(reason=exc.strerror or exc)
        ) from exc
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()
    progress(count - 1, count - 1)
    return count - 1  # without the header


def _write_xlsx(path: Path, lines: Iterator[list]) -> int:
    import openpyxl  # only when exporting to XLSX: not on the start-up path
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Participants"))
    count = 0
    for line in lines:
        # Control characters have no place in an XLSX file (openpyxl refuses them).
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("", c) if isinstance(c, str) else c for c in line])
        count += 1
    workbook.save(path)
    with open(path, "rb+") as fh:
        os.fsync(fh.fileno())
    return count
