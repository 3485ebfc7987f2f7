"""A deeper check of the frozen program than running its commands: ``atelier --self-check DIR``.

Run inside the bundle (installer/launcher.py hands ``--self-check`` here), it exercises what
the build slims down (installer/slim.py, the spec's excludes): every app module imports; every
kind of PDF document is made from the demo, with a PNG and a JPEG logo (Pillow, reportlab);
an XLSX file is imported (openpyxl); a LEXIMIN draw runs (HiGHS, numpy and its OpenBLAS); the
main window shows each area offscreen; Qt sorts, upper-cases and names time zones in the five
languages (the cut-down ICU data), loads its translations, image formats and code pages.

It prints one line per check and exits 1 at the first failure, with the traceback.
"""

from __future__ import annotations

import contextlib
import io
import os
import pkgutil
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path

LANGUAGES = ("fr", "en", "it", "es", "bg")


class CheckFailed(Exception):
    pass


def expect(condition: bool, message: str) -> None:
    if not condition:
        raise CheckFailed(message)


def quietly(function: Callable[[], int]) -> tuple[int, str]:
    """Run a CLI entry point; its exit code and what it printed (stdout)."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        try:
            code = function()
        except SystemExit as exit_:
            code = exit_.code if isinstance(exit_.code, int) else 1
    return code, out.getvalue()


def check_modules(folder: Path) -> str:
    import app

    names = [
        info.name
        for info in pkgutil.walk_packages(app.__path__, "app.")
        if not info.name.startswith("app.migrations") and not info.name.endswith("__main__")
    ]
    for name in names:
        __import__(name)
    expect(len(names) > 100, f"only {len(names)} app modules found in the bundle")
    return f"{len(names)} app modules import"


def check_python(folder: Path) -> str:
    import decimal
    import hashlib
    import secrets
    import sqlite3

    expect(hashlib.sha256(b"abc").hexdigest().startswith("ba7816bf"), "SHA-256 is wrong")
    expect(len(secrets.token_hex(8)) == 16, "no random tokens")
    expect(str(decimal.Decimal("0.1") + decimal.Decimal("0.2")) == "0.3", "decimal is wrong")
    expect("é".encode("cp1252") == b"\xe9" and "ж".encode("cp1251") == b"\xe6", "code pages")
    return f"hashlib, secrets, decimal, code pages; SQLite {sqlite3.sqlite_version}"


def make_demo(folder: Path) -> Path:
    from app import cli

    demo = folder / "demo.atelier"
    code, _out = quietly(lambda: cli.main(["demo", str(demo)]))
    expect(code == 0 and demo.exists(), "atelier demo failed")
    return demo


def add_document_subjects(demo: Path) -> None:
    """What the demo lacks for the other documents: a drafted vote (ballots), a citizen jury
    drawn by LEXIMIN, an evaluation jury, a follow-up committee and a volunteer."""
    from sqlalchemy import select

    from app.commands.common import open_for_writing
    from app.facilitation import committees, juries, panels, sessions, volunteers, votes
    from app.models import Participant

    with open_for_writing(demo) as ws, ws.session() as s:
        process = sessions.process_overview(s)[0]
        options = [votes.OptionData("Pour"), votes.OptionData("Contre")]
        data = votes.VoteData("Quel nom pour la place ?", "proposal", options, {})
        votes.create_vote(s, process.sessions[0].id, data)
        panel_id = panels.create_panel(s, panels.PanelData(process.id, "Jury citoyen", 8))
        for choice in panels.quota_categories(s):
            if choice.has_shares:
                panels.quotas_from_census(s, panel_id, choice.id, 1.5)
        panels.draw_panel(s, panel_id, "6 6 2 1 5")
        jury = juries.create_jury(s, process.id, "Jury du concours", scale_max=10)
        criterion = juries.add_criterion(s, jury.id, "Qualité paysagère", 1).id
        candidate = juries.add_candidate(s, jury.id, "Agence Lumière").id
        member = juries.add_member(s, jury.id, "Léa Garnier", college="resident").id
        juries.set_score(s, member, candidate, criterion, 8)
        committees.create_committee(
            s, committees.CommitteeData(process_id=process.id, title="Comité de suivi")
        )
        person = s.scalars(select(Participant).order_by(Participant.code)).first()
        volunteers.create_volunteer(
            s, volunteers.VolunteerData(process_id=process.id, participant_id=person.id)
        )


def check_documents(folder: Path) -> str:
    from datetime import date

    from app.commands.common import open_for_reading
    from app.facilitation import reports

    demo = folder / "demo.atelier"
    add_document_subjects(demo)
    made, without = [], []
    with open_for_reading(demo) as ws, ws.session() as session:
        for kind, spec in reports.DOCUMENTS.items():
            choices = reports.subject_choices(session, kind)
            if not choices:
                without.append(kind)
                continue
            options = {option.name: option.default for option in spec.options}
            languages = LANGUAGES if kind == "session" else ("fr",)
            for language in languages:
                pdf = reports.build_pdf(
                    session,
                    kind,
                    choices[0][0],
                    language=language,
                    today=date(2026, 11, 15),
                    **options,
                )
                expect(pdf.data.startswith(b"%PDF-") and pdf.pages >= 1, f"{kind} is no PDF")
            made.append(kind)
    expect(not without, f"no subject for: {', '.join(without)}")
    return f"PDF of {', '.join(made)}; the session summary in {len(LANGUAGES)} languages"


def check_images(folder: Path) -> str:
    """The workspace's logo, PNG then JPEG, checked by Pillow and printed by reportlab."""
    from datetime import date

    from PIL import Image

    from app.commands.common import open_for_reading, open_for_writing
    from app.facilitation import reports
    from app.facilitation.identity import set_identity

    demo = folder / "demo.atelier"
    for kind in ("PNG", "JPEG"):
        buffer = io.BytesIO()
        Image.new("RGB", (120, 60), (200, 30, 60)).save(buffer, kind)
        with open_for_writing(demo) as ws, ws.session() as session:
            set_identity(session, logo=buffer.getvalue())
        with open_for_reading(demo) as ws, ws.session() as session:
            subject = reports.subject_choices(session, "session")[0][0]
            pdf = reports.build_pdf(session, "session", subject, today=date(2026, 1, 15))
        expect(b"/Subtype /Image" in pdf.data, f"the {kind} logo is not in the PDF")
    return "PNG and JPEG logos checked by Pillow and printed in a session summary"


