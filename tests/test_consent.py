"""Consent (GDPR): purposes and retention, who is past it, erasure that keeps every published
count exact, and the right of access."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app import i18n, store
from app.cli import EXIT_OK, EXIT_REFUSED, main
from app.errors import Cancelled
from app.facilitation import audit, consent
from app.facilitation.consent import (
    ConsentError,
    access_export,
    access_text,
    add_consent,
    add_months,
    add_purpose,
    erase_participants,
    list_purposes,
    past_retention,
    set_retention,
    withdraw_consent,
)
from app.facilitation.participants import (
    ParticipantData,
    count_participants,
    create_participant,
    participant_page,
)
from app.facilitation.vocabularies import value_counts
from app.jobs import CancelToken
from app.models import (
    Attendance,
    AuditEvent,
    ConsentRecord,
    Participant,
    ParticipantAttribute,
    Process,
    Registration,
    Session,
)

# --------------------------------------------------------------------------- purposes


def test_builtin_purposes_and_their_labels(workspace) -> None:
    with workspace.session() as s:
        purposes = list_purposes(s)
        assert [(p.code, p.retention_months) for p in purposes] == [
            ("contact", 36),
            ("photo", 24),
            ("jury_pool", 36),
            ("partner_sharing", 24),
        ]
        assert purposes[0].label == "Contact" and purposes[0].builtin
        assert purposes[2].label == "Citizen jury pool"


def test_add_purpose_and_set_retention(workspace) -> None:
    with workspace.session() as s:
        add_purpose(s, None, "Lettre d'information", None)
        with pytest.raises(ConsentError, match="already exists"):
            add_purpose(s, "lettre_d_information", "Autre", 12)
        with pytest.raises(ConsentError, match="between 1 and 1200"):
            add_purpose(s, "x", "X", 0)
        set_retention(s, "photo", 12)
        with pytest.raises(ConsentError, match="no consent purpose"):
            set_retention(s, "nope", 12)
        found = {p.code: p for p in list_purposes(s)}
    assert found["lettre_d_information"].label == "Lettre d'information"
    assert found["lettre_d_information"].retention_months is None
    assert not found["lettre_d_information"].builtin
    assert found["photo"].retention_months == 12


def test_add_months_keeps_the_day_when_it_can() -> None:
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2026, 9, 19), 36) == date(2029, 9, 19)
    assert add_months(date(2024, 2, 29), 12) == date(2025, 2, 28)
    assert add_months(date(2026, 11, 15), 2) == date(2027, 1, 15)


def test_consent_validation(workspace) -> None:
    with workspace.session() as s:
        pid = create_participant(s, ParticipantData(last_name="Martin"))
        with pytest.raises(ConsentError, match="no consent purpose"):
            add_consent(s, pid, "spam", date(2026, 1, 1))
        with pytest.raises(ConsentError, match="Unknown way"):
            add_consent(s, pid, "contact", date(2026, 1, 1), "pigeon")
        cid = add_consent(s, pid, "contact", date(2026, 1, 10), "online")
        with pytest.raises(ConsentError, match="before the day"):
            withdraw_consent(s, cid, date(2026, 1, 1))
        withdraw_consent(s, cid, date(2026, 2, 1))
        with pytest.raises(ConsentError, match="already withdrawn on 2026-02-01"):
            withdraw_consent(s, cid, date(2026, 3, 1))


# --------------------------------------------------------------------------- retention


def _attend(s, pid: uuid.UUID, when: datetime) -> None:
    process = s.scalar(select(Process).limit(1))
    if process is None:
        process = Process(title="Démarche")
        s.add(process)
        s.flush()
    workshop = Session(process_id=process.id, title=f"Atelier {when:%Y-%m-%d}", starts_at=when)
    s.add(workshop)
    s.flush()
    s.add(Attendance(session_id=workshop.id, participant_id=pid, signed_in_at=when))
    s.commit()


def test_who_is_past_retention(workspace) -> None:
    today = date(2030, 1, 1)
    with workspace.session() as s:

        def person(name: str) -> uuid.UUID:
            return create_participant(s, ParticipantData(first_name=name, last_name="Test"))

        expired = person("Expirée")
        add_consent(s, expired, "contact", date(2026, 1, 1))  # ended 2029-01-01
        add_consent(s, expired, "photo", date(2026, 6, 1))  # ended 2028-06-01
        kept_by_attendance = person("Assidue")
        add_consent(s, kept_by_attendance, "contact", date(2026, 1, 1))
        _attend(s, kept_by_attendance, datetime(2027, 6, 15, 9, 0, tzinfo=UTC))  # → 2030-06-15
        withdrawn = person("Retirée")
        cid = add_consent(s, withdrawn, "contact", date(2029, 6, 1))
        withdraw_consent(s, cid, date(2029, 9, 1))
        nothing = person("Sans")
        forever = person("Abonnée")
        add_purpose(s, "newsletter", "Lettre", None)
        add_consent(s, forever, "newsletter", date(2020, 1, 1))
        later = person("Plus-tard")
        cid = add_consent(s, later, "contact", date(2029, 6, 1))
        withdraw_consent(s, cid, date(2030, 2, 1))  # withdrawal dated after "today"
        boundary = person("Limite")
        add_consent(s, boundary, "photo", date(2028, 1, 1))  # ends exactly on 2030-01-01
        erased = person("Effacée")
        erase_participants(s, [erased])

        cases = {c.participant_id: c for c in past_retention(s, today)}
    assert set(cases) == {expired, withdrawn, nothing, boundary}
    assert cases[expired].reason == "Retention period ended on 2029-01-01."
    assert cases[expired].ended_on == date(2029, 1, 1)
    assert cases[expired].last_activity == date(2026, 6, 1)
    assert cases[withdrawn].reason == "Consent withdrawn on 2029-09-01."
    # No consent at all: kept for the contact purpose's 36 months after being entered.
    entered = date.today()
    kept_until = add_months(entered, 36)
    assert cases[nothing].ended_on == kept_until
    assert cases[nothing].reason == f"No consent recorded; kept until {kept_until.isoformat()}."
    assert cases[boundary].ended_on == today
    assert cases[expired].name == "Expirée Test" and len(cases[expired].code) == 8
    with workspace.session() as s:
        # a day earlier, the boundary case was still current
        assert boundary not in {c.participant_id for c in past_retention(s, date(2029, 12, 31))}
        # a newcomer without a consent is not listed the day after being entered
        assert nothing not in {c.participant_id for c in past_retention(s, entered)}
        # attending again extends the period: the attendance date counts, not only the consent
        _attend(s, expired, datetime(2027, 3, 1, 18, 0, tzinfo=UTC))
        assert expired not in {c.participant_id for c in past_retention(s, today)}
        assert expired in {c.participant_id for c in past_retention(s, date(2030, 3, 1))}


# --------------------------------------------------------------------------- erasure


def _aggregates(s) -> dict:
    return {
        "attendance": {
            k: n
            for k, n in s.execute(
                select(Attendance.session_id, func.count()).group_by(Attendance.session_id)
            )
        },
        "values": value_counts(s),
        "stakeholders": {
            k: n
            for k, n in s.execute(
                select(Participant.stakeholder_type, func.count()).group_by(
                    Participant.stakeholder_type
                )
            )
        },
        "registrations": s.scalar(select(func.count()).select_from(Registration)),
        "volunteers": s.scalar(
            select(func.count()).select_from(Registration).where(Registration.jury_volunteer)
        ),
        "rows": s.scalar(select(func.count()).select_from(Participant)),
    }


TEXT_COLUMNS = (
    "first_name", "last_name", "email", "phone", "postal_address", "household_key",
    "affiliation", "notes", "sort_key", "first_key", "search_text",
)  # fmt: skip


@pytest.mark.sqlite_only(reason="searches the workspace file's bytes for erased data")
def test_erasure_keeps_every_count_exact_and_no_personal_data(demo, demo_path: Path) -> None:
    with demo.session() as s:
        before = _aggregates(s)
        # 20 people, most of whom attended sessions
        targets = list(
            s.scalars(
                select(Attendance.participant_id)
                .distinct()
                .order_by(Attendance.participant_id)
                .limit(20)
            )
        )
        people = [s.get(Participant, pid) for pid in targets]
        secrets = [x for p in people for x in (p.email, p.phone) if x]
        codes = [p.code for p in people]
        names = {(p.first_name, p.last_name) for p in people}
        s.get(Participant, targets[0]).notes = "Allergique aux arachides"
        s.commit()
        s.expunge_all()
    with demo.session() as s:
        progress: list[tuple[int, int]] = []
        result = erase_participants(
            s, [*targets, targets[0], uuid.uuid4()], progress=lambda d, t: progress.append((d, t))
        )
    assert result.erased == 20 and result.skipped == 1
    assert result.consents_removed > 20
    assert progress[-1] == (21, 21)
    with demo.session() as s:
        assert _aggregates(s) == before
        assert count_participants(s) == 40
        listed = {r.id for r in participant_page(s, 0, 100)}
        assert not listed & set(targets)
        for pid in targets:
            row = s.get(Participant, pid)
            assert row.erased_at is not None
            assert row.birth_year is None and row.code not in codes
            for column in TEXT_COLUMNS:
                assert getattr(row, column) in (None, ""), column
        assert s.scalar(select(func.count()).where(ConsentRecord.participant_id.in_(targets))) == 0
        assert (
            s.scalar(select(func.count()).where(ParticipantAttribute.participant_id.in_(targets)))
            == 20 * 4
        )
        event = s.scalars(select(AuditEvent).where(AuditEvent.kind == "participants.erased")).one()
        assert json.loads(event.payload) == {
            "erased": 20,
            "consents_removed": result.consents_removed,
        }
        assert audit.verify(s).ok
        # erased people are not "past retention" any more, and cannot be erased twice
        assert not {c.participant_id for c in past_retention(s, date(2040, 1, 1))} & set(targets)
        assert erase_participants(s, targets).erased == 0
    demo.close(backup=False)
    raw = demo_path.read_bytes()
    for secret in secrets:
        assert secret.encode() not in raw, secret
    assert b"Allergique" not in raw
    # names shared with people who were not erased may remain; a unique email never does
    assert names


def test_cancelled_erasure_changes_nothing(demo, monkeypatch) -> None:
    monkeypatch.setattr(consent, "ERASE_BATCH", 10)
    token = CancelToken()

    def progress(done: int, total: int) -> None:
        if done >= 10:
            token.cancel()

    with demo.session() as s:
        ids = list(s.scalars(select(Participant.id)))
        with pytest.raises(Cancelled):
            erase_participants(s, ids, progress=progress, cancel=token)
    with demo.session() as s:
        assert count_participants(s) == 60
        assert s.scalar(select(func.count()).where(Participant.erased_at.is_not(None))) == 0
        assert s.scalar(select(func.count()).select_from(AuditEvent)) == 0


# --------------------------------------------------------------------------- right of access


def _attendee(s) -> uuid.UUID:
    return s.scalars(select(Attendance.participant_id).order_by(Attendance.signed_in_at)).first()


def test_access_export_holds_everything(demo) -> None:
    with demo.session() as s:
        pid = _attendee(s)
        person = s.get(Participant, pid)
        attended = s.scalar(select(func.count()).where(Attendance.participant_id == pid))
        consents = s.scalar(select(func.count()).where(ConsentRecord.participant_id == pid))
        data = access_export(s, pid)
    json.dumps(data)  # serialisable as is
    assert data["participant"]["email"] == person.email
    assert data["participant"]["code"] == person.code
    assert data["participant"]["organisation"] == "Ville de Villeneuve-sur-Lière"
    assert {a["category_key"] for a in data["attributes"]} == {
        "genre",
        "tranche_age",
        "quartier",
        "diplome",
    }
    assert len(data["consents"]) == consents and data["consents"][0]["purpose"] == "contact"
    assert len(data["attendance"]) == attended >= 1
    assert data["attendance"][0]["session"].startswith("Atelier")
    assert [r["process"] for r in data["registrations"]] == [
        "Réaménagement de la place de l'Église et de ses abords"
    ]


def test_access_text_in_both_languages(demo) -> None:
    with demo.session() as s:
        pid = _attendee(s)
        person = s.get(Participant, pid)
        text = access_text(s, pid)
        assert text.startswith(f"Personal data held about {person.full_name}\n")
        for heading in ("Identity and contact", "Consents", "Attendance", "Attributes"):
            assert heading in text
        assert person.email in text and "Paper form" in text
        i18n.set_language("fr")
        french = access_text(s, pid)
    assert "Prénom" in french and "First name" not in french and person.email in french


# --------------------------------------------------------------------------- CLI


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(["--lang", "en", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_retention_and_erasure(demo_path: Path, capsys) -> None:
    ws = demo_path
    code, out, _ = run(capsys, "participants", "retention", str(ws), "--today", "2027-01-01")
    assert code == EXIT_OK and "0 participants past the retention period." in out
    # in 2031 every demo consent (2026-09-19, 36 months at most; sessions in 2026) has ended
    code, out, _ = run(
        capsys, "participants", "retention", str(ws), "--today", "2031-01-01", "--json"
    )
    assert code == EXIT_OK
    assert len(json.loads(out)["past_retention"]) == 60
    code, _out, err = run(
        capsys, "participants", "retention", str(ws), "--today", "2031-01-01", "--erase"
    )
    assert code == EXIT_REFUSED and "--yes" in err
    code, out, _ = run(
        capsys,
        "participants", "retention", str(ws), "--today", "2031-01-01", "--erase", "--yes",
        "--json",
    )  # fmt: skip
    assert code == EXIT_OK and json.loads(out)["erased"] == 60
    with store.open_workspace(ws, read_only=True) as opened, opened.session() as s:
        assert count_participants(s) == 0
        assert s.scalar(select(func.count()).select_from(Attendance)) == 38 + 41


def test_cli_access(demo_path: Path, capsys) -> None:
    code, out, _ = run(capsys, "participants", "list", str(demo_path), "--json", "--limit", "1")
    person = json.loads(out)["participants"][0]
    code, out, _ = run(capsys, "participants", "access", str(demo_path), person["code"], "--json")
    assert code == EXIT_OK and json.loads(out)["participant"]["id"] == person["id"]
    code, out, _ = run(capsys, "participants", "access", str(demo_path), person["id"])
    assert code == EXIT_OK and out.startswith("Personal data held about")
    code, _out, err = run(capsys, "participants", "access", str(demo_path), "XXXX")
    assert code == EXIT_REFUSED and "No participant" in err
