"""participant codes, consent purposes, agenda, decisions, minutes validation

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29 21:55:18.938644
"""

import secrets
import unicodedata
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "consent_purpose",
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=True),
        sa.Column("retention_months", sa.Integer(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consent_purpose")),
        sa.UniqueConstraint("code", name=op.f("uq_consent_purpose_code")),
    )
    op.create_table(
        "agenda_item",
        sa.Column("session_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("duration_minutes", sa.Integer(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["session.id"],
            name=op.f("fk_agenda_item_session_id_session"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agenda_item")),
    )
    with op.batch_alter_table("agenda_item", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_agenda_item_session_id"), ["session_id"], unique=False)

    op.create_table(
        "decision",
        sa.Column("session_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["session.id"],
            name=op.f("fk_decision_session_id_session"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decision")),
    )
    with op.batch_alter_table("decision", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_decision_session_id"), ["session_id"], unique=False)

    with op.batch_alter_table("attendance", schema=None) as batch_op:
        batch_op.add_column(sa.Column("signed_out_at", sa.DateTime(timezone=True), nullable=True))

    with op.batch_alter_table("participant", schema=None) as batch_op:
        batch_op.add_column(sa.Column("code", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("first_key", sa.String(length=250), nullable=True))
    _fill_participant_codes_and_keys()
    with op.batch_alter_table("participant", schema=None) as batch_op:
        batch_op.alter_column("code", existing_type=sa.String(length=16), nullable=False)
        batch_op.alter_column("first_key", existing_type=sa.String(length=250), nullable=False)
        batch_op.create_index("ix_participant_first_key", ["first_key"], unique=False)
        batch_op.create_unique_constraint(batch_op.f("uq_participant_code"), ["code"])
    _seed_consent_purposes()

    with op.batch_alter_table("session", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("minutes_circulated_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column("minutes_validated_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("minutes_validated_by", sa.String(length=300), nullable=True))


# Frozen copies of what the app does today, so this migration never changes behaviour later.
_CODE_ALPHABET = "ACDEFHJKMNPQRTUVWXY3479"
_SPECIAL = str.maketrans({"œ": "oe", "æ": "ae", "ß": "ss", "ø": "o", "ł": "l", "đ": "d"})
_CYRILLIC = str.maketrans(
    {
        "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh",
        "з": "z", "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
        "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "h", "ц": "ts",
        "ч": "ch", "ш": "sh", "щ": "sht", "ъ": "a", "ы": "y", "ь": "y", "э": "e", "ю": "yu",
        "я": "ya", "і": "i", "ї": "yi", "є": "ye", "ґ": "g",
    }
)  # fmt: skip


def _key(text: str) -> str:
    lowered = text.casefold().translate(_SPECIAL)
    decomposed = unicodedata.normalize("NFKD", lowered)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.split()).translate(_CYRILLIC)


def _fill_participant_codes_and_keys() -> None:
    participant = sa.table(
        "participant",
        sa.column("id", sa.Uuid()),
        sa.column("first_name", sa.String()),
        sa.column("last_name", sa.String()),
        sa.column("code", sa.String()),
        sa.column("first_key", sa.String()),
    )
    bind = op.get_bind()
    rows = bind.execute(
        sa.select(participant.c.id, participant.c.first_name, participant.c.last_name)
    )
    used: set[str] = set()
    updates = []
    for pid, first, last in rows:
        code = ""
        while not code or code in used:
            code = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(8))
        used.add(code)
        updates.append({"pid": pid, "code": code, "key": _key(f"{first or ''} {last or ''}")})
    if updates:
        bind.execute(
            participant.update()
            .where(participant.c.id == sa.bindparam("pid"))
            .values(code=sa.bindparam("code"), first_key=sa.bindparam("key")),
            updates,
        )


def _seed_consent_purposes() -> None:
    purpose = sa.table(
        "consent_purpose",
        sa.column("id", sa.Uuid()),
        sa.column("created_at", sa.DateTime(timezone=True)),
        sa.column("updated_at", sa.DateTime(timezone=True)),
        sa.column("code", sa.String()),
        sa.column("label", sa.String()),
        sa.column("retention_months", sa.Integer()),
        sa.column("position", sa.Integer()),
    )
    now = datetime.now(UTC)
    if op.get_bind().dialect.name == "sqlite":
        now = now.replace(tzinfo=None)
    builtin = [("contact", 36), ("photo", 24), ("jury_pool", 36), ("partner_sharing", 24)]
    op.bulk_insert(
        purpose,
        [
            {
                "id": uuid.uuid4(),
                "created_at": now,
                "updated_at": now,
                "code": code,
                "label": None,
                "retention_months": months,
                "position": position,
            }
            for position, (code, months) in enumerate(builtin)
        ],
    )


def downgrade() -> None:
    with op.batch_alter_table("session", schema=None) as batch_op:
        batch_op.drop_column("minutes_validated_by")
        batch_op.drop_column("minutes_validated_at")
        batch_op.drop_column("minutes_circulated_at")

    with op.batch_alter_table("participant", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_participant_code"), type_="unique")
        batch_op.drop_index("ix_participant_first_key")
        batch_op.drop_column("first_key")
        batch_op.drop_column("code")

    with op.batch_alter_table("attendance", schema=None) as batch_op:
        batch_op.drop_column("signed_out_at")

    with op.batch_alter_table("decision", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_decision_session_id"))

    op.drop_table("decision")
    with op.batch_alter_table("agenda_item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agenda_item_session_id"))

    op.drop_table("agenda_item")
    op.drop_table("consent_purpose")
