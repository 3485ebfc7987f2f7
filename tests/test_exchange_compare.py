"""Exchange day: three municipalities bring their bundles to one workspace and compare."""

from __future__ import annotations

import io
import json
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from app import store
from app.cli import main
from app.facilitation import actions as A
from app.facilitation import committees as C
from app.facilitation import exchange_compare as X
from app.facilitation import exchange_export, exchange_import, panels, reports
from app.facilitation import indicators as I
from app.facilitation import votes as V
from app.facilitation.demo import create_demo
from app.facilitation.indicators import dissimilarity
from app.models import (
    Attendance,
    AttributeValue,
    Organisation,
    ParticipantAttribute,
    Process,
    Registration,
)
from app.models import Session as WorkshopSession

TODAY = date(2027, 3, 1)


@dataclass
class Municipality:
    name: str
    country: str
    title: str
    started_on: date
    ended_on: date | None = None


FRANCE = Municipality(
    "Ville de Villeneuve-sur-Lière", "FR", "Place de l'Église", date(2026, 9, 1)
)  # fmt: skip
ITALY = Municipality("Comune di Castelnuovo", "IT", "Bilancio partecipativo 2026", date(2026, 5, 4))
BULGARIA = Municipality(
    "Община Габрово", "BG", "Зелени дворове", date(2026, 3, 2), date(2026, 12, 20)
)


def _sessions(s) -> list[WorkshopSession]:
    return s.scalars(select(WorkshopSession).order_by(WorkshopSession.starts_at)).all()


def _attendees(s, session_id) -> list[uuid.UUID]:
    return s.scalars(
        select(Attendance.participant_id)
        .where(Attendance.session_id == session_id)
        .order_by(Attendance.signed_in_at, Attendance.participant_id)
    ).all()


def add_vote(s, session_id, question, method, options, ballots, *, blank=0, rules=None):
    vote_id = V.create_vote(
        s, session_id, V.VoteData(question, method, [V.OptionData(o) for o in options],
                                  rules=rules or {})
    )  # fmt: skip
    V.open_vote(s, vote_id)
    voters = _attendees(s, session_id)
    for voter, ballot in zip(voters, ballots, strict=False):
        V.cast_ballot(s, vote_id, ballot, voter_id=voter)
    for voter in voters[len(ballots) : len(ballots) + blank]:
        V.cast_ballot(s, vote_id, None, voter_id=voter, status="blank")
    V.close_vote(s, vote_id)
    return vote_id


def add_committee(s, process_id, *, done: int, late: int, planned: int):
    committee = C.create_committee(s, C.CommitteeData(process_id, "Comité de suivi")).id
    n = 0
    for status, count, due in (
        ("done", done, TODAY - timedelta(days=40)),
        ("in_progress", late, TODAY - timedelta(days=10)),
        ("planned", planned, TODAY + timedelta(days=60)),
    ):
        for _i in range(count):
            n += 1
            A.create_action(
                s,
                committee,
                A.ActionData(title=f"Action {n}", owner_name="Services techniques",
                             created_on=date(2026, 12, 1), due_on=due, status=status),
                today=date(2026, 12, 1),
            )  # fmt: skip
    on = I.create_indicator(s, committee, I.IndicatorData("Arbres plantés", "arbres", target=40))
    I.add_measurement(s, on.id, date(2027, 2, 1), 52)
    off = I.create_indicator(s, committee, I.IndicatorData("Bancs installés", target=12))
    I.add_measurement(s, off.id, date(2027, 2, 1), 5)
    I.create_indicator(s, committee, I.IndicatorData("Satisfaction", "%", target=70))
    return committee


