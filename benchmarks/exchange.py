"""Workshop bundles at scale: export a large process, import it into an empty workspace.

    python benchmarks/exchange.py              10,000 participants, 50 sessions, 20 votes ×
                                               500 ballots, a committee with 500 actions
    python benchmarks/exchange.py --people 20000 --json
    python benchmarks/exchange.py --profile    also print where the import spends its time

The workspace is built with Core bulk inserts: one organisation, 3 attribute categories, N
participants (each with 3 attributes, registered; one in ten with a partner-sharing consent),
50 sessions with 200 sign-ins each, 20 secret votes of 4 options and 500 ballots, a committee
of 20 members with 500 actions (two history lines each). Then, timed:

1. **export**: ``export_process`` to a ``.atelier-bundle`` file;
2. **dry run**: ``plan_import`` into an empty workspace;
3. **import**: ``apply_import`` into that workspace;
4. **again** (informational): importing the same bundle a second time (everything skipped).

Target (informational; the exit code is 0 either way): export and import each under 5 s.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

TARGET_S = 5.0


def build(path: Path, people: int, sessions: int, votes: int, ballots: int, actions: int):
    from sqlalchemy import insert

    from app import store
    from app.models import (
        Action,
        ActionChange,
        Attendance,
        AttributeCategory,
        AttributeValue,
        Ballot,
        Committee,
        CommitteeMember,
        ConsentRecord,
        Organisation,
        Participant,
        ParticipantAttribute,
        Process,
        Registration,
        Session,
        Vote,
        VoteOption,
    )
    from app.models.text import participant_keys

    rng = random.Random(7)
    ws = store.create_workspace(path, backup_count=0)
    now = datetime(2027, 3, 1, 18, tzinfo=UTC)

    def stamp() -> dict:
        return {"created_at": now, "updated_at": now}

    with ws.session() as s:
        org = uuid.uuid4()
        s.execute(insert(Organisation), [{"id": org, "name": "Comune di Prova", "country": "IT",
                                          "kind": "municipality", **stamp()}])  # fmt: skip
        values: list[list[uuid.UUID]] = []
        cats = []
        for c, (key, options) in enumerate((("genre", 3), ("age", 5), ("quartier", 8))):
            cid = uuid.uuid4()
            cats.append(cid)
            s.execute(insert(AttributeCategory), [{"id": cid, "key": key, "label": key,
                                                   "position": c, **stamp()}])  # fmt: skip
            ids = [uuid.uuid4() for _ in range(options)]
            values.append(ids)
            s.execute(
                insert(AttributeValue),
                [{"id": v, "category_id": cid, "value": f"{key}-{i}", "position": i, **stamp()}
                 for i, v in enumerate(ids)],
            )  # fmt: skip
        pid = uuid.uuid4()
        s.execute(insert(Process), [{"id": pid, "title": "Bilancio partecipativo",
                                     "organisation_id": org, "phase": "co_deliver",
                                     **stamp()}])  # fmt: skip
        rows, attrs, regs, consents = [], [], [], []
        ids = []
        for n in range(people):
            p = uuid.uuid4()
            ids.append(p)
            first, last = f"Nome{n}", f"Cognome{n}"
            email = f"persona{n}@esempio.it"
            rows.append({
                "id": p, "code": f"B{n:07d}", "first_name": first, "last_name": last,
                "email": email, "phone": f"+39 06 {n:07d}", "postal_address": f"Via {n}",
                "household_key": f"via {n}", "stakeholder_type": "resident",
                "organisation_id": org, "birth_year": 1950 + n % 50,
                **participant_keys(first, last, email, None), **stamp(),
            })  # fmt: skip
            for c, cid in enumerate(cats):
                attrs.append({"participant_id": p, "category_id": cid,
                              "value_id": rng.choice(values[c])})  # fmt: skip
            regs.append({"id": uuid.uuid4(), "process_id": pid, "participant_id": p,
                         "jury_volunteer": n % 3 == 0, **stamp()})  # fmt: skip
            if n % 10 == 0:
                consents.append({"id": uuid.uuid4(), "participant_id": p,
                                 "purpose": "partner_sharing", "given_on": date(2026, 1, 5),
                                 "method": "paper", **stamp()})  # fmt: skip
        s.execute(insert(Participant), rows)
        s.execute(insert(ParticipantAttribute), attrs)
        s.execute(insert(Registration), regs)
        s.execute(insert(ConsentRecord), consents)
        committee = uuid.uuid4()
        s.execute(insert(Committee), [{"id": committee, "process_id": pid,
                                       "title": "Comitato", **stamp()}])  # fmt: skip
        session_ids = [uuid.uuid4() for _ in range(sessions)]
        s.execute(
            insert(Session),
            [{"id": sid, "process_id": pid, "title": f"Laboratorio {i}",
              "starts_at": now + timedelta(days=7 * i),
              "committee_id": committee if i % 10 == 0 else None, **stamp()}
             for i, sid in enumerate(session_ids)],
        )  # fmt: skip
        sign_ins = []
        for i, sid in enumerate(session_ids):
            for p in rng.sample(ids, min(200, len(ids))):
                sign_ins.append({"id": uuid.uuid4(), "session_id": sid, "participant_id": p,
                                 "signed_in_at": now + timedelta(days=7 * i), "method": "app",
                                 **stamp()})  # fmt: skip
        s.execute(insert(Attendance), sign_ins)
        vote_ids = [uuid.uuid4() for _ in range(votes)]
        s.execute(
            insert(Vote),
            [{"id": v, "session_id": session_ids[i % sessions], "question": f"Progetto {i}?",
              "method": "approval", "secret": True, "status": "closed", **stamp()}
             for i, v in enumerate(vote_ids)],
        )  # fmt: skip
        s.execute(
            insert(VoteOption),
            [{"id": uuid.uuid4(), "vote_id": v, "position": k, "title": f"Opzione {k}",
              **stamp()} for v in vote_ids for k in range(4)],
        )  # fmt: skip
        s.execute(
            insert(Ballot),
            [{"id": uuid.uuid4(), "vote_id": v, "content": json.dumps(sorted(
                rng.sample(range(4), rng.randint(1, 3)))), "status": "valid", "weight": 1,
              "entry": "paper"} for v in vote_ids for _ in range(ballots)],
        )  # fmt: skip
        members = [uuid.uuid4() for _ in range(20)]
        s.execute(
            insert(CommitteeMember),
            [{"id": m, "committee_id": committee, "participant_id": ids[i],
              "name": f"Nome{i} Cognome{i}", "role": "member", **stamp()}
             for i, m in enumerate(members)],
        )  # fmt: skip
        action_ids = [uuid.uuid4() for _ in range(actions)]
        s.execute(
            insert(Action),
            [{"id": a, "committee_id": committee, "title": f"Azione {i}",
              "owner_member_id": members[i % 20], "owner_name": f"Nome{i % 20} Cognome{i % 20}",
              "created_on": date(2027, 1, 1), "status": "planned", "progress": 0, **stamp()}
             for i, a in enumerate(action_ids)],
        )  # fmt: skip
        s.execute(
            insert(ActionChange),
            [{"id": uuid.uuid4(), "action_id": a, "field": "status", "old_value": "planned",
              "new_value": "in_progress", "author": "Segreteria", **stamp()}
             for a in action_ids for _ in range(2)],
        )  # fmt: skip
        s.commit()
    return ws, pid


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--sessions", type=int, default=50)
    parser.add_argument("--votes", type=int, default=20)
    parser.add_argument("--ballots", type=int, default=500)
    parser.add_argument("--actions", type=int, default=500)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--profile", action="store_true", help="cProfile the import")
    args = parser.parse_args(argv)

    from app import store
    from app.facilitation import exchange_export as X
    from app.facilitation import exchange_import as I

    figures: dict[str, float | int] = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        started = time.perf_counter()
        ws, pid = build(folder / "origin.atelier", args.people, args.sessions, args.votes,
                        args.ballots, args.actions)  # fmt: skip
        figures["build_s"] = time.perf_counter() - started
        bundle = folder / "process.atelier-bundle"
        with ws.session() as s:
            started = time.perf_counter()
            result = X.export_process(s, pid, bundle)
            figures["export_s"] = time.perf_counter() - started
        ws.close(backup=False)
        figures["bundle_bytes"] = bundle.stat().st_size
        figures["rows"] = sum(result.rows.values())
        figures["pseudonymised"] = result.pseudonymised
        target = store.create_workspace(folder / "partner.atelier", backup_count=0)
        with target.session() as s:
            started = time.perf_counter()
            plan = I.plan_import(s, bundle)
            figures["dry_run_s"] = time.perf_counter() - started
        profiler = None
        if args.profile:
            import cProfile

            profiler = cProfile.Profile()
        with target.session() as s:
            started = time.perf_counter()
            if profiler:
                profiler.enable()
            report = I.apply_import(s, bundle)
            figures["import_s"] = time.perf_counter() - started
            if profiler:
                profiler.disable()
        with target.session() as s:
            started = time.perf_counter()
            again = I.apply_import(s, bundle)
            figures["import_again_s"] = time.perf_counter() - started
        target.close(backup=False)
        figures["added"] = report.plan.total_added
        figures["skipped_again"] = again.plan.total_skipped
        assert plan.total_added == report.plan.total_added

    if args.json:
        print(json.dumps(figures, indent=2))
        return 0
    print(
        f"{args.people:,} participants, {args.sessions} sessions, {args.votes} votes × "
        f"{args.ballots} ballots, {args.actions} actions: {figures['rows']:,} rows, "
        f"bundle {figures['bundle_bytes'] / 1e6:.1f} MB, "
        f"{figures['pseudonymised']:,} pseudonymised"
    )
    for key, label in (("export_s", "export"), ("dry_run_s", "dry run"),
                       ("import_s", "import"), ("import_again_s", "import again")):  # fmt: skip
        mark = "" if key == "dry_run_s" or key == "import_again_s" else (
            "  ok" if figures[key] < TARGET_S else f"  OVER {TARGET_S:.0f} s")  # fmt: skip
        print(f"  {label:<14} {figures[key]:6.2f} s{mark}")
    print(f"  (build {figures['build_s']:.1f} s)")
    if profiler:
        import pstats

        pstats.Stats(profiler).sort_stats("tottime").print_stats(20)
    return 0


if __name__ == "__main__":
    sys.exit(main())
