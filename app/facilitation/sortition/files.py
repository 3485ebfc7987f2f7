"""Sortition Foundation CSV files and the invitation lottery (first stage).

* ``categories.csv``: columns ``category``, ``name``, ``min``, ``max`` (the older headers
  ``feature`` and ``value`` are accepted too; ``min_flex``, ``max_flex`` and any other column
  are ignored).
* ``people.csv``: an id column (``id``, else ``unique_id``/``nationbuilder_id``/``key``, else
  the first column), one column per category, and any other columns (address columns give the
  household with the household rule).

Files are UTF-8 with or without a byte-order mark (Windows-1252 is accepted as a fallback), with
commas or semicolons.

The invitation lottery draws a uniformly random, seeded sample of households from an address
list: the household is the normalised text of the address columns (case, accents, punctuation
and spacing ignored), so two lines of the same address count once.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Sequence
from pathlib import Path

from app.facilitation.sortition.draw import rng_from_seed
from app.facilitation.sortition.model import Instance, Person, Quota, SortitionError
from app.i18n import _

ID_COLUMNS = ("id", "unique_id", "nationbuilder_id", "key", "identifier")
ADDRESS_HINTS = ("address", "adresse", "street", "rue", "voie", "house", "home", "postcode",
                 "post_code", "zip", "postal", "code postal", "city", "town", "ville", "commune",
                 "numero", "number", "flat", "apartment", "appartement", "line")  # fmt: skip


def read_table(path: Path) -> tuple[list[str], list[list[str]]]:
    """(header, rows) of a CSV file; cells stripped; blank lines skipped."""
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise SortitionError(
            _("“{path}” cannot be read: {reason}").format(path=path, reason=exc.strerror)
        ) from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    rows = [
        [cell.strip() for cell in row]
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        if any(cell.strip() for cell in row)
    ]
    if not rows:
        raise SortitionError(_("“{path}” is empty.").format(path=Path(path).name))
    return rows[0], rows[1:]


def _column(header: Sequence[str], names: Sequence[str]) -> int | None:
    lowered = [h.strip().lower() for h in header]
    for name in names:
        if name in lowered:
            return lowered.index(name)
    return None


def _whole(text: str, what: str, path: Path, line: int) -> int:
    try:
        value = float(text.replace(",", ".")) if text else None
    except ValueError:
        value = None
    if value is None or value != int(value):
        raise SortitionError(
            _("{file}, line {line}: {what} “{text}” is not a whole number.").format(
                file=Path(path).name, line=line, what=what, text=text
            )
        )
    return int(value)


def read_categories(path: Path) -> list[Quota]:
    """The quotas of a Sortition Foundation ``categories.csv``."""
    header, rows = read_table(path)
    cat = _column(header, ("category", "feature", "catégorie", "categorie"))
    name = _column(header, ("name", "value", "valeur", "nom"))
    lo = _column(header, ("min", "minimum"))
    hi = _column(header, ("max", "maximum"))
    if None in (cat, name, lo, hi):
        raise SortitionError(
            _("{file}: the columns category, name, min and max are required.").format(
                file=Path(path).name
            )
        )
    quotas = []
    for line, row in enumerate(rows, start=2):
        row = row + [""] * (len(header) - len(row))
        if not row[cat] and not row[name]:
            continue
        quotas.append(
            Quota(
                row[cat],
                row[name],
                _whole(row[lo], "min", path, line),
                _whole(row[hi], "max", path, line),
            )
        )
    if not quotas:
        raise SortitionError(_("{file}: no quota rows.").format(file=Path(path).name))
    return quotas


def normalise_address(parts: Sequence[str]) -> str:
    """Case, accents, punctuation and spacing ignored: ``"12, Rue de l'Église"`` ≈ ``"12 rue
    de l eglise"``."""
    text = " ".join(parts)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    return " ".join(re.sub(r"[^\w]+", " ", text).split())


