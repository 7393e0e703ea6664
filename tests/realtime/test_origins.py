"""Which pages may open a socket: the server's own origin and DONGNE_CORS_ORIGINS only."""

from __future__ import annotations

from pathlib import Path

import httpx

from tests.fixtures.server import RunningServer, migrated_server

HANDSHAKE = "/socket.io/?EIO=4&transport=polling"


async def handshake_status(server: RunningServer, origin: str | None) -> int:
    headers = {"Origin": origin} if origin else {}
    async with httpx.AsyncClient(base_url=server.url) as http:
        return (await http.get(HANDSHAKE, headers=headers)).status_code


async def test_a_page_on_another_site_cannot_open_a_socket(server: RunningServer) -> None:
    assert await handshake_status(server, "https://evil.example") == 400


async def test_the_servers_own_origin_and_apps_without_origin_may(server: RunningServer) -> None:
    assert await handshake_status(server, server.url) == 200
    assert await handshake_status(server, None) == 200


async def test_configured_origins_are_added_to_the_own_one(tmp_path: Path) -> None:
    async with migrated_server("sqlite", tmp_path, cors_origins=["https://app.example"]) as running:
        assert await handshake_status(running, "https://app.example") == 200
        assert await handshake_status(running, running.url) == 200
        assert await handshake_status(running, "https://evil.example") == 400
