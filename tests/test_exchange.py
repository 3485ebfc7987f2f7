"""Workshop bundles: two workspaces in two folders exchange a process both ways."""

from __future__ import annotations

import hashlib
import json
import uuid
import zipfile
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from app import store
from app.cli import main
from app.facilitation import audit
from app.facilitation import exchange as E
from app.facilitation import exchange_export as X
from app.facilitation import exchange_import as I
from app.facilitation.demo import create_demo
from app.models import (
    Action,
    AttributeValue,
    AuditEvent,
    Ballot,
    Committee,
    CommitteeMember,
    ConsentRecord,
    EvaluationJury,
    Indicator,
    JuryCandidate,
    JuryCriterion,
    JuryMember,
    JuryScore,
    Measurement,
    Panel,
    PanelPoolMember,
    PanelQuota,
    PanelSeat,
    Participant,
    Process,
    Registration,
    Vote,
    VoteOption,
    VoterMark,
    utcnow,
)
from app.models import Session as WorkshopSession

SHARED = 3  # people of the demo given a partner-sharing consent


def _enrich(ws) -> uuid.UUID:
    """Votes with ballots, a committee with actions, a citizen jury and an evaluation jury."""
    with ws.session() as s:
        process = s.scalar(select(Process))
        first = s.scalars(select(WorkshopSession).order_by(WorkshopSession.starts_at)).first()
        people = s.scalars(
            select(Participant)
            .join(Registration, Registration.participant_id == Participant.id)
            .order_by(Participant.code)
        ).all()
        for p in people[:SHARED]:
            s.add(
                ConsentRecord(
                    participant_id=p.id,
                    purpose="partner_sharing",
                    given_on=date.today() - timedelta(days=10),
                )
            )
        vote = Vote(session_id=first.id, question="Quel projet ?", method="approval",
                    status="closed", result='{"winners":[0]}', ballots_hash="ab" * 32)  # fmt: skip
        s.add(vote)
        s.flush()
        s.add_all(VoteOption(vote_id=vote.id, position=i, title=f"Projet {i}") for i in range(3))
        s.add_all(Ballot(vote_id=vote.id, content=f"[{i % 3}]") for i in range(12))
        s.add_all(VoterMark(vote_id=vote.id, participant_id=p.id) for p in people[:12])
        committee = Committee(process_id=process.id, title="Comité de suivi")
        s.add(committee)
        s.flush()
        chair = CommitteeMember(committee_id=committee.id, participant_id=people[-1].id,
                                name=people[-1].full_name, role="chair")  # fmt: skip
        s.add(chair)
        s.flush()
        s.add_all(
            Action(committee_id=committee.id, title=f"Action {i}", owner_member_id=chair.id,
                   owner_name=chair.name, created_on=date(2027, 1, 1))
            for i in range(5)
        )  # fmt: skip
        indicator = Indicator(committee_id=committee.id, name="Participation", target=50)
        s.add(indicator)
        s.flush()
        s.add(Measurement(indicator_id=indicator.id, measured_on=date(2027, 2, 1), value=30))
        value = s.scalars(select(AttributeValue)).first()
        panel = Panel(process_id=process.id, title="Jury citoyen", size=2, status="drawn")
        s.add(panel)
        s.flush()
        s.add(PanelQuota(panel_id=panel.id, category_id=value.category_id, value_id=value.id,
                         minimum=0, maximum=2))  # fmt: skip
        s.add_all(
            PanelPoolMember(panel_id=panel.id, position=i, participant_id=p.id, probability=0.5)
            for i, p in enumerate(people[:4])
        )
        s.add_all(
            PanelSeat(panel_id=panel.id, participant_id=p.id, pool_position=i, position=i)
            for i, p in enumerate(people[:2])
        )
        jury = EvaluationJury(process_id=process.id, title="Jury de concours")
        s.add(jury)
        s.flush()
        member = JuryMember(jury_id=jury.id, participant_id=people[5].id, name=people[5].full_name)
        cand = JuryCandidate(jury_id=jury.id, name="Agence A")
        crit = JuryCriterion(jury_id=jury.id, name="Usages", weight=2)
        s.add_all([member, cand, crit])
        s.flush()
        s.add(JuryScore(member_id=member.id, candidate_id=cand.id, criterion_id=crit.id, score=7))
        audit.append(s, "vote.closed", {"ballots": 12}, subject_id=vote.id)
        s.commit()
        return process.id


