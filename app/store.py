"""The store: a workspace file (SQLite) or a shared PostgreSQL database.

A workspace is one SQLite file with the suffix ``.atelier`` that a facilitator can carry on a
USB stick. Opening one:

1. inspects the file read-only, changing nothing, and refuses clearly what is not a workspace,
   is damaged, comes from a newer version of the app, or is read-only;
2. takes an exclusive lock (a ``.lock`` file beside it held with an OS lock, released by the
   OS if the app dies), so two instances never write the same workspace;
3. backs up and upgrades an older schema with the migrations shipped in ``app/migrations``;
4. returns a :class:`Store` with an engine (foreign keys on, WAL, a busy timeout) and a
   session factory.

Backups use SQLite's online backup API, which is safe while the workspace is open; they rotate
in the data directory (keep N, default 10).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import socket
import sqlite3
import stat
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool

from app import __version__, config
from app.errors import (
    AtelierError,
    NewerWorkspace,
    NotAWorkspace,
    ReadOnlyWorkspace,
    WorkspaceDamaged,
    WorkspaceError,
    WorkspaceLocked,
    WorkspaceMissing,
)
from app.i18n import _
from app.jobs import CancelToken, Progress, no_progress

#: PRAGMA application_id of every workspace file: "ATLC".
APPLICATION_ID = 0x41544C43
SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 5000
#: Pages copied per step of the online backup (4 KiB pages: 4 MiB per step).
BACKUP_STEP_PAGES = 1024

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


# --------------------------------------------------------------------------- inspection


@dataclass(frozen=True)
class FileCheck:
    """What a read-only look at a workspace file found."""

    path: Path
    revision: str | None
    application_id: int
    read_only: bool

    @property
    def needs_upgrade(self) -> bool:
        from app.models import SCHEMA_HEAD

        return self.revision != SCHEMA_HEAD


def _sqlite_uri(path: Path, mode: str = "ro") -> str:
    return f"{path.resolve().as_uri()}?mode={mode}"


def is_read_only(path: Path) -> bool:
    """True when the file or its folder cannot be written.

    A file marked read-only (no write permission bit, or the Windows read-only attribute) is
    respected even by an administrator. SQLite also needs to create its journal files beside
    the workspace, so a read-only folder (a locked USB stick, a CD) counts too.
    """
    try:
        mode = path.stat().st_mode
    except OSError:
        return True
    if not mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH):
        return True
    if not os.access(path, os.W_OK):
        return True
    folder = path.resolve().parent
    return not os.access(folder, os.W_OK | os.X_OK)


def known_revisions() -> set[str]:
    """Every revision the shipped migrations know (loads Alembic: not on the fast path)."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory(str(MIGRATIONS_DIR))
    return {rev.revision for rev in script.walk_revisions()}


def inspect_file(path: Path | str) -> FileCheck:
    """Look at a file without changing it; raise a :class:`WorkspaceError` if unusable."""
    path = Path(path)
    if not path.exists():
        raise WorkspaceMissing(_("The workspace “{path}” does not exist.").format(path=path), path)
    if not path.is_file():
        raise NotAWorkspace(
            _("“{path}” is a folder, not an Atelier Citoyen workspace.").format(path=path), path
        )
    try:
        with path.open("rb") as fh:
            header = fh.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise WorkspaceError(
            _("“{path}” cannot be read: {reason}").format(path=path, reason=exc.strerror), path
        ) from exc
    if header != SQLITE_HEADER:
        raise NotAWorkspace(
            _("“{path}” is not an Atelier Citoyen workspace (it is not a database).").format(
                path=path
            ),
            path,
        )
    try:
        con = sqlite3.connect(_sqlite_uri(path), uri=True)
    except sqlite3.Error as exc:
        raise WorkspaceDamaged(
            _("“{path}” cannot be opened as a database: {reason}").format(path=path, reason=exc),
            path,
        ) from exc
    try:
        app_id = con.execute("PRAGMA application_id").fetchone()[0]
        tables = {
            row[0] for row in con.execute("SELECT name FROM sqlite_master WHERE type='table'")
        }
        revision = None
        if "alembic_version" in tables:
            row = con.execute("SELECT version_num FROM alembic_version").fetchone()
            revision = row[0] if row else None
        written_by = None
        if "workspace_meta" in tables:
            row = con.execute(
                "SELECT value FROM workspace_meta WHERE key = 'app_version_last'"
            ).fetchone()
            written_by = row[0] if row else None
    except sqlite3.DatabaseError as exc:
        raise WorkspaceDamaged(
            _("“{path}” is damaged and cannot be read: {reason}").format(path=path, reason=exc),
            path,
        ) from exc
    finally:
        con.close()

    if app_id != APPLICATION_ID or revision is None:
        raise NotAWorkspace(
            _(
                "“{path}” is a database of another application, not an Atelier Citoyen workspace."
            ).format(path=path),
            path,
        )
    from app.models import SCHEMA_HEAD

    if revision != SCHEMA_HEAD and revision not in known_revisions():
        raise NewerWorkspace(
            _(
                "“{path}” was made by a newer version of Atelier Citoyen ({version}). "
                "Install that version or a later one to open it."
            ).format(path=path, version=written_by or _("schema {rev}").format(rev=revision)),
            path,
        )
    return FileCheck(
        path=path, revision=revision, application_id=app_id, read_only=is_read_only(path)
    )


