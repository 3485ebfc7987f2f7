"""Write a new Alembic revision by comparing the models with a workspace at the current head.

    python tools/new_migration.py "add votes" --rev 0002

Review the generated file, then bump ``SCHEMA_HEAD`` in ``app/models/__init__.py`` and commit a
sample workspace of the previous schema under ``tests/samples/`` (see tests/test_migrations.py).
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from alembic import command
from sqlalchemy import create_engine

from app.store import _alembic_config


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("message")
    parser.add_argument("--rev", required=True, help="revision id, e.g. 0002")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        engine = create_engine(f"sqlite:///{Path(tmp) / 'head.atelier'}")
        with engine.begin() as connection:
            cfg = _alembic_config(connection)
            command.upgrade(cfg, "head")
            command.revision(cfg, message=args.message, autogenerate=True, rev_id=args.rev)


if __name__ == "__main__":
    main()
