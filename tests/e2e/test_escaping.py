"""Issue [7]: what the web client renders is escaped. The server strips HTML from questions
and answers, but keeps characters such as `<`, `&` and `>` that are not markup, and keeps
nicknames as typed: the page must show all of them as text and never build elements."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

pytest.importorskip("playwright", reason="browser tests need the playwright package")

from playwright.async_api import expect

from tests.e2e.conftest import SEONGSAN, Account, make_account
from tests.e2e.test_conversation import log_in
from tests.fixtures.clients import connect
from tests.fixtures.jeju import question_payload
from tests.fixtures.server import RunningServer

expect.set_options(timeout=10_000)

# A nickname that is markup if a page ever assigned it to innerHTML (fits the 20 chars).
MARKUP_NICKNAME = '<b id="pwn">악당</b>'
TITLE = "입장료 1 < 2 & 3 > 2 인가요 <3"
ANSWER = "AT&T 매장은 <없어요> & 내일 가세요 <img src=x onerror=alert(1)>"
STORED_ANSWER = "AT&T 매장은 <없어요> & 내일 가세요"


async def token_of(server: RunningServer, account: Account) -> str:
    async with httpx.AsyncClient(base_url=server.url) as http:
        login = await http.post(
            "/api/auth/login", json={"email": account.email, "password": account.password}
        )
    token: str = login.json()["accessToken"]
    return token


async def test_markup_in_names_and_messages_shows_as_text(
    web_server: RunningServer, new_phone: Any, artifacts: Any
) -> None:
    traveler_account = await make_account(web_server, "제주여행자", local=False)
    local_account = await make_account(web_server, MARKUP_NICKNAME, local=True)
    asker = await connect(web_server, await token_of(web_server, traveler_account))
    local = await connect(web_server, await token_of(web_server, local_account))
    try:
        created = await asker.call(
            "create_question", question_payload(title=TITLE, location=SEONGSAN)
        )
        question_id = created["question"]["id"]
        assert created["question"]["title"] == TITLE
        answered = await local.call("create_answer", {"questionId": question_id, "content": ANSWER})
        # The server stripped the tag and kept the rest as plain text.
        assert answered["answer"]["content"] == STORED_ANSWER

        context = await new_phone(web_server.url, SEONGSAN)
        page = await context.new_page()
        await log_in(page, traveler_account)
        await page.goto(f"/q/{question_id}")
        await expect(page.get_by_test_id("room-title")).to_have_text(TITLE)
        bubble = page.locator('[data-testid="message"][data-kind="answer"]')
        await expect(bubble).to_contain_text(STORED_ANSWER)
        await expect(bubble).to_contain_text(MARKUP_NICKNAME)
        await artifacts(page, "01-markup-as-text")
        # Nothing was parsed: no element from the nickname, no image from the answer.
        assert await page.locator("#pwn").count() == 0
        assert await bubble.locator("b, img").count() == 0
    finally:
        await asker.close()
        await local.close()
