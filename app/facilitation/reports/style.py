"""The shared look of every printed document, and the renderer that writes the PDF.

A document module builds a :class:`Document` (title, subject, a list of reportlab flowables
made with the helpers here) and :func:`render` writes it: embedded DejaVu fonts (accents, œ,
’, Cyrillic), a header with the workspace's logo and name and the document's title, a footer
"page X of Y", PDF metadata and outline, an optional table of contents, and byte-identical
output for the same data and date (``invariant`` mode, creation date from ``today``).
"""

from __future__ import annotations

import io
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    Image,
    KeepTogether,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from app import locale_formats
from app.facilitation.identity import Identity
from app.i18n import _
from app.jobs import CancelToken, Progress, no_progress

FONT_DIR = Path(__file__).resolve().parents[2] / "resources" / "fonts"
FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"
FONT_ITALIC = "DejaVuSans-Oblique"
FONT_BOLD_ITALIC = "DejaVuSans-BoldOblique"

# Colours, shared with the in-app charts (app/views/votes/results.py, committees/chart.py).
INK = colors.HexColor("#222222")
ACCENT = colors.HexColor("#1f3a4d")
MUTED = colors.HexColor("#5b6770")
GRID = colors.HexColor("#e3e1dc")
HEADER_BG = colors.HexColor("#eef1f4")
ZEBRA = colors.HexColor("#f7f8f9")
WINNER = colors.HexColor("#2e7d32")
OTHER = colors.HexColor("#90a4ae")
LINE = colors.HexColor("#2d5670")
TARGET = colors.HexColor("#2e7d32")
BASELINE = colors.HexColor("#8a8f94")
OFF = colors.HexColor("#b3261e")
#: Grades of a merit profile, best first (as in the app).
GRADE_COLOURS = [
    colors.HexColor(c)
    for c in ("#1b5e20", "#43a047", "#9ccc65", "#fdd835", "#fb8c00", "#e53935", "#8e0000")
]
#: Series colours of bar charts by category (stakeholder types, attribute values…).
SERIES = [
    colors.HexColor(c)
    for c in ("#2d5670", "#5c8fb0", "#9cc3da", "#2e7d32", "#9ccc65", "#fb8c00", "#8e6c8a")
]

PAGE_MARGIN = 18 * mm
HEADER_HEIGHT = 16 * mm
FOOTER_HEIGHT = 10 * mm
#: A table of contents is added when a document with ``toc="auto"`` is longer than this.
TOC_AFTER_PAGES = 4

_lock = threading.Lock()
_registered = False
_styles: dict[str, ParagraphStyle] = {}


def register_fonts() -> None:
    """Register the embedded DejaVu fonts once per process."""
    global _registered
    with _lock:
        if _registered:
            return
        for name in (FONT, FONT_BOLD, FONT_ITALIC, FONT_BOLD_ITALIC):
            pdfmetrics.registerFont(TTFont(name, str(FONT_DIR / f"{name}.ttf")))
        pdfmetrics.registerFontFamily(
            FONT, normal=FONT, bold=FONT_BOLD, italic=FONT_ITALIC, boldItalic=FONT_BOLD_ITALIC
        )
        _registered = True


