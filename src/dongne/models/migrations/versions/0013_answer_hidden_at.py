"""answers.hidden_at: an operator hides an answer on a report ([16])

Revision ID: 0013_answer_hidden
Revises: 0012_application_document
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013_answer_hidden"
down_revision: str | None = "0012_application_document"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("answers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("hidden_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("answers", schema=None) as batch_op:
        batch_op.drop_column("hidden_at")
