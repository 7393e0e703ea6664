"""Socket.IO handshake authentication with real clients."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest

from dongne.kit.clock import SystemClock
from dongne.kit.tokens import AccessTokens
from tests.fixtures.clients import Api, connect, refused_connection
from tests.fixtures.server import TEST_JWT_SECRET


async def test_valid_token_connects_and_is_tracked_per_user(api: Api) -> None:
    account = await api.register()
    first = await connect(api.server, account.access_token)
    second = await connect(api.server, account.access_token)
    sockets = api.server.runtime.sockets
    assert sockets.sids_of(account.id) == {first.sio.get_sid(), second.sio.get_sid()}
    await first.close()
    await second.close()


@pytest.mark.parametrize(
    "auth",
    [None, {}, {"token": ""}, {"token": "not-a-jwt"}, {"token": 42}, "token-as-string"],
    ids=["no-auth", "empty-auth", "empty-token", "garbage", "number", "string-auth"],
)
async def test_missing_or_bad_token_is_refused(api: Api, auth: object) -> None:
    error = await refused_connection(api.server, auth)
    assert error["message"] == "Authentication failed"
    assert error["data"] == {"code": "unauthenticated"}


async def test_expired_token_is_refused(api: Api) -> None:
    account = await api.register()
    tokens = AccessTokens(TEST_JWT_SECRET, timedelta(minutes=15))
    expired = tokens.issue(account.id, "traveler", SystemClock().now() - timedelta(minutes=16))
    error = await refused_connection(api.server, {"token": expired})
    assert error["message"] == "Authentication failed"


async def test_token_signed_with_another_secret_is_refused(api: Api) -> None:
    account = await api.register()
    forged = AccessTokens("another-secret-" + "y" * 40, timedelta(minutes=15)).issue(
        account.id, "admin", SystemClock().now()
    )
    error = await refused_connection(api.server, {"token": forged})
    assert error["data"] == {"code": "unauthenticated"}


async def test_refresh_token_is_not_an_access_token(api: Api) -> None:
    account = await api.register()
    error = await refused_connection(api.server, {"token": account.refresh_token})
    assert error["message"] == "Authentication failed"


async def test_connection_logs_name_the_user_and_never_the_token(
    api: Api, caplog: pytest.LogCaptureFixture
) -> None:
    account = await api.register()
    with caplog.at_level(logging.INFO, logger="dongne.socket"):
        client = await connect(api.server, account.access_token)
        await client.close()
        await refused_connection(api.server, {"token": "leaky-token-value"})
    events = [r.msg for r in caplog.records if isinstance(r.msg, dict)]
    connected = [e for e in events if e.get("event") == "socket_connected"]
    assert connected
    assert connected[-1]["user_id"] == account.id
    assert any(e.get("event") == "socket_refused" for e in events)
    text = " ".join(str(e) for e in events)
    assert account.access_token not in text
    assert "leaky-token-value" not in text