def municipality(path: Path, m: Municipality):
    """A demo workspace renamed to the municipality, enriched by country (open)."""
    ws = create_demo(path)
    with ws.session() as s:
        org = s.scalar(select(Organisation))
        org.name, org.country = m.name, m.country
        process = s.scalar(select(Process))
        process.title, process.started_on, process.ended_on = m.title, m.started_on, m.ended_on
        s.commit()
        pid = process.id
        first, second, third = _sessions(s)
        if m.country == "FR":
            approvals = [frozenset({0, 1})] * 12 + [frozenset({0})] * 8 + [frozenset({2})] * 10
            add_vote(s, second.id, "Quelles priorités ?", "approval",
                     ["Ombre", "Bancs", "Fontaine"], approvals, blank=2)  # fmt: skip
            add_committee(s, pid, done=3, late=1, planned=2)
        elif m.country == "IT":
            add_vote(s, first.id, "Quale scenario?", "schulze", ["A", "B", "C"],
                     [(frozenset({1}), frozenset({0}), frozenset({2}))] * 25)  # fmt: skip
            add_vote(s, second.id, "Progetto pilota?", "proposal", ["Sì", "No", "Astensione"],
                     ["yes"] * 30 + ["no"] * 5, blank=1)  # fmt: skip
            jury = panels.create_panel(
                s, panels.PanelData(pid, "Giuria dei cittadini", 8, algorithm="legacy",
                                    alternates=2)
            )  # fmt: skip
            gender = panels.find_category(s, "genre")
            panels.quotas_from_census(s, jury, gender.id)
            panels.draw_panel(s, jury, "4 8 15 16 23 42")
            add_committee(s, pid, done=1, late=3, planned=0)
            # The third session drew the town centre only.
            centre = s.scalars(
                select(ParticipantAttribute.participant_id)
                .join(AttributeValue, AttributeValue.id == ParticipantAttribute.value_id)
                .where(AttributeValue.value == "Centre-ville")
                .order_by(ParticipantAttribute.participant_id)
            ).all()
            s.add_all(Attendance(session_id=third.id, participant_id=p,
                                 signed_in_at=third.starts_at) for p in centre)  # fmt: skip
            s.commit()
        elif m.country == "BG":
            for workshop in (first, second):
                for n, att in enumerate(workshop.attendances):
                    if n % 3 == 0:
                        s.delete(att)
            s.commit()
    return ws, pid


@pytest.fixture(scope="module")
def exchange_day(tmp_path_factory):
    """One workspace holding the processes of three municipalities, from their bundles."""
    root = tmp_path_factory.mktemp("exchange")
    ids, bundles = {}, []
    for m in (FRANCE, ITALY, BULGARIA):
        ws, pid = municipality(root / f"{m.country}.atelier", m)
        bundle = root / f"{m.country}.atelier-bundle"
        with ws.session() as s:
            exchange_export.export_process(s, pid, bundle)
        ws.close(backup=False)
        ids[m.country] = pid
        bundles.append(bundle)
    day = store.create_workspace(root / "journee.atelier", backup_count=0)
    with day.session() as s:
        for bundle in bundles:
            exchange_import.apply_import(s, bundle)
    day.close(backup=False)
    return root / "journee.atelier", ids


@pytest.fixture
def day(exchange_day):
    path, ids = exchange_day
    ws = store.open_workspace(path, backup_count=0, backup_on_open=False)
    yield ws, ids
    ws.close(backup=False)


def compare(ws, ids=None) -> X.Comparison:
    with ws.session() as s:
        return X.compare_processes(s, ids, today=TODAY)


def by_country(c: X.Comparison) -> dict[str, X.ProcessComparison]:
    return {p.country: p for p in c.processes}


# --------------------------------------------------------------------------- domain


def test_each_imported_process_keeps_its_organisation(day) -> None:
    ws, ids = day
    c = compare(ws)
    assert [(p.organisation, p.country) for p in c.processes] == [
        ("Comune di Castelnuovo", "IT"),
        ("Ville de Villeneuve-sur-Lière", "FR"),
        ("Община Габрово", "BG"),
    ]  # sorted by organisation name, Cyrillic last
    assert {p.country: p.process_id for p in c.processes} == ids
    assert X.describe(c) == "3 processes from 3 organisations"
    with ws.session() as s:
        assert X.process_choices(s)[0].label == (
            "Comune di Castelnuovo (IT) — Bilancio partecipativo 2026"
        )


