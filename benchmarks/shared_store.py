"""A shared PostgreSQL store against a workspace file: the same bundle imported into both.

    python benchmarks/shared_store.py              10,000 participants, 50 sessions, 20 votes
                                                   × 500 ballots, 500 actions (as exchange.py)
    python benchmarks/shared_store.py --people 2000 --json
    python benchmarks/shared_store.py --profile    also print where the PostgreSQL import
                                                   spends its time

The process is built and exported with benchmarks/exchange.py's builder, then, timed:
``apply_import`` into an empty workspace file, and into an empty database on a throw-away
PostgreSQL server started here (tests/pgserver.py: Debian's ``postgresql`` package; fsync
off, as in the tests) and reached over its Unix socket. Creating the schema is not timed.

Target (informational; the exit code is 0 either way): PostgreSQL within 3× of SQLite.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

TARGET_RATIO = 3.0


def _timed_import(ws, bundle: Path, profiler=None) -> tuple[float, int]:
    from app.facilitation import exchange_import as I

    with ws.session() as s:
        started = time.perf_counter()
        if profiler:
            profiler.enable()
        report = I.apply_import(s, bundle)
        elapsed = time.perf_counter() - started
        if profiler:
            profiler.disable()
    return elapsed, report.plan.total_added


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--sessions", type=int, default=50)
    parser.add_argument("--votes", type=int, default=20)
    parser.add_argument("--ballots", type=int, default=500)
    parser.add_argument("--actions", type=int, default=500)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--profile", action="store_true", help="cProfile the PostgreSQL import")
    args = parser.parse_args(argv)

    from app import store
    from app.facilitation import exchange_export as X
    from benchmarks.exchange import build
    from tests import pgserver

    figures: dict[str, float | int | str] = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        started = time.perf_counter()
        ws, pid = build(folder / "origin.atelier", args.people, args.sessions, args.votes,
                        args.ballots, args.actions)  # fmt: skip
        figures["build_s"] = time.perf_counter() - started
        bundle = folder / "process.atelier-bundle"
        with ws.session() as s:
            result = X.export_process(s, pid, bundle)
        ws.close(backup=False)
        figures["rows"] = sum(result.rows.values())

        target = store.create_workspace(folder / "partner.atelier", backup_count=0)
        figures["sqlite_s"], added_sqlite = _timed_import(target, bundle)
        target.close(backup=False)

        profiler = None
        if args.profile:
            import cProfile

            profiler = cProfile.Profile()
        try:
            with pgserver.running_server() as server:
                server.create_database("atelier_bench")
                figures["postgresql_version"] = server.run(
                    str(server.bindir / "postgres"), "--version"
                ).stdout.strip()
                shared = store.open_url(server.url("atelier_bench"))  # schema: not timed
                try:
                    figures["postgresql_s"], added_pg = _timed_import(shared, bundle, profiler)
                finally:
                    shared.close()
        except pgserver.PgUnavailable as exc:
            print(f"PostgreSQL unavailable: {exc}", file=sys.stderr)
            return 0
        assert added_pg == added_sqlite, (added_pg, added_sqlite)
        figures["added"] = added_pg
    figures["ratio"] = figures["postgresql_s"] / figures["sqlite_s"]

    if args.json:
        print(json.dumps(figures, indent=2))
        return 0
    print(
        f"{args.people:,} participants, {args.sessions} sessions, {args.votes} votes × "
        f"{args.ballots} ballots, {args.actions} actions: {figures['rows']:,} rows, "
        f"{figures['added']:,} added"
    )
    print(f"  SQLite file     {figures['sqlite_s']:6.2f} s")
    print(f"  PostgreSQL      {figures['postgresql_s']:6.2f} s  ({figures['postgresql_version']})")
    verdict = "ok" if figures["ratio"] <= TARGET_RATIO else f"OVER {TARGET_RATIO:.0f}×"
    print(f"  ratio           {figures['ratio']:6.2f} ×  {verdict}")
    print(f"  (build {figures['build_s']:.1f} s)")
    if profiler:
        import pstats

        pstats.Stats(profiler).sort_stats("tottime").print_stats(20)
    return 0


if __name__ == "__main__":
    sys.exit(main())
