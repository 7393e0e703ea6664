"""sent deliveries (idempotency keys of push/email/SMS) and live positions

Revision ID: 0008_reliability
Revises: 0007
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_reliability"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sent_deliveries",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_sent_deliveries")),
    )
    op.create_index(
        op.f("ix_sent_deliveries_sent_at"), "sent_deliveries", ["sent_at"], unique=False
    )
    op.create_table(
        "live_positions",
        sa.Column("user_id", sa.String(length=26), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lng", sa.Float(), nullable=False),
        sa.Column("is_local", sa.Boolean(), nullable=False),
        sa.Column("online", sa.Boolean(), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_live_positions_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_live_positions")),
    )
    op.create_index(op.f("ix_live_positions_seen_at"), "live_positions", ["seen_at"], unique=False)


def downgrade() -> None:
    op.drop_table("live_positions")
    op.drop_table("sent_deliveries")
