"""The frozen program (installer/build.py): bundle size and cold start to the main window.

    python benchmarks/frozen.py                  measure dist/atelier (build it first)
    python benchmarks/frozen.py --build          build it, then measure
    python benchmarks/frozen.py --runs 9 --json

Start time: the clock starts here just before ``Popen`` and stops at the wall-clock time the
program prints once its main window is shown and painted (``ATELIER_REPORT_STARTUP=1``); the
window then closes (``ATELIER_QUIT_AFTER_MS=1500``: after the backup the app makes on opening,
as closing during it can stop on a "Backup failed" dialog). The workspace is the demo, made by
the frozen program itself in a temporary ``ATELIER_HOME``. The first run after a build is the
coldest this script can get (the OS file cache is not dropped); the median is over the later
runs. Qt runs offscreen unless ``QT_QPA_PLATFORM`` is set. The targets are informational: exit
code 0 whether they are met or not (1 only when the program fails).

Download size: the folder packed as a facilitator downloads it, ``atelier-VERSION-linux.tar.xz``
(xz level 6, the ``tar -cJf`` default) and as a ZIP (deflate level 6, what Windows unpacks);
``--no-archive`` skips packing (half a minute on two cores). The target is the folder's size.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_SIZE_MB = 150
TARGET_START_S = 1.5


def folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def parts(folder: Path) -> list[tuple[str, int]]:
    """Size of each group of files in the bundle, biggest first."""
    groups: dict[str, int] = {}
    for path in folder.rglob("*"):
        if not path.is_file() or path.is_symlink():
            continue
        rel = path.relative_to(folder).parts
        rel = rel[1:] if rel[0] == "_internal" else rel
        if rel[0] == "PySide6" and len(rel) > 3 and rel[1] == "Qt" and rel[2] == "lib":
            key = "Qt libraries (ICU)" if "icu" in rel[3] else "Qt libraries"
        elif rel[0] in ("numpy", "numpy.libs"):
            key = "numpy" if rel[0] == "numpy" else "OpenBLAS (numpy.libs)"
        elif rel[0].startswith("libpython") or rel[0] in ("python3.11", "base_library.zip"):
            key = "Python"
        elif len(rel) == 1:
            key = "other shared libraries"
        else:
            key = rel[0]
        groups[key] = groups.get(key, 0) + path.stat().st_size
    return sorted(groups.items(), key=lambda item: -item[1])


def archive_sizes(folder: Path, scratch: Path) -> dict[str, int]:
    """Bytes of the folder packed as tar.xz and as zip (symbolic links kept as links)."""
    xz = scratch / "bundle.tar.xz"
    with tarfile.open(xz, "w:xz", preset=6) as archive:
        archive.add(folder, arcname=folder.name)
    zipped = scratch / "bundle.zip"
    with zipfile.ZipFile(zipped, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.write(path, path.relative_to(folder.parent).as_posix())
    sizes = {"tar.xz": xz.stat().st_size, "zip": zipped.stat().st_size}
    xz.unlink()
    zipped.unlink()
    return sizes


def start_once(program: Path, workspace: Path, env: dict) -> float:
    started = time.time()
    try:
        result = subprocess.run(
            [str(program), str(workspace)], capture_output=True, text=True, env=env, timeout=120
        )
    except subprocess.TimeoutExpired as exc:
        # As when the window closes while its opening backup still runs: a "Backup failed"
        # dialog then waits, unseen offscreen.
        raise RuntimeError(f"the program did not exit within 120 s:\n{exc.stderr}") from exc
    for line in result.stdout.splitlines():
        if line.startswith("window shown at "):
            if result.returncode != 0:
                break
            return float(line.rsplit(" ", 1)[1]) - started
    raise RuntimeError(f"the program failed (exit {result.returncode}):\n{result.stderr}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dist", type=Path, default=ROOT / "dist" / "atelier")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--build", action="store_true", help="run installer/build.py first")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--no-archive", action="store_true", help="skip the download sizes")
    args = parser.parse_args(argv)
    if args.build:
        subprocess.run(
            [sys.executable, str(ROOT / "installer" / "build.py"), "--dist",
             str(args.dist.parent)], check=True,
        )  # fmt: skip
    program = args.dist / ("atelier.exe" if sys.platform == "win32" else "atelier")
    if not program.exists():
        print(f"No frozen program at {program}: run python installer/build.py", file=sys.stderr)
        return 1
    size = folder_size(args.dist)
    with tempfile.TemporaryDirectory(prefix="atelier-frozen-bench-") as tmp:
        env = {**os.environ, "ATELIER_HOME": str(Path(tmp) / "home"), "ATELIER_LANG": "fr"}
        env.setdefault("QT_QPA_PLATFORM", "offscreen")
        env.pop("ATELIER_DATABASE_URL", None)
        demo = Path(tmp) / "demo.atelier"
        subprocess.run([str(program), "demo", str(demo)], check=True, env=env, capture_output=True)
        gui = {**env, "ATELIER_REPORT_STARTUP": "1", "ATELIER_QUIT_AFTER_MS": "1500"}
        try:
            times = [start_once(program, demo, gui) for _ in range(max(2, args.runs))]
        except RuntimeError as exc:
            print(exc, file=sys.stderr)
            return 1
        archives = {} if args.no_archive else archive_sizes(args.dist, Path(tmp))
    first, median = times[0], statistics.median(times[1:])
    figures = {
        "size_mb": round(size / 1e6, 1),
        "size_target_mb": TARGET_SIZE_MB,
        "start_first_s": round(first, 3),
        "start_median_s": round(median, 3),
        "start_best_s": round(min(times), 3),
        "start_target_s": TARGET_START_S,
        "parts_mb": {name: round(n / 1e6, 1) for name, n in parts(args.dist)},
        "download_mb": {kind: round(n / 1e6, 1) for kind, n in archives.items()},
    }
    if args.json:
        print(json.dumps(figures, indent=2))
        return 0
    ok = lambda met: "met" if met else "MISSED"  # noqa: E731
    print(f"Bundle {args.dist}: {size / 1e6:.0f} MB (target < {TARGET_SIZE_MB} MB: "
          f"{ok(size / 1e6 < TARGET_SIZE_MB)})")  # fmt: skip
    for name, n in parts(args.dist):
        print(f"  {n / 1e6:6.1f} MB  {name}")
    if archives:
        print(
            "Download: " + ", ".join(f"{n / 1e6:.0f} MB as {kind}" for kind, n in archives.items())
        )
    print(f"Start to the main window: first {first:.2f} s, median {median:.2f} s, "
          f"best {min(times):.2f} s over {len(times)} runs (target < {TARGET_START_S} s: "
          f"{ok(median < TARGET_START_S)})")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
