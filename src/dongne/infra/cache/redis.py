"""The cache shared by every node (scaled mode): JSON documents (orjson) in Redis.

Keys: `{prefix}v:{key}` holds the document with its TTL, `{prefix}g:{key}` the key's
generation (see base.py). A store compares the generation and writes in one Lua script,
so no invalidation can slip in between.

Redis away is a miss, never an error: each call gives up after `OP_TIMEOUT_S`, and for
`RETRY_S` afterwards Redis is not asked at all, so an outage costs no time per request.
Invalidations that fail are kept and sent before the cache is used again; until then
this node reads nothing from the cache.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import orjson
import structlog
from redis.asyncio import Redis

from dongne.infra.cache.base import GENERATION_TTL_S, Entry
from dongne.infra.redis import as_text

log = structlog.get_logger("dongne.cache")

OP_TIMEOUT_S = 0.5
RETRY_S = 1.0
# Past this many, a node that cannot reach Redis stops remembering single keys and
# clears the whole cache once Redis answers again (a scan: it may take longer).
MAX_PENDING = 10_000
CLEAR_TIMEOUT_S = 10.0

_STORE_IF_CURRENT = """
local generation = redis.call('GET', KEYS[2]) or '0'
if generation == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
end
"""


class RedisCache:
    def __init__(
        self,
        redis: Redis,
        *,
        monotonic: Callable[[], float],
        prefix: str = "dongne:cache:",
        max_pending: int = MAX_PENDING,
    ) -> None:
        self._redis = redis
        self._monotonic = monotonic
        self._prefix = prefix
        self._max_pending = max_pending
        self._store_if_current = redis.register_script(_STORE_IF_CURRENT)
        self._retry_at: float | None = None
        self._pending: set[str] = set()
        self._clear_all = False

    def _value_key(self, key: str) -> str:
        return f"{self._prefix}v:{key}"

    def _generation_key(self, key: str) -> str:
        return f"{self._prefix}g:{key}"

    async def lookup(self, keys: Sequence[str]) -> list[Entry]:
        misses = [Entry(None, None) for _ in keys]
        if not keys or not await self._usable():
            return misses
        names = [self._value_key(k) for k in keys] + [self._generation_key(k) for k in keys]
        try:
            async with asyncio.timeout(OP_TIMEOUT_S):
                found = await self._redis.mget(names)
        except Exception as exc:  # noqa: BLE001 - unreachable cache: a miss
            self._failed("lookup", exc)
            return misses
        values, generations = found[: len(keys)], found[len(keys) :]
        return [
            Entry(_decode(value), as_text(generation or b"0"))
            for value, generation in zip(values, generations, strict=True)
        ]

    async def store(self, values: Mapping[str, tuple[Any, str]], ttl_s: float) -> None:
        if not values or not await self._usable():
            return
        ttl_ms = max(1, round(ttl_s * 1000))
        try:
            async with (
                asyncio.timeout(OP_TIMEOUT_S),
                self._redis.pipeline(transaction=False) as pipe,
            ):
                for key, (value, generation) in values.items():
                    await self._store_if_current(
                        keys=[self._value_key(key), self._generation_key(key)],
                        args=[generation, orjson.dumps(value), ttl_ms],
                        client=pipe,
                    )
                await pipe.execute()
        except Exception as exc:  # noqa: BLE001 - not stored: the next reader loads again
            self._failed("store", exc)

    async def invalidate(self, keys: Sequence[str]) -> None:
        if not keys:
            return
        self._remember(keys)
        await self._usable()

    async def _usable(self) -> bool:
        """Whether Redis may be asked now, with every remembered invalidation sent first."""
        if self._retry_at is not None and self._monotonic() < self._retry_at:
            return False
        if self._pending or self._clear_all:
            try:
                async with asyncio.timeout(CLEAR_TIMEOUT_S if self._clear_all else OP_TIMEOUT_S):
                    await self._send_invalidations()
            except Exception as exc:  # noqa: BLE001 - kept for the next try
                self._failed("invalidate", exc)
                return False
        if self._retry_at is not None:
            log.info("cache_shared_again")
            self._retry_at = None
        return True

    async def _send_invalidations(self) -> None:
        sending, clear_all = set(self._pending), self._clear_all
        keys = sorted(sending)
        if clear_all:
            # Too many missed to name: drop every document (generations stay, moved on).
            names = [name async for name in self._redis.scan_iter(match=f"{self._prefix}v:*")]
            keys = [name.decode().removeprefix(f"{self._prefix}v:") for name in names]
        async with self._redis.pipeline(transaction=True) as pipe:
            for key in keys:
                pipe.incr(self._generation_key(key))
                pipe.pexpire(self._generation_key(key), round(GENERATION_TTL_S * 1000))
                pipe.delete(self._value_key(key))
            await pipe.execute()
        # Keys remembered while this was under way wait for the next send.
        self._pending -= sending
        if clear_all:
            self._clear_all = False

    def _remember(self, keys: Sequence[str]) -> None:
        self._pending.update(keys)
        if len(self._pending) > self._max_pending:
            self._pending.clear()
            self._clear_all = True

    def _failed(self, operation: str, exc: Exception) -> None:
        if self._retry_at is None:
            log.warning("cache_unavailable", operation=operation, error=str(exc) or repr(exc))
        self._retry_at = self._monotonic() + RETRY_S


def _decode(value: bytes | str | None) -> Any | None:
    if value is None:
        return None
    try:
        return orjson.loads(value)
    except orjson.JSONDecodeError:
        return None
