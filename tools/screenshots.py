"""Render the main window offscreen on the demo workspace and save the PNGs the docs show.

    python tools/screenshots.py                  French and English, into docs/screenshots/
    python tools/screenshots.py --lang fr        one language only
    python tools/screenshots.py --lang bg it     partner languages, into docs/screenshots/partners/
                                                 (256 colours, to keep them small)
    python tools/screenshots.py --out DIR        somewhere else
    python tools/screenshots.py --guide          also the pictures of the in-app guide

With ``--guide``, the pictures the guide shows (``GUIDE_SHOTS``) are also written, scaled to
at most ``GUIDE_WIDTH`` pixels wide with Qt's smooth scaling, then reduced to a 256-colour
palette (Pillow, which reportlab brings; no dithering, so text stays crisp) into
``app/resources/guide/img/``: they ship with the app, so they are kept few and small
(13-65 kB each instead of 50-180 kB; 1.1 MB for the 30 pictures).

For each language and each area below, one ``<name>-<lang>.png`` at 1100x700:
``main-window-fr.png`` (Processes & sessions, the one the README shows), ``participants-fr.png``,
``votes-fr.png``, and the same with ``-en``; the committee pictures (``committee_plan-fr.png``,
the action plan, and ``committee_indicator-fr.png``, an indicator chart) show a demo committee
built by ``build_committee`` and looked at from a fixed day; the citizen-jury pictures
(``jury-quotas-fr.png``, quotas with a feasibility message, and ``jury-draw-fr.png``, a drawn
jury with its probability chart) come from ``render_juries``; the co-delivery pictures
(``codelivery-missions-fr.png``, missions on the committee's actions with an over-commitment
warning, and ``codelivery-timesheet-fr.png``, a group time sheet being typed with a refused row)
come from ``render_codelivery`` on data built by ``build_codelivery``.

Each language runs in its own Python process (a fresh QApplication, nothing left over from the
other language) on a fresh demo workspace. The demo is generated from a fixed seed, Qt runs
offscreen, local time is Europe/Paris (the demo's town) and the workspace always sits at the same
temporary path (the status bar shows it) and the UUIDs are seeded too (see ``seed_uuids``): two
runs give the same pictures on one machine.
Preferences go to a temporary ``ATELIER_HOME``: your own settings and data are not touched.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "docs" / "screenshots"
#: Every language the app ships; the docs show French and English (the default).
LANGUAGES = ("fr", "en", "it", "es", "bg")
DEFAULT_LANGUAGES = ("fr", "en")
#: Where pictures of the partner languages (it, es, bg) go unless --out says otherwise.
PARTNERS_OUT = DEFAULT_OUT / "partners"
SIZE = (1100, 700)
#: area key → file name stem
SHOTS = (("processes", "main-window"), ("participants", "participants"), ("votes", "votes"))
#: The pictures the guide shows (file stems, one per language), and how wide they may be.
GUIDE_SHOTS = (
    "main-window",
    "participants",
    "import-columns",
    "checkin",
    "session-editor",
    "votes-area",
    "ballot-entry",
    "kiosk",
    "vote-result",
    "tie",
    "jury-quotas",
    "jury-draw",
    "committee_plan",
    "codelivery-missions",
    "documents",
)
GUIDE_OUT = ROOT / "app" / "resources" / "guide" / "img"
GUIDE_WIDTH = 900
#: A fixed place for the demo workspace, so the status bar reads the same on every run.
WORK_DIR = Path(tempfile.gettempdir()) / "atelier-citoyen-screenshots"


def settle(app, rounds: int = 5) -> None:
    """Let Qt lay out, expose and paint (offscreen, a few passes are enough)."""
    for _ in range(rounds):
        app.processEvents()


def seed_uuids(seed: int = 2026) -> None:
    """Make ``uuid.uuid4`` reproducible in this (throwaway) process, before ``app`` is imported.

    The demo's content is seeded but its primary keys are random UUIDs, and rows that sort
    equal (two "Bérenger Céline") come out in key order: without this, the participants
    picture changes from run to run. The models bind ``uuid.uuid4`` as their default when
    they are imported, hence "before".
    """
    import random
    import uuid

    rng = random.Random(seed)
    uuid.uuid4 = lambda: uuid.UUID(int=rng.getrandbits(128), version=4)


def render(language: str, out: Path, folder: Path, guide: bool = False) -> list[Path]:
    """Build the demo in ``folder``, open it in the main window and grab each area."""
    if "app.models" in sys.modules:
        raise RuntimeError("seed_uuids() must run before the app's models are imported")
    seed_uuids()
    from app import i18n
    from app.facilitation.demo import create_demo
    from app.views.app import create_main_window, make_application
    from app.views.settings import AppSettings

    app = make_application(sys.argv[:1])
    path = folder / "demo.atelier"
    create_demo(path).close(backup=False)  # the window opens it again, by the real code path
    settings = AppSettings(folder / "settings.ini")
    settings.backup_count = 0  # no backup when the window closes
    window = create_main_window(workspace=path, language=language, settings=settings)
    if i18n.current_language() != language:
        raise SystemExit(f"the interface is in {i18n.current_language()!r}, not {language!r}")
    saved: list[Path] = []
    try:
        window.resize(*SIZE)
        window.show()
        settle(app)
        for area, stem in SHOTS:
            window.select_area(area)
            settle(app)
            pixmap = window.grab()
            if (pixmap.width(), pixmap.height()) != SIZE:
                raise SystemExit(f"{area}: grabbed {pixmap.width()}x{pixmap.height()}, not {SIZE}")
            target = out / f"{stem}-{language}.png"
            if not pixmap.save(str(target), "PNG"):
                raise SystemExit(f"cannot write {target}")
            saved.append(target)
        saved += render_dialogs(app, window, language, out)
        saved += render_committees(app, window, language, out)
        saved += render_codelivery(app, window, language, out)  # before the wider juries area
        saved += render_juries(app, window, language, out)
        if guide:
            saved += render_guide_extras(app, window, language, folder)
    finally:
        window.close()  # closeEvent closes the workspace (no backup: backup_count is 0)
        settle(app)
    return saved


def render_guide_extras(app, window, language: str, out: Path) -> list[Path]:
    """Pictures only the guide shows: the import wizard matching the columns of a small file,
    the tie dialog of a count, and the Documents area (into ``out``, a scratch folder)."""
    from app.facilitation.voting import registry
    from app.facilitation.voting.base import TieBreaker
    from app.views.participants.files import ImportWizard
    from app.views.votes.tiebreak import TieDecisionDialog

    saved = []
    rows = ("Nom;Prénom;Courriel;Sexe;Quartier;Année de naissance;Jury",
            "Martin;Louise;louise.martin@example.org;F;La Gare;1984;oui",
            "Nguyen;Thomas;;H;Les Tilleuls;1999;",
            "Benali;Sarah;s.benali@example.org;F;Centre-ville;1971;oui")  # fmt: skip
    csv = out / f"guide-import-{language}.csv"
    csv.write_text("\n".join(rows) + "\n", encoding="utf-8")
    wizard = ImportWizard(window.store, window)
    wizard.resize(900, 600)
    wizard.show()
    wizard.file_page.path.setText(str(csv))
    settle(app)
    wizard.next()
    settle(app)
    saved.append(_save(wizard.grab(), out / f"import-columns-{language}.png"))
    wizard.reject()

    options = ["Jardin partagé rue des Lilas", "Pistes cyclables quai Est", "Bibliothèque de rue"]
    ballots = [(frozenset({0, 1}), 9), (frozenset({2}), 4),
               (frozenset({0}), 3), (frozenset({1}), 3)]  # fmt: skip
    result = registry.count("approval", options, ballots, tiebreak=TieBreaker(seed=52417))
    dialog = TieDecisionDialog(result, "Quels projets pour le quartier ?", window)
    dialog.decide.setChecked(True)
    dialog.show()
    settle(app)
    saved.append(_save(dialog.grab(), out / f"tie-{language}.png"))
    dialog.reject()

    from datetime import UTC, date, datetime

    from sqlalchemy import update

    from app.facilitation import reports
    from app.facilitation import sessions as S
    from app.models import GeneratedDocument

    with window.store.session() as s:  # two documents in the history, as after a workshop
        second = S.process_overview(s)[0].sessions[1].id
        for kind in ("signin", "session"):
            reports.generate(s, kind, second, out / f"{kind}.pdf", language=language,
                             today=date(2026, 10, 17))  # fmt: skip
        # The history shows when they were made: a fixed time, so the picture stays the same.
        made_at = datetime(2026, 10, 17, 16, 30, tzinfo=UTC)
        s.execute(update(GeneratedDocument).values(created_at=made_at))
        s.commit()
    page = window.select_area("documents")
    page.refresh()
    box = page.subject_box
    box.setCurrentIndex(next(i for i in range(box.count()) if box.itemData(i) == second))
    settle(app)
    saved.append(_save(window.grab(), out / f"documents-{language}.png"))
    return saved


def write_guide_pictures(saved: list[Path], language: str, target: Path) -> list[Path]:
    """Scaled copies of the guide's pictures among ``saved`` (needs a QApplication)."""
    from PIL import Image
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QImage

    by_name = {p.name: p for p in saved}
    written = []
    target.mkdir(parents=True, exist_ok=True)
    for stem in GUIDE_SHOTS:
        name = f"{stem}-{language}.png"
        if name not in by_name:
            raise SystemExit(f"the guide needs {name}, which was not rendered")
        image = QImage(str(by_name[name]))
        if image.width() > GUIDE_WIDTH:
            image = image.scaledToWidth(GUIDE_WIDTH, Qt.TransformationMode.SmoothTransformation)
        if not image.save(str(target / name), "PNG"):
            raise SystemExit(f"cannot write {target / name}")
        with Image.open(target / name) as scaled:
            palette = scaled.convert("RGB").quantize(
                256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE
            )
        palette.save(target / name, optimize=True)
        written.append(target / name)
    return written


