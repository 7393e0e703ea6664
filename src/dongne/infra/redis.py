"""Redis in the scaled mode: the shared client, pub/sub subscriptions that survive outages,
job wake-ups between nodes, and rate limits that keep working while Redis is away.

While Redis is down a node stays up: `/ready` reports it (the "redis" and "redis_pubsub"
probes), its own sockets keep being served (emits to them do not go through Redis), rate
limits are counted in the process, and everything reconnects by itself when Redis returns.
Nothing durable lives in Redis: questions, answers, the event log and the jobs are in the
database, so a Redis that restarts empty loses only presence: each node puts its own
sockets and its users' positions back on its next beat (`infra/presence/cluster.py`).
"""

from __future__ import annotations

import asyncio
import contextlib
import secrets
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import structlog
from redis.asyncio import BlockingConnectionPool, Redis
from redis.asyncio.client import PubSub
from redis.asyncio.connection import parse_url
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialWithJitterBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from dongne.infra.ratelimit import MemoryRateLimiter, RateLimiter, longest_wait
from dongne.kit.background import stop_task

log = structlog.get_logger("dongne.redis")

# A command rides out a blip of a second or two (reconnecting between tries), then fails.
COMMAND_RETRIES = 6
COMMAND_BACKOFF = ExponentialWithJitterBackoff(cap=0.5, base=0.05)
# A lost subscription is retried this often at first, backing off to the maximum.
RESUBSCRIBE_MIN_S = 0.25
RESUBSCRIBE_MAX_S = 2.0
# While Redis fails, rate limits count in memory and Redis is tried again after this long.
RATE_LIMIT_RETRY_S = 1.0
RATE_LIMIT_TIMEOUT_S = 0.5
WAKE_PUBLISH_TIMEOUT_S = 1.0
# Connections one client opens at most; a command beyond them waits up to POOL_WAIT_S.
POOL_CONNECTIONS = 200
POOL_WAIT_S = 5.0

SOCKETIO_CHANNEL = "dongne-socketio"
JOBS_CHANNEL = "dongne-jobs"


def redis_options() -> dict[str, Any]:
    """Connection options of every Redis client the service opens."""
    return {
        "socket_connect_timeout": 2,
        "socket_keepalive": True,
        "health_check_interval": 10,
        "retry": Retry(COMMAND_BACKOFF, COMMAND_RETRIES),
        "retry_on_error": [RedisConnectionError, RedisTimeoutError, OSError],
    }


def connect_redis(url: str, options: dict[str, Any] | None = None) -> Redis:
    """A client whose commands wait for a free connection when all are in use.

    redis-py's default pool refuses a command once 100 connections are busy, and a
    thousand sockets closing at once (each taking its user out of the presence index) is
    an ordinary moment for a node. The wait is bounded by `POOL_WAIT_S`. `options`:
    connection options instead of `redis_options()`.
    """
    pool = BlockingConnectionPool.from_url(
        url,
        max_connections=POOL_CONNECTIONS,
        timeout=POOL_WAIT_S,
        **(redis_options() if options is None else options),
    )
    return Redis.from_pool(pool)


async def redis_answers(client: Redis, timeout_s: float = 2.0) -> bool:
    try:
        async with asyncio.timeout(timeout_s):
            return bool(await client.ping())
    except Exception:  # noqa: BLE001 - any failure means "not ready"
        return False


def as_text(value: object) -> str:
    """A key, member or message as Redis returns it (bytes, unless the client decodes)."""
    return value.decode() if isinstance(value, bytes) else str(value)


def redis_database(url: str) -> int:
    return int(parse_url(url).get("db") or 0)


def scoped_channel(name: str, url: str) -> str:
    """A pub/sub channel of the database that `url` selects.

    Keys live in one numbered database but pub/sub channels are server-wide: naming the
    channel after the database keeps deployments (or test runs) that share a Redis server
    on different databases from hearing each other.
    """
    return f"{name}:{redis_database(url)}"


@dataclass
class Subscription:
    """Whether a pub/sub listener is subscribed right now (a readiness probe)."""

    channel: str
    listening: bool = False


async def listen_with_retries(
    open_pubsub: Callable[[], PubSub], subscription: Subscription
) -> AsyncIterator[dict[str, Any]]:
    """Yields the messages of `subscription.channel` forever, resubscribing after any failure.

    Messages published while the subscription is down are gone (pub/sub keeps nothing);
    what matters is in the database and reaches clients through their resync.
    """
    delay = RESUBSCRIBE_MIN_S
    while True:
        pubsub = open_pubsub()
        try:
            await pubsub.subscribe(subscription.channel)
            subscription.listening = True
            delay = RESUBSCRIBE_MIN_S
            log.info("redis_subscribed", channel=subscription.channel)
            async for message in pubsub.listen():
                yield message
            log.warning("redis_subscription_ended", channel=subscription.channel)
        except Exception as exc:  # noqa: BLE001 - Redis went away: report, wait, resubscribe
            log.warning("redis_subscription_lost", channel=subscription.channel, error=str(exc))
        finally:
            subscription.listening = False
            with contextlib.suppress(Exception):
                await pubsub.aclose()
        await asyncio.sleep(delay)
        delay = min(delay * 2, RESUBSCRIBE_MAX_S)


