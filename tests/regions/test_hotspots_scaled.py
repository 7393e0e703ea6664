"""Hotspots in scaled mode: two in-process nodes sharing PostgreSQL and Redis."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis.asyncio as aioredis

from dongne.kit.clock import ManualClock
from dongne.kit.rooms import ADMIN_ROOM
from dongne.kit.schema import WireModel
from dongne.models.migrations import upgrade
from tests.fixtures.clients import SocketClient
from tests.fixtures.databases import REDIS_ENV, fresh_database, postgres_base_url
from tests.fixtures.hotspots import admin_socket, ask, watch
from tests.fixtures.jeju import place
from tests.fixtures.people import go_online, make_person
from tests.fixtures.server import RunningServer, serve, server_settings

UDO = place("udo")
CONCENTRATION_KEYS = "dongne:conc:*"


class Marker(WireModel):
    node: str


async def forget_concentration(client: aioredis.Redis) -> None:
    """The scaled server keeps its counters under fixed keys: start and end with none."""
    stray = [key async for key in client.scan_iter(match=CONCENTRATION_KEYS)]
    if stray:
        await client.delete(*stray)


@pytest.fixture
async def nodes(tmp_path: Path) -> AsyncIterator[tuple[RunningServer, RunningServer, ManualClock]]:
    redis_url = os.environ.get(REDIS_ENV)
    if not redis_url or not postgres_base_url():
        pytest.skip("scaled mode needs DONGNE_TEST_REDIS_URL and DONGNE_TEST_POSTGRES_URL")
    clock = ManualClock()
    client = aioredis.Redis.from_url(redis_url)
    await forget_concentration(client)
    async with AsyncExitStack() as stack:
        url = await stack.enter_async_context(fresh_database("postgres", tmp_path))
        await asyncio.to_thread(upgrade, url)
        running = []
        for name in ("a", "b"):
            folder = tmp_path / name
            folder.mkdir()
            settings = server_settings(folder, url, redis_url=redis_url, run_jobs=False)
            running.append(await stack.enter_async_context(serve(settings, clock)))
        yield running[0], running[1], clock
    await forget_concentration(client)
    await client.aclose()


async def until_markers(ops: SocketClient, *servers: RunningServer) -> None:
    """Each node sends a marker after its own emits: once both arrived, so did the rest."""
    for n, server in enumerate(servers):
        await server.runtime.events.publish_now("marker", Marker(node=str(n)), room=ADMIN_ROOM)
    for _ in servers:
        await ops.next("marker")


async def test_one_node_reports_a_hot_area_and_counts_are_shared(
    nodes: tuple[RunningServer, RunningServer, ManualClock],
) -> None:
    a, b, _ = nodes
    ops = await admin_socket(a)
    local = await make_person(b, "우도주민")
    await go_online(b, local, **UDO)  # online on node b ...
    try:
        viewer = await make_person(a, "관리")
        async with httpx.AsyncClient(base_url=a.url) as http:
            body = (
                await http.get("/api/hotspots", headers={"Authorization": f"Bearer {viewer.token}"})
            ).json()
        udo: dict[str, Any] = next(h for h in body["hotspots"] if h["code"] == "udo")
        assert udo["onlineLocals"] == 1  # ... and counted on node a
        for n in range(5):
            await ask(a if n % 2 else b, UDO, n)
        # Both nodes run the watch at once; each change is reported by one of them.
        changed = await asyncio.gather(watch(a), watch(b))
        assert sum(changed) == 2  # which node wins which area is a race
        await until_markers(ops, a, b)
        updates = [
            ops.queues["hotspot_update"].get_nowait() for _ in range(ops.pending("hotspot_update"))
        ]
        assert sorted((u["kind"], u["code"], u["hot"]) for u in updates) == [
            ("hotspot", "udo", True),
            ("region", "udo", True),
        ]
        assert {u["onlineLocals"] for u in updates} == {1}
        assert {u["questionsLast15m"] for u in updates} == {5}
        # One local online is fewer than three: one call for locals per area, not per node.
        needed = [
            ops.queues["locals_needed"].get_nowait() for _ in range(ops.pending("locals_needed"))
        ]
        assert sorted((x["kind"], x["code"]) for x in needed) == [
            ("hotspot", "udo"),
            ("region", "udo"),
        ]
    finally:
        assert local.socket is not None
        await local.socket.close()
        await ops.close()
