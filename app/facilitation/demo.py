"""The demo workspace: a municipality, one process with three sessions, 60 participants.

Everything is generated from a fixed seed, so two demo workspaces hold the same people. The
content is French on purpose: it is what a French municipality would type in.
"""

from __future__ import annotations

import random
import uuid
from datetime import UTC, date, datetime, timedelta, timezone

from sqlalchemy import insert
from sqlalchemy.orm import Session

from app.facilitation.households import household_key
from app.jobs import CancelToken, Progress, no_progress
from app.models import (
    Attendance,
    AttributeCategory,
    AttributeValue,
    ConsentRecord,
    Organisation,
    Participant,
    ParticipantAttribute,
    Process,
    Registration,
    utcnow,
)
from app.models import Session as WorkshopSession
from app.models.text import fold, participant_keys

SEED = 2026
PARIS_SUMMER = timezone(timedelta(hours=2))
PARIS_WINTER = timezone(timedelta(hours=1))

FIRST_NAMES_F = [
    "Élodie", "Anaïs", "Noémie", "Françoise", "Hélène", "Maëlle", "Chloé", "Inès", "Léa",
    "Zoé", "Céline", "Béatrice", "Aïcha", "Joëlle", "Sophie", "Camille", "Fatoumata", "Agnès",
]  # fmt: skip
FIRST_NAMES_M = [
    "François", "Jérôme", "Loïc", "Benoît", "Grégoire", "Raphaël", "Théo", "Noé", "Mathéo",
    "Hervé", "Stéphane", "Karim", "Jean-Baptiste", "Yannick", "Gaël", "Amadou", "Cédric",
]  # fmt: skip
LAST_NAMES = [
    "Lefèvre", "Moreau", "Girard", "Dubois", "Bérenger", "Lacroix", "Fontaine", "Rousseau",
    "Mercier", "Barbier", "Chevalier", "Garnier", "Lemaître", "Perrin", "Benali", "Nguyen",
    "Leroy", "Faure", "André", "Gauthier", "Robin", "Masson", "Diallo", "Brunet", "Roux",
    "Œuvray", "Ménard", "Caron", "Hoarau", "Pétillon",
]  # fmt: skip
STREETS = [
    "rue de la Mairie", "avenue Jean-Jaurès", "rue des Tilleuls", "place de l'Église",
    "chemin des Prés", "rue de la Gare", "allée des Écoles", "boulevard de Bellevue",
]  # fmt: skip

#: category key → (label, [(value, population share)])
CATEGORIES: dict[str, tuple[str, list[tuple[str, float]]]] = {
    "genre": ("Genre", [("Femme", 0.52), ("Homme", 0.47), ("Autre ou non précisé", 0.01)]),
    "tranche_age": (
        "Tranche d'âge",
        [
            ("16-24 ans", 0.12),
            ("25-39 ans", 0.22),
            ("40-59 ans", 0.31),
            ("60-74 ans", 0.23),
            ("75 ans et plus", 0.12),
        ],
    ),
    "quartier": (
        "Quartier",
        [
            ("Centre-ville", 0.30),
            ("Les Tilleuls", 0.22),
            ("La Gare", 0.18),
            ("Bellevue", 0.17),
            ("Les Prés", 0.13),
        ],
    ),
    "diplome": (
        "Niveau de diplôme",
        [
            ("Sans diplôme", 0.20),
            ("CAP ou BEP", 0.24),
            ("Baccalauréat", 0.18),
            ("Bac +2 ou +3", 0.20),
            ("Bac +5 et plus", 0.18),
        ],
    ),
}

STAKEHOLDERS = [
    ("resident", 38), ("association", 7), ("elected", 3), ("staff", 3), ("shopkeeper", 4),
    ("business", 1), ("youth", 4),
]  # fmt: skip
ASSOCIATIONS = [
    "Comité des fêtes", "Les Jardins partagés", "Amicale des locataires de Bellevue",
    "Vélo-Lière", "Secours populaire",
]  # fmt: skip

CHARTER = (
    "Charte de la participation\n\n"
    "1. Chaque habitant·e peut prendre part aux ateliers, sans condition.\n"
    "2. La parole de chacun·e est écoutée avec respect ; les animateur·rices veillent à "
    "l'équilibre des temps de parole.\n"
    "3. Les contributions sont restituées publiquement, avec ce qui a été retenu et pourquoi.\n"
    "4. Les données personnelles ne servent qu'à la démarche et sont effacées à son terme."
)


def _email(first: str, last: str, n: int) -> str:
    local = f"{fold(first)}.{fold(last)}".replace(" ", "").replace("'", "")
    return f"{local}{n if n > 1 else ''}@exemple.fr"