# --------------------------------------------------------------------------- locking


class InstanceLock:
    """An exclusive OS lock on ``<workspace>.lock``; the OS drops it if the process dies."""

    def __init__(self, path: Path) -> None:
        self.path = path.with_name(path.name + ".lock")
        self._fh = None

    def acquire(self) -> None:
        fh = open(self.path, "a+", encoding="utf-8")  # noqa: SIM115 (held until release)
        try:
            _lock_file(fh)
        except OSError:
            fh.seek(0)
            pid, _sep, host = fh.read().strip().partition("@")
            fh.close()
            holder = _("process {pid} on {host}").format(pid=pid or "?", host=host or "?")
            raise WorkspaceLocked(
                _(
                    "This workspace is already open in another Atelier Citoyen window "
                    "({holder}). Close it there first, or open a copy."
                ).format(holder=holder),
                self.path,
            ) from None
        fh.seek(0)
        fh.truncate()
        fh.write(f"{os.getpid()}@{socket.gethostname()}")  # read back by other instances
        fh.flush()
        self._fh = fh

    def release(self) -> None:
        if self._fh is None:
            return
        with contextlib.suppress(OSError):
            self.path.unlink()
        with contextlib.suppress(OSError):
            _unlock_file(self._fh)
        self._fh.close()
        self._fh = None


if os.name == "nt":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _lock_file(fh) -> None:
        fh.seek(0)
        msvcrt.locking(fh.fileno(), msvcrt.LK_NBLCK, 1)

    def _unlock_file(fh) -> None:
        fh.seek(0)
        msvcrt.locking(fh.fileno(), msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _lock_file(fh) -> None:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _unlock_file(fh) -> None:
        fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


# --------------------------------------------------------------------------- removable media

#: File systems of USB sticks, memory cards and network shares (Linux ``/proc/self/mountinfo``).
REMOVABLE_FSTYPES = frozenset(
    {"vfat", "exfat", "msdos", "ntfs", "ntfs3", "fuseblk", "nfs", "nfs4", "cifs", "smb3",
     "smbfs", "sshfs", "fuse.sshfs"}
)  # fmt: skip


def _unescape_mount(field: str) -> str:
    """mountinfo escapes spaces and the like as octal (``\\040``)."""
    return re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), field)


def mount_of(path: Path, mountinfo: str) -> tuple[str, str] | None:
    """The (mount point, file system type) holding ``path``, from a mountinfo text."""
    best: tuple[str, str] | None = None
    target = str(path)
    for line in mountinfo.splitlines():
        left, sep, right = line.partition(" - ")
        fields = left.split()
        if not sep or len(fields) < 5 or not right.split():
            continue
        point = _unescape_mount(fields[4])
        inside = target == point or target.startswith(point.rstrip("/") + "/")
        if inside and (best is None or len(point) >= len(best[0])):
            best = (point, right.split()[0])
    return best


