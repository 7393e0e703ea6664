"""Question rooms: how far each member has received and read; the asker's follow-ups."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Text
from sqlalchemy.orm import Mapped, mapped_column

from dongne.models.base import Base, UTCDateTime, id_column_type


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


class FollowUp(Base):
    """The asker's own messages in their room (a clarification, a thank-you): not answers,
    so never accepted, never counted as a first answer, never worth points."""

    __tablename__ = "follow_ups"
    __table_args__ = (Index("ix_follow_ups_question_id", "question_id", "id"),)

    id: Mapped[str] = mapped_column(id_column_type(), primary_key=True)
    question_id: Mapped[str] = mapped_column(ForeignKey("questions.id", ondelete="CASCADE"))
    author_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    content: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
