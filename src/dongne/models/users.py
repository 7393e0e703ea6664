"""Accounts and their refresh tokens."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from dongne.models.base import Base, UTCDateTime, id_column_type


class User(Base):
    __tablename__ = "users"

    id: Mapped[str] = mapped_column(id_column_type(), primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    nickname: Mapped[str] = mapped_column(String(40))
    role: Mapped[str] = mapped_column(String(16), default="traveler")
    is_local_verified: Mapped[bool] = mapped_column(Boolean, default=False)
    # When the verification was given; a verification lapses (users/applications.py).
    local_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    home_region: Mapped[str | None] = mapped_column(String(32), nullable=True)
    bio: Mapped[str | None] = mapped_column(String(300), nullable=True)
    # For the SMS channel; optional, and never shown to other users.
    phone: Mapped[str | None] = mapped_column(String(20), nullable=True)
    # The language chosen in the client (kit.messages.Language); null until chosen (Korean).
    language: Mapped[str | None] = mapped_column(String(8), nullable=True)
    points: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class RefreshToken(Base):
    """One row per issued refresh token; a family is one login and its rotations."""

    __tablename__ = "refresh_tokens"

    id: Mapped[str] = mapped_column(id_column_type(), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    family_id: Mapped[str] = mapped_column(id_column_type(), index=True)
    token_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class LocalApplication(Base):
    """A request to be verified as a local: how the person knows the area, in their words,
    decided by an operator (approved, or declined with a reason)."""

    __tablename__ = "local_applications"

    id: Mapped[str] = mapped_column(id_column_type(), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    statement: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), index=True)
    decline_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    # An optional photo of a document, in the private store (never under /media); deleted
    # once the application is decided.
    document_key: Mapped[str | None] = mapped_column(String(200), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class PasswordReset(Base):
    """A password-reset link sent by email: only the sha256 of its secret is kept; it works
    once, before `expires_at`."""

    __tablename__ = "password_resets"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
