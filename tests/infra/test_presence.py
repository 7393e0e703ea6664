"""Presence index: both implementations against a brute-force haversine scan."""

from __future__ import annotations

import asyncio
import math
import os
import random
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from unittest import mock

import pytest
import pytest_asyncio
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dongne.infra.presence import memory
from dongne.infra.presence.base import Nearby, PresenceIndex
from dongne.infra.presence.memory import MemoryPresenceIndex
from dongne.kit import geo
from dongne.kit.clock import ManualClock
from dongne.kit.geo import haversine_m

REDIS_URL = os.environ.get("DONGNE_TEST_REDIS_URL")
# Redis stores positions as 52-bit geohashes: up to ~0.3 m off per axis.
REDIS_TOL_M = 1.0

JEJU_CITY = (33.4996, 126.5312)
SEOGWIPO = (33.2541, 126.5600)
LAT_RANGE = (33.1, 33.6)
LNG_RANGE = (126.1, 127.0)

Users = dict[str, tuple[float, float, bool]]


@dataclass
class Env:
    index: PresenceIndex
    clock: ManualClock
    exact: bool  # False when positions are quantised (Redis)

    @property
    def tol(self) -> float:
        return 0.0 if self.exact else REDIS_TOL_M


@pytest_asyncio.fixture(params=["memory", "redis"])
async def env(request: pytest.FixtureRequest) -> AsyncIterator[Env]:
    clock = ManualClock()
    if request.param == "memory":
        yield Env(MemoryPresenceIndex(now=clock.monotonic), clock, exact=True)
        return
    if not REDIS_URL:
        pytest.skip("DONGNE_TEST_REDIS_URL not set")
    import redis.asyncio as aioredis

    from dongne.infra.presence.redis import RedisPresenceIndex

    client = aioredis.Redis.from_url(REDIS_URL)
    prefix = f"dongne:test:{uuid.uuid4().hex}:"
    index = RedisPresenceIndex(client, prefix, now=lambda: clock.now().timestamp())
    try:
        yield Env(index, clock, exact=False)
    finally:
        stray = [key async for key in client.scan_iter(match=f"{prefix}*")]
        if stray:
            await client.delete(*stray)
        await client.aclose()


def brute(
    users: Users,
    lat: float,
    lng: float,
    radius_m: float,
    *,
    limit: int | None,
    locals_only: bool,
) -> list[Nearby]:
    hits = sorted(
        (haversine_m(lat, lng, ulat, ulng), user_id)
        for user_id, (ulat, ulng, local) in users.items()
        if local or not locals_only
    )
    hits = [hit for hit in hits if hit[0] <= radius_m]
    if limit is not None:
        hits = hits[:limit]
    return [Nearby(user_id, d) for d, user_id in hits]


def assert_same(
    got: list[Nearby],
    users: Users,
    lat: float,
    lng: float,
    radius_m: float,
    *,
    limit: int | None,
    locals_only: bool,
    tol: float,
) -> None:
    want = brute(users, lat, lng, radius_m, limit=limit, locals_only=locals_only)
    if tol == 0:
        assert got == want
        return
    # Quantised positions: points within `tol` of the edge may fall either way, and
    # near-ties may swap, but distances must line up and nothing clearly inside is lost.
    dists = [n.distance_m for n in got]
    assert dists == sorted(dists)
    assert len({n.user_id for n in got}) == len(got)
    for n in got:
        ulat, ulng, local = users[n.user_id]
        assert local or not locals_only
        assert n.distance_m == pytest.approx(haversine_m(lat, lng, ulat, ulng), abs=tol)
        assert n.distance_m <= radius_m
    inner = brute(users, lat, lng, radius_m - tol, limit=limit, locals_only=locals_only)
    outer = brute(users, lat, lng, radius_m + tol, limit=limit, locals_only=locals_only)
    assert len(inner) <= len(got) <= len(outer)
    for g, w in zip(got, want, strict=False):
        assert g.distance_m == pytest.approx(w.distance_m, abs=2 * tol)
    if limit is None:
        assert {n.user_id for n in inner} <= {n.user_id for n in got}


