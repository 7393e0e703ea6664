"""island_days: the days a user's app reported a position on Jeju ([16] presence evidence)

Revision ID: 0010_island_days
Revises: 0009_question_deleted
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_island_days"
down_revision: str | None = "0009_question_deleted"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "island_days",
        sa.Column("user_id", sa.String(length=26), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_island_days_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", "day", name=op.f("pk_island_days")),
    )


def downgrade() -> None:
    op.drop_table("island_days")
