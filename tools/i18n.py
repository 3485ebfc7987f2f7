"""Keep the translation catalogues in step with the code (needs babel: pip install -e .[test]).

    python tools/i18n.py update    extract the source strings, merge them into every .po
    python tools/i18n.py compile   compile every .po into the .mo the app loads
    python tools/i18n.py check     fail when a string lacks a translation or a .mo is stale

Source strings are English and live in the code, marked with ``_()``, ``N_()`` or
``ngettext()``. Translators edit ``app/resources/translations/<lang>/LC_MESSAGES/atelier.po``.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "app"
LOCALES = ROOT / "app" / "resources" / "translations"
#: Languages with a catalogue to translate (English is the source language).
TRANSLATED = ("fr", "it", "es", "bg")
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}


def extract() -> Catalog:
    catalog = Catalog(project="Atelier Citoyen", charset="utf-8")
    for filename, lineno, message, comments, context in extract_from_dir(
        str(SOURCE),
        method_map=[("**.py", "python")],
        keywords=KEYWORDS,
        comment_tags=("TRANSLATORS:",),
    ):
        catalog.add(
            message,
            None,
            [(f"app/{filename}", lineno)],
            auto_comments=comments,
            context=context,
        )
    return catalog


def po_path(lang: str) -> Path:
    return LOCALES / lang / "LC_MESSAGES" / "atelier.po"


def load(lang: str) -> Catalog:
    path = po_path(lang)
    if not path.exists():
        return Catalog(locale=lang, project="Atelier Citoyen")
    with path.open("rb") as fh:
        return read_po(fh, locale=lang)


def save(catalog: Catalog, lang: str) -> None:
    catalog.project = "Atelier Citoyen"
    catalog.version = ""
    catalog.copyright_holder = "Atelier Citoyen developers"
    catalog.msgid_bugs_address = ""
    catalog.last_translator = "Atelier Citoyen developers"
    catalog.language_team = f"{lang}"
    catalog.fuzzy = False
    path = po_path(lang)
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=100, sort_output=True, omit_header=False, no_location=True)
    path.write_bytes(buffer.getvalue())


def compiled(catalog: Catalog) -> bytes:
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def untranslated(lang: str) -> list[str]:
    """Source strings with no (or only a fuzzy) translation in ``lang``."""
    catalog = load(lang)
    missing = []
    for message in extract():
        if not message.id:
            continue
        found = catalog.get(message.id)
        strings = found.string if found else None
        ok = all(strings) if isinstance(strings, tuple) else bool(strings)
        if found is None or not ok or found.fuzzy:
            missing.append(message.id if isinstance(message.id, str) else message.id[0])
    return missing


def stale_mo(lang: str) -> bool:
    mo = po_path(lang).with_suffix(".mo")
    return not mo.exists() or mo.read_bytes() != compiled(load(lang))


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "check"
    if command == "update":
        template = extract()
        for lang in TRANSLATED:
            catalog = load(lang)
            catalog.update(template, no_fuzzy_matching=True)
            catalog.obsolete.clear()  # strings gone from the code leave the catalogue too
            save(catalog, lang)
            print(f"{lang}: {len(untranslated(lang))} untranslated")
        return 0
    if command == "compile":
        for lang in TRANSLATED:
            po_path(lang).with_suffix(".mo").write_bytes(compiled(load(lang)))
        return 0
    if command == "check":
        bad = 0
        for lang in TRANSLATED:
            for message in untranslated(lang):
                print(f"{lang}: untranslated: {message!r}")
                bad += 1
            if stale_mo(lang):
                print(f"{lang}: atelier.mo is stale; run python tools/i18n.py compile")
                bad += 1
        return 1 if bad else 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
