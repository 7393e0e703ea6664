"""Durable jobs: escalation waves and deliveries that must survive a restart."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from dongne.models.base import Base, UTCDateTime, id_column_type


class Job(Base):
    __tablename__ = "jobs"
    __table_args__ = (Index("ix_jobs_status_due", "status", "due_at"),)

    id: Mapped[str] = mapped_column(id_column_type(), primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    # A job that must exist once (one wave of one question) carries a unique key.
    dedupe_key: Mapped[str | None] = mapped_column(String(120), unique=True, nullable=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    priority: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(10))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    # Jobs that talk to the outside run outside a transaction, under a lease: a node that
    # dies mid-send leaves `running` past this time, and another node takes the job over.
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
