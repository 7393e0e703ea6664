"""users.local_verified_at: when a local was verified, for the lapse rule ([16])

Verified locals from before get their last update time, the best record there is.

Revision ID: 0011_local_verified_at
Revises: 0010_island_days
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011_local_verified_at"
down_revision: str | None = "0010_island_days"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("local_verified_at", sa.DateTime(timezone=True), nullable=True)
        )
    op.execute("UPDATE users SET local_verified_at = updated_at WHERE is_local_verified")


def downgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("local_verified_at")
