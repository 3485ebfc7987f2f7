"""The certificate of volunteering (attestation de bénévolat): one page per volunteer, with
the municipality's name and logo, the hours given, missions and trainings, the charter and a
signature block. The figures are :func:`app.facilitation.citizen_time.certificate_data`.
"""

from __future__ import annotations

import io
import uuid
from datetime import date

from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Image, Paragraph, Table, TableStyle
from sqlalchemy.orm import Session

from app.errors import AtelierError
from app.facilitation import citizen_time, volunteers
from app.facilitation.identity import get_identity
from app.facilitation.reports import style
from app.i18n import _

W = 174 * mm
#: Missions listed one per line; beyond, the rest are added up on one line (one page).
MAX_MISSION_ROWS = 8
MAX_TRAINING_ROWS = 4


def _table(header, rows, *, align=None, **options):
    """:func:`style.table` with header cells that wrap (translations are longer)."""
    letters = align if isinstance(align, str) and len(align) > 1 else ""
    cells = [
        style.para(
            f"<b>{style.esc(h)}</b>",
            "cell_right" if letters[i : i + 1] == "R" else "cell",
            markup=True,
        )
        if isinstance(h, str) and h
        else h
        for i, h in enumerate(header)
    ]
    # One letter per column (style.table reads a plain string as one letter for all).
    return style.table(cells, rows, align=list(letters) or align, **options)


def subjects(session: Session) -> list[tuple[uuid.UUID, str]]:
    """Every volunteer, by name: "name (code)"."""
    return [
        (v.id, f"{v.name} ({v.code})" if v.code else v.name)
        for v in volunteers.list_volunteers(session)
    ]


def find(session: Session, reference: str) -> uuid.UUID:
    return volunteers.find_volunteer(session, reference)


def _day_option(text: str | date | None, what: str) -> date | None:
    if not text:
        return None
    if isinstance(text, date):
        return text
    try:
        return date.fromisoformat(str(text).strip())
    except ValueError:
        raise AtelierError(
            _("The {what} date “{text}” is not a date (YYYY-MM-DD).").format(what=what, text=text)
        ) from None


def _hours(value: float | None) -> str:
    if value is None:
        return "—"
    text = style.format_number(value, 0 if float(value).is_integer() else 1)
    return _("{n} h").format(n=text)


class _Border(Flowable):
    """A double frame around the page body, drawn where the flowable is placed (first)."""

    def wrap(self, available_width, available_height):
        return 0, 0

    def drawOn(self, canvas, x, y, _sW=0):
        width, height = canvas._pagesize
        canvas.saveState()
        canvas.setStrokeColor(style.ACCENT)
        canvas.setLineWidth(1.6)
        left, bottom = 11 * mm, 19 * mm
        top = height - 29 * mm
        canvas.roundRect(left, bottom, width - 2 * left, top - bottom, 4 * mm)
        canvas.setLineWidth(0.5)
        canvas.setStrokeColor(style.MUTED)
        inset = 1.8 * mm
        canvas.roundRect(
            left + inset, bottom + inset, width - 2 * (left + inset), top - bottom - 2 * inset,
            3 * mm,
        )  # fmt: skip
        canvas.restoreState()

    def draw(self):  # pragma: no cover - drawOn does the work
        pass


def _centred(name: str, size: float, *, bold: bool = False, colour=None, leading=None):
    base = style.styles()["body"]
    return ParagraphStyle(
        name,
        parent=base,
        fontName=style.FONT_BOLD if bold else style.FONT,
        fontSize=size,
        leading=leading or size * 1.3,
        alignment=TA_CENTER,
        textColor=colour or style.INK,
    )


