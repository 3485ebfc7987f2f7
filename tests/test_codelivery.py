"""Co-delivery: volunteers, missions, time sheets, the value of citizen time, certificates."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.facilitation import actions as A
from app.facilitation import citizen_time as T
from app.facilitation import committees as C
from app.facilitation import missions as M
from app.facilitation import sessions as S
from app.facilitation import timesheets as TS
from app.facilitation import volunteers as V
from app.facilitation.consent import erase_participants
from app.models import Participant
from app.models.codelivery import TimeEntry, VolunteerProfile

TODAY = date(2027, 3, 1)


@dataclass
class Made:
    ws: object
    process_id: uuid.UUID
    committee_id: uuid.UUID
    action_id: uuid.UUID
    other_action_id: uuid.UUID
    mission_id: uuid.UUID
    garden_id: uuid.UUID
    people: list[uuid.UUID]
    volunteers: list[uuid.UUID]


@pytest.fixture
def made(workspace) -> Made:
    with workspace.session() as s:
        process = S.create_process(s, S.ProcessData(title="Quartier solidaire"))
        committee = C.create_committee(
            s, C.CommitteeData(process_id=process.id, title="Comité de suivi")
        )
        action = A.create_action(
            s, committee.id, A.ActionData(title="Parrainage de familles", created_on=TODAY)
        )
        other = A.create_action(
            s, committee.id, A.ActionData(title="Jardin partagé", created_on=TODAY)
        )
        people = [
            Participant(first_name="Léa", last_name="Martin"),
            Participant(first_name="Omar", last_name="Benali"),
        ]
        s.add_all(people)
        s.commit()
        vols = [
            V.create_volunteer(
                s,
                V.VolunteerData(
                    process_id=process.id,
                    participant_id=people[0].id,
                    skills=["accompagnement scolaire"],
                    available_days=["mon", "wed"],
                    hours_per_week=6,
                    charter_signed_on=date(2027, 1, 10),
                    charter_version="v2",
                ),
            ),
            V.create_volunteer(
                s, V.VolunteerData(process_id=process.id, participant_id=people[1].id)
            ),
            V.create_volunteer(s, V.VolunteerData(process_id=process.id, name="Jeanne Libre")),
        ]
        mission = M.create_mission(
            s,
            M.MissionData(
                process_id=process.id,
                action_id=action.id,
                title="Parrainage",
                volunteers_wanted=2,
                starts_on=date(2027, 1, 1),
                ends_on=date(2027, 12, 31),
            ),
        )
        garden = M.create_mission(
            s,
            M.MissionData(
                process_id=process.id,
                action_id=other.id,
                title="Jardin",
                starts_on=date(2027, 3, 1),
                ends_on=date(2027, 10, 31),
            ),
        )
        return Made(
            workspace,
            process.id,
            committee.id,
            action.id,
            other.id,
            mission.id,
            garden.id,
            [p.id for p in people],
            [v.id for v in vols],
        )


def entries(s) -> int:
    return s.scalar(select(func.count()).select_from(TimeEntry))


# --------------------------------------------------------------------------- volunteers


def test_volunteer_profiles_from_a_participant_or_a_name(made: Made) -> None:
    with made.ws.session() as s:
        rows = V.list_volunteers(s, made.process_id)
        assert [v.name for v in rows] == ["Jeanne Libre", "Léa Martin", "Omar Benali"]
        lea = V.volunteer_info(s, made.volunteers[0])
        assert lea.skills == ("accompagnement scolaire",)
        assert lea.available_days == ("mon", "wed")
        assert lea.charter_version == "v2" and lea.charter_signed
        code = s.get(Participant, made.people[0]).code
        assert V.find_volunteer(s, code) == lea.id
        assert V.find_volunteer(s, "jeanne") == made.volunteers[2]
        with pytest.raises(V.CodeliveryError, match="already a volunteer"):
            V.create_volunteer(
                s, V.VolunteerData(process_id=made.process_id, participant_id=made.people[0])
            )
        with pytest.raises(V.CodeliveryError, match="needs a name"):
            V.create_volunteer(s, V.VolunteerData(process_id=made.process_id))
        with pytest.raises(V.CodeliveryError, match="Unknown day"):
            V.create_volunteer(
                s, V.VolunteerData(process_id=made.process_id, name="X", available_days="lun,xyz")
            )
        assert V.parse_days("mercredi, lun") == ["mon", "wed"]
        V.add_training(s, lea.id, V.TrainingData("Écoute active", date(2027, 1, 20), 12))
        with pytest.raises(V.CodeliveryError, match="more than 0"):
            V.add_training(s, lea.id, V.TrainingData("Vide", None, 0))
        info = V.volunteer_info(s, lea.id)
        assert (info.trainings, info.training_hours) == (1, 12.0)


def test_missions_are_validated(made: Made) -> None:
    with made.ws.session() as s:
        base = M.MissionData(process_id=made.process_id, title="Soutien")
        with pytest.raises(V.CodeliveryError, match=r"ends .* before it starts"):
            M.create_mission(
                s,
                M.MissionData(
                    process_id=made.process_id,
                    title="X",
                    starts_on=date(2027, 5, 1),
                    ends_on=date(2027, 4, 1),
                ),
            )
        base.volunteers_wanted = 0
        with pytest.raises(V.CodeliveryError, match="at least 1"):
            M.create_mission(s, base)
        base.volunteers_wanted = 3
        created = M.create_mission(s, base)
        assert created.volunteers_wanted == 3 and created.action_id is None
        assert M.find_mission(s, "souti") == created.id
        assert [m.title for m in M.list_missions(s, action_id=made.action_id)] == ["Parrainage"]


def test_over_commitment_is_a_warning_not_an_error(made: Made) -> None:
    with made.ws.session() as s:
        lea = made.volunteers[0]  # offered 6 h a week
        first = M.assign(s, made.mission_id, lea, hours_per_week=4, today=TODAY)
        assert first.warnings == ()
        second = M.sign_up(s, made.garden_id, lea, hours_per_week=3, today=TODAY)
        assert second.assignment.signed_up
        assert len(second.warnings) == 1 and "7 hours a week" in second.warnings[0]
        assert [c.name for c in M.over_committed(s, made.process_id, today=TODAY)] == ["Léa Martin"]
        # Both assignments were kept.
        assert len(M.assignments(s, volunteer_id=lea)) == 2
        # A mission over its wanted number warns too.
        M.assign(s, made.mission_id, made.volunteers[1], today=TODAY)
        third = M.assign(s, made.mission_id, made.volunteers[2], today=TODAY)
        assert any("3 volunteers for 2 wanted" in w for w in third.warnings)
        M.unassign(s, made.garden_id, lea)
        assert M.over_committed(s, made.process_id, today=TODAY) == []


# --------------------------------------------------------------------------- time sheets


def test_group_timesheet_is_saved_in_one_go(made: Made) -> None:
    with made.ws.session() as s:
        lea, omar, jeanne = made.volunteers
        result = TS.record_group_timesheet(
            s,
            made.mission_id,
            date(2027, 3, 3),
            [(lea, 2.5, "atelier devoirs"), (omar, "1h30", None), (jeanne, "", None)],
        )
        assert (result.saved, result.hours) == (2, 4.0)
        rows = TS.time_entries(s, mission_id=made.mission_id)
        assert {(r.volunteer_name, r.hours) for r in rows} == {
            ("Léa Martin", 2.5),
            ("Omar Benali", 1.5),
        }


def test_group_timesheet_lists_every_problem_and_saves_nothing(made: Made) -> None:
    with made.ws.session() as s:
        lea, omar, jeanne = made.volunteers
        TS.record_group_timesheet(s, made.garden_id, date(2027, 3, 3), [(lea, 20, None)])
        with pytest.raises(TS.TimesheetError) as caught:
            TS.record_group_timesheet(
                s,
                made.mission_id,
                date(2027, 3, 3),
                [(lea, 5, None), (omar, 0, None), (jeanne, 25, None), (None, 2, None)],
            )
        assert [p.line for p in caught.value.problems] == [0, 1, 2, 3]
        text = str(caught.value)
        assert "Row 1:" in text and "25 hours" in text  # Léa: 20 + 5 over every mission
        assert "Row 2:" in text and "more than 0" in text
        assert "Row 3:" in text and "at most 24" in text
        assert "Row 4:" in text and "Choose a volunteer" in text
        assert not caught.value.needs_confirmation
        assert entries(s) == 1


def test_a_day_outside_the_span_needs_confirmation(made: Made) -> None:
    with made.ws.session() as s:
        lea = made.volunteers[0]
        with pytest.raises(TS.TimesheetError, match="confirm to record it anyway") as caught:
            TS.record_group_timesheet(s, made.garden_id, date(2027, 2, 20), [(lea, 2, None)])
        assert caught.value.needs_confirmation
        assert entries(s) == 0
        result = TS.record_group_timesheet(
            s, made.garden_id, date(2027, 2, 20), [(lea, 2, None)], confirm_outside=True
        )
        assert (result.saved, result.outside_span) == (1, 1)


def test_edit_and_delete_a_line(made: Made) -> None:
    with made.ws.session() as s:
        lea = made.volunteers[0]
        TS.record_group_timesheet(s, made.garden_id, date(2027, 3, 3), [(lea, 10, None)])
        result = TS.record_group_timesheet(s, made.mission_id, date(2027, 3, 3), [(lea, 4, None)])
        entry = result.entry_ids[0]
        assert TS.update_time_entry(s, entry, hours=14).hours == 14  # 10 + 14 = 24
        with pytest.raises(TS.TimesheetError, match="at most 24"):
            TS.update_time_entry(s, entry, hours=15)
        assert TS.time_entries(s, mission_id=made.mission_id)[0].hours == 14
        TS.delete_time_entry(s, entry)
        assert entries(s) == 1


def write(path: Path, text: str, encoding: str = "utf-8-sig") -> Path:
    path.write_text(text, encoding=encoding)
    return path


def test_csv_import_french_headers_all_or_nothing(made: Made, tmp_path: Path) -> None:
    with made.ws.session() as s:
        code = s.get(Participant, made.people[0]).code
        good = write(
            tmp_path / "heures.csv",
            "Bénévole;Mission;Date;Heures;Commentaire\n"
            f"{code};Parrainage;05/03/2027;2,5;visite\n"
            "Omar Benali;parrainage;2027-03-05;1h30;\n"
            "Jeanne Libre;Jardin;2027-03-06;3;\n",
        )
        result = TS.import_timesheet_csv(s, good)
        assert (result.saved, result.hours) == (3, 7.0)
        bad = write(
            tmp_path / "bad.csv",
            "volunteer,mission,date,hours\n"
            "Jeanne Libre,Jardin,2027-03-07,2\n"
            "Nobody,Jardin,2027-03-07,2\n"
            "Omar Benali,Jardin,not a day,2\n"
            "Omar Benali,Jardin,2027-03-08,-1\n"
            "Omar Benali,Jardin,2027-02-01,1\n",
        )
        with pytest.raises(TS.TimesheetError) as caught:
            TS.import_timesheet_csv(s, bad)
        text = str(caught.value)
        assert "Line 3: No volunteer matches “Nobody”" in text
        assert "Line 4: “not a day” is not a date" in text
        assert "Line 5: Hours must be more than 0" in text
        assert "Line 6:" in text and "outside the span" in text
        assert "Line 2" not in text
        assert entries(s) == 3
        with pytest.raises(V.CodeliveryError, match="Missing columns: hours"):
            TS.import_timesheet_csv(s, write(tmp_path / "x.csv", "volunteer;mission;date\n"))


# --------------------------------------------------------------------------- removal, erasure


def test_removing_a_volunteer_keeps_their_hours_by_name(made: Made) -> None:
    with made.ws.session() as s:
        jeanne = made.volunteers[2]
        M.assign(s, made.mission_id, jeanne, today=TODAY)
        TS.record_group_timesheet(s, made.mission_id, date(2027, 3, 3), [(jeanne, 3, None)])
        removed = V.remove_volunteer(s, jeanne)
        assert (removed.hours_kept, removed.entries_kept) == (3.0, 1)
        assert s.get(VolunteerProfile, jeanne) is None
        rows = T.hours_by(s, group="volunteer")
        assert [(r.key, r.label, r.hours) for r in rows] == [(None, "Jeanne Libre", 3.0)]
        assert T.action_summary(s, made.action_id).hours == 3.0


def test_erasure_keeps_the_totals_and_shows_the_code(made: Made) -> None:
    with made.ws.session() as s:
        lea = made.volunteers[0]
        TS.record_group_timesheet(
            s, made.mission_id, date(2027, 3, 3), [(lea, 2, None), (made.volunteers[1], 1, None)]
        )
        before = T.action_summary(s, made.action_id)
        erase_participants(s, [made.people[0]])
        code = s.get(Participant, made.people[0]).code
        assert V.volunteer_info(s, lea).name == code
        names = {r.volunteer_name for r in TS.time_entries(s)}
        assert names == {code, "Omar Benali"}
        assert "Martin" not in str([r.as_dict() for r in TS.time_entries(s)])
        after = T.action_summary(s, made.action_id)
        assert (after.hours, after.entries, after.volunteers) == (
            before.hours,
            before.entries,
            before.volunteers,
        )


# --------------------------------------------------------------------------- citizen time


def test_summary_of_the_typical_case(made: Made) -> None:
    """A small form of the issue's case: mentors, families helped, savings against costs."""
    with made.ws.session() as s:
        lea, omar, jeanne = made.volunteers
        assert T.hourly_value(s) == T.HourlyValue(None, None)
        with pytest.raises(V.CodeliveryError, match="source"):
            T.set_hourly_value(s, 12, "")
        T.set_hourly_value(s, "12,5", "SMIC chargé 2027")
        for day, rows in [
            (date(2027, 3, 3), [(lea, 6, None), (omar, 6, None)]),
            (date(2027, 4, 7), [(lea, 6, None), (omar, 4, None), (jeanne, 2, None)]),
        ]:
            TS.record_group_timesheet(s, made.mission_id, day, rows)
        TS.record_group_timesheet(s, made.garden_id, date(2027, 4, 7), [(jeanne, 3, None)])
        M.add_people_helped(
            s, made.mission_id, date(2027, 1, 1), date(2027, 6, 30), 30, category="families"
        )
        M.add_people_helped(
            s, made.mission_id, date(2027, 1, 1), date(2027, 6, 30), 12, category="young people"
        )
        M.add_support_cost(s, made.mission_id, "training", 3000, incurred_on=date(2027, 1, 15))
        M.add_support_cost(s, made.mission_id, "coordination", "1 800", incurred_on=TODAY)
        M.add_support_cost(s, made.garden_id, "materials", 400, incurred_on=TODAY)
        with pytest.raises(V.CodeliveryError, match="Unknown kind"):
            M.add_support_cost(s, made.mission_id, "snacks", 10)
        T.add_saving(s, made.action_id, 17400, "Département : placements évités (2026)")
        with pytest.raises(V.CodeliveryError, match="source"):
            T.add_saving(s, made.action_id, 100, " ")

        summary = T.action_summary(s, made.action_id)
        assert summary.hours == 24.0
        assert (summary.entries, summary.volunteers, summary.missions) == (5, 3, 1)
        assert summary.time_value == 300.0
        assert summary.hourly_value_source == "SMIC chargé 2027"
        assert summary.people_helped == 42
        assert summary.people_by_category == {"families": 30, "young people": 12}
        assert summary.costs_by_kind == {"training": 3000.0, "coordination": 1800.0}
        assert summary.costs == 4800.0
        assert summary.savings_total == 17400.0
        assert summary.balance == 12600.0
        assert summary.ratio == pytest.approx(3.625)
        assert summary.as_dict()["savings"][0]["source"].startswith("Département")

        march = T.action_summary(s, made.action_id, date(2027, 3, 1), date(2027, 3, 31))
        assert (march.hours, march.costs) == (12.0, 1800.0)

        process = T.process_summary(s, made.process_id)
        assert (process.hours, process.costs, process.savings_total) == (27.0, 5200.0, 17400.0)
        committee = T.codelivery_summary_for_committee(s, made.committee_id, None, None)
        assert (committee.hours, committee.missions) == (27.0, 2)
        per_action = T.action_summaries(s, process_id=made.process_id)
        assert [(a.title, a.hours) for a in per_action] == [
            ("Jardin partagé", 3.0),
            ("Parrainage de familles", 24.0),
        ]

        by_month = T.hours_by(s, group="month")
        assert [(r.key, r.hours) for r in by_month] == [("2027-03", 12.0), ("2027-04", 15.0)]
        by_mission = T.hours_by(s, group="mission", start=date(2027, 4, 1))
        assert [(r.label, r.hours, r.volunteers) for r in by_mission] == [
            ("Parrainage", 12.0, 3),
            ("Jardin", 3.0, 1),
        ]
        by_action = T.hours_by(s, group="action", process_id=made.process_id)
        assert [r.label for r in by_action] == ["Parrainage de familles", "Jardin partagé"]