def reduce_colours(saved: list[Path]) -> None:
    """Rewrite PNGs with a 256-colour palette (no dithering: text stays crisp), 3-4x smaller."""
    from PIL import Image

    for path in saved:
        with Image.open(path) as full:
            palette = full.convert("RGB").quantize(
                256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE
            )
        palette.save(path, optimize=True)


def render_dialogs(app, window, language: str, out: Path) -> list[Path]:
    """The participant detail panel, the sign-in screen and the session editor."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from app.facilitation import sessions as S
    from app.views.checkin import CheckinDialog
    from app.views.session_editor import SessionEditor

    saved = []
    page = window.select_area("participants")
    page.table.setCurrentIndex(page.model.index(2, 0))
    settle(app)
    saved.append(_save(window.grab(), out / f"participant-detail-{language}.png"))

    ws = window.store
    with ws.session() as s:
        process = S.process_overview(s)[0]
        second, third = process.sessions[1].id, process.sessions[2].id
        for title, minutes in (
            ("Accueil et émargement", 20),
            ("Restitution des priorités", 40),
            ("Présentation de deux scénarios par le paysagiste", 45),
            ("Jugement majoritaire sur les scénarios", 60),
            ("Suite de la démarche : comité de suivi", 30),
        ):
            S.add_agenda_item(s, third, title, minutes)
        S.set_minutes(s, third, "42 présent·es. Le scénario B « Place-jardin » est retenu.")
        S.add_decision(s, third, "Retenir le scénario B « Place-jardin »", "adopted")
    checkin = CheckinDialog(ws, second)
    checkin.resize(1100, 700)
    checkin.show()
    QTest.keyClicks(checkin.search, "elo")
    QTest.keyClick(checkin.search, Qt.Key.Key_Return)  # signs the first match in
    QTest.keyClicks(checkin.search, "ber")
    checkin.refresh_candidates()
    QTest.keyClick(checkin.search, Qt.Key.Key_Down)
    settle(app)
    saved.append(_save(checkin.grab(), out / f"checkin-{language}.png"))
    checkin.close()
    editor = SessionEditor(ws, process.id, third)
    editor.resize(900, 640)
    editor.tabs.setCurrentIndex(1)
    editor.show()
    settle(app)
    saved.append(_save(editor.grab(), out / f"session-editor-{language}.png"))
    editor.close()
    saved += render_votes(app, window, language, out, second)
    return saved


def render_votes(app, window, language: str, out: Path, session_id) -> list[Path]:
    """The votes area, a majority-judgment result, the paper entry form and the kiosk."""
    import random

    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from app.facilitation import signin
    from app.facilitation import votes as V
    from app.views.votes.entry import BallotEntryDialog
    from app.views.votes.kiosk import KioskWindow
    from app.views.votes.results import ResultView

    ws = window.store
    rng = random.Random(2026)
    with ws.session() as s:
        present = [row.participant_id for row in signin.attendance_list(s, session_id)]
        mj = V.create_vote(
            s,
            session_id,
            V.VoteData(
                question="Quel aménagement pour la place du Marché ?",
                method="majority_judgment",
                options=[
                    V.OptionData("Des arbres et de l'ombre"),
                    V.OptionData("Une fontaine"),
                    V.OptionData("Des bancs"),
                    V.OptionData("Un kiosque à musique"),
                ],
            ),
        )
        V.open_vote(s, mj)
        leaning = ([0, 1, 1, 2], [1, 2, 3, 3], [2, 3, 3, 4], [3, 4, 5, 5])
        for person in present[:36]:
            grades = {o: min(5, max(0, rng.choice(leaning[o]) + rng.choice((-1, 0, 0, 1))))
                      for o in range(4)}  # fmt: skip
            V.cast_ballot(s, mj, grades, voter_id=person)
        V.cast_ballot(s, mj, None, voter_id=present[36], status="blank")
        result = V.close_vote(s, mj)
        approval = V.create_vote(
            s,
            session_id,
            V.VoteData(
                question="Quels projets pour le quartier ?",
                method="approval",
                options=[
                    V.OptionData("Jardin partagé rue des Lilas"),
                    V.OptionData("Pistes cyclables quai Est"),
                    V.OptionData("Bibliothèque de rue"),
                    V.OptionData("Bancs et ombrages place du Marché"),
                ],
                eligibility="open",
            ),
        )
        V.open_vote(s, approval)
    saved = []
    page = window.select_area("votes")
    box = page.session_box
    box.setCurrentIndex(next(i for i in range(box.count()) if box.itemData(i) == session_id))
    settle(app)
    saved.append(_save(window.grab(), out / f"votes-area-{language}.png"))
    view = ResultView(result, "Quel aménagement pour la place du Marché ?")
    view.resize(820, 560)
    view.show()
    settle(app)
    saved.append(_save(view.grab(), out / f"vote-result-{language}.png"))
    view.close()
    entry = BallotEntryDialog(ws, approval)
    entry.resize(900, 560)
    entry.show()
    QTest.keyClicks(entry.field, "1 3")
    QTest.keyClick(entry.field, Qt.Key.Key_Return)
    QTest.keyClicks(entry.field, "2 4")
    settle(app)
    saved.append(_save(entry.grab(), out / f"ballot-entry-{language}.png"))
    entry.close()
    kiosk = KioskWindow(ws, approval, "2468")
    kiosk.resize(1100, 700)
    kiosk.show()
    kiosk.start()
    settle(app)
    for button in kiosk.option_buttons[::2]:
        button.setChecked(True)
    settle(app)
    saved.append(_save(kiosk.grab(), out / f"kiosk-{language}.png"))
    kiosk.hide()
    kiosk.deleteLater()
    del page
    return saved


#: The day the committee pictures look from (fixed: overdue actions stay overdue).
COMMITTEE_TODAY = (2027, 6, 10)


def build_committee(ws, today) -> object:
    """A follow-up committee of the demo process, six months into its first year: members,
    monthly meetings, a decision, an action plan (some overdue, some done) and indicators."""
    from datetime import date, datetime, timedelta

    from app.facilitation import actions as A
    from app.facilitation import committees as C
    from app.facilitation import indicators as I
    from app.facilitation import sessions as S
    from app.facilitation.participants import participant_page

    with ws.session() as s:
        process = S.process_overview(s)[0]
        committee = C.create_committee(
            s,
            C.CommitteeData(process.id, "Comité de suivi de la place de l'Église", max_members=9),
        )
        people = [r.id for r in participant_page(s, 0, 6)]
        members = [
            C.add_member(s, committee.id, C.MemberData(participant_id=pid, role=role),
                         today=date(2027, 1, 5))
            for pid, role in zip(people, ("chair", "secretary", "member", "member", "observer"),
                                 strict=False)
        ]  # fmt: skip
        town = C.organisation_choices(s)[0][0]
        first = datetime(2027, 1, 21, 18, 30).astimezone()
        meetings = [
            C.create_meeting(s, committee.id, f"Comité n°{n + 1}",
                             first.replace(month=n + 1), place="Salle des fêtes")
            for n in range(12)
        ]  # fmt: skip
        decision = C.record_decision(
            s, meetings[0].id, "Planter 40 arbres avant l'hiver", decided_by="Le comité"
        )
        plan = (
            ("Plantation de 40 arbres place de l'Église", members[0], (2027, 11, 30),
             "in_progress", 35),
            ("Étude de faisabilité de la fontaine", None, (2027, 4, 30), "in_progress", 60),
            ("Bancs et ombrages : choix du mobilier", members[2], (2027, 5, 31), "planned", 0),
            ("Commande des œuvres pour le kiosque à musique", members[1], (2027, 9, 15),
             "planned", 10),
            ("Façade de la médiathèque : devis", None, (2027, 3, 31), "done", 100),
            ("Réunion publique de restitution", members[0], (2027, 6, 28), "planned", 20),
            ("Signalétique en français facile", members[3], (2027, 2, 28), "blocked", 15),
            ("Comptage des piétons le samedi", "Association Vélo Lière", (2027, 7, 15),
             "in_progress", 50),
            ("Marché de Noël : plan de circulation", None, (2027, 10, 31), "dropped", 0),
        )  # fmt: skip
        for title, owner, due, status, progress in plan:
            data = A.ActionData(title=title, due_on=date(*due), created_on=date(2027, 1, 21),
                                decision_id=decision.id if "arbres" in title else None)  # fmt: skip
            if isinstance(owner, str):
                data.owner_name = owner
            elif owner is None:
                data.owner_organisation_id = town
            else:
                data.owner_member_id = owner.id
            made = A.create_action(
                s, committee.id, data, author="Claire Dupont", today=today,
                at=datetime(2027, 1, 21, 20, 0).astimezone(),
            )  # fmt: skip
            if status != "planned" or progress:
                A.update_action(
                    s, made.id, {"status": status, "progress": progress}, author="Claire Dupont",
                    meeting_id=meetings[2].id, at=datetime(2027, 3, 18, 19, 0).astimezone(),
                    today=today,
                )  # fmt: skip
        satisfied = I.create_indicator(
            s, committee.id,
            I.IndicatorData("Habitant·es satisfait·es de la place", "%", "higher", 42, 70),
        )  # fmt: skip
        for month, value in ((1, 44), (2, 47), (3, 46), (4, 52), (5, 55), (6, 58)):
            I.add_measurement(s, satisfied.id, date(2027, month, 15), value,
                              source="Questionnaire en ligne")  # fmt: skip
        trees = I.create_indicator(
            s, committee.id, I.IndicatorData("Arbres plantés", "arbres", "higher", 0, 40)
        )
        for day, value in (
            (date(2027, 3, 20), 6),
            (date(2027, 4, 24), 14),
            (date(2027, 5, 29), 21),
        ):
            I.add_measurement(s, trees.id, day, value, source="Services techniques")
        noise = I.create_indicator(
            s, committee.id, I.IndicatorData("Bruit le soir", "dB", "lower", 68, 65)
        )
        for n, value in enumerate((68, 67, 66.5, 65, 64)):
            I.add_measurement(s, noise.id, date(2027, 2, 1) + timedelta(days=30 * n), value)
    return committee.id


def render_committees(app, window, language: str, out: Path) -> list[Path]:
    """The committee's action plan and an indicator chart."""
    from datetime import date

    today = date(*COMMITTEE_TODAY)
    committee_id = build_committee(window.store, today)
    page = window.select_area("committees")
    page.today = lambda: today
    page.author = "Claire Dupont"
    page.reload(committee_id)
    page.show_tab(page.plan)
    page.plan.select(next(r.id for r in page.plan.model.rows if r.title.startswith("Comptage")))
    settle(app)
    saved = [_save(window.grab(), out / f"committee_plan-{language}.png")]
    page.show_tab(page.indicators)
    page.indicators.table.selectRow(0)
    settle(app)
    saved.append(_save(window.grab(), out / f"committee_indicator-{language}.png"))
    return saved


