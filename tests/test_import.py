"""Importing participants: the corpus of real-world files, all-or-nothing imports, the CLI."""

from __future__ import annotations

import csv
import json
import random
import uuid
import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.cli import EXIT_OK, EXIT_REFUSED, main
from app.errors import AtelierError, Cancelled
from app.facilitation import importing
from app.facilitation.households import household_key
from app.facilitation.importing import (
    ImportMapping,
    ImportRefused,
    check_import,
    import_participants,
    parse_date,
    preview_file,
    suggest_mapping,
)
from app.facilitation.participants import InvalidParticipant, ParticipantData
from app.facilitation.vocabularies import load_vocabularies
from app.jobs import CancelToken
from app.models import (
    AttributeValue,
    ConsentRecord,
    Participant,
    ParticipantAttribute,
    Process,
    Registration,
)
from app.models.text import CODE_ALPHABET, fold, participant_keys

HEADERS = ["Nom", "Prénom", "Courriel", "Téléphone", "Genre", "Quartier", "Date de naissance"]
PEOPLE = [
    ["Lefèvre", "Élodie", "elodie@exemple.fr", "06 12 34 56 78", "Femme", "Centre-ville",
     "31/12/1980"],
    ["Garçon", "François", "", "", "Homme", "La Gare", "1975-03-02"],
    ["Œuvray", "Noémie", "noemie@exemple.fr", "", "femme", "les tilleuls", "1er janvier 1990"],
]  # fmt: skip
CYRILLIC = ["Петрова", "Мария", "maria@exemple.fr", "", "Femme", "Bellevue", "02.05.1985"]


def count(ws, model=Participant) -> int:
    with ws.session() as s:
        return s.scalar(select(func.count()).select_from(model))


def write_csv(path: Path, rows, *, encoding="utf-8", delimiter=";", headers=HEADERS) -> Path:
    with path.open("w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh, delimiter=delimiter)
        writer.writerow(headers)
        writer.writerows(rows)
    return path


def mapping_for(ws, path: Path) -> ImportMapping:
    with ws.session() as s:
        return suggest_mapping(
            preview_file(path), load_vocabularies(s), importing._consent_purposes(s)
        )


def names(ws) -> set[tuple[str, str]]:
    with ws.session() as s:
        return set(s.execute(select(Participant.first_name, Participant.last_name)).all())


# --------------------------------------------------------------------------- the corpus


@pytest.mark.parametrize("delimiter", [",", ";", "\t"], ids=["comma", "semicolon", "tab"])
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "latin-1"])
def test_each_encoding_and_delimiter(demo, tmp_path: Path, encoding, delimiter) -> None:
    rows = [list(r) for r in PEOPLE]
    if encoding.startswith("utf-8"):
        rows.append(CYRILLIC)
    if encoding == "latin-1":  # no œ in Latin-1
        rows = [r for r in rows if "Œ" not in r[0]]
    path = write_csv(tmp_path / "people.csv", rows, encoding=encoding, delimiter=delimiter)

    preview = preview_file(path)
    assert preview.kind == "csv"
    assert preview.delimiter == delimiter
    assert preview.row_count == len(rows)
    assert preview.headers == HEADERS
    if encoding == "utf-8-sig":
        assert preview.encoding == "utf-8-sig"
    elif encoding == "utf-8":
        assert preview.encoding == "utf-8"
    else:  # without bytes 0x80-0x9F both read the same
        assert preview.encoding in ("cp1252", "latin-1")
    assert preview.sample_rows[0][1] == "Élodie"

    before = count(demo)
    mapping = mapping_for(demo, path)
    result = import_participants(demo.session(), path, mapping)
    assert result.count == len(rows)
    assert count(demo) == before + len(rows)
    imported = names(demo)
    assert ("Élodie", "Lefèvre") in imported and ("François", "Garçon") in imported
    if encoding.startswith("utf-8"):
        assert ("Мария", "Петрова") in imported
        assert ("Noémie", "Œuvray") in imported


def test_latin1_bytes_that_windows_1252_cannot_read(tmp_path: Path) -> None:
    path = tmp_path / "old.csv"
    path.write_bytes("Nom;Prénom\nDurand;Zoé\n".encode("latin-1") + b"Martin;A\x81\n")
    assert preview_file(path).encoding == "latin-1"


def test_cp1252_specific_letters(demo, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "w.csv", [["Œuvray", "Chloé"]], encoding="cp1252",
                     headers=["Nom", "Prénom"])  # fmt: skip
    assert preview_file(path).encoding == "cp1252"
    import_participants(demo.session(), path, mapping_for(demo, path))
    assert ("Chloé", "Œuvray") in names(demo)


