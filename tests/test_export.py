"""Exporting participants: French-Excel CSV, XLSX, formula cells neutralised, round trips."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app import store
from app.cli import EXIT_OK, main
from app.errors import AtelierError, Cancelled
from app.facilitation import demo as demo_data
from app.facilitation import importing, labels
from app.facilitation.exporting import export_participants, neutralise
from app.facilitation.participants import ParticipantData, create_participant
from app.facilitation.vocabularies import load_vocabularies
from app.jobs import CancelToken
from app.models import STAKEHOLDER_TYPES, Participant, utcnow


def read_csv(path: Path) -> list[list[str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM French Excel needs
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.reader(fh, delimiter=";"))


def people(ws) -> set[tuple]:
    """Everyone not erased, with their attributes, as comparable tuples."""
    with ws.session() as s:
        vocabularies = load_vocabularies(s)
        names = {v.id: v.value for voc in vocabularies.values() for v in voc.values}
        result = set()
        for p in s.scalars(select(Participant).where(Participant.erased_at.is_(None))):
            attributes = tuple(sorted(names[a.value_id] for a in p.attributes))
            result.add(
                (p.first_name, p.last_name, p.email, p.phone, p.postal_address,
                 p.stakeholder_type, p.affiliation, p.birth_year, attributes)
            )  # fmt: skip
    return result


def test_formula_cells_are_neutralised() -> None:
    assert neutralise("=1+1") == "'=1+1"
    assert neutralise("+33 6 12") == "'+33 6 12"
    assert neutralise("-2") == "'-2"
    assert neutralise("@SUM(A1)") == "'@SUM(A1)"
    assert neutralise("\t=x") == "'\t=x"
    assert neutralise("\r=x") == "'\r=x"
    assert neutralise("Dupont") == "Dupont"
    assert neutralise("") == ""


def test_csv_export_for_french_excel_with_injection_neutralised(demo, tmp_path: Path) -> None:
    with demo.session() as s:
        create_participant(
            s,
            ParticipantData(
                first_name='=HYPERLINK("http://x","clic")',
                last_name="@SUM(A1)",
                phone="+33 6 12 34 56 78",
                affiliation="-Asso",
                attributes={"genre": "Femme"},
            ),
        )
    path = tmp_path / "export.csv"
    exported = export_participants(demo.session(), path)
    assert exported == 61
    rows = read_csv(path)
    assert rows[0][:3] == ["Code", "Last name", "First name"]
    assert rows[0][-4:] == ["Genre", "Tranche d'âge", "Quartier", "Niveau de diplôme"]
    assert len(rows) == 62
    evil = next(r for r in rows if r[1].startswith("'@"))
    assert evil[1] == "'@SUM(A1)"
    assert evil[2] == '\'=HYPERLINK("http://x","clic")'
    assert evil[4] == "'+33 6 12 34 56 78"
    assert evil[7] == "'-Asso"
    assert evil[-4] == "Femme"
    for row in rows:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell
    assert any(r[2] == "Мария" for r in rows)
    assert not list(tmp_path.glob(".export-*"))


def test_export_in_french(demo, tmp_path: Path) -> None:
    from app import i18n

    i18n.set_language("fr")
    path = tmp_path / "export.csv"
    export_participants(demo.session(), path)
    rows = read_csv(path)
    assert rows[0][1] == "Nom"  # translated headers
    french = {labels.stakeholder_type(code) for code in STAKEHOLDER_TYPES}
    assert {r[6] for r in rows[1:]} <= french
    assert "Resident" not in french  # the labels really are French


def test_erased_people_are_not_exported_and_search_filters(demo, tmp_path: Path) -> None:
    with demo.session() as s:
        victim = s.scalars(select(Participant).where(Participant.last_name == "Петрова")).one()
        victim.erased_at = utcnow()
        s.commit()
        first = s.scalar(select(Participant.last_name).order_by(Participant.sort_key).limit(1))
    path = tmp_path / "export.csv"
    assert export_participants(demo.session(), path) == 59
    assert not any("Петрова" in cell for row in read_csv(path) for cell in row)
    assert export_participants(demo.session(), path, search=first) >= 1
    assert all(first in row[1] for row in read_csv(path)[1:])


def test_xlsx_export_keeps_text_as_text(demo, tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    with demo.session() as s:
        create_participant(s, ParticipantData(first_name="=1+1", last_name="Formule"))
    path = tmp_path / "export.xlsx"
    assert export_participants(demo.session(), path) == 61
    workbook = openpyxl.load_workbook(path)
    sheet = workbook.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][1] == "Last name"
    formula_row = next(r for r in rows if r[1] == "Formule")
    assert formula_row[2] == "'=1+1"
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_unknown_format_and_unwritable_folder(demo, tmp_path: Path) -> None:
    with pytest.raises(AtelierError, match="Unknown export format"):
        export_participants(demo.session(), tmp_path / "x.csv", kind="pdf")
    with pytest.raises(AtelierError, match="Cannot write"):
        export_participants(demo.session(), tmp_path / "missing" / "x.csv")


def test_cancelled_export_leaves_no_file(tmp_path: Path) -> None:
    ws = store.create_workspace(tmp_path / "big.atelier", backup_count=0)
    try:
        with ws.transaction() as s:
            demo_data.add_generated_participants(s, 3000)
        token = CancelToken()

        def progress(done: int, total: int) -> None:
            token.cancel()

        path = tmp_path / "export.csv"
        with pytest.raises(Cancelled):
            export_participants(ws.session(), path, progress=progress, cancel=token)
        assert not path.exists()
        assert not list(tmp_path.glob(".export-*"))
        assert export_participants(ws.session(), path) == 3000
    finally:
        ws.close(backup=False)


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_export_then_import_round_trip(demo, tmp_path: Path, suffix: str) -> None:
    with demo.session() as s:
        create_participant(
            s,
            ParticipantData(
                first_name="Zoé", last_name="-Trait", phone="+33 6 00 00 00 01",
                email="zoe@exemple.fr", birth_year=1990, affiliation="=Asso",
                postal_address="3 rue des Prés\n45600 Villeneuve", stakeholder_type="youth",
                attributes={"genre": "Femme", "quartier": "Les Prés"},
            ),
        )  # fmt: skip
    path = tmp_path / f"export{suffix}"
    export_participants(demo.session(), path)

    fresh = store.create_workspace(tmp_path / "fresh.atelier", backup_count=0)
    try:
        with fresh.transaction() as s:
            demo_data.add_vocabularies(s)
        preview = importing.preview_file(path)
        with fresh.session() as s:
            mapping = importing.suggest_mapping(
                preview, load_vocabularies(s), importing._consent_purposes(s)
            )
        assert importing.unmapped_headers(preview, mapping) == []
        assert mapping.columns["Code"] == "ignore"
        result = importing.import_participants(fresh.session(), path, mapping)
        assert result.count == 61
        assert people(fresh) == people(demo)
        with fresh.session() as s:
            assert s.scalar(select(func.count(func.distinct(Participant.code)))) == 61
    finally:
        fresh.close(backup=False)


def test_cli_export(demo_path: Path, tmp_path: Path, capsys) -> None:
    path = tmp_path / "out.xlsx"
    code = main(["--lang", "en", "participants", "export", str(demo_path), str(path), "--json"])
    out, _err = capsys.readouterr()
    assert code == EXIT_OK
    assert json.loads(out) == {"exported": 60, "path": str(path)}
    assert path.read_bytes().startswith(b"PK\x03\x04")
    path = tmp_path / "out.txt"
    code = main(["--lang", "en", "participants", "export", str(demo_path), str(path),
                 "--format", "csv", "--search", "Петрова"])  # fmt: skip
    out, _err = capsys.readouterr()
    assert code == EXIT_OK and "Exported 1 participant to" in out
    assert len(read_csv(path)) == 2