def render_juries(app, window, language: str, out: Path) -> list[Path]:
    """A citizen jury of the demo process: its census quotas with one that cannot be met (the
    feasibility message and the proposed change), then the drawn jury with the chart."""
    from app.facilitation import panels as P
    from app.facilitation import sessions as S
    from app.views.juries.area import JuriesArea

    ws = window.store
    with ws.session() as s:
        process = S.process_overview(s)[0]
        data = P.PanelData(process.id, "Jury citoyen de la place de l'Église", 10, alternates=4)
        panel_id = P.create_panel(s, data)
        for category in P.quota_categories(s):
            P.quotas_from_census(s, panel_id, category.id, 1.0)
        gare = next(r for r in P.quota_rows(s, panel_id) if r.value == "La Gare")
        P.set_quota(s, panel_id, gare.value_id, 3, 4)  # only two volunteers live there
    area = window.select_area("juries")
    if not isinstance(area, JuriesArea):  # the area not wired yet: the same widget alone
        area = JuriesArea(ws, window.undo_stack)
        area.resize(*SIZE)
        area.show()
    shot = window if area.window() is window else area
    page = area.citizen
    area.tabs.setCurrentWidget(page)
    page.fill_processes()
    page.refresh(panel_id)
    page.check()
    page.quota_table.setCurrentIndex(page.quota_model.index(10, page.quota_model.MIN))
    settle(app)
    saved = [_save(shot.grab(), out / f"jury-quotas-{language}.png")]
    with ws.session() as s:  # wider quotas (± 2 seats), so that a decliner can be replaced
        for category in P.quota_categories(s):
            P.quotas_from_census(s, panel_id, category.id, 2.0)
        P.draw_panel(s, panel_id, "4 2 6 6 1 3")  # the view runs this off the UI thread
    page.refresh(panel_id)
    # Someone declines: the person most like the first alternate, who can then take the seat.
    first = page.result.alternates[0].features
    seats = page.result.selected
    alike = max(range(len(seats)), key=lambda i: sum(
        seats[i].features[c] == v for c, v in first.items()))  # fmt: skip
    page.selected_table.selectRow(alike)
    page.decline(ask=False)
    settle(app)
    saved.append(_save(shot.grab(), out / f"jury-draw-{language}.png"))
    if shot is area:
        area.close()
    return saved


