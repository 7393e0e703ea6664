"""SQL of the live positions kept for restarts and of the island days (models/presence.py)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from dongne.kit.db import dialect_insert
from dongne.models.presence import IslandDay, LivePosition


@dataclass(frozen=True)
class Position:
    user_id: str
    lat: float
    lng: float
    is_local: bool


class LivePositionRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def save(self, positions: Sequence[Position], at: datetime) -> None:
        if not positions:
            return
        insert = dialect_insert(self._session)
        statement = insert(LivePosition).values(
            [
                {
                    "user_id": p.user_id,
                    "lat": p.lat,
                    "lng": p.lng,
                    "is_local": p.is_local,
                    "online": True,
                    "seen_at": at,
                }
                for p in positions
            ]
        )
        statement = statement.on_conflict_do_update(
            index_elements=[LivePosition.user_id],
            set_={
                "lat": statement.excluded.lat,
                "lng": statement.excluded.lng,
                "is_local": statement.excluded.is_local,
                "online": True,
                "seen_at": statement.excluded.seen_at,
            },
        )
        await self._session.execute(statement)

    async def mark_offline(self, user_ids: Sequence[str], at: datetime) -> None:
        if user_ids:
            await self._session.execute(
                update(LivePosition)
                .where(LivePosition.user_id.in_(list(user_ids)))
                .values(online=False, seen_at=at)
            )

    async def online_since(self, moment: datetime) -> list[Position]:
        query = select(LivePosition).where(
            LivePosition.online.is_(True), LivePosition.seen_at >= moment
        )
        rows = (await self._session.execute(query)).scalars()
        return [Position(r.user_id, r.lat, r.lng, r.is_local) for r in rows]

    async def forget_before(self, moment: datetime) -> int:
        result = await self._session.execute(
            delete(LivePosition).where(LivePosition.seen_at < moment)
        )
        return int(getattr(result, "rowcount", 0) or 0)

    async def record_island_day(self, user_ids: Sequence[str], day: date) -> None:
        if user_ids:
            insert = dialect_insert(self._session)
            await self._session.execute(
                insert(IslandDay)
                .values([{"user_id": u, "day": day} for u in user_ids])
                .on_conflict_do_nothing(index_elements=[IslandDay.user_id, IslandDay.day])
            )
