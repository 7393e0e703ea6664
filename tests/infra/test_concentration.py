"""Concentration store: both implementations against a brute-force recount."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dongne.infra.concentration.base import AreaCounts, ConcentrationStore
from dongne.infra.concentration.memory import MemoryConcentrationStore
from dongne.kit.geo import haversine_m
from dongne.regions.policy import default_region_map

REDIS_URL = os.environ.get("DONGNE_TEST_REDIS_URL")
REGIONS = default_region_map()
RADIUS_M = 1000.0
AREAS = REGIONS.area_keys()
# Hotspots a few hundred metres apart, so moves leave one and enter another.
CLUSTER = [
    REGIONS.hotspot(h)
    for h in (
        "jungmun_saekdal_beach",
        "cheonjeyeon_falls",
        "jusangjeolli",
        "cheonjiyeon_falls",
        "jeongbang_falls",
        "olle_market",
    )
]
T0 = 1_790_000_000.0
SEOUL = (37.5665, 126.978)

Point = tuple[float, float]


@asynccontextmanager
async def open_store(
    kind: str,
) -> AsyncIterator[tuple[ConcentrationStore, Callable[[], Awaitable[None]]]]:
    """The store, and a check of its own bookkeeping (no empty or negative counters)."""
    if kind == "memory":
        store = MemoryConcentrationStore()

        async def tidy() -> None:
            for counter in (store._locals, store._travelers):
                assert all(n > 0 for n in counter.values()), counter

        yield store, tidy
        return
    if not REDIS_URL:
        pytest.skip("DONGNE_TEST_REDIS_URL not set")
    import redis.asyncio as aioredis

    from dongne.infra.concentration.redis import RedisConcentrationStore

    client = aioredis.Redis.from_url(REDIS_URL)
    prefix = f"dongne:test:{uuid.uuid4().hex}:"
    redis_store = RedisConcentrationStore(client, prefix)

    async def redis_tidy() -> None:
        online = await client.hgetall(f"{prefix}conc:online")
        assert all(int(n) > 0 for n in online.values()), online

    try:
        yield redis_store, redis_tidy
    finally:
        stray = [key async for key in client.scan_iter(match=f"{prefix}*")]
        if stray:
            await client.delete(*stray)
        await client.aclose()


@dataclass
class World:
    """What is true, kept the slow way: every user's point, recounted from scratch."""

    users: dict[str, tuple[Point, bool]] = field(default_factory=dict)
    questions: dict[str, tuple[Point, float]] = field(default_factory=dict)

    def counts(self, now: float) -> dict[str, AreaCounts]:
        def inside(key: str, point: Point) -> bool:
            kind, _, code = key.partition(":")
            if kind == "hotspot":
                spot = REGIONS.hotspot(code)
                assert spot is not None
                return haversine_m(*point, spot.lat, spot.lng) <= RADIUS_M
            region = REGIONS.locate(*point)
            return region is not None and region.code == code

        answer = {}
        for key in AREAS:
            here = [local for point, local in self.users.values() if inside(key, point)]
            asked = [at for point, at in self.questions.values() if inside(key, point)]
            answer[key] = AreaCounts(
                online_locals=sum(here),
                online_travelers=len(here) - sum(here),
                questions_short=sum(at > now - 15 * 60 for at in asked),
                questions_long=sum(at > now - 60 * 60 for at in asked),
            )
        return answer


def around(draw: st.DrawFn) -> Point:
    if draw(st.integers(0, 9)) == 0:
        return SEOUL
    spot = draw(st.sampled_from(CLUSTER))
    assert spot is not None
    return (
        spot.lat + draw(st.floats(-0.015, 0.015)),
        spot.lng + draw(st.floats(-0.015, 0.015)),
    )


# One batch runs concurrently, so a user appears at most once in it.
Op = tuple[str, str, Point, bool, float]  # (verb, user or question id, point, local, at)


@st.composite
def churn(draw: st.DrawFn) -> list[list[Op]]:
    batches: list[list[Op]] = []
    asked = 0
    for _ in range(draw(st.integers(1, 8))):
        users = draw(st.lists(st.integers(0, 24), max_size=12, unique=True))
        batch: list[Op] = []
        for n in users:
            verb = draw(st.sampled_from(["place", "place", "place", "remove"]))
            batch.append((verb, f"u{n}", around(draw), draw(st.booleans()), 0.0))
        for _ in range(draw(st.integers(0, 3))):
            asked += 1
            at = T0 + draw(st.floats(0, 2 * 3600))
            batch.append(("ask", f"q{asked}", around(draw), False, at))
        batches.append(batch)
    return batches


async def apply(store: ConcentrationStore, world: World, op: Op) -> None:
    verb, name, point, local, at = op
    areas = REGIONS.areas_at(*point, RADIUS_M)
    if verb == "place":
        await store.place(name, areas, is_local=local)
        world.users[name] = (point, local)
    elif verb == "remove":
        await store.remove(name)
        world.users.pop(name, None)
    else:
        await store.record_question(name, areas, at)
        world.questions[name] = (point, at)


