"""Issue [16] in a 360 px Chromium: the asker deletes their question from its room (after a
confirm), and both their page and a local's open room turn into "삭제된 질문이에요"."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

pytest.importorskip("playwright", reason="browser tests need the playwright package")
from playwright.async_api import Dialog, expect

from tests.e2e.conftest import NEAR_SEONGSAN, SEONGSAN, make_account
from tests.e2e.test_conversation import assert_fits_phone, log_in, wait_online
from tests.e2e.test_journey import ask_as
from tests.fixtures.server import RunningServer

expect.set_options(timeout=10_000)
TITLE = "표선 해변 샤워장 지금 열었어요?"


async def test_the_asker_deletes_and_every_open_room_says_so(
    web_server: RunningServer, new_phone: Any, artifacts: Any
) -> None:
    traveler_account = await make_account(web_server, "지우는여행자", local=False)
    local_account = await make_account(web_server, "보던주민", local=True)
    question_id = await ask_as(web_server, traveler_account, TITLE, "수건 챙겨 가야 하나요?")
    traveler = await (await new_phone(web_server.url, SEONGSAN)).new_page()
    local = await (await new_phone(web_server.url, NEAR_SEONGSAN)).new_page()
    await log_in(traveler, traveler_account)
    await traveler.goto(f"/q/{question_id}")
    await expect(traveler.get_by_test_id("room-title")).to_have_text(TITLE)
    await wait_online(traveler)
    await log_in(local, local_account)
    await local.goto(f"/q/{question_id}")
    await expect(local.get_by_test_id("room-title")).to_have_text(TITLE)
    await wait_online(local)
    # Only the asker has the button.
    await expect(local.get_by_test_id("delete-question")).to_be_hidden()
    delete = traveler.get_by_test_id("delete-question")
    await expect(delete).to_have_text("삭제")
    await assert_fits_phone(traveler)
    await artifacts(traveler, "01-room-with-delete")

    # Cancelling the confirm keeps the question.
    asked: asyncio.Queue[str] = asyncio.Queue()

    async def answer(dialog: Dialog, accept: bool) -> None:
        await asked.put(dialog.message)
        await (dialog.accept() if accept else dialog.dismiss())

    traveler.once("dialog", lambda dialog: answer(dialog, False))
    await delete.click()
    assert (await asyncio.wait_for(asked.get(), 10)).startswith("질문을 삭제할까요?")
    await expect(traveler.get_by_test_id("room-title")).to_have_text(TITLE)

    traveler.once("dialog", lambda dialog: answer(dialog, True))
    await delete.click()
    await expect(traveler.get_by_test_id("question-deleted")).to_be_visible()
    await expect(traveler.get_by_role("heading", level=1)).to_have_text("삭제된 질문이에요")
    await assert_fits_phone(traveler)
    await artifacts(traveler, "02-deleted-for-the-asker")
    # The local's room, open all along, heard question_deleted.
    await expect(local.get_by_test_id("question-deleted")).to_be_visible()
    await expect(local.get_by_role("heading", level=1)).to_have_text("삭제된 질문이에요")
    await assert_fits_phone(local)
    await artifacts(local, "03-deleted-in-an-open-room")
    # Opened again later (a shared link): the same page, from the 410.
    await local.goto(f"/q/{question_id}")
    await expect(local.get_by_test_id("question-deleted")).to_be_visible()
