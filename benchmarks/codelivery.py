"""Co-delivery at scale: the savings-against-costs summary and a group time sheet.

    python benchmarks/codelivery.py            500 volunteers, 200 missions, 100,000 hour lines
    python benchmarks/codelivery.py --volunteers 2000 --missions 500 --lines 500000
    python benchmarks/codelivery.py --json     the figures as JSON

The workspace is built with Core bulk inserts: one process, a committee with 20 actions, N
volunteers, M missions spread over the actions, each with people helped and support costs,
one estimated saving per action, and L time-sheet lines over one year. Then, each in a fresh
ORM session as the views would do:

1. **summary per action**: ``citizen_time.action_summary`` of the busiest action (cold call
   and median of 9), and ``action_summaries`` of every action of the process (median of 5).
2. **group time sheet**: ``timesheets.record_group_timesheet`` of 30 volunteers on one day
   (median of 7, each on a new day), checks included.
3. **others** (informational): ``process_summary``, ``hours_by`` month and volunteer,
   ``list_volunteers``, ``list_missions``.

Targets (informational, the exit code is 0 either way): summary per action under 200 ms, a
30-person sheet saved under 100 ms.
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

TARGET_SUMMARY_MS = 200.0
TARGET_SHEET_MS = 100.0
YEAR = 2027


def build(path: Path, n_volunteers: int, n_missions: int, n_lines: int, seed: int = 11):
    """A workspace of the requested size; returns (store, process id, action ids)."""
    from sqlalchemy import insert

    from app import store
    from app.models import Action, Committee, Process, WorkspaceMeta
    from app.models.codelivery import (
        EstimatedSaving,
        Mission,
        PeopleHelped,
        SupportCost,
        TimeEntry,
        VolunteerProfile,
    )

    rng = random.Random(seed)
    now = datetime.now(UTC)
    start = date(YEAR, 1, 1)
    ws = store.create_workspace(path, backup_count=0)
    with ws.session() as s:
        process_id, committee_id = uuid.uuid4(), uuid.uuid4()
        s.execute(insert(Process), [{"id": process_id, "title": "Quartier solidaire"}])
        s.execute(
            insert(Committee),
            [{"id": committee_id, "process_id": process_id, "title": "Comité de suivi"}],
        )
        actions = [
            {
                "id": uuid.uuid4(),
                "committee_id": committee_id,
                "title": f"Action {n:02d}",
                "created_on": start,
            }
            for n in range(20)
        ]
        s.execute(insert(Action), actions)
        volunteers = [
            {
                "id": uuid.uuid4(),
                "process_id": process_id,
                "name": f"Bénévole {n:04d}",
                "hours_per_week": 6.0,
                "active": True,
            }
            for n in range(n_volunteers)
        ]
        s.execute(insert(VolunteerProfile), volunteers)
        missions = [
            {
                "id": uuid.uuid4(),
                "process_id": process_id,
                "action_id": actions[n % len(actions)]["id"],
                "title": f"Mission {n:03d}",
                "volunteers_wanted": 5,
                "starts_on": start,
                "ends_on": date(YEAR, 12, 31),
            }
            for n in range(n_missions)
        ]
        s.execute(insert(Mission), missions)
        s.execute(
            insert(PeopleHelped),
            [
                {
                    "id": uuid.uuid4(),
                    "mission_id": m["id"],
                    "period_start": start,
                    "period_end": date(YEAR, 12, 31),
                    "category": cat,
                    "count": rng.randint(1, 20),
                }
                for m in missions
                for cat in ("familles", "jeunes")
            ],
        )
        s.execute(
            insert(SupportCost),
            [
                {
                    "id": uuid.uuid4(),
                    "mission_id": m["id"],
                    "kind": kind,
                    "amount": float(rng.randint(100, 2000)),
                    "incurred_on": start,
                }
                for m in missions
                for kind in ("training", "coordination", "materials")
            ],
        )
        s.execute(
            insert(EstimatedSaving),
            [
                {
                    "id": uuid.uuid4(),
                    "action_id": a["id"],
                    "amount": 8700.0,
                    "source": "Estimation du département",
                }
                for a in actions
            ],
        )
        # Lines on days before 1 December, so the sheets timed below never reach 24 hours.
        batch = []
        for _n in range(n_lines):
            v = volunteers[rng.randrange(n_volunteers)]
            m = missions[rng.randrange(n_missions)]
            batch.append(
                {
                    "id": uuid.uuid4(),
                    "created_at": now,
                    "updated_at": now,
                    "mission_id": m["id"],
                    "volunteer_id": v["id"],
                    "volunteer_name": v["name"],
                    "worked_on": start + timedelta(days=rng.randrange(334)),
                    "hours": rng.choice((1.0, 1.5, 2.0, 3.0)),
                }
            )
            if len(batch) == 20000:
                s.execute(insert(TimeEntry.__table__), batch)
                batch = []
        if batch:
            s.execute(insert(TimeEntry.__table__), batch)
        s.add_all(
            [
                WorkspaceMeta(key="codelivery.hourly_value", value="12.5"),
                WorkspaceMeta(key="codelivery.hourly_value_source", value="SMIC chargé"),
            ]
        )
        s.commit()
    return ws, process_id, [a["id"] for a in actions], [v["id"] for v in volunteers], missions


def timed(fn, runs: int) -> tuple[float, float]:
    """(first call, median of ``runs``) in milliseconds."""
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return times[0], statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--volunteers", type=int, default=500)
    parser.add_argument("--missions", type=int, default=200)
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)

    from app.facilitation import citizen_time as T
    from app.facilitation import missions as M
    from app.facilitation import timesheets as TS
    from app.facilitation import volunteers as V

    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        os.environ.setdefault("ATELIER_HOME", str(Path(tmp) / "home"))
        t0 = time.perf_counter()
        ws, process_id, action_ids, volunteer_ids, missions = build(
            Path(tmp) / "bench.atelier", args.volunteers, args.missions, args.lines
        )
        figures["build_s"] = round(time.perf_counter() - t0, 2)
        try:
            action_id = action_ids[0]

            def summary():
                with ws.session() as s:
                    T.action_summary(s, action_id)

            cold, median = timed(summary, 9)
            figures["action_summary_cold_ms"] = round(cold, 1)
            figures["action_summary_ms"] = round(median, 1)

            def every_action():
                with ws.session() as s:
                    T.action_summaries(s, process_id=process_id)

            figures["action_summaries_all_ms"] = round(timed(every_action, 5)[1], 1)

            days = iter(date(YEAR, 12, d) for d in range(1, 32))
            group = volunteer_ids[:30]
            mission_id = missions[0]["id"]

            def sheet():
                with ws.session() as s:
                    TS.record_group_timesheet(
                        s, mission_id, next(days), [(v, 2.5, None) for v in group]
                    )

            cold, median = timed(sheet, 7)
            figures["group_sheet_30_cold_ms"] = round(cold, 1)
            figures["group_sheet_30_ms"] = round(median, 1)

            for name, fn in {
                "process_summary_ms": lambda s: T.process_summary(s, process_id),
                "hours_by_month_ms": lambda s: T.hours_by(s, group="month"),
                "hours_by_volunteer_ms": lambda s: T.hours_by(s, group="volunteer"),
                "list_volunteers_ms": lambda s: V.list_volunteers(s, process_id),
                "list_missions_ms": lambda s: M.list_missions(s, process_id),
            }.items():

                def run(fn=fn):
                    with ws.session() as s:
                        fn(s)

                figures[name] = round(timed(run, 5)[1], 1)
        finally:
            ws.close(backup=False)

    if args.json:
        print(json.dumps(figures, indent=2, sort_keys=True))
        return 0
    print(
        f"{args.volunteers} volunteers, {args.missions} missions, {args.lines:,} lines "
        f"(built in {figures['build_s']} s)"
    )
    print(
        f"summary per action: {figures['action_summary_ms']} ms median "
        f"(cold {figures['action_summary_cold_ms']} ms; target {TARGET_SUMMARY_MS:g} ms); "
        f"every action at once: {figures['action_summaries_all_ms']} ms"
    )
    print(
        f"group time sheet of 30: {figures['group_sheet_30_ms']} ms median "
        f"(cold {figures['group_sheet_30_cold_ms']} ms; target {TARGET_SHEET_MS:g} ms)"
    )
    for key in (
        "process_summary_ms",
        "hours_by_month_ms",
        "hours_by_volunteer_ms",
        "list_volunteers_ms",
        "list_missions_ms",
    ):
        print(f"  {key[:-3].replace('_', ' ')}: {figures[key]} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
