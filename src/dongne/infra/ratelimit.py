"""Rate limits: moving windows counted in this process, or in Redis (the `limits`
library) when several nodes share them.

The limits are written as `limits` strings ("30/minute") and parsed by it. In one process
the windows are counted here, not by `limits`' memory storages: after every hit those
sweep every key of the process for expired events, the async one with a thread hop per
key, the other from a timer thread every 10 ms. With a few thousand connected users that
sweep took most of a core while the server was otherwise idle (bench/README.md).
"""

from __future__ import annotations

import math
import time
from abc import ABC, abstractmethod
from bisect import bisect_right
from collections.abc import Callable, Iterable

from limits import RateLimitItem, parse
from limits.aio.storage import RedisStorage
from limits.aio.strategies import MovingWindowRateLimiter

# How often the windows of keys that went quiet are dropped: memory stays bounded by the
# keys active within the longest window, and no hit pays for more than its own key.
IDLE_SWEEP_S = 60.0


def tiers(spec: str) -> list[str]:
    """The limits of a `;`-separated spec ("10/10 seconds;60/minute")."""
    return [part.strip() for part in spec.split(";") if part.strip()]


def longest_wait(waits: Iterable[float | None]) -> float | None:
    """None when every answer allowed, else the longest wait among them."""
    held = [wait for wait in waits if wait is not None]
    return max(held) if held else None


class RateLimiter(ABC):
    """`hit` counts one event and `peek` only looks; both answer None when allowed, else
    the whole seconds until one is allowed again (at least 1)."""

    def __init__(self) -> None:
        self._parsed: dict[str, RateLimitItem] = {}

    def _item(self, limit: str) -> RateLimitItem:
        item = self._parsed.get(limit)
        if item is None:
            item = self._parsed[limit] = parse(limit)
        return item

    @abstractmethod
    async def hit(self, limit: str, *key: str) -> float | None: ...

    async def hit_tiers(self, limits: str, *key: str) -> float | None:
        """One hit against `;`-separated tiers ("10/10 seconds;60/minute": a burst and a
        steady rate): None when every tier allows it, else the longest wait. Like a
        refused `hit`, a refused event counts in no tier."""
        each = tiers(limits)
        if len(each) == 1:
            return await self.hit(each[0], *key)
        held = await self.peek_tiers(each, *key)
        if held is not None:
            return held
        return longest_wait([await self.hit(limit, *key) for limit in each])

    async def peek_tiers(self, each: list[str], *key: str) -> float | None:
        """The longest wait any of the tiers asks for, counting nothing."""
        return longest_wait([await self.peek(limit, *key) for limit in each])

    @abstractmethod
    async def peek(self, limit: str, *key: str) -> float | None:
        """Like `hit` without counting: for limits on failures, checked before trying."""


class MemoryRateLimiter(RateLimiter):
    """Moving windows in this process: each key keeps the times of its events within the
    window, oldest first, and a hit prunes only its own key.

    The times are a list, not a deque: every connected user holds a few of these, and an
    empty deque takes ~600 bytes (one 64-slot block) where a short list takes ~100. A
    window never holds more than its limit's amount, so pruning the front stays cheap."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__()
        self._clock = clock
        # (limit, *key) -> (window length in seconds, event times within it)
        self._windows: dict[tuple[str, ...], tuple[float, list[float]]] = {}
        self._swept_at = clock()

    async def hit(self, limit: str, *key: str) -> float | None:
        return self._count(limit, key, record=True)

    async def peek(self, limit: str, *key: str) -> float | None:
        return self._count(limit, key, record=False)

    def _count(self, limit: str, key: tuple[str, ...], *, record: bool) -> float | None:
        now = self._clock()
        if now - self._swept_at >= IDLE_SWEEP_S:
            self._drop_idle(now)
        item = self._item(limit)
        found = self._windows.get((limit, *key))
        if found is not None:
            length, events = found
            expired = bisect_right(events, now - length)
            if expired:
                del events[:expired]
            if len(events) >= item.amount:
                return max(1.0, math.ceil(events[0] + length - now))
        if record:
            if found is None:
                found = self._windows[(limit, *key)] = (float(item.get_expiry()), [])
            found[1].append(now)
        return None

    def _drop_idle(self, now: float) -> None:
        self._swept_at = now
        idle = [
            k
            for k, (length, events) in self._windows.items()
            if not events or events[-1] <= now - length
        ]
        for k in idle:
            del self._windows[k]


class SharedRateLimiter(RateLimiter):
    """Moving windows in Redis, through `limits`: one count for every node."""

    def __init__(self, redis_url: str) -> None:
        super().__init__()
        storage = RedisStorage(
            redis_url.replace("redis://", "async+redis://", 1),
            implementation="redispy",
            key_prefix="dongne-limits",
        )
        self._limiter = MovingWindowRateLimiter(storage)

    async def hit(self, limit: str, *key: str) -> float | None:
        item = self._item(limit)
        if await self._limiter.hit(item, *key):
            return None
        return await self._retry_after(item, *key)

    async def peek(self, limit: str, *key: str) -> float | None:
        item = self._item(limit)
        if await self._limiter.test(item, *key):
            return None
        return await self._retry_after(item, *key)

    async def _retry_after(self, item: RateLimitItem, *key: str) -> float:
        stats = await self._limiter.get_window_stats(item, *key)
        # `limits` stamps its windows with wall-clock time itself; the answer must match it.
        return max(1.0, math.ceil(stats.reset_time - time.time()))
