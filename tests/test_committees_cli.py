"""``atelier committee …``: committees, members, actions, indicators, dashboard and review."""

from __future__ import annotations

import csv
import json
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from app import store
from app.cli import EXIT_OK, EXIT_REFUSED, main
from app.facilitation import actions as A
from app.facilitation import committees as C
from app.facilitation import sessions as S
from app.models import Panel, PanelSeat, Participant


def run(capsys, *argv: str) -> tuple[int, str, str]:
    try:
        code = main(["--lang", "en", *argv])
    except SystemExit as exc:  # argparse: wrong usage
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


def read_csv(path: Path) -> list[dict]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh, delimiter=";"))


@dataclass
class Made:
    path: Path
    codes: list[str]


@pytest.fixture
def made(workspace) -> Made:
    with workspace.session() as s:
        process = S.create_process(s, S.ProcessData(title="Plan vélo"))
        people = [
            Participant(first_name="Léa", last_name="Martin"),
            Participant(first_name="Omar", last_name="Benali"),
            Participant(first_name="Anne", last_name="Durand"),
        ]
        s.add_all(people)
        s.flush()
        panel = Panel(process_id=process.id, title="Jury citoyen", size=2, status="drawn")
        s.add(panel)
        s.flush()
        s.add_all(
            PanelSeat(panel_id=panel.id, participant_id=p.id, pool_position=n, position=n)
            for n, p in enumerate(people[1:])
        )
        s.commit()
        codes = [p.code for p in people]
    path = workspace.path
    workspace.close(backup=False)
    return Made(path, codes)