@pytest.fixture
def two(tmp_path: Path):
    """Workspace A (a demo, enriched) and workspace B (empty), in two folders."""
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    a = create_demo(tmp_path / "a" / "ville.atelier")
    pid = _enrich(a)
    b = store.create_workspace(tmp_path / "b" / "partner.atelier", backup_count=0)
    yield a, b, pid, tmp_path
    a.close(backup=False)
    b.close(backup=False)


#: Columns that differ on purpose: pseudonymised names, derived keys, the hidden households.
MASKED = {
    "participant": set(E.PERSONAL) | set(E.DERIVED["participant"]),
    "jury_member": {"name"},
    "committee_member": {"name"},
    "action": {"owner_name"},
    "volunteer_profile": {"name", "notes"},
    "time_entry": {"volunteer_name"},
    "panel": {"instance"},
}


def snapshot(ws, pid, *, masked: bool = True) -> dict[str, list[dict]]:
    filters = X._filters(pid)
    found = {}
    with ws.session() as s:
        for name in E.TABLES:
            t = E.table(name)
            skip = (MASKED.get(name, set()) if masked else set()) | E.LOCAL_ONLY
            rows = s.execute(select(t).where(filters[name])).mappings().all()
            found[name] = sorted(
                ({k: v for k, v in r.items() if k not in skip} for r in rows), key=repr
            )
    return found


def export(ws, pid, path: Path) -> X.ExportResult:
    with ws.session() as s:
        return X.export_process(s, pid, path)


def apply(ws, path: Path, **kw) -> I.ImportReport:
    with ws.session() as s:
        return I.apply_import(s, path, **kw)


def plan(ws, path: Path) -> I.ImportPlan:
    with ws.session() as s:
        return I.plan_import(s, path)


def count(ws, model) -> int:
    with ws.session() as s:
        return s.scalar(select(func.count()).select_from(model))


def touch(ws, model, row_id, **values) -> None:
    with ws.session() as s:
        s.execute(update(model).where(model.id == row_id).values(updated_at=utcnow(), **values))
        s.commit()


# --------------------------------------------------------------------------- round trips


def test_export_then_import_gives_the_same_process(two):
    a, b, pid, tmp = two
    bundle = tmp / "a" / "ville.atelier-bundle"
    result = export(a, pid, bundle)
    assert result.shared == SHARED
    assert result.pseudonymised == 60 - SHARED
    assert "57 people are pseudonymised" in result.message()

    report = apply(b, bundle)
    assert report.plan.total_added > 400 and not report.plan.conflicts
    assert snapshot(a, pid) == snapshot(b, pid)
    # Ballots stay secret, the "has voted" marks stay home, the counts are exact.
    assert count(b, Ballot) == 12 and count(b, VoterMark) == 0
    with b.session() as s:
        assert s.scalar(select(func.count()).where(Ballot.participant_id.is_not(None))) == 0
        people = {p.id: p for p in s.scalars(select(Participant))}
        events = s.scalars(select(AuditEvent)).all()
        assert audit.verify(s).ok
    assert [e.kind for e in events] == ["bundle.imported"]
    assert (
        json.loads(events[0].payload)["sha256"] == hashlib.sha256(bundle.read_bytes()).hexdigest()
    )
    with a.session() as s:
        shared_ids = set(
            s.scalars(select(ConsentRecord.participant_id).where(
                ConsentRecord.purpose == "partner_sharing"))
        )  # fmt: skip
        originals = {p.id: p for p in s.scalars(select(Participant))}
        assert "bundle.exported" in set(s.scalars(select(AuditEvent.kind)))
    assert len(people) == 60
    for pid_, person in people.items():
        original = originals[pid_]
        assert person.code == original.code
        assert person.stakeholder_type == original.stakeholder_type
        if pid_ in shared_ids:
            assert (person.full_name, person.email) == (original.full_name, original.email)
        else:
            assert person.full_name == original.code and person.email is None
            assert person.postal_address is None and person.birth_year is None


