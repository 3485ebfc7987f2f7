"""PostgreSQL support, against a real server these tests start themselves (no mocks).

The server (tests/pgserver.py) is started once per session by the ``pg_server`` fixture
(tests/conftest.py); every test gets a database of its own.
"""

from __future__ import annotations

import contextlib
import itertools
import re
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import insert, inspect, select, text, update

from app import __version__, config, store
from app.errors import NewerWorkspace, WorkspaceError
from app.facilitation import audit
from app.facilitation.demo import populate_demo
from app.facilitation.participants import SORT_COLUMNS, count_participants, participant_page
from app.facilitation.workspace_info import workspace_info
from app.models import SCHEMA_HEAD, AuditEvent, Base, Organisation, Participant, WorkspaceMeta
from app.models.text import fold, participant_keys
from tests.pgserver import SERVER_TIMEZONE, PgServer, database_name, free_tcp_port

psycopg = pytest.importorskip("psycopg", reason="psycopg is not installed (pip install -e '.[pg]')")

pytestmark = pytest.mark.pg

# --------------------------------------------------------------------------- helpers


def tables_in(server: PgServer, database: str) -> set[str]:
    with server.connect(database) as con:
        rows = con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
        ).fetchall()
    return {row[0] for row in rows}


def alembic_revision(server: PgServer, database: str) -> list[str]:
    with server.connect(database) as con:
        return [row[0] for row in con.execute("SELECT version_num FROM alembic_version")]


#: People whose names exercise folding, escaping and sorting (fixed ids: same in both stores).
TRICKY_PEOPLE = [
    ("Élodie", "Œuvray", "elodie.oeuvray@exemple.fr", "06 11 22 33 44"),
    ("ELODIE", "oeuvray", None, None),
    ("élodie", "Le Roy", "e_leroy@exemple.fr", "06 11 22 33 45"),
    ("Zoé", "Leroy", "zoe.leroy@exemple.fr", None),
    ("Ærin", "Ångström", "aerin@exemple.fr", "+46 8 123 456"),
    ("Søren", "Łukasiewicz", "soren_l@exemple.fr", "07 00 00 00 01"),
    ("Jean-Baptiste", "de la Fontaine", "jb%fontaine@exemple.fr", "06 99 99 99 99"),
    ("Ана", "Иванова", "ana.ivanova@exemple.fr", None),
    ("", "Straße", None, "06 00 00 00 00"),
]
TRICKY_IDS = [uuid.UUID(int=0x5EED0000 + i) for i in range(len(TRICKY_PEOPLE))]

SEARCHES = [
    "",
    "elodie",
    "ÉLODIE",
    "Élodie Œuvray",
    "oeuvray",
    "œuvray élodie",
    "francois",
    "FRANÇOIS",
    "jean-baptiste",
    "lefevre",
    "le roy",
    "aerin",
    "angstrom",
    "strasse",
    "soren",
    "lukasiewicz",
    "мария",
    "ПЕТРОВА",
    "иванова",
    "petrova",
    "ivanova",
    "e_l",
    "_",
    "%",
    "jb%f",
    "\\",
    "06 11",
    "@exemple.fr",
    "nobody-has-this-name",
]


def add_tricky_people(session) -> None:
    for pid, (first, last, email, phone) in zip(TRICKY_IDS, TRICKY_PEOPLE, strict=True):
        session.add(Participant(id=pid, first_name=first, last_name=last, email=email, phone=phone))


def copy_participants(source: store.Store, target: store.Store) -> None:
    """Copy organisations and participants row for row (same ids) from one store to another."""
    tables = [Organisation.__table__, Participant.__table__]
    with source.session() as s:
        rows = {t.name: [dict(r) for r in s.execute(select(t)).mappings()] for t in tables}
    with target.transaction() as s:
        for table in tables:
            if rows[table.name]:
                s.execute(insert(table), rows[table.name])


def page_ids(ws: store.Store, search: str, sort: str, descending: bool, offset=0, limit=1000):
    with ws.session() as s:
        return [
            row.id
            for row in participant_page(
                s, offset, limit, search=search, sort=sort, descending=descending
            )
        ]


# --------------------------------------------------------------------------- the tests