def test_haversine_sanity() -> None:
    one_degree = geo.EARTH_RADIUS_M * math.pi / 180
    assert haversine_m(33.0, 126.5, 34.0, 126.5) == pytest.approx(one_degree)
    assert haversine_m(*JEJU_CITY, *JEJU_CITY) == 0.0
    d = haversine_m(*JEJU_CITY, *SEOGWIPO)
    assert d == pytest.approx(haversine_m(*SEOGWIPO, *JEJU_CITY))
    assert 27_000 < d < 27_500  # Jeju City to Seogwipo across Hallasan


@pytest.mark.asyncio
async def test_implements_protocol(env: Env) -> None:
    assert isinstance(env.index, PresenceIndex)


@pytest.mark.asyncio
async def test_empty(env: Env) -> None:
    assert await env.index.count() == 0
    assert await env.index.position("nobody") is None
    assert await env.index.nearest(*JEJU_CITY, 100_000, limit=None, locals_only=False) == []
    await env.index.remove("nobody")
    assert await env.index.prune_stale(0) == 0


@pytest.mark.asyncio
async def test_update_moves_user_between_cells(env: Env) -> None:
    idx = env.index
    await idx.upsert("u1", *JEJU_CITY, is_local=True)
    await idx.upsert("u2", *JEJU_CITY, is_local=False)
    await idx.upsert("u1", *SEOGWIPO, is_local=True)
    assert await idx.count() == 2
    pos = await idx.position("u1")
    assert pos is not None
    assert pos == pytest.approx(SEOGWIPO, abs=1e-5)
    near_city = await idx.nearest(*JEJU_CITY, 1000, limit=None, locals_only=False)
    assert [n.user_id for n in near_city] == ["u2"]
    assert await idx.nearest(*JEJU_CITY, 1000, limit=None, locals_only=True) == []
    near_south = await idx.nearest(*SEOGWIPO, 1000, limit=None, locals_only=True)
    assert [n.user_id for n in near_south] == ["u1"]
    assert near_south[0].distance_m == pytest.approx(0.0, abs=env.tol)


@pytest.mark.asyncio
async def test_small_move_within_cell_updates_distance(env: Env) -> None:
    idx = env.index
    lat, lng = JEJU_CITY
    await idx.upsert("u1", lat, lng, is_local=False)
    await idx.upsert("u1", lat + 0.001, lng, is_local=False)
    (hit,) = await idx.nearest(lat, lng, 500, limit=None, locals_only=False)
    assert hit.distance_m == pytest.approx(haversine_m(lat, lng, lat + 0.001, lng), abs=env.tol)


@pytest.mark.asyncio
async def test_remove(env: Env) -> None:
    idx = env.index
    await idx.upsert("u1", *JEJU_CITY, is_local=True)
    await idx.upsert("u2", *JEJU_CITY, is_local=True)
    await idx.remove("u1")
    await idx.remove("u1")
    assert await idx.count() == 1
    assert await idx.position("u1") is None
    for locals_only in (False, True):
        hits = await idx.nearest(*JEJU_CITY, 5000, limit=None, locals_only=locals_only)
        assert [n.user_id for n in hits] == ["u2"]


@pytest.mark.asyncio
async def test_locals_only_follows_status_changes(env: Env) -> None:
    idx = env.index
    lat, lng = JEJU_CITY
    await idx.upsert("local", lat, lng, is_local=True)
    await idx.upsert("visitor", lat + 0.001, lng, is_local=False)
    assert [n.user_id for n in await idx.nearest(lat, lng, 1000, limit=None, locals_only=True)] == [
        "local"
    ]
    assert [n.user_id for n in await idx.nearest(lat, lng, 1000, limit=5, locals_only=False)] == [
        "local",
        "visitor",
    ]
    await idx.upsert("local", lat, lng, is_local=False)
    assert await idx.nearest(lat, lng, 1000, limit=None, locals_only=True) == []
    await idx.upsert("visitor", lat + 0.001, lng, is_local=True)
    assert [n.user_id for n in await idx.nearest(lat, lng, 1000, limit=None, locals_only=True)] == [
        "visitor"
    ]


