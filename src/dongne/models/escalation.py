"""Who was notified of which question in which wave; the unique key forbids a second time."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from dongne.models.base import Base, UTCDateTime


class QuestionNotified(Base):
    __tablename__ = "question_notified"
    __table_args__ = (Index("ix_question_notified_user_created", "user_id", "created_at"),)

    question_id: Mapped[str] = mapped_column(
        ForeignKey("questions.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[str] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    wave: Mapped[str] = mapped_column(String(10))
    distance_m: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
