"""Password reset by email (issue [16] item 12): a link with a one-time secret, valid for an
hour, sent through the email channel; using it sets the new password and ends every
session. Asking never tells whether an address has an account."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from pydantic import Field

from dongne.kit.clock import Clock
from dongne.kit.db import UnitOfWork
from dongne.kit.errors import DongneError, ErrorCode
from dongne.kit.messages import MessageKey, language_of, text
from dongne.kit.passwords import Passwords
from dongne.kit.schema import RequestModel
from dongne.models.users import PasswordReset
from dongne.users.password_reset_repository import PasswordResetRepository
from dongne.users.service import UsersService

LINK_TTL = timedelta(hours=1)
INVALID_LINK = text(MessageKey.RESET_LINK_INVALID)


class ResetRequest(RequestModel):
    email: str = Field(min_length=3, max_length=254)


class ResetConfirm(RequestModel):
    token: str = Field(min_length=20, max_length=200)
    password: str = Field(min_length=8, max_length=128)


@dataclass(frozen=True)
class ResetMail:
    """What to send once the transaction has committed."""

    address: str
    title: str
    body: str


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class PasswordResets:
    def __init__(self, *, clock: Clock, users: UsersService, passwords: Passwords) -> None:
        self._clock = clock
        self._users = users
        self._passwords = passwords

    async def request(self, uow: UnitOfWork, email: str, base_url: str) -> ResetMail | None:
        """A link for the account with this address, or None (nobody is told which)."""
        try:
            user = await self._users.get_by_email(uow, email.strip().lower())
        except DongneError:
            return None
        token = secrets.token_urlsafe(32)
        await PasswordResetRepository(uow.session).add(
            PasswordReset(
                token_hash=_digest(token),
                user_id=user.id,
                expires_at=self._clock.now() + LINK_TTL,
            )
        )
        link = f"{base_url.rstrip('/')}/reset?token={token}"
        language = language_of(user.language)
        return ResetMail(
            address=user.email,
            title=text(MessageKey.RESET_MAIL_TITLE).render(language),
            body=text(MessageKey.RESET_MAIL_BODY, nickname=user.nickname, link=link).render(
                language
            ),
        )

    async def confirm(self, uow: UnitOfWork, request: ResetConfirm) -> None:
        repo = PasswordResetRepository(uow.session)
        reset = await repo.locked(_digest(request.token))
        now = self._clock.now()
        if reset is None or reset.used_at is not None or reset.expires_at <= now:
            raise DongneError(ErrorCode.INVALID, INVALID_LINK)
        reset.used_at = now
        user = await self._users.get(uow, reset.user_id)
        user.password_hash = await self._passwords.hash(request.password)
        await repo.revoke_sessions(user.id, now)
