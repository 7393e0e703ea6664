"""SQL of password resets, and ending every session of a user whose password changed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from dongne.models.users import PasswordReset, RefreshToken


class PasswordResetRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, reset: PasswordReset) -> None:
        self._session.add(reset)
        await self._session.flush()

    async def locked(self, token_hash: str) -> PasswordReset | None:
        return await self._session.get(PasswordReset, token_hash, with_for_update=True)

    async def revoke_sessions(self, user_id: str, now: datetime) -> None:
        await self._session.execute(
            update(RefreshToken)
            .where(RefreshToken.user_id == user_id, RefreshToken.revoked_at.is_(None))
            .values(revoked_at=now)
        )
