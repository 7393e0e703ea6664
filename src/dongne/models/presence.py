"""Live positions of connected users, kept so a restarted node can restore its presence
index. Only what routing needs; rows older than a few minutes are stale and deleted.

Island days: the dates (Asia/Seoul) on which a user's app reported a position on Jeju, one
row per day and no position kept: the presence evidence of a local application ([16])."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, Float, ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from dongne.models.base import Base, UTCDateTime


class LivePosition(Base):
    __tablename__ = "live_positions"

    user_id: Mapped[str] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    lat: Mapped[float] = mapped_column(Float)
    lng: Mapped[float] = mapped_column(Float)
    is_local: Mapped[bool] = mapped_column(Boolean)
    online: Mapped[bool] = mapped_column(Boolean)
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class IslandDay(Base):
    __tablename__ = "island_days"

    user_id: Mapped[str] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    day: Mapped[date] = mapped_column(Date, primary_key=True)