def test_participation_figures_match_the_sign_ins(day) -> None:
    ws, ids = day
    fr = by_country(compare(ws))["FR"]
    assert fr.title == "Place de l'Église" and fr.started_on == date(2026, 9, 1)
    assert fr.registered == 60
    assert (fr.sessions_planned, fr.sessions_held) == (3, 3)
    assert fr.sign_ins == 38 + 41 + 0
    assert [n for _t, n in fr.session_attendance] == [38, 41, 0]
    assert fr.attendance_rate == pytest.approx((38 + 41 + 0) / 60 / 3)
    with ws.session() as s:
        came = set(
            s.scalars(
                select(Attendance.participant_id)
                .join(WorkshopSession, WorkshopSession.id == Attendance.session_id)
                .where(WorkshopSession.process_id == ids["FR"])
            )
        )
    assert fr.people_came == len(came)


def test_sessions_to_come_are_not_counted_as_held(day) -> None:
    ws, ids = day
    with ws.session() as s:
        p = X.compare_processes(s, [ids["FR"]], today=date(2026, 11, 1)).processes[0]
    assert (p.sessions_planned, p.sessions_held, p.sign_ins) == (3, 2, 79)
    assert p.attendance_rate == pytest.approx((38 + 41) / 60 / 2)


def test_diversity_is_duncan_index_against_the_census(day) -> None:
    ws, ids = day
    fr = by_country(compare(ws))["FR"]
    with ws.session() as s:
        came = set(
            s.scalars(
                select(Attendance.participant_id)
                .join(WorkshopSession, WorkshopSession.id == Attendance.session_id)
                .where(WorkshopSession.process_id == ids["FR"])
            )
        )
        category = panels.find_category(s, "quartier")
        population = {v.id: v.population_share for v in category.values}
        counts = Counter(
            s.scalars(
                select(ParticipantAttribute.value_id).where(
                    ParticipantAttribute.category_id == category.id,
                    ParticipantAttribute.participant_id.in_(came),
                )
            )
        )
    expected = round(100 * (1 - dissimilarity(counts, population)), 1)
    row = fr.diversity_of("quartier")
    assert row.score == expected and row.source == "census" and row.people == len(came)
    assert 50 < expected < 100
    assert [d.category_key for d in fr.diversity] == ["genre", "tranche_age", "quartier", "diplome"]


def test_a_jury_census_is_preferred_to_the_workspace_one(day) -> None:
    ws, _ids = day
    it = by_country(compare(ws))["IT"]
    assert it.diversity_of("genre").source == "jury"
    assert it.diversity_of("quartier").source == "census"


def test_diversity_is_unknown_without_population_shares(day) -> None:
    ws, ids = day
    with ws.session() as s:
        s.query(AttributeValue).update({AttributeValue.population_share: None})
        c = X.compare_processes(s, [ids["FR"], ids["BG"]], today=TODAY)
        s.rollback()
    assert all(p.diversity == () for p in c.processes)
    assert c.categories == ()
    assert not any(m.section == "diversity" for m in c.measures())


def test_votes_methods_turnout_and_winners(day) -> None:
    ws, _ids = day
    c = by_country(compare(ws))
    fr, it, bg = c["FR"], c["IT"], c["BG"]
    [vote] = fr.votes
    assert (vote.method, vote.ballots, vote.valid, vote.blank) == ("approval", 32, 30, 2)
    assert vote.electorate == 41 and vote.turnout == pytest.approx(32 / 41)
    assert vote.winners == ("Ombre",)
    assert [v.method for v in it.votes] == ["schulze", "proposal"]
    assert it.votes[0].winners == ("B",)
    assert it.methods == (("Schulze (Condorcet)", 1), ("Yes / no / abstain proposal", 1))
    assert it.ballots == 25 + 36
    assert it.turnout == pytest.approx((25 / 38 + 36 / 41) / 2)
    assert bg.votes == () and bg.turnout is None