def styles() -> dict[str, ParagraphStyle]:
    """Paragraph styles by name: title, subtitle, h1, h2, h3, body, small, note, cell, cell_bold,
    cell_right, cell_small, toc1, toc2, centre."""
    register_fonts()
    with _lock:
        if _styles:
            return _styles
        body = ParagraphStyle("body", fontName=FONT, fontSize=9.5, leading=13, textColor=INK)
        made = {
            "body": body,
            "title": ParagraphStyle(
                "title",
                parent=body,
                fontName=FONT_BOLD,
                fontSize=22,
                leading=27,
                textColor=ACCENT,
                spaceAfter=6 * mm,
            ),
            "subtitle": ParagraphStyle(
                "subtitle",
                parent=body,
                fontSize=13,
                leading=17,
                textColor=MUTED,
                spaceAfter=3 * mm,
            ),
            "h1": ParagraphStyle(
                "h1",
                parent=body,
                fontName=FONT_BOLD,
                fontSize=14,
                leading=18,
                textColor=ACCENT,
                spaceBefore=5 * mm,
                spaceAfter=2.5 * mm,
                keepWithNext=1,
            ),
            "h2": ParagraphStyle(
                "h2",
                parent=body,
                fontName=FONT_BOLD,
                fontSize=11.5,
                leading=15,
                textColor=ACCENT,
                spaceBefore=3.5 * mm,
                spaceAfter=1.5 * mm,
                keepWithNext=1,
            ),
            "h3": ParagraphStyle(
                "h3",
                parent=body,
                fontName=FONT_BOLD,
                fontSize=10,
                leading=13,
                spaceBefore=2 * mm,
                spaceAfter=1 * mm,
                keepWithNext=1,
            ),
            "small": ParagraphStyle("small", parent=body, fontSize=8, leading=10.5),
            "note": ParagraphStyle(
                "note",
                parent=body,
                fontName=FONT_ITALIC,
                fontSize=8,
                leading=10.5,
                textColor=MUTED,
            ),
            "cell": ParagraphStyle("cell", parent=body, fontSize=8.5, leading=10.5),
            "cell_bold": ParagraphStyle(
                "cell_bold", parent=body, fontName=FONT_BOLD, fontSize=8.5, leading=10.5
            ),
            "cell_right": ParagraphStyle(
                "cell_right", parent=body, fontSize=8.5, leading=10.5, alignment=TA_RIGHT
            ),
            "cell_small": ParagraphStyle("cell_small", parent=body, fontSize=7.5, leading=9),
            "centre": ParagraphStyle("centre", parent=body, alignment=TA_CENTER),
            "centre_small": ParagraphStyle(
                "centre_small", parent=body, fontSize=7, leading=8.5, alignment=TA_CENTER
            ),
            "toc1": ParagraphStyle("toc1", parent=body, fontName=FONT_BOLD, fontSize=10),
            "toc2": ParagraphStyle("toc2", parent=body, fontSize=9, leftIndent=6 * mm),
        }
        _styles.update(made)
        return _styles


# --------------------------------------------------------------------------- flowables


def esc(text: Any) -> str:
    """Text made safe for paragraph markup (newlines kept as line breaks)."""
    return escape("" if text is None else str(text)).replace("\n", "<br/>")


def para(text: Any, style: str = "body", *, markup: bool = False) -> Paragraph:
    """A paragraph of plain text (escaped), or of reportlab markup when ``markup``."""
    return Paragraph(str(text) if markup else esc(text), styles()[style])


def paras(text: str | None, style: str = "body") -> list[Flowable]:
    """One paragraph per blank-line separated block of ``text`` (nothing for empty text)."""
    blocks = [b.strip() for b in (text or "").replace("\r\n", "\n").split("\n\n")]
    return [para(b, style) for b in blocks if b]


class Heading(Paragraph):
    """A section title: listed in the table of contents and the PDF outline."""

    def __init__(self, text: str, level: int = 1) -> None:
        super().__init__(esc(text), styles()[f"h{min(max(level, 1), 3)}"])
        self.toc_text = text
        self.toc_level = level


def heading(text: str, level: int = 1) -> Heading:
    return Heading(text, level)


def spacer(height_mm: float = 4) -> Spacer:
    return Spacer(1, height_mm * mm)


