"""shared event payloads: one row per fan-out, recipients point at it

Revision ID: 0008_hotpath
Revises: 0007
Create Date: 2026-12-03 08:55:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_hotpath"
down_revision: str | None = "0008_i18n"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "event_payloads",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_payloads")),
    )
    with op.batch_alter_table("event_payloads", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_event_payloads_created_at"), ["created_at"], unique=False
        )
    with op.batch_alter_table("user_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("shared_id", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("user_events", schema=None) as batch_op:
        batch_op.drop_column("shared_id")
    with op.batch_alter_table("event_payloads", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_event_payloads_created_at"))
    op.drop_table("event_payloads")
