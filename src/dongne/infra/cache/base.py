"""The cache interface, and typed views of it that domains use.

Two implementations sit behind `Cache`: `memory.MemoryCache` (one process) and
`redis.RedisCache` (shared by every node). Values are JSON documents; `CachedModels`
turns them into pydantic models and back.

Read-through with invalidation has a race: a reader loads the old row, a writer commits
and invalidates, and only then does the reader store what it loaded, which would then be
served until the TTL ends. Every key therefore has a generation that an invalidation
moves on; a lookup hands out the generation it saw, and a store with an older one is
dropped. What is stored was read after the lookup, so it is never older than the last
invalidation before it — provided the load really reads after the lookup: a SQLite read
transaction sees the database as of its first read, so a load must not run in a read
transaction that read anything before the lookup.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Generic, Protocol, TypeVar

from pydantic import BaseModel, ValidationError

from dongne.kit.db import UnitOfWork

# How long a key's generation outlives its invalidation: far longer than any request
# that looked the key up before the invalidation and stores after it.
GENERATION_TTL_S = 3600.0

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True, slots=True)
class Entry:
    """What a lookup found for one key."""

    value: Any | None  # the stored JSON document, None on a miss
    # The key's generation when looked up; None when nothing may be stored (cache away).
    generation: str | None


class Cache(Protocol):
    async def lookup(self, keys: Sequence[str]) -> list[Entry]:
        """One entry per key, in order. Never raises: an unreachable cache is all misses."""
        ...

    async def store(self, values: Mapping[str, tuple[Any, str]], ttl_s: float) -> None:
        """Stores key -> (JSON document, generation from its lookup) for `ttl_s` seconds.

        A key invalidated since its lookup is not stored. Never raises.
        """
        ...

    async def invalidate(self, keys: Sequence[str]) -> None:
        """Drops the keys and moves their generations on. Never raises: an invalidation
        that cannot reach the cache is retried before the cache is used again."""
        ...


class CachedModels(Generic[M]):
    """One kind of cached value (`name`): pydantic models by id, with their TTL."""

    def __init__(self, cache: Cache, name: str, model: type[M], ttl: timedelta) -> None:
        self._cache = cache
        self._name = name
        self._model = model
        self._ttl_s = ttl.total_seconds()

    def key(self, item_id: str) -> str:
        return f"{self._name}:{item_id}"

    async def get(self, item_id: str, load: Callable[[], Awaitable[M]]) -> M:
        """The cached model, or `load()`'s, which is stored for next time."""
        found = await self.get_many([item_id], lambda _missing: _load_one(item_id, load))
        return found[item_id]

    async def get_many(
        self,
        item_ids: Sequence[str],
        load: Callable[[list[str]], Awaitable[Mapping[str, M]]],
    ) -> dict[str, M]:
        """The cached models of these ids; `load(missing ids)` supplies the rest.

        Ids that `load` does not return are left out, and nothing is stored for them.
        """
        ids = list(dict.fromkeys(item_ids))
        if not ids:
            return {}
        entries = await self._cache.lookup([self.key(i) for i in ids])
        found: dict[str, M] = {}
        missing: list[tuple[str, str | None]] = []
        for item_id, entry in zip(ids, entries, strict=True):
            model = self._parse(entry.value)
            if model is None:
                missing.append((item_id, entry.generation))
            else:
                found[item_id] = model
        if missing:
            loaded = await load([item_id for item_id, _ in missing])
            fills = {
                self.key(item_id): (loaded[item_id].model_dump(mode="json"), generation)
                for item_id, generation in missing
                if generation is not None and item_id in loaded
            }
            if fills:
                await self._cache.store(fills, self._ttl_s)
            found.update((item_id, loaded[item_id]) for item_id, _ in missing if item_id in loaded)
        return found

    async def forget(self, *item_ids: str) -> None:
        await self._cache.invalidate([self.key(i) for i in item_ids])

    def forget_after_commit(self, uow: UnitOfWork, *item_ids: str) -> None:
        """Drops the ids once the transaction commits, before its events are sent: whoever
        is told of the change and reads again gets the new state."""

        async def forget() -> None:
            await self.forget(*item_ids)

        uow.after_commit(forget, first=True)

    def _parse(self, value: Any | None) -> M | None:
        if value is None:
            return None
        try:
            return self._model.model_validate(value)
        except ValidationError:
            # Stored by a version of the model that no longer fits (during a deploy): reload.
            return None


async def _load_one(item_id: str, load: Callable[[], Awaitable[M]]) -> dict[str, M]:
    return {item_id: await load()}
