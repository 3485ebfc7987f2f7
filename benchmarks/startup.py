"""Startup time: from process start to the main window shown, on a 10,000-participant workspace.

    python benchmarks/startup.py                 7 runs of each child, a table of figures
    python benchmarks/startup.py --runs 15       more runs
    python benchmarks/startup.py --json          the figures as JSON (for scripts and CI logs)
    python benchmarks/startup.py --profile       also profile an app child (importtime, cProfile)

Each run is a fresh Python process. The clock starts in this process just before ``Popen`` and
stops when the child prints a marker after ``window.show()`` and one ``processEvents()`` (the
window has been shown and painted once); the child then closes its workspace and exits. The
floor is a bare PySide6 ``QMainWindow`` shown the same way. The app child goes through
``create_main_window(workspace=...)``, the code path ``run_gui`` uses, and leaves out what
``run_gui`` does after the window is shown (the backup on open runs in the background).

The workspace is built once per invocation in a temporary folder; ``ATELIER_HOME`` points there
too, so nothing touches your own preferences or data. Qt runs offscreen unless
``QT_QPA_PLATFORM`` is already set. The targets are informational: the exit code is 0 whether
they are met or not (it is 1 only when a child fails).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

MARKER = "ATELIER-BENCH-SHOWN"
INFO = "ATELIER-BENCH-INFO"
#: Modules that must not load at startup (alembic only when a migration is needed).
HEAVY_MODULES = ("reportlab", "highspy", "alembic", "openpyxl")
TARGET_APP = 1.0  # seconds, process start to window shown
TARGET_OVER_BARE = 0.6  # seconds above the bare window
CHILD_TIMEOUT = 120.0

# The children are ``python -c`` programs so they import nothing of this file. Each one prints
# its own phases (seconds since its first statement) with the marker.
BARE_CHILD = f"""
import time
_t0 = time.perf_counter()
import json, os, sys
from PySide6.QtWidgets import QApplication, QMainWindow
_t_import = time.perf_counter()
app = QApplication(sys.argv[:1])
window = QMainWindow()
window.resize(1100, 720)
_t_window = time.perf_counter()
window.show()
QApplication.processEvents()
_t_shown = time.perf_counter()
phases = {{"imports": _t_import - _t0, "window": _t_window - _t_import,
          "show": _t_shown - _t_window, "in_script": _t_shown - _t0}}
print({MARKER!r}, json.dumps(phases), flush=True)
os._exit(0)
"""

APP_CHILD = f"""
import time
_t0 = time.perf_counter()
import json, os, sys
from pathlib import Path
import qasync  # run_gui imports it before building the window
from PySide6.QtWidgets import QApplication
from app.views.app import create_main_window, make_application
_t_import = time.perf_counter()
make_application(sys.argv[:1])
window = create_main_window(workspace=Path(sys.argv[1]), language=sys.argv[2] or None)
_t_window = time.perf_counter()
window.show()
QApplication.processEvents()
_t_shown = time.perf_counter()
phases = {{"imports": _t_import - _t0, "window": _t_window - _t_import,
          "show": _t_shown - _t_window, "in_script": _t_shown - _t0}}
print({MARKER!r}, json.dumps(phases), flush=True)
heavy = {{name: any(m == name or m.startswith(name + ".") for m in sys.modules)
         for name in {HEAVY_MODULES!r}}}
info = {{"heavy_modules": heavy, "module_count": len(sys.modules),
        "participants_rows": window.select_area("participants").model.total}}
