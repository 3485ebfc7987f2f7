"""Every user-visible string is translated into French, and the compiled catalogue is fresh."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

from app import i18n

TOOLS = Path(__file__).resolve().parent.parent / "tools" / "i18n.py"


@pytest.fixture(scope="module")
def catalogues():
    spec = importlib.util.spec_from_file_location("i18n_tools", TOOLS)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_source_string_has_a_french_translation(catalogues) -> None:
    extracted = [m for m in catalogues.extract() if m.id]
    assert len(extracted) > 100  # the extraction really found the app's strings
    assert catalogues.untranslated("fr") == []


@pytest.mark.parametrize("language", ["it", "es", "bg"])
def test_every_partner_language_is_complete(catalogues, language) -> None:
    assert language in i18n.LANGUAGES
    assert catalogues.untranslated(language) == []


@pytest.mark.parametrize("language", ["fr", "it", "es", "bg"])
def test_compiled_catalogue_matches_the_po_file(catalogues, language) -> None:
    assert not catalogues.stale_mo(language), "run: python tools/i18n.py compile"


@pytest.mark.parametrize(
    ("language", "expected"),
    [("it", "Partecipanti"), ("es", "Participantes"), ("bg", "Участници")],
)
def test_partner_languages_translate_the_interface(language, expected) -> None:
    with i18n.language(language):
        assert i18n._("Participants") == expected


def test_switching_language_changes_messages() -> None:
    i18n.set_language("fr")
    assert i18n._("Participants") == "Participant·es"
    assert i18n.ngettext("{n} session", "{n} sessions", 2).format(n=2) == "2 ateliers"
    i18n.set_language("en")
    assert i18n._("Participants") == "Participants"


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"LANG": "C.UTF-8"}, "fr"),
        ({"LANG": "fr_FR.UTF-8"}, "fr"),
        ({"LANG": "en_GB.UTF-8"}, "en"),
        ({"LANGUAGE": "en_US:en", "LANG": "fr_FR.UTF-8"}, "en"),
        ({"LANG": "bg_BG.UTF-8"}, "bg"),
        ({"LANG": "it_IT.UTF-8"}, "it"),
        ({"LANG": "es_ES.UTF-8"}, "es"),
        ({"LANG": "de_DE.UTF-8"}, "fr"),
    ],
)
def test_default_language(monkeypatch, env, expected) -> None:
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(var, raising=False)
    for var, value in env.items():
        monkeypatch.setenv(var, value)
    assert i18n.system_language() == expected
    assert i18n.normalise(None) == expected
    assert i18n.normalise("en-GB") == "en"
    assert i18n.normalise("xx") == "fr"


def test_every_table_header_is_a_translated_string(catalogues, qapp) -> None:
    """Column headers are shown through _(): each must be a catalogue entry (marked N_)."""
    import importlib
    import pkgutil

    import app.views
    from app.views.models.base import RowTableModel

    for module in pkgutil.walk_packages(app.views.__path__, "app.views."):
        importlib.import_module(module.name)
    known = {m.id for m in catalogues.load("fr") if m.id and m.string}

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    models = list(subclasses(RowTableModel))
    assert len(models) > 5
    missing = [
        (model.__name__, column)
        for model in models
        for column in model.COLUMNS
        if column not in known
    ]
    assert missing == []


PLACEHOLDER = re.compile(r"\{[^{}]*\}|%\([a-z_]+\)[sdr]|%[sd]")


@pytest.mark.parametrize("language", ["fr", "it", "es", "bg"])
def test_translations_keep_every_placeholder(catalogues, language) -> None:
    """A placeholder lost would drop a name or a number; an unknown one would crash."""
    bad = []
    for message in catalogues.load(language):
        if not message.id or not message.string:
            continue
        if isinstance(message.id, tuple):  # a plural form may leave out the number
            known = set(PLACEHOLDER.findall(" ".join(message.id)))
            bad += [f for f in message.string if f and not set(PLACEHOLDER.findall(f)) <= known]
        elif set(PLACEHOLDER.findall(message.id)) != set(PLACEHOLDER.findall(message.string)):
            bad.append(message.string)
    assert bad == []