def test_certificate_data(made: Made) -> None:
    with made.ws.session() as s:
        lea = made.volunteers[0]
        V.add_training(s, lea, V.TrainingData("Écoute active", date(2027, 1, 20), 12))
        TS.record_group_timesheet(s, made.mission_id, date(2027, 3, 3), [(lea, 2, None)])
        TS.record_group_timesheet(s, made.mission_id, date(2027, 3, 10), [(lea, 3, None)])
        TS.record_group_timesheet(s, made.garden_id, date(2027, 3, 10), [(lea, 1, None)])
        cert = T.certificate_data(s, lea, today=TODAY)
        assert (cert.name, cert.hours, cert.training_hours) == ("Léa Martin", 6.0, 12.0)
        assert [(m.title, m.action, m.hours, m.days) for m in cert.missions] == [
            ("Parrainage", "Parrainage de familles", 5.0, 2),
            ("Jardin", "Jardin partagé", 1.0, 1),
        ]
        assert (cert.first_day, cert.last_day) == (date(2027, 3, 3), date(2027, 3, 10))
        assert cert.charter_version == "v2"
        later = T.certificate_data(s, lea, start=date(2027, 3, 5))
        assert later.hours == 4.0 and later.trainings == []


# --------------------------------------------------------------------------- committee


