"""Password reset by email (issue [16] item 12): the link arrives through the real SMTP
channel, works once within the hour, sets the password and ends the old sessions; asking
never reveals whether an address has an account."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiosmtpd.smtp import SMTP

from dongne.kit.clock import ManualClock, SystemClock
from dongne.models.migrations import upgrade
from tests.fixtures.clients import Api
from tests.fixtures.databases import fresh_database
from tests.fixtures.server import RunningServer, serve, server_settings
from tests.fixtures.standins import Mailbox


@pytest.fixture
async def mailed(
    backend: str, tmp_path: Path
) -> AsyncIterator[tuple[RunningServer, ManualClock, Mailbox]]:
    mailbox = Mailbox()
    smtp = await asyncio.get_running_loop().create_server(
        lambda: SMTP(mailbox, hostname="mx.dongne.test"), "127.0.0.1", 0
    )
    clock = ManualClock(SystemClock().now())
    async with fresh_database(backend, tmp_path) as url:
        await asyncio.to_thread(upgrade, url)
        settings = server_settings(
            tmp_path,
            url,
            run_jobs=False,
            smtp_host="127.0.0.1",
            smtp_port=smtp.sockets[0].getsockname()[1],
        )
        async with serve(settings, clock) as server:
            yield server, clock, mailbox
    smtp.close()


def link_token(mailbox: Mailbox) -> str:
    body = mailbox.messages()[-1].get_content()
    found = re.search(r"/reset\?token=([A-Za-z0-9_-]+)", body)
    assert found, body
    return found.group(1)


async def test_reset_by_email_once_within_the_hour(
    mailed: tuple[RunningServer, ManualClock, Mailbox],
) -> None:
    server, clock, mailbox = mailed
    api = Api(server)
    try:
        person = await api.register("비번잊은여행자")
        asked = await api.http.post("/api/auth/password-reset", json={"email": person.email})
        assert asked.status_code == 202
        assert mailbox.messages()[-1]["To"] == person.email
        token = link_token(mailbox)

        # Nobody learns whether an address has an account, and no mail goes out for it.
        unknown = await api.http.post("/api/auth/password-reset", json={"email": "x@nope.kr"})
        assert unknown.status_code == 202
        assert len(mailbox.messages()) == 1

        confirm = "/api/auth/password-reset/confirm"
        short = await api.http.post(confirm, json={"token": token, "password": "short"})
        assert short.status_code == 422
        done = await api.http.post(confirm, json={"token": token, "password": "new-jeju-pass-1"})
        assert done.status_code == 204, done.text
        login = await api.http.post(
            "/api/auth/login", json={"email": person.email, "password": "new-jeju-pass-1"}
        )
        assert login.status_code == 200
        old = await api.http.post(
            "/api/auth/login", json={"email": person.email, "password": person.password}
        )
        assert old.status_code == 401
        # The old session ended; the link works once.
        refreshed = await api.http.post(
            "/api/auth/refresh", json={"refreshToken": person.refresh_token}
        )
        assert refreshed.status_code == 401
        again = await api.http.post(confirm, json={"token": token, "password": "another-pass-2"})
        assert again.status_code == 422
        assert "만료" in again.json()["error"]["message"]

        # A link older than an hour is refused.
        await api.http.post("/api/auth/password-reset", json={"email": person.email})
        stale = link_token(mailbox)
        clock.advance(3_601)
        late = await api.http.post(confirm, json={"token": stale, "password": "late-pass-3"})
        assert late.status_code == 422
    finally:
        await api.close()