def test_no_personal_data_of_non_consenting_people_in_the_file(two):
    a, _b, pid, tmp = two
    bundle = tmp / "x.atelier-bundle"
    export(a, pid, bundle)
    with zipfile.ZipFile(bundle) as z:
        raw = b"".join(z.read(n) for n in z.namelist()).decode("utf-8")
    with a.session() as s:
        shared = set(
            s.scalars(select(ConsentRecord.participant_id).where(
                ConsentRecord.purpose == "partner_sharing"))
        )  # fmt: skip
        people = s.scalars(select(Participant)).all()
    hidden = [p for p in people if p.id not in shared]
    assert hidden and all(p.email for p in hidden)
    shared_names = {p.last_name for p in people if p.id in shared}
    for p in hidden:
        assert p.email not in raw and (p.phone or "@@") not in raw
        if p.last_name not in shared_names:  # the demo has namesakes and duplicates
            assert p.last_name not in raw
        assert p.code in raw
    for p in people:
        if p.id in shared:
            assert p.email in raw


def test_importing_twice_and_dry_runs_change_nothing(two):
    a, b, pid, tmp = two
    bundle = tmp / "x.atelier-bundle"
    export(a, pid, bundle)
    dry = plan(b, bundle)
    assert dry.total_added > 400
    assert count(b, Participant) == 0 and count(b, AuditEvent) == 0
    apply(b, bundle)
    before = snapshot(b, pid, masked=False)
    again = plan(b, bundle)
    assert again.changes_nothing and not again.conflicts
    second = apply(b, bundle)
    assert second.plan.total_added == 0 and second.plan.total_updated == 0
    assert second.plan.total_skipped == dry.total_added
    assert snapshot(b, pid, masked=False) == before


def test_changes_travel_both_ways_and_both_end_the_same(two):
    a, b, pid, tmp = two
    to_b, to_a = tmp / "a" / "to-b.atelier-bundle", tmp / "b" / "to-a.atelier-bundle"
    export(a, pid, to_b)
    apply(b, to_b)
    with b.session() as s:
        action = s.scalars(select(Action).order_by(Action.title)).first()
        hidden = s.scalars(
            select(Participant).where(
                Participant.first_name == "",
                Participant.last_name != "",
                Participant.stakeholder_type != "youth",  # so the change below is one
            )
        ).first()
    touch(b, Action, action.id, status="done", progress=100)
    touch(b, Participant, hidden.id, stakeholder_type="youth")
    export(b, pid, to_a)
    report = apply(a, to_a)
    assert report.plan.updated == {**report.plan.updated, "action": 1, "participant": 1}
    assert report.plan.total_added == 0 and not report.plan.conflicts
    with a.session() as s:
        assert s.get(Action, action.id).status == "done"
        person = s.get(Participant, hidden.id)
        # Their change arrived; the names B never had were not overwritten by the code.
        assert person.stakeholder_type == "youth"
        assert person.last_name != person.code and person.email
    # And back again: nothing new for B, and both hold the same process.
    export(a, pid, to_b)
    back = apply(b, to_b)
    assert back.plan.changes_nothing and not back.plan.conflicts
    assert snapshot(a, pid) == snapshot(b, pid)
    # B changes again: A took B's version last time, so this is an update, not a conflict.
    touch(b, Action, action.id, progress=90)
    export(b, pid, to_a)
    assert apply(a, to_a).plan.updated.get("action") == 1


def test_a_record_changed_on_both_sides_is_a_conflict_keeping_ours(two):
    a, b, pid, tmp = two
    to_b, to_a = tmp / "to-b.atelier-bundle", tmp / "to-a.atelier-bundle"
    export(a, pid, to_b)
    apply(b, to_b)
    with a.session() as s:
        action_id = s.scalars(select(Action.id).order_by(Action.title)).first()
    touch(a, Action, action_id, title="Végétaliser la place")
    touch(b, Action, action_id, title="Planter des arbres", progress=40)
    export(b, pid, to_a)

    dry = plan(a, to_a)
    assert [(c.table, c.id) for c in dry.conflicts] == [("action", str(action_id))]
    conflict = dry.conflicts[0]
    assert set(conflict.fields) == {"title", "progress"}
    assert conflict.ours["title"] == "Végétaliser la place"
    assert conflict.theirs["title"] == "Planter des arbres"

    report = apply(a, to_a)
    assert [c.id for c in report.unresolved] == [str(action_id)]
    with a.session() as s:
        assert s.get(Action, action_id).title == "Végétaliser la place"
    assert len(plan(a, to_a).conflicts) == 1  # asked again until settled

    report = apply(a, to_a, resolutions={("action", str(action_id)): "theirs"})
    assert [c.id for c in report.theirs_taken] == [str(action_id)]
    with a.session() as s:
        action = s.get(Action, action_id)
        assert (action.title, action.progress) == ("Planter des arbres", 40)
    assert not plan(a, to_a).conflicts


