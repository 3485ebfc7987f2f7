"""Numbers, percentages, amounts and dates as people write them in each shipped language.

One place for the conventions, used by the views, the facilitation layer and the documents
(no Qt here, so the documents and the command line follow them too):

=========  ================  ==================  ============  ============
language   decimal mark      thousands           percent       date
=========  ================  ==================  ============  ============
fr         ``,``             narrow no-break sp  ``12 %``      31/12/2026
it         ``,``             ``.``               ``12%``       31/12/2026
es         ``,``             ``.``               ``12 %``      31/12/2026
bg         ``,``             no-break space      ``12%``       31.12.2026
en         ``.``             ``,``               ``12%``       2026-12-31
=========  ================  ==================  ============  ============

English keeps ISO dates: the product's English readers are trainers from several countries.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app import i18n


@dataclass(frozen=True)
class Conventions:
    decimal: str
    thousands: str
    percent: str  # the text between the number and "%"
    date_format: str
    #: an amount in euros: "{n} €" or "€{n}"
    euro: str


CONVENTIONS: dict[str, Conventions] = {
    "fr": Conventions(",", "\u202f", "\u00a0", "%d/%m/%Y", "{n}\u00a0€"),
    "it": Conventions(",", ".", "", "%d/%m/%Y", "{n}\u00a0€"),
    "es": Conventions(",", ".", "\u00a0", "%d/%m/%Y", "{n}\u00a0€"),
    "bg": Conventions(",", "\u00a0", "", "%d.%m.%Y", "{n}\u00a0€"),
    "en": Conventions(".", ",", "", "%Y-%m-%d", "€{n}"),
}


def conventions(language: str | None = None) -> Conventions:
    return CONVENTIONS.get(language or i18n.current_language(), CONVENTIONS["en"])


def localise(text: str, language: str | None = None) -> str:
    """A number written with "." and "," (Python's way) in the language's marks."""
    c = conventions(language)
    return text.translate(str.maketrans({",": c.thousands, ".": c.decimal}))


def format_number(
    value: float | None, decimals: int = 0, *, trim: bool = False, empty: str = "—"
) -> str:
    """``value`` with ``decimals`` digits (useless zeros dropped when ``trim``)."""
    if value is None:
        return empty
    text = f"{value:,.{decimals}f}"
    if trim and "." in text:
        text = text.rstrip("0").rstrip(".")
    if text in ("-0", "-0.0"):
        text = text[1:]
    return localise(text)


def format_percent(share: float | None, decimals: int = 0, *, trim: bool = False) -> str:
    """A share (0..1) as a percentage."""
    if share is None:
        return "—"
    return format_number(100 * share, decimals, trim=trim) + conventions().percent + "%"


def format_euros(value: float | None) -> str:
    """An amount rounded to the euro."""
    if value is None:
        return "–"
    return conventions().euro.format(n=format_number(value))


def format_day(day: date | None) -> str:
    if day is None:
        return "—"
    return day.strftime(conventions().date_format)
