"""local_applications.document_key: an optional private document photo ([16])

Revision ID: 0012_application_document
Revises: 0011_local_verified_at
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012_application_document"
down_revision: str | None = "0011_local_verified_at"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("local_applications", schema=None) as batch_op:
        batch_op.add_column(sa.Column("document_key", sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("local_applications", schema=None) as batch_op:
        batch_op.drop_column("document_key")
