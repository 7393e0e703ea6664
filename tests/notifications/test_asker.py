"""The asker's side: an answer reaches them in their history and, away, by a real Web Push
that opens the question; a question unanswered for 10 minutes tells them it is still being
looked for, and one that nobody answered once the router has asked its last round expires
with a notice; a retried push carries the same Topic and tag and is never sent twice."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import orjson
from sqlalchemy import select

from dongne.escalation.routing import RouterConfig
from dongne.models import Job
from dongne.monitoring.policy import SLOW_AFTER_S
from tests.escalation.test_waves import SEONGSAN, offset
from tests.fixtures.jeju import question_payload
from tests.fixtures.people import Person, go_online, make_person
from tests.fixtures.standins import Browser
from tests.notifications.test_channels import World, subscriber, world

__all__ = ["world"]  # the fixture, shared with test_channels


async def history(world: World, person: Person) -> dict[str, Any]:
    response = await world.api.http.get(
        "/api/notifications", headers={"Authorization": f"Bearer {person.token}"}
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def ask_and_leave(world: World) -> tuple[Person, Browser, str]:
    """A traveler asks, then closes the app (their socket goes away)."""
    asker, browser = await subscriber(world, "traveler")
    await go_online(world.server, asker, *offset(SEONGSAN))
    assert asker.socket is not None
    created = await asker.socket.call("create_question", question_payload())
    await asker.socket.close()
    await world.server.runtime.jobs.run_due()  # the waves: nothing for the asker
    world.push.received.clear()
    return asker, browser, str(created["question"]["id"])


async def answer(world: World, question_id: str) -> None:
    local = await make_person(world.server, "local")
    await go_online(world.server, local, *offset(SEONGSAN))
    assert local.socket is not None
    reply = await local.socket.call(
        "create_answer", {"questionId": question_id, "content": "성산일출봉 매표소 옆이에요"}
    )
    assert reply["ok"] is True, reply
    await local.socket.close()


async def push_jobs(world: World) -> list[Job]:
    async with world.server.runtime.db.transaction(readonly=True) as uow:
        query = select(Job).where(Job.kind == "notify.push").order_by(Job.created_at)
        return list((await uow.session.execute(query)).scalars())


async def test_an_offline_asker_gets_the_answer_by_push_and_in_history(world: World) -> None:
    asker, browser, question_id = await ask_and_leave(world)
    await answer(world, question_id)
    await world.server.runtime.jobs.run_due()

    [request] = world.push.received
    payload = orjson.loads(browser.decrypt(request.body))
    assert payload["title"] == "질문에 답변이 달렸어요"
    assert "성산일출봉 매표소 옆이에요" in payload["body"]
    assert payload["urgent"] is True
    assert payload["data"]["url"] == f"/q/{question_id}"
    assert payload["data"]["questionId"] == question_id
    assert payload["tag"]
    assert request.headers["topic"] == payload["tag"]

    page = await history(world, asker)
    [note] = [n for n in page["notifications"] if n["type"] == "question_answered"]
    assert note["priority"] == "HIGH"
    assert note["readAt"] is None
    assert page["unreadCount"] >= 1
    marked = await world.api.http.post(
        f"/api/notifications/{note['id']}/read",
        headers={"Authorization": f"Bearer {asker.token}"},
    )
    assert marked.status_code == 200, marked.text
    [note] = [n for n in (await history(world, asker))["notifications"] if n["id"] == note["id"]]
    assert note["readAt"] is not None


async def test_an_online_asker_is_told_on_the_socket_not_by_push(world: World) -> None:
    asker, _ = await subscriber(world, "present")
    await go_online(world.server, asker, *offset(SEONGSAN))
    assert asker.socket is not None
    created = await asker.socket.call("create_question", question_payload())
    await world.server.runtime.jobs.run_due()
    world.push.received.clear()
    await answer(world, str(created["question"]["id"]))
    await asker.socket.next("answer_notification")
    await world.server.runtime.jobs.run_due()
    assert world.push.received == []
    assert any(
        n["type"] == "question_answered" for n in (await history(world, asker))["notifications"]
    )
    await asker.socket.close()


async def test_a_retried_push_job_does_not_send_again(world: World) -> None:
    """The job ran, the push went out, the process died before the job was marked done:
    the retry finds the delivery's key and sends nothing."""
    _, _, question_id = await ask_and_leave(world)
    await answer(world, question_id)
    runtime = world.server.runtime
    [job] = [j for j in await push_jobs(world) if j.payload["data"].get("answerId")]
    await runtime.delivery.deliver("push", dict(job.payload))
    await runtime.delivery.deliver("push", dict(job.payload))  # the retry after the crash
    assert len(world.push.received) == 1


async def test_ten_minutes_unanswered_tells_the_asker_it_is_still_looked_for(
    world: World,
) -> None:
    asker, browser, question_id = await ask_and_leave(world)
    world.clock.advance(SLOW_AFTER_S + 1)
    await world.server.runtime.jobs.run_due()
    notes = [
        n for n in (await history(world, asker))["notifications"] if n["type"] == "still_looking"
    ]
    assert [n["title"] for n in notes] == ["아직 답변을 찾고 있어요"]
    assert notes[0]["data"]["url"] == f"/q/{question_id}"
    pushed = [orjson.loads(browser.decrypt(r.body)) for r in world.push.received]
    assert [p["title"] for p in pushed] == ["아직 답변을 찾고 있어요"]


def give_up_early(world: World) -> RouterConfig:
    """One round instead of an hour of them, so the 15-minute sessions stay valid."""
    router = world.server.runtime.escalation.router
    router.config = replace(router.config, give_up_s=60.0)
    return router.config


async def test_when_the_last_round_goes_unanswered_the_asker_is_told_it_expired(
    world: World,
) -> None:
    config = give_up_early(world)
    asker, browser, question_id = await ask_and_leave(world)
    # Every round up to the give-up point, then the last round's locals' time to answer.
    for _ in range(int((config.give_up_s + config.deadline_s) // 100) + 2):
        world.clock.advance(100)
        await world.server.runtime.jobs.run_due()
    notes = [
        n for n in (await history(world, asker))["notifications"] if n["type"] == "question_expired"
    ]
    assert [n["title"] for n in notes] == ["질문이 만료되었어요"]
    assert notes[0]["data"]["url"] == f"/q/{question_id}"
    pushed = [orjson.loads(browser.decrypt(r.body))["title"] for r in world.push.received]
    assert pushed.count("질문이 만료되었어요") == 1


async def test_an_answer_after_the_last_round_cancels_the_expiry(world: World) -> None:
    config = give_up_early(world)
    asker, _, question_id = await ask_and_leave(world)  # its only round: the expiry is planned
    await answer(world, question_id)
    world.clock.advance(config.deadline_s + 1)
    await world.server.runtime.jobs.run_due()
    types = {n["type"] for n in (await history(world, asker))["notifications"]}
    assert "question_answered" in types
    assert "question_expired" not in types


def test_channel_names_are_one_list_for_registry_settings_and_config() -> None:
    from dongne.config import Settings
    from dongne.infra.senders.base import USER_CHANNELS
    from dongne.settings.schemas import Channels

    assert set(Channels.model_fields) - {"socket"} == set(USER_CHANNELS)
    fields = Settings.model_fields
    assert all(f"{channel}_concurrency" in fields for channel in (*USER_CHANNELS, "webhook"))
