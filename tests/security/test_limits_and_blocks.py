"""Rate limits, the IP blocklist, token expiry on sockets, headers (issue [7])."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import socketio

from dongne.config import Settings
from dongne.kit.clock import ManualClock
from dongne.users.schemas import Role
from tests.fixtures.clients import PASSWORD, Api, connect
from tests.fixtures.jeju import question_payload
from tests.fixtures.server import RunningServer, migrated_server


@pytest.fixture
async def strict_server(backend: str, tmp_path: Path) -> AsyncIterator[RunningServer]:
    async with migrated_server(
        backend,
        tmp_path,
        clock=ManualClock(),
        run_jobs=False,
        trusted_proxies=["127.0.0.1/32"],
        rate_connect="3/minute",
        rate_http="8/minute",
        rate_create_question="2/minute",
        cors_origins=["https://app.dongne.example"],
    ) as server:
        yield server


def from_ip(ip: str) -> dict[str, str]:
    return {"X-Forwarded-For": ip}


async def socket_from(server: RunningServer, ip: str, token: str | None) -> Any:
    """Connects as if from `ip` (the test is a trusted proxy); returns the client or the refusal."""
    sio = socketio.AsyncClient(reconnection=False)
    refusals: list[Any] = []

    async def connect_error(data: Any = None) -> None:
        refusals.append(data)

    sio.on("connect_error", connect_error)
    try:
        await sio.connect(
            server.url, auth={"token": token}, headers=from_ip(ip), transports=["websocket"]
        )
    except socketio.exceptions.ConnectionError:
        return refusals[0]
    return sio


async def admin_token(server: RunningServer) -> str:
    runtime = server.runtime
    async with runtime.db.transaction() as uow:
        await runtime.users.create(
            uow, email="root@example.com", password=PASSWORD, nickname="관리자", role=Role.ADMIN
        )
        session = await runtime.users.login(uow, email="root@example.com", password=PASSWORD)
    return session.tokens.access_token


async def test_a_connection_flood_is_refused_while_another_address_connects(
    strict_server: RunningServer,
) -> None:
    api = Api(strict_server)
    account = await api.register()
    await api.close()
    connected = [
        await socket_from(strict_server, "198.51.100.1", account.access_token) for _ in range(3)
    ]
    assert all(isinstance(c, socketio.AsyncClient) for c in connected)
    refused = await socket_from(strict_server, "198.51.100.1", account.access_token)
    assert refused["message"] == "Rate limit exceeded"
    assert refused["data"]["code"] == "rate_limited"
    assert refused["data"]["retryAfter"] >= 1
    other = await socket_from(strict_server, "198.51.100.2", account.access_token)
    assert isinstance(other, socketio.AsyncClient)
    for client in [*connected, other]:
        await client.disconnect()


async def test_event_limits_refuse_with_a_retry_after(strict_server: RunningServer) -> None:
    api = Api(strict_server)
    account = await api.register()
    await api.close()
    client = await connect(strict_server, account.access_token)
    try:
        for _ in range(2):
            assert (await client.call("create_question", question_payload()))["ok"] is True
        limited = await client.call("create_question", question_payload())
        assert limited["error"]["code"] == "rate_limited"
        assert limited["error"]["retryAfter"] >= 1
        assert (await client.next("error"))["code"] == "rate_limited"
        # Other events have their own budget, and the connection stays up.
        assert (await client.call("sync_unread_messages", {}))["ok"] is True
    finally:
        await client.close()


async def test_http_requests_past_the_limit_get_429_with_retry_after(
    strict_server: RunningServer,
) -> None:
    async with httpx.AsyncClient(base_url=strict_server.url) as http:
        statuses = [
            (await http.get("/api/me", headers=from_ip("192.0.2.9"))).status_code for _ in range(9)
        ]
        assert statuses[:8] == [401] * 8
        assert statuses[8] == 429
        limited = await http.get("/api/me", headers=from_ip("192.0.2.9"))
        assert int(limited.headers["retry-after"]) >= 1
        assert limited.json()["error"]["code"] == "rate_limited"
        assert (await http.get("/health", headers=from_ip("192.0.2.9"))).status_code == 200
        assert (await http.get("/api/me", headers=from_ip("192.0.2.10"))).status_code == 401


async def test_untrusted_peers_cannot_choose_their_address(tmp_path: Path, backend: str) -> None:
    async with (
        migrated_server(backend, tmp_path, rate_http="3/minute") as server,
        httpx.AsyncClient(base_url=server.url) as http,
    ):
        statuses = [
            (await http.get("/api/me", headers=from_ip(f"10.0.0.{n}"))).status_code
            for n in range(4)
        ]
    # The loopback peer is not a trusted proxy: every request counts against 127.0.0.1.
    assert statuses == [401, 401, 401, 429]


async def test_blocklist_by_cidr_with_expiry(strict_server: RunningServer) -> None:
    token = await admin_token(strict_server)
    clock = strict_server.runtime.clock
    assert isinstance(clock, ManualClock)
    admin = {"Authorization": f"Bearer {token}", **from_ip("192.0.2.50")}
    async with httpx.AsyncClient(base_url=strict_server.url) as http:
        expires = (clock.now() + timedelta(minutes=10)).isoformat()
        created = await http.post(
            "/api/admin/ip-blocks",
            json={"cidr": "203.0.113.0/24", "reason": "flood", "expiresAt": expires},
            headers=admin,
        )
        assert created.status_code == 201, created.text
        assert created.json()["cidr"] == "203.0.113.0/24"
        blocked = await http.get("/api/me", headers=from_ip("203.0.113.77"))
        assert blocked.status_code == 403
        assert blocked.json()["error"] == {"code": "forbidden", "message": "IP blocked"}
        refusal = await socket_from(strict_server, "203.0.113.77", token)
        assert refusal["message"] == "IP blocked"
        outside = await http.get("/api/me", headers=from_ip("203.0.114.1"))
        assert outside.status_code == 401

        clock.advance(11 * 60)  # past the expiry
        assert (await http.get("/api/me", headers=from_ip("203.0.113.77"))).status_code == 401


async def test_only_admins_manage_the_blocklist(strict_server: RunningServer) -> None:
    api = Api(strict_server)
    user = await api.register()
    response = await api.http.post(
        "/api/admin/ip-blocks",
        json={"cidr": "198.18.0.0/15"},
        headers={**api.auth(user), **from_ip("192.0.2.60")},
    )
    await api.close()
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"


async def test_an_expired_socket_is_told_and_disconnected_unless_it_reauthenticates(
    strict_server: RunningServer,
) -> None:
    clock = strict_server.runtime.clock
    assert isinstance(clock, ManualClock)
    api = Api(strict_server)
    account = await api.register()
    renewer = await api.register()
    await api.close()
    stale = await connect(strict_server, account.access_token)
    fresh = await connect(strict_server, renewer.access_token)
    clock.advance(10 * 60)
    newer = await Api(strict_server).http.post(
        "/api/auth/refresh", json={"refreshToken": renewer.refresh_token}
    )
    renewed = await fresh.call("authenticate", {"token": newer.json()["accessToken"]})
    assert renewed["ok"] is True
    clock.advance(6 * 60)  # the first tokens are now 16 minutes old
    refused = await stale.call("sync_unread_messages", {})
    assert refused["error"]["code"] == "unauthenticated"
    assert (await stale.next("error"))["code"] == "unauthenticated"
    await asyncio.wait_for(stale.sio.wait(), 5)  # returns once the server has disconnected it
    assert stale.sio.connected is False
    assert (await fresh.call("sync_unread_messages", {}))["ok"] is True
    await fresh.close()


async def test_security_headers_and_cors(strict_server: RunningServer) -> None:
    async with httpx.AsyncClient(base_url=strict_server.url) as http:
        response = await http.get("/health", headers={"Origin": "https://app.dongne.example"})
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["x-frame-options"] == "DENY"
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
        assert response.headers["access-control-allow-origin"] == "https://app.dongne.example"
        foreign = await http.get("/health", headers={"Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in foreign.headers


async def test_logout_ends_the_refresh_family(api: Api) -> None:
    account = await api.register()
    out = await api.http.post("/api/auth/logout", json={"refreshToken": account.refresh_token})
    assert out.status_code == 204
    after = await api.http.post("/api/auth/refresh", json={"refreshToken": account.refresh_token})
    assert after.status_code == 401


async def test_a_burst_of_positions_is_cut_after_ten(backend: str, tmp_path: Path) -> None:
    product_limit = Settings.model_fields["rate_update_location"].default
    async with migrated_server(backend, tmp_path, rate_update_location=product_limit) as server:
        api = Api(server)
        account = await api.register()
        await api.close()
        client = await connect(server, account.access_token)
        try:
            here = {"lat": 33.4996, "lng": 126.5312}
            replies = [await client.call("update_location", here) for _ in range(11)]
            assert [reply["ok"] for reply in replies[:10]] == [True] * 10
            refused = replies[10]["error"]
            assert refused["code"] == "rate_limited"
            assert 1 <= refused["retryAfter"] <= 10
            # Only the burst is cut: other events keep their own budget.
            assert (await client.call("sync_unread_messages", {}))["ok"] is True
        finally:
            await client.close()
