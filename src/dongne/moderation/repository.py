"""SQL of the IP blocklist."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from dongne.models.moderation import IpBlock


class IpBlockRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    def add(self, block: IpBlock) -> None:
        self._session.add(block)

    async def active(self, now: datetime) -> list[IpBlock]:
        query = (
            select(IpBlock)
            .where(or_(IpBlock.expires_at.is_(None), IpBlock.expires_at > now))
            .order_by(IpBlock.created_at)
        )
        return list((await self._session.execute(query)).scalars())

    async def delete(self, block_id: str) -> int:
        result = await self._session.execute(delete(IpBlock).where(IpBlock.id == block_id))
        return int(result.rowcount)  # type: ignore[attr-defined]
