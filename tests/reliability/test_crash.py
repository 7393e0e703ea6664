"""A crash loses nothing (issue [15] failure 1): `kill -9` before the next round of
notifications is due, the server started again on the same data (embedded), or a node of the
scaled mode replaced by a new process on the same PostgreSQL and Redis, every client back
only 5 seconds after `/health` answers — the 3 km and 4.5 km locals still hear of the question.

Two mechanisms make it hold, whatever routes the question (`DONGNE_ROUTING`): the
restarted process restores the live positions persisted before the crash
(locations/live.py), and overdue jobs wait for the warm-up (jobs/service.py) so clients
that reconnect are counted too.
"""

from __future__ import annotations

import asyncio
import signal
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import orjson
import pytest
from sqlalchemy import func, select

from dongne.kit.clock import SystemClock
from dongne.kit.events import DiscardingSink
from dongne.models import Answer, LivePosition, Question, UserEvent
from dongne.models.migrations import upgrade
from dongne.runtime import Runtime, build_runtime
from tests.cluster.harness import (
    Node,
    RedisServer,
    embedded_node_env,
    require_cluster_pieces,
    wait_until,
)
from tests.escalation.test_waves import SEONGSAN, offset
from tests.fixtures.clients import SocketClient, connect
from tests.fixtures.databases import fresh_database
from tests.fixtures.jeju import question_payload
from tests.fixtures.people import Person, make_person
from tests.fixtures.server import RunningServer, server_settings
from tests.fixtures.standins import Browser, PushService

# The ordinary back-off of a phone whose server went away.
CLIENT_BACK_AFTER_S = 5.0
NOTIFIED_WITHIN_S = 60.0


@dataclass
class Crashable:
    folder: Path
    env: dict[str, str]
    runtime: Runtime  # in this process, on the same database: to set up and to look
    node: Node

    def restart(self) -> None:
        self.node = Node("node", self.folder, self.env)
        self.node.start()

    def as_server(self) -> RunningServer:
        return RunningServer(self.node.url, self.runtime.settings, self.runtime)


@asynccontextmanager
async def crashable_node(
    folder: Path, url: str | None = None, **env: str
) -> AsyncIterator[Crashable]:
    """One `dongne serve` process on `url` (a new SQLite file by default); `restart` starts
    its replacement on the same database (and Redis, if `env` names one)."""
    (folder / "data").mkdir()
    url = url or f"sqlite+aiosqlite:///{folder / 'data' / 'dongne.db'}"
    await asyncio.to_thread(upgrade, url)
    runtime = build_runtime(server_settings(folder / "data", url), SystemClock(), DiscardingSink())
    node = Node("node", folder, embedded_node_env(folder, url, **env))
    node.start()
    world = Crashable(folder, embedded_node_env(folder, url, **env), runtime, node)
    try:
        await node.started()
        yield world
    finally:
        await world.node.stop(signal.SIGKILL)
        await runtime.close()


@pytest.fixture(params=["embedded", "scaled"])
async def crashable(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Crashable]:
    """The embedded server killed and restarted, or a node of the scaled mode (PostgreSQL,
    Redis) killed and replaced by a new process."""
    # The failure is the seed's QUICK wave, due 3 s after the question; the router's
    # second round comes much later, and its durability is tests/escalation/test_restart.py's.
    if request.param == "embedded":
        async with crashable_node(tmp_path, DONGNE_ROUTING="seed-waves") as world:
            yield world
        return
    require_cluster_pieces()
    async with AsyncExitStack() as stack:
        url = await stack.enter_async_context(fresh_database("postgres", tmp_path))
        redis = RedisServer(tmp_path)
        redis.start()
        stack.push_async_callback(redis.stop, signal.SIGKILL)
        await redis.ready()
        world = await stack.enter_async_context(
            crashable_node(tmp_path, url, DONGNE_ROUTING="seed-waves", DONGNE_REDIS_URL=redis.url)
        )
        yield world


async def online(world: Crashable, person: Person, north_m: float) -> SocketClient:
    client = await connect(world.as_server(), person.token)
    lat, lng = offset(SEONGSAN, north_m)
    ack = await client.call("update_location", {"lat": lat, "lng": lng})
    assert ack["ok"] is True, ack
    return client


async def persisted_online(world: Crashable) -> int:
    async with world.runtime.db.transaction(readonly=True) as uow:
        query = select(func.count()).select_from(LivePosition).where(LivePosition.online)
        return int((await uow.session.execute(query)).scalar_one())


async def heard_of(client: SocketClient, question_id: str) -> bool:
    live = [payload for event, payload in client.history if event == "new_question_notification"]
    if any(question_id in orjson.dumps(payload).decode() for payload in live):
        return True
    synced = await client.call("sync_unread_messages", {})
    return any(
        e["type"] == "new_question_notification" and question_id in orjson.dumps(e).decode()
        for e in synced["events"]
    )


