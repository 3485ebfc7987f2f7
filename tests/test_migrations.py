"""Migrations: from empty, between revisions, and on committed samples of every schema."""

from __future__ import annotations

import shutil
import sqlite3
import textwrap
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect

from app import models, store
from app.facilitation.workspace_info import workspace_info
from app.models import SCHEMA_HEAD, Base

SAMPLES = Path(__file__).parent / "samples"


def revisions() -> list[str]:
    script = ScriptDirectory(str(store.MIGRATIONS_DIR))
    return [rev.revision for rev in reversed(list(script.walk_revisions()))]


def test_schema_head_constant_is_the_migrations_head() -> None:
    script = ScriptDirectory(str(store.MIGRATIONS_DIR))
    assert script.get_heads() == [SCHEMA_HEAD]


def test_migrations_from_empty_match_the_models(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'm.atelier'}")
    store.upgrade(engine)
    with engine.connect() as con:
        differences = compare_metadata(MigrationContext.configure(con), Base.metadata)
    assert differences == []
    assert set(inspect(engine).get_table_names()) >= {t.name for t in Base.metadata.sorted_tables}


@pytest.mark.parametrize("revision", revisions())
def test_each_revision_goes_down_and_up_again(tmp_path: Path, revision: str) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'r.atelier'}")
    store.upgrade(engine)
    order = revisions()
    below = order[order.index(revision) - 1] if order.index(revision) > 0 else "base"
    with engine.begin() as con:
        cfg = store._alembic_config(con)
        command.downgrade(cfg, below)
        command.upgrade(cfg, "head")
    with engine.connect() as con:
        assert store.current_revision(con) == SCHEMA_HEAD


def sample_files() -> list[Path]:
    return sorted(SAMPLES.glob("schema-*.atelier"))


def test_there_is_a_sample_of_every_schema() -> None:
    """Each released schema keeps a sample workspace, so later versions prove they open it."""
    assert {p.stem.removeprefix("schema-") for p in sample_files()} == set(revisions())


@pytest.mark.parametrize("sample", sample_files(), ids=lambda p: p.name)
def test_committed_samples_open_at_head_with_their_data(tmp_path: Path, sample: Path) -> None:
    path = tmp_path / sample.name
    shutil.copy(sample, path)
    con = sqlite3.connect(path)
    people = con.execute("SELECT count(*) FROM participant").fetchone()[0]
    con.close()
    ws = store.open_workspace(path, backup_count=0)
    info = workspace_info(ws)
    ws.close(backup=False)
    assert info.revision == SCHEMA_HEAD
    assert info.ok
    assert info.counts["participant"] == people > 0


NEXT_REVISION = textwrap.dedent(
    '''
    """a test-only revision after the real head"""
    import sqlalchemy as sa
    from alembic import op

    revision = "test_next"
    down_revision = "{head}"
    branch_labels = None
    depends_on = None


    def upgrade():
        with op.batch_alter_table("organisation") as batch:
            batch.add_column(sa.Column("motto", sa.String(200), nullable=True))


    def downgrade():
        with op.batch_alter_table("organisation") as batch:
            batch.drop_column("motto")
    '''
)


