"""Requests and replies of accounts and profiles."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import NamedTuple

from pydantic import EmailStr, Field, field_validator

from dongne.kit.messages.languages import Language
from dongne.kit.schema import CleanStr, RequestModel, WireModel


class Person(NamedTuple):
    """What other people see of a user next to what they wrote."""

    id: str
    nickname: str
    is_local_verified: bool


class Role(StrEnum):
    TRAVELER = "traveler"
    LOCAL = "local"
    ADMIN = "admin"


Password = str  # checked by length only: any character may be part of a passphrase


class RegisterRequest(RequestModel):
    email: EmailStr
    password: Password = Field(min_length=8, max_length=128)
    nickname: CleanStr = Field(min_length=1, max_length=20)


class LoginRequest(RequestModel):
    email: EmailStr
    password: Password = Field(min_length=1, max_length=128)


class RefreshRequest(RequestModel):
    refresh_token: str = Field(min_length=1, max_length=200)


class ProfileUpdate(RequestModel):
    nickname: CleanStr | None = Field(default=None, min_length=1, max_length=20)

    @field_validator("nickname", mode="before")
    @classmethod
    def _nickname_not_null(cls, value: object) -> object:
        # Omitted means "unchanged"; an explicit null would erase a required name.
        if value is None:
            raise ValueError("nickname cannot be null")
        return value

    bio: CleanStr | None = Field(default=None, max_length=300)
    home_region: str | None = Field(default=None, max_length=32)
    # E.164-ish: digits with an optional leading +, for the SMS channel.
    phone: str | None = Field(default=None, pattern=r"^\+?[0-9]{8,15}$")
    language: Language | None = None


class UserOut(WireModel):
    id: str
    email: str
    nickname: str
    role: Role
    is_local_verified: bool
    points: int
    home_region: str | None
    bio: str | None
    phone: str | None
    language: Language | None = None
    created_at: datetime


class MeOut(UserOut):
    """`GET /api/me`: the profile, and until when the user is on duty (null: not)."""

    on_duty_until: datetime | None = None


class TokenPair(WireModel):
    access_token: str
    refresh_token: str
    token_type: str = "bearer"
    expires_in: int


class AuthResponse(TokenPair):
    user: UserOut


class VerificationCandidate(WireModel):
    """An account an admin may verify as a local (the dashboard's queue)."""

    id: str
    email: str
    nickname: str
    role: Role
    home_region: str | None
    bio: str | None
    points: int
    created_at: datetime


class VerificationQueue(WireModel):
    users: list[VerificationCandidate]
    total: int
