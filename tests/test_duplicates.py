"""Likely duplicates (folded names + email, phone or birth year) and merges that keep history."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.cli import EXIT_OK, EXIT_REFUSED, main
from app.facilitation import audit
from app.facilitation.consent import add_consent, erase_participants
from app.facilitation.duplicates import (
    MergeRefused,
    duplicate_groups,
    likely_duplicates,
    merge_participants,
    phone_key,
)
from app.facilitation.participants import (
    ParticipantData,
    count_participants,
    create_participant,
    participant_data,
)
from app.models import (
    Attendance,
    AuditEvent,
    ConsentRecord,
    Participant,
    Process,
    Registration,
    Session,
)


def test_phone_key_ignores_spacing_and_country_prefix() -> None:
    assert phone_key("06 12 34 56 78") == phone_key("+33 6 12 34 56 78") == "612345678"
    assert phone_key("06.12.34.56.78") == "612345678"
    assert phone_key("12") is None and phone_key(None) is None


def test_likely_duplicates_fold_accents_and_case(workspace) -> None:
    with workspace.session() as s:
        elodie = create_participant(
            s, ParticipantData(first_name="Élodie", last_name="ANDRÉ", email="e.andre@exemple.fr")
        )
        by_phone = create_participant(
            s, ParticipantData(first_name="Élodie", last_name="André", phone="06 12 34 56 78")
        )
        # same name, nothing else in common: a namesake, not a duplicate
        create_participant(
            s, ParticipantData(first_name="Elodie", last_name="Andre", email="autre@exemple.fr")
        )
        typed = ParticipantData(
            first_name="elodie", last_name="andre", email="E.Andre@Exemple.fr", phone="+33612345678"
        )
        found = {c.id: c.reasons for c in likely_duplicates(s, typed)}
        assert found == {elodie: ("email",), by_phone: ("phone",)}
        assert likely_duplicates(s, typed, exclude_id=elodie)[0].id == by_phone
        born = create_participant(
            s, ParticipantData(first_name="Jean", last_name="Petit", birth_year=1970)
        )
        same_year = ParticipantData(first_name="JEAN", last_name="petit", birth_year=1970)
        assert [c.id for c in likely_duplicates(s, same_year)] == [born]
        other_year = ParticipantData(first_name="Jean", last_name="Petit", birth_year=1971)
        assert likely_duplicates(s, other_year) == []
        # erased people are never offered
        erase_participants(s, [born])
        assert likely_duplicates(s, same_year) == []


def test_duplicate_groups_across_the_registry(workspace) -> None:
    with workspace.session() as s:

        def add(first, last, **kw) -> uuid.UUID:
            return create_participant(s, ParticipantData(first_name=first, last_name=last, **kw))

        a1 = add("Élodie", "André", email="elodie@exemple.fr")
        a2 = add("elodie", "ANDRE", email="ELODIE@exemple.fr", phone="0611111111")
        a3 = add("Elodie", "Andre", phone="+33 6 11 11 11 11")  # joined through a2's phone
        add("Elodie", "Andre", email="autre@exemple.fr")  # a namesake
        b1 = add("Karim", "Benali", birth_year=1980)
        b2 = add("Karim", "Benali", birth_year=1980)
        add("Karim", "Benali", birth_year=1981)
        add("Zoé", "Seule", email="zoe@exemple.fr")
        groups = duplicate_groups(s)
    assert sorted(map(sorted, groups)) == sorted([sorted([a1, a2, a3]), sorted([b1, b2])])
    assert [a1, a2, a3] in groups  # oldest record first


def test_demo_has_no_duplicates(demo) -> None:
    with demo.session() as s:
        assert duplicate_groups(s) == []


def _history_workspace(s):
    process = Process(title="Démarche")
    other_process = Process(title="Autre démarche")
    s.add_all([process, other_process])
    s.flush()
    start = datetime(2026, 9, 19, 8, 0, tzinfo=UTC)
    sessions = [
        Session(process_id=process.id, title=f"Atelier {i}", starts_at=start + timedelta(days=i))
        for i in range(3)
    ]
    s.add_all(sessions)
    s.flush()
    return process, other_process, sessions


def test_merge_keeps_history_without_duplicate_rows(demo) -> None:
    with demo.session() as s:
        process, other_process, sessions = _history_workspace(s)
        keep = create_participant(
            s,
            ParticipantData(
                first_name="Élodie",
                last_name="André",
                email="elodie@exemple.fr",
                attributes={"genre": "Femme"},
            ),
        )
        other = create_participant(
            s,
            ParticipantData(
                first_name="elodie",
                last_name="andre",
                email="elodie@exemple.fr",
                phone="06 11 22 33 44",
                postal_address="3 rue de la Gare",
                attributes={"genre": "Homme", "quartier": "La Gare"},
            ),
        )
        at = sessions[0].starts_at
        s.add_all(
            [
                # both signed in to session 0: the earliest sign-in (other's) is kept
                Attendance(session_id=sessions[0].id, participant_id=keep, signed_in_at=at + timedelta(minutes=20)),  # noqa: E501
                Attendance(session_id=sessions[0].id, participant_id=other, signed_in_at=at, method="sheet"),  # noqa: E501
                Attendance(session_id=sessions[1].id, participant_id=other, signed_in_at=sessions[1].starts_at),  # noqa: E501
                Registration(process_id=process.id, participant_id=keep),
                Registration(process_id=process.id, participant_id=other, jury_volunteer=True),
                Registration(process_id=other_process.id, participant_id=other),
            ]
        )  # fmt: skip
        s.commit()
        add_consent(s, keep, "contact", date(2026, 9, 1))
        add_consent(s, other, "photo", date(2026, 9, 2), "oral")
        per_session_before = {
            k: n
            for k, n in s.execute(
                select(Attendance.session_id, func.count()).group_by(Attendance.session_id)
            )
        }
        assert [c.id for c in likely_duplicates(s, participant_data(s, keep), exclude_id=keep)] == [
            other
        ]
        result = merge_participants(s, keep, other)
    assert (result.attendance_moved, result.attendance_merged) == (1, 1)
    assert (result.registrations_moved, result.registrations_merged) == (1, 1)
    assert result.consents_moved == 1
    assert set(result.fields_filled) == {"phone", "postal_address"}
    assert result.attributes_filled == ["quartier"]
    with demo.session() as s:
        assert s.get(Participant, other) is None
        rows = s.execute(
            select(Attendance.session_id, Attendance.signed_in_at, Attendance.method).where(
                Attendance.participant_id == keep
            )
        ).all()
        assert sorted((r[0], r[1]) for r in rows) == sorted(
            [(sessions[0].id, sessions[0].starts_at), (sessions[1].id, sessions[1].starts_at)]
        )
        assert {r[0]: r[2] for r in rows}[sessions[0].id] == "sheet"
        per_session = {
            k: n
            for k, n in s.execute(
                select(Attendance.session_id, func.count()).group_by(Attendance.session_id)
            )
        }
        assert per_session[sessions[0].id] == per_session_before[sessions[0].id] - 1
        assert per_session[sessions[1].id] == per_session_before[sessions[1].id]
        registrations = {
            r.process_id: r.jury_volunteer
            for r in s.scalars(select(Registration).where(Registration.participant_id == keep))
        }
        assert registrations == {process.id: True, other_process.id: False}
        purposes = sorted(
            s.scalars(select(ConsentRecord.purpose).where(ConsentRecord.participant_id == keep))
        )
        assert purposes == ["contact", "photo"]
        kept = participant_data(s, keep)
        assert kept.phone == "06 11 22 33 44"
        assert kept.attributes == {"genre": "Femme", "quartier": "La Gare"}  # own value wins
        assert s.get(Participant, keep).household_key == "3 rue de la gare"
        event = s.scalars(select(AuditEvent).where(AuditEvent.kind == "participants.merged")).one()
        payload = json.loads(event.payload)
        assert payload["kept"] == str(keep) and payload["removed"] == str(other)
        assert "elodie" not in event.payload.lower()
        assert audit.verify(s).ok
        assert count_participants(s) == 61


def test_merge_refusals(demo) -> None:
    with demo.session() as s:
        a, b = s.scalars(select(Participant.id).limit(2)).all()
        with pytest.raises(MergeRefused, match="themselves"):
            merge_participants(s, a, a)
        erase_participants(s, [b])
        with pytest.raises(MergeRefused, match="erased"):
            merge_participants(s, a, b)
        with pytest.raises(MergeRefused, match="no longer exists"):
            merge_participants(s, a, uuid.uuid4())
    with demo.session() as s:
        assert s.get(Participant, a) is not None and s.get(Participant, b) is not None


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(["--lang", "en", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_duplicates_and_merge(demo_path: Path, capsys) -> None:
    from app import store

    ws = store.open_workspace(demo_path, backup_count=0, backup_on_open=False)
    with ws, ws.session() as s:
        first = s.scalars(select(Participant).order_by(Participant.sort_key).limit(1)).one()
        twin = create_participant(
            s,
            ParticipantData(
                first_name=first.first_name.upper(),
                last_name=first.last_name,
                email=first.email.upper(),
            ),
        )
        keep_code, twin_code = first.code, s.get(Participant, twin).code
    code, out, _ = run(capsys, "participants", "duplicates", str(demo_path), "--json")
    assert code == EXIT_OK
    groups = json.loads(out)["groups"]
    assert [[m["code"] for m in g] for g in groups] == [[keep_code, twin_code]]
    code, out, _ = run(capsys, "participants", "duplicates", str(demo_path))
    assert code == EXIT_OK and "1 group of likely duplicates." in out
    code, _out, err = run(capsys, "participants", "merge", str(demo_path), keep_code, keep_code)
    assert code == EXIT_REFUSED and "themselves" in err
    code, out, _ = run(
        capsys, "participants", "merge", str(demo_path), keep_code, twin_code, "--json"
    )
    assert code == EXIT_OK and json.loads(out)["removed"] == str(twin)
    code, out, _ = run(capsys, "participants", "duplicates", str(demo_path), "--json")
    assert json.loads(out)["groups"] == []
