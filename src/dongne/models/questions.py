"""Questions, their hashtags and answers, the images attached to them, and room members."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from dongne.models.base import Base, UTCDateTime, id_column_type


class Question(Base):
    __tablename__ = "questions"
    __table_args__ = (Index("ix_questions_created_at", "created_at"),)

    id: Mapped[str] = mapped_column(id_column_type(), primary_key=True)
    asker_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(100))
    content: Mapped[str] = mapped_column(Text)
    lat: Mapped[float] = mapped_column(Float)
    lng: Mapped[float] = mapped_column(Float)
    region_code: Mapped[str] = mapped_column(String(32), index=True)
    urgency: Mapped[str] = mapped_column(String(8))
    # Detected at ask time (ko, en, zh, ja): the router prefers locals who read it.
    language: Mapped[str] = mapped_column(String(2), default="ko", server_default="ko")
    status: Mapped[str] = mapped_column(String(12))
    answer_count: Mapped[int] = mapped_column(Integer, default=0)
    accepted_answer_id: Mapped[str | None] = mapped_column(id_column_type(), nullable=True)
    first_answer_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # [17] The asker took an earlier answer (of another question) as solving this one: no
    # further escalation round runs, and the figures count it as answered by the archive.
    archive_answer_id: Mapped[str | None] = mapped_column(id_column_type(), nullable=True)
    archive_solved_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    # [16] Deleted by the asker: kept (with its answers) for moderation, gone everywhere else.
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class Hashtag(Base):
    """One row per distinct tag, so trending tags and expert matching can query them."""

    __tablename__ = "hashtags"

    tag: Mapped[str] = mapped_column(String(30), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class QuestionHashtag(Base):
    __tablename__ = "question_hashtags"

    question_id: Mapped[str] = mapped_column(
        ForeignKey("questions.id", ondelete="CASCADE"), primary_key=True
    )
    tag: Mapped[str] = mapped_column(ForeignKey("hashtags.tag"), primary_key=True, index=True)


class Answer(Base):
    __tablename__ = "answers"

    id: Mapped[str] = mapped_column(id_column_type(), primary_key=True)
    question_id: Mapped[str] = mapped_column(
        ForeignKey("questions.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    content: Mapped[str] = mapped_column(Text)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    # Set when an operator hid it on a report: the text stays for the record, nobody sees it.
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Image(Base):
    """An uploaded, re-encoded image; attached to at most one question or answer."""

    __tablename__ = "images"

    id: Mapped[str] = mapped_column(id_column_type(), primary_key=True)
    owner_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    storage_key: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(32))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    size_bytes: Mapped[int] = mapped_column(Integer)
    question_id: Mapped[str | None] = mapped_column(
        ForeignKey("questions.id", ondelete="CASCADE"), nullable=True, index=True
    )
    answer_id: Mapped[str | None] = mapped_column(
        ForeignKey("answers.id", ondelete="CASCADE"), nullable=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class RoomMember(Base):
    """Who belongs to a question's room: the asker, and everyone who joined or answered."""

    __tablename__ = "room_members"

    question_id: Mapped[str] = mapped_column(
        ForeignKey("questions.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[str] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime())
