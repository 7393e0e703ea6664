"""The cache: both implementations, their expiry, generations and a Redis that goes away."""

from __future__ import annotations

import asyncio
import os
import socket
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
import pytest_asyncio
from pydantic import BaseModel
from redis.asyncio import Redis

from dongne.infra.cache.base import Cache, CachedModels
from dongne.infra.cache.memory import MemoryCache
from dongne.infra.cache.redis import RETRY_S, RedisCache
from dongne.infra.redis import connect_redis
from dongne.kit.clock import ManualClock
from dongne.kit.db import Database
from tests.fixtures.tcp_proxy import TcpProxy

REDIS_URL = os.environ.get("DONGNE_TEST_REDIS_URL")
needs_redis = pytest.mark.skipif(not REDIS_URL, reason="DONGNE_TEST_REDIS_URL not set")


@dataclass
class Env:
    cache: Cache
    clock: ManualClock


@pytest_asyncio.fixture(params=["memory", "redis"])
async def env(request: pytest.FixtureRequest) -> AsyncIterator[Env]:
    clock = ManualClock()
    if request.param == "memory":
        yield Env(MemoryCache(now=clock.monotonic), clock)
        return
    if not REDIS_URL:
        pytest.skip("DONGNE_TEST_REDIS_URL not set")
    client = connect_redis(REDIS_URL)
    prefix = f"dongne:test-cache:{uuid.uuid4().hex}:"
    try:
        yield Env(RedisCache(client, monotonic=clock.monotonic, prefix=prefix), clock)
    finally:
        stray = [key async for key in client.scan_iter(match=f"{prefix}*")]
        if stray:
            await client.delete(*stray)
        await client.aclose()


async def fill(cache: Cache, key: str, value: object, ttl_s: float = 60) -> None:
    [entry] = await cache.lookup([key])
    assert entry.generation is not None
    await cache.store({key: (value, entry.generation)}, ttl_s)


async def test_a_stored_document_comes_back_as_json(env: Env) -> None:
    [miss] = await env.cache.lookup(["q:1"])
    assert miss.value is None
    await fill(env.cache, "q:1", {"title": "성산 일출봉", "answers": [1, 2], "at": None})
    hit, other = await env.cache.lookup(["q:1", "q:2"])
    assert hit.value == {"title": "성산 일출봉", "answers": [1, 2], "at": None}
    assert other.value is None


async def test_memory_entries_expire_on_the_injected_clock() -> None:
    clock = ManualClock()
    cache = MemoryCache(now=clock.monotonic)
    await fill(cache, "short", "a", ttl_s=60)
    await fill(cache, "long", "b", ttl_s=3600)
    clock.advance(59)
    assert [e.value for e in await cache.lookup(["short", "long"])] == ["a", "b"]
    clock.advance(2)
    assert [e.value for e in await cache.lookup(["short", "long"])] == [None, "b"]
    clock.advance(3600)
    assert [e.value for e in await cache.lookup(["short", "long"])] == [None, None]


async def test_memory_cache_drops_the_least_recently_used_when_full() -> None:
    cache = MemoryCache(now=ManualClock().monotonic, max_entries=2)
    await fill(cache, "a", 1)
    await fill(cache, "b", 2)
    await cache.lookup(["a"])
    await fill(cache, "c", 3)
    assert [e.value for e in await cache.lookup(["a", "b", "c"])] == [1, None, 3]


@needs_redis
async def test_redis_entries_carry_their_ttl() -> None:
    assert REDIS_URL is not None
    client = connect_redis(REDIS_URL)
    prefix = f"dongne:test-cache:{uuid.uuid4().hex}:"
    cache = RedisCache(client, monotonic=ManualClock().monotonic, prefix=prefix)
    try:
        await fill(cache, "page", {"x": 1}, ttl_s=1800)
        ttl_ms = await client.pttl(f"{prefix}v:page")
        assert 1_795_000 < ttl_ms <= 1_800_000
        # Expiry is Redis's own: a short TTL ends for real.
        await fill(cache, "blink", {"x": 2}, ttl_s=0.05)
        deadline = time.monotonic() + 5
        while (await cache.lookup(["blink"]))[0].value is not None:
            assert time.monotonic() < deadline, "a 50 ms entry outlived 5 s"
            await asyncio.sleep(0.02)
    finally:
        await client.delete(f"{prefix}v:page", f"{prefix}g:page", f"{prefix}v:blink")
        await client.aclose()


