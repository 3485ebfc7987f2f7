"""Optimistic locking: two facilitators saving the same record; nothing is lost.

Two SQLAlchemy sessions on one store play the two facilitators (two processes: see
tests/test_concurrency.py). Runs on both backends (``pytest --backend=postgresql``).
"""

from __future__ import annotations

import uuid
from dataclasses import replace

import pytest
from sqlalchemy import select

from app.facilitation import actions as A
from app.facilitation import committees as C
from app.facilitation import sessions as S
from app.facilitation.conflicts import EditConflict
from app.facilitation.participants import (
    participant_data,
    participant_version,
    update_participant,
)
from app.models import Participant, Process


def first_participant(ws) -> uuid.UUID:
    with ws.session() as s:
        return s.scalars(select(Participant.id).order_by(Participant.code)).first()


def test_a_save_over_a_newer_version_is_refused_with_both_versions(demo) -> None:
    pid = first_participant(demo)
    with demo.session() as s:
        seen = participant_version(s, pid)
        mine = replace(participant_data(s, pid), phone="06 00 00 00 01", notes="Vu à l'accueil")
    # Meanwhile the other facilitator saves a new email and notes.
    with demo.session() as s:
        theirs = replace(participant_data(s, pid), email="autre@exemple.fr", notes="Rappeler")
        update_participant(s, pid, theirs, expected_version=seen)
        assert participant_version(s, pid) == seen + 1

    with demo.session() as s, pytest.raises(EditConflict) as refused:
        update_participant(s, pid, mine, expected_version=seen)
    conflict = refused.value
    assert (conflict.expected_version, conflict.stored_version) == (seen, seen + 1)
    assert "changed by someone else" in str(conflict) and "\n" not in str(conflict)
    by_name = {f.name: f for f in conflict.fields}
    assert {f.name for f in conflict.differences} == {"phone", "email", "notes"}
    assert (by_name["notes"].yours, by_name["notes"].stored) == ("Vu à l'accueil", "Rappeler")
    assert by_name["email"].stored == "autre@exemple.fr"
    assert by_name["phone"].yours_text == "06 00 00 00 01"
    assert by_name["notes"].label == "Notes" and not by_name["first_name"].differs
    assert conflict.as_dict()["stored_version"] == seen + 1
    # Nothing of the refused save was written: the other facilitator's save stands.
    with demo.session() as s:
        stored = participant_data(s, pid)
        assert (stored.email, stored.notes, stored.phone) == (
            "autre@exemple.fr",
            "Rappeler",
            theirs.phone,
        )
        # "Keep mine": save again over the version now stored.
        update_participant(s, pid, conflict.yours, expected_version=conflict.stored_version)
    with demo.session() as s:
        stored = participant_data(s, pid)
        assert (stored.notes, stored.phone) == ("Vu à l'accueil", "06 00 00 00 01")
        assert participant_version(s, pid) == seen + 2


def test_a_save_racing_between_read_and_write_is_caught(demo) -> None:
    """The version matched when read, but another save committed before this one wrote:
    the ORM's version check (or SQLite's snapshot) refuses it, reported as a conflict."""
    pid = first_participant(demo)
    with demo.session() as mine:
        loaded = mine.get(Participant, pid)  # read into this session, version 1
        seen = loaded.version
        with demo.session() as other:
            update_participant(other, pid, replace(participant_data(other, pid), notes="B"))
        data = replace(participant_data(mine, pid), notes="A")
        with pytest.raises(EditConflict) as refused:
            update_participant(mine, pid, data, expected_version=seen)
    assert refused.value.stored_version == seen + 1
    with demo.session() as s:
        assert participant_data(s, pid).notes == "B"


def test_without_an_expected_version_the_last_save_wins(demo) -> None:
    pid = first_participant(demo)
    with demo.session() as s:
        data = participant_data(s, pid)
        update_participant(s, pid, replace(data, notes="un"))
        update_participant(s, pid, replace(data, notes="deux"))
        assert participant_data(s, pid).notes == "deux"
        assert participant_version(s, pid) == 3


