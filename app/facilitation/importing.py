"""Importing participants from a CSV or XLSX file: preview, column mapping, check, import.

The steps follow what the import wizard shows (and ``atelier participants import`` does):

1. :func:`preview_file` looks at the file and refuses clearly what is not a table. It detects
   the kind by content (an XLSX file is a ZIP archive), the encoding of a CSV file (UTF-8 with
   or without BOM, else Windows-1252, else Latin-1) and its delimiter (``,`` ``;`` or tab), and
   returns the headers, the first rows and the number of data rows.
2. :func:`suggest_mapping` maps each header to a target (a field, an attribute category, a
   consent purpose) with French and English synonyms and the workspace's own category keys and
   labels; the person corrects it.
3. :func:`check_import` reads every row without writing anything and returns an
   :class:`ImportReport`: every bad row (line, column, value, why), the values that are not in
   an attribute's vocabulary (listed with their counts so the person maps them; they are never
   created silently), and likely duplicates (same folded name and the same email, phone or
   birth year) within the file and against the registry.
4. :func:`import_participants` checks again and, only if the report is clean, inserts
   everything (participants, attributes, consents, registrations) in one transaction with Core
   bulk inserts. Any problem, or a cancel, leaves the workspace as it was.

Targets a column can map to
---------------------------
``first_name``, ``last_name``, ``full_name`` (split: words in capitals are the last name,
"Dupont, Marie" splits at the comma, otherwise the French order "NOM Prénom": the first word is
the last name), ``email``, ``phone``, ``postal_address``, ``postal_code``, ``city`` (the three
are joined into the postal address "street, code city"), ``stakeholder_type`` (a code, an
English or French label or a common synonym: "habitant·e", "élu·e", "asso"…),
``affiliation``, ``birth_year``, ``birth_date`` (kept as its year only), ``notes``,
``attribute:<category key>``, ``consent:<purpose code>``, ``jury_volunteer`` (yes/no; needs a
process), ``ignore``. Several columns may map to ``postal_address`` or ``notes`` (joined);
other targets take one column. Headers not named in the mapping are ignored.

A ``consent:<purpose>`` cell holds the date consent was given (any date format below), or
yes/oui/x/1/true/vrai meaning "given on the day of the import"; an empty cell or
no/non/0/false/faux means no consent. Consents are recorded with the method "paper".
A ``jury_volunteer`` cell: yes/oui/o/y/x/1/true/vrai or no/non/n/0/false/faux/empty.

Dates: ``31/12/1980``, ``31-12-1980``, ``31.12.1980``, ``31/12/80``, ``1980-12-31`` (ISO,
always accepted), ``31 décembre 1980``, ``1er janvier 1980``, ``31 déc. 1980``, ``December 31,
1980``; ``date_order`` (``dmy``, default, ``mdy`` or ``ymd``) says how to read numeric dates.

A cell exported by :mod:`app.facilitation.exporting` with a neutralising apostrophe (``'=...``,
``'+33…``) is read back without it.

The mapping file (``--mapping MAP.json``)
-----------------------------------------
::

    {
      "version": 1,
      "columns": {"Nom": "last_name", "Prénom": "first_name", "Courriel": "email",
                  "Sexe": "attribute:genre", "Photo": "consent:photo", "N°": "ignore"},
      "values": {"attribute:genre": {"F": "Femme", "H": "Homme", "NSP": ""},
                 "stakeholder_type": {"Riverain": "resident"}},
      "date_order": "dmy",
      "process_id": null,
      "encoding": null,
      "delimiter": null
    }

``columns``: file header → target. ``values``: for ``attribute:*`` and ``stakeholder_type``, a
raw value of the file (matched without case or accents) → an allowed value of the vocabulary
(or a stakeholder code), or ``""`` to leave it empty; ``null`` means "not decided yet" (the
value stays reported as unknown). ``process_id``: register everyone imported in that process.
``encoding`` / ``delimiter``: override what was detected (``null``: detect). Other keys are
ignored (``atelier participants mapping`` adds ``allowed_values`` as a reminder).
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import json
import re
import secrets
import time
import uuid
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from operator import itemgetter
from pathlib import Path

from sqlalchemy import bindparam, insert, select
from sqlalchemy.orm import Session

from app.errors import AtelierError
from app.facilitation import labels
from app.facilitation.duplicates import phone_key
from app.facilitation.households import household_key
from app.facilitation.participants import _EMAIL
from app.facilitation.vocabularies import Vocabulary, load_vocabularies
from app.i18n import _, ngettext
from app.jobs import CancelToken, Progress, no_progress
from app.models import (
    STAKEHOLDER_TYPES,
    ConsentPurpose,
    ConsentRecord,
    Participant,
    ParticipantAttribute,
    Process,
    Registration,
    utcnow,
)
from app.models.text import CODE_ALPHABET, CODE_LENGTH, fold, latin

#: Rows inserted per Core ``insert()`` call.
BATCH = 5000
#: Files larger than this get their indexes rebuilt once at the end instead of row by row.
DEFER_INDEXES_BYTES = 2_000_000
#: Bytes read to detect the delimiter and to look for binary content.
SNIFF_BYTES = 64 * 1024
#: Characters of a text file that may be control characters before it counts as binary.
MAX_CONTROL_SHARE = 0.02
DELIMITERS = ",;\t"
DATE_ORDERS = ("dmy", "mdy", "ymd")

FIELD_TARGETS = (
    "first_name",
    "last_name",
    "full_name",
    "email",
    "phone",
    "postal_address",
    "postal_code",
    "city",
    "stakeholder_type",
    "affiliation",
    "birth_year",
    "birth_date",
    "notes",
    "jury_volunteer",
    "ignore",
)
#: Targets that several columns may share (their cells are joined).
MULTI_TARGETS = ("postal_address", "notes", "ignore")

_YES = {"yes", "y", "oui", "o", "x", "1", "true", "vrai", "ok"}
_NO = {"no", "n", "non", "0", "false", "faux", ""}
_DANGEROUS_START = ("=", "+", "-", "@", "\t", "\r")


class ImportRefused(AtelierError):
    """The file has problems; nothing was imported. ``report`` says what and where."""

    def __init__(self, message: str, report: ImportReport) -> None:
        super().__init__(message)
        self.report = report


# --------------------------------------------------------------------------- results


@dataclass
class SourcePreview:
    path: Path
    kind: str  # "csv" | "xlsx"
    encoding: str | None
    delimiter: str | None
    headers: list[str]
    sample_rows: list[list[str]]
    row_count: int


@dataclass
class ImportMapping:
    """Which column goes where, how raw values translate, and where people are registered."""

    columns: dict[str, str] = field(default_factory=dict)
    values: dict[str, dict[str, str | None]] = field(default_factory=dict)
    date_order: str = "dmy"
    process_id: uuid.UUID | None = None
    encoding: str | None = None
    delimiter: str | None = None

    def to_dict(self) -> dict:
        return {
            "version": 1,
            "columns": dict(self.columns),
            "values": {t: dict(v) for t, v in self.values.items()},
            "date_order": self.date_order,
            "process_id": str(self.process_id) if self.process_id else None,
            "encoding": self.encoding,
            "delimiter": self.delimiter,
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2)

    @classmethod
    def from_json(cls, text: str) -> ImportMapping:
        """Read a mapping document; raises :class:`AtelierError` when it is malformed."""
        try:
            doc = json.loads(text)
        except ValueError as exc:
            raise AtelierError(
                _("The mapping is not valid JSON: {reason}").format(reason=exc)
            ) from exc
        return cls.from_dict(doc)

    @classmethod
    def from_dict(cls, doc) -> ImportMapping:
        bad = AtelierError(
            _(
                "The mapping must be a JSON object with “columns” (header → target) and "
                "optionally “values”, “date_order”, “process_id”."
            )
        )
        if not isinstance(doc, dict):
            raise bad
        columns = doc.get("columns", {})
        values = doc.get("values") or {}
        if not isinstance(columns, dict) or not isinstance(values, dict):
            raise bad
        if not all(isinstance(k, str) and isinstance(v, str) for k, v in columns.items()):
            raise bad
        clean_values: dict[str, dict[str, str | None]] = {}
        for target, table in values.items():
            if not isinstance(table, dict) or not all(
                isinstance(k, str) and (v is None or isinstance(v, str)) for k, v in table.items()
            ):
                raise bad
            clean_values[str(target)] = dict(table)
        date_order = doc.get("date_order") or "dmy"
        if date_order not in DATE_ORDERS:
            raise AtelierError(
                _("Unknown date order “{order}” (expected dmy, mdy or ymd).").format(
                    order=date_order
                )
            )
        process_id = doc.get("process_id")
        if process_id:
            try:
                process_id = uuid.UUID(str(process_id))
            except ValueError as exc:
                raise AtelierError(
                    _("“{value}” is not a process identifier.").format(value=process_id)
                ) from exc
        delimiter = doc.get("delimiter")
        if delimiter is not None and (not isinstance(delimiter, str) or len(delimiter) != 1):
            raise AtelierError(_("The delimiter must be one character."))
        encoding = doc.get("encoding")
        if encoding is not None:
            try:
                codecs.lookup(str(encoding))
            except LookupError as exc:
                raise AtelierError(
                    _("Unknown encoding “{encoding}”.").format(encoding=encoding)
                ) from exc
        return cls(
            columns=dict(columns),
            values=clean_values,
            date_order=date_order,
            process_id=process_id or None,
            encoding=encoding,
            delimiter=delimiter,
        )


@dataclass
class RowProblem:
    line: int
    column: str
    value: str
    reason: str

    def as_dict(self) -> dict:
        return {
            "line": self.line,
            "column": self.column,
            "value": self.value,
            "reason": self.reason,
        }


@dataclass
class ImportReport:
    rows: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    #: target → raw value → how many rows hold it (values that need a mapping)
    unknown_values: dict[str, dict[str, int]] = field(default_factory=dict)
    duplicates_in_file: list[tuple[int, int]] = field(default_factory=list)
    duplicates_in_registry: list[tuple[int, uuid.UUID]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems and not self.unknown_values

    def as_dict(self) -> dict:
        return {
            "ok": self.ok,
            "rows": self.rows,
            "problems": [p.as_dict() for p in self.problems],
            "unknown_values": self.unknown_values,
            "duplicates_in_file": [list(pair) for pair in self.duplicates_in_file],
            "duplicates_in_registry": [
                {"line": line, "participant_id": str(pid)}
                for line, pid in self.duplicates_in_registry
            ],
        }

    def summary(self) -> str:
        """One line for a person: how many problems, and the first few."""
        parts = []
        if self.problems:
            n = len(self.problems)
            first = "; ".join(
                _("line {line}, {column}: {reason}").format(
                    line=p.line, column=p.column, reason=p.reason
                )
                for p in self.problems[:3]
            )
            parts.append(
                ngettext("{n} problem ({first})", "{n} problems ({first}…)", n).format(
                    n=n, first=first
                )
            )
        if self.unknown_values:
            listed = "; ".join(
                _("{target}: {values}").format(
                    target=target,
                    values=", ".join(f"“{raw}”" for raw in list(values)[:5]),
                )
                for target, values in self.unknown_values.items()
            )
            n = sum(len(v) for v in self.unknown_values.values())
            parts.append(
                ngettext("{n} value to map ({listed})", "{n} values to map ({listed})", n).format(
                    n=n, listed=listed
                )
            )
        return _("Nothing was imported: {details}.").format(details="; ".join(parts))


@dataclass
class ImportResult:
    count: int
    registered: int
    report: ImportReport


# --------------------------------------------------------------------------- the file


def _not_a_table(path: Path) -> AtelierError:
    return AtelierError(
        _("“{name}” does not look like a table (CSV or XLSX).").format(name=path.name)
    )


def _is_binary(text: str) -> bool:
    """Many control characters (not tabs or line ends): bytes of a picture, an archive…"""
    if not text:
        return False
    control = sum(1 for c in text if (ord(c) < 32 and c not in "\t\r\n\f") or c == "\x7f")
    return control / len(text) > MAX_CONTROL_SHARE


def _decodes(path: Path, encoding: str) -> bool:
    """True when the whole file decodes strictly (read in chunks: a 50 MB file is fine)."""
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    try:
        with path.open("rb") as fh:
            while chunk := fh.read(1 << 20):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _detect_encoding(path: Path, head: bytes) -> str:
    if head.startswith(codecs.BOM_UTF8):
        if _decodes(path, "utf-8-sig"):
            return "utf-8-sig"
    elif _decodes(path, "utf-8"):
        return "utf-8"
    if _decodes(path, "cp1252"):
        return "cp1252"
    return "latin-1"


def _detect_delimiter(sample: str) -> str:
    lines = [line for line in sample.splitlines() if line.strip()][:50]
    if not lines:
        return ","
    if len(lines) > 1 and len(sample) >= SNIFF_BYTES:
        lines = lines[:-1]  # the last line of a cut sample may be partial
    try:
        sniffed = csv.Sniffer().sniff("\n".join(lines), delimiters=DELIMITERS).delimiter
    except csv.Error:
        sniffed = None
    if sniffed in DELIMITERS:
        header = next(csv.reader([lines[0]], delimiter=sniffed))
        if len(header) > 1:
            return sniffed
    # Fall back on counting: the delimiter that splits the header into the most columns.
    counts = {d: len(next(csv.reader([lines[0]], delimiter=d))) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] > 1 else ","


@dataclass
class _Source:
    path: Path
    kind: str
    encoding: str | None
    delimiter: str | None
    size: int


def _open_source(
    path: Path | str, *, encoding: str | None = None, delimiter: str | None = None
) -> _Source:
    path = Path(path)
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            head = fh.read(SNIFF_BYTES)
    except FileNotFoundError:
        raise AtelierError(_("“{path}” does not exist.").format(path=path)) from None
    except IsADirectoryError:
        raise _not_a_table(path) from None
    except OSError as exc:
        raise AtelierError(
            _("“{path}” cannot be read: {reason}").format(path=path, reason=exc.strerror)
        ) from exc
    if not head.strip() or head.strip() == codecs.BOM_UTF8:
        raise AtelierError(
            _("“{name}” is empty: there is nothing to import.").format(name=path.name)
        )
    if head.startswith(b"PK\x03\x04"):
        return _Source(path, "xlsx", None, None, size)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise AtelierError(
            _(
                "“{name}” is an old Excel file (.xls): save it as .xlsx or CSV, then import it."
            ).format(name=path.name)
        )
    if b"\x00" in head:
        raise _not_a_table(path)
    encoding = encoding or _detect_encoding(path, head)
    sample = head.decode(encoding, errors="ignore")
    if _is_binary(sample):
        raise _not_a_table(path)
    return _Source(path, "csv", encoding, delimiter or _detect_delimiter(sample), size)


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        if value.hour == value.minute == value.second == value.microsecond == 0:
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)


def _records(source: _Source, on_bytes: Progress | None = None) -> Iterator[tuple[int, list[str]]]:
    """(line, cells) of every non-empty record, header first; lines are 1-based."""
    if source.kind == "xlsx":
        yield from _xlsx_records(source, on_bytes)
        return
    with source.path.open("rb") as raw:
        text = io.TextIOWrapper(raw, encoding=source.encoding, newline="")
        reader = csv.reader(text, delimiter=source.delimiter)
        start = 1
        count = 0
        try:
            for cells in reader:
                line, start = start, reader.line_num + 1
                if any(c.strip() for c in cells):
                    yield line, cells
                count += 1
                if on_bytes is not None and count % 1000 == 0:
                    on_bytes(raw.tell(), source.size)
        except csv.Error as exc:
            raise AtelierError(
                _("“{name}” cannot be read as CSV near line {line}: {reason}").format(
                    name=source.path.name, line=start, reason=exc
                )
            ) from exc
        except UnicodeDecodeError as exc:  # the file changed since it was looked at
            raise _not_a_table(source.path) from exc


def _xlsx_records(source: _Source, on_bytes: Progress | None) -> Iterator[tuple[int, list[str]]]:
    import openpyxl  # only when an XLSX file is imported: not on the start-up path

    try:
        workbook = openpyxl.load_workbook(source.path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise _not_a_table(source.path) from exc
    except Exception as exc:  # openpyxl raises many kinds for a ZIP that is not a workbook
        raise _not_a_table(source.path) from exc
    try:
        sheet = workbook.worksheets[0] if workbook.worksheets else None
        if sheet is None:
            return
        total = sheet.max_row or 0
        for line, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells = [_cell_text(v) for v in values]
            while cells and not cells[-1].strip():
                cells.pop()
            if cells:
                yield line, cells
            if on_bytes is not None and total and line % 1000 == 0:
                on_bytes(min(line, total), total)
    finally:
        workbook.close()


def _unique_headers(cells: list[str]) -> list[str]:
    headers, seen = [], {}
    for i, cell in enumerate(cells, start=1):
        name = " ".join(_unquote(cell).split()) or f"column_{i}"
        if name in seen:
            seen[name] += 1
            name = f"{name} ({seen[name]})"
        else:
            seen[name] = 1
        headers.append(name)
    return headers


def preview_file(path: Path | str, *, sample: int = 20) -> SourcePreview:
    """Headers, the first ``sample`` rows and the row count; refuses what is not a table."""
    source = _open_source(path)
    records = _records(source)
    try:
        _line, header_cells = next(records)
    except StopIteration:
        if source.kind == "xlsx":
            raise AtelierError(
                _("“{name}” is empty: there is nothing to import.").format(name=source.path.name)
            ) from None
        raise _not_a_table(source.path) from None
    headers = _unique_headers(header_cells)
    rows, count = [], 0
    for _line, cells in records:
        count += 1
        if len(rows) < sample:
            cells = [_unquote(c) for c in cells[: len(headers)]]
            rows.append(cells + [""] * (len(headers) - len(cells)))
    return SourcePreview(
        path=source.path,
        kind=source.kind,
        encoding=source.encoding,
        delimiter=source.delimiter,
        headers=headers,
        sample_rows=rows,
        row_count=count,
    )


def _unquote(cell: str) -> str:
    """A cell neutralised on export ("'=SUM(…)", "'+33 6…") read back as it was."""
    if len(cell) > 1 and cell[0] == "'" and cell[1] in "=+-@\t\r":
        return cell[1:]
    return cell


# --------------------------------------------------------------------------- suggestions


def _norm(text: str | None) -> str:
    """Folded, punctuation as spaces: "Type d'acteur·rice" → "type d acteur rice"."""
    return " ".join(re.sub(r"[^\w]+", " ", fold(text)).replace("_", " ").split())


_SYNONYMS: dict[str, tuple[str, ...]] = {
    "last_name": ("nom", "nom de famille", "last name", "lastname", "surname", "family name",
                  "nom d usage", "nom de naissance"),
    "first_name": ("prenom", "prenoms", "first name", "firstname", "given name", "forename"),
    "full_name": ("nom complet", "nom et prenom", "nom prenom", "prenom nom", "full name",
                  "name", "participant", "participante", "participant e", "identite"),
    "email": ("email", "e mail", "courriel", "mail", "adresse e mail", "adresse mail",
              "adresse electronique", "email address", "e mail address", "mel"),
    "phone": ("telephone", "tel", "portable", "mobile", "phone", "phone number",
              "numero de telephone", "tel portable", "telephone portable", "tel fixe"),
    "postal_address": ("adresse", "adresse postale", "address", "postal address", "rue",
                       "street", "voie", "domicile"),
    "postal_code": ("code postal", "cp", "postal code", "zip", "zip code", "postcode"),
    "city": ("ville", "commune", "city", "town", "localite"),
    "stakeholder_type": ("type d acteur", "type d acteur rice", "type d acteur ice",
                         "type d acteurs", "categorie", "type", "stakeholder type",
                         "stakeholder", "profil", "statut", "college", "type de participant"),
    "affiliation": ("structure", "organisme", "association", "affiliation", "organisation",
                    "organization", "entreprise", "employeur", "company", "societe"),
    "birth_year": ("annee de naissance", "annee naissance", "birth year", "year of birth",
                   "ne e en", "nee en", "ne en"),
    "birth_date": ("date de naissance", "date naissance", "birth date", "date of birth", "dob",
                   "ne e le", "nee le", "ne le", "birthday"),
    "notes": ("notes", "note", "commentaire", "commentaires", "remarque", "remarques",
              "observations", "comments", "comment"),
    "jury_volunteer": ("volontaire jury", "volontaire pour le jury", "jury", "jury volunteer",
                       "candidat jury", "candidate jury", "candidat e jury",
                       "volontaire tirage au sort", "volunteer"),
    "ignore": ("code", "id", "identifiant", "numero", "n", "no", "num", "#"),
}  # fmt: skip

#: Usual names of the usual categories, when the workspace has a category with that key.
_ATTRIBUTE_SYNONYMS: dict[str, tuple[str, ...]] = {
    "genre": ("genre", "sexe", "gender", "sex"),
    "tranche_age": ("tranche d age", "age", "tranche", "age band", "age group", "classe d age"),
    "quartier": ("quartier", "neighbourhood", "neighborhood", "district", "secteur", "iris"),
    "diplome": ("diplome", "niveau de diplome", "niveau d etudes", "education",
                "education level", "diploma"),
}  # fmt: skip

_STAKEHOLDER_SYNONYMS: dict[str, tuple[str, ...]] = {
    "resident": ("habitant", "habitante", "habitant e", "habitants", "residente", "riverain",
                 "riveraine", "citoyen", "citoyenne", "citoyen ne", "resident e"),
    "association": ("asso", "associatif", "associative", "membre d association",
                    "representant associatif"),
    "elected": ("elu", "elue", "elu e", "elus", "elected", "elected representative",
                "conseiller municipal", "conseillere municipale", "maire", "adjoint",
                "adjointe", "adjoint e"),
    "staff": ("agent", "agente", "agent e", "agent municipal", "agente municipale",
              "agent e municipal e", "municipal staff", "services municipaux", "technicien",
              "technicienne", "personnel municipal"),
    "shopkeeper": ("commercant", "commercante", "commercant e", "artisan", "artisane",
                   "commerce"),
    "business": ("entreprise", "company", "societe", "business"),
    "youth": ("jeune", "jeunes", "young person", "youth", "young"),
    "other": ("autre", "other", "autres"),
}  # fmt: skip


def _stakeholder_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for code in STAKEHOLDER_TYPES:
        index[_norm(code)] = code
        index[_norm(labels.stakeholder_type(code))] = code  # the current language's label
        index[_norm(labels._STAKEHOLDER_TYPES[code])] = code  # the English label
    for code, words in _STAKEHOLDER_SYNONYMS.items():
        for word in words:
            index.setdefault(_norm(word), code)
    return index


def _consent_purposes(session: Session) -> list[str]:
    return list(session.scalars(select(ConsentPurpose.code).order_by(ConsentPurpose.position)))


def suggest_mapping(
    preview: SourcePreview,
    vocabularies: dict[str, Vocabulary],
    purposes: list[str] | tuple[str, ...] = (),
) -> ImportMapping:
    """A first mapping from the headers; headers it cannot place are left out (unmapped).

    ``purposes``: consent purpose codes of the workspace, for headers like "Consentement
    photo" or "consent:photo".
    """
    table: dict[str, str] = {}
    for target, words in _SYNONYMS.items():
        for word in words:
            table.setdefault(_norm(word), target)
    for key, vocabulary in vocabularies.items():
        target = f"attribute:{key}"
        for word in (key, vocabulary.label, *_ATTRIBUTE_SYNONYMS.get(key, ())):
            table[_norm(word)] = target  # the workspace's categories win over field synonyms
    for code in purposes:
        for word in (
            f"consent {code}",
            f"consentement {code}",
            f"consent:{code}",
            f"accord {code}",
        ):
            table[_norm(word)] = f"consent:{code}"
    if "photo" in purposes:
        for word in ("droit a l image", "autorisation photo", "photo"):
            table[_norm(word)] = "consent:photo"
    if "contact" in purposes:
        table[_norm("accepte d etre recontacte")] = "consent:contact"
    for target in FIELD_TARGETS:  # a header that is a target name maps to itself
        table.setdefault(_norm(target), target)

    columns: dict[str, str] = {}
    used: set[str] = set()
    for header in preview.headers:
        target = table.get(_norm(header))
        if header.startswith(("attribute:", "consent:")) and target is None:
            target = header
        if target is None:
            continue
        if target in used and target not in MULTI_TARGETS:
            continue  # a second "Nom" column: let the person decide
        used.add(target)
        columns[header] = target
    if "full_name" in used and ({"first_name", "last_name"} & used):
        for header, target in list(columns.items()):
            if target == "full_name":
                del columns[header]
    return ImportMapping(columns=columns)


# --------------------------------------------------------------------------- dates and values

_MONTHS = {
    "janvier": 1, "janv": 1, "jan": 1, "january": 1,
    "fevrier": 2, "fevr": 2, "fev": 2, "feb": 2, "february": 2,
    "mars": 3, "mar": 3, "march": 3,
    "avril": 4, "avr": 4, "apr": 4, "april": 4,
    "mai": 5, "may": 5,
    "juin": 6, "jun": 6, "june": 6,
    "juillet": 7, "juil": 7, "jul": 7, "july": 7,
    "aout": 8, "aou": 8, "aug": 8, "august": 8,
    "septembre": 9, "sept": 9, "sep": 9, "september": 9,
    "octobre": 10, "oct": 10, "october": 10,
    "novembre": 11, "nov": 11, "november": 11,
    "decembre": 12, "dec": 12, "december": 12,
}  # fmt: skip
_NUMERIC_DATE = re.compile(r"^(\d{1,4})[/\-. ](\d{1,2})[/\-. ](\d{1,4})$")
_WORDS_DATE = re.compile(r"^(\d{1,2})(?:er|st|nd|rd|th)?\s+([a-z]+)\.?\s+(\d{4})$")
_WORDS_DATE_EN = re.compile(r"^([a-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})$")


def _full_year(year: int, digits: int) -> int:
    if digits > 2:
        return year
    this = date.today().year % 100
    return 2000 + year if year <= this else 1900 + year


def parse_date(text: str, order: str = "dmy") -> date:
    """A date typed the French way (or ISO); raises ValueError when it is not one."""
    raw = text.strip()
    if len(raw) >= 10 and raw[4] == "-" and raw[7] == "-":  # ISO, maybe with a time
        return date.fromisoformat(raw[:10])
    match = _NUMERIC_DATE.match(raw)
    if match:
        a, b, c = match.groups()
        if len(a) == 4:  # 1980/12/31 is unambiguous
            y, m, d = int(a), int(b), int(c)
        elif order == "mdy":
            m, d, y = int(a), int(b), _full_year(int(c), len(c))
        elif order == "ymd":
            y, m, d = _full_year(int(a), len(a)), int(b), int(c)
        else:
            d, m, y = int(a), int(b), _full_year(int(c), len(c))
        return date(y, m, d)
    folded = fold(raw)
    match = _WORDS_DATE.match(folded)
    if match and match.group(2) in _MONTHS:
        return date(int(match.group(3)), _MONTHS[match.group(2)], int(match.group(1)))
    match = _WORDS_DATE_EN.match(folded)
    if match and match.group(1) in _MONTHS:
        return date(int(match.group(3)), _MONTHS[match.group(1)], int(match.group(2)))
    raise ValueError(text)


def _split_full_name(text: str) -> tuple[str, str]:
    """(first, last) from "DUPONT Marie", "Marie DUPONT", "Dupont, Marie" or "Dupont Marie"."""
    if "," in text:
        last, _sep, first = text.partition(",")
        return first.strip(), last.strip()
    words = text.split()
    if len(words) < 2:
        return "", text
    capitals = [w for w in words if w.isupper() and len(w.strip(".-'")) > 1]
    if capitals and len(capitals) < len(words):
        return " ".join(w for w in words if w not in capitals), " ".join(capitals)
    return " ".join(words[1:]), words[0]


# --------------------------------------------------------------------------- fast keys


def _fold_table() -> dict[int, str]:
    """Accented Latin letters (and odd spaces) → what :func:`fold` makes of them, ASCII only."""
    table = {}
    for block in ((0x80, 0x250), (0x300, 0x370), (0x1E00, 0x1F00), (0x2000, 0x2070)):
        for cp in range(*block):
            folded = fold(f"a{chr(cp)}b")[1:-1]
            if folded.isascii():
                table[cp] = folded
    return table


_FOLD_TABLE = _fold_table()


def _fast_fold(text: str | None) -> str:
    """The same as :func:`fold`, several times faster on Latin text (a test checks both agree)."""
    if not text:
        return ""
    lowered = text.casefold()
    if not lowered.isascii():
        lowered = lowered.translate(_FOLD_TABLE)
        if not lowered.isascii():
            return fold(text)
    return " ".join(lowered.split())


class _Keys:
    """``participant_keys`` and ``household_key`` for many rows, with repeated names and
    addresses folded once (a test checks the results equal the models' own functions)."""

    def __init__(self) -> None:
        self._names: dict[str, str] = {}
        self._households: dict[str, str | None] = {}

    def name(self, text: str) -> str:
        folded = self._names.get(text)
        if folded is None:
            folded = self._names[text] = _fast_fold(text)
            if len(self._names) > 200_000:
                self._names.clear()
        return folded

    def participant(self, first: str, last: str, email: str | None, phone: str | None) -> dict:
        f, la = self.name(first), self.name(last)
        words = " ".join(p for p in (f, la, _fast_fold(email), _fast_fold(phone)) if p)
        sort_key = f"{la} {f}" if la and f else la or f
        first_key = f"{f} {la}" if la and f else la or f
        if words.isascii():
            return {"sort_key": sort_key, "first_key": first_key, "search_text": words}
        transliterated = latin(words)
        return {
            "sort_key": latin(sort_key),
            "first_key": latin(first_key),
            "search_text": words if transliterated == words else f"{words} {transliterated}",
        }

    def first_key(self, first: str, last: str) -> str:
        f, la = self.name(first), self.name(last)
        key = f"{f} {la}" if la and f else la or f
        return key if key.isascii() else latin(key)

    def household(self, address: str | None) -> str | None:
        if not address:
            return None
        folded = _fast_fold(address)
        key = self._households.get(folded, False)
        if key is False:
            key = self._households[folded] = household_key(folded)
            if len(self._households) > 200_000:
                self._households.clear()
        return key


def _ordered_ids() -> Iterator[uuid.UUID]:
    """UUIDs of version 7 (RFC 9562: a millisecond timestamp, a counter, 62 random bits).

    They are as unique as random ones, and rows inserted in their order go to the end of the
    primary-key indexes instead of all over them, which makes a large import much faster.
    """
    ms = time.time_ns() // 1_000_000
    while True:
        block = secrets.token_bytes(8 * 4096)
        for counter in range(4096):
            rand = int.from_bytes(block[counter * 8 : counter * 8 + 8], "big") >> 2
            yield uuid.UUID(int=(ms << 80) | (0x7 << 76) | (counter << 64) | (0b10 << 62) | rand)
        ms = max(ms + 1, time.time_ns() // 1_000_000)


# --------------------------------------------------------------------------- the plan


@dataclass
class _Plan:
    """A mapping checked against the file's headers and the workspace."""

    headers: list[str]
    width: int
    single: dict[str, int]  # target → column index
    multi: dict[str, list[int]]  # postal_address / notes → column indexes
    attributes: list[tuple[int, str, Vocabulary, dict[str, str | None]]]
    consents: list[tuple[int, str, str]]  # (column, header, purpose code)
    stakeholders: dict[str, str]  # folded raw → code ("" = default)
    stakeholder_map: dict[str, str | None]  # folded raw → code or "" from the mapping
    date_order: str
    process_id: uuid.UUID | None


def _plan(session: Session, headers: list[str], mapping: ImportMapping) -> _Plan:
    vocabularies = load_vocabularies(session)
    purposes = set(_consent_purposes(session))
    position = {h: i for i, h in enumerate(headers)}
    missing = [h for h in mapping.columns if h not in position]
    if missing:
        raise AtelierError(
            ngettext(
                "The file has no column {columns} named in the mapping.",
                "The file has no columns {columns} named in the mapping.",
                len(missing),
            ).format(columns=", ".join(f"“{h}”" for h in missing))
        )
    single: dict[str, int] = {}
    multi: dict[str, list[int]] = {}
    attributes = []
    consents = []
    by_target: dict[str, str] = {}
    for header, target in mapping.columns.items():
        index = position[header]
        if target in MULTI_TARGETS:
            multi.setdefault(target, []).append(index)
            continue
        if target in by_target:
            raise AtelierError(
                _("Two columns (“{a}” and “{b}”) are mapped to {target}.").format(
                    a=by_target[target], b=header, target=target
                )
            )
        by_target[target] = header
        if target.startswith("attribute:"):
            key = target.split(":", 1)[1]
            vocabulary = vocabularies.get(key)
            if vocabulary is None:
                raise AtelierError(
                    _(
                        "The workspace has no attribute category “{key}” (column “{header}”)."
                    ).format(key=key, header=header)
                )
            table = _value_table(mapping, target, vocabulary)
            attributes.append((index, header, vocabulary, table))
        elif target.startswith("consent:"):
            code = target.split(":", 1)[1]
            if code not in purposes:
                raise AtelierError(
                    _("The workspace has no consent purpose “{code}” (column “{header}”).").format(
                        code=code, header=header
                    )
                )
            consents.append((index, header, code))
        elif target in FIELD_TARGETS:
            single[target] = index
        else:
            raise AtelierError(
                _("Unknown target “{target}” for the column “{header}”.").format(
                    target=target, header=header
                )
            )
    if not {"first_name", "last_name", "full_name"} & set(single):
        raise AtelierError(
            _("No column is mapped to a name: map a column to first_name, last_name or full_name.")
        )
    if "full_name" in single and {"first_name", "last_name"} & set(single):
        raise AtelierError(_("Map either full_name or first_name/last_name, not both."))
    if "birth_year" in single and "birth_date" in single:
        raise AtelierError(_("Map either birth_year or birth_date, not both."))
    process_id = mapping.process_id
    if process_id is not None and session.get(Process, process_id) is None:
        raise AtelierError(_("There is no process {id} in this workspace.").format(id=process_id))
    if "jury_volunteer" in single and process_id is None:
        raise AtelierError(
            _("Jury volunteers are recorded in a process: choose the process to register in.")
        )
    stakeholder_map = {}
    for raw, code in mapping.values.get("stakeholder_type", {}).items():
        if code is not None and code != "" and code not in STAKEHOLDER_TYPES:
            raise AtelierError(
                _("Unknown stakeholder type “{kind}” in the mapping (allowed: {allowed}).").format(
                    kind=code, allowed=", ".join(STAKEHOLDER_TYPES)
                )
            )
        if code is not None:
            stakeholder_map[_norm(raw)] = code
    return _Plan(
        headers=headers,
        width=len(headers),
        single=single,
        multi=multi,
        attributes=attributes,
        consents=consents,
        stakeholders=_stakeholder_index(),
        stakeholder_map=stakeholder_map,
        date_order=mapping.date_order,
        process_id=process_id,
    )


def _value_table(
    mapping: ImportMapping, target: str, vocabulary: Vocabulary
) -> dict[str, str | None]:
    """folded raw → allowed value ("" = leave empty); mapped values must be allowed."""
    table: dict[str, str | None] = {}
    for raw, mapped in mapping.values.get(target, {}).items():
        if mapped is None:
            continue
        if mapped == "":
            table[fold(raw)] = ""
            continue
        value = vocabulary.match(mapped)
        if value is None:
            raise AtelierError(
                _("“{value}” is not an allowed value of “{category}” (allowed: {allowed}).").format(
                    value=mapped,
                    category=vocabulary.label,
                    allowed=", ".join(v.value for v in vocabulary.values),
                )
            )
        table[fold(raw)] = value.value
    return table


# --------------------------------------------------------------------------- reading rows


@dataclass
class _Row:
    line: int
    person: dict
    attributes: list[tuple[uuid.UUID, uuid.UUID]]  # (category id, value id)
    consents: list[tuple[str, date]]
    jury_volunteer: bool


def _same(value):
    return value


class _Reader:
    """Turns the cells of one row into cleaned participant data, or problems.

    The rules are those of :meth:`ParticipantData.cleaned` (a test checks both agree), written
    out so that each problem names its column and 100,000 rows stay fast.
    """

    def __init__(self, plan: _Plan, report: ImportReport, today: date) -> None:
        self.plan = plan
        self.report = report
        self.today = today
        single = plan.single
        self.i_full = single.get("full_name")
        self.i_first = single.get("first_name")
        self.i_last = single.get("last_name")
        self.i_email = single.get("email")
        self.i_phone = single.get("phone")
        self.i_kind = single.get("stakeholder_type")
        self.i_affiliation = single.get("affiliation")
        self.i_year = single.get("birth_year")
        self.i_date = single.get("birth_date")
        self.i_volunteer = single.get("jury_volunteer")
        self.i_address = plan.multi.get("postal_address", [])
        self.i_locality = [
            i for i in (single.get("postal_code"), single.get("city")) if i is not None
        ]
        self.i_notes = plan.multi.get("notes", [])
        self.i_name = next(i for i in (self.i_last, self.i_full, self.i_first) if i is not None)
        self._kinds: dict[str, str | None] = {}
        #: how ids are stored (hex on SQLite), set by the writer
        self.stored_id = _same
        self._attributes: dict[tuple[int, str], tuple | bool | None] = {}

    def problem(self, line: int, index: int, value: str, reason: str) -> None:
        self.report.problems.append(RowProblem(line, self.plan.headers[index], value, reason))

    def unknown(self, target: str, raw: str) -> None:
        values = self.report.unknown_values.setdefault(target, {})
        values[raw] = values.get(raw, 0) + 1

    def _kind(self, raw: str) -> str | None:
        """The stakeholder code for a raw value ("" = the default), None when unknown."""
        code = self._kinds.get(raw, False)
        if code is False:
            key = _norm(raw)
            code = self.plan.stakeholder_map.get(key)
            if code is None:
                code = self.plan.stakeholders.get(key)
            self._kinds[raw] = code
        return code

    def _attribute(self, index: int, raw: str, vocabulary: Vocabulary, table: dict):
        """(category id, value id), False for "leave empty", None when unknown."""
        found = self._attributes.get((index, raw), False)
        if found is False:
            plain = raw
            mapped = table.get(fold(plain))
            if mapped == "":
                found = True
            else:
                value = vocabulary.match(mapped if mapped is not None else plain)
                if value is not None:
                    found = (self.stored_id(vocabulary.id), self.stored_id(value.id))
                else:
                    found = None
            self._attributes[(index, raw)] = found
        return found

    def read(self, line: int, cells: list[str]) -> _Row | None:
        plan = self.plan
        if len(cells) < plan.width:
            cells = cells + [""] * (plan.width - len(cells))
        if "\x00'" in "\x00" + "\x00".join(cells):  # a cell neutralised by an export
            cells = [_unquote(c) for c in cells]
        ok = True

        if self.i_full is not None:
            first, last = _split_full_name(" ".join(cells[self.i_full].split()))
        else:
            first = cells[self.i_first] if self.i_first is not None else ""
            last = cells[self.i_last] if self.i_last is not None else ""
        first = " ".join(first.split())
        last = " ".join(last.split())
        if not first and not last:
            self.problem(
                line, self.i_name, "", _("A participant needs a first name or a last name.")
            )
            ok = False

        email = None
        if self.i_email is not None:
            email = " ".join(cells[self.i_email].split()).lower() or None
            if email and not _EMAIL.match(email):
                self.problem(
                    line, self.i_email, email,
                    _("“{email}” is not an email address.").format(email=email),
                )  # fmt: skip
                ok = False
        phone = None
        if self.i_phone is not None:
            phone = " ".join(cells[self.i_phone].split()) or None

        parts = [p for p in (cells[i].strip() for i in self.i_address) if p]
        if self.i_locality:
            locality = " ".join(p for p in (cells[i].strip() for i in self.i_locality) if p)
            if locality:
                parts.append(locality)
        address = ", ".join(parts) or None

        kind = "resident"
        if self.i_kind is not None:
            raw = " ".join(cells[self.i_kind].split())
            if raw:
                code = self._kind(raw)
                if code is None:
                    self.unknown("stakeholder_type", raw)
                    ok = False
                elif code:
                    kind = code

        birth_year = None
        index = self.i_year if self.i_year is not None else self.i_date
        if index is not None:
            raw = cells[index].strip()
            if raw:
                try:
                    if index == self.i_year:
                        birth_year = int(float(raw)) if "." in raw else int(raw)
                    else:
                        birth_year = parse_date(raw, plan.date_order).year
                except ValueError:
                    reason = (
                        _("“{value}” is not a year.")
                        if index == self.i_year
                        else _("“{value}” is not a date.")
                    )
                    self.problem(line, index, raw, reason.format(value=raw))
                    ok = False
                if birth_year is not None and not 1900 <= birth_year <= 2100:
                    self.problem(
                        line, index, raw,
                        _("The birth year {year} is not plausible.").format(year=birth_year),
                    )  # fmt: skip
                    ok = False

        notes = "\n".join(p for p in (cells[i].strip() for i in self.i_notes) if p)

        attributes = []
        for index, _header, vocabulary, table in plan.attributes:
            raw = cells[index].strip()
            if raw:
                found = self._attribute(index, raw, vocabulary, table)
                if found is None:
                    self.unknown(f"attribute:{vocabulary.key}", raw)
                    ok = False
                elif found is not True:
                    attributes.append(found)

        consents = []
        for index, _header, code in plan.consents:
            raw = cells[index].strip()
            folded = fold(raw)
            if folded in _NO:
                continue
            if folded in _YES:
                consents.append((code, self.today))
                continue
            try:
                consents.append((code, parse_date(raw, plan.date_order)))
            except ValueError:
                self.problem(
                    line, index, raw,
                    _("“{value}” is neither a date nor yes/no.").format(value=raw),
                )  # fmt: skip
                ok = False

        volunteer = False
        if self.i_volunteer is not None:
            raw = cells[self.i_volunteer].strip()
            folded = fold(raw)
            if folded in _YES:
                volunteer = True
            elif folded not in _NO:
                self.problem(
                    line, self.i_volunteer, raw,
                    _("“{value}” is neither yes nor no.").format(value=raw),
                )  # fmt: skip
                ok = False

        if not ok:
            return None
        affiliation = None
        if self.i_affiliation is not None:
            affiliation = " ".join(cells[self.i_affiliation].split()) or None
        person = {
            "first_name": first,
            "last_name": last,
            "email": email,
            "phone": phone,
            "postal_address": address,
            "stakeholder_type": kind,
            "affiliation": affiliation,
            "birth_year": birth_year,
            "notes": notes or None,
        }
        return _Row(line, person, attributes, consents, volunteer)


class _Duplicates:
    """Likely duplicates: the same folded name and the same email, phone or birth year (the
    rules of :mod:`app.facilitation.duplicates`, which merges them)."""

    def __init__(self, session: Session, report: ImportReport) -> None:
        self.report = report
        self.registry: dict[tuple[str, str], uuid.UUID] = {}
        self.in_file: dict[tuple[str, str], int] = {}
        rows = session.execute(
            select(
                Participant.id,
                Participant.first_key,
                Participant.email,
                Participant.phone,
                Participant.birth_year,
            ).where(Participant.erased_at.is_(None))
        )
        for pid, name, email, phone, year in rows:
            for key in self._keys(name, email, phone, year):
                self.registry.setdefault(key, pid)

    @staticmethod
    def _keys(name: str, email, phone, year) -> list[tuple[str, str]]:
        keys = []
        if email:
            keys.append((name, "e" + _fast_fold(email)))
        if phone:
            digits = phone_key(phone)
            if digits:
                keys.append((name, "p" + digits))
        if year:
            keys.append((name, f"y{year}"))
        return keys

    def check(self, line: int, person: dict, first_key: str) -> None:
        keys = self._keys(first_key, person["email"], person["phone"], person["birth_year"])
        if not keys:
            return
        for key in keys:
            pid = self.registry.get(key)
            if pid is not None:
                self.report.duplicates_in_registry.append((line, pid))
                break
        for key in keys:
            earlier = self.in_file.get(key)
            if earlier is not None:
                self.report.duplicates_in_file.append((earlier, line))
                break
        for key in keys:
            self.in_file.setdefault(key, line)


# --------------------------------------------------------------------------- check and import


#: Random bytes mapped to the code alphabet (bytes that would favour some letters are dropped).
_CODE_BYTES = bytes(ord(CODE_ALPHABET[b % len(CODE_ALPHABET)]) for b in range(256))
_CODE_DROP = bytes(range(256 - 256 % len(CODE_ALPHABET), 256))


def _new_codes(existing: set[str]) -> Iterator[str]:
    """Unique participant codes (random, like ``new_participant_code``), never in ``existing``."""
    while True:
        letters = secrets.token_bytes(CODE_LENGTH * 8192).translate(_CODE_BYTES, _CODE_DROP)
        text = letters.decode("ascii")
        for i in range(0, len(text) - CODE_LENGTH + 1, CODE_LENGTH):
            code = text[i : i + CODE_LENGTH]
            if code not in existing:
                existing.add(code)
                yield code


class _Writer:
    """Bulk inserts of the import's rows, in the caller's transaction.

    Everywhere: Core ``insert()`` with lists of dicts. On SQLite the same statement, compiled
    by SQLAlchemy, runs with values already in their stored form (UUIDs as hex, times as text)
    and rows as tuples: the per-value type processing would otherwise cost as much as SQLite's
    own work.
    """

    TABLES = (
        Participant.__table__,
        ParticipantAttribute.__table__,
        ConsentRecord.__table__,
        Registration.__table__,
    )

    def __init__(self, session: Session) -> None:
        self.session = session
        self.dialect = session.get_bind().dialect
        self.fast = self.dialect.name == "sqlite"
        self._statements: dict[str, tuple[str, itemgetter]] = {}
        if self.fast:
            for table in self.TABLES:
                # ``version`` (optimistic locking) is left to its server default, 1.
                names = [c.name for c in table.columns if c.name != "version"]
                compiled = (
                    insert(table)
                    .values({n: bindparam(n) for n in names})
                    .compile(dialect=self.dialect)
                )
                self._statements[table.name] = (str(compiled), itemgetter(*compiled.positiontup))

    def uuid(self, value: uuid.UUID):
        return value.hex if self.fast else value

    def stored(self, column, value):
        """``value`` as the driver receives it for ``column`` (for values used many times)."""
        if not self.fast:
            return value
        processor = column.type.dialect_impl(self.dialect).bind_processor(self.dialect)
        return processor(value) if processor is not None else value

    def insert(self, table, rows: list[dict]) -> None:
        if not rows:
            return
        if self.fast:
            sql, getter = self._statements[table.name]
            self.session.connection().exec_driver_sql(sql, [getter(r) for r in rows])
        else:
            self.session.execute(insert(table), rows)

    @contextlib.contextmanager
    def deferred_indexes(self, enabled: bool) -> Iterator[None]:
        """On SQLite, drop the secondary indexes of the tables being filled and build them
        again at the end, in the same transaction: building an index once over sorted keys
        is much cheaper than updating it row by row. A failure rolls the drop back too."""
        if not (self.fast and enabled):
            yield
            return
        connection = self.session.connection()
        raw = connection.connection.driver_connection
        if not raw.in_transaction:
            # Python's sqlite3 opens a transaction only before INSERT/UPDATE/DELETE: without
            # this, DROP INDEX would be committed at once and survive a refused import.
            connection.exec_driver_sql("SAVEPOINT import_indexes")
        names = [t.name for t in self.TABLES]
        marks = ", ".join("?" for _ in names)
        indexes = connection.exec_driver_sql(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
            f"AND tbl_name IN ({marks})",
            tuple(names),
        ).all()
        for name, _sql in indexes:
            connection.exec_driver_sql(f'DROP INDEX "{name}"')
        yield
        for _name, sql in indexes:
            connection.exec_driver_sql(sql)

    @contextlib.contextmanager
    def large_cache(self) -> Iterator[None]:
        """A 64 MiB page cache on SQLite while the import runs (indexes stay in memory)."""
        if not self.fast:
            yield
            return
        connection = self.session.connection()
        before = connection.exec_driver_sql("PRAGMA cache_size").scalar()
        connection.exec_driver_sql("PRAGMA cache_size = -65536")
        try:
            yield
        finally:
            connection.exec_driver_sql(f"PRAGMA cache_size = {int(before)}")


def _run(
    session: Session,
    path: Path | str,
    mapping: ImportMapping,
    *,
    write: bool,
    progress: Progress,
    cancel: CancelToken | None,
) -> tuple[ImportReport, int, int]:
    """Read every row; with ``write``, insert while the file stays clean (the caller commits
    or rolls back). Returns (report, participants inserted, registrations inserted)."""
    source = _open_source(path, encoding=mapping.encoding, delimiter=mapping.delimiter)
    records = _records(source, progress)
    try:
        _line, header_cells = next(records)
    except StopIteration:
        raise _not_a_table(source.path) from None
    plan = _plan(session, _unique_headers(header_cells), mapping)
    report = ImportReport()
    reader = _Reader(plan, report, date.today())
    duplicates = _Duplicates(session, report)
    writer = _Writer(session)
    reader.stored_id = writer.uuid if write else _same
    if not write:
        keys_of = _Keys()
        for line, cells in records:
            report.rows += 1
            if cancel is not None and report.rows % 1000 == 0:
                cancel.check()
            row = reader.read(line, cells)
            if row is not None:
                person = row.person
                first_key = keys_of.first_key(person["first_name"], person["last_name"])
                duplicates.check(line, person, first_key)
        progress(source.size, source.size)
        return report, 0, 0

    with writer.large_cache(), writer.deferred_indexes(source.size > DEFER_INDEXES_BYTES):
        inserted, registered = _write_rows(
            session, source, plan, records, reader, duplicates, writer, cancel
        )
    progress(source.size, source.size)
    return report, inserted, registered


def _write_rows(session, source, plan, records, reader, duplicates, writer, cancel):
    report = reader.report
    codes = _new_codes(set(session.scalars(select(Participant.code))))
    ids = _ordered_ids()
    uid = writer.uuid
    keys_of = _Keys()
    tables = {t.name: t for t in writer.TABLES}
    participant, attribute = tables["participant"], tables["participant_attribute"]
    consent, registration = tables["consent_record"], tables["registration"]
    now = writer.stored(participant.c.created_at, utcnow())
    process_id = uid(plan.process_id) if plan.process_id is not None else None
    volunteer = {v: writer.stored(registration.c.jury_volunteer, v) for v in (True, False)}
    given: dict[date, object] = {}
    note = _("Imported from {name}").format(name=source.path.name)
    people: list[dict] = []
    attributes: list[dict] = []
    consents: list[dict] = []
    registrations: list[dict] = []
    inserted = registered = 0

    def flush() -> None:
        nonlocal inserted, registered
        writer.insert(participant, people)
        writer.insert(attribute, attributes)
        writer.insert(consent, consents)
        writer.insert(registration, registrations)
        inserted += len(people)
        registered += len(registrations)
        people.clear()
        attributes.clear()
        consents.clear()
        registrations.clear()

    for line, cells in records:
        report.rows += 1
        if cancel is not None and report.rows % 1000 == 0:
            cancel.check()
        row = reader.read(line, cells)
        if row is None:
            continue
        person = row.person
        keys = keys_of.participant(
            person["first_name"], person["last_name"], person["email"], person["phone"]
        )
        duplicates.check(line, person, keys["first_key"])
        if not report.ok:
            continue  # nothing more is written: the transaction will be rolled back
        pid = uid(next(ids))
        person.update(keys)
        person["id"] = pid
        person["created_at"] = now
        person["updated_at"] = now
        person["code"] = next(codes)
        person["household_key"] = keys_of.household(person["postal_address"])
        person["organisation_id"] = None
        person["erased_at"] = None
        people.append(person)
        for category_id, value_id in row.attributes:
            attributes.append(
                {"participant_id": pid, "category_id": category_id, "value_id": value_id}
            )
        for purpose, given_on in row.consents:
            if given_on not in given:
                given[given_on] = writer.stored(consent.c.given_on, given_on)
            consents.append(
                {
                    "id": uid(next(ids)),
                    "created_at": now,
                    "updated_at": now,
                    "participant_id": pid,
                    "purpose": purpose,
                    "given_on": given[given_on],
                    "method": "paper",
                    "withdrawn_on": None,
                    "note": note,
                }
            )
        if process_id is not None:
            registrations.append(
                {
                    "id": uid(next(ids)),
                    "created_at": now,
                    "updated_at": now,
                    "process_id": process_id,
                    "participant_id": pid,
                    "jury_volunteer": volunteer[row.jury_volunteer],
                }
            )
        if len(people) >= BATCH:
            flush()
    if cancel is not None:
        cancel.check()
    if report.ok:
        flush()
    return inserted, registered


def check_import(
    session: Session,
    path: Path | str,
    mapping: ImportMapping,
    *,
    progress: Progress = no_progress,
    cancel: CancelToken | None = None,
) -> ImportReport:
    """Read and check every row without writing anything."""
    try:
        report, _n, _r = _run(session, path, mapping, write=False, progress=progress, cancel=cancel)
    finally:
        session.rollback()
    return report


def import_participants(
    session: Session,
    path: Path | str,
    mapping: ImportMapping,
    *,
    progress: Progress = no_progress,
    cancel: CancelToken | None = None,
) -> ImportResult:
    """Import every row in one transaction, or nothing.

    Rows are inserted in batches while the file is clean; the first problem stops the inserts,
    the rest of the file is still checked, and everything is rolled back, so the
    :class:`ImportRefused` error carries the complete report. Cancelling rolls back too.
    """
    try:
        report, count, registered = _run(
            session, path, mapping, write=True, progress=progress, cancel=cancel
        )
    except BaseException:
        session.rollback()
        raise
    if not report.ok:
        session.rollback()
        raise ImportRefused(report.summary(), report)
    if report.rows == 0:
        session.rollback()
        raise AtelierError(
            _("“{name}” has no rows under its header: nothing to import.").format(
                name=Path(path).name
            )
        )
    session.commit()
    return ImportResult(count=count, registered=registered, report=report)


def read_mapping(path: Path | str) -> ImportMapping:
    """The mapping saved in a JSON file (``--mapping MAP.json``)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise AtelierError(
            _("“{path}” cannot be read: {reason}").format(path=path, reason=exc.strerror)
        ) from exc
    except UnicodeDecodeError as exc:
        raise AtelierError(_("The mapping is not valid JSON: {reason}").format(reason=exc)) from exc
    return ImportMapping.from_json(text)


def unmapped_headers(preview: SourcePreview, mapping: ImportMapping) -> list[str]:
    """Headers the mapping says nothing about (they would be ignored)."""
    return [h for h in preview.headers if h not in mapping.columns]


__all__ = [
    "DATE_ORDERS",
    "FIELD_TARGETS",
    "ImportMapping",
    "ImportRefused",
    "ImportReport",
    "ImportResult",
    "RowProblem",
    "SourcePreview",
    "check_import",
    "import_participants",
    "parse_date",
    "preview_file",
    "read_mapping",
    "suggest_mapping",
    "unmapped_headers",
]
