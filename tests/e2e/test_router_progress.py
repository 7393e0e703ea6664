"""Issue [13] in a 360 px Chromium, in Korean and English: the asker's room shows how the
router is bringing their question to locals (`question_progress`), a verified local taps
"답변할게요" / "I'm answering" and the asker sees that local's nickname live, then the
answer ends the routing and the panel says so."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("playwright", reason="browser tests need the playwright package")

from playwright.async_api import Page, expect

from dongne.models.migrations import upgrade
from tests.e2e.conftest import NEAR_SEONGSAN, SEONGSAN, Account, make_account
from tests.e2e.test_conversation import assert_fits_phone, wait_located, wait_online
from tests.fixtures.databases import fresh_database
from tests.fixtures.server import RunningServer, serve, server_settings

expect.set_options(timeout=10_000)


@dataclass(frozen=True)
class Language:
    """A UI language and the texts of web/src/i18n.ts the test reads in it."""

    locale: str  # the browser's, which picks the UI language (as test_languages_and_access)
    lang: str
    local_nickname: str
    title: str
    content: str
    answer: str
    asked: str  # progressAsked, one local
    asked_seen: str  # progressAskedSeen, one local who saw it
    widening: str  # progressWidening
    claimed: str  # progressClaimed, {name} filled in
    claim_button: str  # claimButton
    claim_done: str  # the start of claimDone


LANGUAGES = [
    Language(
        locale="ko-KR",
        lang="ko",
        local_nickname="성산토박이",
        title="성산일출봉 매표소 지금 열려 있나요?",
        content="30분 뒤에 아이 둘이랑 도착해요.",
        answer="17시까지 열어요. 줄도 짧아요.",
        asked="현지인 1명에게 물었어요",
        asked_seen="현지인 1명에게 물었어요 · 1명이 봤어요",
        widening="반경을 넓혀 더 많은 현지인에게 묻는 중…",
        claimed="성산토박이님이 답변하겠다고 했어요",
        claim_button="답변할게요",
        claim_done="답변하겠다고 알렸어요.",
    ),
    Language(
        locale="en-US",
        lang="en",
        local_nickname="SeongsanLocal",
        title="Is the Seongsan Ilchulbong ticket office open now?",
        content="Arriving in 30 minutes with two kids.",
        answer="Open until 17:00, the line is short.",
        asked="Asked 1 local",
        asked_seen="Asked 1 local · 1 has seen it",
        widening="Widening the radius to ask more locals…",
        claimed="SeongsanLocal said they will answer",
        claim_button="I'm answering",
        claim_done="You said you'll answer.",
    ),
]


@pytest.fixture
async def router_server(web_build: Path, tmp_path: Path) -> AsyncIterator[RunningServer]:
    """A server of its own (so the only local near Seongsan is this test's), with the
    router (the default) and its job runner on: round 1 is a job due at once on ask."""
    async with fresh_database("sqlite", tmp_path) as url:
        await asyncio.to_thread(upgrade, url)
        settings = server_settings(tmp_path, url, routing="router", run_jobs=True)
        async with serve(settings) as running:
            yield running


async def log_in(page: Page, account: Account) -> None:
    """By the fields' names, whatever the UI language."""
    await page.goto("/login")
    await page.locator("input[name=email]").fill(account.email)
    await page.locator("input[name=password]").fill(account.password)
    await page.get_by_test_id("auth-submit").click()
    await expect(page.get_by_test_id("tab-home")).to_be_visible()


@pytest.mark.parametrize("language", LANGUAGES, ids=[row.lang for row in LANGUAGES])
async def test_the_asker_sees_progress_and_a_locals_claim_live(
    router_server: RunningServer, new_phone: Any, artifacts: Any, language: Language
) -> None:
    server = router_server
    lang = language.lang

    # A verified local, online with a live position about 600 m from Seongsan Ilchulbong.
    local_account = await make_account(server, language.local_nickname, local=True)
    local = await (await new_phone(server.url, NEAR_SEONGSAN, locale=language.locale)).new_page()
    await log_in(local, local_account)
    await expect(local.locator("html")).to_have_attribute("lang", lang)
    await wait_online(local)
    await wait_located(server, local_account.id)

    # A traveler asks at Seongsan from the ask screen.
    traveler_account = await make_account(server, f"traveler-{lang}", local=False)
    asker = await (await new_phone(server.url, SEONGSAN, locale=language.locale)).new_page()
    await log_in(asker, traveler_account)
    await expect(asker.locator("html")).to_have_attribute("lang", lang)
    await wait_online(asker)
    await asker.get_by_test_id("ask-cta").click()
    await asker.locator("input[name=title]").fill(language.title)
    await asker.locator("textarea[name=content]").fill(language.content)
    await expect(asker.get_by_test_id("position-status")).to_contain_text("33.45")
    await asker.get_by_test_id("ask-submit").click()
    await expect(asker.get_by_test_id("room-title")).to_have_text(language.title)

    # Round 1 asked the local: the asker's panel says so, and that the radius widens next.
    panel = asker.get_by_test_id("question-progress")
    lines = panel.locator("p.progress-line")
    await expect(panel).to_be_visible()
    await expect(lines).to_have_text([language.asked, language.widening])
    await assert_fits_phone(asker)
    await artifacts(asker, f"{lang}-01-asker-progress-before-claim")

    # The local gets the question's card, opens it and taps the claim button.
    banner = local.get_by_test_id("banner-question")
    await expect(banner).to_contain_text(language.title)
    await banner.get_by_test_id("banner-open").click()
    await expect(local.get_by_test_id("room-title")).to_have_text(language.title)
    # Joining the room tells the server the local saw it; the asker's panel says so.
    await expect(lines).to_have_text([language.asked_seen, language.widening])
    claim = local.get_by_test_id("claim")
    await expect(claim).to_have_text(language.claim_button)
    await claim.click()
    await expect(local.get_by_test_id("claim-status")).to_contain_text(language.claim_done)
    await expect(claim).to_be_hidden()
    await artifacts(local, f"{lang}-02-local-claimed")

    # Live, without a reload: the asker reads who saw it and that local's nickname. The
    # exact lines: a claim that never reaches the asker leaves the panel as it was.
    await expect(lines).to_have_text([language.asked_seen, language.claimed])
    await expect(panel).to_have_attribute("data-next", "holding")
    await assert_fits_phone(asker)
    await artifacts(asker, f"{lang}-03-asker-progress-after-claim")

    # The local answers: routing ends, the panel keeps who was asked and drops the claim.
    await local.get_by_test_id("answer-input").fill(language.answer)
    await local.get_by_test_id("answer-send").click()
    answer = asker.locator('[data-testid="message"][data-kind="answer"]')
    await expect(answer).to_contain_text(language.answer)
    await expect(panel).to_have_attribute("data-next", "answered")
    await expect(lines).to_have_text([language.asked_seen])
    await expect(panel).not_to_contain_text(re.compile(re.escape(language.local_nickname)))
    await artifacts(asker, f"{lang}-04-asker-progress-answered")