def table(
    header: Sequence[Any] | None,
    rows: Sequence[Sequence[Any]],
    *,
    widths: Sequence[float] | None = None,
    align: str | Sequence[str] | None = None,
    zebra: bool = True,
    font_size: float = 8.5,
    row_height: float | None = None,
    bold_last_row: bool = False,
    extra_style: Sequence[tuple] = (),
) -> Table:
    """A table in the house style: a shaded header row repeated on each page, light rules.

    Cells may be strings (fast, no wrapping) or flowables (e.g. :func:`para` with "cell").
    ``align`` is one letter per column: "L", "R" or "C". ``widths`` in points.
    """
    data = ([list(header)] if header else []) + [list(r) for r in rows]
    ncols = max((len(r) for r in data), default=0)
    commands: list[tuple] = [
        ("FONT", (0, 0), (-1, -1), FONT, font_size),
        ("TEXTCOLOR", (0, 0), (-1, -1), INK),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.4, GRID),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
    ]
    if header:
        commands += [
            ("FONT", (0, 0), (-1, 0), FONT_BOLD, font_size),
            ("BACKGROUND", (0, 0), (-1, 0), HEADER_BG),
            ("LINEBELOW", (0, 0), (-1, 0), 0.8, ACCENT),
        ]
    if zebra:
        first = 1 if header else 0
        commands.append(("ROWBACKGROUNDS", (0, first), (-1, -1), [colors.white, ZEBRA]))
    if isinstance(align, str):
        # "R" for every column, or one letter per column ("LRR").
        align = [align] * ncols if len(align) == 1 else list(align)
    for col, letter in enumerate(align or []):
        word = {"L": "LEFT", "R": "RIGHT", "C": "CENTER"}.get(letter.upper(), "LEFT")
        commands.append(("ALIGN", (col, 0), (col, -1), word))
    if bold_last_row and rows:
        commands.append(("FONT", (0, -1), (-1, -1), FONT_BOLD, font_size))
        commands.append(("LINEABOVE", (0, -1), (-1, -1), 0.8, ACCENT))
    commands += list(extra_style)
    heights = None if row_height is None else [row_height] * len(data)
    result = Table(
        data,
        colWidths=list(widths) if widths else None,
        rowHeights=heights,
        repeatRows=1 if header else 0,
        hAlign="LEFT",
    )
    result.setStyle(TableStyle(commands))
    return result


def key_values(pairs: Sequence[tuple[str, Any]], *, key_width: float = 45 * mm) -> Table:
    """Two columns: a bold label and its value (paragraphs, so long values wrap)."""
    s = styles()
    rows = [
        [
            Paragraph(esc(k), s["cell_bold"]),
            v if isinstance(v, Flowable) else Paragraph(esc(v), s["cell"]),
        ]
        for k, v in pairs
        if v not in (None, "")
    ]
    result = Table(rows, colWidths=[key_width, None], hAlign="LEFT")
    result.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.4, GRID),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    return result


def title_block(
    title: str, subtitle: str | None = None, facts: Sequence[tuple[str, Any]] = ()
) -> list[Flowable]:
    """The top of a first page: big title, a subtitle, the key facts."""
    parts: list[Flowable] = [spacer(6), para(title, "title")]
    if subtitle:
        parts.append(para(subtitle, "subtitle"))
    if facts:
        parts += [spacer(2), key_values(facts)]
    return parts


def letterhead(identity: Identity, height_mm: float = 24) -> list[Flowable]:
    """The workspace's logo (scaled, proportions kept) and name, large, for a title page."""
    parts: list[Flowable] = []
    if identity.logo:
        try:
            _reader, width, height = _scaled_logo(identity.logo, 80 * mm, height_mm * mm)
            parts.append(
                Image(io.BytesIO(identity.logo), width=width, height=height, hAlign="LEFT")
            )
        except Exception:  # a logo that cannot be read is left out
            parts = []
    if identity.name:
        parts += [spacer(3), para(identity.name, "subtitle")]
    return [*parts, spacer(10)] if parts else []


def keep(*flowables: Flowable) -> KeepTogether:
    return KeepTogether(list(flowables))


def new_page() -> PageBreak:
    return PageBreak()