@pytest.mark.asyncio
async def test_ties_break_by_user_id(env: Env) -> None:
    idx = env.index
    lat, lng = JEJU_CITY
    ids = [f"u{i:02d}" for i in range(30)]
    random.Random(7).shuffle(ids)
    for user_id in ids:
        await idx.upsert(user_id, lat + 0.01, lng, is_local=True)
    await idx.upsert("a-near", lat + 0.005, lng, is_local=True)
    got = await idx.nearest(lat, lng, 5000, limit=4, locals_only=True)
    assert [n.user_id for n in got] == ["a-near", "u00", "u01", "u02"]
    assert got[1].distance_m == got[2].distance_m == got[3].distance_m
    got = await idx.nearest(lat, lng, 5000, limit=1, locals_only=False)
    assert [n.user_id for n in got] == ["a-near"]
    got = await idx.nearest(lat, lng, 5000, limit=None, locals_only=False)
    assert [n.user_id for n in got] == ["a-near", *sorted(ids)]


@pytest.mark.asyncio
async def test_symmetric_ties_in_different_cells() -> None:
    # North and south of the point at the same latitude offset: exactly equal distances,
    # from two different cells, so the tie must survive the early stop.
    idx = MemoryPresenceIndex(now=ManualClock().monotonic)
    lat, lng = JEJU_CITY
    await idx.upsert("b-north", lat + 0.02, lng, is_local=False)
    await idx.upsert("a-south", lat - 0.02, lng, is_local=False)
    await idx.upsert("c-far", lat + 0.05, lng, is_local=False)
    got = await idx.nearest(lat, lng, 10_000, limit=1, locals_only=False)
    assert [n.user_id for n in got] == ["a-south"]
    got = await idx.nearest(lat, lng, 10_000, limit=2, locals_only=False)
    assert [n.user_id for n in got] == ["a-south", "b-north"]


