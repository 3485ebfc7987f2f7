"""Counting speed of the voting methods, on random ballots and on the shared public data.

    python benchmarks/voting.py            a table of figures, targets beside them
    python benchmarks/voting.py --quick    smaller random profiles (a smoke run)

Random rankings: 10,000 ballots of 30 options (complete rankings drawn from a few "opinion
poles" so that counts are not ties everywhere) for schulze, irv, borda, majority_judgment
(grades 0–5 derived from the rankings); a method whose module is missing is skipped, saying so.
Participatory budget: MES (add1 completion) with 5,000 voters × 100 projects. Public data (from
``../shared/data/voting`` beside the repository, or ``/work/shared/data/voting``): the three
2002 Irish STV counts, and every pabulib file counted with the rule it declares (greedy or
equal shares) — time, and whether our funded set equals the file's ``selected`` column.
The targets are informational; the exit code is 0 whether they are met or not.
"""

from __future__ import annotations

import argparse
import importlib.util
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.facilitation.voting import registry  # noqa: E402
from app.facilitation.voting.base import TieBreaker  # noqa: E402

TARGET_RANKED = 0.5  # seconds, 10,000 ballots × 30 options (the target)
TARGET_MES = 2.0  # seconds, 5,000 voters × 100 projects
TARGET_STV = 2.0  # seconds, each Irish constituency
TARGET_PB_FILE = 5.0  # seconds, each pabulib file


def data_dir() -> Path | None:
    for base in (ROOT.parent / "shared" / "data", Path("/work/shared/data")):
        if (base / "voting").is_dir():
            return base / "voting"
    return None


def timed(function):
    start = time.perf_counter()
    value = function()
    return time.perf_counter() - start, value


def row(label: str, seconds: float | None, target: float | None, note: str = "") -> None:
    figure = "—" if seconds is None else f"{seconds:7.3f} s"
    goal = "" if target is None else f"target < {target:.1f} s"
    flag = "" if seconds is None or target is None else ("ok" if seconds < target else "SLOW")
    print(f"{label:<46} {figure:>10}  {goal:<16} {flag:<4} {note}")