def test_an_older_workspace_is_backed_up_then_upgraded(
    demo_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The upgrade path on a real Alembic chain: a revision beyond today's head is added to
    a copy of the migrations, and today's demo workspace plays the older file."""
    migrations = tmp_path / "migrations"
    shutil.copytree(store.MIGRATIONS_DIR, migrations)
    (migrations / "versions" / "test_next.py").write_text(NEXT_REVISION.format(head=SCHEMA_HEAD))
    monkeypatch.setattr(store, "MIGRATIONS_DIR", migrations)
    monkeypatch.setattr(models, "SCHEMA_HEAD", "test_next")
    original = demo_path.read_bytes()

    ws = store.open_workspace(demo_path, backup_count=5)
    assert ws.revision() == "test_next"
    with ws.engine.connect() as con:
        columns = {c["name"] for c in inspect(con).get_columns("organisation")}
    assert "motto" in columns
    ws.close(backup=False)

    safety = [p for p in store.list_backups(demo_path) if "before-upgrade" in p.name]
    assert len(safety) == 1
    assert f"before-upgrade-{SCHEMA_HEAD}" in safety[0].name
    con = sqlite3.connect(safety[0])
    assert con.execute("SELECT version_num FROM alembic_version").fetchone()[0] == SCHEMA_HEAD
    assert con.execute("SELECT count(*) FROM participant").fetchone()[0] == 60
    con.close()
    assert original != demo_path.read_bytes()
    # Rotation never removes the safety copy.
    ws = store.open_workspace(demo_path, backup_count=1)
    for _ in range(3):
        store.rotating_backup(ws)
    ws.close(backup=False)
    assert safety[0].exists()


def test_the_older_app_then_refuses_the_upgraded_file(
    demo_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    migrations = tmp_path / "migrations"
    shutil.copytree(store.MIGRATIONS_DIR, migrations)
    (migrations / "versions" / "test_next.py").write_text(NEXT_REVISION.format(head=SCHEMA_HEAD))
    with monkeypatch.context() as m:
        m.setattr(store, "MIGRATIONS_DIR", migrations)
        m.setattr(models, "SCHEMA_HEAD", "test_next")
        store.open_workspace(demo_path, backup_count=0).close(backup=False)
    from app.errors import NewerWorkspace

    with pytest.raises(NewerWorkspace):
        store.open_workspace(demo_path)


FAILING_REVISION = textwrap.dedent(
    '''
    """a test-only revision that fails half-way"""
    import sqlalchemy as sa
    from alembic import op

    revision = "test_broken"
    down_revision = "{head}"
    branch_labels = None
    depends_on = None


    def upgrade():
        op.create_table("half_made", sa.Column("id", sa.Integer, primary_key=True))
        with op.batch_alter_table("organisation") as batch:
            batch.add_column(sa.Column("motto", sa.String(200), nullable=True))
        raise RuntimeError("the power went out")


    def downgrade():
        pass
    '''
)


def test_a_migration_that_fails_half_way_changes_nothing(
    demo_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    migrations = tmp_path / "migrations"
    shutil.copytree(store.MIGRATIONS_DIR, migrations)
    (migrations / "versions" / "test_broken.py").write_text(
        FAILING_REVISION.format(head=SCHEMA_HEAD)
    )
    monkeypatch.setattr(store, "MIGRATIONS_DIR", migrations)
    monkeypatch.setattr(models, "SCHEMA_HEAD", "test_broken")
    with pytest.raises(RuntimeError, match="power went out"):
        store.open_workspace(demo_path, backup_count=0)
    con = sqlite3.connect(demo_path)
    tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    columns = {r[1] for r in con.execute("PRAGMA table_info(organisation)")}
    revision = con.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    con.close()
    assert "half_made" not in tables
    assert "motto" not in columns
    assert revision == SCHEMA_HEAD
    # and the workspace is not left locked
    monkeypatch.undo()
    store.open_workspace(demo_path, backup_count=0).close(backup=False)


VERSIONED = {
    mapper.local_table.name for mapper in Base.registry.mappers if mapper.version_id_col is not None
}


def test_edit_versions_start_at_1_and_are_kept(tmp_path: Path) -> None:
    """0007 gives every record two facilitators may edit a version, 1 for existing rows; the
    0007 sample's edited rows keep theirs."""
    assert {"participant", "process", "session", "vote", "action", "committee"} <= VERSIONED
    assert "ballot" not in VERSIONED
    for name, expected in (("schema-0006.atelier", {1}), ("schema-0007.atelier", None)):
        path = tmp_path / name
        shutil.copy(SAMPLES / name, path)
        store.open_workspace(path, backup_count=0).close(backup=False)
        con = sqlite3.connect(path)
        try:
            found = {
                table: {v for (v,) in con.execute(f"SELECT DISTINCT version FROM {table}")}
                for table in VERSIONED
            }
            nulls = con.execute("SELECT count(*) FROM participant WHERE version IS NULL")
            assert nulls.fetchone()[0] == 0
        finally:
            con.close()
        if expected is not None:
            assert all(v <= expected for v in found.values()), found
        else:
            assert max(found["participant"]) == 3 and max(found["action"]) == 3
