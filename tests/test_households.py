"""Household keys and vocabulary matching."""

from __future__ import annotations

import pytest

from app.facilitation.households import household_key
from app.facilitation.vocabularies import load_vocabularies


@pytest.mark.parametrize(
    "spelling",
    [
        "12 bis, Av. Jean-Jaurès\n45600 Villeneuve-sur-Lière",
        "12B avenue Jean Jaures 45600 VILLENEUVE SUR LIERE",
        "12 b  av jean-jaures, 45600 villeneuve-sur-liere",
    ],
)
def test_spellings_of_one_address_share_a_household(spelling: str) -> None:
    assert household_key(spelling) == "12 bis avenue jean jaures 45600 villeneuve sur liere"


def test_different_addresses_and_empty_ones() -> None:
    assert household_key("12 rue des Tilleuls") != household_key("14 rue des Tilleuls")
    assert household_key("") is None
    assert household_key(None) is None
    assert household_key(" , ") is None


def test_vocabulary_matching_folds_case_accents_and_spaces(demo) -> None:
    with demo.session() as s:
        vocabularies = load_vocabularies(s)
    assert list(vocabularies) == ["genre", "tranche_age", "quartier", "diplome"]
    genre = vocabularies["genre"]
    assert genre.match("femme ").value == "Femme"
    assert genre.match("FEMME").id == genre.match("Femme").id
    assert genre.match("F") is None  # an abbreviation is mapped by the user, not guessed
    assert vocabularies["quartier"].match("les tilleuls").value == "Les Tilleuls"
    assert vocabularies["diplome"].match("baccalaureat").value == "Baccalauréat"
