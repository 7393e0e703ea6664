"""A body over the limit gets 413 before it is read, not a JSON error after."""

from __future__ import annotations

import asyncio
from urllib.parse import urlsplit

from tests.fixtures.clients import Api
from tests.fixtures.server import RunningServer

LIMIT = 1_000_000


async def raw_status(server: RunningServer, headers: bytes, *body: bytes) -> bytes:
    """The status code of a hand-written login request (headers, then the body parts)."""
    address = urlsplit(server.url)
    reader, writer = await asyncio.open_connection(address.hostname, address.port)
    writer.write(
        b"POST /api/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        + headers
        + b"\r\n"
    )
    for part in body:
        writer.write(part)
    await writer.drain()
    status_line = await asyncio.wait_for(reader.readline(), timeout=5)
    writer.close()
    return bytes(status_line.split()[1])


async def test_a_declared_oversized_body_is_refused_without_reading_it(
    server: RunningServer,
) -> None:
    # Only the headers are sent: an answer proves the 50 MB body was never waited for.
    assert await raw_status(server, b"Content-Length: 50000000\r\n") == b"413"


async def test_a_chunked_body_is_refused_once_it_passes_the_limit(
    server: RunningServer,
) -> None:
    chunk = b" " * 100_000
    parts = [b"%x\r\n" % len(chunk) + chunk + b"\r\n"] * 11 + [b"0\r\n\r\n"]
    assert await raw_status(server, b"Transfer-Encoding: chunked\r\n", *parts) == b"413"


async def test_a_body_just_under_the_limit_is_read_as_usual(api: Api) -> None:
    body = b'{"email": "a@example.com", "password": "' + b"x" * (LIMIT - 200) + b'"}'
    response = await api.http.post(
        "/api/auth/login", content=body, headers={"content-type": "application/json"}
    )
    assert response.status_code == 422  # read and parsed: the password is too long


async def test_an_oversized_body_is_answered_without_breaking_the_connection(api: Api) -> None:
    """A streaming proxy in front must not see a reset (it would shun the node)."""
    big = b" " * 2_000_000
    response = await api.http.post(
        "/api/auth/login", content=big, headers={"content-type": "application/json"}
    )
    assert response.status_code == 413
    assert (await api.http.get("/health")).status_code == 200
