"""The service worker: registered at /sw.js, it shows a Web Push message as a notification
that opens the question; the settings screen offers the subscription."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

pytest.importorskip("playwright", reason="browser tests need the playwright package")
from playwright.async_api import expect

from tests.e2e.conftest import SEONGSAN, make_account
from tests.e2e.test_conversation import log_in
from tests.fixtures.server import RunningServer

expect.set_options(timeout=10_000)


async def test_service_worker_shows_a_push_and_links_the_question(
    web_server: RunningServer, new_phone: Any, artifacts: Any
) -> None:
    account = await make_account(web_server, "푸시받는주민", local=True)
    context = await new_phone(web_server.url, SEONGSAN)
    await context.grant_permissions(["geolocation", "notifications"])
    page = await context.new_page()
    await log_in(page, account)
    scope = await page.evaluate("navigator.serviceWorker.ready.then((r) => r.scope)")
    assert scope == f"{web_server.url}/"

    # Deliver a push as the push service would (same JSON the server encrypts and sends).
    cdp = await context.new_cdp_session(page)
    registrations: asyncio.Queue[str] = asyncio.Queue()

    def on_registrations(event: dict[str, Any]) -> None:
        for registration in event["registrations"]:
            if registration["scopeURL"] == f"{web_server.url}/":
                registrations.put_nowait(registration["registrationId"])

    cdp.on("ServiceWorker.workerRegistrationUpdated", on_registrations)
    await cdp.send("ServiceWorker.enable")
    registration_id = await asyncio.wait_for(registrations.get(), 10)
    payload = {
        "title": "🚨 긴급 질문이 도착했어요",
        "body": "성산일출봉 매표소 지금 열려 있나요?",
        "data": {"questionId": "01JQUESTION", "wave": "IMMEDIATE"},
        "urgent": True,
    }
    await cdp.send(
        "ServiceWorker.deliverPushMessage",
        {
            "origin": web_server.url,
            "registrationId": registration_id,
            "data": json.dumps(payload, ensure_ascii=False),
        },
    )
    shown: list[dict[str, Any]] = []
    for _ in range(50):
        shown = await page.evaluate(
            """navigator.serviceWorker.ready
                .then((r) => r.getNotifications())
                .then((list) => list.map((n) => ({title: n.title, body: n.body,
                    data: n.data, requireInteraction: n.requireInteraction})))"""
        )
        if shown:
            break
        await asyncio.sleep(0.1)
    assert shown == [
        {
            "title": payload["title"],
            "body": payload["body"],
            "data": {**payload["data"], "url": "/q/01JQUESTION"},
            "requireInteraction": True,
        }
    ]

    # The settings screen offers Web Push; here the browser has no push service to reach,
    # so the subscription fails politely instead of breaking the page.
    await page.get_by_test_id("tab-settings").click()
    await page.get_by_test_id("enable-push").click()
    await expect(page.get_by_test_id("push-status")).not_to_be_empty()
    await artifacts(page, "01-settings-push")