def check_xlsx_import(folder: Path) -> str:
    import datetime
    import json

    import openpyxl

    from app import cli

    path = folder / "people.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Nom", "Prénom", "Date de naissance", "Quartier"])
    sheet.append(["Dupont", "Marie", datetime.datetime(1980, 12, 31), "Bellevue"])
    sheet.append(["Петрова", "Мария", None, "La Gare"])
    workbook.save(path)
    demo = folder / "demo.atelier"
    argv = ["participants", "import", str(demo), str(path), "--json"]
    code, out = quietly(lambda: cli.main(argv))
    expect(code == 0, f"the XLSX import failed: {out}")
    expect(json.loads(out)["imported"] == 2, f"the XLSX import did not import 2 rows: {out}")
    return "an XLSX file imported (2 participants)"


CATEGORIES = """category,name,min,max
Gender,Female,2,3
Gender,Male,2,3
Age,Young,1,3
Age,Old,1,3
"""
PEOPLE = "id,Gender,Age\n" + "".join(
    f"p{i},{('Female', 'Male')[i % 2]},{('Young', 'Old')[(i // 2) % 2]}\n" for i in range(12)
)


def check_leximin(folder: Path) -> str:
    import json

    import numpy as np

    from app import cli

    categories = folder / "categories.csv"
    people = folder / "people.csv"
    categories.write_text(CATEGORIES, encoding="utf-8")
    people.write_text(PEOPLE, encoding="utf-8")
    argv = ["sortition", "--categories", str(categories), "--people", str(people),
            "--size", "5", "--seed", "1 2 3", "--json"]  # fmt: skip
    code, out = quietly(lambda: cli.main(argv))
    expect(code == 0, f"the LEXIMIN draw failed: {out}")
    result = json.loads(out)
    expect(len(result["selected"]) == 5, f"the draw did not select 5 people: {out[:300]}")
    matrix = np.array([[4.0, 1.0], [1.0, 3.0]])
    solved = np.linalg.solve(matrix, np.array([1.0, 2.0]))
    expect(np.allclose(matrix @ solved, [1.0, 2.0]), "numpy's linear algebra is wrong")
    blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"].get("name", "?")
    return f"a LEXIMIN draw of 5 among 12 (HiGHS, numpy {np.__version__}, BLAS: {blas})"


