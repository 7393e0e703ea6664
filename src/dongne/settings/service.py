"""Reads and replaces a user's notification settings; defaults for users who never set any."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from dongne.infra.cache.base import Cache, CachedModels
from dongne.kit.db import UnitOfWork
from dongne.kit.errors import DongneError, ErrorCode
from dongne.kit.hashtags import normalize_hashtags
from dongne.kit.messages import MessageKey, text
from dongne.models.settings import UserSettings
from dongne.regions.policy import RegionMap
from dongne.settings.repository import SettingsRepository
from dongne.settings.schemas import (
    DEFAULT_LANGUAGES,
    DEFAULT_RADIUS_M,
    Channels,
    QuietHoursOut,
    SettingsOut,
    SettingsUpdate,
)

MAX_TAGS = 50
# Every routing round reads its candidates' settings and every notification its
# recipient's: from the cache of [10], invalidated by each change (an on-duty mark lapses
# by its own time, which readers compare with now).
SETTINGS_TTL = timedelta(minutes=10)

DEFAULT_SETTINGS = SettingsOut(
    immediate_alerts=True,
    quiet_hours=None,
    channels=Channels(),
    radius_meters=DEFAULT_RADIUS_M,
    muted_hashtags=[],
    interests=[],
    followed_regions=[],
    languages=list(DEFAULT_LANGUAGES),
)


class SettingsService:
    def __init__(self, regions: RegionMap, cache: Cache) -> None:
        self._regions = regions
        self._cached = CachedModels(cache, "settings", SettingsOut, SETTINGS_TTL)

    async def get(self, uow: UnitOfWork, user_id: str) -> SettingsOut:
        return (await self.get_many(uow, [user_id]))[user_id]

    async def get_many(self, uow: UnitOfWork, user_ids: Sequence[str]) -> dict[str, SettingsOut]:
        """Every user's settings, the defaults for those who never saved any."""

        async def load(missing: list[str]) -> dict[str, SettingsOut]:
            return await self._load(uow, missing)

        return await self._cached.get_many(user_ids, load)

    async def _load(self, uow: UnitOfWork, user_ids: Sequence[str]) -> dict[str, SettingsOut]:
        repo = SettingsRepository(uow.session)
        rows = await repo.get_many(user_ids)
        interests = await repo.interests_of(list(rows)) if rows else {}
        return {
            user_id: _view(rows[user_id], interests.get(user_id, []))
            if user_id in rows
            else DEFAULT_SETTINGS
            for user_id in user_ids
        }

    async def replace(self, uow: UnitOfWork, user_id: str, update: SettingsUpdate) -> SettingsOut:
        unknown = [code for code in update.followed_regions if self._regions.get(code) is None]
        if unknown:
            raise DongneError(
                ErrorCode.INVALID, text(MessageKey.UNKNOWN_REGION, detail=", ".join(unknown))
            )
        interests = normalize_hashtags(update.interests, at_most=MAX_TAGS)
        row = _row(user_id, update, normalize_hashtags(update.muted_hashtags, at_most=MAX_TAGS))
        repo = SettingsRepository(uow.session)
        # On duty is not a setting the form replaces: keep the mark as it is.
        existing = await repo.get(user_id)
        row.on_duty_until = existing.on_duty_until if existing is not None else None
        await repo.save(row, interests)
        self._cached.forget_after_commit(uow, user_id)
        return _view(row, interests)

    async def followers_of(self, uow: UnitOfWork, region_code: str) -> list[str]:
        return await SettingsRepository(uow.session).following(region_code)

    async def users_interested_in(self, uow: UnitOfWork, tags: Sequence[str]) -> list[str]:
        return await SettingsRepository(uow.session).users_interested_in(tags) if tags else []

    async def set_on_duty(self, uow: UnitOfWork, user_id: str, until: datetime | None) -> None:
        """Mark (or clear) "지금 답변할 수 있어요" until `until`; creates default settings if
        the user never saved any."""
        repo = SettingsRepository(uow.session)
        row = await repo.get(user_id)
        self._cached.forget_after_commit(uow, user_id)
        if row is None:
            row = _row(user_id, SettingsUpdate(), [])
            row.on_duty_until = until
            await repo.save(row, [])
            return
        row.on_duty_until = until
        await uow.session.flush()

    async def on_duty_until(self, uow: UnitOfWork, user_id: str) -> datetime | None:
        row = await SettingsRepository(uow.session).get(user_id)
        return None if row is None else row.on_duty_until

    async def on_duty(self, uow: UnitOfWork, now: datetime) -> list[str]:
        return await SettingsRepository(uow.session).on_duty_since(now)


def _row(user_id: str, update: SettingsUpdate, muted: list[str]) -> UserSettings:
    return UserSettings(
        user_id=user_id,
        immediate_alerts=update.immediate_alerts,
        quiet_start=update.quiet_hours.start if update.quiet_hours else None,
        quiet_end=update.quiet_hours.end if update.quiet_hours else None,
        radius_m=update.radius_meters,
        channels=update.channels.model_dump(),
        muted_hashtags=muted,
        followed_regions=list(dict.fromkeys(update.followed_regions)),
        languages=list(update.languages),
    )


def _view(row: UserSettings, interests: list[str]) -> SettingsOut:
    quiet = (
        QuietHoursOut(start=row.quiet_start, end=row.quiet_end)
        if row.quiet_start and row.quiet_end
        else None
    )
    return SettingsOut(
        immediate_alerts=row.immediate_alerts,
        quiet_hours=quiet,
        channels=Channels.model_validate(row.channels),
        radius_meters=row.radius_m,
        muted_hashtags=list(row.muted_hashtags),
        interests=sorted(interests),
        followed_regions=list(row.followed_regions),
        languages=list(row.languages or DEFAULT_LANGUAGES),
        on_duty_until=row.on_duty_until,
    )
