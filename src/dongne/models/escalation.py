"""Who was notified of which question in which wave; the unique key forbids a second time."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, Index, Integer, String
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
    # The router's estimate when it asked them (chance of answering before the deadline,
    # median delay): what the next round counts on from those still silent.
    chance: Mapped[float | None] = mapped_column(Float, nullable=True)
    median_delay_s: Mapped[float | None] = mapped_column(Float, nullable=True)
    # When the local first saw it (opened the room or confirmed delivery): `question_progress`.
    seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class QuestionRouting(Base):
    """Where the router stands with one question: rounds run, when the next is due, and
    the latest claim ("답변할게요"), which holds the next round while fresh."""

    __tablename__ = "question_routing"

    question_id: Mapped[str] = mapped_column(
        ForeignKey("questions.id", ondelete="CASCADE"), primary_key=True
    )
    rounds: Mapped[int] = mapped_column(Integer, default=0)
    next_round_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    claimed_by: Mapped[str | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