def test_suggested_mapping_of_french_headers(demo, tmp_path: Path) -> None:
    headers = ["NOM", "Prénom", "E-mail", "Tél. portable", "Adresse", "CP", "Commune",
               "Type d'acteur·rice", "Structure", "Année de naissance", "Sexe", "Tranche d'âge",
               "Quartier", "Niveau de diplôme", "Commentaires", "Colonne mystère"]  # fmt: skip
    path = write_csv(tmp_path / "h.csv", [["x"] * len(headers)], headers=headers)
    mapping = mapping_for(demo, path)
    assert mapping.columns == {
        "NOM": "last_name",
        "Prénom": "first_name",
        "E-mail": "email",
        "Tél. portable": "phone",
        "Adresse": "postal_address",
        "CP": "postal_code",
        "Commune": "city",
        "Type d'acteur·rice": "stakeholder_type",
        "Structure": "affiliation",
        "Année de naissance": "birth_year",
        "Sexe": "attribute:genre",
        "Tranche d'âge": "attribute:tranche_age",
        "Quartier": "attribute:quartier",
        "Niveau de diplôme": "attribute:diplome",
        "Commentaires": "notes",
    }
    assert importing.unmapped_headers(preview_file(path), mapping) == ["Colonne mystère"]


def test_xlsx_with_dates_and_numbers(demo, tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Nom", "Prénom", "Date de naissance", "Année de naissance", "Quartier"])
    sheet.append(["Dupont", "Marie", datetime(1980, 12, 31), None, "Bellevue"])
    sheet.append(["Петрова", "Мария", None, 1985, "La Gare"])
    sheet.append([None, None, None, None, None])  # an empty row is skipped
    path = tmp_path / "people.xlsx"
    workbook.save(path)

    preview = preview_file(path)
    assert preview.kind == "xlsx" and preview.encoding is None
    assert preview.row_count == 2
    assert preview.sample_rows[0] == ["Dupont", "Marie", "1980-12-31", "", "Bellevue"]
    assert preview.sample_rows[1][3] == "1985"  # a number cell, not "1985.0"
    mapping = mapping_for(demo, path)
    del mapping.columns["Année de naissance"]
    import_participants(demo.session(), path, mapping)
    with demo.session() as s:
        years = dict(s.execute(select(Participant.last_name, Participant.birth_year)).all())
    assert years["Dupont"] == 1980 and years["Петрова"] is None
    mapping = mapping_for(demo, path)
    del mapping.columns["Date de naissance"]
    import_participants(demo.session(), path, mapping)
    with demo.session() as s:
        years = s.scalars(
            select(Participant.birth_year).where(Participant.last_name == "Петрова")
        ).all()
    assert sorted(years, key=str) == [1985, None, None]  # the demo has a Петрова too


def test_missing_mapped_columns_are_refused(demo, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "p.csv", PEOPLE)
    mapping = ImportMapping(columns={"Nom": "last_name", "Ville": "city", "CP": "postal_code"})
    before = count(demo)
    with pytest.raises(AtelierError, match="“Ville”, “CP”"):
        import_participants(demo.session(), path, mapping)
    with pytest.raises(AtelierError, match="name"):
        check_import(demo.session(), path, ImportMapping(columns={"Courriel": "email"}))
    assert count(demo) == before


def test_bad_rows_are_all_reported_and_nothing_is_imported(demo, tmp_path: Path) -> None:
    rows = [
        ["Martin", "Paul", "paul@exemple.fr", "", "Homme", "La Gare", "12/05/1970"],
        ["Durand", "Zoé", "pas-un-courriel", "", "Femme", "La Gare", "31/02/1990"],
        ["", "", "x@exemple.fr", "", "", "", ""],
        ["Roux", "Léa", "", "", "Femme", "La Gare", "hier"],
        ["Vieux", "Jean", "", "", "Homme", "La Gare", "01/01/1850"],
    ]
    path = write_csv(tmp_path / "bad.csv", rows)
    mapping = mapping_for(demo, path)
    report = check_import(demo.session(), path, mapping)
    found = {(p.line, p.column) for p in report.problems}
    assert found == {
        (3, "Courriel"),
        (3, "Date de naissance"),
        (4, "Nom"),
        (5, "Date de naissance"),
        (6, "Date de naissance"),
    }
    reasons = {(p.line, p.column): p.reason for p in report.problems}
    assert "not an email address" in reasons[(3, "Courriel")]
    assert "not a date" in reasons[(5, "Date de naissance")]
    assert "1850 is not plausible" in reasons[(6, "Date de naissance")]
    assert not report.ok

    before = count(demo)
    with pytest.raises(ImportRefused) as refused:
        import_participants(demo.session(), path, mapping)
    assert len(refused.value.report.problems) == 5
    assert "5 problems" in str(refused.value) and "line 3" in str(refused.value)
    assert count(demo) == before


def test_a_bad_row_after_many_good_batches_leaves_nothing(demo, tmp_path: Path) -> None:
    rows = [[f"Nom{i}", "Marie", "", "", "Femme", "La Gare", ""] for i in range(12_000)]
    rows.append(["Faux", "Marie", "faux", "", "Femme", "La Gare", ""])
    path = write_csv(tmp_path / "late.csv", rows)
    before = (count(demo), count(demo, ParticipantAttribute))
    with pytest.raises(ImportRefused) as refused:
        import_participants(demo.session(), path, mapping_for(demo, path))
    assert [(p.line, p.column) for p in refused.value.report.problems] == [(12_002, "Courriel")]
    assert (count(demo), count(demo, ParticipantAttribute)) == before


def test_unknown_values_are_listed_then_mapped(demo, tmp_path: Path) -> None:
    rows = [
        ["A", "Anne", "", "", "F", "Centre", ""],
        ["B", "Bob", "", "", "H", "centre-ville", ""],
        ["C", "Cléo", "", "", "F", "Nulle part", ""],
        ["D", "Dan", "", "", "NSP", "Bellevue", ""],
    ]
    path = write_csv(tmp_path / "u.csv", rows)
    mapping = mapping_for(demo, path)
    values_before = count(demo, AttributeValue)
    report = check_import(demo.session(), path, mapping)
    assert report.problems == []
    assert report.unknown_values == {
        "attribute:genre": {"F": 2, "H": 1, "NSP": 1},
        "attribute:quartier": {"Centre": 1, "Nulle part": 1},
    }
    with pytest.raises(ImportRefused, match="values to map"):
        import_participants(demo.session(), path, mapping)
    assert count(demo, AttributeValue) == values_before

    mapping.values = {
        "attribute:genre": {"f": "Femme", "H": "homme", "NSP": ""},
        "attribute:quartier": {"Centre": "Centre-ville", "Nulle part": ""},
    }
    result = import_participants(demo.session(), path, mapping)
    assert result.count == 4
    assert count(demo, AttributeValue) == values_before  # nothing was created
    vocab = None
    with demo.session() as s:
        vocab = load_vocabularies(s)
        genre = {v.id: v.value for v in vocab["genre"].values}
        rows = s.execute(
            select(Participant.first_name, ParticipantAttribute.value_id)
            .join(ParticipantAttribute)
            .where(ParticipantAttribute.category_id == vocab["genre"].id)
            .where(Participant.first_name.in_(["Anne", "Bob", "Cléo", "Dan"]))
        ).all()
    assert {name: genre[vid] for name, vid in rows} == {
        "Anne": "Femme",
        "Bob": "Homme",
        "Cléo": "Femme",
    }


def test_mapped_values_must_be_allowed(demo, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "u.csv", [["A", "Anne", "", "", "F", "", ""]])
    mapping = mapping_for(demo, path)
    mapping.values = {"attribute:genre": {"F": "Féminin"}}
    with pytest.raises(AtelierError, match=r"not an allowed value.*Femme, Homme"):
        check_import(demo.session(), path, mapping)


def test_stakeholder_types_labels_synonyms_and_unknown(demo, tmp_path: Path) -> None:
    headers = ["Nom", "Type d'acteur"]
    rows = [["A", "Habitante"], ["B", "élu·e"], ["C", "Association"], ["D", "Martien"], ["E", ""]]
    path = write_csv(tmp_path / "k.csv", rows, headers=headers)
    mapping = mapping_for(demo, path)
    report = check_import(demo.session(), path, mapping)
    assert report.unknown_values == {"stakeholder_type": {"Martien": 1}}
    mapping.values = {"stakeholder_type": {"martien": "other"}}
    import_participants(demo.session(), path, mapping)
    with demo.session() as s:
        kinds = dict(
            s.execute(
                select(Participant.last_name, Participant.stakeholder_type).where(
                    Participant.last_name.in_(["A", "B", "C", "D", "E"])
                )
            ).all()
        )
    assert kinds == {"A": "resident", "B": "elected", "C": "association", "D": "other",
                     "E": "resident"}  # fmt: skip


def test_duplicates_in_the_file_and_in_the_registry(demo, tmp_path: Path) -> None:
    with demo.session() as s:
        someone = s.execute(
            select(Participant.id, Participant.first_name, Participant.last_name,
                   Participant.email)
            .where(Participant.email.is_not(None)).limit(1)
        ).one()  # fmt: skip
    rows = [
        ["Moreau", "Anne", "anne@exemple.fr", "", "", "", ""],
        [someone.last_name.upper(), someone.first_name, someone.email.upper(), "", "", "", ""],
        ["MOREAU", "anne", "", "", "", "", "1970"],
        ["Moreau", "Anne", "", "+33 6 11 22 33 44", "", "", "1970"],
        ["Moreau", "Anne", "autre@exemple.fr", "06 11 22 33 44", "", "", ""],
        ["Moreau", "Annie", "anne@exemple.fr", "", "", "", ""],  # another name: not a duplicate
    ]
    path = write_csv(tmp_path / "d.csv", rows)
    mapping = mapping_for(demo, path)
    mapping.columns["Date de naissance"] = "birth_year"
    report = check_import(demo.session(), path, mapping)
    assert report.ok
    assert report.duplicates_in_registry == [(3, someone.id)]
    assert report.duplicates_in_file == [(4, 5), (5, 6)]
    result = import_participants(demo.session(), path, mapping)
    assert result.count == 6  # duplicates are reported, not refused: the registry merges them


def test_consents_and_registration_in_a_process(demo, tmp_path: Path) -> None:
    headers = ["Nom", "Prénom", "Consentement contact", "Droit à l'image", "Volontaire jury"]
    rows = [
        ["Alpha", "A", "oui", "12/09/2026", "x"],
        ["Beta", "B", "", "non", "non"],
        ["Gamma", "C", "2026-09-01", "", "peut-être"],
    ]
    path = write_csv(tmp_path / "c.csv", rows, headers=headers)
    with demo.session() as s:
        process_id = s.scalar(select(Process.id))
    mapping = mapping_for(demo, path)
    assert mapping.columns["Consentement contact"] == "consent:contact"
    assert mapping.columns["Droit à l'image"] == "consent:photo"
    assert mapping.columns["Volontaire jury"] == "jury_volunteer"
    with pytest.raises(AtelierError, match="process"):
        check_import(demo.session(), path, mapping)
    mapping.process_id = process_id
    report = check_import(demo.session(), path, mapping)
    assert [(p.line, p.column) for p in report.problems] == [(4, "Volontaire jury")]
    rows[2][4] = ""
    write_csv(path, rows, headers=headers)
    result = import_participants(demo.session(), path, mapping)
    assert result.count == 3 and result.registered == 3
    with demo.session() as s:
        consents = s.execute(
            select(Participant.last_name, ConsentRecord.purpose, ConsentRecord.given_on)
            .join(ConsentRecord)
            .where(Participant.last_name.in_(["Alpha", "Beta", "Gamma"]))
        ).all()
        volunteers = dict(
            s.execute(
                select(Participant.last_name, Registration.jury_volunteer)
                .join(Registration, Registration.participant_id == Participant.id)
                .where(Participant.last_name.in_(["Alpha", "Beta", "Gamma"]))
            ).all()
        )
    assert sorted(consents) == [
        ("Alpha", "contact", date.today()),
        ("Alpha", "photo", date(2026, 9, 12)),
        ("Gamma", "contact", date(2026, 9, 1)),
    ]
    assert volunteers == {"Alpha": True, "Beta": False, "Gamma": False}


def test_full_name_postal_parts_and_notes(demo, tmp_path: Path) -> None:
    headers = ["Nom complet", "Adresse", "Code postal", "Ville", "Notes"]
    rows = [
        ["DUPONT Marie", "12 bis av. Jean-Jaurès", "45600", "Villeneuve", "  vient à vélo "],
        ["Jean-Pierre LE GOFF", "", "", "", ""],
        ["Martin, Paul", "", "", "", ""],
    ]
    path = write_csv(tmp_path / "f.csv", rows, headers=headers)
    import_participants(demo.session(), path, mapping_for(demo, path))
    with demo.session() as s:
        dupont = s.scalars(select(Participant).where(Participant.last_name == "DUPONT")).one()
        assert dupont.first_name == "Marie"
        assert dupont.postal_address == "12 bis av. Jean-Jaurès, 45600 Villeneuve"
        assert dupont.household_key == household_key(dupont.postal_address)
        assert dupont.notes == "vient à vélo"
        assert s.scalar(select(Participant.first_name).where(Participant.last_name == "LE GOFF"))
        assert (
            s.scalar(select(Participant.first_name).where(Participant.last_name == "Martin"))
            == "Paul"
        )


def test_empty_header_only_binary_and_other_files(demo, tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(AtelierError, match="empty"):
        preview_file(empty)
    blank = tmp_path / "blank.csv"
    blank.write_bytes(b"\xef\xbb\xbf\r\n  \n")
    with pytest.raises(AtelierError, match="empty"):
        preview_file(blank)

    header_only = write_csv(tmp_path / "header.csv", [])
    preview = preview_file(header_only)
    assert preview.row_count == 0 and preview.headers == HEADERS
    mapping = mapping_for(demo, header_only)
    assert check_import(demo.session(), header_only, mapping).rows == 0
    with pytest.raises(AtelierError, match="no rows"):
        import_participants(demo.session(), header_only, mapping)

    rng = random.Random(7)
    garbage = tmp_path / "random.csv"
    garbage.write_bytes(bytes(rng.randrange(256) for _ in range(100_000)))
    png = tmp_path / "photo.csv"
    png.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200))
    no_nul = tmp_path / "controls.csv"  # binary-looking but without a NUL byte
    no_nul.write_bytes(bytes(rng.choice([1, 2, 3, 4, 5, 6, 7, 65, 66]) for _ in range(5000)))
    for path in (garbage, png, no_nul):
        with pytest.raises(AtelierError, match="does not look like a table"):
            preview_file(path)
        with pytest.raises(AtelierError, match="does not look like a table"):
            import_participants(demo.session(), path, ImportMapping(columns={}))

    not_a_workbook = tmp_path / "archive.xlsx"
    with zipfile.ZipFile(not_a_workbook, "w") as archive:
        archive.writestr("hello.txt", "hello")
    with pytest.raises(AtelierError, match="does not look like a table"):
        preview_file(not_a_workbook)
    old_excel = tmp_path / "old.xls"
    old_excel.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500))
    with pytest.raises(AtelierError, match=r"\.xls"):
        preview_file(old_excel)
    with pytest.raises(AtelierError, match="does not exist"):
        preview_file(tmp_path / "missing.csv")