def test_bad_input_is_refused_before_the_version_is_looked_at(demo) -> None:
    pid = first_participant(demo)
    with demo.session() as s:
        seen = participant_version(s, pid)
        bad = replace(participant_data(s, pid), email="pas-une-adresse")
        with pytest.raises(Exception, match="not an email address"):
            update_participant(s, pid, bad, expected_version=seen)
        assert participant_version(s, pid) == seen


def test_action_edits_conflict_field_by_field(workspace) -> None:
    with workspace.session() as s:
        process = S.create_process(s, S.ProcessData(title="Place du marché"))
        committee = C.create_committee(s, C.CommitteeData(process.id, "Comité de suivi"))
        info = A.create_action(s, committee.id, A.ActionData(title="Bancs"))
    assert info.version == 1
    with workspace.session() as s:
        done = A.update_action(s, info.id, {"status": "in_progress"}, expected_version=1)
        assert done.action.version == 2
    with workspace.session() as s, pytest.raises(EditConflict) as refused:
        A.update_action(s, info.id, {"status": "done", "notes": "posés"}, expected_version=1)
    conflict = refused.value
    assert conflict.record == "Bancs"
    fields = {f.name: f for f in conflict.fields}
    assert set(fields) == {"status", "notes"}
    assert (fields["status"].yours, fields["status"].stored) == ("done", "in_progress")
    assert fields["status"].stored_text == "In progress"
    with workspace.session() as s:
        assert A.action_info(s, info.id).data.status == "in_progress"
        assert len(A.action_history(s, info.id)) == 2  # created, then in progress; no more
        kept = A.update_action(s, info.id, conflict.yours, expected_version=2)
    assert kept.action.data.status == "done" and kept.action.version == 3


def test_processes_committees_and_decisions_are_versioned_too(workspace) -> None:
    with workspace.session() as s:
        process = S.create_process(s, S.ProcessData(title="Budget participatif"))
        committee = C.create_committee(s, C.CommitteeData(process.id, "Comité"))
    with workspace.session() as s:
        S.update_process(s, process.id, S.ProcessData(title="Budget 2027"), expected_version=1)
        C.update_committee(
            s, committee.id, C.CommitteeData(process.id, "Comité A"), expected_version=1
        )
    with workspace.session() as s:
        with pytest.raises(EditConflict) as refused:
            S.update_process(s, process.id, S.ProcessData(title="Budget 2026"), expected_version=1)
        assert refused.value.record == "Budget 2027"
        title = {f.name: f for f in refused.value.fields}["title"]
        assert (title.yours, title.stored) == ("Budget 2026", "Budget 2027")
        with pytest.raises(EditConflict):
            C.update_committee(
                s, committee.id, C.CommitteeData(process.id, "Comité B"), expected_version=1
            )
    with workspace.session() as s:
        assert s.get(Process, process.id).title == "Budget 2027"
        assert C.committee_data(s, committee.id).title == "Comité A"


