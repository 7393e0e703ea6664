"""A cache that tells listeners which keys were invalidated.

Every change of a question (an answer, an acceptance) drops the question's cached page
after its commit; watching those invalidations lets another domain follow the changes
without a hook inside the questions use cases ([17]'s index of answered questions).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any

from dongne.infra.cache.base import Cache, Entry

Listener = Callable[[Sequence[str]], Awaitable[None]]


class ObservedCache:
    def __init__(self, inner: Cache) -> None:
        self._inner = inner
        self._listeners: list[Listener] = []

    def listen(self, listener: Listener) -> None:
        """`listener(keys)` runs after each invalidation (after the commit that caused it)."""
        self._listeners.append(listener)

    async def lookup(self, keys: Sequence[str]) -> list[Entry]:
        return await self._inner.lookup(keys)

    async def store(self, values: Mapping[str, tuple[Any, str]], ttl_s: float) -> None:
        await self._inner.store(values, ttl_s)

    async def invalidate(self, keys: Sequence[str]) -> None:
        await self._inner.invalidate(keys)
        for listener in self._listeners:
            await listener(keys)