def test_open_url_creates_the_schema_at_head(pg_server: PgServer, pg_database: str) -> None:
    assert tables_in(pg_server, pg_database) == set()
    url = pg_server.url(pg_database, password="s3cret-pw")  # trust auth ignores it
    with store.open_url(url) as ws:
        assert ws.dialect == "postgresql"
        assert not ws.is_file
        assert ws.revision() == SCHEMA_HEAD
        assert "s3cret-pw" not in ws.location
        assert pg_database in ws.location
        with ws.session() as s:
            meta = dict(s.execute(select(WorkspaceMeta.key, WorkspaceMeta.value)).all())
        assert meta["app_version_last"] == __version__
        names = set(inspect(ws.engine).get_table_names())
    assert names == tables_in(pg_server, pg_database)
    assert names == set(Base.metadata.tables) | {"alembic_version"}
    assert alembic_revision(pg_server, pg_database) == [SCHEMA_HEAD]
    with pg_server.connect(pg_database) as con:
        types = dict(
            con.execute(
                "SELECT column_name, data_type FROM information_schema.columns "
                "WHERE table_name = 'participant'"
            ).fetchall()
        )
    # Native PostgreSQL types, not SQLite's text stand-ins.
    assert types["id"] == "uuid"
    assert types["created_at"] == "timestamp with time zone"
    assert types["erased_at"] == "timestamp with time zone"


def test_open_url_over_tcp_on_loopback(pg_server: PgServer, pg_database: str) -> None:
    with store.open_url(pg_server.url(pg_database, tcp=True)) as ws:
        assert ws.revision() == SCHEMA_HEAD
        assert f"127.0.0.1:{pg_server.port}" in ws.location
        with ws.transaction() as s:
            s.add(Organisation(name="Mairie", kind="municipality", country="FR"))
    with pg_server.connect(pg_database) as con:
        assert con.execute("SELECT name FROM organisation").fetchall() == [("Mairie",)]


def test_demo_and_workspace_info(pg_url: str, tmp_path: Path) -> None:
    with store.open_url(pg_url) as ws:
        with ws.transaction() as s:
            populate_demo(s)
        info = workspace_info(ws)
    assert info.dialect == "postgresql"
    assert info.revision == SCHEMA_HEAD
    assert info.app_version_last == __version__
    assert info.counts["participant"] == 60
    assert info.counts["session"] == 3
    assert info.counts["process"] == 1
    assert info.counts["organisation"] == 1
    assert info.counts["registration"] == 60
    assert info.counts["attendance"] > 0
    assert info.integrity == ["ok"]
    assert info.audit_ok and info.audit_events == 0
    assert info.ok
    assert info.as_dict()["counts"] == info.counts

    # The demo is generated from a fixed seed: the same rows as in a workspace file.
    sqlite_ws = store.create_workspace(tmp_path / "w.atelier", backup_count=0)
    try:
        with sqlite_ws.transaction() as s:
            populate_demo(s)
        assert workspace_info(sqlite_ws).counts == info.counts
    finally:
        sqlite_ws.close(backup=False)


def test_times_are_stored_as_the_right_instant(pg_server: PgServer, pg_database: str) -> None:
    from app.models import Process
    from app.models import Session as WorkshopSession

    paris_summer, paris_winter = timezone(timedelta(hours=2)), timezone(timedelta(hours=1))
    starts = [
        datetime(2026, 9, 19, 9, 30, tzinfo=paris_summer),
        datetime(2026, 12, 12, 10, 0, 0, 250000, tzinfo=paris_winter),
    ]
    with store.open_url(pg_server.url(pg_database)) as ws:
        with ws.transaction() as s:
            process = Process(title="Place de l'Église", phase="co_prioritise")
            s.add(process)
            s.flush()
            s.add_all(
                WorkshopSession(process_id=process.id, title=f"Atelier {i}", starts_at=at)
                for i, at in enumerate(starts, 1)
            )
        with ws.session() as s:
            read = s.scalars(select(WorkshopSession.starts_at).order_by("starts_at")).all()
    # Read back aware, in UTC, the same instants to the microsecond.
    assert read == starts
    assert all(t.utcoffset() == timedelta(0) for t in read)
    with pg_server.connect(pg_database) as con:
        raw = con.execute(
            "SELECT starts_at AT TIME ZONE 'UTC' FROM session ORDER BY starts_at"
        ).fetchall()
    assert [r[0] for r in raw] == [
        datetime(2026, 9, 19, 7, 30),
        datetime(2026, 12, 12, 9, 0, 0, 250000),
    ]


