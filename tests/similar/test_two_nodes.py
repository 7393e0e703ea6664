"""[17] scaled mode: two nodes on one PostgreSQL and one Redis; an answer given through one
node is offered by the other (its index follows over Redis pub/sub)."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest

from dongne.models.migrations import upgrade
from tests.fixtures.databases import REDIS_ENV, fresh_database
from tests.fixtures.people import go_online, make_person
from tests.fixtures.server import RunningServer, serve, server_settings
from tests.similar.test_similar_flow import HYEOPJAE, answer, ask, close_sockets, similar

DEADLINE_S = 10.0


@pytest.fixture
async def two_nodes(
    backend: str, tmp_path: Path
) -> AsyncIterator[tuple[RunningServer, RunningServer]]:
    url = os.environ.get(REDIS_ENV)
    if not url:
        pytest.skip(f"{REDIS_ENV} is not set")
    if backend != "postgres":
        pytest.skip("two nodes share PostgreSQL")
    async with fresh_database(backend, tmp_path) as database_url:
        await asyncio.to_thread(upgrade, database_url)
        (tmp_path / "a").mkdir()
        (tmp_path / "b").mkdir()
        first = server_settings(tmp_path / "a", database_url, redis_url=url, run_jobs=False)
        second = server_settings(tmp_path / "b", database_url, redis_url=url, run_jobs=False)
        async with serve(first) as node_a, serve(second) as node_b:
            yield node_a, node_b


async def until(condition: Callable[[], Awaitable[bool]], what: str) -> None:
    """Pub/sub has no acknowledgement: wait, within a deadline, for its effect."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + DEADLINE_S
    while loop.time() < deadline:
        if await condition():
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"never: {what}")


async def test_an_answer_on_one_node_is_offered_by_the_other(
    two_nodes: tuple[RunningServer, RunningServer],
) -> None:
    node_a, node_b = two_nodes
    asker = await make_person(node_a, "asker", local=False)
    helper = await make_person(node_a, "helper")
    second = await make_person(node_b, "second", local=False)
    await go_online(node_a, asker, **HYEOPJAE)
    await go_online(node_a, helper, **HYEOPJAE)
    try:
        question_id = await ask(asker, "협재해수욕장 주차장 있나요?", HYEOPJAE)
        # Node B builds its index now, before the answer exists, and follows node A.
        assert await similar(node_b, second, "주차 가능해요?", HYEOPJAE) == []

        async def following() -> bool:
            return node_a.runtime.similar.following and node_b.runtime.similar.following

        await until(following, "both nodes subscribed")
        await answer(helper, question_id, "해변 앞 공영주차장, 무료예요.")

        async def offered_on_b() -> bool:
            items = await similar(node_b, second, "주차 가능해요?", HYEOPJAE)
            return [i["question"]["id"] for i in items] == [question_id]  # type: ignore[index]

        await until(offered_on_b, "node B offers the answered question")
    finally:
        await close_sockets(asker, helper)