def room_for(height_mm: float) -> CondPageBreak:
    """Start a new page unless ``height_mm`` is left on this one."""
    return CondPageBreak(height_mm * mm)


def format_day(day: date | None) -> str:
    """A date as printed in documents, in the document's language (see app.locale_formats)."""
    return locale_formats.format_day(day)


def format_number(value: float | int | None, decimals: int = 0) -> str:
    """A number as printed, with the language's decimal mark and thousands separator."""
    return locale_formats.format_number(value, decimals)


def format_percent(share: float | None, decimals: int = 0) -> str:
    return locale_formats.format_percent(share, decimals)


# --------------------------------------------------------------------------- documents


@dataclass
class Document:
    """What a document module builds; :func:`render` turns it into a PDF."""

    title: str
    #: One sentence on what it is about (PDF "Subject").
    subject: str
    story: list[Flowable] = field(default_factory=list)
    #: True: always a table of contents; "auto": when longer than 4 pages; False: never.
    toc: bool | str = False
    #: Landscape A4 instead of portrait.
    wide: bool = False
    keywords: str = ""
    #: Drawn under the title in the page header (e.g. the session and its date).
    header_note: str = ""
    #: Drawn on the left of every footer (e.g. a GDPR notice reference); the date by default.
    footer_note: str = ""
    #: A short text printed in small type at the foot of every page, above the footer
    #: (e.g. the data-protection notice of a sign-in sheet).
    page_foot: str = ""


@dataclass(frozen=True)
class Rendered:
    pages: int
    #: Section titles and the page they start on (level, text, page).
    headings: tuple[tuple[int, str, int], ...]


def _scaled_logo(logo: bytes, max_w: float, max_h: float) -> tuple[ImageReader, float, float]:
    reader = ImageReader(io.BytesIO(logo))
    width, height = reader.getSize()
    scale = min(max_w / width, max_h / height)
    return reader, width * scale, height * scale


def _fit(text: str, font: str, size: float, width: float) -> str:
    """``text`` shortened with an ellipsis to fit ``width`` points."""
    if pdfmetrics.stringWidth(text, font, size) <= width:
        return text
    while text and pdfmetrics.stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


class _Page:
    """Draws the header and footer of each page (footer totals filled in at save)."""

    def __init__(self, document: Document, identity: Identity, today: date) -> None:
        self.document = document
        self.identity = identity
        self.today = today
        self.logo = None
        if identity.logo:
            try:
                self.logo = _scaled_logo(identity.logo, 28 * mm, 11 * mm)
            except Exception:  # a logo that cannot be read prints no logo
                self.logo = None
        self.footer_left = document.footer_note or _(
            "Printed on {date} with Atelier Citoyen"
        ).format(date=format_day(today))

    def foot_height(self, width: float) -> float:
        """Room taken by the document's page foot text (0 without one)."""
        if not self.document.page_foot:
            return 0
        self.foot = para(self.document.page_foot, "cell_small")
        self.foot_size = self.foot.wrap(width, 100 * mm)
        return self.foot_size[1] + 3 * mm

    def header(self, canvas: Canvas, doc: BaseDocTemplate) -> None:
        width, height = doc.pagesize
        top = height - PAGE_MARGIN + 4 * mm
        x = PAGE_MARGIN
        canvas.saveState()
        if self.logo is not None:
            reader, w, h = self.logo
            canvas.drawImage(reader, x, top - h, width=w, height=h, mask="auto")
            x += w + 3 * mm
        right = width - PAGE_MARGIN
        canvas.setFillColor(ACCENT)
        canvas.setFont(FONT_BOLD, 9.5)
        name = self.identity.name or "Atelier Citoyen"
        canvas.drawString(x, top - 4 * mm, _fit(name, FONT_BOLD, 9.5, (right - x) * 0.45))
        canvas.setFillColor(MUTED)
        canvas.setFont(FONT, 8.5)
        title = _fit(self.document.title, FONT, 8.5, (right - x) * 0.52)
        canvas.drawRightString(right, top - 4 * mm, title)
        if self.document.header_note:
            note = _fit(self.document.header_note, FONT, 7.5, (right - x) * 0.52)
            canvas.setFont(FONT, 7.5)
            canvas.drawRightString(right, top - 8 * mm, note)
        canvas.setStrokeColor(ACCENT)
        canvas.setLineWidth(0.8)
        canvas.line(PAGE_MARGIN, top - 11.5 * mm, right, top - 11.5 * mm)
        if self.document.page_foot:
            self.foot.drawOn(canvas, PAGE_MARGIN, PAGE_MARGIN - 2 * mm)
        canvas.restoreState()

    def footer(self, canvas: Canvas, page: int, pages: int) -> None:
        width, _height = canvas._pagesize
        y = PAGE_MARGIN - 8 * mm
        canvas.saveState()
        canvas.setStrokeColor(GRID)
        canvas.setLineWidth(0.5)
        canvas.line(PAGE_MARGIN, y + 4 * mm, width - PAGE_MARGIN, y + 4 * mm)
        canvas.setFont(FONT, 7.5)
        canvas.setFillColor(MUTED)
        canvas.drawString(PAGE_MARGIN, y, _fit(self.footer_left, FONT, 7.5, width * 0.6))
        canvas.drawRightString(
            width - PAGE_MARGIN, y, _("Page {page} of {pages}").format(page=page, pages=pages)
        )
        canvas.restoreState()


