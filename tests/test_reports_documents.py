"""The session summary, paper ballots and the right-of-access PDF, read back with pypdf and
rendered with pdftoppm; figures compared with the facilitation layer's."""

from __future__ import annotations

import hashlib
import io
import random
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from app.errors import AtelierError
from app.facilitation import actions as A
from app.facilitation import committees as C
from app.facilitation import labels, reports
from app.facilitation import sessions as S
from app.facilitation import votes as V
from app.facilitation.signin import attendance_counts
from app.models import Attendance

DAY = date(2026, 9, 20)

SAMPLE_VOTES = [
    ("Quelle ambiance pour la future place ?", "majority_judgment",
     ["Place-jardin", "Place du marché", "Parvis minéral", "Square des enfants"], {}),
    ("Quel nom pour la place ?", "irv",
     ["Place des Tilleuls", "Place Simone-Veil", "Place de l’Église", "Place Жорес"], {}),
    ("Élire 2 délégué·es au comité de suivi", "stv",
     ["Amina", "Bruno", "Chloé", "Dmitri", "Élise"], {"seats": 2}),
    ("Budget participatif 2027", "mes",
     ["Bancs et ombrières", "Fontaine", "Jeux d’enfants", "Éclairage", "Composteurs"],
     {"budget": 60000}),
    ("Adopter le scénario B ?", "proposal", ["Pour", "Contre", "Abstention"], {}),
]  # fmt: skip
COSTS = [15000, 30000, 25000, 12000, 4000]


def add_sample_votes(
    ws, session_id, seed: int = 7, blank: int = 1, spoiled: int = 1, cast: bool = True
) -> list:
    """Five closed votes (majority judgment, IRV, STV, equal shares, proposal) cast by the
    session's attendees with a fixed random seed, each with blank and spoiled ballots
    (``cast=False``: left as drafts)."""
    rng = random.Random(seed)
    with ws.session() as s:
        people = s.scalars(
            select(Attendance.participant_id)
            .where(Attendance.session_id == session_id)
            .order_by(Attendance.participant_id)
        ).all()
        ids = []
        for question, method, names, rules in SAMPLE_VOTES:
            options = [
                V.OptionData(name, cost=COSTS[i] if method == "mes" else None)
                for i, name in enumerate(names)
            ]
            vote_id = V.create_vote(s, session_id, V.VoteData(question, method, options, rules))
            ids.append(vote_id)
            if not cast:
                continue
            V.open_vote(s, vote_id)
            n = len(names)
            for voter in people:
                if method == "majority_judgment":
                    ballot = {
                        i: min(5, max(0, int(rng.gauss(1.5 + 0.7 * i, 1.2)))) for i in range(n)
                    }
                elif method in ("irv", "stv"):
                    order = sorted(range(n), key=lambda i: i + rng.random() * 2.5)
                    ballot = tuple(frozenset({i}) for i in order[: rng.randint(1, n)])
                elif method == "mes":
                    ballot = frozenset(i for i in range(n) if rng.random() < 0.3 + 0.1 * (i % 3))
                    ballot = ballot or frozenset({0})
                else:
                    ballot = rng.choice(["yes", "yes", "no", "abstain"])
                V.cast_ballot(s, vote_id, ballot, voter_id=voter)
            for _ in range(blank):
                V.cast_ballot(s, vote_id, None, status="blank")
            for _ in range(spoiled):
                V.cast_ballot(s, vote_id, None, status="spoiled")
            V.close_vote(s, vote_id)
    return ids


