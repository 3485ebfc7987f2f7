"""Printed documents: the shared foundation (fonts, page template, history, CLI) and the
sign-in sheet, read back with pypdf."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from app.cli import main
from app.errors import AtelierError
from app.facilitation import reports
from app.facilitation import sessions as S
from app.facilitation.participants import ParticipantData, create_participant
from app.facilitation.reports import signin as signin_doc

DAY = date(2026, 9, 20)


def text_of(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.fixture
def first(demo):
    """The demo and its first session (38 people signed in, 60 registered)."""
    with demo.session() as s:
        overview = S.process_overview(s)[0]
    return demo, overview.id, overview.sessions[0].id


def test_sign_in_sheet_lists_everyone_alphabetically_with_blank_rows(first) -> None:
    ws, process_id, session_id = first
    with ws.session() as s:
        newcomer = create_participant(
            s, ParticipantData(first_name="Дмитрий", last_name="Œuvrard d’Aubigné")
        )
        S.register(s, process_id, newcomer)
        lines = signin_doc.sheet_lines(s, session_id)
        pdf = reports.build_pdf(s, "signin", session_id, language="en", today=DAY, blank_rows=5)
    assert len(lines) == 61
    text = text_of(pdf.data)
    # Accents, œ, the typographic apostrophe and Cyrillic come back as typed.
    assert "ŒUVRARD D’AUBIGNÉ Дмитрий" in text
    assert "Sign-in sheet" in text
    names = [line.name for line in lines]
    positions = [text.index(name) for name in names]
    assert positions == sorted(positions)  # printed in the list's (alphabetical) order
    assert f"\n61\n{names[-1]}\n" in text
    assert "\n66\n" in text and "\n67\n" not in text  # 5 blank rows numbered after the 61
    assert "CNIL" in text
    reader = PdfReader(io.BytesIO(pdf.data))
    assert pdf.pages == len(reader.pages) >= 3
    assert f"Page 1 of {pdf.pages}" in text and f"Page {pdf.pages} of {pdf.pages}" in text


def test_pdf_metadata_language_and_embedded_fonts(first) -> None:
    ws, _process_id, session_id = first
    with ws.session() as s:
        pdf = reports.build_pdf(s, "signin", session_id, language="en", today=DAY)
    reader = PdfReader(io.BytesIO(pdf.data))
    meta = reader.metadata
    assert meta.title == pdf.title == "Sign-in sheet — Atelier 1 — Diagnostic partagé"
    assert meta.author == "Ville de Villeneuve-sur-Lière"  # the demo's municipality
    assert meta.subject == "Attendance sheet of the session of 2026-09-19"
    assert meta["/CreationDate"].startswith("D:20260920")
    assert reader.trailer["/Root"]["/Lang"] == "en"
    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            descriptor = font.get_object()
            fonts.add(str(descriptor["/BaseFont"]))
    assert any("DejaVuSans" in f for f in fonts)
    assert "Page 1 of" in text_of(pdf.data)


def test_same_data_and_date_give_the_same_bytes_and_the_history_records_the_hash(
    first, tmp_path: Path
) -> None:
    ws, _process_id, session_id = first
    with ws.session() as s:
        one = reports.generate(s, "signin", session_id, tmp_path / "a.pdf", today=DAY)
        two = reports.generate(s, "signin", session_id, tmp_path / "b.pdf", today=DAY)
        other_day = reports.build_pdf(s, "signin", session_id, today=date(2026, 9, 21))
        entries = reports.history(s)
        found = reports.check_file(s, tmp_path / "a.pdf")
    assert (tmp_path / "a.pdf").read_bytes() == (tmp_path / "b.pdf").read_bytes()
    assert one.sha256 == two.sha256
    assert other_day.data != (tmp_path / "a.pdf").read_bytes()
    assert [e.kind for e in entries] == ["signin", "signin"]
    assert entries[0].sha256 == one.sha256 and entries[0].pages == one.pages
    assert entries[0].subject_id == session_id and entries[0].language == "fr"
    assert found and found[0].title == one.title
    # No temporary file left beside the result.
    assert not [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")]


def test_bad_requests_are_refused_and_record_nothing(first, tmp_path: Path) -> None:
    ws, _process_id, session_id = first
    with ws.session() as s:
        with pytest.raises(AtelierError, match="Unknown document"):
            reports.generate(s, "poster", session_id, tmp_path / "x.pdf")
        with pytest.raises(AtelierError, match="does not exist"):
            reports.generate(s, "signin", session_id, tmp_path / "missing" / "x.pdf")
        with pytest.raises(AtelierError, match="Blank rows"):
            reports.generate(s, "signin", session_id, tmp_path / "x.pdf", blank_rows=-1)
        assert reports.history(s) == []
    assert not (tmp_path / "x.pdf").exists()


def test_document_language_does_not_change_the_interface_language(first) -> None:
    from app import i18n

    ws, _process_id, session_id = first
    i18n.set_language("en")
    with ws.session() as s:
        pdf = reports.build_pdf(s, "signin", session_id, language="fr", today=DAY)
    with i18n.language("fr"):
        expected = i18n._("Expected")  # a word of the sheet, as the French catalogue says it
        assert i18n.current_language() == "fr"
    assert expected in text_of(pdf.data)
    assert PdfReader(io.BytesIO(pdf.data)).trailer["/Root"]["/Lang"] == "fr"
    assert i18n.current_language() == "en"
    assert i18n._("Cancel") == "Cancel"


def test_cli_report_signin_history_and_check(demo_path: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "emargement.pdf"
    code = main(
        ["report", "signin", str(demo_path), "Atelier 1", "-o", str(out), "--date", "2026-09-20",
         "--blank-rows", "3", "--json"]
    )  # fmt: skip
    assert code == 0
    info = json.loads(capsys.readouterr().out)
    assert info["pages"] == len(PdfReader(out).pages)
    assert main(["report", "history", str(demo_path), "--json"]) == 0
    history = json.loads(capsys.readouterr().out)
    assert [h["sha256"] for h in history] == [info["sha256"]]
    assert main(["report", "check", str(demo_path), str(out)]) == 0
    (tmp_path / "other.pdf").write_bytes(out.read_bytes() + b"\n")
    assert main(["report", "check", str(demo_path), str(tmp_path / "other.pdf")]) == 1
    capsys.readouterr()
    assert (
        main(["report", "signin", str(demo_path), "Nowhere", "-o", str(out), "--lang", "en"]) != 0
    )
    assert "No session matches" in capsys.readouterr().err


def test_reportlab_is_not_loaded_at_start_or_by_the_registry() -> None:
    script = (
        "import sys, app.facilitation.reports, app.commands.reports, app.cli\n"
        "import app.views.documents.area, app.views.areas\n"
        "print('reportlab' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert result.stdout.strip() == "False", result.stderr


def _image(kind: str, size=(80, 40)) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, (46, 125, 50)).save(buffer, format=kind)
    return buffer.getvalue()


def test_identity_defaults_to_the_municipality_and_checks_the_logo(demo) -> None:
    from app.facilitation import audit, identity

    with demo.session() as s:
        assert identity.get_identity(s) == identity.Identity("Ville de Villeneuve-sur-Lière")
        before = audit.verify(s).events
        saved = identity.set_identity(s, name="  Mairie   de Lière ", logo=_image("PNG"))
        assert saved.name == "Mairie de Lière" and saved.name_typed
        assert saved.logo_format == "png" and audit.verify(s).events == before + 1
        assert identity.set_identity(s, logo=_image("JPEG")).logo_format == "jpeg"
        assert identity.get_identity(s).name == "Mairie de Lière"  # the name was kept
        damaged = _image("PNG")[:40]
        huge = b"\x89PNG\r\n\x1a\n" + bytes(identity.MAX_LOGO_BYTES)
        for bad, message in (
            (b"GIF89a....", "PNG or JPEG"),
            (damaged, "cannot be read"),
            (huge, "largest accepted is 1024 KB"),
            (b"", "empty"),
        ):
            with pytest.raises(AtelierError, match=message):
                identity.set_identity(s, name="Autre nom", logo=bad)
        unchanged = identity.get_identity(s)
        assert unchanged.name == "Mairie de Lière" and unchanged.logo_format == "jpeg"
        with pytest.raises(AtelierError, match="too long"):
            identity.set_identity(s, name="x" * 201)
        cleared = identity.set_identity(s, name="", logo=None)
        assert cleared == identity.Identity("Ville de Villeneuve-sur-Lière")


def test_a_document_whose_module_is_missing_is_refused_clearly(first, monkeypatch) -> None:
    ws, _process_id, session_id = first
    here = "app.facilitation.reports"
    missing = reports.DocumentSpec(
        "poster", "Poster", "session", f"{here}.no_such_module:build",
        f"{here}.subjects:sessions", f"{here}.subjects:find_session",
    )  # fmt: skip
    monkeypatch.setitem(reports.DOCUMENTS, "poster", missing)
    with ws.session() as s, pytest.raises(AtelierError, match="not available in this version"):
        reports.build_pdf(s, "poster", session_id)


def test_progress_is_reported_and_cancel_leaves_nothing(first, tmp_path: Path) -> None:
    from app.errors import Cancelled
    from app.jobs import CancelToken

    ws, _process_id, session_id = first
    seen: list[tuple[int, int]] = []
    with ws.session() as s:
        reports.build_pdf(
            s, "signin", session_id, today=DAY, progress=lambda d, t: seen.append((d, t))
        )
        assert seen and all(0 < d <= t for d, t in seen)
        assert [d for d, _t in seen] == sorted(d for d, _t in seen)
        token = CancelToken()
        token.cancel()
        with pytest.raises(Cancelled):
            reports.generate(s, "signin", session_id, tmp_path / "x.pdf", cancel=token)
        assert reports.history(s) == []
    assert not list(tmp_path.glob("*.pdf")) and not list(tmp_path.glob(".*.part"))


def test_a_table_aligns_each_column_as_asked() -> None:
    from app.facilitation.reports import style

    def aligned(table) -> list[str]:
        return [table._cellStyles[1][col].alignment for col in range(3)]

    assert aligned(style.table(["a", "b", "c"], [["1", "2", "3"]], align="LRC")) == [
        "LEFT", "RIGHT", "CENTER"
    ]  # fmt: skip
    assert aligned(style.table(["a", "b", "c"], [["1", "2", "3"]], align="R")) == ["RIGHT"] * 3
