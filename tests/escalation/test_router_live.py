"""The router live: real server, real Socket.IO clients, the injected clock."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from dongne.escalation.router import Router
from dongne.escalation.routing import RouterConfig
from dongne.kit.clock import ManualClock
from dongne.models import QuestionNotified
from dongne.regions.policy import default_region_map
from dongne.simulation import build_world, policy_named
from dongne.simulation import engine as sim_engine
from dongne.simulation.engine import run_pass
from dongne.users.schemas import Role
from tests.escalation.test_waves import SEONGSAN, offset
from tests.fixtures.clients import PASSWORD
from tests.fixtures.jeju import question_payload
from tests.fixtures.people import Person, go_online, make_person
from tests.fixtures.server import RunningServer, migrated_server
from tests.simulation.test_simulation import small

ENGLISH = {
    "title": "Is the Seongsan ticket office open now?",
    "content": "We arrive in thirty minutes, can we still buy tickets for the sunrise peak?",
    "urgency": "normal",
}


@pytest.fixture
async def clock_server(
    backend: str, tmp_path: Path
) -> AsyncIterator[tuple[RunningServer, ManualClock]]:
    clock = ManualClock()
    async with migrated_server(backend, tmp_path, clock=clock, run_jobs=False) as server:
        # One local per round, so who comes first is visible.
        server.runtime.escalation.router.config = RouterConfig(max_per_round=1)
        yield server, clock


async def notified(server: RunningServer, qid: str) -> list[str]:
    async with server.runtime.db.transaction(readonly=True) as uow:
        rows = await uow.session.execute(
            select(QuestionNotified.user_id).where(QuestionNotified.question_id == qid)
        )
        return sorted(rows.scalars())


async def people(server: RunningServer) -> tuple[Person, Person, Person]:
    asker = await make_person(server, "traveler", local=False)
    korean = await make_person(server, "ko-only", settings={"languages": ["ko"]})
    bilingual = await make_person(server, "ko-en", settings={"languages": ["ko", "en"]})
    await go_online(server, asker, *offset(SEONGSAN, 0, 30))
    await go_online(server, korean, *offset(SEONGSAN, 100))
    await go_online(server, bilingual, *offset(SEONGSAN, 1500))
    return asker, korean, bilingual


async def ask_and_route(server: RunningServer, asker: Person, **payload: Any) -> dict[str, Any]:
    """The asker asks and the first round runs; the question as created."""
    assert asker.socket is not None
    ack = await asker.socket.call("create_question", question_payload(**payload))
    assert ack["ok"] is True, ack
    await server.runtime.jobs.run_due()
    question: dict[str, Any] = ack["question"]
    return question


async def close(*everyone: Person) -> None:
    for person in everyone:
        assert person.socket is not None
        await person.socket.close()


async def test_a_local_whose_language_matches_is_chosen_first(
    clock_server: tuple[RunningServer, ManualClock],
) -> None:
    server, _clock = clock_server
    # The Thompson draw may still rank a near Korean-only local above a far bilingual one
    # (the default gap only divides the chance); with no chance at all the choice is fixed.
    server.runtime.escalation.router.config = RouterConfig(max_per_round=1, language_gap=0.0)
    asker, korean, bilingual = await people(server)
    try:
        assert asker.socket is not None
        assert bilingual.socket is not None
        question = await ask_and_route(server, asker, **ENGLISH)
        assert question["language"] == "en"
        qid = question["id"]
        event = await bilingual.socket.next("new_question_notification")
        assert event["question"]["id"] == qid
        assert event["priority"] == "IMMEDIATE"
        assert await notified(server, qid) == [bilingual.id]
    finally:
        await close(asker, korean, bilingual)


async def test_a_claim_holds_the_next_round_and_the_asker_sees_progress(
    clock_server: tuple[RunningServer, ManualClock],
) -> None:
    server, clock = clock_server
    asker, korean, bilingual = await people(server)
    try:
        assert asker.socket
        assert korean.socket
        assert bilingual.socket
        question = await ask_and_route(server, asker, urgency="normal")
        qid = question["id"]
        assert question["language"] == "ko"
        progress: dict[str, Any] = await asker.socket.next("question_progress")
        assert progress["questionId"] == qid
        assert progress["asked"] == 1
        assert progress["next"]["what"] == "widening"
        [first] = await notified(server, qid)
        claimer = korean if first == korean.id else bilingual
        other = bilingual if claimer is korean else korean
        assert claimer.socket is not None
        assert other.socket is not None
        claimed = await claimer.socket.call("claim_question", {"questionId": qid})
        assert claimed["ok"] is True
        assert claimed["claimedUntil"]
        # The asker's devices hear it in their own room and in the question's room.
        while progress["answering"] == 0:
            progress = await asker.socket.next("question_progress")
        assert progress["answering"] == 1
        assert progress["claimedBy"] == {"nickname": claimer.name}
        assert progress["next"]["what"] == "holding"
        # The next round is due, but the claim is fresh: it waits, and asks nobody.
        clock.advance(80)
        await server.runtime.jobs.run_due()
        assert await notified(server, qid) == [first]
        assert other.socket.pending("new_question_notification") == 0
        page = await get_json(server, asker, f"/api/questions/{qid}")
        assert page["progress"]["next"]["what"] == "holding"
        # The claim lapses without an answer: the held round runs.
        clock.advance(60)
        await server.runtime.jobs.run_due()
        event = await other.socket.next("new_question_notification")
        assert event["priority"] == "QUICK"
        assert sorted(await notified(server, qid)) == sorted([korean.id, bilingual.id])
    finally:
        await close(asker, korean, bilingual)


async def test_an_answer_tells_the_asker_at_once_and_ends_the_claim(
    clock_server: tuple[RunningServer, ManualClock],
) -> None:
    server, clock = clock_server
    asker, korean, bilingual = await people(server)
    try:
        assert asker.socket
        qid = (await ask_and_route(server, asker, urgency="normal"))["id"]
        [first] = await notified(server, qid)
        claimer = korean if first == korean.id else bilingual
        assert claimer.socket is not None
        assert (await claimer.socket.call("claim_question", {"questionId": qid}))["ok"] is True
        progress: dict[str, Any] = await asker.socket.next("question_progress")
        while progress["claimedBy"] is None:
            progress = await asker.socket.next("question_progress")
        assert progress["next"]["what"] == "holding"
        # The claimer answers well within the claim: no job runs, no clock moves, and the
        # asker hears that routing is over with nobody left shown as answering.
        clock.advance(10)
        answered = await claimer.socket.call(
            "create_answer", {"questionId": qid, "content": "지금 열려 있어요, 줄도 짧아요."}
        )
        assert answered["ok"] is True, answered
        while progress["next"]["what"] != "answered":
            progress = await asker.socket.next("question_progress")
        assert progress["answering"] == 0
        assert progress["claimedBy"] is None
        assert progress["asked"] == 1
        page = await get_json(server, asker, f"/api/questions/{qid}")
        assert page["progress"]["next"]["what"] == "answered"
        assert page["progress"]["claimedBy"] is None
    finally:
        await close(asker, korean, bilingual)


async def test_only_a_notified_local_may_claim(
    clock_server: tuple[RunningServer, ManualClock],
) -> None:
    server, _clock = clock_server
    asker, korean, bilingual = await people(server)
    stranger = await make_person(server, "stranger")
    await go_online(server, stranger, *offset(SEONGSAN, 40_000))
    try:
        assert asker.socket
        assert stranger.socket
        qid = (await asker.socket.call("create_question", question_payload()))["question"]["id"]
        refused = await stranger.socket.call("claim_question", {"questionId": qid})
        assert refused["error"]["code"] == "forbidden"
        duty = await stranger.socket.call("set_on_duty", {"on": True, "minutes": 30})
        assert duty["ok"] is True
        assert duty["onDutyUntil"]
        bad = await stranger.socket.call("set_on_duty", {"on": True, "minutes": 5})
        assert bad["error"]["code"] == "invalid"
        me = await get_json(server, stranger, "/api/me")
        assert me["onDutyUntil"] == duty["onDutyUntil"]
    finally:
        await close(asker, korean, bilingual, stranger)


async def get_json(server: RunningServer, person: Person, path: str) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=server.url) as http:
        response = await http.get(path, headers={"Authorization": f"Bearer {person.token}"})
        assert response.status_code == 200, response.text
        return dict(response.json())


async def test_the_simulation_and_the_service_call_the_same_router(
    clock_server: tuple[RunningServer, ManualClock], monkeypatch: pytest.MonkeyPatch
) -> None:
    """One `Router.run_round`, reached with live ports by the service and with the
    simulation's ports by the simulation: no mirror of the gathering is left."""
    calls: list[str] = []
    original = Router.run_round

    async def spy(self: Router, ports: Any, *args: Any, **kwargs: Any) -> Any:
        calls.append(type(ports).__name__)
        return await original(self, ports, *args, **kwargs)

    monkeypatch.setattr(Router, "run_round", spy)
    server, _clock = clock_server
    asker, korean, bilingual = await people(server)
    try:
        assert asker.socket is not None
        await asker.socket.call("create_question", question_payload())
        await server.runtime.jobs.run_due()
    finally:
        await close(asker, korean, bilingual)
    scenario = small(locals_=60, questions=30)
    world = build_world(scenario, default_region_map())
    await run_pass(world, policy_named(scenario, "dongne"))
    assert "LivePorts" in calls
    assert "SimPorts" in calls
    assert not hasattr(sim_engine._Pass, "_candidates")
    assert sim_engine.Router is Router


async def test_operators_see_the_burden(clock_server: tuple[RunningServer, ManualClock]) -> None:
    server, _clock = clock_server
    asker, korean, bilingual = await people(server)
    runtime = server.runtime
    async with runtime.db.transaction() as uow:
        await runtime.users.create(
            uow, email="ops@example.com", password=PASSWORD, nickname="운영", role=Role.ADMIN
        )
        ops = await runtime.users.login(uow, email="ops@example.com", password=PASSWORD)
    try:
        assert asker.socket is not None
        for _ in range(2):
            await asker.socket.call("create_question", question_payload(urgency="normal"))
        await runtime.jobs.run_due()
        admin = Person("ops", ops.user.id, ops.tokens.access_token)
        burden = (await get_json(server, admin, "/api/admin/stats"))["burden"]
        assert burden["locals"] == 2
        assert burden["perQuestion"] == 1.0  # one local per round, one round each so far
        assert burden["perLocalPerDayMedian"] == 1.0
        assert burden["onDutyLocals"] == 0
        assert burden["answeredByFirstRound"] == 0.0
        assert burden["alertsOff"] == 0
    finally:
        await close(asker, korean, bilingual)