def build_codelivery(ws, today) -> dict:
    """Six months of co-delivery on the demo process: volunteers (from participants and one by
    name), missions on the actions of its follow-up committee, assignments (one volunteer
    over-committed), monthly time sheets, people helped, costs, an hourly value, a saving."""
    from datetime import date

    from app.facilitation import actions as A
    from app.facilitation import citizen_time as T
    from app.facilitation import committees as C
    from app.facilitation import missions as M
    from app.facilitation import sessions as S
    from app.facilitation import timesheets as TS
    from app.facilitation import volunteers as V
    from app.facilitation.participants import participant_page

    with ws.session() as s:
        process = S.process_overview(s)[0]
        committees = C.list_committees(s, process.id)
        if committees:
            committee_id = committees[0].id
        else:  # the committee pictures did not run: a committee of our own
            committee_id = C.create_committee(
                s, C.CommitteeData(process.id, "Comité de suivi de la place de l'Église")
            ).id
        actions = {a.title: a.id for a in A.list_actions(s, committee_id)}
        for title in (
            "Plantation de 40 arbres place de l'Église",
            "Comptage des piétons le samedi",
            "Réunion publique de restitution",
        ):
            if title not in actions:
                actions[title] = A.create_action(
                    s, committee_id, A.ActionData(title=title, created_on=date(2027, 1, 21))
                ).id  # fmt: skip
        trees, count, meeting = (
            actions["Plantation de 40 arbres place de l'Église"],
            actions["Comptage des piétons le samedi"],
            actions["Réunion publique de restitution"],
        )
        skills = (["jardinage", "bricolage"], ["jardinage"], ["accueil", "animation"],
                  ["comptage", "tableur"], ["jardinage", "pédagogie"])  # fmt: skip
        volunteers = []
        for n, row in enumerate(participant_page(s, 0, 40)[7:12]):
            volunteers.append(V.create_volunteer(s, V.VolunteerData(
                process.id, row.id, skills=skills[n], available_days=["wed", "sat"],
                hours_per_week=(4, 5, 4, 6, 5)[n], charter_signed_on=date(2027, 1, 30),
                charter_version="v1",
            )).id)  # fmt: skip
        volunteers.append(V.create_volunteer(s, V.VolunteerData(
            process.id, name="Geneviève Lefèvre (Jardins de Lière)", skills=["jardinage"],
            hours_per_week=3, charter_signed_on=date(2027, 2, 2), charter_version="v1",
        )).id)  # fmt: skip
        V.add_training(s, volunteers[0], V.TrainingData("Taille et plantation", date(2027, 2, 6),
                                                        6))  # fmt: skip
        plan = (
            ("Plantation avec l'école Jules-Ferry", trees, "Place de l'Église", "jardinage",
             6, date(2027, 3, 1), date(2027, 11, 30), [0, 1, 4, 5]),
            ("Arrosage estival des jeunes arbres", trees, "Place de l'Église", "jardinage",
             4, date(2027, 6, 1), date(2027, 9, 30), [1]),
            ("Comptage des piétons le samedi matin", count, "Rue de la République",
             "comptage, tableur", 3, date(2027, 2, 1), date(2027, 7, 31), [3, 2]),
            ("Accueil à la réunion publique", meeting, "Salle des fêtes", "accueil", 2,
             date(2027, 6, 28), date(2027, 6, 28), [2]),
        )  # fmt: skip
        missions = []
        for title, action, place, skill, wanted, start, end, people in plan:
            m = M.create_mission(
                s,
                M.MissionData(
                    process.id,
                    action,
                    title,
                    None,
                    place,
                    V.parse_skills(skill),
                    wanted,
                    start,
                    end,
                ),
            )
            missions.append(m.id)  # fmt: skip
            for n, who in enumerate(people):
                M.assign(s, m.id, volunteers[who], hours_per_week=2, signed_up=n % 2 == 1,
                         today=today)  # fmt: skip
        for month in range(3, 6):
            rows = [(volunteers[i], h) for i, h in ((0, 3), (1, 2.5), (4, 3), (5, 2))]
            TS.record_group_timesheet(s, missions[0], date(2027, month, 17), rows)
        for month in range(2, 6):
            rows = [(volunteers[3], 3), (volunteers[2], 2)]
            TS.record_group_timesheet(s, missions[2], date(2027, month, 6), rows)
        M.add_people_helped(s, missions[0], date(2027, 3, 1), date(2027, 5, 31), 52,
                            category="élèves de CM1-CM2")  # fmt: skip
        M.add_support_cost(s, missions[0], "materials", 640, incurred_on=date(2027, 3, 2),
                           note="Outils et tuteurs")  # fmt: skip
        M.add_support_cost(s, missions[0], "training", 300, incurred_on=date(2027, 2, 6))
        T.set_hourly_value(s, 12.5, "SMIC horaire brut chargé 2027")
        T.add_saving(s, trees, 2400, "Devis du paysagiste pour la plantation")
    return {"missions": missions, "volunteers": volunteers}