def _canvas_class(page: _Page, today: date):
    """A canvas that keeps its pages until the end, to print "page X of Y" on each."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []
            self.setDateFormatter(
                lambda *_a: f"D:{today.year:04d}{today.month:02d}{today.day:02d}000000+00'00'"
            )

        def showPage(self) -> None:
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                page.footer(self, number, total)
                Canvas.showPage(self)
            Canvas.save(self)

    return NumberedCanvas


class _Template(BaseDocTemplate):
    def __init__(self, target, *, page: _Page, total: int, progress: Progress, cancel, **kw):
        super().__init__(target, **kw)
        width = self.pagesize[0] - 2 * PAGE_MARGIN
        foot = page.foot_height(width)
        frame = Frame(
            PAGE_MARGIN,
            PAGE_MARGIN + FOOTER_HEIGHT - 6 * mm + foot,
            width,
            self.pagesize[1] - 2 * PAGE_MARGIN - HEADER_HEIGHT - FOOTER_HEIGHT + 10 * mm - foot,
            id="body",
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
        )
        self.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=page.header)])
        self.headings: list[tuple[int, str, int]] = []
        self._total = max(total, 1)
        self._progress = progress
        self._cancel = cancel
        self._done = 0
        self._outline_level = -1

    def afterFlowable(self, flowable: Flowable) -> None:
        if isinstance(flowable, Heading):
            key = f"h{len(self.headings)}"
            self.canv.bookmarkPage(key)
            level = min(flowable.toc_level - 1, self._outline_level + 1)
            self._outline_level = level
            self.canv.addOutlineEntry(flowable.toc_text, key, level=level)
            self.headings.append((flowable.toc_level, flowable.toc_text, self.page))
        self._done += 1
        if self._done % 8 == 0:
            if self._cancel is not None:
                self._cancel.check()
            self._progress(min(self._done, self._total), self._total)


def _toc_flowables(headings: Sequence[tuple[int, str, int]], offset: int) -> list[Flowable]:
    s = styles()
    rows = [
        [Paragraph(esc(text), s["toc1" if level == 1 else "toc2"]), str(page + offset)]
        for level, text, page in headings
        if level <= 2
    ]
    contents = table(
        None,
        rows,
        widths=[150 * mm, 20 * mm],
        align="LR",
        zebra=False,
        extra_style=[("LINEBELOW", (0, 0), (-1, -1), 0.3, GRID)],
    )
    return [para(_("Contents"), "h1"), contents, PageBreak()]


def _build(
    document: Document,
    story: list[Flowable],
    target,
    *,
    identity: Identity,
    language: str,
    today: date,
    progress: Progress,
    cancel,
) -> _Template:
    page = _Page(document, identity, today)
    doc = _Template(
        target,
        page=page,
        total=len(story),
        progress=progress,
        cancel=cancel,
        pagesize=landscape(A4) if document.wide else A4,
        leftMargin=PAGE_MARGIN,
        rightMargin=PAGE_MARGIN,
        topMargin=PAGE_MARGIN + HEADER_HEIGHT,
        bottomMargin=PAGE_MARGIN + FOOTER_HEIGHT,
        title=document.title,
        author=identity.name or "Atelier Citoyen",
        subject=document.subject,
        keywords=document.keywords,
        creator="Atelier Citoyen",
        producer="Atelier Citoyen (reportlab)",
        invariant=1,
        lang=language,
        initialFontName=FONT,
    )
    doc.build(list(story), canvasmaker=_canvas_class(page, today))
    return doc


def _copy_story(story: list[Flowable]) -> list[Flowable]:
    """Flowables can be drawn once only after splitting; a second pass needs fresh copies."""
    import copy

    return [copy.deepcopy(f) for f in story]


def render(
    document: Document,
    target,
    *,
    identity: Identity,
    language: str,
    today: date,
    progress: Progress = no_progress,
    cancel: CancelToken | None = None,
) -> Rendered:
    """Write ``document`` as a PDF to ``target`` (a path or a binary file object)."""
    register_fonts()
    kwargs = dict(
        identity=identity, language=language, today=today, progress=progress, cancel=cancel
    )
    if not document.toc:
        doc = _build(document, document.story, target, **kwargs)
        return Rendered(doc.page, tuple(doc.headings))
    # First pass: where the sections fall without contents.
    pristine = _copy_story(document.story)
    first = io.BytesIO()
    doc = _build(document, document.story, first, **kwargs)
    if document.toc == "auto" and doc.page <= TOC_AFTER_PAGES:
        target_write(target, first.getvalue())
        return Rendered(doc.page, tuple(doc.headings))
    headings = list(doc.headings)
    # The contents go after the title page; their own length shifts the later sections.
    offset = 1
    for _attempt in range(3):
        story = _copy_story(pristine)
        cut = _first_break(story)
        expected = [(lvl, text, p + offset if p > 1 else p) for lvl, text, p in headings]
        out = io.BytesIO()
        toc = _toc_flowables(expected, 0)
        doc = _build(document, story[:cut] + toc + story[cut:], out, **kwargs)
        printed = list(doc.headings)
        if printed == expected or len(printed) != len(headings):
            break
        later = [
            (p2 - p1)
            for (_l, _t, p1), (_m, _u, p2) in zip(headings, printed, strict=False)
            if p1 > 1
        ]
        offset = later[-1] if later else offset
    target_write(target, out.getvalue())
    return Rendered(doc.page, tuple(doc.headings))


def _first_break(story: list[Flowable]) -> int:
    """Index just after the first page break (the title page), or 0."""
    for index, flowable in enumerate(story):
        if isinstance(flowable, PageBreak):
            return index + 1
    return 0


def target_write(target, data: bytes) -> None:
    if hasattr(target, "write"):
        target.write(data)
    else:
        Path(target).write_bytes(data)


__all__ = [
    "ACCENT",
    "GRADE_COLOURS",
    "SERIES",
    "Document",
    "Heading",
    "Rendered",
    "esc",
    "format_day",
    "format_number",
    "format_percent",
    "heading",
    "keep",
    "key_values",
    "new_page",
    "para",
    "paras",
    "register_fonts",
    "render",
    "room_for",
    "spacer",
    "styles",
    "table",
    "title_block",
]
