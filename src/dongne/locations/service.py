"""Keeps online users' live positions and answers with the questions around them."""

from __future__ import annotations

from datetime import timedelta

from dongne.infra.presence.base import PresenceIndex
from dongne.kit.clock import Clock
from dongne.kit.db import UnitOfWork
from dongne.locations.live import LivePositions
from dongne.locations.schemas import (
    NearbyQuestionItem,
    NearbyQuestionsUpdate,
    OwnLocation,
    UpdateLocation,
)
from dongne.questions.service import QuestionsService
from dongne.regions.service import HotspotService

NEARBY_RADIUS_M = 3_000
NEARBY_WINDOW = timedelta(hours=1)
NEARBY_LIMIT = 5


class LocationsService:
    def __init__(
        self,
        clock: Clock,
        presence: PresenceIndex,
        questions: QuestionsService,
        hotspots: HotspotService,
        live: LivePositions | None = None,
    ) -> None:
        self._clock = clock
        self._presence = presence
        self._questions = questions
        self._hotspots = hotspots
        self._live = live

    async def update(
        self, uow: UnitOfWork, user_id: str, *, is_local: bool, request: UpdateLocation
    ) -> NearbyQuestionsUpdate:
        await self._presence.upsert(user_id, request.lat, request.lng, is_local=is_local)
        if self._live is not None:
            self._live.moved(user_id, request.lat, request.lng, is_local=is_local)
        await self._hotspots.moved(user_id, request.lat, request.lng, is_local=is_local)
        nearby = await self._questions.nearby(
            uow,
            lat=request.lat,
            lng=request.lng,
            radius_m=NEARBY_RADIUS_M,
            since=self._clock.now() - NEARBY_WINDOW,
            limit=NEARBY_LIMIT,
        )
        return NearbyQuestionsUpdate(
            location=OwnLocation(lat=request.lat, lng=request.lng),
            questions=[
                NearbyQuestionItem(
                    id=q.id,
                    title=q.title,
                    distance=q.distance,
                    urgency=q.urgency.value,
                    created_at=q.created_at,
                )
                for q in nearby
            ],
        )

    async def went_offline(self, user_id: str) -> None:
        """The user's last socket closed: they leave the index at once."""
        await self._presence.remove(user_id)
        if self._live is not None:
            self._live.went_offline(user_id)
        await self._hotspots.went_offline(user_id)
