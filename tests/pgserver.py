"""A throw-away PostgreSQL server for the tests and benchmarks (no mocks).

A cluster is made with ``initdb`` in a private temporary folder, started with ``pg_ctl`` on a
free port (a Unix socket in that folder, plus 127.0.0.1; never another interface), with
``fsync=off`` for speed, and stopped at the end whatever happens.

The PostgreSQL binaries are looked for in ``ATELIER_PG_BINDIR``, ``/usr/lib/postgresql/*/bin``
(Debian, Ubuntu), ``pg_config --bindir`` and the ``PATH``; without them :class:`PgUnavailable`
is raised (the fixtures turn it into a skip; CI installs the package). PostgreSQL refuses to
run as root: as root, the server runs as the ``postgres`` system user through ``runuser``.

Databases for tests are cloned from a template that already holds the schema at head
(``CREATE DATABASE ... TEMPLATE``), which takes a few tens of milliseconds.
"""

from __future__ import annotations

import contextlib
import glob
import itertools
import os
import queue
import re
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path


class PgUnavailable(RuntimeError):
    """No PostgreSQL server can be started here (the reason says why)."""


PG_USER = "atelier"
#: The server's time zone: not UTC, so a timestamp that comes back in another zone shows.
SERVER_TIMEZONE = "Europe/Paris"
START_TIMEOUT_S = 60


# --------------------------------------------------------------------------- the server


def _bindir_ok(folder: Path) -> bool:
    return all((folder / name).is_file() for name in ("initdb", "pg_ctl", "postgres"))


def find_pg_bindir() -> Path | None:
    """The folder holding initdb, pg_ctl and postgres, newest version first, or None."""
    candidates: list[Path] = []
    if os.environ.get("ATELIER_PG_BINDIR"):
        candidates.append(Path(os.environ["ATELIER_PG_BINDIR"]))

    def version(folder: str) -> tuple[int, ...]:
        found = re.search(r"postgresql/(\d+)(?:\.(\d+))?/bin", folder)
        return tuple(int(g) for g in found.groups() if g) if found else ()

    debian = glob.glob("/usr/lib/postgresql/*/bin")
    candidates += [Path(p) for p in sorted(debian, key=version, reverse=True)]
    pg_config = shutil.which("pg_config")
    if pg_config:
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            out = subprocess.run(
                [pg_config, "--bindir"], capture_output=True, text=True, timeout=10, check=True
            ).stdout.strip()
            if out:
                candidates.append(Path(out))
    initdb = shutil.which("initdb")
    if initdb:
        candidates.append(Path(initdb).resolve().parent)
    return next((c for c in candidates if _bindir_ok(c)), None)


def free_tcp_port() -> int:
    """A port nothing listens on at the moment, on the loopback interface."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_postgres_user() -> tuple[list[str], tuple[int, int] | None]:
    """The command prefix and (uid, gid) to run the server as, when running as root."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return [], None
    import pwd

    runuser = shutil.which("runuser")
    if runuser is None:
        raise PgUnavailable(
            "running as root and runuser (util-linux) is missing: cannot start PostgreSQL"
        )
    try:
        entry = pwd.getpwnam("postgres")
    except KeyError:
        raise PgUnavailable(
            "running as root and there is no 'postgres' user to run PostgreSQL as"
        ) from None
    return [runuser, "-u", "postgres", "--"], (entry.pw_uid, entry.pw_gid)


@dataclass
class PgServer:
    """A running throw-away PostgreSQL cluster."""

    bindir: Path
    base: Path
    port: int
    prefix: list[str]

    @property
    def data(self) -> Path:
        return self.base / "data"

    @property
    def socket_dir(self) -> Path:
        return self.base

    @property
    def log(self) -> Path:
        return self.base / "server.log"

    def run(self, *args: str, timeout: float = START_TIMEOUT_S) -> subprocess.CompletedProcess:
        return subprocess.run(
            [*self.prefix, *args],
            cwd=self.base,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    def url(self, database: str, *, password: str | None = None, tcp: bool = False) -> str:
        user = PG_USER if password is None else f"{PG_USER}:{password}"
        if tcp:
            return f"postgresql+psycopg://{user}@127.0.0.1:{self.port}/{database}"
        return f"postgresql+psycopg://{user}@/{database}?host={self.socket_dir}&port={self.port}"

    def connect(self, database: str = "postgres"):
        """A plain psycopg connection (autocommit), to look at what the app did."""
        import psycopg

        return psycopg.connect(
            host=str(self.socket_dir),
            port=self.port,
            user=PG_USER,
            dbname=database,
            autocommit=True,
        )

    def create_database(self, name: str, options: str = "") -> None:
        with self.connect() as con:
            con.execute(f'CREATE DATABASE "{name}" {options}')

    def drop_database(self, name: str) -> None:
        with self.connect() as con:
            con.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no server log)"

    def start(self) -> None:
        conf = {
            "port": str(self.port),
            "listen_addresses": "'127.0.0.1'",
            "unix_socket_directories": f"'{self.socket_dir}'",
            "fsync": "off",
            "synchronous_commit": "off",
            "full_page_writes": "off",
            "max_connections": "40",
            "shared_buffers": "16MB",
            "timezone": f"'{SERVER_TIMEZONE}'",
        }
        with open(self.data / "postgresql.conf", "a", encoding="utf-8") as fh:
            fh.write("\n# atelier tests\n")
            fh.writelines(f"{key} = {value}\n" for key, value in conf.items())
        result = self.run(
            str(self.bindir / "pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.log),
            "-w",
            "-t",
            str(START_TIMEOUT_S),
            "start",
        )
        if result.returncode != 0:
            raise RuntimeError(
                f"PostgreSQL did not start (port {self.port}):\n{result.stdout}{result.stderr}"
                f"\n--- server log ---\n{self.log_tail()}"
            )
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:  # pg_ctl -w waited for "ready"; make sure we can log in too
            try:
                with self.connect() as con:
                    con.execute("SELECT 1")
                return
            except Exception:  # psycopg.OperationalError: not accepting logins yet
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)

    def stop(self) -> None:
        pg_ctl = str(self.bindir / "pg_ctl")
        result = self.run(pg_ctl, "-D", str(self.data), "-m", "fast", "-w", "stop", timeout=60)
        if result.returncode != 0 and (self.data / "postmaster.pid").exists():
            self.run(pg_ctl, "-D", str(self.data), "-m", "immediate", "-w", "stop", timeout=60)


