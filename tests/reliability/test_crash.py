"""A crash loses nothing (issue [15] failure 1): `kill -9` before the next round of
notifications is due, the server started again on the same data, every client back only
5 seconds after `/health` answers — the 3 km and 4.5 km locals still hear of the question.

Two mechanisms make it hold, whatever routes the question (`DONGNE_ROUTING`): the
restarted process restores the live positions persisted before the crash
(locations/live.py), and overdue jobs wait for the warm-up (jobs/service.py) so clients
that reconnect are counted too.
"""

from __future__ import annotations

import asyncio
import os
import signal
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import orjson
import pytest
from sqlalchemy import func, select

from dongne.kit.clock import SystemClock
from dongne.kit.events import DiscardingSink
from dongne.models import LivePosition
from dongne.models.migrations import upgrade
from dongne.runtime import Runtime, build_runtime
from tests.cluster.harness import Node, wait_until
from tests.escalation.test_waves import SEONGSAN, offset
from tests.fixtures.clients import SocketClient, connect
from tests.fixtures.jeju import question_payload
from tests.fixtures.people import Person, make_person
from tests.fixtures.server import TEST_JWT_SECRET, UNLIMITED, RunningServer, server_settings

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


def node_env(folder: Path, database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DONGNE_")}
    env.update(
        {
            "DONGNE_ENV": "test",
            "DONGNE_DATA_DIR": str(folder / "data"),
            "DONGNE_DATABASE_URL": database_url,
            "DONGNE_JWT_SECRET": TEST_JWT_SECRET,
            "DONGNE_PASSWORD_HASH_MEMORY_KIB": "1024",
            "DONGNE_LOG_LEVEL": "info",
            **{f"DONGNE_{key.upper()}": "1000000/minute" for key in UNLIMITED},
        }
    )
    routing = os.environ.get("DONGNE_ROUTING")
    if routing:
        env["DONGNE_ROUTING"] = routing
    return env


@pytest.fixture
async def crashable(tmp_path: Path) -> AsyncIterator[Crashable]:
    (tmp_path / "data").mkdir()
    url = f"sqlite+aiosqlite:///{tmp_path / 'data' / 'dongne.db'}"
    await asyncio.to_thread(upgrade, url)
    runtime = build_runtime(
        server_settings(tmp_path / "data", url), SystemClock(), DiscardingSink()
    )
    node = Node("node", tmp_path, node_env(tmp_path, url))
    node.start()
    world = Crashable(tmp_path, node_env(tmp_path, url), runtime, node)
    try:
        await node.started()
        yield world
    finally:
        await world.node.stop(signal.SIGKILL)
        await runtime.close()


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