@contextlib.contextmanager
def twin_stores(pg_url: str, folder: Path) -> Iterator[tuple[store.Store, store.Store]]:
    """A workspace file and a PostgreSQL store holding the same participants (same ids)."""
    sqlite_ws = store.create_workspace(folder / "w.atelier", backup_count=0)
    try:
        pg_ws = store.open_url(pg_url)
        try:
            with sqlite_ws.transaction() as s:
                populate_demo(s)
                add_tricky_people(s)
            copy_participants(sqlite_ws, pg_ws)
            yield sqlite_ws, pg_ws
        finally:
            pg_ws.close()
    finally:
        sqlite_ws.close(backup=False)


@pytest.fixture
def twins(pg_url: str, tmp_path: Path) -> Iterator[tuple[store.Store, store.Store]]:
    """Twin stores, PostgreSQL in a database with the cluster's byte-order collation ("C")."""
    with twin_stores(pg_url, tmp_path) as pair:
        yield pair


@pytest.fixture
def french_twins(pg_server: PgServer, tmp_path: Path) -> Iterator[tuple[store.Store, store.Store]]:
    """Twin stores, PostgreSQL in a database collated in French, as a town hall's server is."""
    name = database_name("atelier_test_fr")
    try:
        pg_server.create_database(name, "TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'fr-FR'")
    except psycopg.Error as exc:  # PostgreSQL < 15, or built without ICU
        pytest.skip(f"this server cannot make a French (ICU) database: {exc}")
    try:
        with twin_stores(pg_server.url(name), tmp_path) as pair:
            yield pair
    finally:
        pg_server.drop_database(name)


SORT_SEARCHES = ("", "elodie", "06", "leroy")


def assert_same_order(sqlite_ws: store.Store, pg_ws: store.Store, sort: str) -> None:
    for search in SORT_SEARCHES:
        for descending in (False, True):
            case = (search, sort, descending)
            assert page_ids(pg_ws, *case) == page_ids(sqlite_ws, *case), case
            # Paging gives the same slices too.
            assert page_ids(pg_ws, *case, offset=7, limit=5) == page_ids(
                sqlite_ws, *case, offset=7, limit=5
            ), case


def test_search_is_folded_and_matches_a_workspace_file(twins) -> None:
    sqlite_ws, pg_ws = twins
    with sqlite_ws.session() as s:
        people = s.execute(select(Participant.id, Participant.search_text)).all()
    assert len(people) == 60 + len(TRICKY_PEOPLE)
    with pg_ws.session() as s:
        assert sorted(s.execute(select(Participant.id, Participant.search_text)).all()) == (
            sorted(people)
        )
        elodies = participant_page(s, 0, 100, search="elodie")
    # "elodie" finds Élodie, ELODIE and élodie, and nobody else.
    assert {r.id for r in elodies} >= set(TRICKY_IDS[:3])
    assert all("elodie" in fold(f"{r.first_name} {r.last_name} {r.email}") for r in elodies)
    # The escaping is tested: "_" and "%" taken as LIKE wildcards would match more people.
    assert {pid for pid, h in people if "e_l" in h} == {TRICKY_IDS[2]}
    assert len({pid for pid, h in people if re.search("e.l", h)}) > 1
    assert {pid for pid, h in people if "%" in h} == {TRICKY_IDS[6]}

    for search in SEARCHES:
        words = fold(search).split()
        # What the filter must find: every folded word, literally (no LIKE wildcards).
        expected = {pid for pid, haystack in people if all(w in haystack for w in words)}
        for ws in (sqlite_ws, pg_ws):
            with ws.session() as s:
                assert count_participants(s, search) == len(expected), (ws.dialect, search)
            found = page_ids(ws, search, "last_name", False)
            assert len(found) == len(expected) and set(found) == expected, (ws.dialect, search)


@pytest.mark.parametrize("sort", SORT_COLUMNS)
def test_sort_matches_a_workspace_file(twins, sort: str) -> None:
    assert_same_order(*twins, sort)