def test_keeping_ours_settles_the_conflict_and_the_other_side_follows(two):
    a, b, pid, tmp = two
    to_b, to_a = tmp / "to-b.atelier-bundle", tmp / "to-a.atelier-bundle"
    export(a, pid, to_b)
    apply(b, to_b)
    with a.session() as s:
        action_id = s.scalars(select(Action.id).order_by(Action.title)).first()
    touch(a, Action, action_id, title="Ours")
    touch(b, Action, action_id, title="Theirs")
    export(b, pid, to_a)
    apply(a, to_a, resolutions={("action", str(action_id)): "ours"})
    assert not plan(a, to_a).conflicts
    export(a, pid, to_b)
    report = apply(b, to_b)
    assert not report.plan.conflicts and report.plan.updated.get("action") == 1
    assert snapshot(a, pid) == snapshot(b, pid)


def test_a_resolution_for_something_not_in_conflict_is_refused(two):
    a, b, pid, tmp = two
    bundle = tmp / "x.atelier-bundle"
    export(a, pid, bundle)
    with pytest.raises(E.BundleError, match="not in conflict"):
        apply(b, bundle, resolutions={("action", str(uuid.uuid4())): "theirs"})
    assert count(b, Participant) == 0


def test_a_pair_entered_on_both_sides_is_one_record(two):
    """Registering the same person in the same process on both sides is not a clash."""
    a, b, pid, tmp = two
    bundle = tmp / "x.atelier-bundle"
    export(a, pid, bundle)
    apply(b, bundle)
    with a.session() as s:
        reg = s.scalars(select(Registration)).first()
        s.delete(reg)
        s.flush()
        s.add(Registration(process_id=reg.process_id, participant_id=reg.participant_id))
        s.commit()
    export(a, pid, bundle)
    report = apply(b, bundle)
    assert report.plan.added.get("registration") == 0


# --------------------------------------------------------------------------- bad bundles


def rebuild(source: Path, target: Path, *, edit=None, manifest=None, rehash=True, extra=None):
    """Write a copy of a bundle with members edited (and, by default, the hashes redone)."""
    with zipfile.ZipFile(source) as z:
        members = {n: z.read(n) for n in z.namelist()}
    doc = json.loads(members.pop(E.MANIFEST))
    if edit:
        edit(members)
    if rehash:
        doc["members"] = [
            {"name": n, "sha256": hashlib.sha256(d).hexdigest(), "size": len(d)}
            for n, d in members.items()
        ]
    if manifest:
        manifest(doc)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(E.MANIFEST, json.dumps(doc))
        for n, d in members.items():
            z.writestr(n, d)
        for n, d in (extra or {}).items():
            z.writestr(n, d)
    return target


def _tamper(members):
    name = E.member_name("participant")
    members[name] = members[name].replace(b'"resident"', b'"elected"', 1)


def _bomb(members):
    members[E.member_name("agenda_item")] = b" " * (40 << 20)