async def test_invalidate_drops_the_entry(env: Env) -> None:
    await fill(env.cache, "q:1", "old")
    await fill(env.cache, "q:2", "kept")
    await env.cache.invalidate(["q:1"])
    assert [e.value for e in await env.cache.lookup(["q:1", "q:2"])] == [None, "kept"]
    await fill(env.cache, "q:1", "new")
    assert [e.value for e in await env.cache.lookup(["q:1"])] == ["new"]


async def test_a_load_that_an_invalidation_overtook_is_not_stored(env: Env) -> None:
    """A reader looks up, loads the old row; a writer commits and invalidates; the reader
    stores: that store must not stick."""
    [reader] = await env.cache.lookup(["q:1"])
    assert reader.generation is not None
    await env.cache.invalidate(["q:1"])
    await env.cache.store({"q:1": ("loaded before the write", reader.generation)}, 60)
    [after] = await env.cache.lookup(["q:1"])
    assert after.value is None
    # A reader that looked up after the invalidation stores as usual.
    assert after.generation is not None
    await env.cache.store({"q:1": ("loaded after the write", after.generation)}, 60)
    assert (await env.cache.lookup(["q:1"]))[0].value == "loaded after the write"


class Person(BaseModel):
    id: str
    nickname: str


async def test_cached_models_load_only_what_is_missing(env: Env) -> None:
    people = CachedModels(env.cache, "person", Person, timedelta(hours=1))
    loads: list[list[str]] = []

    async def load(ids: list[str]) -> dict[str, Person]:
        loads.append(ids)
        return {i: Person(id=i, nickname=f"n-{i}") for i in ids if i != "ghost"}

    first = await people.get_many(["a", "b", "ghost", "a"], load)
    assert sorted(first) == ["a", "b"]
    assert first["a"] == Person(id="a", nickname="n-a")
    again = await people.get_many(["b", "c", "ghost"], load)
    assert sorted(again) == ["b", "c"]
    # "ghost" is asked for again: what load did not find was not cached.
    assert loads == [["a", "b", "ghost"], ["c", "ghost"]]

    await people.forget("b")
    await people.get_many(["a", "b"], load)
    assert loads[-1] == ["b"]


async def test_a_document_that_no_longer_fits_the_model_is_loaded_again(env: Env) -> None:
    await fill(env.cache, "person:a", {"id": "a", "name": "older shape"})
    people = CachedModels(env.cache, "person", Person, timedelta(hours=1))

    async def load() -> Person:
        return Person(id="a", nickname="current")

    assert await people.get("a", load) == Person(id="a", nickname="current")
    assert (await env.cache.lookup(["person:a"]))[0].value == {"id": "a", "nickname": "current"}


async def test_invalidation_after_commit_runs_before_the_events(tmp_path: Path) -> None:
    clock = ManualClock()
    cache = MemoryCache(now=clock.monotonic)
    people = CachedModels(cache, "person", Person, timedelta(hours=1))
    await fill(cache, "person:a", {"id": "a", "nickname": "old"})
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'uow.db'}")
    seen: list[object] = []

    async def emit() -> None:
        seen.append((await cache.lookup(["person:a"]))[0].value)

    try:
        async with db.transaction() as uow:
            uow.after_commit(emit)
            people.forget_after_commit(uow, "a")
            assert (await cache.lookup(["person:a"]))[0].value is not None
        # The event that tells of the change ran after the cache forgot the old state.
        assert seen == [None]

        await fill(cache, "person:a", {"id": "a", "nickname": "old"})

        async def rolled_back() -> None:
            async with db.transaction() as uow:
                people.forget_after_commit(uow, "a")
                raise RuntimeError("rolled back")

        with pytest.raises(RuntimeError):
            await rolled_back()
        # Nothing changed, so nothing was dropped.
        assert (await cache.lookup(["person:a"]))[0].value is not None
    finally:
        await db.dispose()


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_an_unreachable_redis_is_a_miss_and_is_left_alone_for_a_while() -> None:
    clock = ManualClock()
    client = connect_redis(f"redis://127.0.0.1:{_closed_port()}/0")
    cache = RedisCache(client, monotonic=clock.monotonic)
    try:
        started = time.monotonic()
        [entry] = await cache.lookup(["q:1"])
        assert entry.value is None
        # Nothing may be stored with a generation nobody could read.
        assert entry.generation is None
        await cache.invalidate(["q:1"])
        await cache.store({"q:1": ("x", "0")}, 60)
        for _ in range(20):
            assert (await cache.lookup(["q:1"]))[0].value is None
        # One attempt paid the timeout; the rest did not ask Redis at all.
        assert time.monotonic() - started < 2.0
        clock.advance(RETRY_S + 0.1)
        assert (await cache.lookup(["q:1"]))[0].generation is None
    finally:
        await client.aclose()