def render_codelivery(app, window, language: str, out: Path) -> list[Path]:
    """The missions of the demo's committee actions (an over-commitment warned) and a group
    time sheet being typed, with a row refused in red."""
    from datetime import date

    from app.views.codelivery.area import CodeliveryArea

    today = date(*COMMITTEE_TODAY)
    made = build_codelivery(window.store, today)
    area = window.select_area("co-delivery")
    if not isinstance(area, CodeliveryArea):  # the area not wired yet: the same widget alone
        area = CodeliveryArea(window.store, window.undo_stack)
        area.resize(*SIZE)
        area.show()
    shot = window if area.window() is window else area
    area.today = lambda: today
    area.reload()
    missions = area.show_tab(area.missions)
    missions.select(made["missions"][1])
    missions.select_volunteer(made["volunteers"][5])
    missions.weekly.setText("2")
    missions.assign()  # Geneviève is now over-committed: the warning shows
    settle(app)
    saved = [_save(shot.grab(), out / f"codelivery-missions-{language}.png")]
    sheet = area.show_tab(area.timesheet)
    sheet.choose(made["missions"][0])
    sheet.set_day(date(2027, 6, 9))
    sheet.add_other(made["volunteers"][2])
    for row, hours, note in ((0, "3", ""), (1, "2h30", "arrosage"), (2, "25", ""),
                             (3, "2", "")):  # fmt: skip
        sheet.model.setData(sheet.model.index(row, 1), hours)
        sheet.model.setData(sheet.model.index(row, 2), note)
    sheet.save(ask=False)
    sheet.grid.setCurrentIndex(sheet.model.index(2, 1))
    settle(app)
    saved.append(_save(shot.grab(), out / f"codelivery-timesheet-{language}.png"))
    if shot is area:
        area.close()
    return saved


