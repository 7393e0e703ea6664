"""router: estimates and seen marks on notifications, routing state and claims, languages, on duty

Revision ID: 0008_router
Revises: 0007
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_router"
down_revision: str | None = "0008_hotpath"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("question_notified", schema=None) as batch_op:
        batch_op.add_column(sa.Column("chance", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("median_delay_s", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("seen_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("user_settings", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("languages", sa.JSON(), nullable=False, server_default='["ko"]')
        )
        batch_op.add_column(sa.Column("on_duty_until", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("questions", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("language", sa.String(length=2), nullable=False, server_default="ko")
        )
    op.create_table(
        "question_routing",
        sa.Column("question_id", sa.String(length=26), nullable=False),
        sa.Column("rounds", sa.Integer(), nullable=False),
        sa.Column("next_round_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("claimed_by", sa.String(length=26), nullable=True),
        sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["questions.id"],
            name=op.f("fk_question_routing_question_id_questions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["claimed_by"],
            ["users.id"],
            name=op.f("fk_question_routing_claimed_by_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("question_id", name=op.f("pk_question_routing")),
    )


def downgrade() -> None:
    op.drop_table("question_routing")
    with op.batch_alter_table("questions", schema=None) as batch_op:
        batch_op.drop_column("language")
    with op.batch_alter_table("user_settings", schema=None) as batch_op:
        batch_op.drop_column("on_duty_until")
        batch_op.drop_column("languages")
    with op.batch_alter_table("question_notified", schema=None) as batch_op:
        batch_op.drop_column("seen_at")
        batch_op.drop_column("median_delay_s")
        batch_op.drop_column("chance")
