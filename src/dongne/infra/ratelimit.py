"""Rate limits with the `limits` library: memory storage in one process, Redis when scaled."""

from __future__ import annotations

import math
import time

from limits import RateLimitItem, parse
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter


class RateLimiter:
    def __init__(self, storage: Storage) -> None:
        self._limiter = MovingWindowRateLimiter(storage)
        self._parsed: dict[str, RateLimitItem] = {}

    def _item(self, limit: str) -> RateLimitItem:
        item = self._parsed.get(limit)
        if item is None:
            item = self._parsed[limit] = parse(limit)
        return item

    async def hit(self, limit: str, *key: str) -> float | None:
        """Counts one hit; None when allowed, else the seconds until one is allowed again."""
        item = self._item(limit)
        if await self._limiter.hit(item, *key):
            return None
        return await self._retry_after(item, *key)

    async def peek(self, limit: str, *key: str) -> float | None:
        """Like `hit` without counting: for limits on failures, checked before trying."""
        item = self._item(limit)
        if await self._limiter.test(item, *key):
            return None
        return await self._retry_after(item, *key)

    async def _retry_after(self, item: RateLimitItem, *key: str) -> float:
        stats = await self._limiter.get_window_stats(item, *key)
        # `limits` stamps its windows with wall-clock time itself; the answer must match it.
        return max(1.0, math.ceil(stats.reset_time - time.time()))


def memory_rate_limiter() -> RateLimiter:
    return RateLimiter(MemoryStorage())


def redis_rate_limiter(redis_url: str) -> RateLimiter:
    return RateLimiter(
        RedisStorage(
            redis_url.replace("redis://", "async+redis://", 1),
            implementation="redispy",
            key_prefix="dongne-limits",
        )
    )
