"""A pseudo-translation of every source string, to see layouts with longer, accented text.

    python tools/pseudo_translate.py [DIR]    write DIR/qps/LC_MESSAGES/atelier.{po,mo}

Each string becomes about 40 % longer (at least two letters more), its letters accented
("Session" → "[Ŝéśśíôñ··]") and bracketed, so a cut-off label shows at once (the closing
bracket is missing) and text that is not translated stands out (no brackets). Placeholders
({name}, %(n)s, %s), keyboard accelerators (&File), HTML tags and entities, and line breaks
are kept, so the app runs normally in it. ``tests/test_pseudo_layout.py`` loads it as a
language and checks that no label, button, tab or sidebar item of the main window is cut.
Needs babel (pip install -e .[test]).
"""

from __future__ import annotations

import gettext
import io
import re
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import write_po

sys.path.insert(0, str(Path(__file__).resolve().parent))
import i18n as catalogues  # tools/i18n.py: the extraction

CODE = "qps"
GROWTH = 0.4
#: Kept as they are: placeholders, %-formats, HTML tags and entities, accelerators.
KEEP = re.compile(
    r"\{[^{}]*\}|%\([a-z_]+\)[a-z]|%[sdrf%]|<[^<>]+>|&[a-z]+;|&&|&(?=\w)|\n|https?://\S+"
)
ACCENTS = str.maketrans(
    "aAcCeEiInNoOsSuUyYzZgGhHjJlLrRtTwW",
    "áÅçÇéÉíÎñÑôÖśŜüÛýŸžŽĝĜĥĤĵĴļĻŕŔţŤŵŴ",
)


def pseudo(text: str) -> str:
    """``text`` accented, about 40 % longer and bracketed; what must stay is kept."""
    if not text:
        return text
    pieces = []
    letters = 0
    position = 0
    for found in KEEP.finditer(text):
        chunk = text[position : found.start()]
        letters += sum(c.isalpha() for c in chunk)
        pieces.append(chunk.translate(ACCENTS))
        pieces.append(found.group())
        position = found.end()
    chunk = text[position:]
    letters += sum(c.isalpha() for c in chunk)
    pieces.append(chunk.translate(ACCENTS))
    if letters == 0:
        return text  # "—", "{n}", "%" … nothing to translate
    padding = "·" * max(2, round(GROWTH * letters))
    body = "".join(pieces)
    # the padding goes before trailing punctuation/new lines, the brackets around it all
    stripped = body.rstrip("\n")
    return f"[{stripped}{padding}]" + body[len(stripped) :]


def catalogue() -> Catalog:
    """The pseudo catalogue of every string the code marks (extracted now)."""
    pseudo_catalog = Catalog(locale=None, project="Atelier Citoyen", charset="utf-8")
    for message in catalogues.extract():
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            singular, plural = message.id
            string = (pseudo(singular), pseudo(plural))
        else:
            string = pseudo(message.id)
        pseudo_catalog.add(message.id, string)
    pseudo_catalog._num_plurals, pseudo_catalog._plural_expr = 2, "(n != 1)"
    return pseudo_catalog


def translations() -> gettext.GNUTranslations:
    """The pseudo catalogue, compiled in memory, as gettext translations."""
    buffer = io.BytesIO()
    write_mo(buffer, catalogue())
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def main(argv: list[str]) -> int:
    folder = Path(argv[0]) if argv else Path("pseudo-translation")
    target = folder / CODE / "LC_MESSAGES"
    target.mkdir(parents=True, exist_ok=True)
    built = catalogue()
    with (target / "atelier.po").open("wb") as fh:
        write_po(fh, built, width=100, omit_header=False)
    with (target / "atelier.mo").open("wb") as fh:
        write_mo(fh, built)
    print(f"{len(built)} strings → {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
