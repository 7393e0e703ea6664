"""Issue [8] acceptance in real browsers: a traveler asks at Seongsan, a verified local
nearby is alerted, opens it, types, answers; the traveler sees it at once with its read
mark and accepts it; the local's points go up. Screenshots of each step are kept in
tests/e2e/artifacts/."""

from __future__ import annotations

import asyncio
import io
import re
from typing import Any

import httpx
import pytest

pytest.importorskip("playwright", reason="browser tests need the playwright package")

from playwright.async_api import Page, expect

from tests.e2e.conftest import NEAR_SEONGSAN, SEONGSAN, Account, make_account
from tests.fixtures.server import RunningServer

expect.set_options(timeout=10_000)

TITLE = "성산일출봉 매표소 지금 열려 있나요?"
CONTENT = "30분 뒤에 도착하는데 아직 표를 살 수 있을까요?"
ANSWER = "네, 18시까지 열려 있어요. 매표소는 입구 왼쪽이에요."


async def log_in(page: Page, account: Account) -> None:
    await page.goto("/login")
    await page.get_by_label("이메일").fill(account.email)
    await page.get_by_label("비밀번호").fill(account.password)
    await page.get_by_test_id("auth-submit").click()
    await expect(page.get_by_test_id("tab-home")).to_be_visible()


async def wait_online(page: Page) -> None:
    await expect(page.get_by_test_id("conn-state")).to_have_attribute("data-state", "online")


async def wait_located(server: RunningServer, user_id: str) -> None:
    """Until the server holds the user's live position (sent by the page on connect)."""
    for _ in range(100):
        if await server.runtime.presence.position(user_id) is not None:
            return
        await asyncio.sleep(0.1)
    raise AssertionError("the page never sent update_location")