def _bad_cases():
    def truncated(src, dst):
        data = src.read_bytes()
        dst.write_bytes(data[: len(data) // 2])

    def not_a_zip(src, dst):
        dst.write_text("name;email\nLéa;lea@example.org\n", encoding="utf-8")

    def tampered(src, dst):
        rebuild(src, dst, edit=_tamper, rehash=False)

    def future(src, dst):
        rebuild(src, dst, manifest=lambda d: d.update(format_version=E.FORMAT_VERSION + 1))

    def bomb(src, dst):
        rebuild(src, dst, edit=_bomb)

    def dotdot(src, dst):
        rebuild(src, dst, extra={"../evil.json": b"{}"})

    def absolute(src, dst):
        rebuild(src, dst, extra={"/tmp/evil.json": b"{}"})

    def missing(src, dst):
        rebuild(src, dst, edit=lambda m: m.pop(E.member_name("ballot")))

    def extra(src, dst):
        rebuild(src, dst, edit=lambda m: m.update({"data/notes.json": b"[]"}))

    def wrong_kind(src, dst):
        def edit(m):
            name = E.member_name("participant")
            m[name] = m[name].replace(b'"birth_year":null', b'"birth_year":"old"', 1)

        rebuild(src, dst, edit=edit)

    return {
        "truncated": (truncated, "damaged or truncated|not a ZIP"),
        "not a zip": (not_a_zip, "not a ZIP"),
        "hash": (tampered, "does not match its SHA-256"),
        "future format": (future, "newer version"),
        "zip bomb": (bomb, "far more data"),
        "dot-dot": (dotdot, "unsafe path"),
        "absolute": (absolute, "unsafe path"),
        "missing member": (missing, "is missing"),
        "extra member": (extra, "unexpected member"),
        "wrong kind": (wrong_kind, "wrong kind"),
    }


@pytest.mark.parametrize("case", list(_bad_cases()))
def test_bad_bundles_are_refused_and_nothing_is_imported(two, case):
    a, b, pid, tmp = two
    good = tmp / "good.atelier-bundle"
    export(a, pid, good)
    make, message = _bad_cases()[case]
    bad = tmp / "bad.atelier-bundle"
    make(good, bad)
    with pytest.raises(E.BundleError, match=message) as refused:
        plan(b, bad)
    assert "Nothing was imported" in str(refused.value)
    with pytest.raises(E.BundleError, match=message):
        apply(b, bad)
    assert count(b, Participant) == 0 and count(b, AuditEvent) == 0
    assert count(b, Process) == 0


def test_a_bundle_from_the_same_file_with_a_good_rehash_is_accepted(two):
    """The refusals above are about the file, not the data: a consistent copy imports."""
    a, b, pid, tmp = two
    good = tmp / "good.atelier-bundle"
    export(a, pid, good)
    copy = rebuild(good, tmp / "copy.atelier-bundle")
    assert apply(b, copy).plan.added["participant"] == 60


# --------------------------------------------------------------------------- CLI


def run(capsys, *argv: str) -> tuple[int, str, str]:
    try:
        code = main(["--lang", "en", *argv])
    except SystemExit as exc:
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_round_trip_with_a_conflict(two, capsys):
    a, b, pid, tmp = two
    a_path, b_path = a.path, b.path
    with a.session() as s:
        action_id = s.scalars(select(Action.id).order_by(Action.title)).first()
    a.close(backup=False)
    b.close(backup=False)
    to_b, to_a = tmp / "to-b", tmp / "to-a.atelier-bundle"

    code, out, _err = run(capsys, "bundle", "export", str(a_path), "Réaménagement", "-o", str(to_b))
    assert code == 0, _err
    assert "57 people are pseudonymised" in out
    to_b = to_b.with_name("to-b.atelier-bundle")
    code, out, _err = run(capsys, "bundle", "show", str(to_b), "--json")
    assert code == 0 and json.loads(out)["pseudonymised"] == 57

    code, out, _err = run(capsys, "bundle", "import", str(b_path), str(to_b), "--dry-run", "--json")
    assert code == 0 and json.loads(out)["added"]["participant"] == 60
    with store.open_workspace(b_path, read_only=True) as ws:
        assert count(ws, Participant) == 0
    code, out, _err = run(capsys, "bundle", "import", str(b_path), str(to_b))
    assert code == 0 and "records added" in out

    for path, title in ((a_path, "Ours"), (b_path, "Theirs")):
        with store.open_workspace(path, backup_count=0, backup_on_open=False) as ws:
            touch(ws, Action, action_id, title=title)
    code, out, _err = run(capsys, "bundle", "export", str(b_path), str(pid), "-o", str(to_a))
    assert code == 0
    code, out, _err = run(capsys, "bundle", "import", str(a_path), str(to_a), "--json")
    doc = json.loads(out)
    assert doc["unresolved"] == [f"action:{action_id}"]
    assert doc["conflicts"][0]["ours"] == {"title": "Ours"}
    code, out, _err = run(
        capsys, "bundle", "import", str(a_path), str(to_a), "--take-theirs", f"action:{action_id}"
    )
    assert code == 0, _err
    with store.open_workspace(a_path, read_only=True) as ws, ws.session() as s:
        assert s.get(Action, action_id).title == "Theirs"

    code, _out, err = run(capsys, "bundle", "import", str(a_path), str(tmp / "nothing.zip"))
    assert code == 1 and "does not exist" in err
    code, _out, err = run(capsys, "bundle", "import", str(a_path), str(to_a), "--take-theirs", "x")
    assert code == 1 and "TABLE:ID" in err


def test_a_cancelled_import_or_export_leaves_nothing(two):
    from app.errors import Cancelled
    from app.jobs import CancelToken

    a, b, pid, tmp = two
    bundle = tmp / "x.atelier-bundle"
    with a.session() as s:
        assert X.sharing_summary(s, pid) == X.SharingSummary(shared=SHARED, pseudonymised=57)
    token = CancelToken()
    token.cancel()
    with a.session() as s, pytest.raises(Cancelled):
        X.export_process(s, pid, bundle, cancel=token)
    assert not bundle.exists()
    export(a, pid, bundle)
    with pytest.raises(Cancelled):
        apply(b, bundle, cancel=token)
    assert count(b, Participant) == 0 and count(b, AuditEvent) == 0


def test_the_local_version_counter_neither_travels_nor_conflicts(two):
    """``version`` counts edits made in one workspace: not in the bundle, not compared, and
    bumped here when an import updates a record (so a form open on the old one is refused)."""
    a, b, pid, tmp = two
    to_b, to_a = tmp / "to-b.atelier-bundle", tmp / "to-a.atelier-bundle"
    export(a, pid, to_b)
    with zipfile.ZipFile(to_b) as archive:
        for name in E.TABLES:
            rows = json.loads(archive.read(E.member_name(name)))["rows"]
            assert all(E.LOCAL_ONLY.isdisjoint(r) for r in rows), name
    apply(b, to_b)
    with a.session() as s:
        action_id = s.scalars(select(Action.id).order_by(Action.title)).first()
    if "version" not in E.table("action").c:
        return  # the optimistic-locking column is not in this schema
    with b.session() as s:  # B edits the action three times: its counter moves, A's does not
        for progress in (10, 20, 30):
            s.get(Action, action_id).progress = progress
            s.commit()
        assert s.get(Action, action_id).version == 4
    export(b, pid, to_a)
    report = apply(a, to_a)
    assert report.plan.updated.get("action") == 1 and not report.plan.conflicts
    with a.session() as s:
        action = s.get(Action, action_id)
        assert (action.progress, action.version) == (30, 2)
    export(a, pid, to_b)
    assert apply(b, to_b).plan.changes_nothing


def test_every_exchanged_table_has_a_name_for_people():
    assert set(E.TABLES) <= set(E.TABLE_LABELS)
    assert E.table_label("attendance") == "Sign-ins"
    assert E.field_label("due_on") == "Due date" and E.field_label("odd_column") == "odd_column"


def test_a_bundle_travels_through_a_postgresql_store_and_back(two, pg_store):
    """The fast paths (driver executemany, UUIDs read as stored) work on PostgreSQL too."""
    a, b, pid, tmp = two
    to_pg, from_pg = tmp / "to-pg.atelier-bundle", tmp / "from-pg.atelier-bundle"
    shared = pg_store()
    export(a, pid, to_pg)
    report = apply(shared, to_pg)
    assert report.plan.added["participant"] == count(a, Participant) == count(shared, Participant)
    assert snapshot(a, pid) == snapshot(shared, pid)
    assert apply(shared, to_pg).plan.changes_nothing
    with a.session() as s:
        action_id = s.scalars(select(Action.id).order_by(Action.title)).first()
    touch(shared, Action, action_id, title="Changée sur le serveur partagé", progress=70)
    export(shared, pid, from_pg)
    back = apply(a, from_pg)
    assert back.plan.updated.get("action") == 1 and not back.plan.conflicts
    assert snapshot(a, pid) == snapshot(shared, pid)
    apply(b, from_pg)
    assert snapshot(b, pid) == snapshot(shared, pid)
