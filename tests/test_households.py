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


def test_create_and_read_a_participant(demo) -> None:
    from app.facilitation.participants import ParticipantData, create_participant, participant_data

    data = ParticipantData(
        first_name="  Anaïs ",
        last_name="Lœuillet",
        email=" Anais.Loeuillet@Exemple.FR ",
        postal_address="12 bis, Av. Jean-Jaurès",
        stakeholder_type="association",
        attributes={"genre": "femme", "quartier": "LA GARE"},
    )
    with demo.session() as s:
        pid = create_participant(s, data)
    with demo.session() as s:
        again = participant_data(s, pid)
        from app.models import Participant

        row = s.get(Participant, pid)
        assert row.household_key == "12 bis avenue jean jaures"
        assert len(row.code) == 8
    assert again.first_name == "Anaïs"
    assert again.email == "anais.loeuillet@exemple.fr"
    assert again.attributes == {"genre": "Femme", "quartier": "La Gare"}


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ({"first_name": " ", "last_name": ""}, "first name or a last name"),
        ({"last_name": "X", "email": "pas-un-courriel"}, "not an email address"),
        ({"last_name": "X", "attributes": {"genre": "F"}}, "not an allowed value"),
        ({"last_name": "X", "attributes": {"couleur": "bleu"}}, "Unknown attribute"),
        ({"last_name": "X", "birth_year": 1850}, "not plausible"),
    ],
)
def test_invalid_participants_are_refused_and_nothing_saved(demo, data, words) -> None:
    from app.facilitation.participants import (
        InvalidParticipant,
        ParticipantData,
        count_participants,
        create_participant,
    )

    with demo.session() as s, pytest.raises(InvalidParticipant, match=words):
        create_participant(s, ParticipantData(**data))
    with demo.session() as s:
        assert count_participants(s) == 60