def test_cancel_mid_import_leaves_nothing(demo, tmp_path: Path) -> None:
    rows = [[f"Nom{i}", "Marie", f"m{i}@exemple.fr", "", "Femme", "La Gare", ""]
            for i in range(20_000)]  # fmt: skip
    path = write_csv(tmp_path / "big.csv", rows)
    token = CancelToken()
    seen = []

    def progress(done: int, total: int) -> None:
        seen.append(done)
        if done > total // 2:
            token.cancel()

    before = (count(demo), count(demo, ParticipantAttribute))
    with pytest.raises(Cancelled):
        import_participants(
            demo.session(), path, mapping_for(demo, path), progress=progress, cancel=token
        )
    assert len(seen) >= 10  # it was well under way: several batches had been inserted
    assert (count(demo), count(demo, ParticipantAttribute)) == before


def test_mapping_json_round_trip_and_errors() -> None:
    mapping = ImportMapping(
        columns={"Nom": "last_name", "Sexe": "attribute:genre"},
        values={"attribute:genre": {"F": "Femme", "?": None}},
        date_order="mdy",
        process_id=uuid.uuid4(),
        delimiter=";",
    )
    assert ImportMapping.from_json(mapping.to_json()) == mapping
    bad_documents = (
        "[]",
        "{",
        '{"columns": {"a": 1}}',
        '{"columns": {}, "date_order": "xyz"}',
        '{"columns": {}, "process_id": "nope"}',
        '{"columns": {}, "encoding": "klingon"}',
    )
    for bad in bad_documents:
        with pytest.raises(AtelierError):
            ImportMapping.from_json(bad)


