"""SQL of the notification history."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from dongne.models.events import Notification


class NotificationRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    def add(self, notification: Notification) -> None:
        self._session.add(notification)

    async def get(self, notification_id: str) -> Notification | None:
        return await self._session.get(Notification, notification_id)

    async def newest(self, user_id: str, *, limit: int, before: str | None) -> list[Notification]:
        query = select(Notification).where(Notification.user_id == user_id)
        if before is not None:
            query = query.where(Notification.id < before)
        query = query.order_by(Notification.id.desc()).limit(limit)
        return list((await self._session.execute(query)).scalars())

    async def unread_count(self, user_id: str) -> int:
        query = select(func.count()).where(
            Notification.user_id == user_id, Notification.read_at.is_(None)
        )
        return int((await self._session.execute(query)).scalar_one())
