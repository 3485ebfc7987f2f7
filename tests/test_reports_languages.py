"""Every document in the five languages, read back with pypdf: the text is in that language,
Cyrillic extracts as written, and every character has a glyph in the embedded DejaVu fonts."""

from __future__ import annotations

import importlib.util
import io
import json
import uuid
from pathlib import Path

import pytest
from pypdf import PdfReader
from pypdf.generic import ContentStream
from reportlab.pdfbase.ttfonts import TTFont

from app import i18n
from app.facilitation import reports
from app.facilitation import sessions as S
from app.facilitation.reports import style
from tests.test_reports_documents import add_sample_votes
from tests.test_reports_more import DAY, YEAR, Built, built  # noqa: F401 (the fixture)

LANGUAGES = ("fr", "en", "it", "es", "bg")
TOOLS = Path(__file__).resolve().parent.parent / "tools" / "i18n.py"

#: The page footer of page 1 in each language.
EXPECTED_PAGE_1 = {
    "fr": "Page 1 sur",
    "en": "Page 1 of",
    "it": "Pagina 1 di",
    "es": "Página 1 de",
    "bg": "Страница 1 от",
}


@pytest.fixture(scope="module")
def catalogues():
    spec = importlib.util.spec_from_file_location("i18n_tools", TOOLS)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def glyphs() -> dict[str, set[int]]:
    """The characters each embedded font can draw."""
    found = {}
    for name in (style.FONT, style.FONT_BOLD, style.FONT_ITALIC, style.FONT_BOLD_ITALIC):
        font = TTFont(name, str(style.FONT_DIR / f"{name}.ttf"))
        found[name] = set(font.face.charToGlyph)
    return found


@pytest.fixture
def subjects(built: Built) -> dict[str, uuid.UUID]:  # noqa: F811
    """A subject for every kind of document (votes closed with ties, juries, committees…)."""
    with built.ws.session() as s:
        overview = S.process_overview(s)[0]
        first = overview.sessions[0].id
    vote_ids = add_sample_votes(built.ws, first)
    return {
        "session": first,
        "signin": first,
        "ballots": vote_ids[0],
        "access": _first_subject(built, "access"),
        "jury": built.panel_id,
        "evaluation": built.jury_id,
        "committee": built.committee_id,
        "annual": built.committee_id,
        "certificate": built.volunteer_id,
        "comparison": uuid.UUID(int=0),
    }


def _first_subject(made: Built, kind: str) -> uuid.UUID:
    with made.ws.session() as s:
        return reports.subject_choices(s, kind)[0][0]


def _options(kind: str) -> dict:
    return {"annual": {"year": YEAR}, "ballots": {"count": 2}}.get(kind, {})


def test_every_kind_of_document_is_covered(subjects) -> None:
    assert set(subjects) == set(reports.DOCUMENTS)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_document_in_each_language(
    built: Built,  # noqa: F811
    subjects,
    catalogues,
    glyphs,
    language: str,
) -> None:
    # Source strings whose translation differs: seen as a whole line, they are English left
    # (not those French writes the same, like "Abstention": the demo's data are French).
    english: set[str] = set()
    if language != "en":
        french = {m.id: m.string for m in catalogues.load("fr")}
        english = {
            m.id
            for m in catalogues.load(language)
            if isinstance(m.id, str)
            and len(m.id) > 3
            and m.string
            and m.string != m.id
            and french.get(m.id) != m.id
        }
    drawable = set.union(*glyphs.values())
    with built.ws.session() as s:
        for kind, subject in subjects.items():
            pdf = reports.build_pdf(
                s, kind, subject, language=language, today=DAY, **_options(kind)
            )
            assert pdf.language == language
            reader = PdfReader(io.BytesIO(pdf.data))
            text = "\n".join(page.extract_text() for page in reader.pages)
            first_page = reader.pages[0].extract_text()
            assert EXPECTED_PAGE_1[language] in first_page, (kind, language)
            with i18n.language(language):
                title = i18n._(reports.DOCUMENTS[kind].label)
            assert reader.metadata.title == pdf.title, kind
            if language != "en":
                assert title != reports.DOCUMENTS[kind].label, (kind, "label untranslated")
            # Every character drawn has a glyph in the embedded fonts (no tofu boxes).
            missing = {c for c in text if not c.isspace() and ord(c) not in drawable}
            assert missing == set(), (kind, language, missing)
            fonts = _font_names(reader)
            assert fonts and all("DejaVu" in f for f in fonts), (kind, fonts)
            left = [line for line in text.splitlines() if line.strip() in english]
            assert left == [], (kind, language, left)
            if language == "bg":
                cyrillic = sum("\u0400" <= c <= "\u04ff" for c in text)
                latin = sum("a" <= c.lower() <= "z" for c in text)
                assert cyrillic > 0.3 * latin, (kind, "Bulgarian text should be mostly Cyrillic")


def _font_names(reader: PdfReader) -> set[str]:
    """The fonts that draw text (reportlab lists Helvetica in every page's resources)."""
    used: set[str] = set()

    def walk(content: ContentStream, fonts, xobjects) -> None:
        font = None
        for operands, operator in content.operations:
            if operator == b"Tf":
                font = str(fonts[operands[0]].get_object()["/BaseFont"])
            elif operator in (b"Tj", b"TJ", b"'", b'"') and str(operands[-1]).strip():
                used.add(font)
            elif operator == b"Do" and xobjects is not None:
                form = xobjects[operands[0]].get_object()
                if form.get("/Subtype") == "/Form":
                    inner = form.get("/Resources", {})
                    walk(
                        ContentStream(form, reader),
                        inner.get("/Font", fonts),
                        inner.get("/XObject"),
                    )

    for page in reader.pages:
        resources = page["/Resources"]
        walk(
            ContentStream(page.get_contents(), reader),
            resources.get("/Font", {}),
            resources.get("/XObject"),
        )
    return used


def test_a_vote_closed_in_french_is_described_in_the_document_language(demo) -> None:
    """Round descriptions are frozen in the closing language; the summary words them again
    in the document's language, with the same figures."""
    from app.facilitation import votes as V

    with demo.session() as s:
        first = S.process_overview(s)[0].sessions[0].id
    with i18n.language("fr"):
        vote_ids = add_sample_votes(demo, first)
    with demo.session() as s:
        irv = vote_ids[1]
        frozen = V.frozen_result(s, irv)
        assert frozen["details"]["rounds"][0]["description"].startswith("Tour 1")
        with i18n.language("bg"):
            worded = V.worded_result(s, irv)
        assert worded["details"]["rounds"][0]["description"].startswith("Кръг 1")
        assert (worded["winners"], worded["scores"], worded["order"]) == (
            frozen["winners"],
            frozen["scores"],
            frozen["order"],
        )
        for language, round_one in (("bg", "Кръг 1"), ("it", "Turno 1"), ("es", "Ronda 1")):
            pdf = reports.build_pdf(s, "session", first, language=language, today=DAY)
            text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
            assert "Tour 1" not in text and round_one in text, language
        # a frozen result whose ballots no longer give the same figures is printed as frozen
        vote = V.get_vote(s, irv)
        document = json.loads(vote.result)
        document["scores"] = {k: v + 1 for k, v in document["scores"].items()}
        vote.result = V.canonical(document)
        s.commit()
        with i18n.language("bg"):
            assert V.worded_result(s, irv)["details"]["rounds"][0]["description"].startswith(
                "Tour 1"
            )