@pytest.mark.parametrize(
    ("text", "order", "expected"),
    [
        ("31/12/1980", "dmy", date(1980, 12, 31)),
        ("31-12-1980", "dmy", date(1980, 12, 31)),
        ("31.12.1980", "dmy", date(1980, 12, 31)),
        ("1980-12-31", "dmy", date(1980, 12, 31)),
        ("1980-12-31 00:00:00", "dmy", date(1980, 12, 31)),
        ("31 décembre 1980", "dmy", date(1980, 12, 31)),
        ("1er janvier 1990", "dmy", date(1990, 1, 1)),
        ("3 févr. 1975", "dmy", date(1975, 2, 3)),
        ("12/31/1980", "mdy", date(1980, 12, 31)),
        ("December 31, 1980", "dmy", date(1980, 12, 31)),
        ("05/06/80", "dmy", date(1980, 6, 5)),
    ],
)
def test_french_dates(text, order, expected) -> None:
    assert parse_date(text, order) == expected


@pytest.mark.parametrize("text", ["31/02/1990", "hier", "1980", "32/01/1990", "12 brumaire 1800"])
def test_not_dates(text) -> None:
    with pytest.raises(ValueError):
        parse_date(text)


# --------------------------------------------------------------------------- same rules


def test_fast_fold_agrees_with_fold() -> None:
    for cp in range(0x3000):
        text = f"Ab{chr(cp)}é Ç"
        assert importing._fast_fold(text) == fold(text), hex(cp)
    for text in ("  Œuvray  Élodie ", "ÉLODIE", "Straße", "Мария", "a\u00a0b", "x\u0301y", ""):
        assert importing._fast_fold(text) == fold(text)


