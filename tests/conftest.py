"""Shared fixtures: offscreen Qt, a private ATELIER_HOME per test, real workspace files."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from pathlib import Path

import pytest

from app import i18n


@pytest.fixture(autouse=True)
def atelier_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own data, config and backups folders, and English messages."""
    home = tmp_path / "home"
    monkeypatch.setenv("ATELIER_HOME", str(home))
    monkeypatch.delenv("ATELIER_DATABASE_URL", raising=False)
    monkeypatch.delenv("ATELIER_LANG", raising=False)
    i18n.set_language("en")
    yield home
    i18n.set_language("en")


# --------------------------------------------------------------------------- backends

BACKENDS = ("sqlite", "postgresql")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--backend",
        choices=BACKENDS,
        default=os.environ.get("ATELIER_TEST_BACKEND") or "sqlite",
        help="where the workspace and demo fixtures keep their data: a SQLite file (default) "
        "or a fresh database on a PostgreSQL server the tests start (env ATELIER_TEST_BACKEND)",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "sqlite_only(reason): about workspace files; skipped with --backend=postgresql"
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--backend") != "postgresql":
        return
    for item in items:
        marker = item.get_closest_marker("sqlite_only")
        if marker is not None:
            reason = marker.kwargs.get("reason") or (marker.args[0] if marker.args else "")
            item.add_marker(pytest.mark.skip(reason=f"workspace files only: {reason}".strip()))


@pytest.fixture(scope="session")
def backend(pytestconfig: pytest.Config) -> str:
    """ "sqlite" or "postgresql": where the store fixtures put their data."""
    return pytestconfig.getoption("--backend")


@pytest.fixture(scope="session")
def pg_server():
    """A throw-away PostgreSQL server for the whole session (tests/pgserver.py)."""
    pytest.importorskip("psycopg", reason="psycopg is not installed (pip install -e '.[pg]')")
    from tests import pgserver

    try:
        with pgserver.running_server() as server:
            yield server
    except pgserver.PgUnavailable as exc:
        pytest.skip(str(exc))


@pytest.fixture(scope="session")
def pg_template(pg_server) -> str:
    """A database at the schema head, cloned for each test that needs one."""
    from tests import pgserver

    return pgserver.make_template(pg_server)


@pytest.fixture
def pg_database(pg_server) -> str:
    """The name of a new, empty database (no schema), dropped after the test."""
    from tests import pgserver

    name = pgserver.database_name()
    pg_server.create_database(name)
    yield name
    pg_server.drop_database(name)


@pytest.fixture
def pg_url(pg_server, pg_database: str) -> str:
    """The URL of a new, empty database (over the Unix socket)."""
    return pg_server.url(pg_database)


@pytest.fixture(scope="session")
def pg_pool(pg_server, pg_template: str):
    """Empty databases at the schema head, cloned ahead of time (tests/pgserver.py)."""
    from tests import pgserver

    pool = pgserver.DatabasePool(pg_server, pg_template)
    yield pool
    pool.close()


@pytest.fixture(scope="session")
def pg_demo_pool(pg_server, pg_template: str):
    """Databases holding the demo, cloned ahead of time, for the ``demo`` fixture."""
    from app import store
    from app.facilitation.demo import populate_demo
    from tests import pgserver

    name = "atelier_demo_template"
    pgserver.clone_template(pg_server, name)
    with store.open_url(pg_server.url(name)) as ws, ws.transaction() as s:
        populate_demo(s)
    with pg_server.connect() as con:
        con.execute(f'ALTER DATABASE "{name}" WITH IS_TEMPLATE true ALLOW_CONNECTIONS false')
    pool = pgserver.DatabasePool(pg_server, name)
    yield pool
    pool.close()


@pytest.fixture
def pg_store(pg_server, pg_pool):
    """Opens stores on fresh databases at the schema head: ``pg_store()``, or
    ``pg_store(populate)`` to fill it first; all dropped after the test."""
    from app import store

    opened: list = []
    names: list[str] = []

    def make(populate=None):
        name = pg_pool.take()
        names.append(name)
        ws = store.open_url(pg_server.url(name))
        opened.append(ws)
        if populate is not None:
            with ws.transaction() as s:
                populate(s)
        return ws

    yield make
    for ws in opened:
        ws.close(backup=False)
    for name in names:
        pg_pool.give_back(name)


@pytest.fixture
def workspace(request: pytest.FixtureRequest, backend: str, tmp_path: Path):
    """A new, empty workspace (a file, or a PostgreSQL database with --backend), open."""
    from app import store

    if backend == "postgresql":
        yield request.getfixturevalue("pg_store")()
        return
    ws = store.create_workspace(tmp_path / "empty.atelier", backup_count=0)
    yield ws
    ws.close(backup=False)


@pytest.fixture
def demo_path(tmp_path: Path) -> Path:
    """A closed demo workspace file."""
    from app.facilitation.demo import create_demo

    path = tmp_path / "demo.atelier"
    create_demo(path).close(backup=False)
    return path


@pytest.fixture
def demo(request: pytest.FixtureRequest, backend: str):
    """The demo workspace, open (a file, or a PostgreSQL database with --backend)."""
    from app import store

    if backend == "postgresql":
        server = request.getfixturevalue("pg_server")
        pool = request.getfixturevalue("pg_demo_pool")
        name = pool.take()
        ws = store.open_url(server.url(name))
        yield ws
        ws.close(backup=False)
        pool.give_back(name)
        return
    ws = store.open_workspace(
        request.getfixturevalue("demo_path"), backup_count=0, backup_on_open=False
    )
    yield ws
    ws.close(backup=False)


def file_state(path: Path) -> tuple[bytes, list[str]]:
    """The bytes of a file and the names beside it, to prove an operation changed nothing."""
    return path.read_bytes(), sorted(p.name for p in path.parent.iterdir())


@pytest.fixture
def qloop(qapp):
    """A qasync event loop on the test's QApplication, for jobs run off the UI thread."""
    import asyncio

    import qasync

    loop = qasync.QEventLoop(qapp)
    asyncio.set_event_loop(loop)
    yield loop
    loop.close()  # joins the worker threads
    asyncio.set_event_loop(None)


@pytest.fixture
def errors(monkeypatch) -> list[str]:
    """Error messages the views would show, recorded instead of opening a dialog."""
    from app.views import dialogs

    shown: list[str] = []
    monkeypatch.setattr(dialogs, "show_error", lambda parent, title, message: shown.append(message))
    return shown


@pytest.fixture
def answers(monkeypatch) -> list[str]:
    """Every question box is answered Yes; the questions asked are recorded."""
    from PySide6.QtWidgets import QMessageBox

    asked: list[str] = []

    def yes(parent, title, text, *args, **kwargs):
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", staticmethod(yes))
    return asked
