"""Text folding shared by every layer: case and accents removed, for sorting and matching."""

from __future__ import annotations

import unicodedata

_SPECIAL = str.maketrans({"œ": "oe", "æ": "ae", "ß": "ss", "ø": "o", "ł": "l", "đ": "d"})


def fold(text: str | None) -> str:
    """``"  Œuvray  Élodie "`` → ``"oeuvray elodie"``: lower case, no accents, single spaces."""
    if not text:
        return ""
    lowered = text.casefold().translate(_SPECIAL)
    decomposed = unicodedata.normalize("NFKD", lowered)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.split())


def participant_keys(
    first_name: str | None, last_name: str | None, email: str | None, phone: str | None
) -> dict[str, str]:
    """The derived columns that make sorting and filtering work with accents and case."""
    return {
        "sort_key": fold(f"{last_name or ''} {first_name or ''}"),
        "search_text": " ".join(
            part for part in (fold(first_name), fold(last_name), fold(email), fold(phone)) if part
        ),
    }