@pytest.mark.parametrize("sort", SORT_COLUMNS)
def test_sort_matches_a_workspace_file_in_a_french_database(french_twins, sort: str) -> None:
    assert_same_order(*french_twins, sort)


def test_last_name_order_is_folded(pg_url: str) -> None:
    with store.open_url(pg_url) as ws:
        with ws.transaction() as s:
            add_tricky_people(s)
        with ws.session() as s:
            ascending = participant_page(s, 0, 100, sort="last_name")
            descending = participant_page(s, 0, 100, sort="last_name", descending=True)
    # The order of the folded keys, computed here in Python; ties broken by id, ascending.
    keys = {
        pid: participant_keys(first, last, email, phone)["sort_key"]
        for pid, (first, last, email, phone) in zip(TRICKY_IDS, TRICKY_PEOPLE, strict=True)
    }
    by_id = sorted(TRICKY_IDS, key=lambda pid: pid.hex)
    assert [r.id for r in ascending] == sorted(by_id, key=keys.__getitem__)
    assert [r.id for r in descending] == sorted(by_id, key=keys.__getitem__, reverse=True)
    names = [f"{r.first_name} {r.last_name}" for r in ascending]
    # Accents and case do not count: Ångström files under A, Œuvray under O, with oeuvray.
    assert names[0] == "Ærin Ångström"
    assert abs(names.index("Élodie Œuvray") - names.index("ELODIE oeuvray")) == 1
    assert names.index("élodie Le Roy") < names.index("Zoé Leroy") < names.index("Élodie Œuvray")


def test_audit_chain_on_postgres(pg_server: PgServer, pg_database: str) -> None:
    with store.open_url(pg_server.url(pg_database)) as ws:
        with ws.engine.connect() as con:
            # The server answers in Paris time: timestamps must still hash the same.
            assert con.execute(text("SHOW TimeZone")).scalar() == SERVER_TIMEZONE
        subject = uuid.uuid4()
        for i in range(5):
            with ws.transaction() as s:
                audit.append(
                    s,
                    "vote.closed" if i % 2 else "draw.made",
                    {"n": i, "nom": "Élodie Œuvray", "scores": [3, 1, 2], "ok": i > 2},
                    subject_id=subject if i % 2 else None,
                )
        with ws.session() as s:
            check = audit.verify(s)
            stored = s.scalars(select(AuditEvent).order_by(AuditEvent.seq)).all()
        assert check.ok and check.events == 5 and check.broken_at is None
        assert [e.seq for e in stored] == [1, 2, 3, 4, 5]
        assert stored[0].prev_hash == audit.GENESIS
        assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(stored))
        assert all(e.occurred_at.utcoffset().total_seconds() == 0 for e in stored)

    # A new connection (new engine) reads the same chain and finds it intact.
    with store.open_url(pg_server.url(pg_database)) as ws:
        assert workspace_info(ws).audit_ok
        assert workspace_info(ws).audit_events == 5
        with ws.transaction() as s:
            s.execute(update(AuditEvent).where(AuditEvent.seq == 3).values(payload='{"n":99}'))
        with ws.session() as s:
            tampered = audit.verify(s)
        assert not tampered.ok and tampered.broken_at == 3
        assert not workspace_info(ws).ok


def test_open_url_twice_does_not_migrate_again(pg_server: PgServer, pg_database: str) -> None:
    url = pg_server.url(pg_database)
    with store.open_url(url) as ws, ws.transaction() as s:
        s.add(Organisation(name="Mairie", kind="municipality", country="FR"))

    def table_oids() -> dict[str, int]:
        with pg_server.connect(pg_database) as con:
            return dict(
                con.execute(
                    "SELECT relname, oid::int FROM pg_class "
                    "WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace"
                ).fetchall()
            )

    before = table_oids()
    with pg_server.connect(pg_database) as con:
        # upgrade() writes app_version_last: a second migration would overwrite this mark.
        con.execute("UPDATE workspace_meta SET value = 'mark' WHERE key = 'app_version_last'")

    first, second = store.open_url(url), store.open_url(url)  # a shared database: no lock
    try:
        assert first.revision() == second.revision() == SCHEMA_HEAD
        with second.session() as s:
            assert s.scalars(select(Organisation.name)).all() == ["Mairie"]
    finally:
        first.close()
        second.close()
    assert table_oids() == before
    assert alembic_revision(pg_server, pg_database) == [SCHEMA_HEAD]
    with pg_server.connect(pg_database) as con:
        value = con.execute(
            "SELECT value FROM workspace_meta WHERE key = 'app_version_last'"
        ).fetchone()
    assert value == ("mark",)


