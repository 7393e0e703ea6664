"""The append-only points ledger; `users.points` is its running balance."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from dongne.models.base import Base, UTCDateTime, id_column_type


class PointsEntry(Base):
    __tablename__ = "points_ledger"
    # One credit per reason and source: a second credit for the same accepted answer
    # violates this constraint, whatever race produced it.
    __table_args__ = (
        UniqueConstraint("reason", "source_id", name="uq_points_ledger_reason_source"),
    )

    id: Mapped[str] = mapped_column(id_column_type(), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    amount: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(32))
    source_id: Mapped[str] = mapped_column(id_column_type())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
