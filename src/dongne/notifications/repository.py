"""SQL of the notification history."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, func, select
from sqlalchemy import delete as sql_delete
from sqlalchemy.ext.asyncio import AsyncSession

from dongne.kit.db import dialect_insert
from dongne.models.events import Notification
from dongne.models.push import PushSubscription, SentDelivery

# Every routing round asks (built once: kit/db.py PerDialect says why).
_SUBSCRIBED = select(PushSubscription.user_id).where(
    PushSubscription.user_id.in_(bindparam("user_ids", expanding=True))
)


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

    async def carrying(self, user_id: str, type_: str, key: str, value: str) -> list[Notification]:
        """The user's notifications of a type whose data holds `value` under `key`."""
        query = select(Notification).where(
            Notification.user_id == user_id,
            Notification.type == type_,
            Notification.data[key].as_string() == value,
        )
        return list((await self._session.execute(query)).scalars())

    async def unread_count(self, user_id: str) -> int:
        query = select(func.count()).where(
            Notification.user_id == user_id, Notification.read_at.is_(None)
        )
        return int((await self._session.execute(query)).scalar_one())


class PushSubscriptionRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def upsert(self, subscription: PushSubscription) -> None:
        """One row per endpoint: a browser subscribing again, or for another account, moves it."""
        statement = dialect_insert(self._session)(PushSubscription).values(
            id=subscription.id,
            user_id=subscription.user_id,
            endpoint=subscription.endpoint,
            p256dh=subscription.p256dh,
            auth=subscription.auth,
            created_at=subscription.created_at,
        )
        statement = statement.on_conflict_do_update(
            index_elements=[PushSubscription.endpoint],
            set_={
                "user_id": statement.excluded.user_id,
                "p256dh": statement.excluded.p256dh,
                "auth": statement.excluded.auth,
            },
        )
        await self._session.execute(statement)

    async def subscribed(self, user_ids: list[str]) -> set[str]:
        rows = await self._session.execute(_SUBSCRIBED, {"user_ids": user_ids})
        return set(rows.scalars())

    async def of_user(self, user_id: str) -> list[PushSubscription]:
        query = select(PushSubscription).where(PushSubscription.user_id == user_id)
        return list((await self._session.execute(query)).scalars())

    async def delete(self, user_id: str, endpoint: str) -> int:
        result = await self._session.execute(
            sql_delete(PushSubscription).where(
                PushSubscription.user_id == user_id, PushSubscription.endpoint == endpoint
            )
        )
        return int(result.rowcount)  # type: ignore[attr-defined]

    async def delete_endpoint(self, endpoint: str) -> None:
        await self._session.execute(
            sql_delete(PushSubscription).where(PushSubscription.endpoint == endpoint)
        )


class SentDeliveryRepository:
    """Idempotency keys of deliveries that went out."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def was_sent(self, key: str) -> bool:
        return await self._session.get(SentDelivery, key) is not None

    async def record(self, key: str, sent_at: datetime) -> None:
        insert = dialect_insert(self._session)
        await self._session.execute(
            insert(SentDelivery)
            .values(key=key, sent_at=sent_at)
            .on_conflict_do_nothing(index_elements=[SentDelivery.key])
        )

    async def forget_before(self, moment: datetime) -> int:
        result = await self._session.execute(
            sql_delete(SentDelivery).where(SentDelivery.sent_at < moment)
        )
        return int(getattr(result, "rowcount", 0) or 0)
