"""questions: deleted_at, the asker's soft delete ([16])

Revision ID: 0009_question_deleted
Revises: 0008_router
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_question_deleted"
down_revision: str | None = "0008_router"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("questions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("questions", schema=None) as batch_op:
        batch_op.drop_column("deleted_at")
