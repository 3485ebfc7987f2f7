"""Text folding shared by every layer: case and accents removed, for sorting and matching."""

from __future__ import annotations

import unicodedata

_SPECIAL = str.maketrans({"œ": "oe", "æ": "ae", "ß": "ss", "ø": "o", "ł": "l", "đ": "d"})

# Bulgarian streamlined transliteration (plus Russian letters), so "Петрова" sorts under P
# among Latin names and is found by typing "petrova".
_CYRILLIC = str.maketrans(
    {
        "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh",
        "з": "z", "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
        "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "h", "ц": "ts",
        "ч": "ch", "ш": "sh", "щ": "sht", "ъ": "a", "ы": "y", "ь": "y", "э": "e", "ю": "yu",
        "я": "ya", "і": "i", "ї": "yi", "є": "ye", "ґ": "g",
    }
)  # fmt: skip


def fold(text: str | None) -> str:
    """``"  Œuvray  Élodie "`` → ``"oeuvray elodie"``: lower case, no accents, single spaces."""
    if not text:
        return ""
    if text.isascii():  # the common case, and the same result, much faster
        return " ".join(text.lower().split())
    lowered = text.casefold().translate(_SPECIAL)
    decomposed = unicodedata.normalize("NFKD", lowered)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.split())


def latin(folded: str) -> str:
    """A folded text with Cyrillic letters transliterated to Latin ones."""
    return folded.translate(_CYRILLIC)


#: Letters a language sorts as letters of their own, right after their base letter (Spanish ñ
#: between n and o, Bulgarian й after и), instead of folding them into it.
_OWN_LETTERS: dict[str, dict[str, str]] = {"es": {"ñ": "n"}, "bg": {"й": "и"}}
_CYRILLIC_RANGE = range(0x400, 0x530)


def _weight(char: str, own: dict[str, str], cyrillic_first: bool) -> int:
    if char in own:
        return 4 * ord(own[char]) + 1
    weight = 4 * ord(char)
    if cyrillic_first and char.isalpha() and ord(char) not in _CYRILLIC_RANGE:
        weight += 4 * 0x10000  # Latin (and other) letters after the Cyrillic ones
    return weight


def collation_key(text: str | None, language: str | None = None) -> tuple:
    """A key to sort names and titles the way readers of ``language`` expect (no Qt, no ICU).

    Case and accents are ignored first (``Ávila`` among the ``A``), then break ties. Spanish
    sorts ``ñ`` after ``n``. Bulgarian sorts Cyrillic in its own alphabet (``й`` after ``и``)
    before Latin; other languages sort Cyrillic by its transliteration, among Latin names,
    like the participants list (:func:`participant_keys`). ``language`` defaults to the
    interface language. Computed when sorting, never stored.
    """
    if language is None:
        from app import i18n

        language = i18n.current_language()
    text = text or ""
    own = _OWN_LETTERS.get(language, {})
    lowered = " ".join(text.casefold().split())
    # keep the letters of their own out of the accent folding
    marked = "".join(f"\x00{i}\x00" if c in own else c for i, c in enumerate(lowered))
    folded = fold(marked).replace("\x00", "\x01")
    parts = folded.split("\x01")
    letters = "".join(lowered[int(p)] if i % 2 else p for i, p in enumerate(parts))
    if language != "bg":
        letters = latin(letters)
    primary = tuple(_weight(c, own, language == "bg") for c in letters)
    return primary, lowered, text


def participant_keys(
    first_name: str | None, last_name: str | None, email: str | None, phone: str | None
) -> dict[str, str]:
    """The derived columns that make sorting and filtering work with accents and case."""
    words = " ".join(
        part for part in (fold(first_name), fold(last_name), fold(email), fold(phone)) if part
    )
    transliterated = latin(words)
    return {
        "sort_key": latin(fold(f"{last_name or ''} {first_name or ''}")),
        "first_key": latin(fold(f"{first_name or ''} {last_name or ''}")),
        "search_text": words if transliterated == words else f"{words} {transliterated}",
    }


#: Letters and digits that cannot be mistaken for one another on a badge or when read aloud.
CODE_ALPHABET = "ACDEFHJKMNPQRTUVWXY3479"
CODE_LENGTH = 8


def new_participant_code() -> str:
    """A random code for a participant's badge (typed by a barcode or QR scanner at sign-in)."""
    import secrets

    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