def text_of(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture
def voted(demo):
    """The demo, its first session (38 present) with five closed votes, a decision and an
    action carrying it out."""
    with demo.session() as s:
        overview = S.process_overview(s)[0]
    first = overview.sessions[0].id
    vote_ids = add_sample_votes(demo, first)
    with demo.session() as s:
        decision = S.add_decision(s, first, "Planter douze tilleuls côté école", "adopted")
        committee = C.create_committee(
            s, C.CommitteeData(process_id=overview.id, title="Comité de suivi de la place")
        )
        A.create_action(
            s,
            committee.id,
            A.ActionData(
                title="Commander les arbres", owner_name="Services techniques",
                due_on=date(2026, 11, 15), decision_id=decision.id,
            ),
            today=date(2026, 9, 20),
        )  # fmt: skip
    return demo, overview.id, first, vote_ids


@pytest.fixture
def drafted(demo):
    """The demo with the five sample votes drafted in its first session (38 present)."""
    with demo.session() as s:
        first = S.process_overview(s)[0].sessions[0].id
    return demo, first, add_sample_votes(demo, first, cast=False)


def test_session_summary_prints_the_facilitation_figures(voted) -> None:
    ws, _process_id, session_id, vote_ids = voted
    with ws.session() as s:
        pdf = reports.build_pdf(s, "session", session_id, language="en", today=DAY)
        counts = attendance_counts(s, session_id)
        results = [V.frozen_result(s, vid) for vid in vote_ids]
        hashes = [V.get_vote(s, vid).ballots_hash for vid in vote_ids]
        info = S.session_info(s, session_id)
    text = flat(text_of(pdf.data))
    assert f"{counts.present} people signed in to this session." in text
    assert f"Total {counts.present} 100%" in text
    for kind, n in counts.by_stakeholder.items():
        assert f"{labels.stakeholder_type(kind)} {n} {round(100 * n / counts.present)}%" in text
    for question, result, ballots_hash in zip(
        [v[0] for v in SAMPLE_VOTES], results, hashes, strict=True
    ):
        assert question in text
        winners = ", ".join(result["winner_names"])
        assert f"{'Winners' if len(result['winners']) > 1 else 'Winner'}: {winners}" in text
        assert (
            f"Valid ballots: {result['valid']} · blank: {result['blank']} · "
            f"spoiled: {result['spoiled']}"
        ) in text
        assert ballots_hash in text.replace(" ", "") or ballots_hash[:40] in text
    assert results[0]["details"]["majority_grade_name"]  # majority judgment: grades printed
    for grade in {results[0]["details"]["majority_grade_name"][str(i)] for i in range(4)}:
        assert grade in text
    assert "Round by round" in text and "Funded projects:" in text
    assert "Planter douze tilleuls côté école" in text and "Commander les arbres" in text
    assert "Place Жорес" in text and "Place de l’Église" in text
    # Later sessions as next steps; the title page facts.
    assert "Atelier 2 — Co-priorisation des aménagements" in text
    assert info.process_title in text and "Ville de Villeneuve-sur-Lière" in text
    # Longer than 4 pages: a table of contents whose page numbers are right.
    assert pdf.pages > 4 and "Contents" in text
    reader = PdfReader(io.BytesIO(pdf.data))
    for level, heading, page in pdf.headings:
        if level == 1:
            assert heading in reader.pages[page - 1].extract_text()
    pages = [p.extract_text() for p in reader.pages]
    assert all(f"Page {n} of {pdf.pages}" in t for n, t in enumerate(pages, start=1))
    assert [o.title for o in reader.outline if not isinstance(o, list)][:2] == [
        "Context and agenda",
        "Attendance",
    ]


def test_a_short_summary_has_no_contents(demo) -> None:
    with demo.session() as s:
        third = S.process_overview(s)[0].sessions[2].id
        pdf = reports.build_pdf(s, "session", third, language="en", today=DAY)
    text = text_of(pdf.data)
    assert pdf.pages <= 4 and "Contents" not in text
    assert "0 people signed in" in text and "Draft: not yet circulated nor validated." in text


def test_same_summary_in_another_process_gives_the_same_bytes(voted, demo_path, tmp_path) -> None:
    ws, _process_id, session_id, _votes = voted
    out = tmp_path / "summary.pdf"
    with ws.session() as s:
        info = reports.generate(s, "session", session_id, out, today=DAY)
    ws.close(backup=False)
    again = tmp_path / "again.pdf"
    script = (
        "import sys; from app.cli import main; sys.exit(main(['report', 'session', "
        f"{str(demo_path)!r}, {str(session_id)!r}, '-o', {str(again)!r}, '--date', "
        "'2026-09-20']))"
    )
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert hashlib.sha256(again.read_bytes()).hexdigest() == info.sha256


@pytest.mark.parametrize(("per_page", "count", "pages"), [(1, 3, 3), (2, 5, 3), (4, 8, 2)])
def test_ballots_are_numbered_and_laid_out_per_page(drafted, per_page, count, pages) -> None:
    ws, _session_id, vote_ids = drafted
    with ws.session() as s:
        pdf = reports.build_pdf(
            s, "ballots", vote_ids[1], language="en", today=DAY, per_page=per_page, count=count
        )
    reader = PdfReader(io.BytesIO(pdf.data))
    assert len(reader.pages) == pdf.pages == pages
    text = text_of(pdf.data)
    printed = pages * per_page  # the last page is filled
    assert f"Ballot no. {printed:04d}" in text and f"Ballot no. {printed + 1:04d}" not in text
    first = reader.pages[0].extract_text()
    assert first.count("Quel nom pour la place ?") == per_page + 1  # each ballot + the header
    assert "Number the options in your order of preference" in first
    assert "Place Жорес" in first


def test_ballot_instructions_follow_the_method(drafted) -> None:
    ws, _session_id, vote_ids = drafted
    with ws.session() as s:
        mj, irv, stv, mes, proposal = (
            flat(
                text_of(reports.build_pdf(s, "ballots", v, language="en", today=DAY, count=2).data)
            )
            for v in vote_ids
        )
        default = reports.build_pdf(s, "ballots", vote_ids[0], language="en", today=DAY)
    assert "tick one grade" in mj and "Très bien" in mj
    assert "2 seats will be filled." in stv and "2 seats" not in irv
    assert "Tick every project you want to see funded." in mes and "60,000" in mes
    assert "Tick one answer only: Pour / Contre / Abstention." in proposal
    # By default one ballot per person present (38), two per page.
    assert default.pages == 19


def test_bad_ballot_requests_are_refused(drafted, tmp_path) -> None:
    ws, _session_id, vote_ids = drafted
    with ws.session() as s:
        with pytest.raises(AtelierError, match="1, 2 or 4"):
            reports.generate(s, "ballots", vote_ids[0], tmp_path / "b.pdf", per_page=3)
        with pytest.raises(AtelierError, match="from 1 to"):
            reports.generate(s, "ballots", vote_ids[0], tmp_path / "b.pdf", count=10**6)
        assert reports.history(s) == []


def test_access_pdf_lists_what_is_held(demo) -> None:
    from app.facilitation import consent

    with demo.session() as s:
        person = S.process_overview(s)[0]
        pid = s.scalars(
            select(Attendance.participant_id).order_by(Attendance.participant_id)
        ).first()
        data = consent.access_export(s, pid)
        pdf = reports.build_pdf(s, "access", pid, language="en", today=DAY)
    assert person
    text = flat(text_of(pdf.data))
    who = data["participant"]
    assert f"Personal data held about {who['first_name']} {who['last_name']}" in text
    assert who["email"] in text and who["code"] in text
    for item in data["attendance"]:
        assert item["session"] in text
    for item in data["attributes"]:
        assert item["value"] in text
    assert PdfReader(io.BytesIO(pdf.data)).metadata.subject.startswith("Right of access")


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils not installed")
def test_pages_render_to_png(voted, tmp_path: Path) -> None:
    from PIL import Image

    ws, _process_id, session_id, _votes = voted
    with ws.session() as s:
        info = reports.generate(s, "session", session_id, tmp_path / "c.pdf", today=DAY)
    subprocess.run(
        ["pdftoppm", "-r", "40", "-png", "-f", "5", "-l", "5", str(info.path), str(tmp_path / "p")],
        check=True,
    )
    [png] = list(tmp_path.glob("p-*.png"))
    with Image.open(png) as image:
        colours = image.convert("RGB").getcolors(maxcolors=1 << 16) or []
    assert len(colours) > 20  # text and a chart, not an empty page


def test_a_jury_drawn_that_day_is_in_the_summary_with_its_quotas(demo) -> None:
    from app.facilitation import panels as P
    from app.models import AttributeCategory, Panel

    with demo.session() as s:
        overview = S.process_overview(s)[0]
        first = overview.sessions[0].id
        panel_id = P.create_panel(
            s, P.PanelData(overview.id, "Jury citoyen de la place", 8, True, "leximin", 2)
        )
        category = s.scalar(select(AttributeCategory.id).where(AttributeCategory.label == "Genre"))
        P.quotas_from_census(s, panel_id, category)
        result = P.draw_panel(s, panel_id, "4 2 6 1")
        # Drawn during the first session (the draw itself happened "now").
        s.get(Panel, panel_id).drawn_at = S.session_info(s, first).starts_at
        s.commit()
        quotas = P.quota_rows(s, panel_id)
        pdf = reports.build_pdf(s, "session", first, language="en", today=DAY)
    text = flat(text_of(pdf.data))
    assert "Citizen juries drawn" in text and "Jury citoyen de la place" in text
    assert "4 2 6 1" in text and result.instance_hash in text
    for quota in quotas:
        got = sum(1 for seat in result.selected if seat.features.get("Genre") == quota.value)
        assert f"Genre {quota.value} {quota.minimum}–{quota.maximum} {got} ✔" in text
    assert "atelier jury verify WORKSPACE “Jury citoyen de la place”" in text
