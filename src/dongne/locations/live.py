"""Live positions kept across restarts, so a restarted node's presence index is not empty.

Connected users' last positions (position, local or not, time, online flag: only what
routing needs) are written to the database in batches every `flush_s` seconds, and every
`refresh_s` all connected users are touched so the rows of users who stand still stay
fresh. Rows older than `keep` are deleted. Nothing here is ever exposed over the API.

At start-up (`restore`), when the presence index is empty (the embedded mode after a
restart; a shared Redis index keeps its entries), the fresh online rows are loaded into it.
A restored user who has not reconnected within `restore_grace` is taken out again, so a
phone that was switched off during the downtime is not counted as online for long.

The same flush records the user's island day ([16]): the first position of a day (Asia/
Seoul) that falls on Jeju adds one row to `island_days`, the presence evidence an operator
sees on a local application. Each process remembers whom it recorded today, so a user costs
one row and one point-in-region test a day, not one per position.

A clean shutdown (`freeze`) stops recording before the sockets close: the users who are
cut off by a deploy are still online for the next process. A `kill -9` loses at most the
last `flush_s` seconds of movement.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Coroutine
from datetime import date, timedelta
from typing import Any

import structlog

from dongne.infra.presence.base import PresenceIndex
from dongne.kit.clock import Clock
from dongne.kit.db import Database
from dongne.locations.repository import LivePositionRepository, Position
from dongne.notifications.policy import seoul_date

log = structlog.get_logger("dongne.locations")

FLUSH_S = 2.0
REFRESH_S = 60.0
KEEP = timedelta(minutes=5)
RESTORE_GRACE = timedelta(minutes=2)


class LivePositions:
    def __init__(
        self,
        *,
        clock: Clock,
        db: Database,
        presence: PresenceIndex,
        is_online: Callable[[str], bool],
        on_island: Callable[[float, float], bool],
        flush_s: float = FLUSH_S,
        refresh_s: float = REFRESH_S,
        keep: timedelta = KEEP,
        restore_grace: timedelta = RESTORE_GRACE,
    ) -> None:
        self._clock = clock
        self._db = db
        self._presence = presence
        self._is_online = is_online
        self._on_island = on_island
        self._flush_s = flush_s
        self._refresh_s = refresh_s
        self._keep = keep
        self._grace = restore_grace
        self._latest: dict[str, Position] = {}
        self._dirty: set[str] = set()
        self._gone: set[str] = set()
        self._island_day: dict[str, date] = {}
        self._next_refresh = 0.0
        self._frozen = False
        self._tasks: list[asyncio.Task[None]] = []

    def moved(self, user_id: str, lat: float, lng: float, *, is_local: bool) -> None:
        if self._frozen:
            return
        self._latest[user_id] = Position(user_id, lat, lng, is_local)
        self._dirty.add(user_id)
        self._gone.discard(user_id)

    def went_offline(self, user_id: str) -> None:
        if self._frozen:
            return
        self._latest.pop(user_id, None)
        self._dirty.discard(user_id)
        self._gone.add(user_id)
        self._island_day.pop(user_id, None)

    def freeze(self) -> None:
        """Shutting down: what the sockets' closing would record is not true of the users."""
        self._frozen = True

    async def flush(self) -> None:
        now = self._clock.now()
        refresh = self._clock.monotonic() >= self._next_refresh
        users = list(self._latest) if refresh else [u for u in self._dirty if u in self._latest]
        batch = [self._latest[u] for u in users]
        gone = list(self._gone)
        today = seoul_date(now)
        on_island = [
            p.user_id
            for p in batch
            if self._island_day.get(p.user_id) != today and self._on_island(p.lat, p.lng)
        ]
        self._dirty.clear()
        self._gone.clear()
        try:
            async with self._db.transaction() as uow:
                repo = LivePositionRepository(uow.session)
                await repo.save(batch, now)
                await repo.mark_offline(gone, now)
                await repo.record_island_day(on_island, today)
                if refresh:
                    await repo.forget_before(now - self._keep)
        except Exception:
            # Written next time: the positions are still in memory.
            self._dirty.update(users)
            self._gone.update(gone)
            raise
        for user_id in on_island:
            self._island_day[user_id] = today
        if refresh:
            self._next_refresh = self._clock.monotonic() + self._refresh_s

    async def restore(self) -> int:
        """Loads the fresh online positions into an empty presence index; returns how many.

        A database or Redis that does not answer at start-up is no reason not to start
        (/ready tells the balancer): the index then fills as clients reconnect."""
        try:
            if await self._presence.count():
                return 0
            async with self._db.transaction(readonly=True) as uow:
                positions = await LivePositionRepository(uow.session).online_since(
                    self._clock.now() - self._keep
                )
        except Exception:
            log.exception("presence_restore_failed")
            return 0
        for p in positions:
            await self._presence.upsert(p.user_id, p.lat, p.lng, is_local=p.is_local)
            self._latest[p.user_id] = p
        if positions:
            log.info("presence_restored", users=len(positions))
            restored = [p.user_id for p in positions]
            self._spawn(self._expire_absent(restored))
        return len(positions)

    async def republish(self) -> int:
        """Puts the positions of this node's connected users back into a shared presence
        index that lost them (Redis restarted empty); returns how many."""
        here = [p for user_id, p in list(self._latest.items()) if self._is_online(user_id)]
        for p in here:
            await self._presence.upsert(p.user_id, p.lat, p.lng, is_local=p.is_local)
        log.info("presence_republished", users=len(here))
        return len(here)

    async def _expire_absent(self, restored: list[str]) -> None:
        await asyncio.sleep(self._grace.total_seconds())
        for user_id in restored:
            if not self._is_online(user_id):
                await self._presence.remove(user_id)
                self.went_offline(user_id)

    def start(self) -> None:
        self._spawn(self._loop())

    async def _loop(self) -> None:
        while True:
            await asyncio.sleep(self._flush_s)
            try:
                await self.flush()
            except Exception:
                log.exception("live_positions_flush_failed")

    def _spawn(self, work: Coroutine[Any, Any, None]) -> None:
        self._tasks.append(asyncio.create_task(work))

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._tasks.clear()
        with contextlib.suppress(Exception):
            await self.flush()
