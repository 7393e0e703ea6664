"""The router's view of the live service: the presence index and the database, one
batched read per call (`ports.RouterPorts`)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from dongne.escalation.ports import LocalProfile
from dongne.escalation.repository import NotifiedRepository
from dongne.escalation.routing import Pending, Responsiveness, RouterConfig, prior_mean
from dongne.infra.presence.base import Nearby, PresenceIndex
from dongne.kit.db import UnitOfWork
from dongne.moderation.service import SafetyService
from dongne.notifications.policy import QuietHours, RecipientSettings
from dongne.questions.service import QuestionsService
from dongne.settings.schemas import SettingsOut
from dongne.settings.service import SettingsService
from dongne.users.service import UsersService

# How far back a local's record goes: long enough to learn, short enough to forget a habit.
STATS_WINDOW = timedelta(days=30)
DEFAULT_CHANCE = 0.25
DEFAULT_MEDIAN_DELAY_S = 90.0


def recipient_settings(settings: SettingsOut) -> RecipientSettings:
    quiet = settings.quiet_hours
    return RecipientSettings(
        immediate_alerts=settings.immediate_alerts,
        quiet_hours=QuietHours.parse(quiet.start, quiet.end) if quiet else None,
        radius_m=settings.radius_meters,
        muted_hashtags=frozenset(settings.muted_hashtags),
        interests=frozenset(settings.interests),
    )


class LivePorts:
    def __init__(
        self,
        uow: UnitOfWork,
        now: datetime,
        *,
        presence: PresenceIndex,
        questions: QuestionsService,
        users: UsersService,
        settings: SettingsService,
        safety: SafetyService,
    ) -> None:
        self._uow = uow
        self._now = now
        self._presence = presence
        self._questions = questions
        self._users = users
        self._settings = settings
        self._safety = safety

    async def _verified(self, user_ids: Iterable[str]) -> list[str]:
        return await self._users.verified_among(self._uow, user_ids)

    async def nearby(self, lat: float, lng: float, radius_m: float, limit: int) -> list[Nearby]:
        return await self._presence.nearest(lat, lng, radius_m, limit=limit, locals_only=True)

    async def on_duty(self) -> list[str]:
        return await self._verified(await self._settings.on_duty(self._uow, self._now))

    async def region_followers(self, region: str) -> list[str]:
        return await self._verified(await self._settings.followers_of(self._uow, region))

    async def accepted_answerers(self, tags: Sequence[str]) -> list[str]:
        return await self._verified(await self._questions.accepted_answerers_for(self._uow, tags))

    async def interested(self, tags: Sequence[str]) -> list[str]:
        return await self._verified(await self._settings.users_interested_in(self._uow, tags))

    async def residents(self, region: str) -> list[str]:
        return await self._users.verified_locals_in(self._uow, region)

    async def reachable(self, fatigue_cap: int) -> list[str]:
        everyone = await self._users.verified_local_ids(self._uow)
        recent = await NotifiedRepository(self._uow.session).counts_since(
            everyone, self._now - timedelta(hours=1)
        )
        return [u for u in everyone if recent.get(u, 0) < fatigue_cap]

    async def best(self, user_ids: Sequence[str], limit: int) -> list[str]:
        if len(user_ids) <= limit:
            return list(user_ids)
        stats = await self.responsiveness(user_ids)
        none = Responsiveness()
        prior = RouterConfig()
        return sorted(user_ids, key=lambda u: -prior_mean(stats.get(u, none), prior))[:limit]

    async def positions(self, user_ids: Sequence[str]) -> dict[str, tuple[float, float]]:
        return await self._presence.positions(user_ids)

    async def profiles(self, user_ids: Sequence[str]) -> dict[str, LocalProfile]:
        settings = await self._settings.get_many(self._uow, user_ids)
        return {
            user_id: LocalProfile(
                settings=recipient_settings(s),
                languages=frozenset(s.languages),
                followed_regions=frozenset(s.followed_regions),
                interests=frozenset(s.interests),
                push=s.channels.push,
                on_duty_until_s=None if s.on_duty_until is None else s.on_duty_until.timestamp(),
            )
            for user_id, s in settings.items()
        }

    async def blockers(self, asker_id: str, user_ids: Sequence[str]) -> set[str]:
        return await self._safety.blockers_among(self._uow, asker_id, user_ids)

    async def responsiveness(self, user_ids: Sequence[str]) -> dict[str, Responsiveness]:
        repo = NotifiedRepository(self._uow.session)
        now = self._now
        since = now - STATS_WINDOW
        load = await repo.load(
            user_ids,
            since=since,
            hour_ago=now - timedelta(hours=1),
            day_ago=now - timedelta(days=1),
        )
        answered: dict[str, list[float]] = {}
        for user_id, asked_at, answer_at in await repo.answer_delays(user_ids, since=since):
            delay = max(1.0, (answer_at - asked_at).total_seconds())
            answered.setdefault(user_id, []).append(math.log(delay))
        return {
            user_id: Responsiveness(
                notified=total,
                answered=len(answered.get(user_id, ())),
                log_delay_sum=sum(answered.get(user_id, ())),
                last_hour=hour,
                last_day=day,
            )
            for user_id, (total, hour, day) in load.items()
        }

    async def recent_counts(self, user_ids: Sequence[str]) -> dict[str, int]:
        return await NotifiedRepository(self._uow.session).counts_since(
            user_ids, self._now - timedelta(hours=1)
        )

    async def asked(self, question_id: str) -> dict[str, Pending]:
        rows = await NotifiedRepository(self._uow.session).rows_of(question_id)
        return {
            user_id: Pending(
                notified_at_s=at.timestamp(),
                chance=DEFAULT_CHANCE if chance is None else chance,
                median_delay_s=DEFAULT_MEDIAN_DELAY_S if median is None else median,
            )
            for user_id, at, chance, median in rows
        }