print({INFO!r}, json.dumps(info), flush=True)
window.store.close(backup=False)
os._exit(0)
"""


def child_env(home: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env["ATELIER_HOME"] = str(home)
    env.pop("ATELIER_DATABASE_URL", None)
    env.pop("ATELIER_LANG", None)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # let the children use cached bytecode
    return env


def build_workspace(folder: Path, participants: int) -> Path:
    """An empty workspace plus ``participants`` generated people, closed and ready to open."""
    from app import store
    from app.facilitation.demo import add_generated_participants

    path = folder / "bench.atelier"
    ws = store.create_workspace(path, backup_count=0)
    try:
        with ws.transaction() as session:
            add_generated_participants(session, participants)
    finally:
        ws.close(backup=False)
    return path


def run_child(code: str, args: list[str], env: dict[str, str], cwd: Path) -> dict:
    """Start one child; the wall-clock seconds until its marker, its phases and its info."""
    with tempfile.TemporaryFile(mode="w+", encoding="utf-8") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, "-c", code, *args],
            stdout=subprocess.PIPE,
            stderr=err,
            env=env,
            cwd=cwd,
            text=True,
            encoding="utf-8",
        )
        timer = threading.Timer(CHILD_TIMEOUT, proc.kill)
        timer.start()
        try:
            elapsed = None
            result: dict = {}
            for line in proc.stdout:
                if line.startswith(MARKER):
                    elapsed = time.perf_counter() - start
                    result["phases"] = json.loads(line[len(MARKER) :])
                elif line.startswith(INFO):
                    result["info"] = json.loads(line[len(INFO) :])
            proc.wait()
        finally:
            timer.cancel()
        if elapsed is None or proc.returncode != 0:
            err.seek(0)
            raise RuntimeError(f"child failed (exit code {proc.returncode}):\n{err.read()[-4000:]}")
    result["seconds"] = elapsed
    result["startup"] = elapsed - result["phases"]["in_script"]
    return result


def summarise(values: list[float]) -> dict[str, float]:
    return {
        "median": statistics.median(values),
        "min": min(values),
        "max": max(values),
    }


def profile_app(workspace: Path, language: str, env: dict[str, str], cwd: Path, top: int) -> str:
    """One app child under ``-X importtime`` and one under cProfile: the top costs, as text."""
    out: list[str] = []
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", APP_CHILD, str(workspace), language],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=CHILD_TIMEOUT,
    )
    rows = []
    for line in proc.stderr.splitlines():
        if not line.startswith("import time:") or "|" not in line:
            continue
        parts = line[len("import time:") :].split("|")
        try:
            self_us, cumulative_us = int(parts[0]), int(parts[1])
        except ValueError:
            continue  # the header line
        name = parts[2].rstrip()
        rows.append((cumulative_us, self_us, name.strip(), len(name) - len(name.lstrip())))
    top_level = sorted((r for r in rows if r[3] <= 1), reverse=True)[:top]
    out.append(f"Imports, top-level, by cumulative time (-X importtime, top {top}):")
    out.extend(f"  {c / 1e3:8.1f} ms  {name}" for c, _s, name, _d in top_level)
    packages: dict[str, int] = {}
    for _c, self_us, name, _d in rows:
        root = name.split(".")[0]
        packages[root] = packages.get(root, 0) + self_us
    out.append("Imports by package (sum of self times):")
    out.extend(
        f"  {us / 1e3:8.1f} ms  {root}"
        for root, us in sorted(packages.items(), key=lambda kv: kv[1], reverse=True)[:top]
        if us >= 1000
    )
    by_self = sorted(rows, key=lambda r: r[1], reverse=True)[:top]
    out.append(f"Imports by self time (top {top}):")
    out.extend(f"  {s / 1e3:8.1f} ms  {name}" for _c, s, name, _d in by_self)

    with tempfile.TemporaryDirectory() as tmp:
        stats_file = Path(tmp) / "app.prof"
        script = Path(tmp) / "child.py"
        # cProfile writes its statistics when the script returns: no os._exit here.
        script.write_text(APP_CHILD.replace("os._exit(0)", "pass"), encoding="utf-8")
        command = [sys.executable, "-m", "cProfile", "-o", str(stats_file), str(script)]
        subprocess.run(
            [*command, str(workspace), language],
            capture_output=True,
            env=env,
            cwd=cwd,
            timeout=CHILD_TIMEOUT,
        )
        if stats_file.exists():
            import io
            import pstats

            buffer = io.StringIO()
            pstats.Stats(str(stats_file), stream=buffer).sort_stats("cumulative").print_stats(
                top * 2
            )
            out.append("cProfile of the app child, by cumulative time:")
            out.append(buffer.getvalue())
        else:
            out.append("cProfile: the child exited before writing its statistics.")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="runs of each child (default 7)")
    parser.add_argument("--warmup", type=int, default=1, help="uncounted runs first (default 1)")
    parser.add_argument("--participants", type=int, default=10_000)
    parser.add_argument("--lang", default="fr", help="interface language of the app child")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--profile", action="store_true", help="profile one app child too")
    parser.add_argument("--top", type=int, default=20, help="rows per profile listing")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")

    with tempfile.TemporaryDirectory(prefix="atelier-bench-") as tmp:
        folder = Path(tmp)
        home = folder / "home"
        home.mkdir()
        os.environ["ATELIER_HOME"] = str(home)  # the build below, too
        env = child_env(home)
        built = time.perf_counter()
        workspace = build_workspace(folder, args.participants)
        built = time.perf_counter() - built
        if not args.json:
            print(
                f"Workspace with {args.participants:,} participants built in {built:.1f} s; "
                f"{args.runs} runs (+{args.warmup} warm-up) of each child, "
                f"QT_QPA_PLATFORM={env['QT_QPA_PLATFORM']}",
                flush=True,
            )
        bare_runs: list[dict] = []
        app_runs: list[dict] = []
        app_args = [str(workspace), args.lang]
        try:
            for i in range(args.warmup + args.runs):
                # Interleaved, so a drift in machine load hits both alike.
                bare = run_child(BARE_CHILD, [], env, folder)
                app = run_child(APP_CHILD, app_args, env, folder)
                if i >= args.warmup:
                    bare_runs.append(bare)
                    app_runs.append(app)
        except RuntimeError as exc:
            print(exc, file=sys.stderr)
            return 1
        profile = profile_app(workspace, args.lang, env, folder, args.top) if args.profile else ""

    bare = summarise([r["seconds"] for r in bare_runs])
    app = summarise([r["seconds"] for r in app_runs])
    difference = app["median"] - bare["median"]
    info = app_runs[-1].get("info", {})
    heavy = info.get("heavy_modules", {})
    loaded = sorted(name for name, present in heavy.items() if present)
    phases = {
        kind: {
            key: statistics.median(r["phases"][key] for r in runs)
            for key in ("imports", "window", "show")
        }
        | {"interpreter": statistics.median(r["startup"] for r in runs)}
        for kind, runs in (("bare", bare_runs), ("app", app_runs))
    }
    targets = {
        "app_under_1s": {"target": TARGET_APP, "value": app["median"]},
        "within_0_6s_of_bare": {"target": TARGET_OVER_BARE, "value": difference},
    }
    for target in targets.values():
        target["pass"] = target["value"] < target["target"]

    if args.json:
        document = {
            "participants": args.participants,
            "runs": args.runs,
            "warmup": args.warmup,
            "language": args.lang,
            "platform": env["QT_QPA_PLATFORM"],
            "python": sys.version.split()[0],
            "bare_seconds": bare | {"all": [r["seconds"] for r in bare_runs]},
            "app_seconds": app | {"all": [r["seconds"] for r in app_runs]},
            "difference_seconds": difference,
            "phases_median_seconds": phases,
            "targets": targets,
            "heavy_modules": heavy,
            "heavy_modules_loaded": loaded,
            "module_count": info.get("module_count"),
            "participants_rows": info.get("participants_rows"),
        }
        json.dump(document, sys.stdout, indent=2, sort_keys=True)
        print()
    else:
        print()
        print(f"{'':24}{'median':>9}{'min':>9}{'max':>9}")
        for label, figures in (("bare QMainWindow", bare), ("Atelier Citoyen", app)):
            print(
                f"{label:24}{figures['median']:8.3f}s{figures['min']:8.3f}s{figures['max']:8.3f}s"
            )
        print(f"{'difference (medians)':24}{difference:8.3f}s")
        print()
        print("Where the time goes (medians, seconds):")
        print(f"{'':24}{'python':>9}{'imports':>9}{'window':>9}{'show':>9}")
        for kind, label in (("bare", "bare QMainWindow"), ("app", "Atelier Citoyen")):
            p = phases[kind]
            print(
                f"{label:24}{p['interpreter']:9.3f}{p['imports']:9.3f}"
                f"{p['window']:9.3f}{p['show']:9.3f}"
            )
        print("  (python = interpreter start until the child's first statement, pipe included)")
        print()
        print("Targets (informational):")
        print(
            f"  app under {TARGET_APP:.1f} s: {app['median']:.3f} s  "
            f"{'PASS' if targets['app_under_1s']['pass'] else 'MISS'}"
        )
        print(
            f"  within {TARGET_OVER_BARE:.1f} s of the bare window: {difference:+.3f} s  "
            f"{'PASS' if targets['within_0_6s_of_bare']['pass'] else 'MISS'}"
        )
        print()
        print(
            "Heavy modules at startup (must be absent): "
            + ", ".join(f"{n} {'LOADED' if heavy.get(n) else 'absent'}" for n in HEAVY_MODULES)
        )
        print(
            f"Modules loaded by the app child: {info.get('module_count')}; "
            f"participants in the model (fetched in pages): {info.get('participants_rows')}"
        )
    if profile:
        print(profile, file=sys.stderr if args.json else sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