def read_people(
    path: Path,
    categories: Sequence[str],
    *,
    household_columns: Sequence[str] | None = None,
) -> list[Person]:
    """The volunteers of a ``people.csv``; every category must have a column."""
    header, rows = read_table(path)
    file = Path(path).name
    id_col = _column(header, ID_COLUMNS)
    id_col = 0 if id_col is None else id_col
    lowered = [h.strip().lower() for h in header]

    def find(name: str) -> int:
        if name in header:
            return header.index(name)
        if name.strip().lower() in lowered:
            return lowered.index(name.strip().lower())
        raise SortitionError(
            _("{file}: there is no column “{column}”.").format(file=file, column=name)
        )

    cat_cols = {c: find(c) for c in categories}
    home_cols = [find(c) for c in household_columns or ()]
    people = []
    for row in rows:
        row = row + [""] * (len(header) - len(row))
        household = normalise_address([row[c] for c in home_cols]) if home_cols else None
        people.append(
            Person(
                key=row[id_col],
                features={c: row[i] for c, i in cat_cols.items()},
                household=household or None,
            )
        )
    return people


def read_instance(
    categories_path: Path,
    people_path: Path,
    size: int,
    *,
    household_columns: Sequence[str] | None = None,
    household_rule: bool | None = None,
) -> Instance:
    """An instance from the two files; the household rule applies when address columns are
    given, unless ``household_rule`` says otherwise."""
    quotas = read_categories(categories_path)
    categories = list(dict.fromkeys(q.category for q in quotas))
    people = read_people(people_path, categories, household_columns=household_columns)
    rule = bool(household_columns) if household_rule is None else household_rule
    return Instance(tuple(people), tuple(quotas), size, household_rule=rule)


def write_categories(path: Path, quotas: Sequence[Quota]) -> None:
    """A Sortition Foundation ``categories.csv`` (UTF-8)."""
    with Path(path).open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["category", "name", "min", "max"])
        writer.writerows([q.category, q.value, q.min, q.max] for q in quotas)


def write_people(path: Path, people: Sequence[Person], categories: Sequence[str]) -> None:
    """A ``people.csv``: id, one column per category, and the household key if any."""
    with_homes = any(p.household for p in people)
    with Path(path).open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["id", *categories, *(["household"] if with_homes else [])])
        for p in people:
            home = [p.household or ""] if with_homes else []
            writer.writerow([p.key, *(p.features.get(c, "") for c in categories), *home])


def write_panel(
    path: Path, instance: Instance, selected: Sequence[int], alternates: Sequence[int] = ()
) -> None:
    """The selected people then the alternates, with their values, as CSV (UTF-8)."""
    categories = list(instance.categories)
    with Path(path).open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["id", "status", "rank", *categories])
        for status, people in (("selected", selected), ("alternate", alternates)):
            for rank, i in enumerate(people, start=1):
                p = instance.people[i]
                writer.writerow([p.key, status, rank, *(p.features.get(c, "") for c in categories)])


# -- invitation lottery -----------------------------------------------------------------------


def default_address_columns(header: Sequence[str]) -> list[str]:
    """The columns that look like parts of an address; all columns when none does."""
    found = [h for h in header if any(hint in h.strip().lower() for hint in ADDRESS_HINTS)]
    return found or list(header)


def invitation_lottery(
    path: Path,
    households: int,
    seed: str,
    address_columns: Sequence[str] | None = None,
) -> tuple[list[str], list[list[str]], int]:
    """A seeded uniform sample of ``households`` distinct households of an address list.

    Returns (header, one row per drawn household in file order, number of households in the
    list). The sample is drawn from the households sorted by their normalised address, so the
    result does not depend on the order of the file.
    """
    header, rows = read_table(path)
    columns = list(address_columns) if address_columns else default_address_columns(header)
    lowered = [h.strip().lower() for h in header]
    indexes = []
    for c in columns:
        if c.strip().lower() not in lowered:
            raise SortitionError(
                _("{file}: there is no column “{column}”.").format(file=Path(path).name, column=c)
            )
        indexes.append(lowered.index(c.strip().lower()))
    first_row: dict[str, int] = {}
    for n, row in enumerate(rows):
        row = row + [""] * (len(header) - len(row))
        key = normalise_address([row[i] for i in indexes])
        if key:
            first_row.setdefault(key, n)
    if households < 1 or households > len(first_row):
        raise SortitionError(
            _("Cannot draw {n} households: the list holds {total}.").format(
                n=households, total=len(first_row)
            )
        )
    chosen = rng_from_seed(seed).sample(sorted(first_row), households)
    picked = sorted(first_row[k] for k in chosen)
    return header, [rows[n] for n in picked], len(first_row)


def write_rows(path: Path, header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    """A CSV file (UTF-8 with a byte-order mark, so spreadsheet mail merges read accents)."""
    with Path(path).open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(rows)