@contextlib.contextmanager
def running_server() -> Iterator[PgServer]:
    bindir = find_pg_bindir()
    if bindir is None:
        raise PgUnavailable(
            "PostgreSQL server binaries not found (install Debian's 'postgresql' package, "
            "or set ATELIER_PG_BINDIR to the folder holding initdb, pg_ctl and postgres)"
        )
    prefix, owner = _as_postgres_user()
    # /tmp rather than $TMPDIR: short enough for a socket path, and traversable by postgres.
    parent = "/tmp" if os.path.isdir("/tmp") else None
    base = Path(tempfile.mkdtemp(prefix="atelier-pg-", dir=parent))
    try:
        if owner is not None:
            os.chown(base, *owner)
        server = PgServer(bindir=bindir, base=base, port=free_tcp_port(), prefix=prefix)
        result = server.run(
            str(bindir / "initdb"),
            "-D",
            str(server.data),
            "-U",
            PG_USER,
            "--auth=trust",
            "--encoding=UTF8",
            "--no-locale",
            "--no-sync",
        )
        if result.returncode != 0:
            raise RuntimeError(f"initdb failed:\n{result.stdout}{result.stderr}")
        try:
            for attempt in range(3):
                try:
                    server.start()
                    break
                except RuntimeError:
                    # Another program may have taken the port since we picked it: try another.
                    if attempt == 2 or "could not bind" not in server.log_tail():
                        raise
                    server.port = free_tcp_port()
            yield server
        finally:
            if (server.data / "postmaster.pid").exists():
                server.stop()
    finally:
        shutil.rmtree(base, ignore_errors=True)


_database_numbers = itertools.count(1)


def database_name(prefix: str = "atelier_test") -> str:
    return f"{prefix}_{os.getpid()}_{next(_database_numbers)}"


TEMPLATE = "atelier_template"


def make_template(server: PgServer) -> str:
    """A database at the schema head (migrated once through the app), for cloning."""
    from app import store

    server.drop_database(TEMPLATE)
    server.create_database(TEMPLATE)
    store.open_url(server.url(TEMPLATE)).close()
    with server.connect() as con:
        con.execute(f'ALTER DATABASE "{TEMPLATE}" WITH IS_TEMPLATE true ALLOW_CONNECTIONS false')
    return TEMPLATE


def clone_template(server: PgServer, name: str | None = None) -> str:
    """A new database holding an empty schema at head; returns its name."""
    name = name or database_name()
    server.create_database(name, f'TEMPLATE "{TEMPLATE}"')
    return name


class DatabasePool:
    """Databases cloned from a template ahead of time by a background thread, so a test does
    not wait for ``CREATE DATABASE`` (the server copies while the tests run); databases given
    back are dropped there too."""

    def __init__(self, server: PgServer, template: str, ahead: int = 2) -> None:
        self.server = server
        self.template = template
        self._ready: queue.Queue[str] = queue.Queue(maxsize=ahead)
        self._used: queue.Queue[str] = queue.Queue()
        self._stop = threading.Event()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="pg-pool", daemon=True)
        self._thread.start()

    def _drop_used(self) -> None:
        while True:
            try:
                name = self._used.get_nowait()
            except queue.Empty:
                return
            self.server.drop_database(name)

    def _run(self) -> None:
        try:
            while not self._stop.is_set():
                self._drop_used()
                name = database_name()
                self.server.create_database(name, f'TEMPLATE "{self.template}"')
                while True:
                    try:
                        self._ready.put(name, timeout=0.05)
                        break
                    except queue.Full:
                        self._drop_used()
                        if self._stop.is_set():
                            self._used.put(name)
                            return
        except BaseException as exc:  # reported to the next take()
            self._error = exc

    def take(self) -> str:
        """The name of a fresh database holding the template's content."""
        while True:
            if self._error is not None:
                raise RuntimeError(f"could not clone {self.template}") from self._error
            try:
                return self._ready.get(timeout=0.1)
            except queue.Empty:
                if not self._thread.is_alive() and self._error is None:
                    raise RuntimeError("the database pool has stopped") from None

    def give_back(self, name: str) -> None:
        """Drop this database (in the background)."""
        self._used.put(name)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=60)
        while not self._ready.empty():
            self._used.put(self._ready.get_nowait())
        self._drop_used()
