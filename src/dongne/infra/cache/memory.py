"""The cache of one process (embedded mode): cachetools, timed by the injected clock."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from cachetools import TLRUCache, TTLCache

from dongne.infra.cache.base import GENERATION_TTL_S, Entry

MAX_ENTRIES = 10_000


def _expires_at(_key: str, item: tuple[Any, float], now: float) -> float:
    return now + item[1]


class MemoryCache:
    """Least recently used entries go first when full; each expires after its own TTL."""

    def __init__(self, now: Callable[[], float], max_entries: int = MAX_ENTRIES) -> None:
        # value: (JSON document, TTL in seconds)
        self._values: TLRUCache[str, tuple[Any, float], float] = TLRUCache(
            max_entries, ttu=_expires_at, timer=now
        )
        self._generations: TTLCache[str, int, float] = TTLCache(
            max_entries * 4, ttl=GENERATION_TTL_S, timer=now
        )

    async def lookup(self, keys: Sequence[str]) -> list[Entry]:
        entries = []
        for key in keys:
            item = self._values.get(key)
            generation = str(self._generations.get(key, 0))
            entries.append(Entry(None if item is None else item[0], generation))
        return entries

    async def store(self, values: Mapping[str, tuple[Any, str]], ttl_s: float) -> None:
        for key, (value, generation) in values.items():
            if str(self._generations.get(key, 0)) == generation:
                self._values[key] = (value, ttl_s)

    async def invalidate(self, keys: Sequence[str]) -> None:
        for key in keys:
            self._values.pop(key, None)
            self._generations[key] = self._generations.get(key, 0) + 1
