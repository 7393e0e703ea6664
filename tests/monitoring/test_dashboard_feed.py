"""`metrics-update`: the event rate counts only what happened while an admin watched."""

from __future__ import annotations

import asyncio
from pathlib import Path

from tests.fixtures.clients import Api, connect
from tests.fixtures.server import migrated_server
from tests.monitoring.test_ten_minutes import admin


async def test_the_first_update_has_no_spike_from_unwatched_time(tmp_path: Path) -> None:
    async with migrated_server("sqlite", tmp_path) as server:
        api = Api(server)
        user = await api.register()
        busy = await connect(server, user.access_token)
        try:
            # Events while nobody watches.
            for _ in range(20):
                await busy.call("update_location", {"lat": 33.45, "lng": 126.94})
            _, ops = await admin(server)
            first = await ops.next("metrics-update")
            assert first["eventsPerSecond"] == 0
            for _ in range(5):
                await busy.call("update_location", {"lat": 33.45, "lng": 126.94})
            # Those five show up in the next updates' rates (one or two ticks).
            seen = 0.0
            async with asyncio.timeout(5):
                while seen < 5:
                    seen += (await ops.next("metrics-update"))["eventsPerSecond"]
            assert seen == 5
        finally:
            await busy.close()
            await ops.close()
            await api.close()