def photo() -> bytes:
    """A small real PNG (the server checks what an upload really is)."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (245, 124, 0)).save(buffer, format="PNG")
    return buffer.getvalue()


async def assert_fits_phone(page: Page) -> None:
    """No horizontal scrolling at 360 px."""
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the page is {width}px wide at a 360px viewport"


async def test_traveler_asks_local_answers_and_is_accepted(
    web_server: RunningServer, new_phone: Any, artifacts: Any
) -> None:
    local_account = await make_account(web_server, "성산토박이", local=True)

    # The local is online near Seongsan before the question is asked.
    local_ctx = await new_phone(web_server.url, NEAR_SEONGSAN)
    # Records vibrations (a headless browser has no motor to drive).
    await local_ctx.add_init_script(
        "window.__vibrations = [];"
        "navigator.vibrate = (pattern) => { window.__vibrations.push(pattern); return true; };"
    )
    local = await local_ctx.new_page()
    await log_in(local, local_account)
    await wait_online(local)
    await expect(local.get_by_test_id("location")).to_contain_text("성산일출봉")
    await wait_located(web_server, local_account.id)
    await expect(local.get_by_test_id("my-points")).to_have_text("0P")
    # Offline here: the map can't load its tiles, so the home screen falls back to the list.
    await expect(local.get_by_test_id("map-unavailable")).to_be_visible()
    await expect(local.get_by_test_id("nearby-list")).to_be_visible()
    await artifacts(local, "00-local-home")

    # The traveler signs up in the browser, with geolocation granted at Seongsan Ilchulbong.
    traveler_ctx = await new_phone(web_server.url, SEONGSAN)
    traveler = await traveler_ctx.new_page()
    await traveler.goto("/")
    # Without an account "/" is the landing page ([16]); its button leads to sign-in.
    await traveler.get_by_test_id("landing-login").click()
    await expect(traveler).to_have_url(re.compile(r"/login$"))
    await expect(traveler.locator("html")).to_have_attribute("lang", "ko")
    await artifacts(traveler, "01-traveler-login")
    await traveler.get_by_role("link", name="처음이신가요? 회원가입").click()
    await traveler.get_by_label("이메일").fill("traveler-e2e@example.com")
    await traveler.get_by_label("비밀번호").fill("jeju-e2e-1234")
    await traveler.get_by_label("닉네임").fill("제주여행자")
    await artifacts(traveler, "02-traveler-signup")
    await traveler.get_by_test_id("auth-submit").click()
    await expect(traveler.get_by_test_id("location")).to_contain_text("성산일출봉")
    await wait_online(traveler)
    await assert_fits_phone(traveler)
    await artifacts(traveler, "03-traveler-home")

    # Ask: title, content, hashtag chips, urgent, the GPS position.
    await traveler.get_by_test_id("ask-cta").click()
    await traveler.get_by_label("제목").fill(TITLE)
    await traveler.get_by_label("내용").fill(CONTENT)
    tags = traveler.get_by_label("해시태그 (최대 5개)")
    await tags.fill("성산")
    await tags.press("Enter")
    await tags.fill("#일출봉")
    await tags.press("Enter")
    await expect(traveler.locator(".chip")).to_have_count(2)
    await traveler.get_by_text("긴급 질문", exact=True).click()
    await expect(traveler.get_by_test_id("urgent")).to_be_checked()
    await expect(traveler.get_by_test_id("pos-gps")).to_be_checked()
    await expect(traveler.get_by_test_id("position-status")).to_contain_text("33.45808")
    await traveler.get_by_label("사진 선택").set_input_files(
        files=[{"name": "ticket-office.png", "mimeType": "image/png", "buffer": photo()}]
    )
    await expect(traveler.locator(".thumbs img")).to_have_count(1)
    await assert_fits_phone(traveler)
    await artifacts(traveler, "04-traveler-ask")
    await traveler.get_by_test_id("ask-submit").click()
    await expect(traveler.get_by_test_id("room-title")).to_have_text(TITLE)
    question_id = traveler.url.rsplit("/", 1)[-1]
    await expect(traveler.get_by_test_id("message")).to_have_count(1)
    await artifacts(traveler, "05-traveler-room")

    # The local hears of it: a banner with the distance; opening it enters the room.
    banner = local.get_by_test_id("banner-question")
    await expect(banner).to_be_visible()
    await expect(banner).to_contain_text(TITLE)
    await expect(banner).to_contain_text("긴급 질문")
    await expect(banner.get_by_test_id("banner-meta")).to_contain_text(
        re.compile(r"\d+(\.\d)?k?m 거리")
    )
    await assert_fits_phone(local)
    await artifacts(local, "06-local-banner")
    await banner.get_by_test_id("banner-open").click()
    await expect(local).to_have_url(re.compile(f"/q/{question_id}$"))
    await expect(local.get_by_test_id("room-title")).to_have_text(TITLE)
    photo_in_room = local.locator(f'[data-message-id="{question_id}"] .msg-images img')
    await expect(photo_in_room).to_have_count(1)
    await local.wait_for_function(
        "(img) => img.complete && img.naturalWidth === 64", arg=await photo_in_room.element_handle()
    )

    # Opening the room reads the question: the traveler's question shows "read".
    question_mark = traveler.locator(f'[data-message-id="{question_id}"] [data-testid="read-mark"]')
    await expect(question_mark).to_have_attribute("data-status", "read")

    # The local types: the traveler sees it.
    await local.get_by_test_id("answer-input").press_sequentially(ANSWER[:10], delay=30)
    await expect(traveler.get_by_test_id("typing")).to_contain_text("성산토박이님이 입력 중…")
    await artifacts(traveler, "07-traveler-sees-typing")
    await local.get_by_test_id("answer-input").press_sequentially(ANSWER[10:], delay=5)
    await artifacts(local, "08-local-typing")
    await local.get_by_test_id("answer-send").click()

    # The traveler sees the answer at once, and the typing line clears.
    answer_bubble = traveler.locator('[data-testid="message"][data-kind="answer"]')
    await expect(answer_bubble).to_have_count(1, timeout=3_000)
    await expect(answer_bubble).to_contain_text(ANSWER)
    await expect(answer_bubble).to_contain_text("인증 현지인")
    await expect(traveler.get_by_test_id("typing")).to_have_text("")
    # The traveler read it: the local's answer is marked read, with no unread count left.
    local_mark = local.locator('[data-kind="answer"] [data-testid="read-mark"]')
    await expect(local_mark).to_have_attribute("data-status", "read")
    await expect(local_mark).to_have_text("읽음")
    await expect(question_mark).to_have_text("읽음")
    await assert_fits_phone(traveler)
    await artifacts(traveler, "09-traveler-sees-answer")
    await artifacts(local, "10-local-answer-read")

    # The traveler accepts it; the local's points go up.
    await answer_bubble.get_by_test_id("accept").click()
    badge = answer_bubble.get_by_test_id("accepted-badge")
    await expect(badge).to_contain_text("채택됨")
    await expect(badge).to_contain_text("+15P")
    await expect(traveler.get_by_test_id("accept")).to_have_count(0)
    await artifacts(traveler, "11-traveler-accepted")

    await expect(
        local.locator('[data-kind="answer"] [data-testid="accepted-badge"]')
    ).to_be_visible()
    await expect(local.get_by_test_id("banner-info")).to_contain_text("답변이 채택되었어요! +15P")
    await expect(local.get_by_test_id("my-points")).to_have_text("15P")
    await expect(local.get_by_test_id("room-notice")).to_have_text("채택이 끝난 질문이에요.")
    await artifacts(local, "12-local-points-up")

    # The profile and the notification history say the same.
    await local.get_by_test_id("tab-profile").click()
    await expect(local.get_by_test_id("profile-points")).to_have_text("15P")
    await local.get_by_test_id("tab-notifications").click()
    await expect(local.get_by_test_id("notification-item").first).to_contain_text("채택")
    await artifacts(local, "13-local-notifications")

    async with web_server.runtime.db.transaction(readonly=True) as uow:
        assert (await web_server.runtime.users.get(uow, local_account.id)).points == 15


async def test_english_toggle_and_settings(
    web_server: RunningServer, new_phone: Any, artifacts: Any
) -> None:
    account = await make_account(web_server, "설정러", local=True)
    page = await (await new_phone(web_server.url, SEONGSAN)).new_page()
    await log_in(page, account)
    await page.get_by_test_id("tab-settings").click()
    await page.get_by_test_id("set-radius").select_option("2000")
    await page.get_by_test_id("set-quiet").check()
    await page.get_by_test_id("settings-save").click()
    await expect(page.get_by_test_id("settings-status")).to_have_text("저장했어요.")
    await assert_fits_phone(page)
    await artifacts(page, "01-settings-ko")
    token = await page.evaluate("JSON.parse(localStorage.getItem('dongne.session')).accessToken")
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=web_server.url) as http:
        saved = (await http.get("/api/me/settings", headers=headers)).json()
    assert saved["radiusMeters"] == 2000
    assert saved["quietHours"] == {"start": "22:00", "end": "07:00"}

    await page.get_by_test_id("lang-menu").select_option("en")
    await expect(page.locator("html")).to_have_attribute("lang", "en")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Settings")
    await expect(page.get_by_test_id("tab-home")).to_contain_text("Home")
    await assert_fits_phone(page)
    await artifacts(page, "02-settings-en")
    await page.reload()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Settings")
    await page.get_by_test_id("lang-menu").select_option("ko")
    await expect(page.get_by_role("heading", level=1)).to_have_text("설정")
