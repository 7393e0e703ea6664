"""SQL of notification settings and declared interests."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import String, bindparam, cast, delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from dongne.models.settings import UserInterest, UserSettings

# Every routing round and notification reads these (built once: kit/db.py PerDialect).
_SETTINGS_OF = select(UserSettings).where(
    UserSettings.user_id.in_(bindparam("user_ids", expanding=True))
)
_ON_DUTY = select(UserSettings.user_id).where(UserSettings.on_duty_until > bindparam("now"))
_INTERESTS_OF = select(UserInterest).where(
    UserInterest.user_id.in_(bindparam("user_ids", expanding=True))
)


class SettingsRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, user_id: str) -> UserSettings | None:
        return await self._session.get(UserSettings, user_id)

    async def get_many(self, user_ids: Sequence[str]) -> dict[str, UserSettings]:
        rows = await self._session.execute(_SETTINGS_OF, {"user_ids": list(user_ids)})
        return {row.user_id: row for row in rows.scalars()}

    async def save(self, settings: UserSettings, interests: Sequence[str]) -> None:
        await self._session.merge(settings)
        await self._session.execute(
            delete(UserInterest).where(UserInterest.user_id == settings.user_id)
        )
        self._session.add_all(UserInterest(user_id=settings.user_id, tag=tag) for tag in interests)
        await self._session.flush()

    async def interests_of(self, user_ids: Sequence[str]) -> dict[str, list[str]]:
        interests: dict[str, list[str]] = {}
        rows = await self._session.execute(_INTERESTS_OF, {"user_ids": list(user_ids)})
        for row in rows.scalars():
            interests.setdefault(row.user_id, []).append(row.tag)
        return interests

    async def following(self, region_code: str) -> list[str]:
        # Followed regions are a short JSON list per user. Its text contains `"code"` on
        # SQLite and PostgreSQL alike (codes are [a-z_]+), so the database drops the rows that
        # cannot match without dialect-specific JSON SQL; the exact check stays below.
        query = select(UserSettings.user_id, UserSettings.followed_regions).where(
            cast(UserSettings.followed_regions, String).contains(
                f'"{region_code}"', autoescape=True
            )
        )
        rows = await self._session.execute(query)
        return [user_id for user_id, regions in rows if regions and region_code in regions]

    async def users_interested_in(self, tags: Sequence[str]) -> list[str]:
        query = select(UserInterest.user_id).where(UserInterest.tag.in_(tags)).distinct()
        return list((await self._session.execute(query)).scalars())

    async def on_duty_since(self, now: datetime) -> list[str]:
        return list((await self._session.execute(_ON_DUTY, {"now": now})).scalars())