def is_removable_or_network(path: Path | str) -> bool:
    """True for a file on a USB stick, a memory card or a network share.

    ``ATELIER_TREAT_AS_REMOVABLE=1`` (or ``0``) forces the answer (tests, odd setups).
    """
    forced = os.environ.get("ATELIER_TREAT_AS_REMOVABLE", "").strip()
    if forced in {"0", "1"}:
        return forced == "1"
    try:
        resolved = Path(path).resolve()
        if os.name == "nt":  # pragma: no cover - exercised on Windows only
            import ctypes

            anchor = resolved.anchor
            if anchor.startswith("\\\\"):
                return True  # a UNC path: a network share
            drive_type = ctypes.windll.kernel32.GetDriveTypeW(anchor)
            return drive_type in (2, 4)  # DRIVE_REMOVABLE, DRIVE_REMOTE
        if sys.platform == "darwin":  # pragma: no cover - exercised on macOS only
            return len(resolved.parts) > 2 and resolved.parts[1] == "Volumes"
        info = Path("/proc/self/mountinfo").read_text(encoding="utf-8", errors="replace")
    except (OSError, ValueError, AttributeError):
        return False
    found = mount_of(resolved, info)
    if found is None:
        return False
    point, fstype = found
    return fstype in REMOVABLE_FSTYPES or point.startswith(("/media/", "/run/media/"))


def working_copy_path(origin: Path) -> Path:
    """Where the local copy of a workspace on a stick lives (one folder per original path)."""
    digest = hashlib.sha1(str(origin.resolve()).encode("utf-8")).hexdigest()[:12]
    return config.data_dir() / "working-copies" / digest / origin.name


def _origin_stamp(origin: Path) -> dict:
    info = origin.stat()
    return {"origin": str(origin.resolve()), "size": info.st_size, "mtime_ns": info.st_mtime_ns}


def _stamp_file(local: Path) -> Path:
    """Beside a working copy: the original's size and time when they were last equal."""
    return local.with_name(local.name + ".origin.json")


def _open_working_copy(origin: Path) -> tuple[Path, Path | None, bool]:
    """The local working copy of ``origin``: (copy, older copy kept aside, resumed).

    A local copy left by a session that could not write it back (the app was killed, the
    stick pulled) is resumed when the original has not changed since: it holds the newer,
    confirmed work. Otherwise it is kept aside under a new name, never overwritten.
    """
    local = working_copy_path(origin)
    recovered = None
    if local.exists():
        try:
            unchanged = json.loads(_stamp_file(local).read_text("utf-8")) == _origin_stamp(origin)
        except (OSError, ValueError):
            unchanged = False
        if unchanged:
            return local, None, True
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
        recovered = local.with_name(f"{local.stem}-not-saved-back-{stamp}{local.suffix}")
        os.replace(local, recovered)
        for suffix in ("-wal", "-shm"):
            side = Path(f"{local}{suffix}")
            if side.exists():
                os.replace(side, Path(f"{recovered}{suffix}"))
    try:
        _copy_database(origin, local)
        _stamp_file(local).write_text(json.dumps(_origin_stamp(origin)), "utf-8")
    except (AtelierError, OSError) as exc:
        raise WorkspaceError(
            _("Cannot make a local copy of “{path}” to work on: {reason}").format(
                path=origin, reason=exc
            ),
            origin,
        ) from exc
    return local, recovered, False


# --------------------------------------------------------------------------- the store


