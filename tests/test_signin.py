"""Sign-in at the door (émargement) on the demo workspace, and its CLI verbs."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from app.cli import EXIT_OK, EXIT_REFUSED, main
from app.errors import AtelierError
from app.facilitation import sessions as S
from app.facilitation import signin
from app.facilitation.participants import ParticipantData, create_participant
from app.models import Attendance, Participant, Registration


@pytest.fixture
def third(demo):
    """The demo and its third session (nobody signed in yet)."""
    with demo.session() as s:
        overview = S.process_overview(s)[0]
    return demo, overview.id, overview.sessions[2].id


def attendance_of(ws, session_id) -> list[Attendance]:
    with ws.session() as s:
        return list(s.scalars(select(Attendance).where(Attendance.session_id == session_id)))


def test_typed_letters_find_names_with_accents_folded(third) -> None:
    ws, _process_id, session_id = third
    with ws.session() as s:
        found = signin.checkin_candidates(s, session_id, "ELO")
        assert found and {c.first_name for c in found} == {"Élodie"}
        assert all(c.registered and not c.present for c in found)
        # Two words narrow it down, in any order.
        one = found[0]
        narrowed = signin.checkin_candidates(s, session_id, f"{one.last_name[:3]} elo")
        assert one.participant_id in {c.participant_id for c in narrowed}
        assert all(c.first_name == "Élodie" for c in narrowed)
        # Cyrillic names are found by their transliteration too.
        assert [c.last_name for c in signin.checkin_candidates(s, session_id, "petrov")] == [
            "Петрова"
        ]
        assert signin.checkin_candidates(s, session_id, "   ") == []


def test_a_scanned_code_comes_first_and_registered_people_before_others(third) -> None:
    ws, _process_id, session_id = third
    with ws.session() as s:
        outsider = create_participant(s, ParticipantData(first_name="Élodie", last_name="Zz"))
        found = signin.checkin_candidates(s, session_id, "elodie")
        assert found[-1].participant_id == outsider and not found[-1].registered
        assert all(c.registered for c in found[:-1])
        person = s.get(Participant, found[1].participant_id)
        scanned = signin.checkin_candidates(s, session_id, f" {person.code.lower()} ")
        assert scanned[0].participant_id == person.id and scanned[0].code_match
        assert signin.participant_by_code(s, person.code.lower()) == person.id
        with pytest.raises(AtelierError, match="No participant has the code"):
            signin.participant_by_code(s, "NOPE1234")


def test_sign_in_is_idempotent_and_records_the_time(third) -> None:
    ws, _process_id, session_id = third
    at = datetime(2026, 12, 12, 9, 2, tzinfo=UTC)
    with ws.session() as s:
        pid = signin.checkin_candidates(s, session_id, "petrova")[0].participant_id
        first = signin.sign_in(s, session_id, pid, at=at)
        again = signin.sign_in(s, session_id, pid, at=at + timedelta(minutes=5))
    assert not first.already and again.already
    assert again.signed_in_at == at and first.name == "Мария Петрова"
    rows = attendance_of(ws, session_id)
    assert [(r.participant_id, r.signed_in_at, r.method) for r in rows] == [(pid, at, "app")]
    with ws.session() as s:
        candidate = signin.checkin_candidates(s, session_id, "petrova")[0]
        assert candidate.present and candidate.signed_in_at == at
        with pytest.raises(AtelierError, match="time zone"):
            signin.sign_in(s, session_id, pid, at=datetime(2026, 12, 12, 9, 0))
        with pytest.raises(AtelierError, match="method"):
            signin.sign_in(s, session_id, pid, method="telepathy")


def test_sign_out_then_back_and_undo(third) -> None:
    ws, _process_id, session_id = third
    at = datetime(2026, 12, 12, 9, 0, tzinfo=UTC)
    with ws.session() as s:
        pid = signin.checkin_candidates(s, session_id, "petrova")[0].participant_id
        with pytest.raises(AtelierError, match="has not signed in"):
            signin.sign_out(s, session_id, pid)
        signin.sign_in(s, session_id, pid, at=at)
        with pytest.raises(AtelierError, match="before they arrived"):
            signin.sign_out(s, session_id, pid, at=at - timedelta(hours=1))
        out = signin.sign_out(s, session_id, pid, at=at + timedelta(hours=2))
        assert out.signed_out_at == at + timedelta(hours=2)
        counts = signin.attendance_counts(s, session_id)
        assert (counts.present, counts.signed_out, counts.still_here) == (1, 1, 0)
        back = signin.sign_in(s, session_id, pid)
        assert back.already and back.signed_out_at is None
        assert signin.undo_sign_in(s, session_id, pid) is True
        assert signin.undo_sign_in(s, session_id, pid) is False
    assert attendance_of(ws, session_id) == []


def test_signing_in_registers_people_from_outside_the_process(third) -> None:
    ws, process_id, session_id = third
    with ws.session() as s:
        pid = create_participant(s, ParticipantData(first_name="Nina", last_name="Kové"))
        result = signin.sign_in(s, session_id, pid)
        assert result.registered_now and not result.already
        registered = s.scalar(
            select(Registration).where(
                Registration.process_id == process_id, Registration.participant_id == pid
            )
        )
        assert registered is not None
        signin.undo_sign_in(s, session_id, pid, unregister=True)
    with ws.session() as s:
        assert s.scalar(select(Registration).where(Registration.participant_id == pid)) is None


def test_a_newcomer_is_created_registered_and_signed_in(third) -> None:
    ws, _process_id, session_id = third
    data = ParticipantData(
        first_name=" Zoé ",
        last_name="Nouvelle",
        stakeholder_type="shopkeeper",
        attributes={"genre": "femme", "quartier": "la gare"},
    )
    with ws.session() as s:
        result = signin.sign_in_newcomer(s, session_id, data)
    assert result.created and result.registered_now and result.name == "Zoé Nouvelle"
    with ws.session() as s:
        counts = signin.attendance_counts(s, session_id)
        person = s.get(Participant, result.participant_id)
        assert person.stakeholder_type == "shopkeeper"
        assert counts.present == 1
        assert counts.by_stakeholder == {"shopkeeper": 1}
        assert counts.by_attribute["genre"]["Femme"] == 1
        assert counts.by_attribute["quartier"] == {
            "Centre-ville": 0,
            "Les Tilleuls": 0,
            "La Gare": 1,
            "Bellevue": 0,
            "Les Prés": 0,
        }
        assert counts.categories["tranche_age"] == "Tranche d'âge"
        with pytest.raises(AtelierError, match="first name or a last name"):
            signin.sign_in_newcomer(s, session_id, ParticipantData())
    assert len(attendance_of(ws, session_id)) == 1


def test_counts_by_attribute_match_the_demo_attendance(demo) -> None:
    with demo.session() as s:
        first = S.process_overview(s)[0].sessions[0]
        counts = signin.attendance_counts(s, first.id)
        rows = signin.attendance_list(s, first.id)
    assert counts.present == 38 == len(rows)
    assert sum(counts.by_stakeholder.values()) == 38
    for key, values in counts.by_attribute.items():
        assert sum(values.values()) == 38, key
    assert list(counts.categories) == ["genre", "tranche_age", "quartier", "diplome"]
    keys = [(r.last_name, r.first_name) for r in rows]
    from app.models.text import fold, latin

    assert [latin(fold(f"{a} {b}")) for a, b in keys] == sorted(
        latin(fold(f"{a} {b}")) for a, b in keys
    )


# --------------------------------------------------------------------------- CLI


def test_cli_signin_by_codes_and_attendance(demo_path: Path, capsys) -> None:
    from app import store

    with store.open_workspace(demo_path, read_only=True) as ws, ws.session() as s:
        codes = list(s.scalars(select(Participant.code).order_by(Participant.sort_key).limit(2)))
    code = main(["--lang", "en", "sessions", "signin", str(demo_path), "atelier 3", *codes])
    out, err = capsys.readouterr()
    assert code == EXIT_OK, err
    assert out.count("signed in at") == 2 and "2 present" in out
    code = main(["sessions", "signin", str(demo_path), "atelier 3", codes[0], "--json"])
    doc = json.loads(capsys.readouterr()[0])
    assert doc["signed_in"][0]["already"] is True and doc["counts"]["present"] == 2
    code = main(["--lang", "en", "sessions", "signin", str(demo_path), "atelier 3", "ZZZZ"])
    _out, err = capsys.readouterr()
    assert code == EXIT_REFUSED and "ZZZZ" in err
    code = main(["sessions", "attendance", str(demo_path), "atelier 3", "--json"])
    doc = json.loads(capsys.readouterr()[0])
    assert sorted(r["code"] for r in doc["attendance"]) == sorted(codes)
    assert doc["counts"]["present"] == 2
    code = main(["--lang", "en", "sessions", "attendance", str(demo_path), "atelier 1"])
    out = capsys.readouterr()[0]
    assert code == EXIT_OK and "38 present" in out and "Genre: Femme 22" in out