def test_a_newer_schema_is_refused(pg_server: PgServer, pg_database: str) -> None:
    url = pg_server.url(pg_database)
    with store.open_url(url) as ws, ws.transaction() as s:
        s.add(Organisation(name="Mairie", kind="municipality", country="FR"))
    with pg_server.connect(pg_database) as con:
        con.execute("UPDATE alembic_version SET version_num = '9999'")
    before = tables_in(pg_server, pg_database)

    with pytest.raises(NewerWorkspace) as refused:
        store.open_url(url)
    message = str(refused.value)
    assert "newer version" in message and "9999" in message
    assert "\n" not in message and "Traceback" not in message
    # Nothing was touched: no downgrade, no re-stamp, the data are still there.
    assert alembic_revision(pg_server, pg_database) == ["9999"]
    assert tables_in(pg_server, pg_database) == before
    with pg_server.connect(pg_database) as con:
        assert con.execute("SELECT name FROM organisation").fetchall() == [("Mairie",)]


def test_an_unreachable_server_is_a_clear_error() -> None:
    port = free_tcp_port()  # nothing listens there
    url = f"postgresql+psycopg://someone:hunter2@127.0.0.1:{port}/atelier?connect_timeout=5"
    started = time.monotonic()
    with pytest.raises(WorkspaceError) as refused:
        store.open_url(url)
    assert time.monotonic() - started < 10
    assert type(refused.value) is WorkspaceError
    message = str(refused.value)
    assert message.startswith("Cannot reach the shared database")
    assert f"127.0.0.1:{port}" in message
    assert "hunter2" not in message
    assert "\n" not in message and "Traceback" not in message


@pytest.mark.parametrize(
    "url",
    ["atelier:hunter2@127.0.0.1/atelier", "postgresql+psycopg://atelier:hunter2@127.0.0.1:x/a"],
)
def test_a_malformed_url_is_a_clear_error(url: str) -> None:
    with pytest.raises(WorkspaceError) as refused:
        store.open_url(url)
    assert "hunter2" not in str(refused.value)


def test_a_missing_database_is_a_clear_error(pg_server: PgServer) -> None:
    with pytest.raises(WorkspaceError) as refused:
        store.open_url(pg_server.url("no_such_database", password="hunter2"))
    message = str(refused.value)
    assert message.startswith("Cannot reach the shared database")
    assert "no_such_database" in message
    assert "hunter2" not in message and "\n" not in message


