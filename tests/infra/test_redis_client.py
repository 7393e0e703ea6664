"""The shared Redis client under a burst: commands wait for a connection, none is refused."""

from __future__ import annotations

import asyncio
import os
import uuid

import pytest

from dongne.infra.redis import POOL_CONNECTIONS, connect_redis

REDIS_URL = os.environ.get("DONGNE_TEST_REDIS_URL")
needs_redis = pytest.mark.skipif(not REDIS_URL, reason="DONGNE_TEST_REDIS_URL not set")
# redis-py's default pool refuses the 101st command in flight.
BURST = 3 * max(POOL_CONNECTIONS, 100)


@needs_redis
async def test_a_burst_beyond_the_pool_waits_for_connections_and_loses_nothing() -> None:
    # What a node sees when a thousand sockets close at once: each one's presence is
    # removed in a pipeline of its own, all of them concurrently.
    assert REDIS_URL is not None
    client = connect_redis(REDIS_URL)
    key = f"dongne:test:{uuid.uuid4().hex}"

    async def write(n: int) -> None:
        async with client.pipeline(transaction=True) as pipe:
            pipe.hset(key, str(n), "gone")
            pipe.expire(key, 60)
            await pipe.execute()

    try:
        await asyncio.gather(*(write(n) for n in range(BURST)))
        assert await client.hlen(key) == BURST
    finally:
        await client.delete(key)
        await client.aclose()
