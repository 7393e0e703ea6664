"""The pieces of the scaled mode on their own: no processes, no Redis needed."""

from __future__ import annotations

import asyncio

import pytest

from dongne.config import Settings
from dongne.infra.ratelimit import MemoryRateLimiter
from dongne.infra.redis import FallbackRateLimiter, redis_database, scoped_channel
from dongne.realtime.server import RedisManager, create_socket_server


@pytest.mark.parametrize(
    ("url", "db"),
    [
        ("redis://127.0.0.1:6379", 0),
        ("redis://127.0.0.1:6379/0", 0),
        ("redis://:secret@redis.internal:6380/7", 7),
        ("rediss://redis.internal/3", 3),
        ("unix:///run/redis.sock?db=5", 5),
    ],
)
def test_channels_are_named_after_the_redis_database(url: str, db: int) -> None:
    assert redis_database(url) == db
    assert scoped_channel("dongne-socketio", url) == f"dongne-socketio:{db}"


def test_the_socketio_manager_uses_the_database_channel() -> None:
    settings = Settings(redis_url="redis://127.0.0.1:6379/4", jwt_secret="x" * 40)
    sio = create_socket_server(settings)
    assert isinstance(sio.manager, RedisManager)
    assert sio.manager.channel == "dongne-socketio:4"
    # Not subscribed yet: not ready until the lifespan starts the manager.
    assert sio.subscribed() is False


class _Broken(MemoryRateLimiter):
    def __init__(self) -> None:
        super().__init__()
        self.calls = 0

    async def hit(self, limit: str, *key: str) -> float | None:
        self.calls += 1
        raise ConnectionError("Redis is down")


async def test_rate_limits_count_in_memory_while_redis_fails() -> None:
    shared = _Broken()
    limiter = FallbackRateLimiter(shared)
    assert await limiter.hit("2/minute", "event", "u1") is None
    assert await limiter.hit("2/minute", "event", "u1") is None
    retry = await limiter.hit("2/minute", "event", "u1")
    assert retry is not None
    assert retry >= 1
    # Redis was asked once; until the retry time it is not asked again.
    assert shared.calls == 1


async def test_rate_limits_go_back_to_redis_when_it_answers() -> None:
    shared = MemoryRateLimiter()
    limiter = FallbackRateLimiter(shared)
    assert await limiter.hit("1/minute", "event", "u2") is None
    assert await limiter.hit("1/minute", "event", "u2") is not None


class _Counting(MemoryRateLimiter):
    """The shared limiter, counting how often it is asked."""

    def __init__(self) -> None:
        super().__init__()
        self.calls = 0

    async def hit(self, limit: str, *key: str) -> float | None:
        self.calls += 1
        return await super().hit(limit, *key)

    async def peek(self, limit: str, *key: str) -> float | None:
        self.calls += 1
        return await super().peek(limit, *key)


async def test_a_flood_is_refused_here_without_asking_redis() -> None:
    shared = _Counting()
    limiter = FallbackRateLimiter(shared)
    answers = [await limiter.hit("3/minute", "event", "u3") for _ in range(20)]
    assert answers[:3] == [None, None, None]
    assert all(retry is not None and retry >= 1 for retry in answers[3:])
    assert shared.calls == 3  # the 17 refused never cost a round trip


async def test_a_flood_against_tiers_is_refused_here_without_asking_redis() -> None:
    shared = _Counting()
    limiter = FallbackRateLimiter(shared)
    answers = [await limiter.hit_tiers("3/10 seconds;60/minute", "event", "u5") for _ in range(20)]
    assert answers[:3] == [None, None, None]
    assert all(retry is not None and retry >= 1 for retry in answers[3:])
    # The three allowed: a look at both tiers, then a hit on both; the refused cost nothing.
    assert shared.calls == 3 * 4


async def test_the_shared_count_still_refuses_what_another_node_used_up() -> None:
    shared = _Counting()
    other_node, this_node = FallbackRateLimiter(shared), FallbackRateLimiter(shared)
    assert await other_node.hit("2/minute", "event", "u4") is None
    assert await other_node.hit("2/minute", "event", "u4") is None
    assert await this_node.hit("2/minute", "event", "u4") is not None


async def test_shutdown_waits_for_running_handlers() -> None:
    sio = create_socket_server(Settings(jwt_secret="x" * 40))
    release = asyncio.Event()
    finished: list[str] = []

    async def slow(sid: str, data: object) -> None:
        await release.wait()
        finished.append(sid)

    sio.on("slow", slow)
    handler = sio.handlers["/"]["slow"]
    task = asyncio.ensure_future(handler("sid-1", {}))
    await asyncio.sleep(0)
    assert sio.running_handlers == 1
    assert await sio.wait_for_handlers(0.05) is False
    release.set()
    assert await sio.wait_for_handlers(1.0) is True
    await task
    assert finished == ["sid-1"]
    assert sio.running_handlers == 0
