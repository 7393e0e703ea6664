"""A server with short typing and presence timers, so tests wait fractions of a second."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.fixtures.clients import Api
from tests.fixtures.server import RunningServer, migrated_server

AUTO_STOP_S = 0.4
DEBOUNCE_S = 0.4


@pytest.fixture(scope="module")
async def quick_server(
    backend: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[RunningServer]:
    folder = tmp_path_factory.mktemp(f"quick-{backend}")
    async with migrated_server(
        backend,
        folder,
        typing_auto_stop_s=AUTO_STOP_S,
        typing_expire_s=AUTO_STOP_S * 2,
        presence_debounce_s=DEBOUNCE_S,
    ) as server:
        yield server


@pytest.fixture
async def quick_api(quick_server: RunningServer) -> AsyncIterator[Api]:
    client = Api(quick_server)
    yield client
    await client.close()
