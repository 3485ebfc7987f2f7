"""``atelier participants consent | withdraw | purposes``: consents and retention headless."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from app import store
from app.cli import EXIT_OK, EXIT_REFUSED, EXIT_USAGE, main
from app.commands import participants as commands
from app.facilitation.consent import consents_of, list_purposes
from app.facilitation.participants import ParticipantData, create_participant, find_participant
from app.models import CONSENT_METHODS, Participant


def run(capsys, *argv: str) -> tuple[int, str, str]:
    try:
        code = main(["--lang", "en", *argv])
    except SystemExit as exc:  # argparse: wrong usage
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


@dataclass
class Lea:
    """A closed workspace holding one participant, Léa Martin."""

    path: Path
    code: str
    pid: uuid.UUID


@pytest.fixture
def lea(workspace) -> Lea:
    with workspace.session() as s:
        pid = create_participant(s, ParticipantData(first_name="Léa", last_name="Martin"))
        code = s.get(Participant, pid).code
    path = workspace.path
    workspace.close(backup=False)
    return Lea(path, code, pid)


def consents(path: Path, ref: str):
    with store.open_workspace(path, read_only=True) as ws, ws.session() as s:
        return consents_of(s, find_participant(s, ref))


def purposes(path: Path) -> dict:
    with store.open_workspace(path, read_only=True) as ws, ws.session() as s:
        return {p.code: p for p in list_purposes(s)}


def test_the_methods_offered_are_the_models(lea) -> None:
    assert commands._METHODS == CONSENT_METHODS


def test_consent_is_recorded(lea: Lea, capsys) -> None:
    code = lea.code
    rc, out, err = run(
        capsys, "participants", "consent", str(lea.path), code, "photo",
        "--given", "2026-03-14", "--method", "oral", "--note", "au marché",
    )  # fmt: skip
    assert (rc, err) == (EXIT_OK, "")
    assert out == "Consent recorded: Photos, given on 2026-03-14 (Oral).\n"
    [record] = consents(lea.path, code)
    assert (record.purpose, record.given_on, record.method, record.note) == (
        "photo",
        date(2026, 3, 14),
        "oral",
        "au marché",
    )
    # by id, today by default, paper by default, JSON
    rc, out, _err = run(
        capsys, "participants", "consent", str(lea.path), str(lea.pid), "contact", "--json"
    )
    assert rc == EXIT_OK
    data = json.loads(out)
    assert data["participant_id"] == str(lea.pid)
    assert (data["purpose"], data["given_on"], data["method"], data["note"]) == (
        "contact",
        date.today().isoformat(),
        "paper",
        None,
    )
    assert len(consents(lea.path, code)) == 2


def test_consent_in_french(lea: Lea, capsys) -> None:
    code = main(
        ["--lang", "fr", "participants", "consent", str(lea.path), lea.code, "jury_pool",
         "--given", "2026-03-14"]
    )  # fmt: skip
    out, _err = capsys.readouterr()
    assert code == EXIT_OK and "2026-03-14" in out
    assert "Vivier du jury citoyen" in out and "Formulaire papier" in out


@pytest.mark.parametrize(
    ("argv", "expected", "message"),
    [
        (["XXXXXXXX", "photo"], EXIT_REFUSED, "No participant has the code"),
        (["{code}", "spam"], EXIT_REFUSED, "no consent purpose “spam”"),
        (["{code}", "photo", "--method", "pigeon"], EXIT_USAGE, "invalid choice"),
        (["{code}", "photo", "--given", "14/03/2026"], EXIT_USAGE, "is not a date"),
        (["{code}"], EXIT_USAGE, "required"),
    ],
)
def test_consent_refused(lea: Lea, capsys, argv, expected, message) -> None:
    argv = [a.format(code=lea.code) for a in argv]
    rc, out, err = run(capsys, "participants", "consent", str(lea.path), *argv)
    assert rc == expected and message in err and out == ""
    assert consents(lea.path, lea.code) == []


def test_withdraw_the_current_consent(lea: Lea, capsys) -> None:
    ws, code = str(lea.path), lea.code
    run(capsys, "participants", "consent", ws, code, "photo", "--given", "2026-01-10")
    run(capsys, "participants", "consent", ws, code, "photo", "--given", "2026-02-10")
    run(capsys, "participants", "consent", ws, code, "contact", "--given", "2026-01-10")
    # not before the day it was given, and then nothing changes (all or nothing)
    rc, _out, err = run(capsys, "participants", "withdraw", ws, code, "photo", "--on", "2026-02-01")
    assert rc == EXIT_REFUSED and "given on 2026-02-10" in err
    assert all(c.withdrawn_on is None for c in consents(lea.path, code))

    rc, out, err = run(capsys, "participants", "withdraw", ws, code, "photo", "--on", "2026-05-01")
    assert (rc, err) == (EXIT_OK, "")
    assert out == "2 consents for Photos withdrawn on 2026-05-01.\n"
    withdrawn = {(c.purpose, c.withdrawn_on) for c in consents(lea.path, code)}
    assert withdrawn == {("photo", date(2026, 5, 1)), ("contact", None)}

    # none is current any more: refused clearly, the date already recorded stays
    rc, out, err = run(capsys, "participants", "withdraw", ws, code, "photo")
    assert rc == EXIT_REFUSED and out == ""
    assert f"{code} has no current consent for “photo”" in err
    assert {c.withdrawn_on for c in consents(lea.path, code) if c.purpose == "photo"} == {
        date(2026, 5, 1)
    }

    rc, out, _err = run(capsys, "participants", "withdraw", ws, code, "contact", "--json")
    assert rc == EXIT_OK
    data = json.loads(out)
    assert data["withdrawn_on"] == date.today().isoformat() and len(data["withdrawn"]) == 1
    assert all(c.withdrawn_on is not None for c in consents(lea.path, code))


def test_withdraw_refused(lea: Lea, capsys) -> None:
    ws, code = str(lea.path), lea.code
    rc, _out, err = run(capsys, "participants", "withdraw", ws, code, "jury_pool")
    assert rc == EXIT_REFUSED and "no current consent for “jury_pool”" in err
    rc, _out, err = run(capsys, "participants", "withdraw", ws, code, "spam")
    assert rc == EXIT_REFUSED and "no consent purpose “spam”" in err
    rc, _out, err = run(capsys, "participants", "withdraw", ws, "XXXXXXXX", "photo")
    assert rc == EXIT_REFUSED and "No participant" in err
    rc, _out, err = run(capsys, "participants", "withdraw", ws, code, "photo", "--on", "demain")
    assert rc == EXIT_USAGE and "is not a date" in err


def test_purposes_listed(lea: Lea, capsys) -> None:
    rc, out, _err = run(capsys, "participants", "purposes", str(lea.path))
    assert rc == EXIT_OK
    lines = out.splitlines()
    assert [line.split()[0] for line in lines] == [
        "contact",
        "photo",
        "jury_pool",
        "partner_sharing",
    ]
    assert "Photos" in lines[1] and lines[1].endswith("24 months")
    rc, out, _err = run(capsys, "participants", "purposes", str(lea.path), "--json")
    data = json.loads(out)["purposes"]
    assert data[2] == {
        "code": "jury_pool",
        "label": "Citizen jury pool",
        "retention_months": 36,
        "builtin": True,
    }


def test_purposes_set_and_add(lea: Lea, capsys) -> None:
    ws = str(lea.path)
    rc, out, err = run(
        capsys, "participants", "purposes", ws,
        "--set", "photo", "12", "--set", "partner_sharing", "none",
        "--add", "", "Lettre d'information", "none", "--add", "expo", "Exposition", "1",
    )  # fmt: skip
    assert (rc, err) == (EXIT_OK, "")
    assert "until withdrawn" in out and "1 month" in out and "1 months" not in out
    found = purposes(lea.path)
    assert found["photo"].retention_months == 12
    assert found["partner_sharing"].retention_months is None
    assert found["lettre_d_information"].label == "Lettre d'information"
    assert found["lettre_d_information"].retention_months is None
    assert (found["expo"].label, found["expo"].retention_months) == ("Exposition", 1)
    # a new purpose can be consented to at once
    rc, _out, _err = run(capsys, "participants", "consent", ws, lea.code, "expo")
    assert rc == EXIT_OK


@pytest.mark.parametrize(
    ("argv", "expected", "message"),
    [
        (["--set", "photo", "douze"], EXIT_USAGE, "not a number of months"),
        (["--set", "photo"], EXIT_USAGE, "expected 2 arguments"),
        (["--set", "photo", "0"], EXIT_REFUSED, "between 1 and 1200"),
        (["--set", "spam", "12"], EXIT_REFUSED, "no consent purpose “spam”"),
        (["--add", "photo", "Autres photos", "12"], EXIT_REFUSED, "already exists"),
        (["--add", "x", "  ", "12"], EXIT_REFUSED, "needs a name"),
    ],
)
def test_purposes_refused(lea: Lea, capsys, argv, expected, message) -> None:
    before = purposes(lea.path)
    rc, out, err = run(capsys, "participants", "purposes", str(lea.path), *argv)
    assert rc == expected and message in err and out == ""
    assert purposes(lea.path) == before