def test_computed_indicators_and_annual_review(made: Made) -> None:
    from app.facilitation import committee_review as R
    from app.facilitation import indicators as I

    with made.ws.session() as s:
        lea, omar, _jeanne = made.volunteers
        TS.record_group_timesheet(s, made.mission_id, date(2027, 3, 3), [(lea, 2, None)])
        TS.record_group_timesheet(s, made.mission_id, date(2027, 3, 17), [(omar, 3, None)])
        TS.record_group_timesheet(s, made.garden_id, date(2027, 4, 7), [(lea, 4, None)])
        TS.record_group_timesheet(s, made.mission_id, date(2027, 6, 2), [(lea, 1, None)])
        M.add_people_helped(s, made.mission_id, date(2027, 1, 1), date(2027, 3, 31), 12)
        M.add_people_helped(
            s, made.garden_id, date(2027, 1, 1), date(2027, 3, 31), 5, category="young people"
        )
        M.add_people_helped(s, made.mission_id, date(2027, 4, 1), date(2027, 6, 30), 9)
        hours = I.create_indicator(
            s, made.committee_id, I.IndicatorData(name="Heures", source="volunteer_hours")
        )
        helped = I.create_indicator(
            s, made.committee_id, I.IndicatorData(name="Aidés", source="people_helped", target=10)
        )
        I.refresh_committee_indicators(s, made.committee_id, today=date(2027, 5, 15))
        points = [(m.measured_on, m.value, m.source) for m in I.measurements(s, hours.id)]
        assert points == [
            (date(2027, 3, 31), 5.0, "2027-03"),
            (date(2027, 4, 30), 4.0, "2027-04"),
        ]
        points = [(m.measured_on, m.value) for m in I.measurements(s, helped.id)]
        assert points == [(date(2027, 3, 31), 17.0)]  # the second period has not ended
        assert I.indicator_info(s, helped.id).status == "on_track"
        assert I.source_label("volunteer_hours") != "volunteer_hours"

        T.add_saving(s, made.action_id, 5000, "Estimation CAF")
        M.add_support_cost(s, made.mission_id, "training", 800, incurred_on=date(2027, 2, 1))
        review = R.annual_review(s, made.committee_id, 2027, today=date(2028, 1, 10))
        assert review.codelivery is not None
        assert (review.codelivery.hours, review.codelivery.people_helped) == (10.0, 26)
        assert review.codelivery.balance == 4200.0
        assert review.as_dict()["codelivery"]["savings_total"] == 5000.0
        # 2026: no hours that year, but the undated saving counts whatever the period.
        before = R.annual_review(s, made.committee_id, 2026, today=date(2028, 1, 10)).codelivery
        assert (before.hours, before.costs, before.savings_total) == (0.0, 0.0, 5000.0)


