"""SQL of local applications."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import distinct, exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from dongne.models.presence import IslandDay
from dongne.models.questions import Answer
from dongne.models.users import LocalApplication, User


class LocalApplicationRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, application: LocalApplication) -> None:
        self._session.add(application)
        await self._session.flush()

    async def get(self, application_id: str) -> LocalApplication | None:
        return await self._session.get(LocalApplication, application_id)

    async def latest_of(self, user_id: str) -> LocalApplication | None:
        return await self._session.scalar(
            select(LocalApplication)
            .where(LocalApplication.user_id == user_id)
            .order_by(LocalApplication.id.desc())
            .limit(1)
        )

    async def pending(self, limit: int) -> list[LocalApplication]:
        rows = await self._session.scalars(
            select(LocalApplication)
            .where(LocalApplication.status == "pending")
            .order_by(LocalApplication.id)
            .limit(limit)
        )
        return list(rows)

    async def answer_record(self, user_id: str, since: datetime) -> tuple[int, int]:
        """(answers written, distinct days with an answer) since `since`."""
        day = func.date(Answer.created_at)
        row = (
            await self._session.execute(
                select(func.count(Answer.id), func.count(distinct(day))).where(
                    Answer.author_id == user_id, Answer.created_at >= since
                )
            )
        ).one()
        return int(row[0]), int(row[1])

    async def island_days(self, user_id: str, since: date) -> int:
        """Days since `since` on which the user's app reported a position on Jeju."""
        count = await self._session.scalar(
            select(func.count()).where(IslandDay.user_id == user_id, IslandDay.day >= since)
        )
        return int(count or 0)

    async def lapsing_locals(self, since: datetime, since_day: date, limit: int) -> list[str]:
        """Verified locals verified before `since` with no sign of being on the island
        since: no answer written and no day on which their app reported a position on
        Jeju."""
        answered = exists().where(Answer.author_id == User.id, Answer.created_at >= since)
        on_island = exists().where(IslandDay.user_id == User.id, IslandDay.day >= since_day)
        rows = await self._session.scalars(
            select(User.id)
            .where(
                User.is_local_verified.is_(True),
                func.coalesce(User.local_verified_at, User.created_at) < since,
                ~answered,
                ~on_island,
            )
            .order_by(User.id)
            .limit(limit)
        )
        return list(rows)
