"""Which users have sockets open on which node, shared through Redis (scaled mode).

Each node keeps a hash `{prefix}sockets:{node}` (user → open sockets) and beats into the
sorted set `{prefix}nodes` (node → last beat, wall-clock seconds) every `beat_s`. A user is
offline when their last socket on *any* live node closes. A node that stops beating for
`dead_after_s` is dead: the first node to remove it from the set (ZREM answers 1 to one
node only) takes its users and reports those not connected anywhere else, so a crashed
node's users drop out within `dead_after_s + beat_s`.

Each beat also compares the node's hash with its own sockets and rewrites the hash when
they differ: Redis may have restarted empty, or missed updates while it was away. When
the beat finds the node gone from the set (Redis lost it, or another node took it for
dead), `on_forgotten` runs too, so that the node puts its users' positions back.
"""

from __future__ import annotations

import asyncio
import contextlib
import secrets
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import structlog
from redis.asyncio import Redis

from dongne.infra.redis import as_text
from dongne.kit.background import stop_task

log = structlog.get_logger("dongne.presence")

BEAT_S = 3.0
DEAD_AFTER_S = 10.0


class ClusterSockets:
    def __init__(
        self,
        redis: Redis,
        *,
        now: Callable[[], float],
        prefix: str = "dongne:",
        beat_s: float = BEAT_S,
        dead_after_s: float = DEAD_AFTER_S,
    ) -> None:
        self._redis = redis
        self._now = now
        self.node = secrets.token_hex(6)
        self._nodes_key = f"{prefix}nodes"
        self._prefix = prefix
        self._beat_s = beat_s
        self._dead_after_s = dead_after_s
        self._task: asyncio.Task[None] | None = None
        self._beaten = False
        # Cluster-wide (sockets, users) as of the last beat; None before the first.
        self.totals: tuple[int, int] | None = None

    def _sockets_key(self, node: str) -> str:
        return f"{self._prefix}sockets:{node}"

    async def connected(self, user_id: str) -> None:
        await self._redis.hincrby(self._sockets_key(self.node), user_id, 1)

    async def disconnected(self, user_id: str) -> None:
        key = self._sockets_key(self.node)
        if await self._redis.hincrby(key, user_id, -1) <= 0:
            await self._redis.hdel(key, user_id)

    async def live_nodes(self) -> list[str]:
        since = self._now() - self._dead_after_s
        nodes = await self._redis.zrangebyscore(self._nodes_key, since, "+inf")
        return [as_text(n) for n in nodes]

    async def online_elsewhere(self, user_id: str) -> bool:
        """Whether another live node has a socket of the user open."""
        for node in await self.live_nodes():
            if node == self.node:
                continue
            count = await self._redis.hget(self._sockets_key(node), user_id)
            if count is not None and int(count) > 0:
                return True
        return False

    async def beat(self, mine: Mapping[str, int]) -> bool:
        """Registers this node, counts the cluster's sockets and makes the node's hash say
        what `mine` (this node's open sockets per user) says. Returns True when Redis
        did not know this node although it had beaten before."""
        added = await self._redis.zadd(self._nodes_key, {self.node: self._now()})
        forgotten = bool(added) and self._beaten
        self._beaten = True
        counts: dict[str, int] = {}
        for node in await self.live_nodes():
            stored = {
                as_text(user): int(count)
                for user, count in (await self._redis.hgetall(self._sockets_key(node))).items()
            }
            if node == self.node and stored != mine:
                await self._rewrite(mine)
                stored = dict(mine)
            for user, count in stored.items():
                if count > 0:
                    counts[user] = counts.get(user, 0) + count
        self.totals = (sum(counts.values()), len(counts))
        return forgotten

    async def _rewrite(self, mine: Mapping[str, int]) -> None:
        key = self._sockets_key(self.node)
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.delete(key)
            if mine:
                fields: dict[Any, int] = dict(mine)
                pipe.hset(key, mapping=fields)
            await pipe.execute()
        log.info("cluster_sockets_rewritten", users=len(mine))

    async def claim_dead(self) -> list[str]:
        """Users of nodes that stopped beating, who have no socket on a live node."""
        before = self._now() - self._dead_after_s
        dead = await self._redis.zrangebyscore(self._nodes_key, "-inf", before)
        gone: set[str] = set()
        for raw in dead:
            node = as_text(raw)
            if not await self._redis.zrem(self._nodes_key, node):
                continue  # another node took it
            key = self._sockets_key(node)
            users = await self._redis.hkeys(key)
            await self._redis.delete(key)
            gone.update(as_text(u) for u in users)
            log.warning("node_presumed_dead", node=node, users=len(users))
        return [u for u in sorted(gone) if not await self._online_anywhere(u)]

    async def _online_anywhere(self, user_id: str) -> bool:
        for node in await self.live_nodes():
            count = await self._redis.hget(self._sockets_key(node), user_id)
            if count is not None and int(count) > 0:
                return True
        return False

    def start(
        self,
        on_gone: Callable[[str], Awaitable[None]],
        *,
        mine: Callable[[], Mapping[str, int]],
        on_forgotten: Callable[[], Awaitable[object]],
    ) -> None:
        self._task = asyncio.create_task(
            self._run(on_gone, mine, on_forgotten), name="dongne-cluster-sockets"
        )

    async def _run(
        self,
        on_gone: Callable[[str], Awaitable[None]],
        mine: Callable[[], Mapping[str, int]],
        on_forgotten: Callable[[], Awaitable[object]],
    ) -> None:
        while True:
            try:
                if await self.beat(mine()):
                    log.warning("cluster_node_forgotten", node=self.node)
                    await on_forgotten()
                for user_id in await self.claim_dead():
                    await on_gone(user_id)
            except Exception as exc:  # noqa: BLE001 - Redis away: try again next beat
                log.warning("cluster_sockets_beat_failed", error=str(exc) or type(exc).__name__)
            await asyncio.sleep(self._beat_s)

    async def stop(self) -> None:
        await stop_task(self._task)
        self._task = None
        with contextlib.suppress(Exception):
            await self._redis.zrem(self._nodes_key, self.node)
            await self._redis.delete(self._sockets_key(self.node))