def check_qt(folder: Path) -> str:
    from PySide6.QtCore import QCollator, QLibraryInfo, QLocale, QTimeZone, QTranslator
    from PySide6.QtGui import QImageReader

    words = ["zèbre", "Éclair", "abricot", "ёлка", "Ангел", "ñu", "nube", "oca"]
    french = sorted(words, key=QCollator(QLocale("fr")).sortKey)
    expect(french[:3] == ["abricot", "Éclair", "ñu"], f"French collation: {french}")
    spanish = sorted(words, key=QCollator(QLocale("es")).sortKey)
    expect(spanish.index("nube") < spanish.index("ñu"), f"Spanish collation: {spanish}")
    bulgarian = sorted(words, key=QCollator(QLocale("bg")).sortKey)
    expect(bulgarian[0] == "Ангел", f"Bulgarian collation: {bulgarian}")
    expect(QLocale("fr").toUpper("éa") == "ÉA", "upper case")
    zone = QTimeZone(b"Europe/Paris")
    for language in LANGUAGES:
        name = zone.displayName(
            QTimeZone.TimeType.StandardTime, QTimeZone.NameType.LongName, QLocale(language)
        )
        expect(bool(name), f"no time-zone name in {language}")
    folder_qm = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    for language in LANGUAGES:
        expect(QTranslator().load(f"qtbase_{language}", folder_qm), f"no qtbase_{language}.qm")
    formats = {bytes(f).decode() for f in QImageReader.supportedImageFormats()}
    expect({"png", "jpeg", "svg", "ico"} <= formats, f"image formats: {sorted(formats)}")
    return "collation, case, time zones (ICU), Qt translations, image formats"


def check_window(folder: Path) -> str:
    from PySide6.QtWidgets import QApplication

    from app.views.app import create_main_window
    from app.views.areas import AREAS

    window = create_main_window(folder / "demo.atelier", language="fr")
    window.show()
    shown = []
    for area in AREAS:
        page = window.select_area(area.key)
        for _ in range(5):
            QApplication.processEvents()
        expect(page is not None and page.isVisible(), f"area {area.key} not shown")
        expect(not window.grab().isNull(), f"area {area.key} not painted")
        shown.append(area.key)
    window.close()
    QApplication.processEvents()
    return f"main window, areas: {', '.join(shown)}"


CHECKS: tuple[tuple[str, Callable[[Path], str]], ...] = (
    ("modules", check_modules),
    ("python", check_python),
    ("demo", lambda folder: f"demo workspace {make_demo(folder).name}"),
    ("documents", check_documents),
    ("images", check_images),
    ("xlsx", check_xlsx_import),
    ("leximin", check_leximin),
    ("qt", check_qt),
    ("window", check_window),
)


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: atelier --self-check FOLDER (an empty folder to work in)", file=sys.stderr)
        return 2
    folder = Path(argv[0])
    folder.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.setdefault("ATELIER_HOME", str(folder / "home"))
    for name, check in CHECKS:
        started = time.perf_counter()
        try:
            said = check(folder)
        except Exception as exc:  # report any failure, whatever it is
            print(f"self-check {name}: FAILED: {exc}", flush=True)
            traceback.print_exc()
            return 1
        print(f"self-check {name}: ok ({time.perf_counter() - started:.1f} s): {said}", flush=True)
    print("self-check passed", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
