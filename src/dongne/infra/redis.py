"""The shared Redis client of the scaled mode."""

from __future__ import annotations

import asyncio

from redis.asyncio import Redis


def connect_redis(url: str) -> Redis:
    return Redis.from_url(url, socket_connect_timeout=2, health_check_interval=10)


async def redis_answers(client: Redis, timeout_s: float = 2.0) -> bool:
    try:
        async with asyncio.timeout(timeout_s):
            return bool(await client.ping())
    except Exception:  # noqa: BLE001 - any failure means "not ready"
        return False