def build(
    session: Session,
    subject_id: uuid.UUID | None,
    *,
    today: date,
    start: str | date | None = "",
    end: str | date | None = "",
) -> style.Document:
    if subject_id is None:
        raise AtelierError(_("Choose the volunteer whose certificate to print."))
    first = _day_option(start, _("start"))
    last = _day_option(end, _("end"))
    if first and last and first > last:
        raise AtelierError(_("The period ends before it starts."))
    data = citizen_time.certificate_data(session, subject_id, start=first, end=last, today=today)
    identity = get_identity(session)
    town = identity.name or _("the organiser")
    big = _centred("cert_name", 22, bold=True, colour=style.ACCENT)
    story: list = [_Border(), style.spacer(4)]
    if identity.logo:
        try:
            logo = Image(io.BytesIO(identity.logo))
            scale = min(60 * mm / logo.imageWidth, 24 * mm / logo.imageHeight)
            logo.drawWidth, logo.drawHeight = logo.imageWidth * scale, logo.imageHeight * scale
            story.append(logo)
        except Exception:  # an unreadable logo prints no logo
            pass
    story += [
        style.spacer(2),
        Paragraph(style.esc(town), _centred("cert_town", 12, bold=True, colour=style.MUTED)),
        style.spacer(5),
        Paragraph(
            style.esc(_("Certificate of volunteering")),
            _centred("cert_title", 26, bold=True, colour=style.ACCENT),
        ),
        style.spacer(6),
        Paragraph(
            style.esc(_("{town} certifies that").format(town=town)), _centred("cert_line", 11)
        ),
        style.spacer(2),
        Paragraph(style.esc(data.name), big),
        style.spacer(2),
    ]
    begin = data.start or data.first_day
    finish = data.end or data.last_day
    if begin and finish:
        period = _("from {start} to {end}").format(
            start=style.format_day(begin), end=style.format_day(finish)
        )
    else:
        period = ""
    sentence = _(
        "took part as a volunteer in “{process}”{period}, giving {hours} of their time."
    ).format(
        process=data.process_title,
        period=f" {period}" if period else "",
        hours=_hours(data.hours),
    )
    story.append(Paragraph(style.esc(sentence), _centred("cert_sentence", 11, leading=15)))
    story.append(style.spacer(10))

    # Missions
    rows = []
    for m in data.missions[:MAX_MISSION_ROWS]:
        span = style.format_day(m.first_day)
        if m.last_day != m.first_day:
            span += f" – {style.format_day(m.last_day)}"
        rows.append(
            [
                style.para(m.title, "cell"),
                style.para(m.action or "—", "cell_small"),
                span,
                str(m.days),
                _hours(m.hours),
            ]
        )
    rest = data.missions[MAX_MISSION_ROWS:]
    if rest:
        rows.append(
            [
                style.para(_("{n} other missions").format(n=len(rest)), "cell"),
                "",
                "",
                str(sum(m.days for m in rest)),
                _hours(sum(m.hours for m in rest)),
            ]
        )
    story.append(style.para(_("Missions"), "h3"))
    if rows:
        rows.append([_("Total"), "", "", str(sum(m.days for m in data.missions)),
                     _hours(data.hours)])  # fmt: skip
        story.append(
            _table(
                [_("Mission"), _("Action"), _("Dates"), _("Days"), _("Hours")],
                rows,
                widths=[52 * mm, 50 * mm, 40 * mm, 14 * mm, 18 * mm],
                align="LLLRR",
                bold_last_row=True,
            )
        )
    else:
        story.append(style.para(_("No hours recorded over this period."), "note"))

    # Trainings
    story.append(style.para(_("Trainings"), "h3"))
    if data.trainings:
        rows = [
            [style.para(t.title, "cell"), style.format_day(t.held_on), _hours(t.hours)]
            for t in data.trainings[:MAX_TRAINING_ROWS]
        ]
        if len(data.trainings) > MAX_TRAINING_ROWS:
            rows.append(
                [_("{n} other trainings").format(n=len(data.trainings) - MAX_TRAINING_ROWS), "", ""]
            )
        story.append(
            _table(
                [_("Training"), _("Date"), _("Hours")],
                rows,
                widths=[124 * mm, 32 * mm, 18 * mm],
                align="LLR",
            )
        )
    else:
        story.append(style.para(_("No training over this period."), "note"))

    # Charter and skills
    story.append(style.spacer(3))
    if data.charter_signed_on:
        charter = _("Signed the volunteers' charter on {date}").format(
            date=style.format_day(data.charter_signed_on)
        )
        if data.charter_version:
            charter += " " + _("(version {version})").format(version=data.charter_version)
        story.append(style.para(charter + "."))
    else:
        story.append(style.para(_("No signed volunteers' charter is recorded."), "note"))
    if data.skills:
        story.append(
            style.para(_("Skills brought: {skills}.").format(skills=", ".join(data.skills)))
        )

    # Signature block
    s = style.styles()
    left = [
        Paragraph(
            style.esc(_("Issued on {date}").format(date=style.format_day(data.issued_on))),
            s["body"],
        ),
        Paragraph(style.esc(_("to serve where it may be useful.")), s["note"]),
    ]
    right = [
        Paragraph(style.esc(_("For {town},").format(town=town)), s["body"]),
        Paragraph(style.esc(_("name, role and signature")), s["note"]),
    ]
    block = Table(
        [[left, right], ["", ""]], colWidths=[84 * mm, 90 * mm], rowHeights=[None, 18 * mm]
    )
    block.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (1, 1), (1, 1), 0.6, style.INK),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    story += [style.spacer(8), style.keep(block)]
    return style.Document(
        title=_("Certificate of volunteering — {name}").format(name=data.name),
        subject=_("Certificate of volunteering in {process}").format(process=data.process_title),
        story=story,
        header_note=data.process_title,
        keywords="attestation de bénévolat, certificate of volunteering",
    )
