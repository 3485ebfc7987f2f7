"""The sign-in sheet (feuille d'émargement) of a session, to print before it starts.

Everyone registered in the session's process (and anyone already signed in), in alphabetical
order, with a signature column; then blank rows for newcomers, and the data-protection notice.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app.errors import AtelierError
from app.facilitation import labels
from app.facilitation.identity import get_identity
from app.facilitation.reports import style
from app.facilitation.sessions import session_info
from app.i18n import _
from app.models import Attendance, Participant, Registration

ROW_HEIGHT = 8.6 * mm
#: Blank rows for people not on the list, unless told otherwise.
DEFAULT_BLANK_ROWS = 12
MAX_BLANK_ROWS = 500
WIDTHS = [10 * mm, 60 * mm, 19 * mm, 40 * mm, 45 * mm]


@dataclass(frozen=True)
class SheetLine:
    participant_id: uuid.UUID
    last_name: str
    first_name: str
    code: str
    stakeholder_type: str
    affiliation: str | None

    @property
    def name(self) -> str:
        return f"{self.last_name.upper()} {self.first_name}".strip()


def sheet_lines(session: Session, session_id: uuid.UUID) -> list[SheetLine]:
    """Registered people and people already signed in, alphabetical (erased people left out)."""
    info = session_info(session, session_id)
    registered = select(Registration.participant_id).where(
        Registration.process_id == info.process_id
    )
    came = select(Attendance.participant_id).where(Attendance.session_id == session_id)
    rows = session.execute(
        select(
            Participant.id,
            Participant.last_name,
            Participant.first_name,
            Participant.code,
            Participant.stakeholder_type,
            Participant.affiliation,
        )
        .where(
            Participant.erased_at.is_(None),
            or_(Participant.id.in_(registered), Participant.id.in_(came)),
        )
        .order_by(Participant.sort_key, Participant.id)
    ).all()
    return [SheetLine(*row) for row in rows]


def _fit(text: str, width: float, size: float = 8.5) -> str:
    if stringWidth(text, style.FONT, size) <= width:
        return text
    while text and stringWidth(text + "…", style.FONT, size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def gdpr_notice(organisation: str) -> str:
    who = organisation or _("the organiser")
    return _(
        "Data protection: the names and signatures on this sheet are collected by {who} to "
        "record attendance at the participation sessions, as part of its public-interest "
        "mission. They are used for nothing else, are not passed on, and are kept only as long "
        "as the retention period of the process. You may access, correct or erase your data, "
        "or object to its use, by asking the facilitators or writing to {who}; you may also "
        "complain to the data-protection authority (in France, the CNIL)."
    ).format(who=who)


def build(
    session: Session,
    subject_id: uuid.UUID | None,
    *,
    today: date,
    blank_rows: int = DEFAULT_BLANK_ROWS,
) -> style.Document:
    if subject_id is None:
        raise AtelierError(_("Choose the session of the sign-in sheet."))
    if not 0 <= blank_rows <= MAX_BLANK_ROWS:
        raise AtelierError(
            _("Blank rows: give a number from 0 to {max}.").format(max=MAX_BLANK_ROWS)
        )
    info = session_info(session, subject_id)
    identity = get_identity(session)
    lines = sheet_lines(session, subject_id)
    day = style.format_day(info.starts_at.date())
    hours = info.starts_at.strftime("%H:%M")
    if info.ends_at is not None:
        hours += f"–{info.ends_at.strftime('%H:%M')}"
    title = _("Sign-in sheet — {session}").format(session=info.title)
    story: list = style.title_block(
        _("Sign-in sheet"),
        info.title,
        [
            (_("Process"), info.process_title),
            (_("Date"), f"{day}, {hours} UTC"),
            (_("Place"), info.place),
            (_("Facilitators"), info.facilitators),
            (_("Expected"), str(len(lines))),
        ],
    )
    story.append(style.spacer(4))
    header = ["#", _("Name"), _("Code"), _("Type, organisation"), _("Signature")]
    rows = []
    for number, line in enumerate(lines, start=1):
        who = labels.stakeholder_type(line.stakeholder_type)
        if line.affiliation:
            who = f"{who} · {line.affiliation}"
        rows.append(
            [
                str(number),
                _fit(line.name, WIDTHS[1] - 6),
                line.code,
                _fit(who, WIDTHS[3] - 6, 7.5),
                "",
            ]
        )
    extra = [("FONT", (3, 1), (3, -1), style.FONT, 7.5), ("FONT", (2, 1), (2, -1), style.FONT, 7.5)]
    extra.append(("LINEBEFORE", (4, 0), (4, -1), 0.4, style.GRID))
    if rows:
        story.append(
            style.table(
                header,
                rows,
                widths=WIDTHS,
                row_height=ROW_HEIGHT,
                align="RLLLL",
                extra_style=extra,
            )
        )
    if not rows:
        story.append(style.para(_("Nobody is registered in this process yet."), "note"))
    if blank_rows:
        story.append(style.room_for(60))
        story.append(style.heading(_("People not on the list"), 2))
        blank_header = ["#", _("Name"), _("Email or phone"), _("Signature")]
        blank = [[str(len(lines) + i + 1), "", "", ""] for i in range(blank_rows)]
        widths = [11 * mm, 62 * mm, 53 * mm, 48 * mm]
        story.append(
            style.table(
                blank_header,
                blank,
                widths=widths,
                row_height=ROW_HEIGHT,
                zebra=False,
                align="RLLL",
                extra_style=[("LINEBEFORE", (1, 0), (-1, -1), 0.4, style.GRID)],
            )
        )
    return style.Document(
        title=title,
        subject=_("Attendance sheet of the session of {day}").format(day=day),
        story=story,
        header_note=f"{day} · {info.place or ''}".strip(" ·"),
        page_foot=gdpr_notice(identity.name),
        keywords="émargement, sign-in",
    )