def test_keys_agree_with_the_models() -> None:
    keys = importing._Keys()
    cases = [
        ("Élodie", "Lefèvre", "elodie@exemple.fr", "06 12"),
        ("Мария", "Петрова", None, None),
        ("", "Œuvray", None, "+33 6"),
        ("Jean-Baptiste", "", "JB@exemple.fr", None),
        ("Zoé", "Nguyễn", None, None),
    ]
    for first, last, email, phone in cases:
        assert keys.participant(first, last, email, phone) == participant_keys(
            first, last, email, phone
        )
        assert keys.first_key(first, last) == participant_keys(first, last, None, None)["first_key"]
    for address in ("12 bis, Av. Jean-Jaurès\n45600 Villeneuve", "7 r. de l'Église", None, ""):
        assert keys.household(address) == household_key(address)


def test_rows_are_cleaned_like_the_detail_panel(demo, tmp_path: Path) -> None:
    """The importer accepts and refuses what ParticipantData.cleaned() accepts and refuses."""
    headers = ["Prénom", "Nom", "Courriel", "Téléphone", "Année de naissance", "Structure"]
    rows = [
        ["  Élodie ", " Lefèvre  Martin", " Elodie@Exemple.FR ", " 06  12 ", "1980", "  Asso  "],
        ["", "", "", "06 12", "", ""],
        ["A", "", "a@b", "", "", ""],
        ["B", "", "", "", "1899", ""],
        ["C", "", "", "", "2100", ""],
    ]
    path = write_csv(tmp_path / "r.csv", rows, headers=headers)
    report = check_import(demo.session(), path, mapping_for(demo, path))
    refused_lines = {p.line for p in report.problems}
    for line, row in enumerate(rows, start=2):
        data = ParticipantData(
            first_name=row[0], last_name=row[1], email=row[2], phone=row[3],
            birth_year=int(row[4]) if row[4] else None, affiliation=row[5],
        )  # fmt: skip
        try:
            data.cleaned()
            assert line not in refused_lines, line
        except InvalidParticipant:
            assert line in refused_lines, line
    good = rows[:1]
    write_csv(path, good, headers=headers)
    import_participants(demo.session(), path, mapping_for(demo, path))
    expected = ParticipantData(
        first_name=good[0][0], last_name=good[0][1], email=good[0][2], phone=good[0][3],
        birth_year=1980, affiliation=good[0][5],
    ).cleaned()  # fmt: skip
    with demo.session() as s:
        person = s.scalars(
            select(Participant).where(Participant.last_name == "Lefèvre Martin")
        ).one()
        got = (person.first_name, person.last_name, person.email, person.phone,
               person.birth_year, person.affiliation)  # fmt: skip
        assert got == (expected.first_name, expected.last_name, expected.email, expected.phone,
                       expected.birth_year, expected.affiliation)  # fmt: skip
        assert (
            person.search_text
            == participant_keys(person.first_name, person.last_name, person.email, person.phone)[
                "search_text"
            ]
        )
        assert len(person.code) == 8 and set(person.code) <= set(CODE_ALPHABET)
        assert person.created_at.tzinfo is not None


