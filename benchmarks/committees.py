"""A large follow-up committee: the dashboard and the action plan's filters.

    python benchmarks/committees.py               2,000 actions, 50 indicators × 500 measurements
    python benchmarks/committees.py --actions 10000 --indicators 100 --measurements 1000
    python benchmarks/committees.py --json        the figures as JSON

The workspace is built with Core bulk inserts: one process, a committee of 25 members (and 40
observers), 24 meetings with about 20 sign-ins each, N actions (random owners, due dates over
three years around today, every status, three history lines each) and indicators with their
measurements. Then, each in a fresh ORM session as the views would do:

1. **dashboard**: ``committee_review.dashboard`` (next meeting, overdue actions, indicators
   off track, counts): the first (cold) call and the median of 7.
2. **filters**: ``actions.list_actions`` unfiltered, by status, by owner (member id and name),
   by due period and overdue only: the median of 9 runs each.
3. **others** (informational): ``list_indicators``, ``open_actions_for_review``,
   ``annual_review`` of this year, one ``update_action``.

Targets (informational, the exit code is 0 either way): dashboard under 300 ms, every filter
under 50 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

TARGET_DASHBOARD_MS = 300.0
TARGET_FILTER_MS = 50.0


def build(path: Path, n_actions: int, n_indicators: int, n_measurements: int, seed: int = 7):
    """A workspace holding one committee of the requested size; returns (store, committee id)."""
    from sqlalchemy import insert

    from app import store
    from app.models import (
        ACTION_STATUSES,
        Action,
        ActionChange,
        Attendance,
        Committee,
        CommitteeMember,
        Indicator,
        Measurement,
        Participant,
        Process,
        Session,
    )

    rng = random.Random(seed)
    today = date.today()
    now = datetime.now(UTC)
    ws = store.create_workspace(path, backup_count=0)
    with ws.session() as s:
        process_id, committee_id = uuid.uuid4(), uuid.uuid4()
        s.execute(insert(Process), [{"id": process_id, "title": "Plan vélo"}])
        s.execute(
            insert(Committee),
            [{"id": committee_id, "process_id": process_id, "title": "Comité", "max_members": 25}],
        )
        people = [
            {"id": uuid.uuid4(), "first_name": f"Prénom{n}", "last_name": f"Nom{n}",
             "code": f"B{n:07d}"}
            for n in range(200)
        ]  # fmt: skip
        s.execute(insert(Participant), people)
        members = [
            {"id": uuid.uuid4(), "committee_id": committee_id, "participant_id": p["id"],
             "name": f"{p['first_name']} {p['last_name']}",
             "role": "member" if n < 25 else "observer", "joined_on": today - timedelta(days=900)}
            for n, p in enumerate(people[:65])
        ]  # fmt: skip
        s.execute(insert(CommitteeMember), members)
        meetings = [
            {"id": uuid.uuid4(), "process_id": process_id, "committee_id": committee_id,
             "title": f"Comité n°{n + 1}", "minutes_status": "draft",
             "starts_at": now + timedelta(days=30 * (n - 20))}
            for n in range(24)
        ]  # fmt: skip
        s.execute(insert(Session), meetings)
        s.execute(
            insert(Attendance),
            [
                {"session_id": m["id"], "participant_id": p["id"], "signed_in_at": m["starts_at"]}
                for m in meetings[:20]
                for p in rng.sample(people, 20)
            ],
        )
        actions, changes = [], []
        for n in range(n_actions):
            owner = rng.choice(members[:25] + [None] * 5)
            created = today - timedelta(days=rng.randint(30, 900))
            due = created + timedelta(days=rng.randint(10, 700)) if rng.random() < 0.9 else None
            status = rng.choice(ACTION_STATUSES)
            action_id = uuid.uuid4()
            actions.append(
                {"id": action_id, "committee_id": committee_id, "title": f"Action {n:05d}",
                 "owner_member_id": owner["id"] if owner else None,
                 "owner_name": owner["name"] if owner else rng.choice(["Métropole", "Ville"]),
                 "created_on": created, "due_on": due, "status": status,
                 "progress": 100 if status == "done" else rng.randint(0, 90)}
            )  # fmt: skip
            changes += [
                {"action_id": action_id, "field": "created", "new_value": f"Action {n:05d}",
                 "author": "Bench"},
                {"action_id": action_id, "field": "status", "old_value": "planned",
                 "new_value": status, "author": "Bench"},
                {"action_id": action_id, "field": "progress", "old_value": "0",
                 "new_value": "50", "author": "Bench"},
            ]  # fmt: skip
        s.execute(insert(Action), actions)
        s.execute(insert(ActionChange), changes)
        indicators, measurements = [], []
        for n in range(n_indicators):
            indicator_id = uuid.uuid4()
            direction = "higher" if n % 2 else "lower"
            indicators.append(
                {"id": indicator_id, "committee_id": committee_id, "position": n,
                 "name": f"Indicateur {n:03d}", "direction": direction, "baseline": 50.0,
                 "target": 60.0 if direction == "higher" else 40.0, "source": "manual"}
            )  # fmt: skip
            start = today - timedelta(days=n_measurements)
            measurements += [
                {"indicator_id": indicator_id, "measured_on": start + timedelta(days=k),
                 "value": rng.uniform(30, 70), "source": "Bench"}
                for k in range(n_measurements)
            ]  # fmt: skip
        s.execute(insert(Indicator), indicators)
        s.execute(insert(Measurement), measurements)
        s.commit()
    return ws, committee_id, [m["id"] for m in members[:25]]


def timed(ws, func, runs: int) -> tuple[float, float, object]:
    """(first call ms, median ms, last result), each call in a fresh session."""
    times, result = [], None
    for _ in range(runs):
        with ws.session() as s:
            t0 = time.perf_counter()
            result = func(s)
            times.append((time.perf_counter() - t0) * 1000)
    return times[0], statistics.median(times), result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--actions", type=int, default=2000)
    parser.add_argument("--indicators", type=int, default=50)
    parser.add_argument("--measurements", type=int, default=500, help="per indicator")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="atelier-bench-") as tmp:
        os.environ["ATELIER_HOME"] = str(Path(tmp) / "home")
        from app.facilitation import actions as A
        from app.facilitation import committee_review as R
        from app.facilitation import indicators as I

        t0 = time.perf_counter()
        ws, cid, member_ids = build(
            Path(tmp) / "bench.atelier", args.actions, args.indicators, args.measurements
        )
        figures: dict = {
            "actions": args.actions,
            "indicators": args.indicators,
            "measurements": args.indicators * args.measurements,
            "build_s": time.perf_counter() - t0,
        }
        today = date.today()
        cold, median, board = timed(ws, lambda s: R.dashboard(s, cid, today=today), 7)
        figures["dashboard_first_ms"], figures["dashboard_ms"] = cold, median
        figures["dashboard_counts"] = {
            "overdue": len(board.overdue_actions),
            "off_track": len(board.off_track),
            "open": board.open_actions,
        }
        filters = {
            "all": {},
            "status": {"status": "in_progress"},
            "owner (member)": {"owner": member_ids[3]},
            "owner (name)": {"owner": "Métropole"},
            "due period": {"due_from": today, "due_to": today + timedelta(days=90)},
            "overdue": {"overdue_only": True},
            "status + owner + period": {
                "status": ("planned", "blocked"),
                "owner": member_ids[5],
                "due_from": today - timedelta(days=365),
                "due_to": today + timedelta(days=365),
            },
        }
        figures["filters"] = {}
        for name, kw in filters.items():
            _first, ms, rows = timed(
                ws, lambda s, kw=kw: A.list_actions(s, cid, today=today, **kw), 9
            )
            figures["filters"][name] = {"ms": ms, "rows": len(rows)}
        figures["filter_max_ms"] = max(v["ms"] for v in figures["filters"].values())
        others = {
            "list_indicators": lambda s: I.list_indicators(s, cid),
            "open_actions_for_review": lambda s: A.open_actions_for_review(s, cid, today=today),
            "annual_review": lambda s: R.annual_review(s, cid, today.year, today=today),
        }
        figures["others"] = {name: timed(ws, f, 5)[1] for name, f in others.items()}
        with ws.session() as s:
            action_id = A.list_actions(s, cid, status="planned")[0].id
            t0 = time.perf_counter()
            A.update_action(s, action_id, {"progress": 55, "notes": "Bench"}, author="Bench")
            figures["others"]["update_action"] = (time.perf_counter() - t0) * 1000
        ws.close(backup=False)

    figures["met"] = {
        "dashboard": figures["dashboard_ms"] < TARGET_DASHBOARD_MS,
        "dashboard_first": figures["dashboard_first_ms"] < TARGET_DASHBOARD_MS,
        "filters": figures["filter_max_ms"] < TARGET_FILTER_MS,
    }
    if args.json:
        print(json.dumps(figures, indent=2, ensure_ascii=False, default=str))
        return 0
    ok = {True: "ok", False: "MISSED"}
    met = figures["met"]
    print(f"{figures['actions']:,} actions, {figures['indicators']} indicators, "
          f"{figures['measurements']:,} measurements "
          f"(built in {figures['build_s']:.1f} s)")  # fmt: skip
    print(f"dashboard, first call        {figures['dashboard_first_ms']:7.1f} ms   "
          f"target < {TARGET_DASHBOARD_MS:.0f} ms: {ok[met['dashboard_first']]}")  # fmt: skip
    print(f"dashboard, median of 7       {figures['dashboard_ms']:7.1f} ms   "
          f"target < {TARGET_DASHBOARD_MS:.0f} ms: {ok[met['dashboard']]}")  # fmt: skip
    c = figures["dashboard_counts"]
    print(f"  ({c['overdue']} overdue, {c['open']} open, {c['off_track']} indicators off track)")
    for name, v in figures["filters"].items():
        print(f"list_actions {name:<24} {v['ms']:7.1f} ms   ({v['rows']:,} rows)")
    print(f"filters, slowest median      {figures['filter_max_ms']:7.1f} ms   "
          f"target < {TARGET_FILTER_MS:.0f} ms: {ok[met['filters']]}")  # fmt: skip
    for name, ms in figures["others"].items():
        print(f"{name:<28} {ms:7.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
