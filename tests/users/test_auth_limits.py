"""Accounts cannot be farmed or guessed: sign-ups per address, failed logins per account
and per address with growing waits, refused with `rate_limited` and `retryAfter`."""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from argon2 import PasswordHasher

from dongne.kit.passwords import Passwords, default_concurrency
from tests.fixtures.clients import PASSWORD, Api
from tests.fixtures.server import migrated_server


@pytest.fixture
async def limited(tmp_path: Path) -> AsyncIterator[Api]:
    async with migrated_server(
        "sqlite",
        tmp_path,
        rate_register="3/minute",
        # Two failures a second, three an hour: the third failure holds for up to an hour.
        rate_login_failures_account="2/second;3/hour",
        rate_login_failures_ip="6/minute",
    ) as running:
        api = Api(running)
        yield api
        await api.close()


def refused_for(response: httpx.Response) -> float:
    assert response.status_code == 429, response.text
    error = response.json()["error"]
    assert error["code"] == "rate_limited"
    assert int(response.headers["retry-after"]) == int(error["retryAfter"])
    return float(error["retryAfter"])


async def login(api: Api, email: str, password: str) -> httpx.Response:
    return await api.http.post("/api/auth/login", json={"email": email, "password": password})


async def test_sign_ups_from_one_address_are_limited(limited: Api) -> None:
    for _ in range(3):
        await limited.register()
    body = {"email": "fourth@example.com", "password": PASSWORD, "nickname": "넷째"}
    wait = refused_for(await limited.http.post("/api/auth/register", json=body))
    assert 0 < wait <= 60


async def test_failed_logins_wait_longer_the_longer_they_go_on(limited: Api) -> None:
    account = await limited.register()
    assert (await login(limited, account.email, "wrong-1")).status_code == 401
    assert (await login(limited, account.email, "wrong-2")).status_code == 401
    # Held: even the right password waits, or guessing could go on.
    assert refused_for(await login(limited, account.email, PASSWORD)) <= 1
    await asyncio.sleep(1.1)  # the `limits` windows run on wall-clock time
    assert (await login(limited, account.email, "wrong-3")).status_code == 401
    assert refused_for(await login(limited, account.email, PASSWORD)) > 60


async def test_another_account_is_not_held_by_one_accounts_failures(limited: Api) -> None:
    target, other = await limited.register(), await limited.register()
    for _ in range(2):
        await login(limited, target.email, "wrong")
    refused_for(await login(limited, target.email, PASSWORD))
    assert (await login(limited, other.email, PASSWORD)).status_code == 200


async def test_failures_across_accounts_from_one_address_are_limited(limited: Api) -> None:
    for n in range(6):
        assert (await login(limited, f"nobody{n}@example.com", "guess")).status_code == 401
    refused_for(await login(limited, "nobody-else@example.com", "guess"))


async def test_hashing_is_bounded_and_keeps_the_loop_free() -> None:
    """A burst of hashes runs a fixed number at a time, off the event loop."""
    passwords = Passwords(memory_kib=16 * 1024, concurrency=2)
    lag = 0.0
    peak = 0

    async def ticker() -> None:
        nonlocal lag, peak
        while True:
            before = time.monotonic()
            peak = max(peak, passwords.busy)
            await asyncio.sleep(0.005)
            lag = max(lag, time.monotonic() - before - 0.005)

    probe = asyncio.create_task(ticker())
    hashes = await asyncio.gather(*(passwords.hash(f"pw-{n}") for n in range(8)))
    probe.cancel()
    await passwords.aclose()
    assert len(set(hashes)) == 8
    assert peak == 2  # the burst did run in parallel, never more than the bound
    assert lag < 0.2


async def test_one_lane_per_hash_and_old_hashes_still_verify() -> None:
    """A hash keeps to one thread (the other cores stay with the event loop); hashes made
    with argon2-cffi's four lanes before still verify."""
    passwords = Passwords(memory_kib=1024, concurrency=default_concurrency())
    try:
        assert ",p=1$" in await passwords.hash("pw")
        four_lanes = PasswordHasher(memory_cost=1024, parallelism=4).hash("old-pw")
        assert await passwords.verify(four_lanes, "old-pw") is True
        assert await passwords.verify(four_lanes, "wrong") is False
    finally:
        await passwords.aclose()


def test_hashes_at_a_time_leave_a_core_to_the_loop() -> None:
    cores = len(os.sched_getaffinity(0))
    assert default_concurrency() >= 1
    if cores > 1:
        assert default_concurrency() < cores