def test_codes_are_unique_even_against_existing_ones() -> None:
    existing = {"AAAAAAAA"}
    codes = importing._new_codes(existing)
    made = [next(codes) for _ in range(50_000)]
    assert len(set(made)) == len(made)
    assert all(len(c) == 8 and set(c) <= set(CODE_ALPHABET) for c in made)
    assert "AAAAAAAA" not in made


def test_ordered_ids_are_version_7_and_increasing() -> None:
    ids = importing._ordered_ids()
    made = [next(ids) for _ in range(10_000)]
    assert all(u.version == 7 and u.variant == uuid.RFC_4122 for u in made)
    assert made == sorted(made, key=lambda u: u.hex) and len(set(made)) == len(made)


# --------------------------------------------------------------------------- a 50 MB file


@pytest.mark.slow
def test_a_50_mb_file_imports_whole_or_not_at_all(demo, tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    padding = "Habite le quartier depuis longtemps, vient aux ateliers du samedi. " * 6
    rng = random.Random(3)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, delimiter=";")
        writer.writerow(["Nom", "Prénom", "Courriel", "Quartier", "Notes"])
        i = 0
        while fh.tell() < 50 * 1024 * 1024:
            writer.writerow([f"Nom{i}", rng.choice(["Élodie", "Loïc", "Zoé"]),
                             f"p{i}@exemple.fr", "Bellevue", padding])  # fmt: skip
            i += 1
    assert path.stat().st_size >= 50 * 1024 * 1024
    mapping = mapping_for(demo, path)

    bad = tmp_path / "big-bad.csv"
    with path.open("rb") as src, bad.open("wb") as dst:
        while chunk := src.read(1 << 20):
            dst.write(chunk)
        dst.write("Fin;Zoé;pas-un-courriel;Bellevue;\r\n".encode())
    before = (count(demo), count(demo, ParticipantAttribute))
    with pytest.raises(ImportRefused) as refused:
        import_participants(demo.session(), bad, mapping)
    assert len(refused.value.report.problems) == 1
    assert refused.value.report.rows == i + 1
    assert (count(demo), count(demo, ParticipantAttribute)) == before

    result = import_participants(demo.session(), path, mapping)
    assert result.count == i
    assert count(demo) == before[0] + i