def test_juries_quotas_and_alternates(day) -> None:
    ws, ids = day
    it = by_country(compare(ws))["IT"]
    [jury] = it.juries
    assert (jury.title, jury.status, jury.seats, jury.alternates) == (
        "Giuria dei cittadini", "drawn", 8, 2,
    )  # fmt: skip
    assert jury.categories == ("Genre",)
    assert jury.quotas == 3 and jury.quotas_met == 3
    with ws.session() as s:
        volunteers = s.scalar(
            select(func_count()).where(
                Registration.process_id == ids["IT"], Registration.jury_volunteer.is_(True)
            )
        )
    assert jury.pool == volunteers
    assert by_country(compare(ws))["FR"].juries == ()


def func_count():
    from sqlalchemy import func

    return func.count(Registration.id)


def test_actions_and_indicators_against_target(day) -> None:
    ws, _ids = day
    c = by_country(compare(ws))
    assert c["FR"].actions == X.ActionCounts(total=6, done=3, late=1, open=3, dropped=0)
    assert c["IT"].actions == X.ActionCounts(total=4, done=1, late=3, open=3, dropped=0)
    assert c["BG"].actions is None and c["BG"].committees == 0
    assert [i.status for i in c["FR"].indicators] == ["on_track", "off_track", "no_data"]


def test_missing_parts_read_as_a_dash_not_zero(day) -> None:
    ws, ids = day
    c = compare(ws, [ids["BG"], ids["FR"]])
    rows = {m.key: m for m in c.measures()}
    assert rows["organisation"].values == ("Община Габрово", "Ville de Villeneuve-sur-Lière")
    for key in ("votes", "ballots", "turnout", "juries", "quotas_met", "actions", "actions_late",
                "indicators"):  # fmt: skip
        assert rows[key].values[0] == "—", key
        assert rows[key].numbers[0] is None
    assert rows["votes"].values[1] == "1"
    assert rows["actions_late"].values[1] == "1"
    assert rows["indicators"].values[1] == "1 / 1 / 1"
    assert rows["dates"].values[0] == "2026-03-02 to 2026-12-20"
    assert rows["attendance_rate"].values[1] == "44%"


def test_a_process_with_nothing_yet(workspace) -> None:
    from app.facilitation import sessions as S

    with workspace.session() as s:
        pid = S.create_process(s, S.ProcessData(title="Nouvelle démarche")).id
        c = X.compare_processes(s, today=TODAY)
    [p] = c.processes
    assert p.process_id == pid and p.organisation is None and p.attendance_rate is None
    rows = {m.key: m.values[0] for m in c.measures()}
    assert rows["registered"] == rows["sign_ins"] == rows["attendance_rate"] == "—"
    assert rows["organisation"] == "—" and p.label == "Nouvelle démarche"


def test_an_unknown_process_is_refused(day) -> None:
    ws, _ids = day
    with pytest.raises(X.CompareError, match="no longer exists"):
        compare(ws, [uuid.uuid4()])


def test_measures_follow_the_language(day) -> None:
    from app import i18n

    ws, ids = day
    with i18n.language("fr"):
        rows = {m.key: m for m in compare(ws, [ids["FR"]]).measures()}
    assert rows["attendance_rate"].values == ("44\u00a0%",)


# --------------------------------------------------------------------------- CLI


