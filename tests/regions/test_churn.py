"""Live counts on the real server under random churn of real sockets, against a recount.

Users open and close several sockets and move between close hotspots; after every step
the server's counters must equal a brute-force recount of who is online where. Embedded
(SQLite, PostgreSQL) and scaled (two nodes sharing Redis, each user on one node).
"""

from __future__ import annotations

import asyncio
import os
import random
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from pathlib import Path

import pytest
import redis.asyncio as aioredis

from dongne.models.migrations import upgrade
from dongne.regions.policy import default_region_map
from tests.fixtures.clients import SocketClient, connect
from tests.fixtures.databases import REDIS_ENV, fresh_database, postgres_base_url
from tests.fixtures.hotspots import expected_online
from tests.fixtures.people import Person, make_person
from tests.fixtures.server import RunningServer, migrated_server, serve, server_settings

REGIONS = default_region_map()
AREAS = REGIONS.area_keys()
SPOTS = [
    REGIONS.hotspot(h)
    for h in ("jungmun_saekdal_beach", "cheonjeyeon_falls", "jusangjeolli", "olle_market")
]
SETTLE_S = 5.0

Point = tuple[float, float]


@pytest.fixture(params=["embedded", "scaled"])
async def nodes(
    request: pytest.FixtureRequest, backend: str, tmp_path: Path
) -> AsyncIterator[list[RunningServer]]:
    if request.param == "embedded":
        async with migrated_server(backend, tmp_path, run_jobs=False) as server:
            yield [server]
        return
    redis_url = os.environ.get(REDIS_ENV)
    if backend != "postgres" or not redis_url or not postgres_base_url():
        pytest.skip("scaled mode runs on PostgreSQL with DONGNE_TEST_REDIS_URL")
    client = aioredis.Redis.from_url(redis_url)

    async def forget() -> None:
        stray = [key async for key in client.scan_iter(match="dongne:conc:*")]
        if stray:
            await client.delete(*stray)

    await forget()
    async with AsyncExitStack() as stack:
        url = await stack.enter_async_context(fresh_database("postgres", tmp_path))
        await asyncio.to_thread(upgrade, url)
        running = []
        for name in ("a", "b"):
            (tmp_path / name).mkdir()
            settings = server_settings(tmp_path / name, url, redis_url=redis_url, run_jobs=False)
            running.append(await stack.enter_async_context(serve(settings)))
        yield running
    await forget()
    await client.aclose()


def somewhere(rng: random.Random) -> Point:
    spot = rng.choice(SPOTS)
    assert spot is not None
    return (spot.lat + rng.uniform(-0.012, 0.012), spot.lng + rng.uniform(-0.012, 0.012))


async def settled(server: RunningServer, users: dict[str, tuple[Point, bool]]) -> None:
    """The server's counts equal the recount. A disconnect is handled on the server's own
    time and announced to no one, so this polls (briefly) instead of awaiting an event."""
    want = expected_online(users)
    deadline = asyncio.get_running_loop().time() + SETTLE_S
    while True:
        now = server.runtime.clock.now().timestamp()
        got = await server.runtime.concentration.counts(AREAS, now)
        have = {key: (c.online_locals, c.online_travelers) for key, c in got.items()}
        if have == want or asyncio.get_running_loop().time() > deadline:
            break
        await asyncio.sleep(0.02)
    assert {k: v for k, v in have.items() if v != want[k]} == {}, {
        k: v for k, v in want.items() if v != have[k]
    }


async def test_counts_follow_random_churn_of_real_sockets(nodes: list[RunningServer]) -> None:
    rng = random.Random(11)
    people: list[Person] = []
    home: dict[str, RunningServer] = {}
    local: dict[str, bool] = {}
    for n in range(6):
        person = await make_person(nodes[0], f"사람{n}", local=n % 2 == 0)
        people.append(person)
        home[person.id] = rng.choice(nodes)
        local[person.id] = n % 2 == 0
    sockets: dict[str, list[SocketClient]] = {p.id: [] for p in people}
    # Counted: online and has sent a position since coming online.
    counted: dict[str, tuple[Point, bool]] = {}
    try:
        for _ in range(45):
            person = rng.choice(people)
            mine = sockets[person.id]
            verb = rng.choice(["connect", "move", "move", "disconnect"])
            if verb == "connect" and len(mine) < 3:
                mine.append(await connect(home[person.id], person.token))
            elif verb == "move" and mine:
                lat, lng = somewhere(rng)
                reply = await rng.choice(mine).call("update_location", {"lat": lat, "lng": lng})
                assert reply["ok"] is True, reply
                counted[person.id] = ((lat, lng), local[person.id])
            elif verb == "disconnect" and mine:
                await mine.pop(rng.randrange(len(mine))).close()
                if not mine:
                    counted.pop(person.id, None)
            for server in nodes:
                await settled(server, counted)
    finally:
        for mine in sockets.values():
            for client in mine:
                await client.close()
    for server in nodes:
        await settled(server, {})
