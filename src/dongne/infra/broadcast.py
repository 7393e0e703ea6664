"""Telling every node about a change that each keeps in memory (scaled mode): Redis pub/sub.

A node applies its own change at once and publishes it; the others apply it when the
message arrives. Nothing is kept: a node that missed messages (Redis away) rebuilds what
it holds from the database when it starts, and misses only what changed meanwhile.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Awaitable, Callable

import structlog
from redis.asyncio import Redis
from redis.asyncio.client import PubSub

from dongne.infra.redis import Subscription, as_text, listen_with_retries
from dongne.kit.background import stop_task

log = structlog.get_logger("dongne.broadcast")

PUBLISH_TIMEOUT_S = 1.0


class RedisBroadcast:
    def __init__(self, redis: Redis, channel: str) -> None:
        self._redis = redis
        self.subscription = Subscription(channel)
        # Tells this node's own messages (already applied) from the others'.
        self._node = secrets.token_hex(8)
        self._listener: asyncio.Task[None] | None = None

    async def publish(self, message: str) -> None:
        try:
            async with asyncio.timeout(PUBLISH_TIMEOUT_S):
                await self._redis.publish(self.subscription.channel, f"{self._node} {message}")
        except Exception as exc:  # noqa: BLE001 - best effort: other nodes rebuild at start
            log.warning("broadcast_not_sent", channel=self.subscription.channel, error=str(exc))

    def start(self, receive: Callable[[str], Awaitable[None]]) -> None:
        """Calls `receive` with each message another node publishes."""
        if self._listener is None:
            self._listener = asyncio.create_task(self._listen(receive), name="dongne-broadcast")

    async def _listen(self, receive: Callable[[str], Awaitable[None]]) -> None:
        def open_pubsub() -> PubSub:
            return self._redis.pubsub(ignore_subscribe_messages=True)

        async for message in listen_with_retries(open_pubsub, self.subscription):
            if message.get("type") != "message":
                continue
            text = as_text(message.get("data"))
            node, _, body = text.partition(" ")
            if node == self._node:
                continue
            try:
                await receive(body)
            except Exception:
                log.exception("broadcast_receive_failed", channel=self.subscription.channel)

    @property
    def listening(self) -> bool:
        return self._listener is None or self.subscription.listening

    async def close(self) -> None:
        await stop_task(self._listener)
        self._listener = None
