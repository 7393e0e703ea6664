"""The drain before a graceful shutdown lets long-polls go until the server stops."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
import socketio

from dongne.app import Drain
from dongne.realtime.server import SocketServer
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


async def test_the_release_loop_ends_even_when_a_release_swallows_the_cancel(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # python-engineio runs a released client's disconnect handlers (and python-socketio's
    # Redis publish after them) under `except CancelledError: pass`. A CI run once hung its
    # shutdown for good when the drain's cancel landed there. The release below does what
    # engineio does, so the cancel always lands in it.
    async with migrated_server("sqlite", tmp_path) as server:
        sio = SocketServer()
        releasing = asyncio.Event()
        swallowing = True

        async def release_swallowing_the_cancel() -> int:
            releasing.set()
            try:
                await asyncio.sleep(WITHIN_S)
            except asyncio.CancelledError:
                if not swallowing:
                    raise
            return 0

        monkeypatch.setattr(sio, "release_polling_clients", release_swallowing_the_cancel)
        drain = Drain(sio, server.runtime)
        drain.begin()
        await asyncio.wait_for(releasing.wait(), WITHIN_S)

        cancelling = asyncio.create_task(drain.cancel())
        try:
            done, _ = await asyncio.wait({cancelling}, timeout=WITHIN_S)
            assert cancelling in done, "the drain still releases polls after its cancel"
        finally:
            # Should it fail: lets the loop end when the test's event loop cancels it.
            swallowing = False