# --------------------------------------------------------------------------- the command line


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(["--lang", "en", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_import_with_the_suggested_mapping(demo_path: Path, tmp_path: Path, capsys) -> None:
    path = write_csv(tmp_path / "p.csv", PEOPLE)
    code, out, err = run(capsys, "participants", "import", str(demo_path), str(path),
                         "--dry-run")  # fmt: skip
    assert code == EXIT_OK, err
    assert "3 rows checked" in out
    code, out, _err = run(capsys, "participants", "import", str(demo_path), str(path), "--json")
    assert code == EXIT_OK
    document = json.loads(out)
    assert document["imported"] == 3 and document["ok"] is True and document["problems"] == []
    code, out, _err = run(capsys, "info", str(demo_path), "--json")
    assert json.loads(out)["counts"]["participant"] == 63


def test_cli_refuses_then_a_mapping_file_works(demo_path: Path, tmp_path: Path, capsys) -> None:
    headers = [*HEADERS, "Remarque perso"]
    rows = [[*PEOPLE[0], "x"], ["Roux", "Léa", "", "", "F", "Bellevue", "", ""]]
    rows[0][4] = "F"
    path = write_csv(tmp_path / "p.csv", rows, headers=headers)
    code, _out, err = run(capsys, "participants", "import", str(demo_path), str(path))
    assert code == EXIT_REFUSED
    assert "“Remarque perso”" in err and "mapping" in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1

    code, out, _err = run(capsys, "participants", "mapping", str(demo_path), str(path))
    assert code == EXIT_OK
    document = json.loads(out)
    assert document["columns"]["Remarque perso"] == "ignore"
    assert document["values"]["attribute:genre"] == {"F": None}
    assert "Femme" in document["allowed_values"]["attribute:genre"]

    map_path = tmp_path / "map.json"
    map_path.write_text(json.dumps(document), encoding="utf-8")
    code, out, err = run(capsys, "participants", "import", str(demo_path), str(path),
                         "--mapping", str(map_path), "--json")  # fmt: skip
    assert code == EXIT_REFUSED
    report = json.loads(out)
    assert report["imported"] == 0 and report["unknown_values"] == {"attribute:genre": {"F": 2}}
    assert err.startswith("atelier: Nothing was imported")

    document["values"]["attribute:genre"]["F"] = "Femme"
    map_path.write_text(json.dumps(document), encoding="utf-8")
    code, out, err = run(capsys, "participants", "import", str(demo_path), str(path),
                         "--mapping", str(map_path))  # fmt: skip
    assert code == EXIT_OK, err
    assert "Imported 2 participants" in out


def test_cli_reports_bad_rows(demo_path: Path, tmp_path: Path, capsys) -> None:
    rows = [list(PEOPLE[0]), list(PEOPLE[1])]
    rows[1][2] = "faux"
    path = write_csv(tmp_path / "p.csv", rows)
    code, out, err = run(capsys, "participants", "import", str(demo_path), str(path), "--json")
    assert code == EXIT_REFUSED
    problems = json.loads(out)["problems"]
    assert problems == [
        {"line": 3, "column": "Courriel", "value": "faux",
         "reason": "“faux” is not an email address."}
    ]  # fmt: skip
    assert len(err.strip().splitlines()) == 1
    code, out, err = run(capsys, "participants", "import", str(demo_path), str(path))
    assert code == EXIT_REFUSED
    assert "line 3, Courriel" in out
    code, _out, err = run(capsys, "participants", "import", str(demo_path),
                          str(tmp_path / "nope.csv"))  # fmt: skip
    assert code == EXIT_REFUSED and "does not exist" in err
    code, out, _err = run(capsys, "info", str(demo_path), "--json")
    assert json.loads(out)["counts"]["participant"] == 60


def test_cli_import_into_a_process(demo_path: Path, tmp_path: Path, capsys) -> None:
    path = write_csv(tmp_path / "p.csv", PEOPLE)
    code, _out, err = run(capsys, "participants", "import", str(demo_path), str(path),
                          "--process", str(uuid.uuid4()))  # fmt: skip
    assert code == EXIT_REFUSED and "no process" in err
    with pytest.raises(SystemExit) as usage:
        run(capsys, "participants", "import", str(demo_path), str(path), "--process", "abc")
    assert usage.value.code == 2
    assert "not a process identifier" in capsys.readouterr().err


def test_import_keeps_working_when_run_twice_with_new_codes(demo, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "p.csv", PEOPLE)
    mapping = mapping_for(demo, path)
    import_participants(demo.session(), path, mapping)
    import_participants(demo.session(), path, mapping)
    with demo.session() as s:
        codes = s.scalars(select(Participant.code)).all()
    assert len(codes) == len(set(codes)) == 66


@pytest.mark.sqlite_only(reason="reads SQLite's index list")
def test_a_refused_large_import_keeps_every_index(demo, tmp_path, monkeypatch) -> None:
    """Large files have their indexes rebuilt once at the end; a refusal must roll the drop
    back with everything else."""
    import app.facilitation.importing as importing_module

    monkeypatch.setattr(importing_module, "DEFER_INDEXES_BYTES", 0)

    def indexes() -> set[str]:
        with demo.engine.connect() as con:
            return {
                row[0]
                for row in con.exec_driver_sql(
                    "SELECT name FROM sqlite_master WHERE type = 'index'"
                )
            }

    before = indexes()
    assert "ix_participant_sort_key" in before
    bad = tmp_path / "bad.csv"
    bad.write_text("Nom;Prénom;Courriel\nDupont;Marie;pas-un-courriel\n", encoding="utf-8")
    mapping = importing_module.ImportMapping(
        columns={"Nom": "last_name", "Prénom": "first_name", "Courriel": "email"}
    )
    with demo.session() as s, pytest.raises(importing_module.ImportRefused):
        importing_module.import_participants(s, bad, mapping)
    assert indexes() == before
    # A cancel in the middle (an exception inside the import) must not lose them either.
    from app.errors import Cancelled
    from app.jobs import CancelToken

    many = tmp_path / "many.csv"
    many.write_text(
        "Nom;Prénom;Courriel\n" + "".join(f"Nom{i};Prénom{i};\n" for i in range(12000)),
        encoding="utf-8",
    )
    token = CancelToken()
    with demo.session() as s, pytest.raises(Cancelled):
        importing_module.import_participants(
            s, many, mapping, progress=lambda done, total: token.cancel(), cancel=token
        )
    assert indexes() == before
    good = tmp_path / "good.csv"
    good.write_text(
        "Nom;Prénom;Courriel\nDupont;Marie;\nMartin;Léa;lea@exemple.fr\n", encoding="utf-8"
    )
    with demo.session() as s:
        assert importing_module.import_participants(s, good, mapping).count == 2
    assert indexes() == before
