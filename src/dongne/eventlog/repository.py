"""SQL of the event log: id allocation per user, appends, reads after a point."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from dongne.kit.db import dialect_insert
from dongne.models.events import UserEvent, UserEventCounter


class EventLogRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def allocate(self, user_ids: Sequence[str]) -> dict[str, int]:
        """Reserves one id per occurrence of a user; returns each user's highest new id.

        One upsert for the whole batch; rows are locked in user-id order, so concurrent
        batches over overlapping users cannot deadlock on PostgreSQL.
        """
        counts = sorted(Counter(user_ids).items())
        if not counts:
            return {}
        statement = dialect_insert(self._session)(UserEventCounter).values(
            [{"user_id": user_id, "last_event_id": count} for user_id, count in counts]
        )
        statement = statement.on_conflict_do_update(
            index_elements=[UserEventCounter.user_id],
            set_={
                "last_event_id": UserEventCounter.last_event_id + statement.excluded.last_event_id
            },
        ).returning(UserEventCounter.user_id, UserEventCounter.last_event_id)
        result = await self._session.execute(statement)
        return {row.user_id: row.last_event_id for row in result}

    def add_all(self, events: Sequence[UserEvent]) -> None:
        self._session.add_all(events)

    async def delete_before(self, moment: datetime) -> int:
        result = await self._session.execute(delete(UserEvent).where(UserEvent.created_at < moment))
        return int(result.rowcount)  # type: ignore[attr-defined]

    async def after(
        self, user_id: str, *, event_id: int | None, since: datetime | None, limit: int
    ) -> list[UserEvent]:
        query = select(UserEvent).where(UserEvent.user_id == user_id)
        if event_id is not None:
            query = query.where(UserEvent.event_id > event_id)
        if since is not None:
            query = query.where(UserEvent.created_at > since)
        query = query.order_by(UserEvent.event_id).limit(limit)
        return list((await self._session.execute(query)).scalars())