def test_a_committee_from_the_command_line(made: Made, capsys, tmp_path: Path) -> None:
    ws = str(made.path)
    code, out, err = run(
        capsys, "committee", "create", ws, "--process", "plan", "--title", "Comité vélo",
        "--max-members", "3",
    )  # fmt: skip
    assert code == EXIT_OK, err
    assert "Created the committee “Comité vélo”" in out
    code, out, _ = run(capsys, "committee", "list", ws)
    assert "Comité vélo — Plan vélo — 0 of 3 full members, 0 observers, 0 meetings" in out

    code, out, err = run(
        capsys, "committee", "add-member", ws, "comite", "--participant", made.codes[0],
        "--role", "chair",
    )  # fmt: skip
    assert code == EXIT_OK, err
    assert "Léa Martin joined as Chair" in out
    code, out, err = run(capsys, "committee", "add-member", ws, "comite", "--jury", "jury")
    assert code == EXIT_OK, err
    assert "Omar Benali joined as Member" in out and "Anne Durand joined as Member" in out
    code, out, err = run(capsys, "committee", "add-member", ws, "comite", "--name", "Commune X")
    assert code == EXIT_REFUSED
    assert "limited to 3 full members" in err
    code, out, err = run(
        capsys, "committee", "add-member", ws, "comite", "--name", "Commune X",
        "--role", "observer",
    )  # fmt: skip
    assert code == EXIT_OK, err

    members_csv = tmp_path / "members.csv"
    code, out, err = run(capsys, "committee", "members", ws, "comite", "--csv", str(members_csv))
    assert code == EXIT_OK, err
    rows = read_csv(members_csv)
    assert [(r["name"], r["role"]) for r in rows] == [
        ("Léa Martin", "chair"),
        ("Anne Durand", "member"),
        ("Omar Benali", "member"),
        ("Commune X", "observer"),
    ]

    today = date.today()
    past = (today - timedelta(days=3)).isoformat()
    code, out, err = run(
        capsys, "committee", "add-action", ws, "comite", "--title", "Arceaux gare",
        "--owner", "Léa", "--due", past, "--author", "Claire",
        "--created", (today - timedelta(days=60)).isoformat(),
    )  # fmt: skip
    assert code == EXIT_OK, err
    later = (today + timedelta(days=30)).isoformat()
    run(capsys, "committee", "add-action", ws, "comite", "--title", "Carte", "--owner",
        "Métropole", "--due", later)  # fmt: skip
    code, out, err = run(
        capsys, "committee", "add-action", ws, "comite", "--title", "Bad", "--progress", "150"
    )
    assert code == EXIT_REFUSED and "between 0 and 100" in err
    code, out, err = run(
        capsys, "committee", "add-action", ws, "comite", "--title", "Bad",
        "--due", (today - timedelta(days=400)).isoformat(),
    )  # fmt: skip
    assert code == EXIT_REFUSED and "before the action was created" in err

    actions_csv = tmp_path / "actions.csv"
    code, out, err = run(capsys, "committee", "actions", ws, "comite", "--csv", str(actions_csv))
    assert code == EXIT_OK, err
    rows = read_csv(actions_csv)
    assert list(rows[0]) == A_HEADER
    assert [(r["title"], r["owner"], r["status"], r["overdue"]) for r in rows] == [
        ("Arceaux gare", "Léa Martin", "planned", "yes"),
        ("Carte", "Métropole", "planned", "no"),
    ]
    code, out, _ = run(capsys, "committee", "actions", ws, "comite", "--overdue")
    assert "Arceaux gare" in out and "Carte" not in out and "OVERDUE" in out
    code, out, _ = run(capsys, "committee", "actions", ws, "comite", "--owner", "metropole")
    assert "Carte" in out and "Arceaux" not in out
    code, out, _ = run(capsys, "committee", "actions", ws, "comite", "--csv", "-")
    assert out.splitlines()[0] == ";".join(A_HEADER)

    code, out, err = run(
        capsys, "committee", "update-action", ws, "arceaux", "--status", "in_progress",
        "--progress", "50", "--author", "Omar",
    )  # fmt: skip
    assert code == EXIT_OK, err
    assert "Status: planned → in_progress" in out and "Progress: 0 → 50" in out
    code, out, err = run(capsys, "committee", "update-action", ws, "arceaux", "--progress", "-5")
    assert code == EXIT_REFUSED and "between 0 and 100" in err
    code, out, _ = run(capsys, "committee", "history", ws, "arceaux", "--json")
    history = json.loads(out)["history"]
    assert [(h["field"], h["old"], h["new"], h["author"]) for h in history] == [
        ("created", None, "Arceaux gare", "Claire"),
        ("progress", "0", "50", "Omar"),
        ("status", "planned", "in_progress", "Omar"),
    ]

    code, out, err = run(
        capsys, "committee", "add-indicator", ws, "comite", "--name", "Arceaux posés",
        "--target", "200", "--unit", "arceaux",
    )  # fmt: skip
    assert code == EXIT_OK, err
    code, out, err = run(
        capsys, "committee", "measure", ws, "arceaux pos", "--date", "2027-03-01", "--value", "40",
        "--source", "Services techniques",
    )  # fmt: skip
    assert code == EXIT_OK, err
    assert "Off track" in out
    code, out, err = run(
        capsys, "committee", "measure", ws, "arceaux pos", "--date", "", "--value", "40"
    )
    assert code == EXIT_REFUSED and "needs a date" in err
    code, out, err = run(
        capsys, "committee", "measure", ws, "arceaux pos", "--date", "2027-03-02", "--value", "x"
    )
    assert code == EXIT_REFUSED and "is not a number" in err
    indicators_csv = tmp_path / "indicators.csv"
    code, out, err = run(
        capsys, "committee", "indicators", ws, "comite", "--csv", str(indicators_csv)
    )
    assert code == EXIT_OK, err
    (row,) = read_csv(indicators_csv)
    assert (row["name"], row["target"], row["latest_value"], row["status"]) == (
        "Arceaux posés", "200.0", "40.0", "off_track",
    )  # fmt: skip
    assert row["latest_on"] == "2027-03-01" and row["measurements"] == "1"

    code, out, err = run(capsys, "committee", "dashboard", ws, "comite", "--json")
    assert code == EXIT_OK, err
    board = json.loads(out)
    assert [a["title"] for a in board["overdue_actions"]] == ["Arceaux gare"]
    assert [i["name"] for i in board["off_track"]] == ["Arceaux posés"]
    code, out, _ = run(capsys, "committee", "dashboard", ws, "comite")
    assert "Actions: 2, 2 open, 1 overdue" in out and "No meeting planned." in out

    code, out, err = run(capsys, "committee", "review", ws, "comite", "--year", "2027", "--json")
    assert code == EXIT_OK, err
    review = json.loads(out)
    assert review["year"] == 2027 and review["indicators"][0]["end_value"] == 40
    code, out, _ = run(capsys, "committee", "review", ws, "comite", "--year", str(today.year))
    assert f"Annual review {today.year} — Comité vélo" in out


A_HEADER = ["id", "title", "owner", "created_on", "due_on", "status", "progress", "overdue"]


