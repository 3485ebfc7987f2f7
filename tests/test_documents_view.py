"""The Documents area, the identity dialog and the "Print…" buttons of other areas, with real
widgets on the demo workspace; PDFs are made off the UI thread and read back."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog

from app.facilitation import identity, reports
from app.facilitation import sessions as S
from app.facilitation import votes as V
from app.views.documents.actions import suggested_name
from app.views.documents.area import DocumentsArea, IdentityDialog


@pytest.fixture
def opened(monkeypatch) -> list[str]:
    """Files the views asked the system to open, instead of opening a viewer."""
    urls: list[str] = []
    monkeypatch.setattr(
        QDesktopServices,
        "openUrl",
        staticmethod(lambda url: urls.append(url.toLocalFile()) or True),
    )
    return urls


def save_as(monkeypatch, path: Path | None) -> None:
    monkeypatch.setattr(
        QFileDialog,
        "getSaveFileName",
        staticmethod(lambda *a, **k: (str(path) if path else "", "")),
    )


def png(width: int = 120, height: int = 60) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (31, 58, 77)).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def area(qtbot, demo):
    page = DocumentsArea(demo)
    qtbot.addWidget(page)
    return page


def test_generate_a_sign_in_sheet_records_it_and_opens_it(
    qtbot, qloop, area, monkeypatch, tmp_path, opened, errors
) -> None:
    assert [area.kind_box.itemData(i) for i in range(area.kind_box.count())] == list(
        reports.DOCUMENTS
    )
    area.kind_box.setCurrentIndex(area.kind_box.findData("signin"))
    assert area.subject_box.count() == 3  # the demo's sessions, newest first
    area.subject_box.setCurrentIndex(2)
    assert "Atelier 1" in area.subject_box.currentText()
    area.option_widgets["blank_rows"].setValue(4)
    area.language_box.setCurrentIndex(area.language_box.findData("en"))
    out = tmp_path / "feuille.pdf"
    save_as(monkeypatch, out)
    info = qloop.run_until_complete(area.generate())
    assert errors == []
    assert info is not None and out.exists() and opened == [str(out.resolve())]
    text = "\n".join(p.extract_text() for p in PdfReader(out).pages)
    assert "Sign-in sheet" in text and "\n64\n" in text and "\n65\n" not in text  # 60 + 4
    assert area.history.rowCount() == 1
    assert area.history.index(0, 1).data() == "Sign-in sheet"
    assert area.history.index(0, 4).data() == str(info.pages)
    assert info.sha256 in area.status.text()
    assert area.open_button.isEnabled()
    area.open_selected()
    assert opened[-1] == str(out.resolve())


def test_cancelling_the_file_dialog_makes_nothing(qtbot, area, monkeypatch, opened) -> None:
    save_as(monkeypatch, None)
    assert area.generate() is None
    assert area.history.rowCount() == 0 and opened == []


def test_an_unwritable_place_is_explained_and_not_recorded(
    qtbot, qloop, area, monkeypatch, tmp_path, opened, errors
) -> None:
    save_as(monkeypatch, tmp_path / "missing" / "x.pdf")
    assert qloop.run_until_complete(area.generate()) is None
    assert len(errors) == 1 and "does not exist" in errors[0]
    assert area.history.rowCount() == 0 and opened == []


def test_ballots_offer_their_options_and_need_a_vote(qtbot, area, demo) -> None:
    area.kind_box.setCurrentIndex(area.kind_box.findData("ballots"))
    assert set(area.option_widgets) == {"per_page", "count"}
    assert area.subject_box.count() == 0 and not area.generate_button.isEnabled()
    with demo.session() as s:
        first = S.process_overview(s)[0].sessions[0].id
        V.create_vote(
            s, first, V.VoteData("Quel nom ?", "approval", [V.OptionData("A"), V.OptionData("B")])
        )
    area.refresh()
    area.kind_box.setCurrentIndex(area.kind_box.findData("ballots"))
    assert area.subject_box.count() == 1 and area.generate_button.isEnabled()
    area.option_widgets["per_page"].setCurrentIndex(2)
    assert area.options() == {"per_page": 4, "count": 0}


def test_participants_can_be_filtered(qtbot, area) -> None:
    area.kind_box.setCurrentIndex(area.kind_box.findData("access"))
    assert area.subject_box.count() == 60
    area.filter_edit.setText("petrova")
    assert area.subject_box.count() == 1 and "Петрова" in area.subject_box.currentText()


def test_identity_dialog_sets_name_and_logo_and_refuses_bad_files(
    qtbot, demo, tmp_path, errors
) -> None:
    dialog = IdentityDialog(demo)
    qtbot.addWidget(dialog)
    assert dialog.name_edit.text() == ""  # not typed yet: the municipality's name is used
    assert dialog.default_name == "Ville de Villeneuve-sur-Lière"
    bad = tmp_path / "logo.png"
    bad.write_bytes(b"not an image")
    assert not dialog.load_logo(bad)
    assert errors and dialog.logo is None
    good = tmp_path / "good.png"
    good.write_bytes(png())
    assert dialog.load_logo(good) and dialog.clear_button.isEnabled()
    dialog.name_edit.setText("Mairie de Saint-Étienne-du-Lac")
    dialog.save()
    with demo.session() as s:
        saved = identity.get_identity(s)
    assert saved.name == "Mairie de Saint-Étienne-du-Lac" and saved.logo == png()


def test_the_header_prints_the_identity(qtbot, demo, tmp_path) -> None:
    with demo.session() as s:
        identity.set_identity(s, name="Commune d’Œuilly", logo=png(400, 100))
        first = S.process_overview(s)[0].sessions[0].id
        pdf = reports.build_pdf(s, "signin", first, language="en")
    reader = PdfReader(io.BytesIO(pdf.data))
    assert "Commune d’Œuilly" in reader.pages[0].extract_text()
    assert reader.metadata.author == "Commune d’Œuilly"
    assert len(reader.pages[0].images) == 1  # the logo


def test_print_ballots_from_the_votes_area(qtbot, qloop, demo, monkeypatch, tmp_path, opened):
    from app.views.votes.area import VotesArea

    with demo.session() as s:
        first = S.process_overview(s)[0].sessions[0].id
        V.create_vote(
            s, first, V.VoteData("Quel nom ?", "approval", [V.OptionData("A"), V.OptionData("B")])
        )
    page = VotesArea(demo)
    qtbot.addWidget(page)
    page.show()
    boxes = page.session_box
    boxes.setCurrentIndex(next(i for i in range(boxes.count()) if boxes.itemData(i) == first))
    assert page.buttons["print"].isEnabled()
    out = tmp_path / "bulletins.pdf"
    save_as(monkeypatch, out)
    future = page.print_ballots()
    info = qloop.run_until_complete(future)
    assert info.pages == 19  # 38 present, 2 per page
    assert "Quel nom ?" in PdfReader(out).pages[0].extract_text()
    with demo.session() as s:
        assert [h.kind for h in reports.history(s)] == ["ballots"]


def test_print_buttons_of_the_session_editor(qtbot, qloop, demo, monkeypatch, tmp_path, opened):
    from app.views.session_editor import SessionEditor

    with demo.session() as s:
        overview = S.process_overview(s)[0]
    editor = SessionEditor(demo, overview.id, overview.sessions[1].id)
    qtbot.addWidget(editor)
    out = tmp_path / "compte-rendu.pdf"
    save_as(monkeypatch, out)
    info = qloop.run_until_complete(editor.print_document("session"))
    assert info.kind == "session" and out.exists()
    assert "Atelier 2" in PdfReader(out).pages[0].extract_text()


def test_suggested_file_names_are_safe() -> None:
    assert suggested_name("signin", "Atelier 1 / place: “nord”") == (
        "Sign-in sheet - Atelier 1 place “nord”.pdf"
    )


def test_every_kind_of_document_can_be_chosen(qtbot, area, monkeypatch) -> None:
    """Each registered document (including text options such as dates) builds its form."""
    text_option = reports.DocumentOption("start", str, "", "count from this day (YYYY-MM-DD)")
    from dataclasses import replace

    spec = replace(reports.DOCUMENTS["signin"], options=(text_option,))
    monkeypatch.setitem(reports.DOCUMENTS, "signin", spec)
    for index in range(area.kind_box.count()):
        area.kind_box.setCurrentIndex(index)
        assert area.subject_label.text().endswith(":")
    area.kind_box.setCurrentIndex(area.kind_box.findData("signin"))
    area.option_widgets["start"].setText(" 2026-01-01 ")
    assert area.options() == {"start": "2026-01-01"}
