"""Build the one-folder program (dist/atelier/) with PyInstaller, and smoke-test it.

    python installer/build.py            build, then print the size
    python installer/build.py --smoke    build, then run the frozen program end to end
    python installer/build.py --smoke --no-build   smoke-test an existing build
    python installer/build.py --with-openblas      bundle numpy as installed (28 MB more)

PyInstaller comes from the ``build`` extra (``pip install -e '.[build]'``); it is installed into
the running environment if missing. Exit code 0 if everything passed, 1 otherwise.

On Linux the bundle gets numpy built from source without BLAS/LAPACK (the app's arrays are
small; numpy falls back on its own loops and lapack_lite) instead of the PyPI wheel, whose
OpenBLAS, gfortran and quadmath weigh 28 MB. The same numpy version as the environment's is
compiled once (11–14 minutes on two busy cores; needs a C/C++ compiler and PyPI) and kept in
the user cache (``~/.cache/atelier-citoyen/build``); if that fails the build goes on with the
installed numpy and says so.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.metadata
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "installer" / "atelier.spec"
#: Output that means a module, a plugin or a data file did not make it into the bundle.
FATAL_OUTPUT = (
    "ModuleNotFoundError",
    "No module named",
    "Could not load the Qt platform plugin",
    "could not find or load",
    "Traceback (most recent call last)",
    "FileNotFoundError",
)


def project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def ensure_pyinstaller() -> None:
    try:
        import PyInstaller  # noqa: F401
    except ImportError:
        requirements = project()["optional-dependencies"]["build"]
        print("+ pip install " + " ".join(requirements), flush=True)
        subprocess.run([sys.executable, "-m", "pip", "install", *requirements], check=True)


#: Meson options of numpy's source build: no BLAS, no LAPACK (lapack_lite instead), and no
#: extra SIMD variants (smaller and faster to build; the baseline SIMD stays).
NUMPY_WITHOUT_BLAS = (
    "-Csetup-args=-Dblas=none",
    "-Csetup-args=-Dlapack=none",
    "-Csetup-args=-Dallow-noblas=true",
    "-Csetup-args=-Dcpu-dispatch=none",
)


def build_cache() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "atelier-citoyen" / "build"


def numpy_without_blas(cache: Path) -> Path | None:
    """A folder holding numpy (the environment's version) built without BLAS, to put first on
    PyInstaller's path; built on first use with pip. None if it cannot be had."""
    version = importlib.metadata.version("numpy")
    tag = f"cp{sys.version_info.major}{sys.version_info.minor}-{platform.machine()}"
    options = hashlib.sha256(" ".join(NUMPY_WITHOUT_BLAS).encode()).hexdigest()[:8]
    target = cache / f"numpy-{version}-noblas-{options}-{tag}"
    if (target / "numpy" / "__init__.py").is_file():
        return target
    print(f"Building numpy {version} without BLAS (once; kept in {target})...", flush=True)
    with tempfile.TemporaryDirectory(prefix="atelier-numpy-") as tmp:
        nice = ["nice", "-n", "10"] if shutil.which("nice") else []
        pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--no-cache-dir"]
        wheel = [*nice, *pip, "wheel", f"numpy=={version}", "--no-binary", "numpy",
                 "--no-deps", "--wheel-dir", tmp, *NUMPY_WITHOUT_BLAS]  # fmt: skip
        try:
            subprocess.run(wheel, check=True)
            wheels = sorted(Path(tmp).glob("numpy-*.whl"))
            if not wheels:
                raise subprocess.CalledProcessError(1, wheel)
            partial = target.with_name(target.name + ".partial")
            shutil.rmtree(partial, ignore_errors=True)
            install = [*pip, "install", "--no-deps", "--target", str(partial), str(wheels[0])]
            subprocess.run(install, check=True)
        except (OSError, subprocess.CalledProcessError) as exc:
            print(
                f"WARNING: numpy without BLAS could not be built ({exc}); the bundle keeps "
                "the installed numpy and its OpenBLAS (28 MB more).",
                flush=True,
            )
            return None
    shutil.rmtree(target, ignore_errors=True)
    partial.rename(target)
    return target


def build(dist: Path, work: Path, openblas: bool = False) -> None:
    ensure_pyinstaller()
    env = dict(os.environ)
    if sys.platform.startswith("linux") and not openblas:
        numpy_folder = numpy_without_blas(build_cache())
        if numpy_folder is not None:
            print(f"numpy without BLAS: {numpy_folder}", flush=True)
            env["PYTHONPATH"] = os.pathsep.join(
                [str(numpy_folder), *filter(None, [env.get("PYTHONPATH")])]
            )
    command = [
        sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
        "--distpath", str(dist), "--workpath", str(work), str(SPEC),
    ]  # fmt: skip
    print("+ " + " ".join(command), flush=True)
    subprocess.run(command, check=True, cwd=ROOT, env=env)


def folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def largest_parts(folder: Path, count: int = 8) -> list[tuple[str, int]]:
    """The biggest entries of the bundle's _internal folder (what dominates its size)."""
    inner = folder / "_internal" if (folder / "_internal").is_dir() else folder
    sizes = []
    for entry in inner.iterdir():
        if entry.is_symlink():  # Qt's libraries are linked from PySide6/Qt/lib: counted there
            continue
        size = folder_size(entry) if entry.is_dir() else entry.stat().st_size
        sizes.append((entry.name, size))
    return sorted(sizes, key=lambda item: -item[1])[:count]


def executable(folder: Path) -> Path:
    """The program to run from a terminal (on Windows atelier.exe is windowed: its twin)."""
    return folder / ("atelier-cli.exe" if sys.platform == "win32" else "atelier")


class SmokeFailure(Exception):
    pass


def run(program: Path, *args: str, env: dict, timeout: float = 120) -> str:
    """Run the frozen program; its output, or SmokeFailure on a bad exit or a missing piece."""
    started = time.perf_counter()
    result = subprocess.run(
        [str(program), *args], capture_output=True, text=True, env=env, timeout=timeout
    )
    output = result.stdout + result.stderr
    elapsed = time.perf_counter() - started
    print(f"  atelier {' '.join(args)}  → exit {result.returncode} ({elapsed:.1f} s)", flush=True)
    bad = [marker for marker in FATAL_OUTPUT if marker in output]
    if result.returncode != 0 or bad:
        raise SmokeFailure(f"atelier {' '.join(args)} failed (exit {result.returncode}):\n{output}")
    return result.stdout


def smoke(folder: Path) -> None:
    """--version, init, demo, a PDF report of the demo, the main window for 3 s offscreen, then
    the self-check inside the program (``atelier --self-check``)."""
    program = executable(folder)
    if not program.exists():
        raise SmokeFailure(f"no program at {program}: build first")
    with tempfile.TemporaryDirectory(prefix="atelier-smoke-") as tmp:
        tmp_path = Path(tmp)
        env = {
            **os.environ,
            "ATELIER_HOME": str(tmp_path / "home"),
            "ATELIER_LANG": "en",
            "QT_QPA_PLATFORM": "offscreen",
        }
        env.pop("ATELIER_DATABASE_URL", None)
        env.pop("ATELIER_SINGLE_INSTANCE", None)  # the GUI run goes through QtNetwork too
        version = project()["version"]
        out = run(program, "--version", env=env)
        if version not in out:
            raise SmokeFailure(f"--version printed {out.strip()!r}, expected version {version}")
        run(program, "init", str(tmp_path / "empty.atelier"), env=env)
        demo = tmp_path / "demo.atelier"
        run(program, "demo", str(demo), env=env)
        listing = json.loads(run(program, "sessions", "list", str(demo), "--json", env=env))
        session_id = listing["sessions"][0]["id"]
        pdf = tmp_path / "session.pdf"
        run(program, "report", "session", str(demo), session_id, "-o", str(pdf), env=env)
        if not pdf.exists() or not pdf.read_bytes().startswith(b"%PDF-"):
            raise SmokeFailure("the session report is not a PDF file")
        gui_env = {**env, "ATELIER_QUIT_AFTER_MS": "3000", "ATELIER_REPORT_STARTUP": "1"}
        out = run(program, str(demo), env=gui_env, timeout=60)
        if "window shown" not in out:
            raise SmokeFailure("the main window was never shown")
        # Inside the program: every module, every PDF kind the demo has, logos, an XLSX
        # import, a LEXIMIN draw, the main window's areas, ICU collation (installer/selfcheck.py).
        out = run(program, "--self-check", str(tmp_path / "self-check"), env=env, timeout=300)
        for line in out.splitlines():
            print("    " + line, flush=True)
        if "self-check passed" not in out:
            raise SmokeFailure("the self-check did not pass:\n" + out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="smoke-test the frozen program")
    parser.add_argument("--no-build", action="store_true", help="use the existing build")
    parser.add_argument("--dist", type=Path, default=ROOT / "dist", help="output folder")
    parser.add_argument("--work", type=Path, default=ROOT / "build" / "pyinstaller")
    parser.add_argument(
        "--with-openblas",
        action="store_true",
        help="bundle the installed numpy and its OpenBLAS instead of numpy without BLAS",
    )
    args = parser.parse_args(argv)
    started = time.perf_counter()
    if not args.no_build:
        build(args.dist, args.work, openblas=args.with_openblas)
        print(f"Built in {time.perf_counter() - started:.0f} s", flush=True)
    folder = args.dist / "atelier"
    if folder.is_dir():
        print(f"{folder}: {folder_size(folder) / 1e6:.0f} MB")
        for name, size in largest_parts(folder):
            print(f"  {size / 1e6:6.1f} MB  {name}")
    if args.smoke:
        print("Smoke test of the frozen program:", flush=True)
        try:
            smoke(folder)
        except (SmokeFailure, subprocess.TimeoutExpired, KeyError, ValueError) as exc:
            print(f"SMOKE TEST FAILED: {exc}", file=sys.stderr)
            return 1
        print("Smoke test passed.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
