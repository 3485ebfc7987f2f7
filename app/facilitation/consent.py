"""Consent (GDPR): what each person agreed to, how long their data may be kept, erasure, and
the right of access.

Each participant has consent records: a purpose (contact, photo, jury pool, partner sharing, or
one the workspace added), the date it was given, how (paper form, oral, online) and, if it was
withdrawn, when. Each purpose has a retention period in months (``consent_purpose``), or none
(kept until withdrawn).

The retention rule, plainly:

* A consent is **current** on a given day when it has not been withdrawn (no withdrawal date,
  or one still in the future) and either its purpose has no retention period, or that day is
  before the end of the period. The period is counted from the later of the day the consent
  was given and the day the person last attended a session: someone who keeps coming keeps
  their data.
* A participant is **past retention** when they have no current consent (all withdrawn or all
  expired) and have not been erased yet. Someone with no consent recorded at all (a newcomer
  signed in at the door, say) is kept for the retention period of the "contact" purpose,
  counted from the later of the day they were entered and their last attendance.

Erasure removes the personal data (names, contact, address, affiliation, notes, birth year,
consent records, badge code) but keeps the row with its stakeholder type, demographic
attributes, registrations and attendance, so every published count (people per session, per
neighbourhood, per stakeholder type) stays exactly true. Erased people no longer appear in the
list or in searches. The audit log records how many people were erased, never who.
"""

from __future__ import annotations

import calendar
import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import delete, func, select, text
from sqlalchemy.orm import Session

from app.errors import AtelierError, Cancelled
from app.facilitation import audit, labels
from app.facilitation.vocabularies import slug
from app.facilitation.volunteers import forget_erased_names
from app.i18n import N_, _, ngettext
from app.jobs import CancelToken, Progress, no_progress
from app.models import (
    CONSENT_METHODS,
    CONSENT_PURPOSES,
    Attendance,
    AttributeCategory,
    AttributeValue,
    ConsentPurpose,
    ConsentRecord,
    Organisation,
    Participant,
    ParticipantAttribute,
    Process,
    Registration,
    utcnow,
)
from app.models import Session as WorkshopSession
from app.models.text import new_participant_code

_PURPOSE_LABELS = {
    "contact": N_("Contact"),
    "photo": N_("Photos"),
    "jury_pool": N_("Citizen jury pool"),
    "partner_sharing": N_("Sharing with partners"),
}
_METHOD_LABELS = {
    "paper": N_("Paper form"),
    "oral": N_("Oral"),
    "online": N_("Online"),
}
#: Participants erased per step (one transaction for all; steps only report progress).
ERASE_BATCH = 500


class ConsentError(AtelierError):
    """A consent or retention change was refused; the message says why."""


def purpose_label(code: str, label: str | None = None) -> str:
    """The label a person typed, or the translated label of a built-in purpose."""
    if label:
        return label
    return _(_PURPOSE_LABELS[code]) if code in _PURPOSE_LABELS else code


def method_label(code: str) -> str:
    return _(_METHOD_LABELS[code]) if code in _METHOD_LABELS else code


def method_choices() -> list[tuple[str, str]]:
    """(code, translated label) of every way a consent can be given, for a combo box."""
    return [(code, method_label(code)) for code in CONSENT_METHODS]


