"""The citizen jury draw report, the evaluation jury report, the committee report and annual
review, and the certificate of volunteering, read back with pypdf; figures compared with the
facilitation layer's; the CLI round trip; the same data and date give the same bytes."""

from __future__ import annotations

import hashlib
import importlib
import io
import json
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from app.cli import main
from app.errors import AtelierError
from app.facilitation import actions as A
from app.facilitation import citizen_time as T
from app.facilitation import committee_review as R
from app.facilitation import committees as C
from app.facilitation import consent, reports
from app.facilitation import indicators as I
from app.facilitation import juries as J
from app.facilitation import missions as M
from app.facilitation import panels as P
from app.facilitation import sessions as S
from app.facilitation import timesheets as TS
from app.facilitation import volunteers as V
from app.facilitation.reports import jury as jury_doc
from app.facilitation.signin import sign_in
from app.models import Participant, Registration

DAY = date(2026, 12, 15)
YEAR = 2026


def text_of(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def flat(text: str) -> str:
    return " ".join(text.split())


def subject_ids(s, kind: str) -> list[uuid.UUID]:
    """What the Documents area offers for ``kind`` (the registry's subjects function)."""
    module, _sep, name = reports.spec(kind).subjects.partition(":")
    return [sid for sid, _label in getattr(importlib.import_module(module), name)(s)]


@dataclass
class Built:
    ws: object
    process_id: uuid.UUID
    panel_id: uuid.UUID
    named: list[uuid.UUID]
    declined: uuid.UUID
    jury_id: uuid.UUID
    committee_id: uuid.UUID
    volunteer_id: uuid.UUID


def draw_jury(s, process_id) -> tuple[uuid.UUID, list[uuid.UUID], uuid.UUID]:
    """A 10-seat jury with 3 alternates drawn under census quotas; three of the people drawn
    consented to the publication of their name; the first one declined."""
    panel_id = P.create_panel(
        s, P.PanelData(process_id, "Jury citoyen « place »", 10, alternates=3)
    )
    for choice in P.quota_categories(s):
        if choice.has_shares:
            P.quotas_from_census(s, panel_id, choice.id, 1.5)
    result = P.draw_panel(s, panel_id, "6 6 2 1 5")
    consent.add_purpose(s, "publication", "Publication du nom", 24)
    named = [seat.participant_id for seat in result.selected[1:4]]
    for pid in named:
        consent.add_consent(s, pid, "publication", date(2026, 9, 1))
    # One consent withdrawn before the document's date: that name is not printed.
    withdrawn = result.selected[4].participant_id
    record = consent.add_consent(s, withdrawn, "publication", date(2026, 9, 1))
    consent.withdraw_consent(s, record, date(2026, 10, 1))
    declined = result.selected[0].participant_id
    P.decline(s, panel_id, declined)
    return panel_id, named, declined


def evaluation_jury(s, process_id) -> uuid.UUID:
    """Four members (three colleges) score three candidates on three weighted criteria; one
    conflict of interest; notes and a decision."""
    jury = J.create_jury(s, process_id, "Jury du concours de maîtrise d’œuvre", scale_max=10)
    crit = [
        J.add_criterion(s, jury.id, "Qualité paysagère", 3, "Ombre, sols perméables").id,
        J.add_criterion(s, jury.id, "Usages pour les enfants", 2).id,
        J.add_criterion(s, jury.id, "Coût d’entretien", 1).id,
    ]
    cand = [
        J.add_candidate(s, jury.id, "Atelier Paysage & Cie").id,
        J.add_candidate(s, jury.id, "Agence Lumière").id,
        J.add_candidate(s, jury.id, "Collectif Été").id,
    ]
    members = [
        J.add_member(s, jury.id, "Léa Garnier", college="resident").id,
        J.add_member(s, jury.id, "Ёлка Œuvray", college="resident").id,
        J.add_member(s, jury.id, "Paul Adjoint", college="elected").id,
        J.add_member(s, jury.id, "Dr Chloé Expert", college="expert").id,
    ]
    grid = {
        0: [[8, 7, 6], [5, 6, 7], [9, 8, 4]],
        1: [[7, 9, 5], [6, 5, 8], [8, 7, 6]],
        2: [[9, 6, 7], [4, 6, 9], [7, 7, 7]],
        3: [[8, 8, 5], [6, 6, 6], [None, None, None]],
    }
    for m, rows in grid.items():
        for c, marks in enumerate(rows):
            for k, mark in enumerate(marks):
                if mark is not None:
                    J.set_score(s, members[m], cand[c], crit[k], mark)
    J.declare_recusal(s, members[3], cand[2], "A travaillé pour le Collectif Été en 2025")
    J.set_notes(s, jury.id, "Débat nourri sur l’entretien.\n\nAccord final sur la qualité.")
    J.start_deliberation(s, jury.id)
    J.record_decision(s, jury.id, "Retenir l’Atelier Paysage & Cie.")
    return jury.id


def committee_with_plan(s, process_id) -> tuple[uuid.UUID, uuid.UUID]:
    """A committee with members, three meetings, actions (done on time, done late, overdue,
    open), two indicators with measurements, decisions, and co-delivery on one action; returns
    the committee and the volunteer."""
    committee = C.create_committee(
        s, C.CommitteeData(process_id=process_id, title="Comité de suivi de la place",
                           max_members=8)
    )  # fmt: skip
    cid = committee.id
    for name, role in [
        ("Amina Œuvrard", "chair"),
        ("Bruno Levasseur", "secretary"),
        ("Зоя Петрова", "member"),
        ("Services techniques", "observer"),
    ]:
        C.add_member(s, cid, C.MemberData(name=name, role=role, joined_on=date(2026, 1, 5)),
                     today=date(2026, 1, 5))  # fmt: skip
    people = s.scalars(select(Participant).order_by(Participant.code)).all()[:12]
    for person in people[1:3]:
        C.add_member(s, cid, C.MemberData(participant_id=person.id, joined_on=date(2026, 1, 5)),
                     today=date(2026, 1, 5))  # fmt: skip
    meetings = []
    for month in (2, 6, 10):
        info = C.create_meeting(
            s, cid, f"Réunion du comité n° {len(meetings) + 1}",
            datetime(YEAR, month, 12, 18, 0, tzinfo=UTC), place="Mairie annexe",
        )  # fmt: skip
        meetings.append(info.id)
    for meeting, present in zip(meetings, [people[1:9], people[1:6], people[2:11]], strict=True):
        for person in present:
            sign_in(s, meeting, person.id)
    C.record_decision(s, meetings[0], "Planter douze tilleuls côté école", decided_by="unanimité")
    C.record_decision(s, meetings[2], "Reporter la fontaine à 2027", status="postponed")
    made = {}
    for title, due in [
        ("Commander les arbres", date(2026, 3, 31)),
        ("Poser les bancs", date(2026, 5, 31)),
        ("Ouvrir le jardin partagé", date(2026, 9, 30)),
        ("Installer l’éclairage", date(2027, 3, 31)),
    ]:
        made[title] = A.create_action(
            s, cid, A.ActionData(title=title, owner_name="Services techniques",
                                 created_on=date(2026, 1, 10), due_on=due),
            at=datetime(2026, 1, 10, 9, tzinfo=UTC), today=date(2026, 1, 10),
        ).id  # fmt: skip
    A.update_action(
        s,
        made["Commander les arbres"],
        {"status": "done"},
        at=datetime(2026, 3, 20, 9, tzinfo=UTC),
        today=date(2026, 3, 20),
    )
    A.update_action(
        s,
        made["Poser les bancs"],
        {"status": "done"},
        at=datetime(2026, 7, 2, 9, tzinfo=UTC),
        today=date(2026, 7, 2),
    )
    A.update_action(s, made["Ouvrir le jardin partagé"], {"status": "in_progress", "progress": 60},
                    at=datetime(2026, 8, 1, 9, tzinfo=UTC), today=date(2026, 8, 1))  # fmt: skip
    trees = I.create_indicator(
        s, cid, I.IndicatorData(name="Arbres plantés", unit="arbres", baseline=0, target=12)
    )
    for day, value in [(date(2026, 3, 1), 2), (date(2026, 6, 1), 7), (date(2026, 11, 1), 10)]:
        I.add_measurement(s, trees.id, day, value)
    noise = I.create_indicator(
        s, cid, I.IndicatorData(name="Bruit la nuit", unit="dB", direction="lower",
                                baseline=62, target=55)
    )  # fmt: skip
    for day, value in [(date(2026, 4, 1), 60), (date(2026, 10, 1), 54)]:
        I.add_measurement(s, noise.id, day, value)
    # Co-delivery on the garden action, and the volunteer of the certificate.
    person = people[0]
    person.first_name, person.last_name = "Élodie", "Œuvrard-Ложкина"
    s.commit()
    volunteer = V.create_volunteer(
        s, V.VolunteerData(process_id=process_id, participant_id=person.id,
                           skills=["jardinage", "animation"], charter_signed_on=date(2026, 2, 1),
                           charter_version="v2"),
    )  # fmt: skip
    V.add_training(s, volunteer.id, V.TrainingData("Premiers secours", date(2026, 2, 14), 7))
    V.add_training(s, volunteer.id, V.TrainingData("Compostage", date(2026, 4, 4), 3.5))
    garden = M.create_mission(
        s, M.MissionData(process_id=process_id, action_id=made["Ouvrir le jardin partagé"],
                         title="Animer le jardin", starts_on=date(2026, 3, 1),
                         ends_on=date(2026, 12, 31)),
    )  # fmt: skip
    benches = M.create_mission(
        s, M.MissionData(process_id=process_id, action_id=made["Poser les bancs"],
                         title="Peindre les bancs", starts_on=date(2026, 5, 1),
                         ends_on=date(2026, 6, 30)),
    )  # fmt: skip
    for day, hours in [(date(2026, 4, 11), 3), (date(2026, 5, 9), 2.5), (date(2026, 9, 12), 4)]:
        TS.record_group_timesheet(s, garden.id, day, [(volunteer.id, hours, None)])
    TS.record_group_timesheet(s, benches.id, date(2026, 5, 23), [(volunteer.id, 6, None)])
    M.add_people_helped(s, garden.id, date(2026, 4, 1), date(2026, 9, 30), 45,
                        category="familles")  # fmt: skip
    M.add_support_cost(s, garden.id, "materials", 800, incurred_on=date(2026, 3, 15))
    M.add_support_cost(s, garden.id, "training", 400, incurred_on=date(2026, 2, 14))
    T.add_saving(s, made["Ouvrir le jardin partagé"], 2500, "Entretien des espaces verts évité",
                 period_start=date(2026, 4, 1), period_end=date(2026, 12, 31))  # fmt: skip
    T.set_hourly_value(s, 15, "SMIC horaire brut chargé 2026")
    return cid, volunteer.id


@pytest.fixture
def built(demo) -> Built:
    with demo.session() as s:
        process_id = S.list_processes(s)[0].id
        panel_id, named, declined = draw_jury(s, process_id)
        jury_id = evaluation_jury(s, process_id)
        committee_id, volunteer_id = committee_with_plan(s, process_id)
    return Built(demo, process_id, panel_id, named, declined, jury_id, committee_id, volunteer_id)


# --------------------------------------------------------------------------- citizen jury


def test_jury_report_prints_the_recorded_draw(built: Built) -> None:
    with built.ws.session() as s:
        pdf = reports.build_pdf(s, "jury", built.panel_id, language="en", today=DAY)
        result = P.draw_result(s, built.panel_id)
        pool = len(result.probabilities)
        names = {
            pid: f"{p.first_name} {p.last_name}"
            for pid, p in ((seat.participant_id, s.get(Participant, seat.participant_id))
                           for seat in [*result.selected, *result.alternates])
        }  # fmt: skip
        volunteers = s.scalars(
            select(Registration.participant_id).where(
                Registration.process_id == built.process_id, Registration.jury_volunteer
            )
        ).all()
    text = flat(text_of(pdf.data))
    assert pool == len(volunteers) and f"Volunteers in the pool {pool}" in text
    assert f"Public seed {result.seed}" in text
    assert result.instance_hash in text.replace(" ", "")
    assert result.distribution_hash in text.replace(" ", "")
    assert 'atelier jury verify WORKSPACE "Jury citoyen « place »"' in text
    # Quotas: the minimum–maximum and the number now sitting, per value.
    sitting = [seat for seat in result.selected if seat.status == "active"]
    with built.ws.session() as s:
        quotas = P.quota_rows(s, built.panel_id)
    assert quotas
    for q in quotas:
        now = sum(1 for seat in sitting if seat.features.get(q.category) == q.value)
        assert f"{q.value} " in text and f"{q.minimum}–{q.maximum}" in text
        assert now <= q.maximum
    # Names only for the people with an active publication consent; codes for the others.
    for seat in [*result.selected, *result.alternates]:
        assert seat.code in text
        if seat.participant_id in built.named:
            assert f"{names[seat.participant_id]} ({seat.code})" in text
        else:
            assert f"{names[seat.participant_id]} ({seat.code})" not in text
            if names[seat.participant_id] not in {names[pid] for pid in built.named}:
                assert names[seat.participant_id] not in text  # (demo names may repeat)
    assert "consented to publication" in text
    # The decline and its replacement.
    assert "Replacements" in text and "Declined" in text
    declined = next(seat for seat in result.selected if seat.participant_id == built.declined)
    assert declined.code in text
    assert f"Lowest chance {round(100 * result.min_probability, 1)}%" in text


def test_without_a_publication_purpose_everyone_is_a_code(demo) -> None:
    with demo.session() as s:
        process_id = S.list_processes(s)[0].id
        panel_id = P.create_panel(s, P.PanelData(process_id, "Petit jury", 4))
        result = P.draw_panel(s, panel_id, "42")
        for seat in result.selected:  # a contact consent does not allow printing the name
            consent.add_consent(s, seat.participant_id, "contact", date(2026, 9, 1))
        pdf = reports.build_pdf(s, "jury", panel_id, language="fr", today=DAY)
        people = [s.get(Participant, seat.participant_id) for seat in result.selected]
    text = flat(text_of(pdf.data))
    assert "Petit jury" in text
    for seat, person in zip(result.selected, people, strict=True):
        assert seat.code in text and person.last_name not in text
    assert "publication" in text
    assert jury_doc.NAME_PURPOSE == "publication"


def test_a_jury_not_drawn_is_refused(demo, tmp_path) -> None:
    with demo.session() as s:
        process_id = S.list_processes(s)[0].id
        panel_id = P.create_panel(s, P.PanelData(process_id, "Pas encore tiré", 4))
        with pytest.raises(AtelierError, match="not been drawn"):
            reports.generate(s, "jury", panel_id, tmp_path / "j.pdf", today=DAY, language="en")
        assert reports.history(s) == [] and not (tmp_path / "j.pdf").exists()
        assert panel_id not in subject_ids(s, "jury")


# --------------------------------------------------------------------------- evaluation jury


def test_evaluation_report_prints_scores_ranking_and_decision(built: Built) -> None:
    with built.ws.session() as s:
        pdf = reports.build_pdf(s, "evaluation", built.jury_id, language="en", today=DAY)
        found = J.results(s, built.jury_id)
        detail = J.jury_detail(s, built.jury_id)
    text = flat(text_of(pdf.data))
    for c in found.criteria:
        assert c.name in text
    for m in found.members:
        college = J.COLLEGE_LABELS[m.college]
        assert f"{m.name} — {college}" in text
    for r in found.ranking:
        assert f"{r.rank} {r.name} {r.score:.2f}" in text
    winner = found.ranking[0]
    assert winner.name == "Atelier Paysage & Cie"
    # A member's weighted total in their grid equals the domain's.
    lea = found.members[0]
    total = winner.totals[lea.id]
    assert f"Atelier Paysage & Cie 8 7 6 {total:.2f}" in text
    assert "A travaillé pour le Collectif Été en 2025" in text and "conflict of interest" in text
    assert found.agreement.reading in text
    assert "Débat nourri sur l’entretien." in text and "Retenir l’Atelier Paysage & Cie." in text
    assert f"Decided on {detail.info.decided_at.date().isoformat()}" in text
    assert found.scores_hash in text.replace(" ", "")
    assert "Ёлка Œuvray" in text


def test_evaluation_report_in_french(built: Built) -> None:
    with built.ws.session() as s:
        pdf = reports.build_pdf(s, "evaluation", built.jury_id, language="fr", today=DAY)
        found = J.results(s, built.jury_id)
    text = flat(text_of(pdf.data))
    assert f"{found.ranking[0].score:.2f}".replace(".", ",") in text
    assert "Jury du concours de maîtrise d’œuvre" in text and "Qualité paysagère" in text


# --------------------------------------------------------------------------- committee


def test_committee_report_prints_the_dashboard(built: Built) -> None:
    with built.ws.session() as s:
        pdf = reports.build_pdf(s, "committee", built.committee_id, language="en", today=DAY)
        board = R.dashboard(s, built.committee_id, today=DAY)
    text = flat(text_of(pdf.data))
    assert (
        f"{board.actions} actions, {board.open_actions} still open, "
        f"{len(board.overdue_actions)} overdue." in text
    )
    assert [a.title for a in board.overdue_actions] == ["Ouvrir le jardin partagé"]
    late = (DAY - date(2026, 9, 30)).days
    assert f"Ouvrir le jardin partagé Services techniques 2026-09-30 In progress {late}" in text
    for name in ("Amina Œuvrard", "Зоя Петрова", "Arbres plantés", "Bruit la nuit"):
        assert name in text
    assert "Target 12 arbres" in text and "Latest value 10 arbres (2026-11-01)" in text
    assert "Status Off track" in text and "Status On track" in text
    assert "Planter douze tilleuls côté école" in text and "unanimité" in text
    assert "Full members 5 of 8" in text


def test_annual_review_prints_the_year(built: Built) -> None:
    with built.ws.session() as s:
        pdf = reports.build_pdf(
            s, "annual", built.committee_id, language="en", today=DAY, year=YEAR
        )
        review = R.annual_review(s, built.committee_id, YEAR, today=DAY)
    text = flat(text_of(pdf.data))
    assert f"Annual review {YEAR}" in text
    assert len(review.meetings) == 3 and review.done_late == 1 and len(review.done) == 2
    assert (
        f"{review.created} actions created in {YEAR}; {len(review.done)} done during the year, "
        f"{review.done_late} of them after their due date; {len(review.open)} still open"
    ) in text
    for m in review.meetings:
        assert m.meeting.title in text
    summary = review.codelivery
    assert summary is not None and summary.hours == 15.5
    assert "Hours given 15.5 h" in text and f"People helped {summary.people_helped}" in text
    assert "Support costs 1,200 €" in text and "Estimated savings 2,500 €" in text
    assert "Savings less costs 1,300 €" in text
    assert f"{summary.time_value:,.0f} €" in text  # 15.5 h × 15 €
    assert "Reporter la fontaine à 2027" in text


def test_annual_review_in_french_and_bad_year(built: Built, tmp_path) -> None:
    with built.ws.session() as s:
        pdf = reports.build_pdf(
            s, "annual", built.committee_id, language="fr", today=DAY, year=YEAR
        )
        with pytest.raises(AtelierError, match="not a valid year"):
            reports.generate(
                s, "annual", built.committee_id, tmp_path / "a.pdf", year=99999, language="en"
            )
        assert reports.history(s) == []
    text = flat(text_of(pdf.data))
    spaced = text.replace("\u202f", " ").replace("\u00a0", " ")
    assert "2 500 €" in spaced and "Entretien des espaces verts évité" in text
    assert "Réunion du comité n° 1" in text


# --------------------------------------------------------------------------- certificate


def test_certificate_is_one_page_with_hours_missions_and_trainings(built: Built) -> None:
    with built.ws.session() as s:
        pdf = reports.build_pdf(s, "certificate", built.volunteer_id, language="en", today=DAY)
        data = T.certificate_data(s, built.volunteer_id, today=DAY)
        later = reports.build_pdf(
            s, "certificate", built.volunteer_id, language="en", today=DAY, start="2026-05-01"
        )
    assert pdf.pages == 1
    text = flat(text_of(pdf.data))
    assert data.name == "Élodie Œuvrard-Ложкина" and data.name in text
    assert "Certificate of volunteering" in text and "Ville de Villeneuve-sur-Lière" in text
    assert "giving 15.5 h of their time" in text and "from 2026-04-11 to 2026-09-12" in text
    assert "Animer le jardin Ouvrir le jardin partagé 2026-04-11 – 2026-09-12 3 9.5 h" in text
    assert "Peindre les bancs Poser les bancs 2026-05-23 1 6 h" in text
    assert "Total 4 15.5 h" in text
    assert "Premiers secours 2026-02-14 7 h" in text and "Compostage 2026-04-04 3.5 h" in text
    assert "Signed the volunteers' charter on 2026-02-01 (version v2)." in text
    assert "Issued on 2026-12-15" in text
    later_text = flat(text_of(later.data))
    assert "giving 12.5 h of their time" in later_text and "Premiers secours" not in later_text


def test_certificate_refuses_bad_periods(built: Built, tmp_path) -> None:
    with built.ws.session() as s:
        with pytest.raises(AtelierError, match="not a date"):
            reports.generate(
                s,
                "certificate",
                built.volunteer_id,
                tmp_path / "c.pdf",
                start="31/12/2026",
                language="en",
            )
        with pytest.raises(AtelierError, match="ends before it starts"):
            reports.generate(
                s, "certificate", built.volunteer_id, tmp_path / "c.pdf",
                start="2026-12-01", end="2026-01-01", language="en",
            )  # fmt: skip
        assert reports.history(s) == [] and not (tmp_path / "c.pdf").exists()


# --------------------------------------------------------------------------- all of them


KINDS = ["jury", "evaluation", "committee", "annual", "certificate"]


def _subject(built: Built, kind: str) -> uuid.UUID:
    return {
        "jury": built.panel_id,
        "evaluation": built.jury_id,
        "committee": built.committee_id,
        "annual": built.committee_id,
        "certificate": built.volunteer_id,
    }[kind]


def test_same_data_and_date_give_the_same_bytes_and_french_accents(built: Built) -> None:
    with built.ws.session() as s:
        for kind in KINDS:
            options = {"year": YEAR} if kind == "annual" else {}
            one = reports.build_pdf(s, kind, _subject(built, kind), today=DAY, **options)
            two = reports.build_pdf(s, kind, _subject(built, kind), today=DAY, **options)
            assert hashlib.sha256(one.data).digest() == hashlib.sha256(two.data).digest(), kind
            reader = PdfReader(io.BytesIO(one.data))
            assert len(reader.pages) == one.pages >= 1
            text = text_of(one.data)
            assert "Ville de Villeneuve-sur-Lière" in text, kind
            assert f"Page 1 sur {one.pages}" in text or f"Page 1 of {one.pages}" in text
            assert "/" in text and "2026" in text  # French dates (dd/mm/yyyy)
            assert reader.metadata.title == one.title
            # Listed among the subjects of the Documents area.
            assert _subject(built, kind) in subject_ids(s, kind)


@pytest.mark.sqlite_only(reason="drives the CLI on a workspace file")
@pytest.mark.parametrize("kind", ["jury", "annual", "certificate"])
def test_cli_round_trip(built: Built, demo_path, tmp_path, capsys, kind) -> None:
    built.ws.close(backup=False)
    out = tmp_path / f"{kind}.pdf"
    extra = ["--year", str(YEAR)] if kind == "annual" else []
    code = main(
        ["report", kind, str(demo_path), str(_subject(built, kind)), "-o", str(out),
         "--date", DAY.isoformat(), "--json", *extra]
    )  # fmt: skip
    assert code == 0
    info = json.loads(capsys.readouterr().out)
    assert info["kind"] == kind and info["sha256"] == hashlib.sha256(out.read_bytes()).hexdigest()
    assert main(["report", "check", str(demo_path), str(out)]) == 0
    from app import store

    ws = store.open_workspace(demo_path, backup_count=0, backup_on_open=False)
    try:
        with ws.session() as s:
            again = reports.build_pdf(s, kind, _subject(built, kind), today=DAY,
                                      **({"year": YEAR} if kind == "annual" else {}))  # fmt: skip
            [entry] = reports.history(s, kind=kind)
    finally:
        ws.close(backup=False)
    assert hashlib.sha256(again.data).hexdigest() == info["sha256"] == entry.sha256


def test_certificate_with_a_logo_and_many_missions_stays_on_one_page(built: Built) -> None:
    from PIL import Image

    from app.facilitation.identity import set_identity

    logo = io.BytesIO()
    Image.new("RGB", (400, 300), "#1f3a4d").save(logo, "PNG")
    with built.ws.session() as s:
        set_identity(s, logo=logo.getvalue())
        for n in range(15):
            mission = M.create_mission(
                s,
                M.MissionData(process_id=built.process_id, title=f"Mission n° {n + 1:02d}",
                              starts_on=date(2026, 1, 1), ends_on=date(2026, 12, 31)),
            )  # fmt: skip
            TS.record_group_timesheet(
                s, mission.id, date(2026, 10, n + 1), [(built.volunteer_id, 1, None)]
            )
        data = T.certificate_data(s, built.volunteer_id, today=DAY)
        pdf = reports.build_pdf(s, "certificate", built.volunteer_id, language="en", today=DAY)
    assert len(data.missions) == 17 and data.hours == 30.5
    assert pdf.pages == 1
    text = flat(text_of(pdf.data))
    assert "9 other missions" in text and "Total 19 30.5 h" in text


@pytest.mark.sqlite_only(reason="drives the CLI on a workspace file")
def test_cli_certificate_period_and_a_bad_date(built: Built, demo_path, tmp_path, capsys) -> None:
    built.ws.close(backup=False)
    out = tmp_path / "attestation.pdf"
    ref = str(built.volunteer_id)
    bad = main(["report", "certificate", str(demo_path), ref, "-o", str(out), "--lang", "en",
                "--start", "1er mai"])  # fmt: skip
    assert bad != 0 and not out.exists()
    assert "is not a date (YYYY-MM-DD)" in capsys.readouterr().err
    period = ["--start", "2026-05-01", "--end", "2026-12-31"]
    code = main(["report", "certificate", str(demo_path), ref, "-o", str(out), "--lang", "en",
                 "--date", DAY.isoformat(), *period])  # fmt: skip
    assert code == 0
    text = flat(text_of(out.read_bytes()))
    assert "giving 12.5 h of their time" in text and "from 2026-05-01 to 2026-12-31" in text
