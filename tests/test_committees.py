"""Follow-up committees: members, meetings, decisions log, action plan, indicators, review."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest

from app.errors import AtelierError
from app.facilitation import actions as A
from app.facilitation import committee_review as R
from app.facilitation import committees as C
from app.facilitation import indicators as I
from app.facilitation import sessions as S
from app.facilitation import signin
from app.models import (
    Action,
    ActionChange,
    AttributeCategory,
    AttributeValue,
    Measurement,
    Panel,
    PanelSeat,
    Participant,
    ParticipantAttribute,
)

TODAY = date(2027, 6, 15)
NOON = datetime(2027, 6, 15, 12, 0, tzinfo=UTC)


@dataclass
class Made:
    ws: object
    process_id: uuid.UUID
    committee_id: uuid.UUID
    people: list[uuid.UUID]


def _people(s, names: list[tuple[str, str, str]]) -> list[uuid.UUID]:
    rows = [Participant(first_name=f, last_name=n, stakeholder_type=k) for f, n, k in names]
    s.add_all(rows)
    s.commit()
    return [p.id for p in rows]


@pytest.fixture
def made(workspace) -> Made:
    with workspace.session() as s:
        process = S.create_process(s, S.ProcessData(title="Plan vélo"))
        committee = C.create_committee(
            s, C.CommitteeData(process_id=process.id, title="Comité de suivi vélo", max_members=3)
        )
        people = _people(
            s,
            [
                ("Léa", "Martin", "resident"),
                ("Omar", "Benali", "association"),
                ("Anne", "Durand", "elected"),
                ("Paul", "Roux", "staff"),
                ("Inès", "Petit", "resident"),
            ],
        )
    return Made(workspace, process.id, committee.id, people)


def member(s, made: Made, index: int, role: str = "member") -> C.MemberInfo:
    return C.add_member(
        s, made.committee_id, C.MemberData(participant_id=made.people[index], role=role),
        today=TODAY,
    )  # fmt: skip


# --------------------------------------------------------------------------- committees


def test_create_list_and_find_a_committee(made: Made) -> None:
    with made.ws.session() as s:
        info = C.committee_info(s, made.committee_id)
        assert info.title == "Comité de suivi vélo" and info.process_title == "Plan vélo"
        assert info.max_members == 3 and info.full_members == 0 and info.meetings == 0
        assert [c.id for c in C.list_committees(s, made.process_id)] == [made.committee_id]
        assert C.find_committee(s, "comite de SUIVI") == made.committee_id
        with pytest.raises(AtelierError, match="No committee matches"):
            C.find_committee(s, "jury")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (C.CommitteeData(title="Comité"), "follows a process"),
        (C.CommitteeData(title="  "), "needs a title"),
        (C.CommitteeData(title="Comité", max_members=0), "at least 1"),
    ],
)
def test_committee_refused(made: Made, data: C.CommitteeData, message: str) -> None:
    if data.process_id is None and "process" not in message:
        data.process_id = made.process_id
    with made.ws.session() as s:
        with pytest.raises(C.CommitteeError, match=message):
            C.create_committee(s, data)
        assert len(C.list_committees(s)) == 1


# --------------------------------------------------------------------------- members


def test_members_from_participants_organisations_and_names(made: Made) -> None:
    with made.ws.session() as s:
        chair = member(s, made, 0, "chair")
        assert chair.name == "Léa Martin" and chair.is_full
        free = C.add_member(
            s, made.committee_id, C.MemberData(name=" Mme  Fabre ", role="observer")
        )
        assert free.name == "Mme Fabre"
        with pytest.raises(C.CommitteeError, match="already a member"):
            member(s, made, 0)
        with pytest.raises(C.CommitteeError, match="Unknown committee role “boss”"):
            C.add_member(s, made.committee_id, C.MemberData(name="X", role="boss"))
        with pytest.raises(C.CommitteeError, match="at least a name"):
            C.add_member(s, made.committee_id, C.MemberData(role="member"))
        with pytest.raises(C.CommitteeError, match="cannot leave before joining"):
            C.add_member(
                s, made.committee_id,
                C.MemberData(name="Y", joined_on=date(2027, 3, 1), left_on=date(2027, 2, 1)),
            )  # fmt: skip
        names = [(m.name, m.role) for m in C.list_members(s, made.committee_id)]
        assert names == [("Léa Martin", "chair"), ("Mme Fabre", "observer")]


def test_full_members_are_capped_observers_are_not(made: Made) -> None:
    with made.ws.session() as s:
        member(s, made, 0, "chair")
        member(s, made, 1, "secretary")
        member(s, made, 2)
        with pytest.raises(C.CommitteeError, match="limited to 3 full members and has 3"):
            member(s, made, 3)
        for n in range(10):
            C.add_member(s, made.committee_id, C.MemberData(name=f"Commune {n}", role="observer"))
        info = C.committee_info(s, made.committee_id, today=TODAY)
        assert (info.full_members, info.observers) == (3, 10)
        # someone who left frees a seat
        leaving = next(m for m in C.list_members(s, made.committee_id) if m.role == "member")
        assert C.member_data(s, leaving.id) == leaving.data()
        data = leaving.data()
        data.left_on = date(2027, 5, 31)
        C.update_member(s, leaving.id, data, today=TODAY)
        assert member(s, made, 3).name == "Paul Roux"
        # an observer cannot be promoted while the committee is full
        observer = C.list_members(s, made.committee_id)[-1]
        promoted = observer.data()
        promoted.role = "member"
        with pytest.raises(C.CommitteeError, match="limited to 3"):
            C.update_member(s, observer.id, promoted, today=TODAY)
        with pytest.raises(C.CommitteeError, match="already has 3 full members"):
            C.update_committee(
                s, made.committee_id,
                C.CommitteeData(made.process_id, "Comité", max_members=2), today=TODAY,
            )  # fmt: skip


def _panel(s, made: Made) -> uuid.UUID:
    panel = Panel(process_id=made.process_id, title="Jury citoyen vélo", size=3, status="drawn")
    s.add(panel)
    s.flush()
    seats = [
        PanelSeat(panel_id=panel.id, participant_id=made.people[0], pool_position=0, position=0),
        PanelSeat(panel_id=panel.id, participant_id=made.people[1], pool_position=1, position=1),
        # declined, replaced by an alternate now sitting
        PanelSeat(
            panel_id=panel.id, participant_id=made.people[2], pool_position=2, position=2,
            status="declined",
        ),
        PanelSeat(
            panel_id=panel.id, participant_id=made.people[3], pool_position=3, position=3,
            kind="alternate", status="used",
        ),
        PanelSeat(panel_id=panel.id, participant_id=made.people[3], pool_position=3, position=4),
        # still waiting in the reserve list
        PanelSeat(
            panel_id=panel.id, participant_id=made.people[4], pool_position=4, position=5,
            kind="alternate",
        ),
    ]  # fmt: skip
    s.add_all(seats)
    s.commit()
    return panel.id


def test_a_citizen_jury_joins_in_one_step(made: Made) -> None:
    with made.ws.session() as s:
        panel_id = _panel(s, made)
        member(s, made, 0, "chair")
        added = C.add_panel_members(
            s, made.committee_id, panel_id, joined_on=date(2027, 1, 10), today=TODAY
        )
        assert [m.name for m in added] == ["Omar Benali", "Paul Roux"]
        assert all(m.role == "member" and m.joined_on == date(2027, 1, 10) for m in added)
        assert len(C.list_members(s, made.committee_id)) == 3


def test_a_jury_too_large_for_the_committee_adds_nobody(made: Made) -> None:
    with made.ws.session() as s:
        panel_id = _panel(s, made)
        member(s, made, 2)
        member(s, made, 4)
        with pytest.raises(C.CommitteeError, match="limited to 3 full members and has 2"):
            C.add_panel_members(s, made.committee_id, panel_id, today=TODAY)
        assert len(C.list_members(s, made.committee_id)) == 2
        added = C.add_panel_members(s, made.committee_id, panel_id, role="observer", today=TODAY)
        assert {m.role for m in added} == {"observer"} and len(added) == 3


def test_removing_a_member_keeps_their_actions_by_name(made: Made) -> None:
    with made.ws.session() as s:
        lea = member(s, made, 0)
        action = A.create_action(
            s, made.committee_id,
            A.ActionData(title="Stationnement vélo gare", owner_member_id=lea.id),
            today=TODAY,
        )  # fmt: skip
        assert action.data.owner_name == "Léa Martin"
        removed = C.remove_member(s, lea.id)
        assert removed.name == "Léa Martin"
        s.expire_all()
        row = s.get(Action, action.id)
        assert row.owner_member_id is None and row.owner_name == "Léa Martin"
        assert [r.title for r in A.list_actions(s, made.committee_id, owner="lea martin")] == [
            "Stationnement vélo gare"
        ]
        assert C.list_members(s, made.committee_id) == []
        # undo: the member comes back, with her actions
        back = C.restore_member(s, removed)
        assert back.id == lea.id and back.name == "Léa Martin"
        assert A.list_actions(s, made.committee_id, owner=lea.id)[0].id == action.id
        with pytest.raises(C.CommitteeError, match="already a member"):
            C.restore_member(s, removed)


def test_renaming_a_member_renames_their_actions(made: Made) -> None:
    with made.ws.session() as s:
        free = C.add_member(s, made.committee_id, C.MemberData(name="Ville"))
        A.create_action(
            s, made.committee_id, A.ActionData(title="Arceaux", owner_member_id=free.id),
            today=TODAY,
        )  # fmt: skip
        data = free.data()
        data.name = "Ville de Lyon"
        C.update_member(s, free.id, data)
        assert A.list_actions(s, made.committee_id)[0].owner_name == "Ville de Lyon"


# --------------------------------------------------------------------------- meetings


def test_meetings_are_sessions_and_decisions_are_logged(made: Made) -> None:
    with made.ws.session() as s:
        first = C.create_meeting(s, made.committee_id, "Comité n°1", NOON - timedelta(days=30))
        second = C.create_meeting(
            s, made.committee_id, "Comité n°2", NOON + timedelta(days=14),
            ends_at=NOON + timedelta(days=14, hours=2), place="Mairie",
        )  # fmt: skip
        assert first.process_id == made.process_id
        # the session features work on meetings
        S.add_agenda_item(s, first.id, "Revue du plan d'action", 30)
        signin.sign_in(s, first.id, made.people[0], at=NOON - timedelta(days=30))
        S.set_minutes(s, first.id, "Relevé")
        S.circulate_minutes(s, first.id)
        S.validate_minutes(s, first.id, "Le comité")
        meetings = C.list_meetings(s, made.committee_id)
        assert [(m.title, m.attendance, m.minutes_status) for m in meetings] == [
            ("Comité n°1", 1, "validated"),
            ("Comité n°2", 0, "draft"),
        ]
        assert C.next_meeting(s, made.committee_id, now=NOON).id == second.id
        assert C.next_meeting(s, made.committee_id, now=NOON + timedelta(days=30)) is None
        logged = C.record_decision(
            s, first.id, "Créer 200 arceaux", decided_by="Le comité, à l'unanimité"
        )
        assert logged.decided_on == (NOON - timedelta(days=30)).astimezone().date()
        assert logged.status == "adopted" and logged.meeting_title == "Comité n°1"
        C.record_decision(
            s, second.id, "Reporter la piste", status="postponed", decided_on=date(2027, 7, 1)
        )
        assert [d.text for d in C.decisions_log(s, made.committee_id)] == [
            "Créer 200 arceaux",
            "Reporter la piste",
        ]
        assert [d.text for d in C.decisions_log(s, made.committee_id, start=date(2027, 6, 20))] == [
            "Reporter la piste"
        ]
        # an ordinary session is not a meeting
        plain = S.create_session(
            s, S.SessionData(process_id=made.process_id, title="Atelier", starts_at=NOON)
        )
        with pytest.raises(C.CommitteeError, match="not a meeting of a committee"):
            C.record_decision(s, plain.id, "X")
        assert C.committee_info(s, made.committee_id).meetings == 2


# --------------------------------------------------------------------------- actions


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (A.ActionData(title=""), "needs a title"),
        (A.ActionData(title="A", due_on=date(2027, 6, 1)), r"due date 2027-06-01 is before"),
        (A.ActionData(title="A", progress=120), "between 0 and 100"),
        (A.ActionData(title="A", progress=-1), "between 0 and 100"),
        (A.ActionData(title="A", progress="beaucoup"), "whole number"),
        (A.ActionData(title="A", status="finished"), "Unknown action status “finished”"),
        (A.ActionData(title="A", owner_member_id=uuid.uuid4()), "must be a member"),
    ],
)
def test_action_refused(made: Made, data: A.ActionData, message: str) -> None:
    with made.ws.session() as s:
        with pytest.raises(C.CommitteeError, match=message):
            A.create_action(s, made.committee_id, data, today=TODAY)
        assert A.list_actions(s, made.committee_id) == []


def test_every_change_is_in_the_history_and_can_be_undone(made: Made) -> None:
    with made.ws.session() as s:
        lea = member(s, made, 0)
        omar = member(s, made, 1)
        info = A.create_action(
            s, made.committee_id,
            A.ActionData(title="Arceaux", owner_member_id=lea.id, due_on=date(2027, 9, 1)),
            author="Claire", today=TODAY,
        )  # fmt: skip
        when = datetime(2027, 6, 20, 18, 0, tzinfo=UTC)
        result = A.update_action(
            s, info.id, {"status": "in_progress", "progress": 40, "owner_member_id": omar.id},
            author="Claire", at=when, today=TODAY,
        )  # fmt: skip
        assert {c.field: (c.old, c.new) for c in result.changes} == {
            "status": ("planned", "in_progress"),
            "progress": (0, 40),
            "owner_member_id": (lea.id, omar.id),
            "owner_name": ("Léa Martin", "Omar Benali"),
        }
        assert result.action.data.owner_name == "Omar Benali"
        history = A.action_history(s, info.id)
        assert [(h.field, h.old, h.new, h.author) for h in history] == [
            ("created", None, "Arceaux", "Claire"),
            ("owner", "Léa Martin", "Omar Benali", "Claire"),
            ("progress", "0", "40", "Claire"),
            ("status", "planned", "in_progress", "Claire"),
        ]
        assert history[1].at == when
        # nothing changes: nothing recorded
        assert A.update_action(s, info.id, {"progress": 40}).changes == ()
        # bad input changes nothing
        for bad, message in (
            ({"progress": 101}, "between 0 and 100"),
            ({"due_on": date(2027, 1, 1)}, "before the action was created"),
            ({"colour": "red"}, "no field “colour”"),
        ):
            with pytest.raises(C.CommitteeError, match=message):
                A.update_action(s, info.id, bad)
        assert len(A.action_history(s, info.id)) == 4
        # undo is another update, recorded as such
        undone = A.update_action(s, info.id, result.undo, author="Claire (undo)", today=TODAY)
        assert undone.action.data.status == "planned" and undone.action.data.progress == 0
        assert undone.action.data.owner_member_id == lea.id
        assert undone.action.data.owner_name == "Léa Martin"
        assert len(A.action_history(s, info.id)) == 7


def test_done_sets_progress_to_100(made: Made) -> None:
    with made.ws.session() as s:
        info = A.create_action(s, made.committee_id, A.ActionData(title="A"), today=TODAY)
        done = A.update_action(s, info.id, {"status": "done"}, today=TODAY)
        assert done.action.data.progress == 100
        assert {c.field for c in done.changes} == {"status", "progress"}


def test_overdue_rule() -> None:
    today = date(2027, 6, 15)
    assert A.is_overdue(date(2027, 6, 14), "planned", today)
    assert A.is_overdue(date(2027, 6, 14), "blocked", today)
    assert A.is_overdue(date(2027, 6, 14), "in_progress", today)
    assert not A.is_overdue(date(2027, 6, 15), "planned", today)
    assert not A.is_overdue(date(2027, 6, 14), "done", today)
    assert not A.is_overdue(date(2027, 6, 14), "dropped", today)
    assert not A.is_overdue(None, "planned", today)


def _plan(s, made: Made) -> dict[str, uuid.UUID]:
    lea = member(s, made, 0)
    ids = {}
    for title, owner, due, status in (
        ("Arceaux gare", lea.id, date(2027, 7, 1), "planned"),
        ("Piste rue Victor-Hugo", None, date(2027, 6, 1), "in_progress"),
        ("Atelier réparation", lea.id, date(2027, 6, 10), "done"),
        ("Carte des itinéraires", None, None, "planned"),
        ("Comptages", None, date(2027, 9, 30), "blocked"),
    ):
        data = A.ActionData(
            title=title, owner_member_id=owner, owner_name=None if owner else "Métropole",
            due_on=due, created_on=date(2027, 1, 1),
        )  # fmt: skip
        info = A.create_action(s, made.committee_id, data, today=TODAY)
        if status != "planned":
            A.update_action(s, info.id, {"status": status}, today=TODAY)
        ids[title] = info.id
    return ids


def test_filters(made: Made) -> None:
    with made.ws.session() as s:
        ids = _plan(s, made)
        lea = C.list_members(s, made.committee_id)[0].id

        def titles(**kw):
            return [r.title for r in A.list_actions(s, made.committee_id, today=TODAY, **kw)]

        assert titles() == [
            "Piste rue Victor-Hugo",
            "Atelier réparation",
            "Arceaux gare",
            "Comptages",
            "Carte des itinéraires",
        ]
        assert titles(owner=lea) == ["Atelier réparation", "Arceaux gare"]
        assert titles(owner="METROPOLE") == [
            "Piste rue Victor-Hugo", "Comptages", "Carte des itinéraires",
        ]  # fmt: skip
        assert titles(status="planned") == ["Arceaux gare", "Carte des itinéraires"]
        assert titles(status=("done", "blocked")) == ["Atelier réparation", "Comptages"]
        assert titles(due_from=date(2027, 6, 10), due_to=date(2027, 7, 1)) == [
            "Atelier réparation",
            "Arceaux gare",
        ]
        assert titles(overdue_only=True) == ["Piste rue Victor-Hugo"]
        rows = A.list_actions(s, made.committee_id, today=TODAY)
        assert [r.overdue for r in rows] == [True, False, False, False, False]
        with pytest.raises(C.CommitteeError, match="Unknown action status"):
            titles(status="late")
        assert A.action_owners(s, made.committee_id) == ["Léa Martin", "Métropole"]
        assert ids


def test_a_meeting_reviews_open_actions(made: Made) -> None:
    with made.ws.session() as s:
        ids = _plan(s, made)
        meeting = C.create_meeting(s, made.committee_id, "Comité n°3", NOON)
        open_ = A.open_actions_for_review(s, made.committee_id, today=TODAY)
        assert [r.title for r in open_] == [
            "Piste rue Victor-Hugo",  # overdue first
            "Arceaux gare",
            "Comptages",
            "Carte des itinéraires",
        ]
        A.record_review(
            s, meeting.id, ids["Piste rue Victor-Hugo"], {"progress": 80, "notes": "Travaux"},
            author="Le comité",
        )  # fmt: skip
        A.record_review(s, meeting.id, ids["Arceaux gare"], {}, author="Le comité")
        assert A.reviewed_in(s, meeting.id) == {ids["Piste rue Victor-Hugo"], ids["Arceaux gare"]}
        history = A.action_history(s, ids["Arceaux gare"])
        assert (history[-1].field, history[-1].new, history[-1].meeting_id) == (
            "reviewed", "Comité n°3", meeting.id,
        )  # fmt: skip
        changes = [
            (h.field, h.new, h.meeting_id)
            for h in A.action_history(s, ids["Piste rue Victor-Hugo"])
            if h.meeting_id
        ]
        assert sorted(changes) == [
            ("notes", "Travaux", meeting.id),
            ("progress", "80", meeting.id),
        ]
        other = C.create_committee(s, C.CommitteeData(made.process_id, "Autre comité"))
        elsewhere = C.create_meeting(s, other.id, "Autre réunion", NOON)
        with pytest.raises(C.CommitteeError, match="another committee"):
            A.record_review(s, elsewhere.id, ids["Comptages"], {"progress": 5})
        assert s.query(ActionChange).filter_by(session_id=elsewhere.id).count() == 0


# --------------------------------------------------------------------------- indicators


@pytest.mark.parametrize(
    ("direction", "target", "value", "status"),
    [
        ("higher", 10, 12, "on_track"),
        ("higher", 10, 10, "on_track"),
        ("higher", 10, 9.5, "off_track"),
        ("lower", 10, 8, "on_track"),
        ("lower", 10, 10, "on_track"),
        ("lower", 10, 11, "off_track"),
        ("lower", 10, None, "no_data"),
        ("higher", None, 3, "no_target"),
    ],
)
def test_indicator_status(direction, target, value, status) -> None:
    assert I.indicator_status(direction, target, value) == status


def test_indicators_and_measurements(made: Made) -> None:
    with made.ws.session() as s:
        bikes = I.create_indicator(
            s, made.committee_id,
            I.IndicatorData(name="Arceaux posés", unit="arceaux", baseline=0, target=200),
        )  # fmt: skip
        noise = I.create_indicator(
            s, made.committee_id,
            I.IndicatorData(name="Bruit", unit="dB", direction="lower", baseline="68,5", target=65),
        )  # fmt: skip
        assert noise.baseline == 68.5 and noise.status == "no_data" and noise.position == 1
        I.add_measurement(s, bikes.id, date(2027, 3, 1), 40, source="Services techniques")
        I.add_measurement(s, bikes.id, date(2027, 6, 1), "210")
        I.add_measurement(s, bikes.id, date(2027, 1, 1), 10)  # typed late, older
        I.add_measurement(s, noise.id, date(2027, 6, 1), 66.2, note="Boulevard")
        listed = {i.name: i for i in I.list_indicators(s, made.committee_id)}
        assert (listed["Arceaux posés"].latest_value, listed["Arceaux posés"].status) == (
            210, "on_track",
        )  # fmt: skip
        assert listed["Arceaux posés"].measurements == 3
        assert listed["Bruit"].status == "off_track"
        assert [m.value for m in I.measurements(s, bikes.id)] == [10, 40, 210]
        assert I.measurements(s, bikes.id)[1].source == "Services techniques"
        for when, value, message in (
            (None, 3, "needs a date"),
            (date(2027, 6, 2), "beaucoup", "“beaucoup” is not a number"),
            (date(2027, 6, 2), float("nan"), "is not a number"),
        ):
            with pytest.raises(C.CommitteeError, match=message):
                I.add_measurement(s, bikes.id, when, value)
        assert len(I.measurements(s, bikes.id)) == 3
        # two measurements on the same day: the last typed is the latest
        I.add_measurement(s, noise.id, date(2027, 6, 1), 64)
        assert I.indicator_info(s, noise.id).latest_value == 64
        assert {i.name: i.latest_value for i in I.list_indicators(s, made.committee_id)}[
            "Bruit"
        ] == 64
        I.remove_measurement(s, I.measurements(s, noise.id)[-1].id)
        assert I.indicator_info(s, noise.id).latest_value == 66.2
        assert I.find_indicator(s, made.committee_id, "arceaux") == bikes.id
        data = listed["Bruit"].data()
        data.target = 67
        assert I.update_indicator(s, noise.id, data).status == "on_track"
        I.delete_indicator(s, noise.id)
        assert s.query(Measurement).count() == 3


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (I.IndicatorData(name=""), "needs a name"),
        (I.IndicatorData(name="X", direction="up"), "Unknown direction “up”"),
        (I.IndicatorData(name="X", target="haut"), "not a number"),
        (I.IndicatorData(name="X", source="survey"), "Unknown indicator source"),
        (I.IndicatorData(name="X", source="stakeholders"), "Choose the stakeholder type"),
        (I.IndicatorData(name="X", source="diversity"), "Choose the attribute category"),
        (I.IndicatorData(name="X", source="diversity", params={"category": "zz"}), "“zz”"),
        (I.IndicatorData(name="X", source="attendance", params={"scope": "city"}), "scope"),
    ],
)
def test_indicator_refused(made: Made, data, message) -> None:
    with made.ws.session() as s:
        with pytest.raises(C.CommitteeError, match=message):
            I.create_indicator(s, made.committee_id, data)
        assert I.list_indicators(s, made.committee_id) == []


def _gender(s, made: Made) -> None:
    """Women are 50 % of the population, men 50 %; Léa, Anne, Inès are women."""
    category = AttributeCategory(key="gender", label="Genre")
    s.add(category)
    s.flush()
    women = AttributeValue(category_id=category.id, value="F", population_share=0.5)
    men = AttributeValue(category_id=category.id, value="H", population_share=0.5, position=1)
    s.add_all([women, men])
    s.flush()
    for index, value in ((0, women), (1, men), (2, women), (3, men), (4, women)):
        s.add(
            ParticipantAttribute(
                participant_id=made.people[index], category_id=category.id, value_id=value.id
            )
        )
    s.commit()


def test_computed_indicators(made: Made) -> None:
    with made.ws.session() as s:
        _gender(s, made)
        one = C.create_meeting(s, made.committee_id, "Comité n°1", NOON - timedelta(days=60))
        two = C.create_meeting(s, made.committee_id, "Comité n°2", NOON - timedelta(days=10))
        C.create_meeting(s, made.committee_id, "Comité n°3", NOON + timedelta(days=30))  # future
        workshop = S.create_session(
            s,
            S.SessionData(
                process_id=made.process_id,
                title="Atelier public",
                starts_at=NOON - timedelta(days=5),
            ),
        )
        for sid, people in ((one.id, [0, 1, 2, 3]), (two.id, [0, 2]), (workshop.id, [0, 1, 4])):
            for index in people:
                signin.sign_in(s, sid, made.people[index], at=NOON - timedelta(days=70))
        attendance = I.create_indicator(
            s, made.committee_id, I.IndicatorData(name="Présence", source="attendance", target=4)
        )
        with pytest.raises(C.CommitteeError, match="refresh it instead"):
            I.add_measurement(s, attendance.id, TODAY, 3)
        done = I.refresh_computed_indicator(s, attendance.id, today=TODAY)
        assert done.written == 2 and done.indicator.status == "off_track"
        points = I.measurements(s, attendance.id)
        assert [(p.value, p.source) for p in points] == [(4, "Comité n°1"), (2, "Comité n°2")]
        assert points[0].measured_on == (NOON - timedelta(days=60)).astimezone().date()
        # refreshing again rewrites, never doubles
        again = I.refresh_computed_indicator(s, attendance.id, today=TODAY)
        assert (again.written, again.removed) == (2, 2)

        whole = I.create_indicator(
            s, made.committee_id,
            I.IndicatorData(name="Présence démarche", source="attendance",
                            params={"scope": "process"}),
        )  # fmt: skip
        I.refresh_computed_indicator(s, whole.id, today=TODAY)
        assert [p.value for p in I.measurements(s, whole.id)] == [4, 2, 3]

        residents = I.create_indicator(
            s, made.committee_id,
            I.IndicatorData(name="Habitants", source="stakeholders",
                            params={"stakeholder_type": "resident"}),
        )  # fmt: skip
        I.refresh_computed_indicator(s, residents.id, today=TODAY)
        # residents: Léa (0) and Inès (4)
        assert [p.value for p in I.measurements(s, residents.id)] == [1, 1, 2]

        diversity = I.create_indicator(
            s, made.committee_id,
            I.IndicatorData(name="Diversité", source="diversity", params={"category": "gender"},
                            target=80),
        )  # fmt: skip
        I.refresh_computed_indicator(s, diversity.id, today=TODAY)
        # 2 F 2 H → D = 0 → 100; 2 F 0 H → D = 0.5 → 50; 2 F 1 H → D = 1/6 → 83.3
        assert [p.value for p in I.measurements(s, diversity.id)] == [100, 50, 83.3]
        assert I.indicator_info(s, diversity.id).status == "on_track"
        assert len(I.refresh_committee_indicators(s, made.committee_id, today=TODAY)) == 4


def test_dissimilarity_formula() -> None:
    from collections import Counter

    assert I.dissimilarity(Counter({"a": 5, "b": 5}), {"a": 0.5, "b": 0.5}) == 0
    assert I.dissimilarity(Counter({"a": 10}), {"a": 0.5, "b": 0.5}) == 0.5
    assert I.dissimilarity(Counter({"c": 3}), {"a": 0.5, "b": 0.5}) == 1
    assert I.dissimilarity(Counter(), {"a": 1}) is None


# --------------------------------------------------------------------------- review


def test_dashboard(made: Made) -> None:
    with made.ws.session() as s:
        ids = _plan(s, made)
        C.create_meeting(s, made.committee_id, "Passé", NOON - timedelta(days=3))
        coming = C.create_meeting(s, made.committee_id, "Prochain comité", NOON + timedelta(days=3))
        good = I.create_indicator(s, made.committee_id, I.IndicatorData(name="Bon", target=1))
        bad = I.create_indicator(s, made.committee_id, I.IndicatorData(name="Mauvais", target=9))
        I.create_indicator(s, made.committee_id, I.IndicatorData(name="Vide", target=9))
        I.add_measurement(s, good.id, TODAY, 2)
        I.add_measurement(s, bad.id, TODAY, 2)
        board = R.dashboard(s, made.committee_id, today=TODAY)
        assert board.next_meeting.id == coming.id
        assert [r.id for r in board.overdue_actions] == [ids["Piste rue Victor-Hugo"]]
        assert [i.name for i in board.off_track] == ["Mauvais"]
        assert [i.name for i in board.no_data] == ["Vide"]
        assert board.actions_by_status == {
            "planned": 2, "in_progress": 1, "done": 1, "blocked": 1, "dropped": 0,
        }  # fmt: skip
        assert (board.actions, board.open_actions, board.indicators) == (5, 4, 3)
        assert board.as_dict()["open_actions"] == 4


def test_annual_review(made: Made) -> None:
    with made.ws.session() as s:
        lea, omar = member(s, made, 0, "chair"), member(s, made, 1)
        C.add_member(s, made.committee_id, C.MemberData(name="Mairie", role="observer"))
        late_joiner = C.MemberData(participant_id=made.people[2], joined_on=date(2027, 5, 1))
        C.add_member(s, made.committee_id, late_joiner, today=TODAY)
        march = C.create_meeting(
            s, made.committee_id, "Comité de mars", datetime(2027, 3, 10, 17, tzinfo=UTC)
        )
        june = C.create_meeting(
            s, made.committee_id, "Comité de juin", datetime(2027, 6, 10, 17, tzinfo=UTC)
        )
        C.create_meeting(
            s, made.committee_id, "Comité 2026", datetime(2026, 11, 10, 17, tzinfo=UTC)
        )
        for meeting, people in ((march, [0, 1, 4]), (june, [0, 2])):
            for index in people:
                signin.sign_in(s, meeting.id, made.people[index], at=meeting.starts_at)
        C.record_decision(s, march.id, "Lancer les comptages")
        C.record_decision(s, june.id, "Piste : reporter", status="postponed")

        def action(title, due, created=date(2027, 1, 15)):
            data = A.ActionData(title=title, owner_member_id=lea.id, due_on=due, created_on=created)
            return A.create_action(s, made.committee_id, data, today=TODAY).id

        on_time = action("Arceaux", date(2027, 6, 1))
        A.update_action(s, on_time, {"status": "done"}, at=datetime(2027, 5, 20, 10, tzinfo=UTC))
        done_late = action("Carte", date(2027, 4, 1))
        A.update_action(s, done_late, {"status": "done"}, at=datetime(2027, 5, 2, 10, tzinfo=UTC))
        overdue = action("Piste", date(2027, 5, 1))
        action("Comptages", date(2027, 12, 31))
        # done next year: still open and late at the end of 2027
        slow = action("Signalétique", date(2027, 10, 1))
        A.update_action(s, slow, {"status": "done"}, at=datetime(2028, 2, 1, 10, tzinfo=UTC))
        action("Plan 2028", date(2028, 6, 1), created=date(2028, 1, 10))
        indicator = I.create_indicator(
            s, made.committee_id, I.IndicatorData(name="Arceaux", baseline=0, target=100)
        )
        I.add_measurement(s, indicator.id, date(2026, 12, 1), 20)
        I.add_measurement(s, indicator.id, date(2027, 6, 1), 60)
        I.add_measurement(s, indicator.id, date(2028, 1, 15), 120)
        C.remove_member(s, omar.id)  # his attendance in March is still counted as present

        review = R.annual_review(s, made.committee_id, 2027, today=date(2028, 3, 1))
        assert review.as_of == date(2027, 12, 31)
        assert [(m.meeting.title, m.present, m.members, m.members_present)
                for m in review.meetings] == [
            ("Comité de mars", 3, 1, 1),  # Léa sitting (Omar removed; Anne joined in May)
            ("Comité de juin", 2, 2, 2),
        ]  # fmt: skip
        assert review.attendance == 5
        assert sorted((d.action.title, d.late) for d in review.done) == [
            ("Arceaux", False), ("Carte", True),
        ]  # fmt: skip
        assert review.done_late == 1
        assert [r.title for r in review.late] == ["Piste", "Signalétique"]
        assert [r.title for r in review.open] == ["Piste", "Signalétique", "Comptages"]
        assert review.created == 5
        (year,) = review.indicators
        assert (year.start_value, year.end_value, year.measurements, year.status) == (
            20, 60, 1, "off_track",
        )  # fmt: skip
        assert [d.text for d in review.decisions] == ["Lancer les comptages", "Piste : reporter"]
        document = review.as_dict()
        assert document["actions"]["done_late"] == 1 and document["year"] == 2027
        assert overdue in {r.id for r in review.late}
        # during the year, the review looks from today
        assert R.annual_review(s, made.committee_id, 2027, today=TODAY).as_of == TODAY


def test_update_and_delete(made: Made) -> None:
    with made.ws.session() as s:
        data = C.committee_data(s, made.committee_id)
        data.title, data.max_members = "Comité vélo 2027", None
        assert C.update_committee(s, made.committee_id, data).max_members is None
        meeting = C.create_meeting(s, made.committee_id, "Comité n°1", NOON)
        logged = C.record_decision(s, meeting.id, "Créer 200 arceaux")
        again = C.update_logged_decision(
            s, logged.id, decided_on=date(2027, 6, 16), decided_by="Le comité"
        )
        assert (again.decided_on, again.decided_by) == (date(2027, 6, 16), "Le comité")
        manual = I.create_indicator(s, made.committee_id, I.IndicatorData(name="Arceaux"))
        with pytest.raises(C.CommitteeError, match="nothing to refresh"):
            I.refresh_computed_indicator(s, manual.id)
        action = A.create_action(s, made.committee_id, A.ActionData(title="A"), today=TODAY)
        A.delete_action(s, action.id)
        with pytest.raises(C.CommitteeError, match="no longer exists"):
            A.action_history(s, action.id)
        assert C.delete_committee(s, made.committee_id).title == "Comité vélo 2027"
        s.expire_all()
        # the meeting stays, as an ordinary session of the process, with its decision
        assert S.session_info(s, meeting.id).title == "Comité n°1"
        assert [d.text for d in S.decisions(s, meeting.id)] == ["Créer 200 arceaux"]
        assert C.list_committees(s) == []
