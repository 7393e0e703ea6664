"""The admin dashboard's live feed: `metrics-update` every second while an admin watches."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import structlog
from prometheus_client import REGISTRY

from dongne.kit.background import stop_task
from dongne.kit.db import Database
from dongne.kit.events import Events
from dongne.kit.rooms import ADMIN_ROOM
from dongne.monitoring.schemas import MetricsUpdate, StatsWindow
from dongne.monitoring.service import MonitoringService
from dongne.realtime.sessions import SocketSessions

log = structlog.get_logger("dongne.monitoring")

TICK_S = 1.0


def _total(metric: str) -> float:
    return sum(
        sample.value
        for family in REGISTRY.collect()
        if family.name == metric
        for sample in family.samples
        if sample.name.endswith("_total")
    )


class DashboardFeed:
    def __init__(
        self,
        db: Database,
        events: Events,
        monitoring: MonitoringService,
        sockets: SocketSessions,
        *,
        totals: Callable[[], tuple[int, int] | None] | None = None,
    ) -> None:
        self._db = db
        # Scaled mode: (sockets, users) of the whole cluster; this node's otherwise.
        self._totals = totals
        self._events = events
        self._monitoring = monitoring
        self._sockets = sockets
        self._watchers: set[str] = set()
        self._task: asyncio.Task[None] | None = None
        # Counter totals at the previous watched tick; None after a tick nobody watched.
        self._last: tuple[float, float] | None = None

    def watch(self, sid: str) -> None:
        self._watchers.add(sid)

    def forget(self, sid: str) -> None:
        self._watchers.discard(sid)

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="dongne-dashboard")

    async def stop(self) -> None:
        await stop_task(self._task)

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(TICK_S)
            # Nothing is computed while nobody watches.
            if not self._watchers:
                self._last = None
                continue
            try:
                await self._events.publish_now(
                    "metrics-update", await self.snapshot(), room=ADMIN_ROOM
                )
            except Exception:
                log.exception("dashboard_update_failed")

    async def snapshot(self) -> MetricsUpdate:
        events, errors = _total("dongne_events_in"), _total("dongne_errors")
        # The first tick after nobody watched has no baseline: a rate since the last watched
        # tick (maybe hours ago) would show as a spike.
        last = self._last or (events, errors)
        rate = (events - last[0]) / TICK_S, (errors - last[1]) / TICK_S
        self._last = (events, errors)
        async with self._db.transaction(readonly=True) as uow:
            stats = await self._monitoring.stats(uow, StatsWindow.HOUR)
            waiting = await self._monitoring.waiting_longest(uow)
        cluster = self._totals() if self._totals is not None else None
        return MetricsUpdate(
            connected_sockets=cluster[0] if cluster else self._sockets.socket_count,
            connected_users=cluster[1] if cluster else self._sockets.user_count,
            events_per_second=max(0.0, rate[0]),
            errors_per_second=max(0.0, rate[1]),
            stats=stats,
            waiting=waiting,
        )