async def test_kill_9_before_the_next_round_still_reaches_the_locals(
    crashable: Crashable,
) -> None:
    world = crashable
    server = world.as_server()
    asker = await make_person(server, "asker", local=False)
    at_3km = await make_person(server, "local-3km")
    at_4_5km = await make_person(server, "local-4.5km")
    clients = [
        await online(world, asker, 10),
        await online(world, at_3km, 3_000),
        await online(world, at_4_5km, 4_500),
    ]

    async def all_written() -> bool:
        return await persisted_online(world) >= 3

    await wait_until(all_written, 15, "live positions to be written")
    created = await clients[0].call("create_question", question_payload(urgency="normal"))
    question_id = str(created["question"]["id"])
    # Before the next round is due (QUICK at 3 s under the seed waves).
    world.node.send(signal.SIGKILL)
    await world.node.wait(5)
    for client in clients:
        await client.close()

    world.restart()
    await wait_until(world.node.is_ready, 60, "the restarted node to answer")
    await asyncio.sleep(CLIENT_BACK_AFTER_S)  # the phones' back-off: the scenario itself
    locals_back = [await online(world, at_3km, 3_000), await online(world, at_4_5km, 4_500)]
    try:
        for client, person in zip(locals_back, (at_3km, at_4_5km), strict=True):
            await wait_until(
                lambda c=client: heard_of(c, question_id),
                NOTIFIED_WITHIN_S,
                f"{person.name} to hear of the question",
                every_s=1.0,
            )
    finally:
        for client in locals_back:
            await client.close()


async def test_kill_9_in_the_middle_of_a_push_shows_it_once_on_the_device(
    tmp_path: Path,
) -> None:
    """The push service has the request, the process dies before recording it: the job is
    taken over and sends again, with the same Topic and tag, so the device shows one."""
    push = PushService()
    await push.start()
    push.delay_s = 3.0  # the request is held: the process dies while waiting for it
    lease_s = 2.0
    try:
        async with crashable_node(
            tmp_path,
            SSL_CERT_FILE=str(push.ca_file),  # the node trusts the stand-in's test CA
            DONGNE_JOBS_LEASE_S=str(lease_s),
            DONGNE_JOBS_WARMUP_S="0",
        ) as world:
            server = world.as_server()
            asker = await make_person(server, "asker", local=False)
            browser = Browser()
            subscription = browser.subscription(push.endpoint("asker"))
            async with httpx.AsyncClient(base_url=world.node.url) as http:
                subscribed = await http.post(
                    "/api/push/subscriptions",
                    json={
                        "endpoint": subscription.endpoint,
                        "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth},
                    },
                    headers={"Authorization": f"Bearer {asker.token}"},
                )
            assert subscribed.status_code == 201, subscribed.text
            asking = await online(world, asker, 10)
            created = await asking.call("create_question", question_payload(urgency="normal"))
            question_id = str(created["question"]["id"])
            await asking.close()  # the traveler closes the app
            local = await make_person(server, "local")
            answering = await online(world, local, 500)
            reply = await answering.call(
                "create_answer", {"questionId": question_id, "content": "네, 열려 있어요"}
            )
            assert reply["ok"] is True, reply
            await answering.close()

            async def first_request() -> bool:
                return len(push.received) >= 1

            async def second_request() -> bool:
                return len(push.received) >= 2

            await wait_until(first_request, 30, "the push request")
            world.node.send(signal.SIGKILL)
            await world.node.wait(5)
            push.delay_s = 0.0
            world.restart()
            await wait_until(world.node.is_ready, 60, "the restarted node")
            await wait_until(second_request, 30 + lease_s, "the retried push")
            payloads = [orjson.loads(browser.decrypt(r.body)) for r in push.received]
            answered = [p for p in payloads if p["title"] == "질문에 답변이 달렸어요"]
            assert len(answered) == 2  # at-least-once on the wire ...
            topics = {r.headers["topic"] for r in push.received}
            shown = {p["tag"] for p in answered}  # ... once on the device: one tag
            assert len(shown) == 1
            assert len(topics) == 1
    finally:
        await push.stop()


async def test_kill_9_while_an_answer_is_posted_leaves_it_whole_or_absent(
    crashable: Crashable,
) -> None:
    world = crashable
    server = world.as_server()
    asker = await make_person(server, "asker", local=False)
    local = await make_person(server, "local")
    asking = await online(world, asker, 10)
    question_id = str(
        (await asking.call("create_question", question_payload(urgency="normal")))["question"]["id"]
    )
    answering = await online(world, local, 500)
    await answering.sio.emit(
        "create_answer", {"questionId": question_id, "content": "도착하면 알려 드릴게요"}
    )
    world.node.send(signal.SIGKILL)  # while the answer is on its way or being written
    await world.node.wait(5)
    for client in (asking, answering):
        await client.close()
    world.restart()
    await wait_until(world.node.is_ready, 60, "the restarted node")

    async with world.runtime.db.transaction(readonly=True) as uow:
        answers = (
            (await uow.session.execute(select(Answer).where(Answer.question_id == question_id)))
            .scalars()
            .all()
        )
        question = await uow.session.get(Question, question_id)
        events = (
            (await uow.session.execute(select(UserEvent.type).where(UserEvent.user_id == asker.id)))
            .scalars()
            .all()
        )
    assert question is not None
    if answers:  # complete: the answer, the question's answered time, the asker's events
        assert len(answers) == 1
        assert question.first_answer_at is not None
        assert "answer_notification" in events
    else:  # absent: no trace of it
        assert question.first_answer_at is None
        assert "answer_notification" not in events