def add_months(day: date, months: int) -> date:
    """``2026-01-31`` + 1 month → ``2026-02-28`` (the day is kept when the month has it)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


# --------------------------------------------------------------------------- purposes


@dataclass(frozen=True)
class PurposeInfo:
    code: str
    label: str
    #: Months the data may be kept; None: until the consent is withdrawn.
    retention_months: int | None
    builtin: bool


def _retention_by_purpose(session: Session) -> dict[str, int | None]:
    found: dict[str, int | None] = dict(CONSENT_PURPOSES)
    for code, months in session.execute(
        select(ConsentPurpose.code, ConsentPurpose.retention_months)
    ):
        found[code] = months
    return found


def list_purposes(session: Session) -> list[PurposeInfo]:
    rows = session.scalars(
        select(ConsentPurpose).order_by(ConsentPurpose.position, ConsentPurpose.code)
    )
    return [
        PurposeInfo(
            code=p.code,
            label=purpose_label(p.code, p.label),
            retention_months=p.retention_months,
            builtin=p.label is None and p.code in _PURPOSE_LABELS,
        )
        for p in rows
    ]


def _check_months(months: int | None) -> int | None:
    if months is None:
        return None
    if isinstance(months, bool) or not isinstance(months, int) or not 1 <= months <= 1200:
        raise ConsentError(_("A retention period is a number of months between 1 and 1200."))
    return months


def _purpose(session: Session, code: str) -> ConsentPurpose:
    purpose = session.scalar(select(ConsentPurpose).where(ConsentPurpose.code == code))
    if purpose is None:
        raise ConsentError(_("There is no consent purpose “{code}”.").format(code=code))
    return purpose


def add_purpose(
    session: Session, code: str | None, label: str, retention_months: int | None
) -> uuid.UUID:
    """Add a consent purpose (code made from the label when not given); commits."""
    label = " ".join((label or "").split())
    if not label:
        raise ConsentError(_("A consent purpose needs a name."))
    code = slug(code or label)[:40]
    if not code:
        raise ConsentError(_("“{label}” cannot be turned into a code.").format(label=label))
    months = _check_months(retention_months)
    if session.scalar(select(ConsentPurpose.id).where(ConsentPurpose.code == code)):
        raise ConsentError(_("A consent purpose “{code}” already exists.").format(code=code))
    position = session.scalar(select(func.max(ConsentPurpose.position)))
    purpose = ConsentPurpose(
        code=code, label=label, retention_months=months, position=(position or 0) + 1
    )
    session.add(purpose)
    session.commit()
    return purpose.id


def set_retention(session: Session, code: str, months: int | None) -> None:
    """Change how long data may be kept for a purpose (None: until withdrawn); commits."""
    _purpose(session, code).retention_months = _check_months(months)
    session.commit()


# --------------------------------------------------------------------------- consents


@dataclass(frozen=True)
class ConsentInfo:
    id: uuid.UUID
    purpose: str
    purpose_label: str
    given_on: date
    method: str
    method_label: str
    withdrawn_on: date | None
    note: str | None


def consents_of(session: Session, participant_id: uuid.UUID) -> list[ConsentInfo]:
    labels_by_code = {p.code: p.label for p in list_purposes(session)}
    records = session.scalars(
        select(ConsentRecord)
        .where(ConsentRecord.participant_id == participant_id)
        .order_by(ConsentRecord.given_on, ConsentRecord.purpose)
    )
    return [
        ConsentInfo(
            id=r.id,
            purpose=r.purpose,
            purpose_label=labels_by_code.get(r.purpose) or purpose_label(r.purpose),
            given_on=r.given_on,
            method=r.method,
            method_label=method_label(r.method),
            withdrawn_on=r.withdrawn_on,
            note=r.note,
        )
        for r in records
    ]


def add_consent(
    session: Session,
    participant_id: uuid.UUID,
    purpose: str,
    given_on: date,
    method: str = "paper",
    note: str | None = None,
) -> uuid.UUID:
    """Record a consent a participant gave; commits."""
    participant = session.get(Participant, participant_id)
    if participant is None or participant.erased_at is not None:
        raise ConsentError(_("This participant no longer exists."))
    _purpose(session, purpose)
    if method not in CONSENT_METHODS:
        raise ConsentError(_("Unknown way of giving consent “{method}”.").format(method=method))
    if not isinstance(given_on, date):
        raise ConsentError(_("A consent needs the date it was given."))
    record = ConsentRecord(
        participant_id=participant_id,
        purpose=purpose,
        given_on=given_on,
        method=method,
        note=(note or "").strip() or None,
    )
    session.add(record)
    session.commit()
    return record.id


def withdraw_consent(session: Session, consent_id: uuid.UUID, withdrawn_on: date) -> None:
    """Record that a consent was withdrawn on ``withdrawn_on``; commits."""
    record = session.get(ConsentRecord, consent_id)
    if record is None:
        raise ConsentError(_("This consent no longer exists."))
    if record.withdrawn_on is not None:
        raise ConsentError(
            _("This consent was already withdrawn on {date}.").format(
                date=record.withdrawn_on.isoformat()
            )
        )
    if withdrawn_on < record.given_on:
        raise ConsentError(_("A consent cannot be withdrawn before the day it was given."))
    record.withdrawn_on = withdrawn_on
    session.commit()


# --------------------------------------------------------------------------- retention


def consent_ends(
    given_on: date,
    withdrawn_on: date | None,
    retention_months: int | None,
    last_attendance: date | None,
) -> date | None:
    """The first day a consent is no longer current (None: current until withdrawn)."""
    ends = None
    if retention_months is not None:
        start = max(given_on, last_attendance) if last_attendance else given_on
        ends = add_months(start, retention_months)
    if withdrawn_on is not None:
        ends = min(ends, withdrawn_on) if ends else withdrawn_on
    return ends


@dataclass(frozen=True)
class RetentionCase:
    """Someone whose data may no longer be kept."""

    participant_id: uuid.UUID
    name: str
    code: str
    #: The later of their last attendance and their last consent (None: neither).
    last_activity: date | None
    #: The day their last consent stopped being current (None: no consent recorded).
    ended_on: date | None
    reason: str


def _last_attendance(session: Session) -> dict[uuid.UUID, date]:
    rows = session.execute(
        select(Attendance.participant_id, func.max(Attendance.signed_in_at)).group_by(
            Attendance.participant_id
        )
    )
    return {pid: _as_date(at) for pid, at in rows if at is not None}


def _as_date(value) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, str):  # SQLite aggregates may come back as text
        return datetime.fromisoformat(value).date()
    return value


def past_retention(session: Session, today: date) -> list[RetentionCase]:
    """Everyone (not erased) with no current consent on ``today``, by name."""
    retention = _retention_by_purpose(session)
    attended = _last_attendance(session)
    consents: dict[uuid.UUID, list[tuple]] = defaultdict(list)
    for pid, purpose, given_on, withdrawn_on in session.execute(
        select(
            ConsentRecord.participant_id,
            ConsentRecord.purpose,
            ConsentRecord.given_on,
            ConsentRecord.withdrawn_on,
        )
    ):
        consents[pid].append((purpose, given_on, withdrawn_on))
    people = session.execute(
        select(
            Participant.id,
            Participant.first_name,
            Participant.last_name,
            Participant.code,
            Participant.created_at,
        )
        .where(Participant.erased_at.is_(None))
        .order_by(Participant.sort_key, Participant.id)
    )
    cases = []
    for pid, first, last, code, created_at in people:
        last_seen = attended.get(pid)
        records = consents.get(pid, [])
        if not records:
            start = max(d for d in (_as_date(created_at), last_seen) if d is not None)
            ends = consent_ends(start, None, retention.get("contact"), last_seen)
            if ends is None or today < ends:
                continue
            cases.append(
                RetentionCase(
                    participant_id=pid,
                    name=f"{first} {last}".strip(),
                    code=code,
                    last_activity=start,
                    ended_on=ends,
                    reason=_("No consent recorded; kept until {date}.").format(
                        date=ends.isoformat()
                    ),
                )
            )
            continue
        ends_list = []
        current = False
        for purpose, given_on, withdrawn_on in records:
            if withdrawn_on is not None and withdrawn_on > today:
                withdrawn_on = None  # a withdrawal dated later: current until then
            ends = consent_ends(given_on, withdrawn_on, retention.get(purpose), last_seen)
            if ends is None or today < ends:
                current = True
                break
            ends_list.append((ends, withdrawn_on is not None and withdrawn_on == ends))
        if current:
            continue
        activity = [d for d in [last_seen, *(r[1] for r in records)] if d is not None]
        ended_on, withdrawn = max(ends_list)
        if withdrawn:
            reason = _("Consent withdrawn on {date}.").format(date=ended_on.isoformat())
        else:
            reason = _("Retention period ended on {date}.").format(date=ended_on.isoformat())
        cases.append(
            RetentionCase(
                participant_id=pid,
                name=f"{first} {last}".strip(),
                code=code,
                last_activity=max(activity) if activity else None,
                ended_on=ended_on,
                reason=reason,
            )
        )
    return cases


# --------------------------------------------------------------------------- erasure


@dataclass(frozen=True)
class ErasureResult:
    erased: int
    #: Ids given that were already erased or no longer exist.
    skipped: int
    consents_removed: int

    def message(self) -> str:
        return ngettext(
            "Personal data of {n} participant erased.",
            "Personal data of {n} participants erased.",
            self.erased,
        ).format(n=self.erased)


def erase_participants(
    session: Session,
    ids,
    *,
    progress: Progress = no_progress,
    cancel: CancelToken | None = None,
) -> ErasureResult:
    """Erase the personal data of these participants, in one transaction (see the module
    docstring for what is kept); commits. Cancelling changes nothing."""
    wanted = list(dict.fromkeys(ids))
    total = len(wanted)
    erased = skipped = removed = 0
    now = utcnow()
    try:
        if session.get_bind().dialect.name == "sqlite":
            # Freed space is overwritten with zeros, so the erased text leaves the file too.
            session.execute(text("PRAGMA secure_delete = ON"))
        progress(0, total)
        for start in range(0, total, ERASE_BATCH):
            if cancel is not None:
                cancel.check()
            chunk = wanted[start : start + ERASE_BATCH]
            people = session.scalars(
                select(Participant).where(
                    Participant.id.in_(chunk), Participant.erased_at.is_(None)
                )
            ).all()
            skipped += len(chunk) - len(people)
            live = [p.id for p in people]
            if live:
                removed += (
                    session.execute(
                        delete(ConsentRecord)
                        .where(ConsentRecord.participant_id.in_(live))
                        .execution_options(synchronize_session=False)
                    ).rowcount
                    or 0
                )
            for person in people:
                person.first_name = ""
                person.last_name = ""
                person.email = None
                person.phone = None
                person.postal_address = None
                person.household_key = None
                person.affiliation = None
                person.birth_year = None
                person.notes = None
                person.code = new_participant_code()  # a printed badge no longer leads here
                person.erased_at = now
                person.refresh_keys()
                session.expire(person, ["consents"])
            session.flush()
            forget_erased_names(session, {p.id: p.code for p in people})
            erased += len(people)
            progress(min(start + ERASE_BATCH, total), total)
        if cancel is not None:
            cancel.check()
        if erased:
            audit.append(
                session,
                "participants.erased",
                {"erased": erased, "consents_removed": removed},
            )
        session.commit()
    except Cancelled:
        session.rollback()
        raise
    except BaseException:
        session.rollback()
        raise
    return ErasureResult(erased=erased, skipped=skipped, consents_removed=removed)


# --------------------------------------------------------------------------- right of access


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def access_export(session: Session, participant_id: uuid.UUID) -> dict:
    """Everything held about one person (right of access), as a JSON-serialisable dict."""
    person = session.get(Participant, participant_id)
    if person is None:
        raise AtelierError(_("This participant no longer exists."))
    organisation = (
        session.scalar(select(Organisation.name).where(Organisation.id == person.organisation_id))
        if person.organisation_id
        else None
    )
    attributes = [
        {"category_key": key, "category": label, "value": value}
        for key, label, value in session.execute(
            select(AttributeCategory.key, AttributeCategory.label, AttributeValue.value)
            .join(ParticipantAttribute, ParticipantAttribute.category_id == AttributeCategory.id)
            .join(AttributeValue, AttributeValue.id == ParticipantAttribute.value_id)
            .where(ParticipantAttribute.participant_id == participant_id)
            .order_by(AttributeCategory.position, AttributeCategory.label)
        )
    ]
    consents = [
        {
            "purpose": c.purpose,
            "purpose_label": c.purpose_label,
            "given_on": _iso(c.given_on),
            "method": c.method,
            "method_label": c.method_label,
            "withdrawn_on": _iso(c.withdrawn_on),
            "note": c.note,
        }
        for c in consents_of(session, participant_id)
    ]
    attendance = [
        {
            "session": title,
            "process": process,
            "session_starts_at": _iso(starts_at),
            "signed_in_at": _iso(signed_in_at),
            "signed_out_at": _iso(signed_out_at),
            "method": method,
        }
        for title, process, starts_at, signed_in_at, signed_out_at, method in session.execute(
            select(
                WorkshopSession.title,
                Process.title,
                WorkshopSession.starts_at,
                Attendance.signed_in_at,
                Attendance.signed_out_at,
                Attendance.method,
            )
            .join(WorkshopSession, WorkshopSession.id == Attendance.session_id)
            .join(Process, Process.id == WorkshopSession.process_id)
            .where(Attendance.participant_id == participant_id)
            .order_by(WorkshopSession.starts_at)
        )
    ]
    registrations = [
        {"process": title, "registered_at": _iso(at), "jury_volunteer": bool(volunteer)}
        for title, at, volunteer in session.execute(
            select(Process.title, Registration.created_at, Registration.jury_volunteer)
            .join(Process, Process.id == Registration.process_id)
            .where(Registration.participant_id == participant_id)
            .order_by(Registration.created_at)
        )
    ]
    return {
        "generated_at": _iso(utcnow().replace(microsecond=0)),
        "participant": {
            "id": str(person.id),
            "code": person.code,
            "first_name": person.first_name,
            "last_name": person.last_name,
            "email": person.email,
            "phone": person.phone,
            "postal_address": person.postal_address,
            "household_key": person.household_key,
            "stakeholder_type": person.stakeholder_type,
            "stakeholder_label": labels.stakeholder_type(person.stakeholder_type),
            "affiliation": person.affiliation,
            "organisation": organisation,
            "birth_year": person.birth_year,
            "notes": person.notes,
            "created_at": _iso(person.created_at),
            "updated_at": _iso(person.updated_at),
            "erased_at": _iso(person.erased_at),
        },
        "attributes": attributes,
        "consents": consents,
        "attendance": attendance,
        "registrations": registrations,
    }


def _local(value: str | None) -> str:
    """An ISO UTC time from the export, shown in local time (minutes)."""
    if not value:
        return ""
    moment = datetime.fromisoformat(value)
    return moment.astimezone().strftime("%Y-%m-%d %H:%M") if moment.tzinfo else value


def access_text(session: Session, participant_id: uuid.UUID) -> str:
    """The right-of-access export as plain text with headings, ready to print or render."""
    data = access_export(session, participant_id)
    person = data["participant"]
    none = _("(none)")
    name = f"{person['first_name']} {person['last_name']}".strip() or _("(erased)")
    lines: list[str] = []

    def heading(title: str) -> None:
        if lines:
            lines.append("")
        lines.append(title)
        lines.append("=" * len(title) if not lines[:-1] else "-" * len(title))

    heading(_("Personal data held about {name}").format(name=name))
    lines.append(_("Generated on {when}").format(when=_local(data["generated_at"])))
    heading(_("Identity and contact"))
    fields = [
        (_("First name"), person["first_name"]),
        (_("Last name"), person["last_name"]),
        (_("Badge code"), person["code"]),
        (_("Email"), person["email"]),
        (_("Phone"), person["phone"]),
        (_("Postal address"), (person["postal_address"] or "").replace("\n", ", ")),
        (_("Stakeholder type"), person["stakeholder_label"]),
        (_("Organisation"), person["affiliation"]),
        (_("Municipality"), person["organisation"]),
        (_("Birth year"), person["birth_year"]),
        (_("Notes"), person["notes"]),
        (_("Registered on"), _local(person["created_at"])),
        (_("Last changed on"), _local(person["updated_at"])),
    ]
    if person["erased_at"]:
        fields.append((_("Personal data erased on"), _local(person["erased_at"])))
    for label, value in fields:
        lines.append(
            _("{label}: {value}").format(
                label=label, value=value if value not in (None, "") else none
            )
        )
    heading(_("Attributes used for statistics"))
    for item in data["attributes"]:
        lines.append(_("{label}: {value}").format(label=item["category"], value=item["value"]))
    if not data["attributes"]:
        lines.append(none)
    heading(_("Consents"))
    for item in data["consents"]:
        line = _("{purpose}: given on {date} ({method})").format(
            purpose=item["purpose_label"], date=item["given_on"], method=item["method_label"]
        )
        if item["withdrawn_on"]:
            line += _("; withdrawn on {date}").format(date=item["withdrawn_on"])
        lines.append(line)
    if not data["consents"]:
        lines.append(none)
    heading(_("Attendance"))
    for item in data["attendance"]:
        lines.append(
            _("{when} — {session} ({process})").format(
                when=_local(item["signed_in_at"]), session=item["session"], process=item["process"]
            )
        )
    if not data["attendance"]:
        lines.append(none)
    heading(_("Processes taken part in"))
    for item in data["registrations"]:
        line = item["process"]
        if item["jury_volunteer"]:
            line += _(" (volunteered for a citizen jury)")
        lines.append(line)
    if not data["registrations"]:
        lines.append(none)
    return "\n".join(lines) + "\n"
