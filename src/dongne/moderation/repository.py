"""SQL of the IP blocklist."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from dongne.kit.db import dialect_insert
from dongne.models.moderation import IpBlock, Report, UserBlock


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


class UserBlockRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, blocker_id: str, blocked_id: str, now: datetime) -> None:
        await self._session.execute(
            dialect_insert(self._session)(UserBlock)
            .values(blocker_id=blocker_id, blocked_id=blocked_id, created_at=now)
            .on_conflict_do_nothing(index_elements=[UserBlock.blocker_id, UserBlock.blocked_id])
        )

    async def remove(self, blocker_id: str, blocked_id: str) -> None:
        await self._session.execute(
            delete(UserBlock).where(
                UserBlock.blocker_id == blocker_id, UserBlock.blocked_id == blocked_id
            )
        )

    async def blocked_by(self, blocker_id: str) -> list[str]:
        query = select(UserBlock.blocked_id).where(UserBlock.blocker_id == blocker_id)
        return list((await self._session.execute(query)).scalars())

    async def blockers_among(self, blocked_id: str, user_ids: Sequence[str]) -> set[str]:
        query = select(UserBlock.blocker_id).where(
            UserBlock.blocked_id == blocked_id, UserBlock.blocker_id.in_(user_ids)
        )
        return set((await self._session.execute(query)).scalars())


class ReportRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    def add(self, report: Report) -> None:
        self._session.add(report)

    async def newest(self, limit: int) -> list[Report]:
        """The reports nobody has dealt with yet, newest first."""
        query = (
            select(Report)
            .where(Report.resolved_at.is_(None))
            .order_by(Report.id.desc())
            .limit(limit)
        )
        return list((await self._session.execute(query)).scalars())

    async def get(self, report_id: str) -> Report | None:
        return await self._session.get(Report, report_id)