def test_a_meeting_review_from_the_command_line(made: Made, capsys) -> None:
    with (
        store.open_workspace(made.path, backup_count=0, backup_on_open=False) as ws,
        ws.session() as s,
    ):
        process_id = S.find_process(s, "plan")
        committee = C.create_committee(s, C.CommitteeData(process_id, "Comité"))
        meeting = C.create_meeting(
            s, committee.id, "Comité n°1", datetime(2027, 3, 1, 18, tzinfo=UTC)
        )
        action = A.create_action(s, committee.id, A.ActionData(title="Piste"))
    code, _out, err = run(
        capsys, "committee", "update-action", str(made.path), str(action.id),
        "--meeting", "comité n°1", "--progress", "30",
    )  # fmt: skip
    assert code == EXIT_OK, err
    with store.open_workspace(made.path, read_only=True) as ws, ws.session() as s:
        history = A.action_history(s, action.id)
        assert [(h.field, h.new, h.meeting_id) for h in history][-1] == (
            "progress", "30", meeting.id,
        )  # fmt: skip


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["list", "--process", "nothing"], "No process matches"),
        (["members", "nothing"], "No committee matches"),
        (["add-member", "C", "--name", "X", "--role", "observer", "--jury", "J"], "Give one of"),
        (["add-member", "C"], "Say who"),
        (["measure", "nothing", "--date", "2027-01-01", "--value", "1"], "No indicator matches"),
        (["update-action", str(uuid.uuid4())], "No action matches"),
        (["actions", "C", "--due-from", "someday"], "not a date"),
    ],
)
def test_refused(made: Made, capsys, argv: list[str], message: str) -> None:
    with (
        store.open_workspace(made.path, backup_count=0, backup_on_open=False) as ws,
        ws.session() as s,
    ):
        C.create_committee(s, C.CommitteeData(S.find_process(s, "plan"), "Comité C"))
    before = _rows(made.path)
    code, _out, err = run(capsys, "committee", argv[0], str(made.path), *argv[1:])
    assert code == EXIT_REFUSED
    assert message in err
    assert _rows(made.path) == before


def _rows(path: Path) -> dict[str, int]:
    """Rows per committee table, to show a refused command wrote nothing."""
    from sqlalchemy import func, select

    from app.models import Action, ActionChange, Committee, CommitteeMember, Measurement

    with store.open_workspace(path, read_only=True) as ws, ws.session() as s:
        return {
            model.__tablename__: s.scalar(select(func.count()).select_from(model))
            for model in (Committee, CommitteeMember, Action, ActionChange, Measurement)
        }


def test_meetings_and_decisions_log(made: Made, capsys, tmp_path: Path) -> None:
    ws = str(made.path)
    run(capsys, "committee", "create", ws, "--process", "plan", "--title", "Comité vélo")
    code, out, err = run(
        capsys, "committee", "add-meeting", ws, "comite", "--title", "Comité n°1",
        "--start", "2027-03-01 18:00+01:00", "--end", "2027-03-01 20:00+01:00", "--place", "Mairie",
    )  # fmt: skip
    assert code == EXIT_OK, err
    code, out, err = run(
        capsys, "committee", "add-meeting", ws, "comite", "--title", "Comité n°2",
        "--start", "2027-03-01 17:00+01:00", "--end", "2027-03-01 16:00+01:00",
    )  # fmt: skip
    assert code == EXIT_REFUSED and "must end after it starts" in err
    code, out, _ = run(capsys, "committee", "meetings", ws, "comite")
    assert "Comité n°1 — Mairie — 0 present — minutes: Draft" in out
    # the meeting is a session: the sessions commands work on it
    code, out, err = run(capsys, "sessions", "agenda", ws, "comité n°1", "--add", "Revue du plan")
    assert code == EXIT_OK, err
    code, out, err = run(
        capsys, "committee", "decide", ws, "comité n°1", "--text", "Créer 200 arceaux",
        "--by", "Le comité, à l'unanimité",
    )  # fmt: skip
    assert code == EXIT_OK, err
    assert "on 2027-03-01" in out
    run(capsys, "committee", "decide", ws, "comité n°1", "--text", "Reporter la piste",
        "--status", "postponed", "--on", "2028-01-05")  # fmt: skip
    log_csv = tmp_path / "decisions.csv"
    code, out, err = run(
        capsys, "committee", "decisions", ws, "comite", "--year", "2027", "--csv", str(log_csv)
    )
    assert code == EXIT_OK, err
    rows = read_csv(log_csv)
    assert [(r["decided_on"], r["text"], r["status"], r["decided_by"], r["meeting"])
            for r in rows] == [
        ("2027-03-01", "Créer 200 arceaux", "adopted", "Le comité, à l'unanimité", "Comité n°1"),
    ]  # fmt: skip
    code, out, _ = run(capsys, "committee", "decisions", ws, "comite", "--json")
    assert len(json.loads(out)["decisions"]) == 2
