"""How many SQL statements each hot use case sends: a ceiling, so none creeps back up.

Each statement costs ~0.1 ms of CPU on SQLite even prepared, more when built per call
(bench/README.md), and a round trip on PostgreSQL. The ceilings are today's counts.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

from tests.fixtures.jeju import SEONGSAN, question_payload
from tests.fixtures.people import Person, go_online, make_person
from tests.fixtures.server import RunningServer, migrated_server

# statement that marks the use case's own task -> most statements that task may send
BUDGETS = {
    "create_question": ("INSERT INTO questions ", 8),
    "create_answer": ("INSERT INTO answers ", 14),
    "accept_answer": ("INSERT INTO points_ledger ", 14),
}


@pytest.fixture
async def server(backend: str, tmp_path: Path) -> AsyncIterator[RunningServer]:
    # No job loop: the routing rounds it would run are not the use cases counted here.
    async with migrated_server(backend, tmp_path, run_jobs=False) as running:
        yield running


@contextmanager
def statements_by_task(server: RunningServer) -> Iterator[dict[object, list[str]]]:
    """Every statement sent meanwhile, grouped by the asyncio task that sent it (the
    socket event's handler is one task; background loops are others)."""
    by_task: dict[object, list[str]] = defaultdict(list)
    engine = server.runtime.db.engine.sync_engine

    def record(*args: Any) -> None:
        statement: str = args[2]
        by_task[asyncio.current_task()].append(" ".join(statement.split()))

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield by_task
    finally:
        event.remove(engine, "before_cursor_execute", record)


def sent_by_the_use_case(by_task: dict[object, list[str]], marker: str) -> list[str]:
    [statements] = [s for s in by_task.values() if any(x.startswith(marker) for x in s)]
    return statements


async def counted(server: RunningServer, person: Person, use_case: str, payload: Any) -> Any:
    marker, budget = BUDGETS[use_case]
    assert person.socket is not None
    with statements_by_task(server) as by_task:
        ack = await person.socket.call(use_case, payload)
    assert ack["ok"] is True, ack
    statements = sent_by_the_use_case(by_task, marker)
    assert len(statements) <= budget, "\n".join([use_case, *statements])
    return ack


async def test_asking_answering_and_accepting_stay_within_their_statements(
    server: RunningServer,
) -> None:
    asker = await make_person(server, "asker", local=False)
    locals_ = [await make_person(server, f"local{i}") for i in range(3)]
    people: list[Person] = [asker, *locals_]
    for i, person in enumerate(people):
        await go_online(server, person, SEONGSAN["lat"] + 0.001 * i, SEONGSAN["lng"])
    try:
        created = await counted(server, asker, "create_question", question_payload())
        qid = created["question"]["id"]
        answers = []
        for n, local in enumerate(locals_[:2]):
            content = f"지금 열려 있어요, {n + 1}번째로 알려드려요"
            reply = await counted(
                server, local, "create_answer", {"questionId": qid, "content": content}
            )
            answers.append(reply["answer"]["id"])
        await counted(server, asker, "accept_answer", {"answerId": answers[0]})
    finally:
        for person in people:
            if person.socket is not None:
                await person.socket.close()
