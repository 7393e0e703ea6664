"""Live concentration per region and hotspot, and the watch that tells admins about hot areas.

Counts change only where something happened: a user's move takes them out of the areas
they left and into the ones they entered, a disconnect takes them out of all of theirs,
and a question counts in the areas around it. The watch (a chore, every half minute)
compares each area's last 15 minutes with its usual rate from stored questions.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta

import structlog

from dongne.infra.concentration.base import SHORT_WINDOW_S, AreaCounts, ConcentrationStore
from dongne.kit.clock import Clock
from dongne.kit.db import UnitOfWork
from dongne.kit.events import Events
from dongne.kit.rooms import ADMIN_ROOM
from dongne.questions.service import QuestionsService
from dongne.regions.policy import (
    AreaKind,
    HotRule,
    RegionMap,
    area_key,
    needs_locals,
    parse_area_key,
    usual_per_window,
)
from dongne.regions.schemas import HotspotList, HotspotOut, HotspotUpdate, LiveCounts, LocalsNeeded

log = structlog.get_logger("dongne.hotspots")

# Usual rates come from stored questions, so they move slowly: recomputing them this often
# is plenty, and keeps the watch itself to one read of the live counters.
USUAL_REFRESH_S = 10 * 60


class HotspotService:
    def __init__(
        self,
        *,
        clock: Clock,
        regions: RegionMap,
        store: ConcentrationStore,
        questions: QuestionsService,
        events: Events,
        is_online: Callable[[str], bool],
        rule: HotRule,
        radius_m: float,
        locals_needed_below: int,
        usual_span: timedelta,
    ) -> None:
        self._clock = clock
        self._regions = regions
        self._store = store
        self._questions = questions
        self._events = events
        self._is_online = is_online
        self._rule = rule
        self._radius_m = radius_m
        self._locals_needed_below = locals_needed_below
        self._usual_span = usual_span
        self._usual: dict[str, float] = {}
        self._usual_at: float | None = None

    async def moved(self, user_id: str, lat: float, lng: float, *, is_local: bool) -> None:
        await self._store.place(
            user_id, self._regions.areas_at(lat, lng, self._radius_m), is_local=is_local
        )
        if not self._is_online(user_id):
            # The last socket closed while this move was on its way: going offline wins.
            await self._store.remove(user_id)

    async def went_offline(self, user_id: str) -> None:
        await self._store.remove(user_id)

    async def question_asked(self, question_id: str, lat: float, lng: float) -> None:
        await self._store.record_question(
            question_id,
            self._regions.areas_at(lat, lng, self._radius_m),
            self._clock.now().timestamp(),
        )

    async def region_live(self, code: str) -> LiveCounts:
        key = area_key(AreaKind.REGION, code)
        counts = (await self._store.counts([key], self._clock.now().timestamp()))[key]
        return _live(counts, hot=key in await self._store.hot_areas())

    async def hotspot_list(self) -> HotspotList:
        spots = self._regions.hotspots()
        keys = [area_key(AreaKind.HOTSPOT, h.id) for h in spots]
        counts = await self._store.counts(keys, self._clock.now().timestamp())
        hot = await self._store.hot_areas()
        return HotspotList(
            radius_meters=self._radius_m,
            hotspots=[
                HotspotOut(
                    **_live(counts[key], hot=key in hot).model_dump(),
                    code=h.id,
                    name=h.name_ko,
                    name_en=h.name_en,
                    category=h.category,
                    lat=h.lat,
                    lng=h.lng,
                    region_code=h.region,
                )
                for h, key in zip(spots, keys, strict=True)
            ],
        )

    async def watch(self, uow: UnitOfWork) -> int:
        """Marks areas hot or cool and tells the admin room; returns how many changed.

        Safe to run on every node at once: the store lets one caller win each change, and
        only the winner emits. The emits go out once the chore's transaction has ended, so
        no database lock is held while they are sent.
        """
        now = self._clock.now()
        await self._refresh_usual(uow, now)
        keys = self._regions.area_keys()
        counts = await self._store.counts(keys, now.timestamp())
        hot = await self._store.hot_areas()
        changed = 0
        for key in keys:
            area = counts[key]
            usual = self._usual.get(key, 0.0)
            was_hot = key in hot
            is_hot = self._rule.is_hot(area.questions_short, usual, was_hot=was_hot)
            if is_hot != was_hot and await self._store.set_hot(key, is_hot):
                changed += 1
                log.info("hotspot_changed", area=key, hot=is_hot, recent=area.questions_short)
                self._events.publish(
                    uow, "hotspot_update", self._update(key, area, usual, is_hot), room=ADMIN_ROOM
                )
            if (
                is_hot
                and needs_locals(area.online_locals, fewer_than=self._locals_needed_below)
                and await self._store.claim_alert(key)
            ):
                self._events.publish(
                    uow, "locals_needed", self._locals_needed(key, area), room=ADMIN_ROOM
                )
        return changed

    async def _refresh_usual(self, uow: UnitOfWork, now: datetime) -> None:
        tick = self._clock.monotonic()
        if self._usual_at is not None and tick - self._usual_at < USUAL_REFRESH_S:
            return
        # The window being judged is left out, so a burst does not raise its own bar.
        until = now - timedelta(seconds=SHORT_WINDOW_S)
        asked: Counter[str] = Counter()
        for lat, lng, region in await self._questions.positions_between(
            uow, until - self._usual_span, until
        ):
            asked[area_key(AreaKind.REGION, region)] += 1
            asked.update(
                area_key(AreaKind.HOTSPOT, h.id)
                for h in self._regions.hotspots_within(lat, lng, self._radius_m)
            )
        span_s = self._usual_span.total_seconds()
        self._usual = {
            key: usual_per_window(count, span_s, SHORT_WINDOW_S) for key, count in asked.items()
        }
        self._usual_at = tick

    def _names(self, key: str) -> tuple[AreaKind, str, str, str, float | None, float | None]:
        kind, code = parse_area_key(key)
        if kind is AreaKind.HOTSPOT:
            spot = self._regions.hotspot(code)
            assert spot is not None, key
            return kind, code, spot.name_ko, spot.name_en, spot.lat, spot.lng
        region = self._regions.get(code)
        assert region is not None, key
        return kind, code, region.name_ko, region.name_en, None, None

    def _update(self, key: str, area: AreaCounts, usual: float, hot: bool) -> HotspotUpdate:
        kind, code, name, name_en, lat, lng = self._names(key)
        return HotspotUpdate(
            kind=kind.value,
            code=code,
            name=name,
            name_en=name_en,
            questions_last15m=area.questions_short,
            questions_last60m=area.questions_long,
            online_locals=area.online_locals,
            online_travelers=area.online_travelers,
            hot=hot,
            usual_last15m=round(usual, 3),
            lat=lat,
            lng=lng,
        )

    def _locals_needed(self, key: str, area: AreaCounts) -> LocalsNeeded:
        kind, code, name, name_en, _, _ = self._names(key)
        return LocalsNeeded(
            kind=kind.value,
            code=code,
            name=name,
            name_en=name_en,
            questions_last15m=area.questions_short,
            online_locals=area.online_locals,
        )


def _live(counts: AreaCounts, *, hot: bool) -> LiveCounts:
    return LiveCounts(
        online_locals=counts.online_locals,
        online_travelers=counts.online_travelers,
        questions_last15m=counts.questions_short,
        questions_last60m=counts.questions_long,
        hot=hot,
    )