def _sqlite_engine(path: Path, read_only: bool = False) -> Engine:
    if read_only:
        engine = create_engine(
            "sqlite://",
            creator=lambda: sqlite3.connect(_sqlite_uri(path), uri=True, check_same_thread=False),
            poolclass=NullPool,
        )
    else:
        engine = create_engine(f"sqlite:///{path}")

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection, _record) -> None:
        cur = dbapi_connection.cursor()
        cur.execute("PRAGMA foreign_keys = ON")
        cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        if not read_only:
            cur.execute("PRAGMA secure_delete = ON")  # deleted personal data leave the file
            cur.execute("PRAGMA journal_mode = WAL")
            # With WAL, NORMAL keeps every commit through a crash or kill of the app; only a
            # power cut may lose the last commits (never the file's integrity).
            cur.execute("PRAGMA synchronous = NORMAL")
        cur.close()

    @event.listens_for(engine, "handle_error")
    def _explain(context) -> None:
        problem = write_failure(path, context.original_exception)
        if problem is not None:
            raise problem from context.original_exception

    if not read_only:

        @event.listens_for(engine, "commit")
        def _still_there(connection) -> None:
            # With WAL, SQLite would go on "saving" into a file deleted under it, lost on close.
            if not path.exists():
                raw = connection.connection.dbapi_connection
                with contextlib.suppress(sqlite3.Error):
                    raw.execute("ROLLBACK")  # the change is refused: release the write lock
                raise _deleted(path)

    return _transactional(engine)


def _deleted(path: Path) -> WorkspaceMissing:
    return WorkspaceMissing(
        _(
            "The workspace file “{path}” was deleted or moved while open: the last change "
            "was not saved. Use File > Save a copy as… now to rescue the workspace."
        ).format(path=path),
        path,
    )


def write_failure(path: Path, error: BaseException) -> WorkspaceError | None:
    """A clear message for a write SQLite refused (disk full, read-only, file gone, I/O).

    The transaction was rolled back by SQLite: nothing confirmed before it is lost.
    """
    if not isinstance(error, sqlite3.OperationalError | sqlite3.DatabaseError):
        return None
    text_ = str(error).lower()
    if "disk is full" in text_ or "database or disk is full" in text_:
        message = _(
            "The disk holding the workspace “{path}” is full: the last change was not saved "
            "(everything confirmed before it is safe). Free some space, then try again."
        )
    elif not path.exists() and ("readonly" in text_ or "disk i/o" in text_):
        return _deleted(path)
    elif "readonly" in text_ or "read-only" in text_:
        return ReadOnlyWorkspace(
            _(
                "The workspace “{path}” can no longer be written (read-only drive or "
                "permissions): the last change was not saved. Use File > Save a copy as… to "
                "keep your work in a folder you can write to."
            ).format(path=path),
            path,
        )
    elif "disk i/o error" in text_:
        message = _(
            "The workspace “{path}” could not be written (a disk error: was the drive "
            "removed?). The last change was not saved. Use File > Save a copy as… to keep "
            "your work elsewhere."
        )
    else:
        return None
    return WorkspaceError(message.format(path=path), path)


#: Execution option: this transaction will write (SQLite begins it IMMEDIATE).
WRITE_INTENT = "atelier_write_intent"


