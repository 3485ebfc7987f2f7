"""Household keys: one normalised form of a postal address, so "at most one person per
household" can be checked and duplicates found, whatever the spelling of the address."""

from __future__ import annotations

import re

from app.models.text import fold

#: Common French street-type abbreviations → the full word.
_ABBREVIATIONS = {
    "r": "rue",
    "av": "avenue",
    "ave": "avenue",
    "bd": "boulevard",
    "bld": "boulevard",
    "bvd": "boulevard",
    "pl": "place",
    "ch": "chemin",
    "chem": "chemin",
    "all": "allee",
    "imp": "impasse",
    "rte": "route",
    "sq": "square",
    "fg": "faubourg",
    "fbg": "faubourg",
    "qu": "quai",
    "res": "residence",
    "st": "saint",
    "ste": "sainte",
}
_REPEAT_WORDS = {"bis": "bis", "b": "bis", "ter": "ter", "t": "ter"}
_PUNCTUATION = re.compile(r"[^\w\s]", re.UNICODE)
_NUMBER_SUFFIX = re.compile(r"\b(\d+)(bis|ter|b|t)\b")


def household_key(address: str | None) -> str | None:
    """``"12 bis, Av. Jean-Jaurès\\n45600 Villeneuve"`` → ``"12 bis avenue jean jaures 45600
    villeneuve"``; None for an empty address."""
    text = fold(address)
    if not text:
        return None
    text = _NUMBER_SUFFIX.sub(r"\1 \2", _PUNCTUATION.sub(" ", text))  # "12b" → "12 b"
    words = text.split()
    out: list[str] = []
    for i, word in enumerate(words):
        if i > 0 and words[i - 1].isdigit() and word in _REPEAT_WORDS:
            out.append(_REPEAT_WORDS[word])
        else:
            out.append(_ABBREVIATIONS.get(word, word))
    return " ".join(out) or None