def _save(pixmap, target: Path) -> Path:
    if not pixmap.save(str(target), "PNG"):
        raise SystemExit(f"cannot write {target}")
    return target


def child_env(home: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["ATELIER_HOME"] = str(home)
    env["TZ"] = "Europe/Paris"
    for name in (
        "ATELIER_DATABASE_URL",
        "ATELIER_LANG",
        "QT_SCALE_FACTOR",
        "QT_SCREEN_SCALE_FACTORS",
        "QT_FONT_DPI",
        "QT_STYLE_OVERRIDE",
    ):
        env.pop(name, None)
    return env


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lang", nargs="+", choices=LANGUAGES, default=list(DEFAULT_LANGUAGES))
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument(
        "--guide", action="store_true", help=f"also write the guide's pictures into {GUIDE_OUT}"
    )
    parser.add_argument("--child", choices=LANGUAGES, help=argparse.SUPPRESS)
    parser.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    def out_for(language: str) -> Path:
        if args.out is not None:
            return args.out.resolve()
        return DEFAULT_OUT if language in DEFAULT_LANGUAGES else PARTNERS_OUT

    if args.child:  # inside the per-language process
        saved = render(args.child, out_for(args.child), args.folder, guide=args.guide)
        if args.child not in DEFAULT_LANGUAGES:  # partner languages: kept small
            reduce_colours(saved)
        if args.guide:
            saved += write_guide_pictures(saved, args.child, GUIDE_OUT)
        for target in saved:
            print(target)
        return 0

    shutil.rmtree(WORK_DIR, ignore_errors=True)
    try:
        for language in args.lang:
            out = out_for(language)
            out.mkdir(parents=True, exist_ok=True)
            # The same folder for every language, emptied in between: one status bar text.
            shutil.rmtree(WORK_DIR, ignore_errors=True)
            folder = WORK_DIR
            home = folder / "home"
            home.mkdir(parents=True)
            done = subprocess.run(
                [
                    sys.executable,
                    str(Path(__file__).resolve()),
                    "--child",
                    language,
                    "--out",
                    str(out),
                    "--folder",
                    str(folder),
                    *(["--guide"] if args.guide else []),
                ],
                env=child_env(home),
                cwd=ROOT,
            )
            if done.returncode != 0:
                print(f"screenshots for {language!r} failed", file=sys.stderr)
                return 1
    finally:
        shutil.rmtree(WORK_DIR, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