def _pick_weighted(rng: random.Random, values: list[tuple[str, float]]) -> str:
    return rng.choices([v for v, _ in values], weights=[w for _, w in values])[0]


def add_vocabularies(session: Session) -> dict[str, tuple[uuid.UUID, dict[str, uuid.UUID]]]:
    """Create the demo's attribute categories; returns key → (category id, value → id)."""
    ids: dict[str, tuple[uuid.UUID, dict[str, uuid.UUID]]] = {}
    for position, (key, (label, values)) in enumerate(CATEGORIES.items()):
        category = AttributeCategory(key=key, label=label, position=position)
        category.values = [
            AttributeValue(value=value, position=i, population_share=share)
            for i, (value, share) in enumerate(values)
        ]
        session.add(category)
        session.flush()
        ids[key] = (category.id, {v.value: v.id for v in category.values})
    return ids


def generate_people(
    rng: random.Random,
    count: int,
    vocabularies: dict[str, tuple[uuid.UUID, dict[str, uuid.UUID]]],
    organisation_id: uuid.UUID | None,
) -> tuple[list[dict], list[dict]]:
    """Rows for ``count`` fictional participants and their attributes (for Core inserts)."""
    now = utcnow()
    people, attributes = [], []
    seen: dict[tuple[str, str], int] = {}
    kinds = [k for k, w in STAKEHOLDERS for _ in range(w)]
    households: list[str] = []
    for _i in range(count):
        gender = _pick_weighted(rng, CATEGORIES["genre"][1])
        pool = FIRST_NAMES_F if gender == "Femme" else FIRST_NAMES_M
        if gender == "Autre ou non précisé":
            pool = FIRST_NAMES_F + FIRST_NAMES_M
        first, last = rng.choice(pool), rng.choice(LAST_NAMES)
        seen[(first, last)] = seen.get((first, last), 0) + 1
        age_band = _pick_weighted(rng, CATEGORIES["tranche_age"][1])
        kind = "youth" if age_band == "16-24 ans" and rng.random() < 0.5 else rng.choice(kinds)
        if households and rng.random() < 0.12:
            address = rng.choice(households)  # someone from the same household
        else:
            address = f"{rng.randint(1, 120)} {rng.choice(STREETS)}, 45600 Villeneuve-sur-Lière"
            households.append(address)
        pid = uuid.uuid4()
        people.append(
            {
                "id": pid,
                "created_at": now,
                "updated_at": now,
                "organisation_id": organisation_id,
                "first_name": first,
                "last_name": last,
                "email": _email(first, last, seen[(first, last)]),
                "phone": f"06 {rng.randint(10, 99)} {rng.randint(10, 99)} "
                f"{rng.randint(10, 99)} {rng.randint(10, 99)}",
                "postal_address": address,
                "household_key": household_key(address),
                "stakeholder_type": kind,
                "affiliation": rng.choice(ASSOCIATIONS) if kind == "association" else None,
                "birth_year": None,
                "notes": None,
                "erased_at": None,
            }
        )
        people[-1].update(participant_keys(first, last, people[-1]["email"], people[-1]["phone"]))
        chosen = {"genre": gender, "tranche_age": age_band}
        for key in ("quartier", "diplome"):
            chosen[key] = _pick_weighted(rng, CATEGORIES[key][1])
        for key, value in chosen.items():
            category_id, values = vocabularies[key]
            attributes.append(
                {"participant_id": pid, "category_id": category_id, "value_id": values[value]}
            )
    return people, attributes


def add_generated_participants(
    session: Session,
    count: int,
    *,
    seed: int = SEED,
    organisation_id: uuid.UUID | None = None,
    vocabularies: dict[str, tuple[uuid.UUID, dict[str, uuid.UUID]]] | None = None,
    progress: Progress = no_progress,
    cancel: CancelToken | None = None,
    batch: int = 5000,
) -> list[uuid.UUID]:
    """Insert ``count`` fictional participants with Core bulk inserts (benchmarks, demos)."""
    rng = random.Random(seed)
    if vocabularies is None:
        vocabularies = add_vocabularies(session)
    ids: list[uuid.UUID] = []
    done = 0
    while done < count:
        if cancel is not None:
            cancel.check()
        n = min(batch, count - done)
        people, attributes = generate_people(rng, n, vocabularies, organisation_id)
        session.execute(insert(Participant), people)
        session.execute(insert(ParticipantAttribute), attributes)
        ids.extend(p["id"] for p in people)
        done += n
        progress(done, count)
    return ids


