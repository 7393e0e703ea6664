"""[17] in a real browser on a 360 px phone: while a traveler near Hyeopjae types a question
asked before in other words, the earlier answer appears under the form; "이 답변으로
해결됐어요" records a deflection. Screenshots in tests/e2e/artifacts/."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

pytest.importorskip("playwright", reason="browser tests need the playwright package")

from playwright.async_api import Page, expect

from dongne.questions.schemas import CreateAnswer, CreateQuestion
from tests.e2e.conftest import make_account
from tests.e2e.test_conversation import assert_fits_phone, log_in, wait_online
from tests.fixtures.server import RunningServer

HYEOPJAE = {"latitude": 33.3940, "longitude": 126.2397}
NEAR_HYEOPJAE = {"latitude": 33.3915, "longitude": 126.2445}  # the village, ~500 m
ASKED_BEFORE = "협재해수욕장 주차장 있나요?"
ANSWERED = "해변 바로 앞에 공영주차장 있어요. 무료예요."


async def answered_before(server: RunningServer) -> str:
    runtime = server.runtime
    await runtime.similar.ready()  # built at start-up outside tests
    asker = await make_account(server, "먼저온여행자", local=False)
    local = await make_account(server, "협재주민", local=True)
    async with runtime.db.transaction() as uow:
        question = await runtime.questions.ask(
            uow,
            asker.id,
            CreateQuestion.model_validate(
                {
                    "title": ASKED_BEFORE,
                    "content": "아이랑 가는데 차 댈 곳이 걱정이에요.",
                    "location": {"lat": HYEOPJAE["latitude"], "lng": HYEOPJAE["longitude"]},
                }
            ),
        )
    async with runtime.db.transaction() as uow:
        await runtime.questions.answer(
            uow, local.id, CreateAnswer(question_id=question.id, content=ANSWERED)
        )
    return question.id


async def open_ask_form(server: RunningServer, new_phone: Any, nickname: str) -> Page:
    """A traveler's phone near Hyeopjae, logged in, on the ask form with its GPS position."""
    account = await make_account(server, nickname, local=False)
    context = await new_phone(server.url, NEAR_HYEOPJAE)
    page: Page = await context.new_page()
    await log_in(page, account)
    await wait_online(page)
    await page.get_by_test_id("ask-cta").click()
    await expect(page.get_by_test_id("pos-gps")).to_be_checked()
    await expect(page.get_by_test_id("position-status")).not_to_be_empty()
    return page


async def test_suggestions_appear_while_typing_on_a_phone(
    web_server: RunningServer, new_phone: Any, artifacts: Any
) -> None:
    await answered_before(web_server)
    page = await open_ask_form(web_server, new_phone, "두번째여행자")

    await page.get_by_label("제목").press_sequentially("협재 해변에 차 세울 데 있어요?", delay=20)
    panel = page.get_by_test_id("similar-panel")
    # The first query of a process loads Kiwi (a few seconds on a busy machine).
    await expect(panel).to_be_visible(timeout=60_000)
    await expect(panel).to_contain_text("비슷한 질문에 이미 답변이 있어요")
    item = panel.get_by_test_id("similar-item").first
    await expect(item).to_contain_text(ASKED_BEFORE)
    await expect(item).to_contain_text(ANSWERED)
    await expect(item).to_contain_text("답변")  # its age, e.g. "방금 답변"
    await expect(panel.get_by_test_id("similar-ask-anyway")).to_be_visible()
    await item.scroll_into_view_if_needed()
    await assert_fits_phone(page)
    await artifacts(page, "01-suggestions-while-typing")

    since = web_server.runtime.clock.now() - timedelta(minutes=5)
    await item.get_by_test_id("similar-solved").click()
    await expect(panel).to_contain_text("아무에게도 알리지 않았어요")
    await artifacts(page, "02-solved-by-an-earlier-answer")
    async with web_server.runtime.db.transaction(readonly=True) as uow:
        figures = await web_server.runtime.similar.figures(uow, since)
    assert figures.deflections >= 1


async def test_the_room_offers_the_earlier_answer_and_taking_it_solves_the_question(
    web_server: RunningServer, new_phone: Any, artifacts: Any
) -> None:
    earlier = await answered_before(web_server)
    page = await open_ask_form(web_server, new_phone, "세번째여행자")
    await page.get_by_label("제목").fill("협재 해변 주차 가능해요?")
    await page.get_by_label("내용").fill("렌터카로 가요.")
    await page.get_by_test_id("ask-submit").click()

    suggestion = page.get_by_test_id("room-suggestion")
    await expect(suggestion).to_be_visible(timeout=30_000)
    await expect(suggestion).to_contain_text(ASKED_BEFORE)
    await suggestion.get_by_test_id("room-suggestion-accept").click()
    await expect(suggestion.get_by_test_id("room-suggestion-accept")).to_have_text(
        "해결됨 — 더 이상 알림을 보내지 않아요"
    )
    await assert_fits_phone(page)
    await artifacts(page, "01-room-suggestion-taken")
    question_id = page.url.rstrip("/").rsplit("/", 1)[-1]
    async with web_server.runtime.db.transaction(readonly=True) as uow:
        question = await web_server.runtime.questions.get(uow, question_id)
    assert question.archive_answer_id is not None
    assert question.id != earlier
