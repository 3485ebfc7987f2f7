"""Sorting follows the language: Bulgarian alphabet, Spanish ñ, accents ignored first."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QCollator, QLocale

from app import i18n
from app.models.text import collation_key, participant_keys

BULGARIAN = [
    "Яворов", "Smith", "Жеков", "Ъгълов", "Зеленков", "Йорданов", "Иванов", "Шишков", "Цанков",
    "Чернев", "Тодоров", "Стоянов", "Щерев", "Юриев", "Petrova", "Андреев", "Ивайло", "Йоан",
    "Изабела", "Ана Мария", "Анабела",
]  # fmt: skip
SPANISH = [
    "Peña", "Penalva", "Núñez", "Nuño", "Muñoz", "Murillo", "Ángel", "Andrés", "Ávila",
    "Azcona", "Ñandú", "Nube", "Oliva", "cañón", "canon", "Canto", "Maña", "Manzano",
]  # fmt: skip
ITALIAN = [
    "Zanetti", "Èrcole", "Esposito", "Òdino", "Olivieri", "De Luca", "Dabbene", "Città",
    "Citta", "citti", "Niccolò", "Nicola", "Ùrsula", "Urbani",
]  # fmt: skip


def test_bulgarian_names_follow_the_bulgarian_alphabet_then_latin() -> None:
    ordered = sorted(BULGARIAN, key=lambda t: collation_key(t, "bg"))
    assert ordered[:3] == ["Ана Мария", "Анабела", "Андреев"]
    # ж before з, и before й, с т before ц ч ш щ, then ъ ю я: not the transliteration's order
    assert ordered.index("Жеков") < ordered.index("Зеленков")
    assert ordered.index("Изабела") < ordered.index("Йоан") < ordered.index("Стоянов")
    assert ordered[-5:] == ["Ъгълов", "Юриев", "Яворов", "Petrova", "Smith"]


def test_spanish_puts_n_tilde_after_n_and_ignores_accents_first() -> None:
    ordered = sorted(SPANISH, key=lambda t: collation_key(t, "es"))
    assert ordered[:4] == ["Andrés", "Ángel", "Ávila", "Azcona"]
    assert ordered.index("Penalva") < ordered.index("Peña")
    assert ordered.index("Nuño") < ordered.index("Ñandú") < ordered.index("Oliva")
    assert ordered.index("Manzano") < ordered.index("Maña")  # ñ is a letter of its own


def test_italian_accents_sort_with_their_letter() -> None:
    ordered = sorted(ITALIAN, key=lambda t: collation_key(t, "it"))
    assert ordered.index("Èrcole") < ordered.index("Esposito")
    assert ordered.index("Òdino") < ordered.index("Olivieri")
    assert ordered[:3] == ["Citta", "Città", "citti"]  # the accent only breaks the tie


@pytest.mark.parametrize(
    ("language", "names"),
    [("bg", BULGARIAN), ("es", SPANISH), ("it", ITALIAN), ("fr", ITALIAN + SPANISH)],
)
def test_same_order_as_the_system_collator(qapp, language, names) -> None:
    """Our key (no Qt, usable in the domain and the documents) agrees with ICU's collation."""
    collator = QCollator(QLocale(language))
    assert sorted(names, key=lambda t: collation_key(t, language)) == sorted(
        names, key=collator.sortKey
    )


def test_other_languages_sort_cyrillic_by_transliteration_like_the_participants_list() -> None:
    names = ["Petrov", "Петрова", "Pezzi", "Жеков", "Zola", "Zeller"]
    for language in ("fr", "en", "it"):
        ordered = sorted(names, key=lambda t: collation_key(t, language))
        stored = sorted(names, key=lambda t: participant_keys(None, t, None, None)["sort_key"])
        assert ordered == stored == ["Petrov", "Петрова", "Pezzi", "Zeller", "Жеков", "Zola"]


def test_the_interface_language_is_the_default() -> None:
    with i18n.language("bg"):
        assert sorted(["Smith", "Яворов"], key=collation_key) == ["Яворов", "Smith"]
    with i18n.language("fr"):
        assert sorted(["Smith", "Яворов"], key=collation_key) == ["Smith", "Яворов"]