@pytest.mark.parametrize("where", ["file", pytest.param("shared", marks=pytest.mark.pg)])
def test_the_command_line_reports_a_conflict(request, tmp_path, capsys, monkeypatch, where) -> None:
    """On a workspace file, and on the shared database (``@shared``: ATELIER_DATABASE_URL)."""
    import json

    from app import store
    from app.cli import main

    if where == "file":
        path = str(tmp_path / "cli.atelier")
        ws = store.create_workspace(path, backup_count=0)
    else:
        ws = request.getfixturevalue("pg_store")()
        monkeypatch.setenv("ATELIER_DATABASE_URL", ws.engine.url.render_as_string(False))
        path = "@shared"
    with ws.session() as s:
        process = S.create_process(s, S.ProcessData(title="Place du marché"))
        committee = C.create_committee(s, C.CommitteeData(process.id, "Comité de suivi"))
        action = A.create_action(s, committee.id, A.ActionData(title="Bancs"))
    if where == "file":
        ws.close(backup=False)

    def run(*argv: str) -> tuple[int, str, str]:
        code = main(["--lang", "en", "committee", "update-action", path, *argv])
        out, err = capsys.readouterr()
        return code, out, err

    code, out, _err = run(str(action.id), "--status", "in_progress", "--if-version", "1", "--json")
    assert code == 0 and json.loads(out)["action"]["version"] == 2
    # Someone saved version 2 meanwhile: a save meant for version 1 is refused, both shown.
    code, out, err = run(
        str(action.id), "--status", "done", "--notes", "posés", "--if-version", "1"
    )
    assert code == 1 and out == ""
    assert "changed by someone else" in err and "Nothing was saved" in err
    assert "* Status  yours: Done  saved: In progress" in err
    assert "--if-version 2" in err
    code, out, _err = run(str(action.id), "--status", "done", "--if-version", "1", "--json")
    report = json.loads(out)
    assert code == 1 and report["error"] == "edit_conflict"
    assert (report["expected_version"], report["stored_version"]) == (1, 2)
    assert report["fields"] == [
        {"field": "status", "yours": "Done", "stored": "In progress", "differs": True}
    ]
    shown = store.open_workspace(path, backup_count=0) if where == "file" else ws
    with shown.session() as s:
        assert A.action_info(s, action.id).data.status == "in_progress"
    if where == "file":
        shown.close(backup=False)
    code, out, _err = run(str(action.id), "--status", "done", "--if-version", "2")
    assert code == 0


def test_shared_without_a_database_url_is_a_clear_error(capsys) -> None:
    from app.cli import main

    code = main(["--lang", "en", "committee", "update-action", "@shared", "x", "--status", "done"])
    assert code == 1
    assert "ATELIER_DATABASE_URL is not set" in capsys.readouterr().err


def test_sessions_decisions_and_indicators_are_versioned_too(workspace) -> None:
    from datetime import UTC, datetime

    from app.facilitation import indicators as I

    starts = datetime(2027, 3, 6, 9, 30, tzinfo=UTC)
    with workspace.session() as s:
        process = S.create_process(s, S.ProcessData(title="Budget participatif"))
        meeting = S.create_session(
            s, S.SessionData(process.id, "Atelier 1", starts_at=starts, place="Salle A")
        )
        decision = S.add_decision(s, meeting.id, "Ouvrir le jardin le dimanche")
        committee = C.create_committee(s, C.CommitteeData(process.id, "Comité"))
        indicator = I.create_indicator(s, committee.id, I.IndicatorData(name="Bancs posés"))
    typed = S.SessionData(process.id, "Atelier 1", starts_at=starts, place="Salle B")
    with workspace.session() as s:  # the others' saves
        S.update_session(s, meeting.id, replace(typed, place="Salle C"), expected_version=1)
        S.update_decision(s, decision.id, status="adopted", expected_version=1)
        I.update_indicator(s, indicator.id, I.IndicatorData(name="Bancs", target=12), 1)
    with workspace.session() as s:
        with pytest.raises(EditConflict) as refused:
            S.update_session(s, meeting.id, typed, expected_version=1)
        place = {f.name: f for f in refused.value.fields}["place"]
        assert (place.yours, place.stored, refused.value.record) == (
            "Salle B",
            "Salle C",
            "Atelier 1",
        )
        with pytest.raises(EditConflict) as refused:
            S.update_decision(s, decision.id, status="rejected", expected_version=1)
        assert [(f.name, f.yours, f.stored) for f in refused.value.fields] == [
            ("status", "rejected", "adopted")
        ]
        with pytest.raises(EditConflict) as refused:
            I.update_indicator(s, indicator.id, I.IndicatorData(name="Bancs posés", target=10), 1)
        target = {f.name: f for f in refused.value.fields}["target"]
        assert (target.yours, target.stored, refused.value.record) == (10, 12, "Bancs")
    with workspace.session() as s:
        assert S.session_data(s, meeting.id).place == "Salle C"
        assert I.indicator_info(s, indicator.id).target == 12