def test_annual_review_without_codelivery(made: Made) -> None:
    from app.facilitation import committee_review as R

    with made.ws.session() as s:
        other = C.create_committee(s, C.CommitteeData(process_id=made.process_id, title="Autre"))
        assert R.annual_review(s, other.id, 2027, today=TODAY).codelivery is None


def test_every_problem_of_a_line_is_listed(made: Made, tmp_path: Path) -> None:
    with made.ws.session() as s:
        bad = write(
            tmp_path / "bad.csv",
            "volunteer;mission;date;hours\nNobody;Nowhere;2027-03-07;30\n",
        )
        with pytest.raises(TS.TimesheetError) as caught:
            TS.import_timesheet_csv(s, bad)
        messages = [p.message for p in caught.value.problems]
        assert [p.line for p in caught.value.problems] == [2, 2, 2]
        assert "No mission matches “Nowhere”." in messages
        assert "No volunteer matches “Nobody”." in messages
        assert "Hours must be more than 0 and at most 24." in messages


def test_renaming_and_deactivating_a_volunteer(made: Made) -> None:
    with made.ws.session() as s:
        jeanne = made.volunteers[2]
        TS.record_group_timesheet(s, made.mission_id, date(2027, 3, 3), [(jeanne, 2, None)])
        data = V.volunteer_data(s, jeanne)
        data.name = "Jeanne Libre-Durand"
        V.update_volunteer(s, jeanne, data)
        assert [r.volunteer_name for r in TS.time_entries(s)] == ["Jeanne Libre-Durand"]
        assert not V.set_volunteer_active(s, jeanne, False).active
        assert [v.name for v in V.list_volunteers(s, made.process_id, active_only=True)] == [
            "Léa Martin",
            "Omar Benali",
        ]
        with pytest.raises(V.CodeliveryError, match="no longer an active volunteer"):
            M.assign(s, made.mission_id, jeanne, today=TODAY)
