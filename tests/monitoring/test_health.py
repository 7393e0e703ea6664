"""Liveness and readiness, including a database that stops and comes back."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest
from sqlalchemy.engine import make_url

from dongne.models.migrations import upgrade
from tests.fixtures.databases import fresh_database, postgres_base_url
from tests.fixtures.server import RunningServer, serve, server_settings
from tests.fixtures.tcp_proxy import TcpProxy


async def _get(server: RunningServer, path: str) -> httpx.Response:
    async with httpx.AsyncClient(base_url=server.url, timeout=10) as http:
        return await http.get(path)


async def test_health_and_ready(server: RunningServer) -> None:
    health = await _get(server, "/health")
    assert health.status_code == 200
    assert health.json() == {"status": "ok"}
    ready = await _get(server, "/ready")
    assert ready.status_code == 200
    assert ready.json() == {"status": "ready", "checks": {"database": "ok"}}


async def test_ready_follows_a_sqlite_database_that_is_missing_then_created(tmp_path: Path) -> None:
    folder = tmp_path / "not-yet"
    url = f"sqlite+aiosqlite:///{folder / 'dongne.db'}"
    async with serve(server_settings(tmp_path, url)) as running:
        assert (await _get(running, "/health")).status_code == 200
        down = await _get(running, "/ready")
        assert down.status_code == 503
        assert down.json()["checks"]["database"] == "unavailable"
        folder.mkdir()
        await asyncio.to_thread(upgrade, url)
        assert (await _get(running, "/ready")).status_code == 200


@pytest.mark.skipif(postgres_base_url() is None, reason="DONGNE_TEST_POSTGRES_URL is not set")
async def test_ready_follows_a_postgres_server_that_stops_and_returns(tmp_path: Path) -> None:
    async with fresh_database("postgres", tmp_path) as url:
        await asyncio.to_thread(upgrade, url)
        target = make_url(url)
        proxy = TcpProxy(target.host or "127.0.0.1", target.port or 5432)
        await proxy.start()
        proxied = target.set(host="127.0.0.1", port=proxy.port).render_as_string(
            hide_password=False
        )
        async with serve(server_settings(tmp_path, proxied)) as running:
            assert (await _get(running, "/ready")).status_code == 200
            await proxy.stop()
            down = await _get(running, "/ready")
            assert down.status_code == 503
            assert down.json()["checks"]["database"] == "unavailable"
            assert (await _get(running, "/health")).status_code == 200
            await proxy.start()
            assert (await _get(running, "/ready")).status_code == 200
        await proxy.stop()
