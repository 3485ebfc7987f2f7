"""``atelier volunteers …``: volunteers, missions, hours, costs, savings, summaries."""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path

import pytest

from app.cli import EXIT_OK, EXIT_REFUSED, main
from app.facilitation import actions as A
from app.facilitation import committees as C
from app.facilitation import sessions as S
from app.models import Participant


def run(capsys, *argv: str) -> tuple[int, str, str]:
    try:
        code = main(["--lang", "en", *argv])
    except SystemExit as exc:
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


def read_csv(path: Path) -> list[dict]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh, delimiter=";"))


@pytest.fixture
def ws_path(workspace) -> tuple[Path, str]:
    with workspace.session() as s:
        process = S.create_process(s, S.ProcessData(title="Quartier solidaire"))
        committee = C.create_committee(
            s, C.CommitteeData(process_id=process.id, title="Comité de suivi")
        )
        A.create_action(
            s,
            committee.id,
            A.ActionData(title="Parrainage de familles", created_on=date(2027, 1, 1)),
        )
        person = Participant(first_name="Léa", last_name="Martin")
        s.add(person)
        s.commit()
        code = person.code
    path = workspace.path
    workspace.close(backup=False)
    return path, code


def test_the_whole_cycle_from_the_command_line(ws_path, capsys, tmp_path: Path) -> None:
    path, code = ws_path
    ws = str(path)
    ok = [
        ("add", ws, "--process", "Quartier", "--participant", code, "--skills",
         "écoute, soutien scolaire", "--days", "mon,wed", "--hours-per-week", "6",
         "--charter-date", "2027-01-10", "--charter-version", "v2"),
        ("add", ws, "--process", "Quartier", "--name", "Jeanne Libre", "--hours-per-week", "2"),
        ("training", ws, code, "--title", "Écoute active", "--date", "2027-01-20", "--hours", "12"),
        ("add-mission", ws, "--process", "Quartier", "--title", "Parrainage", "--action",
         "Parrainage", "--wanted", "2", "--start", "2027-01-01", "--end", "2027-12-31"),
        ("assign", ws, "Parrainage", code, "--hours-per-week", "4"),
        ("log-hours", ws, "Parrainage", "--date", "2027-03-03", "--volunteer", code, "--hours",
         "2,5", "--volunteer", "Jeanne", "--hours", "1h30"),
        ("helped", ws, "Parrainage", "--from", "2027-01-01", "--to", "2027-06-30", "--count",
         "21", "--category", "families"),
        ("cost", ws, "Parrainage", "--kind", "training", "--amount", "480", "--date",
         "2027-01-20"),
        ("hourly-value", ws, "--set", "12.5", "--source", "SMIC chargé"),
        ("saving", ws, "Parrainage", "--amount", "1740", "--source", "Département"),
    ]  # fmt: skip
    for argv in ok:
        code_, out, err = run(capsys, "volunteers", *argv)
        assert code_ == EXIT_OK, (argv, out, err)

    # Over-commitment is a warning: Jeanne offered 2 hours a week.
    code_, out, _err = run(
        capsys, "volunteers", "assign", ws, "Parrainage", "Jeanne", "--hours-per-week", "3"
    )
    assert code_ == EXIT_OK and "Warning:" in out and "offered 2" in out

    # Too many hours in a day: refused, nothing saved.
    code_, out, err = run(
        capsys, "volunteers", "log-hours", ws, "Parrainage", "--date", "2027-03-03",
        "--volunteer", code, "--hours", "22",
    )  # fmt: skip
    assert code_ == EXIT_REFUSED and "at most 24" in err

    sheet = tmp_path / "heures.csv"
    sheet.write_text(
        "bénévole,mission,date,heures\nJeanne Libre,Parrainage,2027-04-02,3\n", encoding="utf-8"
    )
    code_, out, _err = run(capsys, "volunteers", "import-hours", ws, str(sheet))
    assert code_ == EXIT_OK and "1 line saved (3 hours)" in out

    listing = tmp_path / "volunteers.csv"
    assert run(capsys, "volunteers", "list", ws, "--csv", str(listing))[0] == EXIT_OK
    people = {r["name"]: r for r in read_csv(listing)}
    assert people["Léa Martin"]["hours"] == "2.5"
    assert people["Léa Martin"]["training_hours"] == "12.0"
    assert people["Jeanne Libre"]["hours"] == "4.5"

    hours = tmp_path / "hours.csv"
    run(capsys, "volunteers", "hours", ws, "--by", "month", "--csv", str(hours))
    assert [(r["key"], r["hours"]) for r in read_csv(hours)] == [
        ("2027-03", "4.0"),
        ("2027-04", "3.0"),
    ]

    summary = tmp_path / "summary.csv"
    code_, out, _err = run(
        capsys, "volunteers", "summary", ws, "--process", "Quartier", "--csv", str(summary)
    )
    assert code_ == EXIT_OK
    rows = read_csv(summary)
    assert [r["scope"] for r in rows] == ["action", "process"]
    action = rows[0]
    assert (action["title"], action["hours"], action["time_value"]) == (
        "Parrainage de familles",
        "7.0",
        "87.5",
    )
    assert (action["costs_training"], action["savings"], action["balance"]) == (
        "480.0",
        "1740.0",
        "1260.0",
    )
    assert action["people_helped"] == "21" and action["savings_sources"] == "Département"

    code_, out, _err = run(capsys, "volunteers", "summary", ws, "--action", "Parrainage", "--json")
    document = json.loads(out)["summaries"][0]
    assert document["ratio"] == pytest.approx(1740 / 480)

    code_, out, _err = run(capsys, "volunteers", "remove", ws, "Jeanne")
    assert code_ == EXIT_OK and "4.5 hours stay counted" in out
    code_, out, _err = run(capsys, "volunteers", "hours", ws, "--by", "volunteer", "--json")
    labels = {r["label"]: r["hours"] for r in json.loads(out)["rows"]}
    assert labels == {"Léa Martin": 2.5, "Jeanne Libre": 4.5}


def test_bad_input_is_refused_with_a_message(ws_path, capsys) -> None:
    path, _code = ws_path
    ws = str(path)
    code_, _out, err = run(
        capsys, "volunteers", "add-mission", ws, "--process", "Quartier", "--title", "X",
        "--start", "2027-05-01", "--end", "2027-04-01",
    )  # fmt: skip
    assert code_ == EXIT_REFUSED and "before it starts" in err
    code_, _out, err = run(capsys, "volunteers", "add", ws, "--process", "Quartier")
    assert code_ == EXIT_REFUSED and "--participant or --name" in err
    code_, _out, err = run(capsys, "volunteers", "hourly-value", ws, "--set", "-3", "--source", "x")
    assert code_ == EXIT_REFUSED and "more than 0" in err