def random_rankings(voters: int, options: int, rng: random.Random):
    poles = [rng.sample(range(options), options) for _i in range(5)]
    ballots = []
    for _v in range(voters):
        base = list(rng.choice(poles))
        for _swap in range(options // 3):  # noise: a few neighbour swaps
            i = rng.randrange(options - 1)
            base[i], base[i + 1] = base[i + 1], base[i]
        ballots.append((tuple(frozenset((c,)) for c in base), 1))
    return ballots


def grades_from(ballots, options: int):
    out = []
    for ranking, weight in ballots:
        grades = {}
        for position, group in enumerate(ranking):
            for c in group:
                grades[c] = min(5, position * 6 // options)
        out.append((grades, weight))
    return out


def module_exists(name: str) -> bool:
    module = registry.method(name).module
    return importlib.util.find_spec(f"app.facilitation.voting.{module}") is not None


def bench_ranked(voters: int, options: int) -> None:
    rng = random.Random(2024)
    names = [f"option {i + 1}" for i in range(options)]
    rankings = random_rankings(voters, options, rng)
    grades = grades_from(rankings, options)
    label = f"{voters:,} ballots × {options} options"
    for method in ("schulze", "irv", "borda", "majority_judgment"):
        if not module_exists(method):
            row(f"{method}, {label}", None, TARGET_RANKED, "skipped: module not written yet")
            continue
        ballots = grades if method == "majority_judgment" else rankings
        try:
            seconds, result = timed(
                lambda m=method, b=ballots: registry.count(m, names, b, tiebreak=TieBreaker(seed=1))
            )
        except Exception as exc:  # report and go on: a benchmark, not a test
            row(f"{method}, {label}", None, TARGET_RANKED, f"failed: {exc}")
            continue
        row(f"{method}, {label}", seconds, TARGET_RANKED, f"winner {result.winners}")


def bench_mes(voters: int, projects: int) -> None:
    rng = random.Random(7)
    names = [f"project {i + 1}" for i in range(projects)]
    costs = [rng.randrange(5, 200) * 1000 for _i in range(projects)]
    popularity = [rng.random() ** 2 for _i in range(projects)]
    ballots = []
    for _v in range(voters):
        size = rng.randint(1, 10)
        ballots.append((frozenset(rng.choices(range(projects), popularity, k=size)), 1))
    budget = sum(costs) // 5
    rules = {"budget": budget, "costs": costs}
    for method in ("mes", "pb_greedy"):
        seconds, result = timed(
            lambda m=method: registry.count(m, names, ballots, rules=rules, tiebreak=TieBreaker(1))
        )
        note = f"{len(result.winners)} funded, {result.details['spent']:,} of {budget:,}"
        if method == "mes":
            note += f", share {result.details['initial_share']} (equal {budget / voters:.1f})"
        target = TARGET_MES if method == "mes" else None
        row(f"{method}, {voters:,} voters × {projects} projects", seconds, target, note)


IRISH = {
    "00001-00000001.soi": 4,
    "00001-00000002.soi": 3,
    "00001-00000003.soi": 5,
}


def bench_data(base: Path | None) -> None:
    if base is None:
        print("shared data folder not found: Irish and pabulib figures skipped")
        return
    from app.facilitation.voting.formats import read_pabulib, read_preflib

    for name, seats in IRISH.items():
        election = read_preflib(base / "preflib" / name)
        seconds, result = timed(
            lambda e=election, k=seats: registry.count(
                "stv", e.options, e.ballots, rules={"seats": k}, tiebreak=TieBreaker(1)
            )
        )
        elected = ", ".join(election.options[i] for i in result.winners)
        row(f"stv {election.metadata.get('TITLE', name)}", seconds, TARGET_STV, elected)
    for path in sorted((base / "pabulib").glob("*.pb")):
        election = read_pabulib(path)
        declared = election.meta.get("rule", "")
        method = "mes" if declared.startswith("equalshares") else "pb_greedy"
        rules = {"budget": election.budget, "costs": election.costs}
        if declared.endswith("-comparison"):
            rules["comparison"] = "satisfaction"
        seconds, result = timed(
            lambda e=election, m=method, r=rules: registry.count(
                m, e.options, e.ballots, rules=r, tiebreak=TieBreaker(1)
            )
        )
        if election.selected is None:
            note = "no selected column"
        elif set(result.winners) == election.selected:
            note = "matches selected"
        else:
            ours, theirs = set(result.winners), election.selected
            extra = sorted(election.project_ids[i] for i in ours - theirs)
            missing = sorted(election.project_ids[i] for i in theirs - ours)
            note = f"MISMATCH: ours also {extra}, file also {missing}"
        row(f"{method} {path.stem[:38]}", seconds, TARGET_PB_FILE, f"[{declared}] {note}")


TARGET_SAVE_MS = 20.0  # milliseconds to record one ballot from the entry form


def bench_save_ballot(count: int = 200) -> None:
    """Record ballots one by one in a real workspace file, as the entry form does (each one
    checked by the method and committed at once), and report the median time per ballot."""
    import os
    import statistics
    import tempfile

    with tempfile.TemporaryDirectory(prefix="atelier-bench-") as folder:
        os.environ["ATELIER_HOME"] = str(Path(folder) / "home")
        from app.facilitation import votes as V
        from app.facilitation.demo import create_demo
        from app.facilitation.sessions import process_overview

        ws = create_demo(Path(folder) / "demo.atelier")
        try:
            with ws.session() as s:
                session_id = process_overview(s)[0].sessions[1].id
                for method, ballot in (
                    ("approval", frozenset({0, 2})),
                    ("schulze", (frozenset({2}), frozenset({0}), frozenset({1}))),
                    ("majority_judgment", {0: 1, 1: 3, 2: 0}),
                ):
                    data = V.VoteData(
                        question="Bench",
                        method=method,
                        options=[V.OptionData(t) for t in ("A", "B", "C")],
                        eligibility="open",
                    )
                    vote_id = V.create_vote(s, session_id, data)
                    V.open_vote(s, vote_id)
                    times = []
                    for _ in range(count):
                        start = time.perf_counter()
                        V.cast_ballot(s, vote_id, ballot)
                        times.append(time.perf_counter() - start)
                    median_ms = statistics.median(times) * 1000
                    print(
                        f"{'save one ballot, ' + method:<46} {median_ms:>8.1f} ms  "
                        f"target < {TARGET_SAVE_MS:.0f} ms  "
                        f"{'ok' if median_ms < TARGET_SAVE_MS else 'SLOW':<4} "
                        f"median of {count}, max {max(times) * 1000:.1f} ms"
                    )
        finally:
            ws.close(backup=False)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller random profiles")
    args = parser.parse_args(argv)
    print(f"Python {sys.version.split()[0]}")
    if args.quick:
        bench_ranked(1_000, 10)
        bench_mes(500, 20)
    else:
        bench_ranked(10_000, 30)
        bench_mes(5_000, 100)
    bench_data(data_dir())
    bench_save_ballot(50 if args.quick else 200)
    return 0


if __name__ == "__main__":
    sys.exit(main())