def populate_demo(session: Session) -> None:
    """Fill an empty workspace with the demo (the caller commits)."""
    rng = random.Random(SEED)
    town = Organisation(
        name="Ville de Villeneuve-sur-Lière", kind="municipality", country="FR", population=18400
    )
    session.add(town)
    session.flush()
    vocabularies = add_vocabularies(session)
    ids = add_generated_participants(
        session, 59, seed=SEED, organisation_id=town.id, vocabularies=vocabularies
    )
    # A resident whose name is written in Cyrillic, as she wrote it on the sign-in sheet.
    maria = Participant(
        organisation_id=town.id,
        first_name="Мария",
        last_name="Петрова",
        email="maria.petrova@exemple.fr",
        stakeholder_type="resident",
        postal_address="7 rue des Tilleuls, 45600 Villeneuve-sur-Lière",
        household_key=household_key("7 rue des Tilleuls, 45600 Villeneuve-sur-Lière"),
    )
    session.add(maria)
    session.flush()
    for key, value in (
        ("genre", "Femme"),
        ("tranche_age", "40-59 ans"),
        ("quartier", "Les Tilleuls"),
        ("diplome", "Bac +5 et plus"),
    ):
        category_id, values = vocabularies[key]
        session.add(
            ParticipantAttribute(
                participant_id=maria.id, category_id=category_id, value_id=values[value]
            )
        )
    ids.append(maria.id)

    process = Process(
        organisation_id=town.id,
        title="Réaménagement de la place de l'Église et de ses abords",
        description=(
            "Les habitant·es, les commerçant·es et les associations co-construisent avec la "
            "municipalité le projet de la future place : usages, circulations, végétalisation."
        ),
        phase="co_prioritise",
        charter=CHARTER,
        started_on=date(2026, 9, 1),
    )
    session.add(process)
    session.flush()
    for pid in ids:
        session.add(
            Registration(
                process_id=process.id, participant_id=pid, jury_volunteer=rng.random() < 0.45
            )
        )
        session.add(
            ConsentRecord(
                participant_id=pid, purpose="contact", given_on=date(2026, 9, 19), method="paper"
            )
        )
        if rng.random() < 0.6:
            session.add(
                ConsentRecord(
                    participant_id=pid, purpose="photo", given_on=date(2026, 9, 19), method="paper"
                )
            )

    sessions = [
        (
            "Atelier 1 — Diagnostic partagé",
            datetime(2026, 9, 19, 9, 30, tzinfo=PARIS_SUMMER),
            "Salle des fêtes, 2 rue de la Mairie",
            "Accueil et émargement\nMarche exploratoire autour de la place\n"
            "Carte des usages : ce qui va, ce qui manque\nSynthèse en plénière",
            38,
            "validated",
        ),
        (
            "Atelier 2 — Co-priorisation des aménagements",
            datetime(2026, 10, 17, 14, 0, tzinfo=PARIS_SUMMER),
            "École Jules-Ferry, préau",
            "Rappel du diagnostic\nPrésentation des 12 propositions\n"
            "Vote par gommettes\nDébat sur les trois priorités",
            41,
            "circulated",
        ),
        (
            "Atelier 3 — Restitution et choix du scénario",
            datetime(2026, 12, 12, 10, 0, tzinfo=PARIS_WINTER),
            "Médiathèque François-Mitterrand",
            "Restitution des priorités\nPrésentation de deux scénarios par le paysagiste\n"
            "Jugement majoritaire sur les scénarios\nSuite de la démarche : comité de suivi",
            0,
            "draft",
        ),
    ]
    for title, starts_at, place, agenda, attendance, status in sessions:
        workshop = WorkshopSession(
            process_id=process.id,
            title=title,
            starts_at=starts_at.astimezone(UTC),
            ends_at=(starts_at + timedelta(hours=3)).astimezone(UTC),
            place=place,
            agenda=agenda,
            facilitators="Claire Dupont-Lévêque, Maël Ortiz",
            minutes_status=status,
        )
        session.add(workshop)
        session.flush()
        for offset, pid in enumerate(rng.sample(ids, attendance)):
            session.add(
                Attendance(
                    session_id=workshop.id,
                    participant_id=pid,
                    signed_in_at=(starts_at + timedelta(minutes=offset // 3)).astimezone(UTC),
                    method="sheet" if offset % 4 == 0 else "app",
                )
            )


def create_demo(path, *, overwrite: bool = False, backup_count: int = 0):
    """Create a demo workspace file at ``path`` and return it open (a :class:`Store`)."""
    from app import store

    ws = store.create_workspace(path, overwrite=overwrite, backup_count=backup_count)
    try:
        with ws.transaction() as session:
            populate_demo(session)
    except BaseException:
        ws.close(backup=False)
        raise
    return ws
