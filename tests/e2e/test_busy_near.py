"""A verified local's home screen says where questions are piling up near them."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("playwright", reason="browser tests need the playwright package")

from playwright.async_api import Page, expect

from dongne.models.migrations import upgrade
from tests.e2e.conftest import NEAR_SEONGSAN, SEONGSAN, Account, make_account
from tests.fixtures.databases import fresh_database
from tests.fixtures.hotspots import ask, watch
from tests.fixtures.server import RunningServer, serve, server_settings

expect.set_options(timeout=10_000)

PEAK = {"lat": SEONGSAN["latitude"], "lng": SEONGSAN["longitude"]}


@pytest.fixture
async def quiet_server(web_build: Path, tmp_path: Path) -> AsyncIterator[RunningServer]:
    """A server of its own, whose hot areas change only when the test runs the watch."""
    async with fresh_database("sqlite", tmp_path) as url:
        await asyncio.to_thread(upgrade, url)
        async with serve(server_settings(tmp_path, url, run_jobs=False)) as running:
            yield running


async def log_in(page: Page, account: Account) -> None:
    await page.goto("/login")
    await page.get_by_label("이메일").fill(account.email)
    await page.get_by_label("비밀번호").fill(account.password)
    await page.get_by_test_id("auth-submit").click()
    await expect(page.get_by_test_id("tab-home")).to_be_visible()


async def test_a_local_near_a_hot_hotspot_sees_it_and_a_traveler_does_not(
    quiet_server: RunningServer, new_phone: Any, artifacts: Any
) -> None:
    server = quiet_server
    for n in range(6):
        await ask(server, PEAK, n)
    assert await watch(server) == 2  # the hotspot and its region

    local = await make_account(server, "성산주민", local=True)
    page = await (await new_phone(server.url, NEAR_SEONGSAN)).new_page()
    await log_in(page, local)
    notice = page.get_by_test_id("busy-near")
    await expect(notice).to_contain_text("지금 성산일출봉 근처에 질문이 많아요")
    await expect(notice).to_contain_text("최근 15분 질문 6개")
    await artifacts(page, "01-local-busy-ko")
    await page.get_by_test_id("lang-menu").select_option("en")
    await expect(notice).to_contain_text("Busy near Seongsan Ilchulbong")

    traveler = await make_account(server, "여행자", local=False)
    other = await (await new_phone(server.url, NEAR_SEONGSAN)).new_page()
    await log_in(other, traveler)
    await expect(other.get_by_test_id("location")).to_contain_text("성산일출봉")
    await expect(other.get_by_test_id("busy-near")).to_be_empty()
