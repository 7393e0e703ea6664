"""Read state of question rooms: how far each member has received and read."""

from __future__ import annotations

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from dongne.models.base import Base, id_column_type


class ReadMarker(Base):
    """Message ids are time-ordered, so "read up to X" covers every message up to X."""

    __tablename__ = "read_markers"

    question_id: Mapped[str] = mapped_column(
        ForeignKey("questions.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[str] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    last_delivered_id: Mapped[str | None] = mapped_column(id_column_type(), nullable=True)
    last_read_id: Mapped[str | None] = mapped_column(id_column_type(), nullable=True)