@pytest.mark.parametrize("kind", ["memory", "redis"])
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(batches=churn(), later=st.floats(0, 3600))
def test_counts_survive_churn(kind: str, batches: list[list[Op]], later: float) -> None:
    async def run() -> None:
        async with open_store(kind) as (store, tidy):
            world = World()
            for batch in batches:
                await asyncio.gather(*(apply(store, world, op) for op in batch))
                now = T0 + 2 * 3600
                assert await store.counts(AREAS, now) == world.counts(now)
                await tidy()
            now = T0 + 2 * 3600 + later
            assert await store.counts(AREAS, now) == world.counts(now)
            # Everyone leaving brings every online counter back to zero.
            await asyncio.gather(*(store.remove(user) for user in list(world.users)))
            world.users.clear()
            assert await store.counts(AREAS, now) == world.counts(now)
            await tidy()

    # A private loop: asyncio.run would reset the loop the session's async tests share.
    loop = asyncio.new_event_loop()
    try:
        loop.run_until_complete(run())
    finally:
        loop.close()


@pytest.fixture(params=["memory", "redis"])
async def store(request: pytest.FixtureRequest) -> AsyncIterator[ConcentrationStore]:
    async with open_store(request.param) as (opened, _):
        yield opened


async def test_implements_protocol(store: ConcentrationStore) -> None:
    assert isinstance(store, ConcentrationStore)


async def test_a_move_within_an_area_and_a_role_change(store: ConcentrationStore) -> None:
    await store.place("u1", {"region:a", "hotspot:x"}, is_local=False)
    await store.place("u1", {"region:a"}, is_local=False)
    assert (await store.counts(["region:a", "hotspot:x"], T0)) == {
        "region:a": AreaCounts(online_travelers=1),
        "hotspot:x": AreaCounts(),
    }
    # Verified while online: counted as a local from the next move on, never twice.
    await store.place("u1", {"region:a"}, is_local=True)
    assert (await store.counts(["region:a"], T0))["region:a"] == AreaCounts(online_locals=1)
    await store.place("u1", set(), is_local=True)  # left Jeju, still online
    assert (await store.counts(["region:a"], T0))["region:a"] == AreaCounts()
    await store.remove("u1")
    await store.remove("never-seen")


async def test_questions_leave_the_windows_as_time_passes(store: ConcentrationStore) -> None:
    await store.record_question("q1", {"hotspot:x"}, T0)
    await store.record_question("q1", {"hotspot:x"}, T0)  # recorded twice, counted once
    await store.record_question("q2", {"hotspot:x"}, T0 + 60)
    assert (await store.counts(["hotspot:x"], T0 + 60))["hotspot:x"] == AreaCounts(
        questions_short=2, questions_long=2
    )
    assert (await store.counts(["hotspot:x"], T0 + 15 * 60))["hotspot:x"] == AreaCounts(
        questions_short=1, questions_long=2
    )
    # A window is (now - length, now]: a question exactly one hour old is out.
    assert (await store.counts(["hotspot:x"], T0 + 60 * 60))["hotspot:x"] == AreaCounts(
        questions_short=0, questions_long=1
    )
    assert (await store.counts(["hotspot:x"], T0 + 60 * 60 + 60))["hotspot:x"] == AreaCounts()


async def test_only_the_first_caller_wins_a_change(store: ConcentrationStore) -> None:
    assert await store.set_hot("hotspot:x", True) is True
    assert await store.set_hot("hotspot:x", True) is False
    assert await store.hot_areas() == {"hotspot:x"}
    assert await store.claim_alert("hotspot:x") is True
    assert await store.claim_alert("hotspot:x") is False
    assert await store.set_hot("hotspot:x", False) is True
    assert await store.set_hot("hotspot:x", False) is False
    assert await store.hot_areas() == set()
    # A new episode may alert again.
    assert await store.claim_alert("hotspot:x") is True


async def test_blank_area_keys_are_refused(store: ConcentrationStore) -> None:
    with pytest.raises(ValueError, match="area key"):
        await store.place("u1", {"region a"}, is_local=False)
    with pytest.raises(ValueError, match="area key"):
        await store.record_question("q1", {""}, T0)


async def test_a_question_goes_uncounted_while_redis_is_away() -> None:
    import socket

    import redis.asyncio as aioredis
    from redis.asyncio.retry import Retry
    from redis.backoff import NoBackoff
    from redis.exceptions import ConnectionError as RedisConnectionError

    from dongne.infra.concentration.redis import RedisConcentrationStore

    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = aioredis.Redis(port=port, retry=Retry(NoBackoff(), 0))
    try:
        away = RedisConcentrationStore(client, "dongne:test:away:")
        # The question is stored by then: counting it must not fail its creation.
        await away.record_question("q1", {"hotspot:x"}, T0)
        # Everything else reports the outage to its caller.
        with pytest.raises(RedisConnectionError):
            await away.counts(["hotspot:x"], T0)
    finally:
        await client.aclose()