def test_open_default_uses_the_database_url(
    pg_server: PgServer, pg_database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ATELIER_HOME", str(tmp_path))
    monkeypatch.setenv("ATELIER_DATABASE_URL", f"  {pg_server.url(pg_database)}  ")
    ws = store.open_default()
    try:
        assert ws.dialect == "postgresql"
        assert not ws.is_file
        assert ws.revision() == SCHEMA_HEAD
        with ws.transaction() as s:
            s.add(Organisation(name="Mairie par défaut", kind="municipality", country="FR"))
    finally:
        assert ws.close() is None  # no backup file for a shared database
    # The data went to that database, and no workspace file was made.
    with pg_server.connect(pg_database) as con:
        assert con.execute("SELECT name FROM organisation").fetchall() == [("Mairie par défaut",)]
    assert not config.default_workspace_path().exists()
    assert not any(tmp_path.rglob(f"*{config.WORKSPACE_SUFFIX}"))


OPEN_URL = "import sys; from app import store; store.open_url(sys.argv[1]).close(); print('opened')"
INSTANCES = 3


def test_instances_opening_an_empty_database_at_once(
    pg_server: PgServer, pg_database: str, pg_url: str
) -> None:
    """Several facilitators start the app on a new shared database at the same moment.

    To make the moment the same every time, the test holds back every table creation in the
    database (an EXCLUSIVE lock on the pg_type catalog) until all the instances are waiting
    on a lock, the app's own or that one, then lets them go.
    """
    holder = pg_server.connect(pg_database)
    children: list[subprocess.Popen] = []
    try:
        holder.execute("BEGIN")
        holder.execute("LOCK TABLE pg_catalog.pg_type IN EXCLUSIVE MODE")
        children = [
            subprocess.Popen(
                [sys.executable, "-c", OPEN_URL, pg_url],
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )
            for _ in range(INSTANCES)
        ]
        deadline = time.monotonic() + 60
        waiting = 0
        while waiting < INSTANCES and time.monotonic() < deadline:
            time.sleep(0.05)
            if any(child.poll() is not None for child in children):
                break  # one gave up early: its output says why
            with pg_server.connect(pg_database) as watcher:  # a fresh view of the activity
                waiting = watcher.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND backend_type = 'client backend' AND pid <> pg_backend_pid() "
                    "AND wait_event_type = 'Lock'"
                ).fetchone()[0]
        holder.execute("COMMIT")
        outputs = [child.communicate(timeout=60)[0] for child in children]
    finally:
        holder.close()
        for child in children:
            if child.poll() is None:
                child.kill()
                child.wait()
    failures = [out for child, out in zip(children, outputs, strict=True) if child.returncode]
    for out in failures:
        if "UniqueViolation" not in out and "DuplicateTable" not in out:
            raise RuntimeError(f"an instance failed, not from the known race:\n{out[-3000:]}")
    if waiting != INSTANCES:
        raise RuntimeError(f"only {waiting} of {INSTANCES} instances reached the barrier")
    assert not failures, failures[0][-3000:]
    assert all(out.strip().endswith("opened") for out in outputs)
    assert alembic_revision(pg_server, pg_database) == [SCHEMA_HEAD]


def test_a_closed_secret_vote_forgets_the_order_of_casting(pg_url: str) -> None:
    """PostgreSQL stamps each row with its transaction (xmin) and keeps rows in the order
    written: while a vote is open, a voter's mark and their ballot share a transaction.
    Closing a secret vote rewrites both in one transaction, in random-key order."""
    from app.facilitation import votes as V
    from app.models import Attendance
    from app.models import Session as WorkshopSession

    with store.open_url(pg_url) as ws:
        with ws.transaction() as s:
            populate_demo(s)
        with ws.session() as s:
            workshop = s.scalars(
                select(WorkshopSession).order_by(WorkshopSession.starts_at, WorkshopSession.id)
            ).all()[1]
            people = s.scalars(
                select(Attendance.participant_id).where(Attendance.session_id == workshop.id)
            ).all()[:12]
            data = V.VoteData(
                question="Quels aménagements ?",
                method="approval",
                options=[V.OptionData("Bancs"), V.OptionData("Arbres"), V.OptionData("Fontaine")],
            )
            vote_id = V.create_vote(s, workshop.id, data)
            V.open_vote(s, vote_id)
            for i, person in enumerate(people):  # voter i approves option i % 3 only
                V.cast_ballot(s, vote_id, frozenset({i % 3}), voter_id=person)

        def stamps(table: str) -> list[tuple[str, str]]:
            with ws.engine.connect() as con:
                return [
                    tuple(map(str, row))
                    for row in con.execute(
                        text(f"SELECT xmin, ctid FROM {table} WHERE vote_id = :v"), {"v": vote_id}
                    )
                ]

        # While open, each ballot has a transaction of its own, shared with a voter's mark.
        assert len({xmin for xmin, _ctid in stamps("ballot")}) == len(people)
        assert {x for x, _ in stamps("ballot")} == {x for x, _ in stamps("voter_mark")}
        with ws.session() as s:
            result = V.close_vote(s, vote_id)
            assert V.verify_ballots(s, vote_id)
        assert result.valid == len(people)
        ballots, marks = stamps("ballot"), stamps("voter_mark")
        assert len({x for x, _ in ballots} | {x for x, _ in marks}) == 1
        with ws.engine.connect() as con:
            stored = con.execute(
                text("SELECT content, id FROM ballot WHERE vote_id = :v ORDER BY ctid"),
                {"v": vote_id},
            ).all()
        assert [row.id for row in stored] == sorted(row.id for row in stored)
        assert sorted(row.content for row in stored) == sorted(
            f"[{i % 3}]" for i in range(len(people))
        )
