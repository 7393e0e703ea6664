"""[17] similar questions: deflections, and questions solved by an earlier answer

Revision ID: 0008_similar
Revises: 0007
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_similar"
down_revision: str | None = "0008_journey"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "deflections",
        sa.Column("id", sa.String(length=26), nullable=False),
        sa.Column("user_id", sa.String(length=26), nullable=False),
        sa.Column("question_id", sa.String(length=26), nullable=False),
        sa.Column("answer_id", sa.String(length=26), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lng", sa.Float(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_deflections_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deflections")),
    )
    with op.batch_alter_table("deflections", schema=None) as batch_op:
        batch_op.create_index("ix_deflections_created_at", ["created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_deflections_user_id"), ["user_id"], unique=False)
    with op.batch_alter_table("questions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("archive_answer_id", sa.String(length=26), nullable=True))
        batch_op.add_column(
            sa.Column("archive_solved_at", sa.DateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("questions", schema=None) as batch_op:
        batch_op.drop_column("archive_solved_at")
        batch_op.drop_column("archive_answer_id")
    with op.batch_alter_table("deflections", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_deflections_user_id"))
        batch_op.drop_index("ix_deflections_created_at")
    op.drop_table("deflections")