@needs_redis
async def test_invalidations_missed_during_an_outage_are_sent_before_reading_again() -> None:
    assert REDIS_URL is not None
    target = Redis.from_url(REDIS_URL)
    host = target.connection_pool.connection_kwargs.get("host", "127.0.0.1")
    port = target.connection_pool.connection_kwargs.get("port", 6379)
    db = target.connection_pool.connection_kwargs.get("db", 0)
    proxy = TcpProxy(host, port)
    await proxy.start()
    clock = ManualClock()
    client = connect_redis(f"redis://127.0.0.1:{proxy.port}/{db}")
    prefix = f"dongne:test-cache:{uuid.uuid4().hex}:"
    cache = RedisCache(client, monotonic=clock.monotonic, prefix=prefix)
    try:
        await fill(cache, "q:1", "before the answer")
        await proxy.stop()
        # The write commits while Redis is out of reach: its invalidation cannot be sent.
        await cache.invalidate(["q:1"])
        assert (await cache.lookup(["q:1"]))[0].value is None
        # Another node, still connected, would see the old page until the TTL ended...
        assert await target.get(f"{prefix}v:q:1") is not None
        await proxy.start()
        clock.advance(RETRY_S + 0.1)
        # ...but this node sends what it owes before it reads from the cache again.
        [entry] = await cache.lookup(["q:1"])
        assert entry.value is None
        assert entry.generation == "1"
        assert await target.get(f"{prefix}v:q:1") is None
    finally:
        await proxy.stop()
        stray = [key async for key in target.scan_iter(match=f"{prefix}*")]
        if stray:
            await target.delete(*stray)
        await client.aclose()
        await target.aclose()


@needs_redis
async def test_too_many_missed_invalidations_clear_the_whole_cache() -> None:
    assert REDIS_URL is not None
    target = Redis.from_url(REDIS_URL)
    kwargs = target.connection_pool.connection_kwargs
    proxy = TcpProxy(kwargs.get("host", "127.0.0.1"), kwargs.get("port", 6379))
    await proxy.start()
    clock = ManualClock()
    client = connect_redis(f"redis://127.0.0.1:{proxy.port}/{kwargs.get('db', 0)}")
    prefix = f"dongne:test-cache:{uuid.uuid4().hex}:"
    cache = RedisCache(client, monotonic=clock.monotonic, prefix=prefix, max_pending=2)
    try:
        for key in ("q:1", "q:2", "q:3", "unrelated"):
            await fill(cache, key, key)
        await proxy.stop()
        await cache.invalidate(["q:1", "q:2"])
        await cache.invalidate(["q:3"])
        await proxy.start()
        clock.advance(RETRY_S + 0.1)
        # Three owed, more than it keeps: every cached document goes, the unrelated too.
        entries = await cache.lookup(["q:1", "q:2", "q:3", "unrelated"])
        assert [e.value for e in entries] == [None] * 4
        assert all(e.generation is not None for e in entries)
        await fill(cache, "q:1", "again")
        assert (await cache.lookup(["q:1"]))[0].value == "again"
    finally:
        await proxy.stop()
        stray = [key async for key in target.scan_iter(match=f"{prefix}*")]
        if stray:
            await target.delete(*stray)
        await client.aclose()
        await target.aclose()
