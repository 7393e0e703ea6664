"""Presence index in Redis GEO, shared by every node in scaled mode.

Keys (all under `prefix`):
  geo:all     GEO set of every online user
  geo:locals  GEO set of online verified locals, so locals-only waves search only them
  geo:seen    sorted set user_id -> last-seen time, because GEO members never expire

For Redis Cluster give the prefix a hash tag (e.g. "{dongne}:") so the three keys share a
slot; the transactions and the prune script need that.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import redis.asyncio as aioredis

from dongne.infra.presence.base import Nearby, check_point, check_query
from dongne.infra.redis import as_text
from dongne.kit.geo import EARTH_RADIUS_M

# Redis computes distances on this sphere; results are rescaled to EARTH_RADIUS_M so the
# two implementations agree (they differ by 0.03 %, i.e. 28 m at 100 km otherwise).
_REDIS_EARTH_RADIUS_M = 6_372_797.560856
_TO_REDIS = _REDIS_EARTH_RADIUS_M / EARTH_RADIUS_M
# Widens the radius sent to Redis so rounding never drops a boundary point; the exact
# cut happens here, on rescaled distances.
_RADIUS_PAD_M = 0.01
_PRUNE_BATCH = 1000

# Atomic, so a user who reconnects while being pruned is either kept whole or dropped whole.
# KEYS: all, locals, seen. ARGV: exclusive cutoff, batch size. Returns how many it dropped.
_PRUNE_LUA = """
local ids = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', '(' .. ARGV[1], 'LIMIT', 0, ARGV[2])
if #ids > 0 then
  redis.call('ZREM', KEYS[1], unpack(ids))
  redis.call('ZREM', KEYS[2], unpack(ids))
  redis.call('ZREM', KEYS[3], unpack(ids))
end
return #ids
"""


class RedisPresenceIndex:
    """`PresenceIndex` on Redis GEO.

    `now` must return seconds that every node agrees on (wall-clock epoch seconds, e.g.
    `lambda: clock.now().timestamp()`): the last-seen set is shared, so per-process
    monotonic clocks would not compare. Positions come back quantised by Redis (~0.6 m).
    """

    def __init__(
        self,
        redis: aioredis.Redis,
        prefix: str = "dongne:",
        *,
        now: Callable[[], float],
    ) -> None:
        self._redis = redis
        self._now = now
        self._all = f"{prefix}geo:all"
        self._locals = f"{prefix}geo:locals"
        self._seen = f"{prefix}geo:seen"
        self._prune = redis.register_script(_PRUNE_LUA)

    @property
    def keys(self) -> tuple[str, str, str]:
        """The Redis keys this index owns (for tests and operators)."""
        return (self._all, self._locals, self._seen)

    async def upsert(self, user_id: str, lat: float, lng: float, *, is_local: bool) -> None:
        check_point(lat, lng)
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.geoadd(self._all, (lng, lat, user_id))
            if is_local:
                pipe.geoadd(self._locals, (lng, lat, user_id))
            else:
                # A user who lost local status must stop showing up in locals-only waves.
                pipe.zrem(self._locals, user_id)
            pipe.zadd(self._seen, {user_id: self._now()})
            await pipe.execute()

    async def remove(self, user_id: str) -> None:
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.zrem(self._all, user_id)
            pipe.zrem(self._locals, user_id)
            pipe.zrem(self._seen, user_id)
            await pipe.execute()

    async def position(self, user_id: str) -> tuple[float, float] | None:
        (found,) = await self._redis.geopos(self._all, user_id)
        if found is None:
            return None
        lng, lat = found
        return (float(lat), float(lng))

    async def positions(self, user_ids: Sequence[str]) -> dict[str, tuple[float, float]]:
        if not user_ids:
            return {}
        found = await self._redis.geopos(self._all, *user_ids)
        return {
            user_id: (float(where[1]), float(where[0]))
            for user_id, where in zip(user_ids, found, strict=True)
            if where is not None
        }

    async def count(self) -> int:
        return int(await self._redis.zcard(self._all))

    async def prune_stale(self, older_than_s: float) -> int:
        cutoff = repr(float(self._now() - older_than_s))
        keys = [self._all, self._locals, self._seen]
        dropped = 0
        # Batches keep each script short so Redis is never blocked for long.
        while True:
            n = int(await self._prune(keys=keys, args=[cutoff, _PRUNE_BATCH]))
            dropped += n
            if n < _PRUNE_BATCH:
                return dropped

    async def nearest(
        self,
        lat: float,
        lng: float,
        radius_m: float,
        *,
        limit: int | None,
        locals_only: bool,
    ) -> list[Nearby]:
        check_point(lat, lng)
        check_query(radius_m, limit)
        if limit == 0:
            return []
        key = self._locals if locals_only else self._all
        # One past the limit shows whether a tie straddles the cut; Redis breaks ties
        # arbitrarily, so while it does, fetch more and break them by user_id here.
        count = None if limit is None else limit + 1
        while True:
            rows = await self._redis.geosearch(
                key,
                longitude=lng,
                latitude=lat,
                radius=radius_m * _TO_REDIS + _RADIUS_PAD_M,
                unit="m",
                sort="ASC",
                count=count,
                withdist=True,
            )
            hits = _parse(rows)
            if limit is None or count is None or len(hits) < count:
                break
            if hits[-1][0] > hits[limit - 1][0]:
                break
            count *= 2
        found = [(d / _TO_REDIS, user_id) for d, user_id in hits]
        found = [hit for hit in found if hit[0] <= radius_m]
        found.sort()
        if limit is not None:
            del found[limit:]
        return [Nearby(user_id, distance) for distance, user_id in found]


def _parse(rows: Sequence[object]) -> list[tuple[float, str]]:
    hits: list[tuple[float, str]] = []
    for row in rows:
        if not isinstance(row, list | tuple) or len(row) < 2:
            raise TypeError(f"unexpected GEOSEARCH row: {row!r}")
        hits.append((float(row[1]), as_text(row[0])))
    return hits
