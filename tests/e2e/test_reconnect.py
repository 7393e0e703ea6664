"""Reconnection in the browser: the traveler's socket is cut while their question's room is
open; an answer posted meanwhile appears after the automatic reconnect, without a reload.
After five failed tries the page shows the offline banner, whose button reconnects, and it
keeps trying on its own every 30–60 s: a minute-long outage recovers without a tap."""

from __future__ import annotations

import asyncio
import re
from typing import Any
from urllib.parse import urlsplit

import pytest

pytest.importorskip("playwright", reason="browser tests need the playwright package")
from playwright.async_api import expect

from tests.e2e.conftest import SEONGSAN, make_account
from tests.e2e.test_conversation import log_in, wait_online
from tests.e2e.test_journey import socket_for
from tests.fixtures.server import RunningServer
from tests.fixtures.tcp_proxy import TcpProxy

expect.set_options(timeout=10_000)


async def open_question(web_server: RunningServer, new_phone: Any) -> tuple[Any, Any, str, Any]:
    """The traveler's page (through a proxy we can cut) in the room of a new question."""
    target = urlsplit(web_server.url)
    proxy = TcpProxy(target.hostname or "127.0.0.1", target.port or 80)
    await proxy.start()
    traveler = await make_account(web_server, "재연결여행자", local=False)
    page = await (await new_phone(f"http://127.0.0.1:{proxy.port}", SEONGSAN)).new_page()
    await log_in(page, traveler)
    await wait_online(page)
    await page.get_by_test_id("ask-cta").click()
    await page.get_by_label("제목").fill("우도 배 지금 뜨나요?")
    await page.get_by_label("내용").fill("바람이 센데 성산항에서 우도 가는 배가 운항하나요?")
    await page.get_by_test_id("ask-submit").click()
    await expect(page.get_by_test_id("room-title")).to_have_text("우도 배 지금 뜨나요?")
    question_id = page.url.rsplit("/", 1)[-1]
    # Marks the document: a reload would lose it.
    await page.evaluate("window.__sameDocument = true")
    return page, proxy, question_id, traveler


async def answerer(web_server: RunningServer) -> Any:
    return await socket_for(web_server, await make_account(web_server, "우도주민", local=True))


async def test_answer_posted_while_disconnected_appears_after_reconnect(
    web_server: RunningServer, new_phone: Any, artifacts: Any
) -> None:
    page, proxy, question_id, _ = await open_question(web_server, new_phone)
    local = await answerer(web_server)
    try:
        await artifacts(page, "01-room-online")
        await proxy.stop()  # the network drops: the socket closes, reconnects are refused
        banner = page.get_by_test_id("conn-banner")
        await expect(banner).to_have_attribute("data-state", "reconnecting")
        await expect(banner).to_contain_text("다시 연결합니다")
        ack = await local.call(
            "create_answer", {"questionId": question_id, "content": "오늘 오후 배는 운항해요."}
        )
        assert ack["ok"], ack
        await artifacts(page, "02-disconnected")
        await expect(page.locator('[data-kind="answer"]')).to_have_count(0)

        await proxy.start()  # the network is back: the next try reconnects
        await wait_online(page)
        answer = page.locator('[data-testid="message"][data-kind="answer"]')
        await expect(answer).to_have_count(1)
        await expect(answer).to_contain_text("오늘 오후 배는 운항해요.")
        await expect(banner).to_be_hidden()
        assert await page.evaluate("window.__sameDocument === true"), "the page was reloaded"
        # The resume point for the next sync is kept across reloads.
        last = await page.evaluate(
            "Object.entries(localStorage).filter(([k]) => k.startsWith('dongne.lastEventId.'))"
        )
        assert last, "no lastEventId in localStorage"
        assert int(last[0][1]) >= 1
        await artifacts(page, "03-reconnected-with-answer")

        # Live again: the next answer arrives without any reconnect.
        await local.call("create_answer", {"questionId": question_id, "content": "표는 현장 구매"})
        await expect(page.locator('[data-kind="answer"]')).to_have_count(2)
    finally:
        await local.close()
        await proxy.stop()


async def test_offline_banner_after_five_tries_and_retry(
    web_server: RunningServer, new_phone: Any, artifacts: Any
) -> None:
    page, proxy, question_id, _ = await open_question(web_server, new_phone)
    local = await answerer(web_server)
    try:
        await proxy.stop()
        banner = page.get_by_test_id("conn-banner")
        await expect(banner).to_contain_text(re.compile(r"\(1/5\)"))
        # 1 + 2 + 4 + 8 + 16 s of tries, then offline with a retry button.
        await expect(banner).to_have_attribute("data-state", "offline", timeout=45_000)
        retry = page.get_by_test_id("conn-retry")
        await expect(retry).to_be_visible()
        await expect(banner).to_contain_text("오프라인이에요")
        await artifacts(page, "01-offline")
        await local.call("create_answer", {"questionId": question_id, "content": "배 떠요!"})

        await proxy.start()
        await retry.click()
        await wait_online(page)
        await expect(page.locator('[data-kind="answer"]')).to_contain_text("배 떠요!")
        assert await page.evaluate("window.__sameDocument === true")
        await artifacts(page, "02-back-online")
    finally:
        await local.close()
        await proxy.stop()


async def test_a_minute_long_outage_recovers_without_a_tap(
    web_server: RunningServer, new_phone: Any, artifacts: Any
) -> None:
    page, proxy, question_id, _ = await open_question(web_server, new_phone)
    local = await answerer(web_server)
    try:
        await proxy.stop()
        outage_started = asyncio.get_running_loop().time()
        banner = page.get_by_test_id("conn-banner")
        await expect(banner).to_have_attribute("data-state", "offline", timeout=45_000)
        # Past the fast round it says it is still trying, and when.
        await expect(page.get_by_test_id("conn-retrying")).to_contain_text("다시 연결 중…")
        await artifacts(page, "01-still-trying")
        await local.call("create_answer", {"questionId": question_id, "content": "이제 떠요!"})
        # The outage lasts a full minute (the network's doing, not an event to wait for).
        await asyncio.sleep(max(0.0, 60 - (asyncio.get_running_loop().time() - outage_started)))
        await proxy.start()
        # No tap, no `online` event: the next slow retry (≤ 60 s) finds the server.
        await expect(page.get_by_test_id("conn-state")).to_have_attribute(
            "data-state", "online", timeout=65_000
        )
        await expect(page.locator('[data-kind="answer"]')).to_contain_text("이제 떠요!")
        assert await page.evaluate("window.__sameDocument === true")
        await artifacts(page, "02-recovered")
    finally:
        await local.close()
        await proxy.stop()
