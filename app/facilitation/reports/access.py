"""A participant's own data as a PDF (right of access, GDPR article 15).

The content is :func:`app.facilitation.consent.access_export`, the same as the JSON and text
exports, laid out as tables; times in UTC so the document is the same wherever it is printed.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from reportlab.lib.units import mm
from sqlalchemy.orm import Session

from app.errors import AtelierError
from app.facilitation import consent
from app.facilitation.identity import get_identity
from app.facilitation.reports import style
from app.i18n import _


def _moment(value: str | None) -> str:
    if not value:
        return "—"
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        return value
    return f"{style.format_day(moment.date())} {moment.strftime('%H:%M')} UTC"


def _day(value: str | None) -> str:
    return style.format_day(date.fromisoformat(value[:10])) if value else "—"


def build(session: Session, subject_id: uuid.UUID | None, *, today: date) -> style.Document:
    if subject_id is None:
        raise AtelierError(_("Choose the participant whose data to print."))
    data = consent.access_export(session, subject_id)
    person = data["participant"]
    identity = get_identity(session)
    name = f"{person['first_name']} {person['last_name']}".strip() or _("(erased)")
    none = _("(none)")
    fields = [
        (_("First name"), person["first_name"]),
        (_("Last name"), person["last_name"]),
        (_("Badge code"), person["code"]),
        (_("Email"), person["email"]),
        (_("Phone"), person["phone"]),
        (_("Postal address"), person["postal_address"]),
        (_("Stakeholder type"), person["stakeholder_label"]),
        (_("Organisation"), person["affiliation"]),
        (_("Municipality"), person["organisation"]),
        (_("Birth year"), person["birth_year"]),
        (_("Notes"), person["notes"]),
        (_("Registered on"), _moment(person["created_at"])),
        (_("Last changed on"), _moment(person["updated_at"])),
    ]
    if person["erased_at"]:
        fields.append((_("Personal data erased on"), _moment(person["erased_at"])))
    title = _("Personal data held about {name}").format(name=name)
    story: list = style.title_block(
        title,
        _("Right of access — {date}").format(date=style.format_day(today)),
    )
    story.append(
        style.para(
            _(
                "This document lists every piece of information {who} holds about you in its "
                "participation register, as of the date above. To correct or erase any of it, "
                "or to withdraw a consent, ask the facilitators or write to {who}."
            ).format(who=identity.name or _("the organiser")),
            "body",
        )
    )
    story += [style.heading(_("Identity and contact")), style.key_values(
        [(label, "—" if value in (None, "") else str(value)) for label, value in fields]
    )]  # fmt: skip
    story.append(style.heading(_("Attributes used for statistics")))
    if data["attributes"]:
        story.append(
            style.table(
                [_("Category"), _("Value")],
                [[a["category"], a["value"]] for a in data["attributes"]],
                widths=[70 * mm, 104 * mm],
            )
        )
    else:
        story.append(style.para(none, "note"))
    story.append(style.heading(_("Consents")))
    if data["consents"]:
        story.append(
            style.table(
                [_("Purpose"), _("Given on"), _("How"), _("Withdrawn on")],
                [
                    [
                        style.para(c["purpose_label"], "cell"),
                        _day(c["given_on"]),
                        c["method_label"],
                        _day(c["withdrawn_on"]) if c["withdrawn_on"] else "",
                    ]
                    for c in data["consents"]
                ],
                widths=[74 * mm, 28 * mm, 44 * mm, 28 * mm],
            )
        )
    else:
        story.append(style.para(none, "note"))
    story.append(style.heading(_("Attendance")))
    if data["attendance"]:
        story.append(
            style.table(
                [_("Signed in"), _("Session"), _("Process")],
                [
                    [
                        _moment(a["signed_in_at"]),
                        style.para(a["session"], "cell"),
                        style.para(a["process"], "cell"),
                    ]
                    for a in data["attendance"]
                ],
                widths=[36 * mm, 69 * mm, 69 * mm],
            )
        )
    else:
        story.append(style.para(none, "note"))
    story.append(style.heading(_("Processes taken part in")))
    if data["registrations"]:
        rows = []
        for r in data["registrations"]:
            line = r["process"]
            if r["jury_volunteer"]:
                line += _(" (volunteered for a citizen jury)")
            rows.append([_moment(r["registered_at"]), line])
        story.append(
            style.table([_("Registered on"), _("Process")], rows, widths=[36 * mm, 138 * mm])
        )
    else:
        story.append(style.para(none, "note"))
    return style.Document(
        title=title,
        subject=_("Right of access: the personal data held about one participant"),
        story=story,
        header_note=_("Confidential — for {name} only").format(name=name),
        keywords="RGPD, GDPR, droit d'accès",
    )
