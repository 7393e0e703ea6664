"""Push, email and SMS through local stand-ins that speak the real protocols (issue [5])."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson
import pytest
from aiosmtpd.smtp import SMTP
from sqlalchemy import select

from dongne.kit.clock import ManualClock, SystemClock
from dongne.models import Job, PushSubscription
from dongne.models.migrations import upgrade
from dongne.notifications.policy import Priority, seoul_local_time
from dongne.notifications.service import Message
from tests.escalation.test_waves import SEONGSAN, offset
from tests.fixtures.clients import Api
from tests.fixtures.databases import fresh_database
from tests.fixtures.jeju import question_payload
from tests.fixtures.people import Person, go_online, make_person
from tests.fixtures.server import RunningServer, serve, server_settings
from tests.fixtures.standins import Browser, Gateway, Mailbox, PushService, verify_vapid


@dataclass
class World:
    server: RunningServer
    clock: ManualClock
    push: PushService
    mailbox: Mailbox
    sms: Gateway
    api: Api


@pytest.fixture
async def world(
    backend: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[World]:
    push, sms, mailbox = PushService(), Gateway(), Mailbox()
    await push.start()
    # The server's push client trusts the stand-in's test CA, as a real one trusts real CAs.
    monkeypatch.setenv("SSL_CERT_FILE", str(push.ca_file))
    await sms.start()
    smtp = await asyncio.get_running_loop().create_server(
        lambda: SMTP(mailbox, hostname="mx.dongne.test"), "127.0.0.1", 0
    )
    # Real time as the start: the push stand-in checks the VAPID token's expiry as a real one does.
    clock = ManualClock(SystemClock().now())
    async with fresh_database(backend, tmp_path) as url:
        await asyncio.to_thread(upgrade, url)
        settings = server_settings(
            tmp_path,
            url,
            run_jobs=False,
            smtp_host="127.0.0.1",
            smtp_port=smtp.sockets[0].getsockname()[1],
            sms_gateway_url=sms.url,
            sms_token="gateway-token",
        )
        async with serve(settings, clock) as server:
            api = Api(server)
            yield World(server, clock, push, mailbox, sms, api)
            await api.close()
    smtp.close()
    await push.stop()
    await sms.stop()


async def subscriber(world: World, name: str, **settings: Any) -> tuple[Person, Browser]:
    person = await make_person(world.server, name, settings=settings or None)
    browser = Browser()
    subscription = browser.subscription(world.push.endpoint(name))
    body = {
        "endpoint": subscription.endpoint,
        "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth},
    }
    headers = {"Authorization": f"Bearer {person.token}"}
    response = await world.api.http.post("/api/push/subscriptions", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return person, browser


async def notify(world: World, user_id: str, priority: Priority = Priority.NORMAL) -> None:
    runtime = world.server.runtime
    async with runtime.db.transaction() as uow:
        await runtime.notifications.notify(
            uow,
            user_id,
            Message(
                type="operator", title="채택 알림", message="답변이 채택됐어요", priority=priority
            ),
        )


async def jobs_of(world: World, kind: str) -> list[Job]:
    async with world.server.runtime.db.transaction(readonly=True) as uow:
        return list((await uow.session.execute(select(Job).where(Job.kind == kind))).scalars())


async def test_push_email_and_sms_arrive_through_the_real_protocols(world: World) -> None:
    person, browser = await subscriber(
        world, "everywhere", channels={"socket": True, "push": True, "email": True, "sms": True}
    )
    patched = await world.api.http.patch(
        "/api/me",
        json={"phone": "+821012345678"},
        headers={"Authorization": f"Bearer {person.token}"},
    )
    assert patched.status_code == 200
    key = (await world.api.http.get("/api/push/vapid-public-key")).json()["publicKey"]

    await notify(world, person.id)
    assert await world.server.runtime.jobs.run_due() == 3

    [request] = world.push.received
    claims, signer = verify_vapid(request.headers["authorization"], world.push.origin)
    assert signer == key
    assert str(claims["sub"]).startswith("mailto:")
    payload = orjson.loads(browser.decrypt(request.body))
    assert payload["title"] == "채택 알림"
    assert payload["body"] == "답변이 채택됐어요"
    assert payload["urgent"] is False
    assert payload["data"]["notificationId"]

    [mail] = world.mailbox.messages()
    assert mail["Subject"] == "채택 알림"
    assert "답변이 채택됐어요" in mail.get_content()
    [(headers, sms)] = world.sms.received
    assert headers["Authorization"] == "Bearer gateway-token"
    assert sms["to"] == "+821012345678"
    assert "답변이 채택됐어요" in sms["text"]


async def test_a_push_that_fails_twice_is_tried_three_times_with_growing_delays(
    world: World,
) -> None:
    person, browser = await subscriber(world, "flaky")
    world.push.statuses = [503, 503]
    await notify(world, person.id)
    runtime = world.server.runtime
    await runtime.jobs.run_due()
    [job] = await jobs_of(world, "notify.push")
    first_retry = job.due_at - world.clock.now()
    world.clock.advance(first_retry.total_seconds())
    await runtime.jobs.run_due()
    [job] = await jobs_of(world, "notify.push")
    second_retry = job.due_at - world.clock.now()
    assert second_retry > first_retry
    world.clock.advance(second_retry.total_seconds())
    await runtime.jobs.run_due()
    [job] = await jobs_of(world, "notify.push")
    assert (job.status, job.attempts) == ("done", 3)
    assert len(world.push.received) == 3
    assert orjson.loads(browser.decrypt(world.push.received[-1].body))["title"] == "채택 알림"


async def test_a_push_that_always_fails_ends_failed_with_the_reason(world: World) -> None:
    person, _ = await subscriber(world, "broken")
    world.push.statuses = [500] * 5
    await notify(world, person.id)
    for _ in range(4):
        await world.server.runtime.jobs.run_due()
        world.clock.advance(60)
    [job] = await jobs_of(world, "notify.push")
    assert (job.status, job.attempts) == ("failed", 3)
    assert job.last_error is not None
    assert "500" in job.last_error
    assert len(world.push.received) == 3


async def test_a_gone_subscription_is_deleted(world: World) -> None:
    person, _ = await subscriber(world, "gone")
    world.push.statuses = [410]
    await notify(world, person.id)
    await world.server.runtime.jobs.run_due()
    async with world.server.runtime.db.transaction(readonly=True) as uow:
        rows = (
            await uow.session.execute(
                select(PushSubscription).where(PushSubscription.user_id == person.id)
            )
        ).all()
    assert rows == []
    [job] = await jobs_of(world, "notify.push")
    assert job.status == "done"


async def test_a_channel_turned_off_is_not_used(world: World) -> None:
    person, _ = await subscriber(world, "quiet", channels={"socket": True, "push": False})
    await notify(world, person.id)
    assert await world.server.runtime.jobs.run_due() == 0
    assert world.push.received == []


async def test_quiet_hours_hold_back_normal_but_not_critical(world: World) -> None:
    seoul = seoul_local_time(world.clock.now())
    start = (datetime.combine(date(2026, 1, 1), seoul) - timedelta(hours=1)).strftime("%H:%M")
    end = (datetime.combine(date(2026, 1, 1), seoul) + timedelta(hours=1)).strftime("%H:%M")
    person, _ = await subscriber(world, "napping", quietHours={"start": start, "end": end})
    await notify(world, person.id, Priority.NORMAL)
    assert await world.server.runtime.jobs.run_due() == 0
    await notify(world, person.id, Priority.CRITICAL)
    assert await world.server.runtime.jobs.run_due() == 1
    assert len(world.push.received) == 1
    history = await world.api.http.get(
        "/api/notifications", headers={"Authorization": f"Bearer {person.token}"}
    )
    assert len(history.json()["notifications"]) == 2  # the held one is still in the history


async def test_unconfigured_channels_are_skipped_not_errors(
    backend: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    async with fresh_database(backend, tmp_path) as url:
        await asyncio.to_thread(upgrade, url)
        async with serve(server_settings(tmp_path, url, run_jobs=False)) as server:
            person = await make_person(
                server, "wants-email", settings={"channels": {"socket": True, "email": True}}
            )
            runtime = server.runtime
            with caplog.at_level(logging.INFO, logger="dongne.notifications"):
                async with runtime.db.transaction() as uow:
                    await runtime.notifications.notify(
                        uow, person.id, Message(type="t", title="제목", message="내용")
                    )
            assert await runtime.jobs.run_due() == 0
    skipped = [
        r.msg
        for r in caplog.records
        if isinstance(r.msg, dict) and r.msg.get("event") == "channels_skipped"
    ]
    assert skipped
    assert skipped[-1]["unconfigured"] == ["email"]


async def test_urgent_questions_push_the_first_wave_with_the_seeds_title(world: World) -> None:
    local, browser = await subscriber(world, "near-local")
    asker = await make_person(world.server, "asker", local=False)
    await go_online(world.server, local, *offset(SEONGSAN, 400))
    await go_online(world.server, asker, *offset(SEONGSAN, 0, 20))
    assert asker.socket is not None
    try:
        title = (
            "성산일출봉 매표소 앞인데 지금 표 살 수 있나요? 일행이 곧 도착하는데 줄이 너무 길어요"
        )
        ack = await asker.socket.call("create_question", question_payload(title=title[:100]))
        assert ack["ok"] is True
        await world.server.runtime.jobs.run_due()
        [request] = world.push.received
        payload = orjson.loads(browser.decrypt(request.body))
        assert payload["title"] == "🚨 긴급 질문이 도착했습니다!"
        assert payload["body"] == title[:50]
        assert payload["urgent"] is True
        assert payload["data"]["questionId"] == ack["question"]["id"]
        assert request.headers["urgency"] == "high"
    finally:
        for person in (local, asker):
            assert person.socket is not None
            await person.socket.close()


async def test_queued_deliveries_survive_a_restart_and_are_sent_once(
    backend: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    push = PushService()
    await push.start()
    monkeypatch.setenv("SSL_CERT_FILE", str(push.ca_file))
    # Real time as the start: the push stand-in checks the VAPID token's expiry as a real one does.
    clock = ManualClock(SystemClock().now())
    async with fresh_database(backend, tmp_path) as url:
        await asyncio.to_thread(upgrade, url)
        settings = server_settings(tmp_path, url, run_jobs=False)
        async with serve(settings, clock) as first:
            world = World(first, clock, push, Mailbox(), Gateway(), Api(first))
            person, browser = await subscriber(world, "restart")
            await notify(world, person.id)
            await world.api.close()
        assert push.received == []
        async with serve(settings, clock) as second:
            assert await second.runtime.jobs.run_due() == 1
            assert await second.runtime.jobs.run_due() == 0
    assert len(push.received) == 1
    assert orjson.loads(browser.decrypt(push.received[0].body))["title"] == "채택 알림"
    await push.stop()


async def test_a_push_is_written_in_the_recipients_language(world: World) -> None:
    local, browser = await subscriber(world, "ja-local")
    asker = await make_person(world.server, "asker-ja", local=False)
    await world.api.http.patch(
        "/api/me", json={"language": "ja"}, headers={"Authorization": f"Bearer {local.token}"}
    )
    await go_online(world.server, local, *offset(SEONGSAN, 400))
    await go_online(world.server, asker, *offset(SEONGSAN, 0, 20))
    assert asker.socket is not None
    try:
        ack = await asker.socket.call("create_question", question_payload())
        assert ack["ok"] is True
        await world.server.runtime.jobs.run_due()
        [request] = world.push.received
        payload = orjson.loads(browser.decrypt(request.body))
        assert payload["title"] == "🚨 緊急の質問が届きました！"
        assert payload["body"] == question_payload()["title"]
    finally:
        for person in (local, asker):
            assert person.socket is not None
            await person.socket.close()
