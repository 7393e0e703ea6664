"""The drain before a graceful shutdown lets long-polls go until the server stops."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import socketio

from tests.fixtures.clients import Api
from tests.fixtures.server import migrated_server

WITHIN_S = 5.0


async def test_a_poller_let_go_before_the_listener_closes_is_let_go_again(
    tmp_path: Path,
) -> None:
    # Until uvicorn closes its listener the balancer sends a released poller straight back
    # here; a poll it then opened and nobody released would hold the shutdown for a ping
    # interval (a CI run once waited more than 15 s for such a node).
    async with migrated_server("sqlite", tmp_path) as server:
        drain = server.drain
        assert drain is not None
        api = Api(server)
        account = await api.register()
        sio = socketio.AsyncClient(
            reconnection=True, reconnection_delay=0.05, randomization_factor=0
        )
        connects: asyncio.Queue[str] = asyncio.Queue()
        drops: asyncio.Queue[Any] = asyncio.Queue()

        async def connected() -> None:
            connects.put_nowait(sio.get_sid())

        async def dropped(*reason: Any) -> None:
            drops.put_nowait(reason)

        sio.on("connect", connected)
        sio.on("disconnect", dropped)
        try:
            await sio.connect(
                server.url, auth={"token": account.access_token}, transports=["polling"]
            )
            first = await asyncio.wait_for(connects.get(), WITHIN_S)
            drain.begin()

            await asyncio.wait_for(drops.get(), WITHIN_S)
            second = await asyncio.wait_for(connects.get(), WITHIN_S)
            assert second != first
            await asyncio.wait_for(drops.get(), WITHIN_S)
        finally:
            sio.reconnection = False
            await drain.cancel()
            await sio.disconnect()
            await api.close()