def test_cli_compare_prints_a_table_and_json(exchange_day, capsys, monkeypatch) -> None:
    monkeypatch.setenv("ATELIER_LANG", "en")  # the command line otherwise follows the system
    path = str(exchange_day[0])
    assert main(["bundle", "compare", path]) == 0
    out = capsys.readouterr().out
    for text in ("Comune di Castelnuovo", "Община Габрово", "Mean turnout", "Quotas met"):
        assert text in out
    assert main(["bundle", "compare", path, "Place", "Зелени", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert [p["country"] for p in doc["processes"]] == ["FR", "BG"]
    assert doc["processes"][0]["sign_ins"] == 79
    assert main(["bundle", "compare", path, "Nothing like this"]) == 1
    assert "Nothing like this" in capsys.readouterr().err


def test_cli_report_comparison_writes_a_recorded_pdf(exchange_day, capsys, tmp_path) -> None:
    path = str(exchange_day[0])
    out = tmp_path / "comparaison.pdf"
    args = ["report", "comparison", path, "-o", str(out), "--date", "2027-03-01", "--json"]
    assert main(args) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["kind"] == "comparison" and info["pages"] >= 1
    text = "".join(page.extract_text() for page in PdfReader(out).pages)
    for name in ("Comune di Castelnuovo", "Ville de Villeneuve", "Габрово"):
        assert name in text
    again = tmp_path / "encore.pdf"
    assert main([*args[:3], "-o", str(again), "--date", "2027-03-01"]) == 0
    assert again.read_bytes() == out.read_bytes()
    capsys.readouterr()
    assert main(["report", "check", path, str(out)]) == 0
    two = tmp_path / "deux.pdf"
    assert main(["report", "comparison", path, "Place", "Bilancio", "-o", str(two)]) == 0
    text = "".join(page.extract_text() for page in PdfReader(two).pages)
    assert "Castelnuovo" in text and "Габрово" not in text


# --------------------------------------------------------------------------- report


def test_report_is_deterministic_landscape_and_readable(day) -> None:
    ws, ids = day
    with ws.session() as s:
        one = reports.build_pdf(s, "comparison", None, language="en", today=TODAY)
        two = reports.build_pdf(s, "comparison", None, language="en", today=TODAY)
        bg = reports.build_pdf(
            s, "comparison", None, language="fr", today=TODAY, process_ids=[ids["BG"]]
        )
    assert one.data == two.data
    reader = PdfReader(io.BytesIO(one.data))
    box = reader.pages[0].mediabox
    assert box.width > box.height  # landscape: one column per process
    text = "".join(p.extract_text() for p in reader.pages)
    for expected in ("Comparison of processes", "Comune di Castelnuovo", "Mean turnout",
                     "Schulze (Condorcet)", "Giuria dei cittadini", "Quotas met"):  # fmt: skip
        assert expected in text, expected
    assert "Община Габрово" in PdfReader(io.BytesIO(bg.data)).pages[0].extract_text()


def test_documents_area_offers_all_processes_then_each(day) -> None:
    from app.facilitation.reports import comparison

    ws, ids = day
    with ws.session() as s:
        choices = reports.subject_choices(s, "comparison")
        everything = reports.build_pdf(s, "comparison", choices[0][0], language="en", today=TODAY)
        alone = reports.build_pdf(s, "comparison", ids["IT"], language="en", today=TODAY)
        assert comparison.find(s, "Зелени") == ids["BG"]
    assert choices[0] == (uuid.UUID(int=0), "All processes (3)")
    assert [c[0] for c in choices[1:]] == [ids["IT"], ids["FR"], ids["BG"]]
    read = lambda pdf: "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)  # noqa: E731
    assert "Община Габрово" in read(everything)
    assert "Община Габрово" not in read(alone) and "Castelnuovo" in read(alone)


def test_text_table_wraps_long_values(day) -> None:
    from app.commands.exchange_compare import table

    ws, _ids = day
    text = table(compare(ws), width=100)
    assert max(len(line) for line in text.splitlines()) <= 100
    assert "Schulze" in text and "(Condorcet)" in text and "│" in text