@pytest.mark.asyncio
@pytest.mark.parametrize("direction", ["north", "east"])
async def test_point_just_past_the_cell_edge_beats_a_corner_point(
    direction: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # White-box: cells are aligned on multiples of the cell size. The query sits mid-cell;
    # a point 537 m away in its own cell must lose to one 505 m away in the next ring, so
    # the search may stop only when the next ring is provably farther (it is >= 500 m).
    m_per_deg = geo.EARTH_RADIUS_M * math.pi / 180
    dlat = 1000.0 / m_per_deg
    dlng = dlat / math.cos(math.radians(33.4))
    qlat = (math.floor(33.45 / dlat) + 0.5) * dlat
    qlng = (math.floor(126.55 / dlng) + 0.5) * dlng
    m_lng = m_per_deg * math.cos(math.radians(qlat))  # metres per degree of longitude here
    monkeypatch.setattr(memory, "_SCAN_FACTOR", math.inf)  # two users: would scan otherwise
    idx = MemoryPresenceIndex(now=ManualClock().monotonic, cell_m=1000.0)
    await idx.upsert("corner", qlat - 380 / m_per_deg, qlng - 380 / m_lng, is_local=False)
    if direction == "north":
        await idx.upsert("edge", qlat + 505 / m_per_deg, qlng, is_local=False)
    else:
        await idx.upsert("edge", qlat, qlng + 505 / m_lng, is_local=False)
    got = await idx.nearest(qlat, qlng, 3000, limit=1, locals_only=False)
    assert [n.user_id for n in got] == ["edge"]
    assert got[0].distance_m == pytest.approx(505, abs=1)


@pytest.mark.asyncio
async def test_radius_is_inclusive() -> None:
    idx = MemoryPresenceIndex(now=ManualClock().monotonic)
    lat, lng = JEJU_CITY
    plat, plng = lat + 0.0137, lng - 0.0211
    await idx.upsert("u1", plat, plng, is_local=False)
    d = haversine_m(lat, lng, plat, plng)
    assert [n.user_id for n in await idx.nearest(lat, lng, d, limit=1, locals_only=False)] == ["u1"]
    assert await idx.nearest(lat, lng, math.nextafter(d, 0), limit=1, locals_only=False) == []
    assert await idx.nearest(plat, plng, 0, limit=None, locals_only=False) == [Nearby("u1", 0.0)]


@pytest.mark.asyncio
async def test_radius_edge_far_away(env: Env) -> None:
    # 30 km out, Redis's larger earth radius alone would add 8 m; the index must not.
    lat, lng = SEOGWIPO
    await env.index.upsert("u1", lat + 0.27, lng + 0.01, is_local=True)
    d = haversine_m(lat, lng, lat + 0.27, lng + 0.01)
    margin = 2 * REDIS_TOL_M
    (hit,) = await env.index.nearest(lat, lng, d + margin, limit=None, locals_only=True)
    assert hit.distance_m == pytest.approx(d, abs=env.tol)
    assert await env.index.nearest(lat, lng, d - margin, limit=None, locals_only=True) == []


@pytest.mark.asyncio
async def test_limit_zero_and_bad_input(env: Env) -> None:
    idx = env.index
    await idx.upsert("u1", *JEJU_CITY, is_local=True)
    assert await idx.nearest(*JEJU_CITY, 1000, limit=0, locals_only=False) == []
    with pytest.raises(ValueError, match="out of range"):
        await idx.upsert("u2", 91.0, 126.5, is_local=False)
    with pytest.raises(ValueError, match="finite"):
        await idx.upsert("u2", math.nan, 126.5, is_local=False)
    with pytest.raises(ValueError, match="radius_m"):
        await idx.nearest(*JEJU_CITY, -1, limit=None, locals_only=False)
    with pytest.raises(ValueError, match="limit"):
        await idx.nearest(*JEJU_CITY, 1000, limit=-1, locals_only=False)
    assert await idx.count() == 1


@pytest.mark.asyncio
async def test_prune_stale(env: Env) -> None:
    idx = env.index
    await idx.upsert("old", *JEJU_CITY, is_local=True)
    env.clock.advance(100)
    await idx.upsert("fresh", *JEJU_CITY, is_local=True)
    await idx.upsert("refreshed", *SEOGWIPO, is_local=False)
    env.clock.advance(30)
    await idx.upsert("refreshed", *SEOGWIPO, is_local=False)
    env.clock.advance(30)
    assert await idx.prune_stale(120) == 1
    assert await idx.position("old") is None
    assert await idx.count() == 2
    hits = await idx.nearest(*JEJU_CITY, 100_000, limit=None, locals_only=False)
    assert sorted(n.user_id for n in hits) == ["fresh", "refreshed"]
    assert await idx.prune_stale(40) == 1
    assert [n.user_id for n in await idx.nearest(*SEOGWIPO, 1, limit=None, locals_only=False)] == [
        "refreshed"
    ]
    assert await idx.prune_stale(0) == 1
    assert await idx.count() == 0


@pytest.mark.asyncio
async def test_prune_stale_many(env: Env) -> None:
    # More than one Redis prune batch.
    idx = env.index
    rng = random.Random(3)
    for i in range(2500):
        await idx.upsert(
            f"u{i}",
            rng.uniform(*LAT_RANGE),
            rng.uniform(*LNG_RANGE),
            is_local=i % 2 == 0,
        )
    env.clock.advance(60)
    await idx.upsert("u0", *JEJU_CITY, is_local=True)
    assert await idx.prune_stale(30) == 2499
    assert await idx.count() == 1
    assert [n.user_id for n in await idx.nearest(*JEJU_CITY, 1, limit=None, locals_only=True)] == [
        "u0"
    ]


@pytest.mark.asyncio
async def test_seeded_random_against_brute_force(env: Env) -> None:
    rng = random.Random(20260701)
    idx = env.index
    users: Users = {}
    hotspots = [JEJU_CITY, SEOGWIPO, (33.4581, 126.9415), (33.3940, 126.2397)]
    for _ in range(600):
        if rng.random() < 0.7:
            hlat, hlng = rng.choice(hotspots)
            lat, lng = rng.gauss(hlat, 0.02), rng.gauss(hlng, 0.02)
        else:
            lat, lng = rng.uniform(*LAT_RANGE), rng.uniform(*LNG_RANGE)
        user_id = f"u{rng.randrange(500):03d}"  # repeats move users
        local = rng.random() < 0.3
        await idx.upsert(user_id, lat, lng, is_local=local)
        users[user_id] = (lat, lng, local)
    for user_id in rng.sample(sorted(users), 50):
        await idx.remove(user_id)
        del users[user_id]
    assert await idx.count() == len(users)
    for _ in range(60):
        hlat, hlng = rng.choice(hotspots)
        lat, lng = rng.gauss(hlat, 0.03), rng.gauss(hlng, 0.03)
        radius = rng.choice([300.0, 1000.0, 2000.0, 5000.0, 20_000.0, 100_000.0])
        limit = rng.choice([None, 1, 3, 10, 50])
        locals_only = rng.random() < 0.5
        got = await idx.nearest(lat, lng, radius, limit=limit, locals_only=locals_only)
        assert_same(
            got,
            users,
            lat,
            lng,
            radius,
            limit=limit,
            locals_only=locals_only,
            tol=env.tol,
        )


@pytest.mark.asyncio
async def test_small_radius_does_not_scan_everyone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls = 0
    real = geo.haversine_m

    def counting(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
        nonlocal calls
        calls += 1
        return real(lat1, lng1, lat2, lng2)

    rng = random.Random(5)
    idx = MemoryPresenceIndex(now=ManualClock().monotonic)
    n = 20_000
    for i in range(n):
        await idx.upsert(f"u{i}", rng.uniform(*LAT_RANGE), rng.uniform(*LNG_RANGE), is_local=True)
    monkeypatch.setattr(geo, "haversine_m", counting)
    await idx.nearest(*JEJU_CITY, 2000, limit=10, locals_only=True)
    assert calls < n / 50
    calls = 0
    await idx.nearest(*JEJU_CITY, 2000, limit=None, locals_only=True)
    assert calls < n / 50
    calls = 0
    hits = await idx.nearest(*JEJU_CITY, 150_000, limit=None, locals_only=True)
    assert len(hits) == n  # a whole-island wave sees everyone


@pytest.mark.asyncio
@pytest.mark.parametrize("force_rings", [False, True])
async def test_memory_many_scenes_against_brute_force(
    force_rings: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Dense scenes with small cells: many rings, so a too-early stop would show here.
    # Few users occupy few cells, so the ring walk is forced to test it, not the scan.
    if force_rings:
        monkeypatch.setattr(memory, "_SCAN_FACTOR", math.inf)
    rng = random.Random(11)
    for _ in range(150):
        cell_m = rng.choice([50.0, 300.0, 1000.0, 3000.0])
        idx = MemoryPresenceIndex(now=ManualClock().monotonic, cell_m=cell_m)
        users: Users = {}
        clat, clng = rng.uniform(*LAT_RANGE), rng.uniform(*LNG_RANGE)
        spread = rng.choice([0.001, 0.01, 0.05, 0.3])

        def around() -> tuple[float, float]:
            return clat + rng.gauss(0, spread), clng + rng.gauss(0, spread)  # noqa: B023

        spots = [around() for _ in range(rng.randint(1, 150))]
        for _ in range(rng.randint(0, 300)):
            user_id = f"u{rng.randrange(200)}"
            lat, lng = rng.choice(spots) if rng.random() < 0.5 else around()
            local = rng.random() < 0.3
            await idx.upsert(user_id, lat, lng, is_local=local)
            users[user_id] = (lat, lng, local)
        for _ in range(20):
            q = rng.choice(spots) if rng.random() < 0.3 else around()
            radius = rng.choice([10, 100, 500, 1000, 2000, 5000, 30_000, 200_000]) * rng.random()
            if force_rings:
                radius = min(radius, 20 * cell_m)
            limit = rng.choice([None, 1, 2, 5, 10, 40])
            locals_only = rng.random() < 0.5
            got = await idx.nearest(*q, radius, limit=limit, locals_only=locals_only)
            assert got == brute(users, *q, radius, limit=limit, locals_only=locals_only)


# --- property test (memory): any sequence of moves/removals, any query ------------------

lat_s = st.floats(*LAT_RANGE)
lng_s = st.floats(*LNG_RANGE)


@dataclass
class Case:
    ops: list[tuple[int, tuple[float, float], bool, bool]]  # user, spot, is_local, remove
    query: tuple[float, float]
    radius: float
    limit: int | None
    locals_only: bool
    cell_m: float
    force_rings: bool


@st.composite
def scenario(draw: st.DrawFn) -> Case:
    spread = draw(st.sampled_from([0.002, 0.02, 0.1, 1.0]))
    clat, clng = draw(lat_s), draw(lng_s)

    def near(lo: float, hi: float, c: float) -> st.SearchStrategy[float]:
        return st.floats(max(lo, c - spread), min(hi, c + spread))

    point = st.tuples(near(*LAT_RANGE, clat), near(*LNG_RANGE, clng))
    # A small pool of spots so several users share a point (exact ties).
    spots = draw(st.lists(point, min_size=1, max_size=25))
    spot = st.sampled_from(spots) | point
    ops = draw(
        st.lists(
            st.tuples(st.integers(0, 59), spot, st.booleans(), st.booleans()),
            max_size=120,
        )
    )
    query = draw(st.sampled_from(spots) | point)
    radius = draw(
        st.floats(0, 3000) | st.floats(0, 150_000) | st.sampled_from([0.0, 1000.0, 100_000.0])
    )
    limit = draw(st.none() | st.integers(0, 15))
    locals_only = draw(st.booleans())
    cell_m = draw(st.sampled_from([1000.0, 200.0, 5000.0, 50.0]))
    force_rings = draw(st.booleans())
    if force_rings:
        radius = min(radius, 20 * cell_m)
    return Case(ops, query, radius, limit, locals_only, cell_m, force_rings)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenario())
def test_memory_matches_brute_force(case: Case) -> None:
    # Sync test driving its own loop: hypothesis examples and async fixtures do not mix.
    q, radius, limit, locals_only = (
        case.query,
        case.radius,
        case.limit,
        case.locals_only,
    )

    async def run() -> None:
        idx = MemoryPresenceIndex(now=ManualClock().monotonic, cell_m=case.cell_m)
        users: Users = {}
        for n, (lat, lng), local, drop in case.ops:
            user_id = f"u{n:02d}"
            if drop:
                await idx.remove(user_id)
                users.pop(user_id, None)
            else:
                await idx.upsert(user_id, lat, lng, is_local=local)
                users[user_id] = (lat, lng, local)
        assert await idx.count() == len(users)
        for user_id, (lat, lng, _) in users.items():
            assert await idx.position(user_id) == (lat, lng)
        got = await idx.nearest(*q, radius, limit=limit, locals_only=locals_only)
        assert_same(got, users, *q, radius, limit=limit, locals_only=locals_only, tol=0.0)

    # A private loop: asyncio.run would reset the loop the session's async tests share.
    loop = asyncio.new_event_loop()
    scan_factor = math.inf if case.force_rings else memory._SCAN_FACTOR
    try:
        with mock.patch.object(memory, "_SCAN_FACTOR", scan_factor):
            loop.run_until_complete(run())
    finally:
        loop.close()
