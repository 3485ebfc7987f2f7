"""Processes, sessions, agendas, minutes and decisions on real workspace files; and their CLI."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from app import store
from app.cli import EXIT_OK, EXIT_REFUSED, main
from app.errors import AtelierError
from app.facilitation import sessions as S
from app.models import AgendaItem, Registration
from app.models import Session as WorkshopSession

START = datetime(2026, 12, 12, 9, 0, tzinfo=UTC)


@pytest.fixture
def made(workspace):
    """A process with one three-hour session in an empty workspace."""
    with workspace.session() as s:
        process = S.create_process(
            s, S.ProcessData(title="Budget participatif 2027", phase="co_design")
        )
        info = S.create_session(
            s,
            S.SessionData(
                process_id=process.id,
                title="Atelier de lancement",
                starts_at=START,
                ends_at=START + timedelta(hours=3),
                place="Mairie",
                facilitators="Claire Dupont",
            ),
        )
    return workspace, process.id, info.id


def test_create_update_and_delete_a_process(workspace) -> None:
    with workspace.session() as s:
        info = S.create_process(
            s,
            S.ProcessData(
                title="  Plan   vélo ",
                phase="co_evaluate",
                charter="Charte\n",
                started_on=date(2026, 1, 5),
            ),
        )
    assert info.title == "Plan vélo" and info.charter == "Charte"
    with workspace.session() as s:
        assert S.process_data(s, info.id).phase == "co_evaluate"
        data = S.process_data(s, info.id)
        data.phase = "co_deliver"
        data.ended_on = date(2026, 12, 31)
        S.update_process(s, info.id, data)
    with workspace.session() as s:
        assert S.process_info(s, info.id).phase == "co_deliver"
        assert [p.title for p in S.process_overview(s)] == ["Plan vélo"]
        S.delete_process(s, info.id)
    with workspace.session() as s:
        assert S.process_overview(s) == []


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (S.ProcessData(title="   "), "needs a title"),
        (S.ProcessData(title="X", phase="co_dream"), "Unknown phase"),
        (
            S.ProcessData(title="X", started_on=date(2026, 5, 1), ended_on=date(2026, 4, 1)),
            "end before",
        ),
    ],
)
def test_bad_processes_are_refused(workspace, data, message) -> None:
    with workspace.session() as s, pytest.raises(AtelierError, match=message):
        S.create_process(s, data)


def test_session_fields_and_refusals(made) -> None:
    ws, process_id, session_id = made
    with ws.session() as s:
        info = S.session_info(s, session_id)
        assert info.length_minutes == 180 and info.minutes_status == "draft"
        data = S.session_data(s, session_id)
        data.place = "  Salle   des fêtes "
        assert S.update_session(s, session_id, data).place == "Salle des fêtes"
        bad = S.session_data(s, session_id)
        bad.ends_at = bad.starts_at
        with pytest.raises(AtelierError, match="end after"):
            S.update_session(s, session_id, bad)
        naive = S.SessionData(process_id=process_id, title="X", starts_at=datetime(2026, 1, 1))
        with pytest.raises(AtelierError, match="time zone"):
            S.create_session(s, naive)
        with pytest.raises(AtelierError, match="no longer exists"):
            S.create_session(s, S.SessionData(uuid.uuid4(), "X", START))
    with ws.session() as s:
        assert s.get(WorkshopSession, session_id).place == "Salle des fêtes"
        S.delete_session(s, session_id)
    with ws.session() as s:
        assert S.list_sessions(s) == []


def test_agenda_items_total_against_the_session_length(made) -> None:
    ws, _process_id, session_id = made
    with ws.session() as s:
        S.add_agenda_item(s, session_id, "Accueil et émargement", 20)
        S.add_agenda_item(s, session_id, "Travail en sous-groupes", 90)
        summary = S.add_agenda_item(s, session_id, "Plénière", 45)
    assert [i.title for i in summary.items] == [
        "Accueil et émargement",
        "Travail en sous-groupes",
        "Plénière",
    ]
    assert (summary.total_minutes, summary.session_minutes, summary.over_by) == (155, 180, 0)
    assert summary.free_minutes == 25
    with ws.session() as s:
        plenary = summary.items[2].id
        summary = S.update_agenda_item(s, plenary, "Plénière et suite", 70)
        assert (summary.total_minutes, summary.over_by) == (180, 0)
        summary = S.add_agenda_item(s, session_id, "Pot de l'amitié", 30)
        assert summary.over_by == 30
        summary = S.move_agenda_item(s, plenary, 0)
        assert [i.title for i in summary.items][:2] == [
            "Plénière et suite",
            "Accueil et émargement",
        ]
        assert [i.position for i in summary.items] == [0, 1, 2, 3]
        summary = S.remove_agenda_item(s, summary.items[1].id)
        assert [i.position for i in summary.items] == [0, 1, 2]
        assert summary.total_minutes == 190
        with pytest.raises(AtelierError, match="needs a title"):
            S.add_agenda_item(s, session_id, "  ", 10)
        with pytest.raises(AtelierError, match="plausible"):
            S.add_agenda_item(s, session_id, "Nuit blanche", 5000)
    with ws.session() as s:
        rows = s.query(AgendaItem).filter_by(session_id=session_id).count()
        assert rows == 3


def test_agenda_items_from_the_demo_agenda_text(demo) -> None:
    with demo.session() as s:
        session_id = S.process_overview(s)[0].sessions[0].id
        summary = S.agenda_from_text(s, session_id)
    assert summary.items[0].title == "Accueil et émargement"
    assert len(summary.items) == 4 and summary.total_minutes == 0
    assert summary.session_minutes == 180


def test_minutes_shared_validation(made) -> None:
    ws, _process_id, session_id = made
    with ws.session() as s:
        with pytest.raises(AtelierError, match="Write the minutes"):
            S.circulate_minutes(s, session_id)
        S.set_minutes(s, session_id, "Présent·es : 24.\nLe groupe retient trois priorités.")
        with pytest.raises(AtelierError, match="Circulate the minutes"):
            S.validate_minutes(s, session_id, "Le comité")
        info = S.circulate_minutes(s, session_id)
        assert info.status == "circulated" and info.circulated_at is not None
        # A change after circulation sends the minutes back to draft.
        info = S.set_minutes(s, session_id, "Présent·es : 25.\nLe groupe retient trois priorités.")
        assert info.status == "draft" and info.circulated_at is None
        S.circulate_minutes(s, session_id)
        with pytest.raises(AtelierError, match="who validated"):
            S.validate_minutes(s, session_id, "  ")
        info = S.validate_minutes(s, session_id, "Mme Dupont, M. Ortiz")
    assert info.status == "validated" and info.validated_by == "Mme Dupont, M. Ortiz"
    assert info.validated_at is not None and info.validated_at.tzinfo is not None
    with ws.session() as s:
        stored = s.get(WorkshopSession, session_id)
        assert stored.minutes_status == "validated"
        assert stored.minutes_validated_by == "Mme Dupont, M. Ortiz"
        with pytest.raises(AtelierError, match="reopen them"):
            S.set_minutes(s, session_id, "Autre texte")
        with pytest.raises(AtelierError, match="already validated"):
            S.validate_minutes(s, session_id, "Quelqu'un")
        info = S.reopen_minutes(s, session_id)
        assert info.status == "draft" and info.validated_by is None
        assert S.set_minutes(s, session_id, "Autre texte").text == "Autre texte"


def test_decisions(made) -> None:
    ws, _process_id, session_id = made
    with ws.session() as s:
        first = S.add_decision(s, session_id, "Piétonniser la place le samedi")
        second = S.add_decision(s, session_id, "Planter 12 arbres", "adopted")
        assert (first.position, second.position) == (0, 1)
        S.update_decision(s, first.id, status="postponed")
        with pytest.raises(AtelierError, match="Unknown decision status"):
            S.update_decision(s, first.id, status="maybe")
        with pytest.raises(AtelierError, match="needs a text"):
            S.add_decision(s, session_id, "  ")
    with ws.session() as s:
        assert [(d.text, d.status) for d in S.decisions(s, session_id)] == [
            ("Piétonniser la place le samedi", "postponed"),
            ("Planter 12 arbres", "adopted"),
        ]
        S.remove_decision(s, first.id)
        assert [(d.position, d.text) for d in S.decisions(s, session_id)] == [
            (0, "Planter 12 arbres")
        ]


def test_register_is_idempotent(demo) -> None:
    from app.facilitation.participants import ParticipantData, create_participant

    with demo.session() as s:
        process_id = S.process_overview(s)[0].id
        pid = create_participant(s, ParticipantData(first_name="Nina", last_name="Kové"))
        first = S.register(s, process_id, pid)
        again = S.register(s, process_id, pid, jury_volunteer=True)
        third = S.register(s, process_id, pid)
    assert first.created and not again.created and not third.created
    assert third.jury_volunteer  # never unmarked silently
    with demo.session() as s:
        rows = s.query(Registration).filter_by(process_id=process_id, participant_id=pid).all()
        assert len(rows) == 1 and rows[0].jury_volunteer


def test_find_by_id_or_title_prefix(demo) -> None:
    with demo.session() as s:
        overview = S.process_overview(s)
        third = overview[0].sessions[2]
        assert S.find_session(s, "atelier 3") == third.id
        assert S.find_session(s, str(third.id)) == third.id
        assert S.find_process(s, "reamenagement") == overview[0].id
        with pytest.raises(AtelierError, match="several sessions"):
            S.find_session(s, "Atelier")
        with pytest.raises(AtelierError, match="No session"):
            S.find_session(s, "Zumba")


# --------------------------------------------------------------------------- CLI


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(["--lang", "en", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_processes_and_sessions(tmp_path: Path, capsys) -> None:
    path = tmp_path / "ville.atelier"
    assert run(capsys, "init", str(path))[0] == EXIT_OK
    charter = tmp_path / "charte.txt"
    charter.write_text("Charte de la participation\nRespect.", encoding="utf-8")
    code, out, err = run(
        capsys, "processes", "create", str(path), "--title", "Plan vélo",
        "--phase", "co_design", "--charter-file", str(charter), "--json",
    )  # fmt: skip
    assert code == EXIT_OK, err
    process = json.loads(out)
    assert process["phase"] == "co_design" and process["charter"].startswith("Charte")
    code, out, err = run(
        capsys, "sessions", "create", str(path), "--process", "plan",
        "--title", "Balade urbaine", "--start", "2026-12-12 10:00", "--end", "2026-12-12 12:00",
        "--place", "Parvis de la gare", "--json",
    )  # fmt: skip
    assert code == EXIT_OK, err
    created = json.loads(out)
    assert created["place"] == "Parvis de la gare"
    starts = datetime.fromisoformat(created["starts_at"])
    assert starts.tzinfo is not None
    assert starts.astimezone().replace(tzinfo=None) == datetime(2026, 12, 12, 10, 0)

    code, out, _err = run(capsys, "processes", "list", str(path), "--json")
    assert [p["title"] for p in json.loads(out)["processes"]] == ["Plan vélo"]
    code, out, _err = run(capsys, "sessions", "list", str(path), "--process", "plan", "--json")
    assert [s["title"] for s in json.loads(out)["sessions"]] == ["Balade urbaine"]
    code, out, _err = run(capsys, "sessions", "list", str(path))
    assert code == EXIT_OK and "Balade urbaine" in out

    code, out, err = run(
        capsys, "sessions", "agenda", str(path), "balade", "--add", "Départ", "--minutes", "90"
    )
    assert code == EXIT_OK, err
    code, out, err = run(
        capsys, "sessions", "agenda", str(path), "balade", "--add", "Retour", "--minutes", "45",
        "--json",
    )  # fmt: skip
    agenda = json.loads(out)
    assert (agenda["total_minutes"], agenda["session_minutes"], agenda["over_by"]) == (135, 120, 15)
    code, out, _err = run(capsys, "sessions", "agenda", str(path), "balade")
    assert "Départ" in out and "15" in out

    minutes = tmp_path / "cr.txt"
    minutes.write_text("Compte rendu de la balade.", encoding="utf-8")
    code, out, err = run(
        capsys, "sessions", "minutes", str(path), "balade", "--set-file", str(minutes),
        "--circulate", "--validate-by", "Le comité", "--json",
    )  # fmt: skip
    assert code == EXIT_OK, err
    doc = json.loads(out)
    assert doc["status"] == "validated" and doc["validated_by"] == "Le comité"
    code, _out, err = run(
        capsys,
        "sessions",
        "minutes",
        str(path),
        "balade",
        "--set-file",
        str(minutes.with_name("x.txt")),
    )
    assert code == EXIT_REFUSED and "Traceback" not in err
    minutes.write_text("Autre.", encoding="utf-8")
    code, _out, err = run(
        capsys, "sessions", "minutes", str(path), "balade", "--set-file", str(minutes)
    )
    assert code == EXIT_REFUSED and "reopen" in err
    with store.open_workspace(path, read_only=True) as ws, ws.session() as s:
        info = S.session_info(s, S.find_session(s, "balade"))
        assert info.minutes == "Compte rendu de la balade." and info.minutes_status == "validated"


def test_cli_refuses_bad_input(tmp_path: Path, capsys) -> None:
    path = tmp_path / "ville.atelier"
    run(capsys, "init", str(path))
    code, _out, err = run(capsys, "processes", "create", str(path), "--title", "X", "--phase", "z")
    assert code == EXIT_REFUSED and "Unknown phase" in err
    run(capsys, "processes", "create", str(path), "--title", "X")
    code, _out, err = run(
        capsys, "sessions", "create", str(path), "--process", "X", "--title", "Y",
        "--start", "demain",
    )  # fmt: skip
    assert code == EXIT_REFUSED and "date" in err and "Traceback" not in err
    code, _out, err = run(capsys, "sessions", "attendance", str(path), "nothing")
    assert code == EXIT_REFUSED and "No session" in err