def _transactional(engine: Engine) -> Engine:
    """Make every SQLAlchemy transaction a real SQLite transaction, DDL included.

    Python's sqlite3 module (before 3.12) opens a transaction only before INSERT, UPDATE or
    DELETE, so a migration's CREATE/ALTER/DROP would be committed statement by statement and a
    failure would leave a half-upgraded file. SQLAlchemy's documented remedy: let the driver
    autocommit, and emit BEGIN ourselves when SQLAlchemy begins.
    """

    @event.listens_for(engine, "connect")
    def _driver_autocommit(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None

    @event.listens_for(engine, "begin")
    def _begin(connection) -> None:
        # An edit that reads a version then writes asks to be a writer from the start
        # (conflicts.begin_edit): the other writer is waited for, never raced.
        immediate = connection.get_execution_options().get(WRITE_INTENT)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


class Store:
    """An open workspace (or shared database): engine, sessions, lock and backups."""

    def __init__(
        self,
        engine: Engine,
        *,
        path: Path | None = None,
        lock: InstanceLock | None = None,
        backup_count: int = config.DEFAULT_BACKUP_COUNT,
        read_only: bool = False,
    ) -> None:
        self.engine = engine
        self.path = path
        self.read_only = read_only
        self.backup_count = backup_count
        self._lock = lock
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        #: The local file worked on when the workspace lives on removable media or a network
        #: share (then ``path`` is that copy and ``origin`` the file on the stick), else None.
        self.working_copy: Path | None = None
        self._origin: Path | None = None
        self._origin_lock: InstanceLock | None = None
        #: A local copy left by an earlier session that could not be written back, kept aside.
        self.recovered_copy: Path | None = None
        #: True when a local copy left by a session that was cut short was taken up again.
        self.resumed = False
        self._closed = False

    @property
    def origin(self) -> Path | None:
        """The workspace file the user opened (on the stick, for a working copy)."""
        return self._origin if self._origin is not None else self.path

    @property
    def is_file(self) -> bool:
        return self.path is not None

    @property
    def location(self) -> str:
        """Where the data live, for the status bar: a path, or a URL without its password."""
        if self.path is not None:
            return str(self.origin)
        return make_url(self.engine.url).render_as_string(hide_password=True)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def session(self) -> Session:
        """A new ORM session: one per user action (``with store.session() as s: ...``)."""
        return self._sessions()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session that commits when the block ends and rolls back if it raises."""
        with self._sessions() as session, session.begin():
            yield session

    def revision(self) -> str | None:
        with self.engine.connect() as con:
            return current_revision(con)

    def save_back(self) -> Path:
        """Write the local working copy back to the stick atomically (temporary file beside
        the original, fsync, rename). On failure the local copy stays and the error says where
        it is and how to save it elsewhere."""
        if self.working_copy is None:
            raise AtelierError(_("This workspace is not a local copy: it is saved as you work."))
        origin = self._origin
        try:
            if not origin.parent.is_dir():
                raise FileNotFoundError(2, os.strerror(2), str(origin.parent))
            _copy_database(self.working_copy, origin)
            _stamp_file(self.working_copy).write_text(json.dumps(_origin_stamp(origin)), "utf-8")
        except (OSError, sqlite3.Error, AtelierError) as exc:
            reason = getattr(exc, "strerror", None) or str(exc)
            raise WorkspaceError(
                _(
                    "Could not write the workspace back to “{origin}” ({reason}); the drive "
                    "may have been removed. Nothing is lost: your work is in the local copy "
                    "“{copy}”. Use File > Save a copy as… to save it elsewhere."
                ).format(origin=origin, reason=reason, copy=self.working_copy),
                origin,
            ) from exc
        return origin

    def close(self, *, backup: bool = True) -> Path | None:
        """Close the store; back a workspace file up first (rotating) unless asked not to.

        A local working copy is then written back to the stick and removed; if that fails it
        is kept and a :class:`WorkspaceError` says where.
        """
        if self._closed:
            return None
        self._closed = True
        made = None
        failure: WorkspaceError | None = None
        try:
            if backup and self.is_file and not self.read_only and self.backup_count > 0:
                made = rotating_backup(self, reason="close")
        finally:
            self.engine.dispose()
            if self.is_file and not self.read_only:
                _fold_journal(self.path)
            if self.working_copy is not None and not self.read_only:
                try:
                    self.save_back()
                except WorkspaceError as exc:
                    failure = exc
                else:
                    local = self.working_copy
                    for leftover in (local, Path(f"{local}-journal"), _stamp_file(local)):
                        with contextlib.suppress(OSError):
                            leftover.unlink()
            for held in (self._lock, self._origin_lock):
                if held is not None:
                    held.release()
            self._lock = self._origin_lock = None
        if failure is not None:
            raise failure
        return made

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close(backup=False)


def _fold_journal(path: Path) -> None:
    """Leave a closed workspace as one self-contained file (no -wal/-shm beside it)."""
    if not path.exists():  # deleted meanwhile: connecting would create an empty file there
        return
    with contextlib.suppress(sqlite3.Error):
        con = sqlite3.connect(path)
        try:
            con.execute("PRAGMA journal_mode = DELETE")
        finally:
            con.close()


def _make_temp_file(folder: Path, prefix: str) -> Path:
    """An empty file in ``folder`` with ordinary permissions (mkstemp makes them private)."""
    fd, name = tempfile.mkstemp(prefix=prefix, suffix=config.WORKSPACE_SUFFIX, dir=folder)
    os.close(fd)
    umask = os.umask(0)
    os.umask(umask)
    with contextlib.suppress(OSError):
        os.chmod(name, 0o666 & ~umask)
    return Path(name)


def current_revision(connection) -> str | None:
    try:
        row = connection.execute(text("SELECT version_num FROM alembic_version")).first()
    except Exception:  # the table does not exist yet
        return None
    return row[0] if row else None


def _alembic_config(connection):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["connection"] = connection
    return cfg


def upgrade(engine: Engine) -> None:
    """Bring the schema to the head revision with the shipped migrations.

    On a shared database, several facilitators may start the app at the same moment: an
    advisory lock makes the others wait, then find the schema already at head.
    """
    from alembic import command

    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": APPLICATION_ID})
        command.upgrade(_alembic_config(connection), "head")
        _write_meta(connection, app_version_last=__version__)


def _write_meta(bind, **values: str) -> None:
    """Record facts about the workspace (``bind``: an Engine, or a Connection in a
    transaction that the caller commits)."""
    from app.models import WorkspaceMeta

    with Session(bind) as session:
        for key, value in values.items():
            session.merge(WorkspaceMeta(key=key, value=value))
        session.commit()


def create_workspace(
    path: Path | str,
    *,
    overwrite: bool = False,
    backup_count: int = config.DEFAULT_BACKUP_COUNT,
) -> Store:
    """Create a new, empty workspace at ``path`` and open it.

    The file is built beside its destination and moved into place only when complete, so a
    failure leaves nothing half-made.
    """
    path = Path(path)
    if path.exists() and not overwrite:
        raise WorkspaceError(
            _("“{path}” already exists; choose another name.").format(path=path), path
        )
    guard = None
    if path.exists():
        # Never replace a workspace that is open, here or in another window.
        guard = InstanceLock(path)
        guard.acquire()
    try:
        _build_new_workspace(path)
    finally:
        if guard is not None:
            guard.release()
    return open_workspace(path, backup_count=backup_count, backup_on_open=False)


def _build_new_workspace(path: Path) -> None:
    folder = path.resolve().parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        tmp = _make_temp_file(folder, ".new-")
    except OSError as exc:
        raise ReadOnlyWorkspace(
            _("Cannot create a workspace in “{folder}”: {reason}").format(
                folder=folder, reason=exc.strerror
            ),
            path,
        ) from exc
    try:
        engine = _transactional(create_engine(f"sqlite:///{tmp}"))
        with engine.begin() as con:
            con.exec_driver_sql(f"PRAGMA application_id = {APPLICATION_ID}")
        upgrade(engine)
        now = datetime.now(UTC).isoformat(timespec="seconds")
        _write_meta(engine, app_version_created=__version__, created_at=now)
        with engine.connect() as con:
            # Fold the journal back into the file before it moves.
            con.exec_driver_sql("PRAGMA journal_mode = DELETE")
        engine.dispose()
        os.replace(tmp, path)
    finally:
        for leftover in (tmp, Path(f"{tmp}-journal")):
            with contextlib.suppress(OSError):
                leftover.unlink()


def open_workspace(
    path: Path | str,
    *,
    lock: bool = True,
    read_only: bool = False,
    backup_count: int = config.DEFAULT_BACKUP_COUNT,
    backup_on_open: bool = True,
    any_revision: bool = False,
    local_copy: bool | None = None,
) -> Store:
    """Open an existing workspace file, refusing clearly what cannot be used.

    ``read_only`` opens without a lock, backups or upgrades (``atelier info`` uses it); with
    ``any_revision`` it also accepts an older schema, for copying the file as it is. An older
    workspace opened for writing is backed up, then upgraded; a newer one is always refused.

    A workspace on removable media or a network share (``local_copy`` None: detected) is
    worked on in a local copy, written back atomically by :meth:`Store.save_back` and on close.
    """
    path = Path(path)
    check = inspect_file(path)
    if read_only:
        if check.needs_upgrade and not any_revision:
            raise WorkspaceError(
                _(
                    "“{path}” was made by an older version of Atelier Citoyen; open it once "
                    "in the app to upgrade it (a safety copy is made first)."
                ).format(path=path),
                path,
            )
        engine = _sqlite_engine(path, read_only=True)
        return Store(engine, path=path, backup_count=0, read_only=True)
    if check.read_only:
        raise ReadOnlyWorkspace(
            _(
                "“{path}” is read-only (the file or its folder cannot be written). Copy it to "
                "a folder you can write to, or remove the read-only mark, then open it again."
            ).format(path=path),
            path,
        )
    instance_lock = InstanceLock(path) if lock else None
    if instance_lock is not None:
        instance_lock.acquire()
    local_lock = None
    try:
        origin, recovered, resumed = path, None, False
        if local_copy is None:
            local_copy = is_removable_or_network(path)
        if local_copy:
            path, recovered, resumed = _open_working_copy(origin)
            if lock:
                local_lock = InstanceLock(path)
                local_lock.acquire()
        engine = _sqlite_engine(path)
        store = Store(engine, path=path, lock=local_lock, backup_count=backup_count)
        if local_copy:
            store.working_copy, store._origin = path, origin
            store._origin_lock, store.recovered_copy = instance_lock, recovered
            store.resumed = resumed
        else:
            store._lock = instance_lock
        if check.needs_upgrade:
            safety_backup(store, reason=f"before-upgrade-{check.revision}")
            upgrade(engine)
        elif backup_on_open and backup_count > 0:
            rotating_backup(store, reason="open")
        return store
    except BaseException:
        for held in (instance_lock, local_lock):
            if held is not None:
                held.release()
        raise


def open_url(url: str) -> Store:
    """Open a shared database (``ATELIER_DATABASE_URL``), creating or upgrading its schema."""
    try:
        parsed = make_url(url)
        if parsed.drivername == "postgresql":  # psycopg 3 is the driver the [pg] extra brings
            parsed = parsed.set(drivername="postgresql+psycopg")
        shown = parsed.render_as_string(hide_password=True)
        _port = parsed.port  # a port that is not a number fails here, not in the driver
    except Exception as exc:
        raise WorkspaceError(
            _(
                "The shared database URL is not valid (expected "
                "postgresql+psycopg://user@host:port/database)."
            )
        ) from exc
    try:
        engine = create_engine(parsed, pool_pre_ping=True)
        with engine.connect() as con:
            revision = current_revision(con)
    except Exception as exc:
        raise WorkspaceError(
            _("Cannot reach the shared database {url}: {reason}").format(
                url=shown, reason=str(exc).splitlines()[0]
            )
        ) from exc
    from app.models import SCHEMA_HEAD

    if revision != SCHEMA_HEAD:
        if revision is not None and revision not in known_revisions():
            raise NewerWorkspace(
                _(
                    "The shared database was upgraded by a newer version of Atelier Citoyen "
                    "(schema {rev}). Install that version to use it."
                ).format(rev=revision)
            )
        upgrade(engine)
    return Store(engine, backup_count=0)


def open_default(backup_count: int = config.DEFAULT_BACKUP_COUNT) -> Store:
    """The store the app opens with no argument: the shared database or the default file."""
    url = config.database_url()
    if url:
        return open_url(url)
    path = config.default_workspace_path()
    if not path.exists():
        return create_workspace(path, backup_count=backup_count)
    return open_workspace(path, backup_count=backup_count)


# --------------------------------------------------------------------------- backups


def copy_to(
    store: Store,
    destination: Path | str,
    *,
    progress: Progress = no_progress,
    cancel: CancelToken | None = None,
) -> Path:
    """Copy an open workspace to ``destination`` with SQLite's online backup API.

    Safe while the workspace is in use. The copy is written to a temporary file in the
    destination folder and renamed into place only when complete; cancelling leaves nothing.
    """
    if not store.is_file:
        raise AtelierError(
            _("A shared database cannot be copied to a file from here; ask its administrator.")
        )
    destination = Path(destination)
    if destination.resolve() == store.path.resolve():
        raise AtelierError(_("Choose a different file than the open workspace."))
    if store.path.exists():
        return _copy_database(store.path, destination, progress=progress, cancel=cancel)
    # Deleted or moved while open: an open connection still reads the file's content (never
    # a new one, which would create an empty file at the old place).
    if getattr(store.engine.pool, "checkedin", lambda: 0)() == 0:
        raise WorkspaceMissing(
            _(
                "The workspace file “{path}” was deleted or moved while open, and its content "
                "can no longer be read."
            ).format(path=store.path),
            store.path,
        )
    with store.engine.connect() as connection:
        live = connection.connection.dbapi_connection
        if live.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:
            raise WorkspaceMissing(
                _(
                    "The workspace file “{path}” was deleted or moved while open, and its "
                    "content can no longer be read."
                ).format(path=store.path),
                store.path,
            )
        return _copy_database(
            store.path, destination, progress=progress, cancel=cancel, source_conn=live
        )


def _fsync_folder(folder: Path) -> None:
    """Make a rename durable (POSIX); Windows has no directory handles to sync."""
    if os.name == "nt":  # pragma: no cover
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _copy_database(
    source: Path,
    destination: Path,
    *,
    progress: Progress = no_progress,
    cancel: CancelToken | None = None,
    source_conn: sqlite3.Connection | None = None,
) -> Path:
    """Copy a database with the online backup API into a temporary file beside
    ``destination``, fsync it, rename it into place and fsync the folder."""
    cancel = cancel or CancelToken()
    folder = destination.resolve().parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        tmp = _make_temp_file(folder, ".copy-")
    except OSError as exc:
        raise AtelierError(
            _("Cannot write in “{folder}”: {reason}").format(folder=folder, reason=exc.strerror)
        ) from exc
    try:
        reader = source_conn or sqlite3.connect(_sqlite_uri(source), uri=True)
        target = sqlite3.connect(tmp)
        try:

            def step(_status: int, remaining: int, total: int) -> None:
                cancel.check()
                progress(total - remaining, total)

            reader.backup(target, pages=BACKUP_STEP_PAGES, progress=step)
            cancel.check()
            target.execute("PRAGMA journal_mode = DELETE")
        finally:
            target.close()
            if source_conn is None:
                reader.close()
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, destination)
        _fsync_folder(folder)
    except sqlite3.Error as exc:
        raise AtelierError(_("The copy failed: {reason}").format(reason=exc)) from exc
    except OSError as exc:
        raise AtelierError(_("The copy failed: {reason}").format(reason=exc.strerror)) from exc
    finally:
        for leftover in (tmp, Path(f"{tmp}-journal")):
            with contextlib.suppress(OSError):
                leftover.unlink()
    return destination


def backup_folder(path: Path) -> Path:
    """Backups of one workspace live together, named after it and its absolute path."""
    digest = hashlib.sha1(str(path.resolve()).encode("utf-8")).hexdigest()[:8]
    return config.backups_dir() / f"{path.stem}-{digest}"


def list_backups(path: Path, *, rotating_only: bool = False) -> list[Path]:
    """Backups of the workspace at ``path``, oldest first."""
    folder = backup_folder(path)
    if not folder.is_dir():
        return []
    found = sorted(folder.glob(f"*{config.WORKSPACE_SUFFIX}"))
    if rotating_only:
        found = [p for p in found if "-before-upgrade" not in p.name]
    return found


def _backup_name(path: Path, reason: str) -> str:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    return f"{path.stem}-{stamp}-{reason}{config.WORKSPACE_SUFFIX}"


def safety_backup(
    store: Store,
    *,
    reason: str,
    progress: Progress = no_progress,
    cancel: CancelToken | None = None,
) -> Path:
    """A backup that rotation never removes (made before an upgrade)."""
    destination = backup_folder(store.origin) / _backup_name(store.origin, reason)
    return copy_to(store, destination, progress=progress, cancel=cancel)


def rotating_backup(
    store: Store,
    *,
    reason: str = "manual",
    progress: Progress = no_progress,
    cancel: CancelToken | None = None,
) -> Path:
    """Back the workspace up and keep only the newest ``store.backup_count`` rotating ones."""
    destination = backup_folder(store.origin) / _backup_name(store.origin, reason)
    made = copy_to(store, destination, progress=progress, cancel=cancel)
    keep = max(1, store.backup_count)
    for old in list_backups(store.origin, rotating_only=True)[:-keep]:
        with contextlib.suppress(OSError):
            old.unlink()
    return made
