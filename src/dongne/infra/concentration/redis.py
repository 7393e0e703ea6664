"""Concentration counts in Redis, shared by every node in scaled mode.

Keys (all under `prefix`):
  conc:online         hash "L|<area>" / "T|<area>" -> online locals / travelers there
  conc:user:<id>      the hash fields a user is counted under now, space-separated
  conc:q:<area>       sorted set question_id -> asked at (epoch s), trimmed to the hour
  conc:hot            set of hot areas
  conc:alerted        set of hot areas whose "locals needed" alert went out this episode

A move is one script: it reads what the user was counted under, takes that back and
adds the new areas, so concurrent moves and disconnects (on any node) never leave a
counter off by one. For Redis Cluster give the prefix a hash tag (e.g. "{dongne}:").
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

import redis.asyncio as aioredis
import structlog
from redis.exceptions import RedisError

from dongne.infra.concentration.base import LONG_WINDOW_S, SHORT_WINDOW_S, AreaCounts, check_areas
from dongne.infra.redis import as_text

# KEYS: online hash, user key. ARGV[1]: the new fields, space-separated ("" = offline).
# Counters that reach zero are deleted so the hash only holds occupied areas.
_PLACE_LUA = """
local old = redis.call('GET', KEYS[2])
if old then
  for field in string.gmatch(old, '%S+') do
    if redis.call('HINCRBY', KEYS[1], field, -1) <= 0 then
      redis.call('HDEL', KEYS[1], field)
    end
  end
end
if ARGV[1] == '' then
  redis.call('DEL', KEYS[2])
  return 0
end
for field in string.gmatch(ARGV[1], '%S+') do
  redis.call('HINCRBY', KEYS[1], field, 1)
end
redis.call('SET', KEYS[2], ARGV[1])
return 1
"""

log = structlog.get_logger("dongne.concentration")

_LOCAL = "L|"
_TRAVELER = "T|"


class RedisConcentrationStore:
    """`ConcentrationStore` on Redis hashes, sets and sorted sets."""

    def __init__(self, redis: aioredis.Redis, prefix: str = "dongne:") -> None:
        self._redis = redis
        self._prefix = f"{prefix}conc:"
        self._online = f"{self._prefix}online"
        self._hot = f"{self._prefix}hot"
        self._alerted = f"{self._prefix}alerted"
        self._place = redis.register_script(_PLACE_LUA)

    def _user_key(self, user_id: str) -> str:
        return f"{self._prefix}user:{user_id}"

    def _questions_key(self, area: str) -> str:
        return f"{self._prefix}q:{area}"

    async def place(self, user_id: str, areas: Collection[str], *, is_local: bool) -> None:
        check_areas(areas)
        role = _LOCAL if is_local else _TRAVELER
        fields = " ".join(sorted(f"{role}{area}" for area in set(areas)))
        await self._place(keys=[self._online, self._user_key(user_id)], args=[fields])

    async def remove(self, user_id: str) -> None:
        await self._place(keys=[self._online, self._user_key(user_id)], args=[""])

    async def record_question(self, question_id: str, areas: Collection[str], at: float) -> None:
        check_areas(areas)
        try:
            async with self._redis.pipeline(transaction=False) as pipe:
                for area in set(areas):
                    key = self._questions_key(area)
                    pipe.zadd(key, {question_id: at})
                    pipe.zremrangebyscore(key, "-inf", at - LONG_WINDOW_S)
                    # A quiet area's set goes away on its own an hour after its last question.
                    pipe.expire(key, LONG_WINDOW_S + 60)
                await pipe.execute()
        except RedisError as exc:
            # The question is already stored: with Redis away it goes uncounted rather
            # than turning its successful creation into an error reply.
            log.warning("concentration_unavailable", operation="record_question", error=repr(exc))

    async def counts(self, areas: Sequence[str], now: float) -> dict[str, AreaCounts]:
        if not areas:
            return {}
        async with self._redis.pipeline(transaction=False) as pipe:
            pipe.hmget(
                self._online, [f"{role}{area}" for area in areas for role in (_LOCAL, _TRAVELER)]
            )
            for area in areas:
                key = self._questions_key(area)
                pipe.zcount(key, f"({now - SHORT_WINDOW_S!r}", "+inf")
                pipe.zcount(key, f"({now - LONG_WINDOW_S!r}", "+inf")
            online, *windows = await pipe.execute()
        return {
            area: AreaCounts(
                online_locals=int(online[2 * i] or 0),
                online_travelers=int(online[2 * i + 1] or 0),
                questions_short=int(windows[2 * i]),
                questions_long=int(windows[2 * i + 1]),
            )
            for i, area in enumerate(areas)
        }

    async def set_hot(self, area: str, hot: bool) -> bool:
        if hot:
            return bool(await self._redis.sadd(self._hot, area))
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.srem(self._hot, area)
            pipe.srem(self._alerted, area)
            removed, _ = await pipe.execute()
        return bool(removed)

    async def hot_areas(self) -> set[str]:
        members = await self._redis.smembers(self._hot)
        return {as_text(m) for m in members}

    async def claim_alert(self, area: str) -> bool:
        return bool(await self._redis.sadd(self._alerted, area))