class JobWakeups:
    """Wakes the job runner of every node when any node enqueues a job.

    Without it another node notices new work within its idle poll (about a second); with
    it every node's runner looks at once, and `FOR UPDATE SKIP LOCKED` hands each job to
    exactly one of them.
    """

    def __init__(self, redis: Redis, channel: str) -> None:
        self._redis = redis
        self.subscription = Subscription(channel)
        # Tells this node's own wake-ups (it woke itself already) from the others'.
        self._node = secrets.token_hex(8).encode()
        self._dirty = False
        self._publisher: asyncio.Task[None] | None = None
        self._listener: asyncio.Task[None] | None = None

    def notify(self) -> None:
        """Called after a commit that added jobs; publishes in the background, coalesced."""
        self._dirty = True
        if self._publisher is None or self._publisher.done():
            self._publisher = asyncio.ensure_future(self._publish())

    async def _publish(self) -> None:
        while self._dirty:
            self._dirty = False
            try:
                async with asyncio.timeout(WAKE_PUBLISH_TIMEOUT_S):
                    await self._redis.publish(self.subscription.channel, self._node)
            except Exception as exc:  # noqa: BLE001 - best effort: the idle poll covers it
                log.info("job_wakeup_not_sent", error=str(exc))
                return

    def start(self, wake: Callable[[], None]) -> None:
        """Listens for the other nodes' wake-ups and calls `wake` for each."""
        if self._listener is None:
            self._listener = asyncio.create_task(self._listen(wake), name="dongne-job-wakeups")

    async def _listen(self, wake: Callable[[], None]) -> None:
        def open_pubsub() -> PubSub:
            return self._redis.pubsub(ignore_subscribe_messages=True)

        async for message in listen_with_retries(open_pubsub, self.subscription):
            if message.get("type") == "message" and message.get("data") != self._node:
                wake()

    @property
    def listening(self) -> bool:
        """True when not started (nothing to listen for) or subscribed."""
        return self._listener is None or self.subscription.listening

    async def close(self) -> None:
        for task in (self._listener, self._publisher):
            await stop_task(task)
        self._listener = self._publisher = None


LimitCall = Callable[..., Awaitable[float | None]]


class FallbackRateLimiter(RateLimiter):
    """Counts in Redis (limits shared by every node), behind a count in this process.

    The local count comes first: a client over the limit on this node alone is over it on
    all of them, so a flood is refused without a Redis round trip per message (in the
    cluster soak, every refused flood message used to cost one). Only what the local count
    allows is checked against the shared one. While Redis fails, the local count decides:
    a node without Redis still refuses floods from one client, only per node; Redis is tried
    again every `RATE_LIMIT_RETRY_S`, so a dead Redis costs no time per event.
    """

    def __init__(self, shared: RateLimiter, local: RateLimiter | None = None) -> None:
        super().__init__()
        self._local = local or MemoryRateLimiter()
        self._shared = shared
        self._retry_at = 0.0

    async def hit(self, limit: str, *key: str) -> float | None:
        refused_here = await self._local.hit(limit, *key)
        if refused_here is not None:
            return refused_here
        return await self._shared_or_none(self._shared.hit, limit, *key)

    async def peek_tiers(self, each: list[str], *key: str) -> float | None:
        # Refused by a tier here: refused cluster-wide, without asking Redis about the
        # other tiers (the longer shared wait, if any, shows on the client's retry).
        refused_here = await self._local.peek_tiers(each, *key)
        if refused_here is not None:
            return refused_here
        return longest_wait(
            [await self._shared_or_none(self._shared.peek, limit, *key) for limit in each]
        )

    async def peek(self, limit: str, *key: str) -> float | None:
        refused_here = await self._local.peek(limit, *key)
        if refused_here is not None:
            return refused_here
        return await self._shared_or_none(self._shared.peek, limit, *key)

    async def _shared_or_none(self, shared: LimitCall, limit: str, *key: str) -> float | None:
        """The shared answer; None (the local count allowed it) while Redis fails."""
        if time.monotonic() < self._retry_at:
            return None
        try:
            async with asyncio.timeout(RATE_LIMIT_TIMEOUT_S):
                retry = await shared(limit, *key)
        except Exception as exc:  # noqa: BLE001 - any Redis failure: the local count decides
            if self._retry_at == 0.0:
                log.warning("rate_limits_local", reason=str(exc) or type(exc).__name__)
            self._retry_at = time.monotonic() + RATE_LIMIT_RETRY_S
            return None
        if self._retry_at:
            log.info("rate_limits_shared_again")
            self._retry_at = 0.0
        return retry
