"""One translation system for every layer: GNU gettext catalogues.

Source strings are English. French is the default language; English, Italian, Spanish and
Bulgarian are shipped too (the partners of exchange days). Catalogues live in
``app/resources/translations/<lang>/LC_MESSAGES/atelier.po`` (edited by people) and
``atelier.mo`` (compiled with ``python tools/i18n.py compile``). The models, the facilitation
layer, the CLI and the Qt views all call :func:`_`, so a message raised deep in the store
reaches the user in their language.

``_`` looks the current language up at call time, so switching language takes effect for every
string built after the switch.
"""

from __future__ import annotations

import gettext
import locale
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

DOMAIN = "atelier"
LOCALE_DIR = Path(__file__).parent / "resources" / "translations"
#: Languages with a shipped catalogue, in the order the preferences list them.
LANGUAGES: dict[str, str] = {
    "fr": "Français",
    "en": "English",
    "it": "Italiano",
    "es": "Español",
    "bg": "Български",
}
DEFAULT_LANGUAGE = "fr"

_current = DEFAULT_LANGUAGE
_translations: gettext.NullTranslations = gettext.NullTranslations()
_cache: dict[str, gettext.NullTranslations] = {}
#: A language chosen for one piece of work in one thread (see :func:`language`).
_local = threading.local()


def system_language() -> str:
    """The language the interface starts in when the user chose none.

    The system's language when it is one we ship, else French (the product is French first).
    """
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var)
        if value:
            code = value.split(":")[0].split("_")[0].split(".")[0].lower()
            # "C" and "POSIX" say nothing about the person: keep the default.
            return code if code in LANGUAGES else DEFAULT_LANGUAGE
    try:  # Windows and macOS GUI sessions set no variable
        code = (locale.getlocale()[0] or "").lower()
    except ValueError:
        code = ""
    # "it_IT", or "Italian_Italy" on Windows
    names = {"english": "en", "italian": "it", "spanish": "es", "bulgarian": "bg"}
    for prefix, found in names.items():
        if code.startswith(prefix):
            return found
    return code[:2] if code[:2] in LANGUAGES else DEFAULT_LANGUAGE


def normalise(language: str | None) -> str:
    """Map a language code (or None) to a shipped language."""
    if not language:
        return system_language()
    code = language.replace("-", "_").split("_")[0].lower()
    return code if code in LANGUAGES else DEFAULT_LANGUAGE


def _load(language: str) -> gettext.NullTranslations:
    if language not in _cache:
        _cache[language] = gettext.translation(
            DOMAIN, localedir=str(LOCALE_DIR), languages=[language], fallback=True
        )
    return _cache[language]


def set_language(language: str | None) -> str:
    """Switch every later translation to ``language``; returns the language in effect."""
    global _current, _translations
    _current = normalise(language)
    _translations = _load(_current)
    return _current


def current_language() -> str:
    return getattr(_local, "language", None) or _current


@contextmanager
def language(code: str | None) -> Iterator[str]:
    """Translate into ``code`` inside the block, in this thread only (e.g. a document).

    The interface language (:func:`set_language`) and other threads are not affected, so a
    document can be written in English in a worker thread while the window stays in French.
    """
    previous = getattr(_local, "language", None), getattr(_local, "translations", None)
    chosen = normalise(code)
    _local.language, _local.translations = chosen, _load(chosen)
    try:
        yield chosen
    finally:
        _local.language, _local.translations = previous


def _active() -> gettext.NullTranslations:
    return getattr(_local, "translations", None) or _translations


def _(message: str) -> str:
    """Translate ``message`` into the current language."""
    return _active().gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _active().ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark ``message`` for extraction without translating it now (translate when shown)."""
    return message


set_language(DEFAULT_LANGUAGE)
