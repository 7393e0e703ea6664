"""Per-user notification settings, and declared interests as rows so experts can be queried."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from dongne.models.base import Base, UTCDateTime


class UserSettings(Base):
    __tablename__ = "user_settings"

    user_id: Mapped[str] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    immediate_alerts: Mapped[bool] = mapped_column(Boolean)
    quiet_start: Mapped[str | None] = mapped_column(String(5), nullable=True)
    quiet_end: Mapped[str | None] = mapped_column(String(5), nullable=True)
    radius_m: Mapped[int] = mapped_column(Integer)
    channels: Mapped[dict[str, Any]] = mapped_column(JSON)
    muted_hashtags: Mapped[list[str]] = mapped_column(JSON)
    followed_regions: Mapped[list[str]] = mapped_column(JSON)
    # Languages they can answer in (ko, en, zh, ja); the router prefers matching locals.
    languages: Mapped[list[str]] = mapped_column(JSON, default=lambda: ["ko"])
    # "지금 답변할 수 있어요": asked first until this moment (None: not on duty).
    on_duty_until: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class UserInterest(Base):
    __tablename__ = "user_interests"

    user_id: Mapped[str] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    tag: Mapped[str] = mapped_column(String(30), primary_key=True, index=True)
