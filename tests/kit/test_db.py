"""SQLite under concurrent writers: one process's writers queue, none times out or fails."""

from __future__ import annotations

import asyncio
from pathlib import Path

from sqlalchemy import func, select

from dongne.kit.clock import ManualClock
from dongne.kit.db import SQLITE_BUSY_TIMEOUT_MS, Database
from dongne.models import Job
from dongne.models.migrations import upgrade

WRITERS = 40


async def test_concurrent_sqlite_writers_queue_instead_of_hitting_the_busy_timeout(
    tmp_path: Path,
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'dongne.db'}"
    await asyncio.to_thread(upgrade, url)
    db = Database(url)
    # Together the writers hold the write lock longer than SQLite's busy timeout, and
    # there are more of them than pooled connections (5 + 10 overflow): had they waited
    # in SQLite or in the pool, some would fail with "database is locked".
    hold_s = SQLITE_BUSY_TIMEOUT_MS / 1000 * 1.2 / WRITERS
    now = ManualClock().now()

    async def write(index: int) -> None:
        async with db.transaction() as uow:
            uow.session.add(
                Job(
                    id=f"job-{index}",
                    kind="test.write",
                    payload={},
                    priority=0,
                    status="done",
                    attempts=0,
                    due_at=now,
                    created_at=now,
                )
            )
            await uow.session.flush()
            await asyncio.sleep(hold_s)

    try:
        results = await asyncio.gather(*(write(i) for i in range(WRITERS)), return_exceptions=True)
        assert [r for r in results if r is not None] == []
        async with db.transaction(readonly=True) as uow:
            count = (await uow.session.execute(select(func.count(Job.id)))).scalar()
        assert count == WRITERS
    finally:
        await db.dispose()
