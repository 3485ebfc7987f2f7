"""edit versions: optimistic locking for records two facilitators may edit at once

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 01:34:11.166246

Each table gets ``version`` (NOT NULL, 1 for existing rows); the ORM checks and bumps it on
every UPDATE, so a save over someone else's newer edit is refused instead of lost.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

VERSIONED_TABLES = (
    "action",
    "committee",
    "decision",
    "evaluation_jury",
    "indicator",
    "mission",
    "panel",
    "participant",
    "process",
    "session",
    "volunteer_profile",
    "vote",
)


def upgrade() -> None:
    for table in VERSIONED_TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(
                sa.Column("version", sa.Integer(), server_default="1", nullable=False)
            )


def downgrade() -> None:
    for table in reversed(VERSIONED_TABLES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("version")
