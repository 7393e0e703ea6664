"""The job queue on a real database: retries with growing delays, rollback of failed attempts."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from dongne.jobs.service import LEASE, RUN_HERE_LEASE, JobQueue, PermanentFailure, backoff
from dongne.kit.clock import ManualClock
from dongne.kit.db import Database, UnitOfWork
from dongne.models import Job, UserEventCounter
from dongne.models.migrations import upgrade
from tests.fixtures.databases import fresh_database

STOP_WITHIN_S = 5.0


@pytest.fixture
async def queue(
    backend: str, tmp_path: Path
) -> AsyncIterator[tuple[JobQueue, Database, ManualClock]]:
    async with fresh_database(backend, tmp_path) as url:
        await asyncio.to_thread(upgrade, url)
        db = Database(url)
        clock = ManualClock()
        yield JobQueue(db, clock), db, clock
        await db.dispose()


async def stored_job(db: Database) -> Job:
    async with db.transaction(readonly=True) as uow:
        return (await uow.session.execute(select(Job))).scalar_one()


async def test_a_job_that_fails_twice_gets_three_attempts_with_growing_delays(
    queue: tuple[JobQueue, Database, ManualClock],
) -> None:
    jobs, db, clock = queue
    attempts: list[float] = []

    async def flaky(uow: UnitOfWork, payload: dict[str, Any]) -> None:
        attempts.append(clock.monotonic())
        if len(attempts) < 3:
            raise RuntimeError(f"try {len(attempts)} failed")

    jobs.register("test.flaky", flaky)
    async with db.transaction() as uow:
        await jobs.enqueue(uow, "test.flaky", {})
    assert await jobs.run_due() == 1
    clock.advance(backoff(1).total_seconds() - 0.5)
    assert await jobs.run_due() == 0  # not due yet
    clock.advance(0.5)
    assert await jobs.run_due() == 1
    clock.advance(backoff(2).total_seconds())
    assert await jobs.run_due() == 1
    assert [round(b - a, 1) for a, b in pairwise(attempts)] == [2.0, 4.0]
    job = await stored_job(db)
    assert (job.status, job.attempts) == ("done", 3)
    assert job.last_error == "RuntimeError: try 2 failed"


async def test_a_job_that_always_fails_ends_failed_with_its_reason_and_no_effects(
    queue: tuple[JobQueue, Database, ManualClock],
) -> None:
    jobs, db, clock = queue

    async def broken(uow: UnitOfWork, payload: dict[str, Any]) -> None:
        # An effect that must be rolled back with the failed attempt.
        uow.session.add(UserEventCounter(user_id="ghost", last_event_id=1))
        raise ValueError("gateway said no")

    jobs.register("test.broken", broken)
    async with db.transaction() as uow:
        await jobs.enqueue(uow, "test.broken", {"x": 1})
    for _ in range(5):
        await jobs.run_due()
        clock.advance(60)
    job = await stored_job(db)
    assert (job.status, job.attempts) == ("failed", 3)
    assert job.last_error is not None
    assert "gateway said no" in job.last_error
    async with db.transaction(readonly=True) as uow:
        assert (await uow.session.execute(select(UserEventCounter))).first() is None


async def test_a_dedupe_key_stores_a_job_once(
    queue: tuple[JobQueue, Database, ManualClock],
) -> None:
    jobs, db, _ = queue
    ran: list[dict[str, Any]] = []

    async def record(uow: UnitOfWork, payload: dict[str, Any]) -> None:
        ran.append(payload)

    jobs.register("test.once", record)
    for n in range(3):
        async with db.transaction() as uow:
            await jobs.enqueue(uow, "test.once", {"n": n}, dedupe_key="only-one")
    assert await jobs.run_due() == 1
    assert ran == [{"n": 0}]


async def test_an_external_job_runs_outside_a_transaction_and_is_retried(
    queue: tuple[JobQueue, Database, ManualClock],
) -> None:
    jobs, db, clock = queue
    calls: list[dict[str, Any]] = []

    async def send(payload: dict[str, Any]) -> None:
        calls.append(payload)
        if len(calls) == 1:
            raise ConnectionError("gateway down")

    jobs.register_external("test.send", send, concurrency=2)
    async with db.transaction() as uow:
        await jobs.enqueue(uow, "test.send", {"to": "x"})
    assert await jobs.run_due() == 1
    job = await stored_job(db)
    assert (job.status, job.attempts) == ("pending", 1)
    clock.advance(backoff(1).total_seconds())
    assert await jobs.run_due() == 1
    job = await stored_job(db)
    assert (job.status, job.attempts, job.claimed_until) == ("done", 2, None)
    assert calls == [{"to": "x"}, {"to": "x"}]


async def test_a_permanent_failure_is_not_retried(
    queue: tuple[JobQueue, Database, ManualClock],
) -> None:
    jobs, db, clock = queue

    async def refuse(payload: dict[str, Any]) -> None:
        raise PermanentFailure("550 no such mailbox")

    jobs.register_external("test.refuse", refuse, concurrency=1)
    async with db.transaction() as uow:
        await jobs.enqueue(uow, "test.refuse", {})
    await jobs.run_due()
    clock.advance(3600)
    assert await jobs.run_due() == 0
    job = await stored_job(db)
    assert (job.status, job.attempts) == ("failed", 1)
    assert job.last_error == "PermanentFailure: 550 no such mailbox"


async def test_an_abandoned_lease_is_taken_over(
    queue: tuple[JobQueue, Database, ManualClock],
) -> None:
    jobs, db, clock = queue
    done: list[str] = []

    async def send(payload: dict[str, Any]) -> None:
        done.append("sent")

    jobs.register_external("test.lease", send, concurrency=1)
    async with db.transaction() as uow:
        await jobs.enqueue(uow, "test.lease", {})
    # Another node leased the job and died before recording anything.
    async with db.transaction() as uow:
        job = (await uow.session.execute(select(Job))).scalar_one()
        job.status = "running"
        job.claimed_until = clock.now() + LEASE
    assert await jobs.run_due() == 0
    clock.advance(LEASE.total_seconds() + 1)
    assert await jobs.run_due() == 1
    assert done == ["sent"]
    assert (await stored_job(db)).status == "done"


async def test_with_the_loop_running_a_job_due_now_runs_right_after_its_commit(
    queue: tuple[JobQueue, Database, ManualClock],
) -> None:
    jobs, db, clock = queue
    ran = asyncio.Event()

    async def wave(uow: UnitOfWork, payload: dict[str, Any]) -> None:
        ran.set()

    jobs.register("test.now", wave)
    jobs.start()
    try:
        async with db.transaction() as uow:
            await jobs.enqueue(uow, "test.now", {})
            job = (await uow.session.execute(select(Job))).scalar_one()
            # Leased to this process: no loop takes it while it waits for the commit.
            assert (job.status, job.claimed_until) == ("running", clock.now() + RUN_HERE_LEASE)
        # The manual clock never moves: only the run after the commit can have done it.
        await asyncio.wait_for(ran.wait(), timeout=10)
    finally:
        await jobs.stop()
    job = await stored_job(db)
    assert (job.status, job.attempts) == ("done", 1)


async def test_a_job_due_now_whose_process_stopped_first_is_taken_over_after_the_lease(
    queue: tuple[JobQueue, Database, ManualClock],
) -> None:
    jobs, db, clock = queue
    runs: list[str] = []

    async def wave(uow: UnitOfWork, payload: dict[str, Any]) -> None:
        runs.append(payload["q"])

    jobs.register("test.now", wave)
    jobs.start()
    async with db.transaction() as uow:
        await jobs.enqueue(uow, "test.now", {"q": "q1"})
        await jobs.stop()  # the process goes away before its commit's follow-up ran
    other_node = JobQueue(db, clock)
    other_node.register("test.now", wave)
    assert await other_node.run_due() == 0  # still leased
    clock.advance(RUN_HERE_LEASE.total_seconds() + 1)
    assert await other_node.run_due() == 1
    assert await other_node.run_due() == 0
    assert runs == ["q1"]
    job = await stored_job(db)
    assert (job.status, job.attempts) == ("done", 1)


async def test_a_wake_up_that_meets_the_stop_does_not_keep_the_loop_running(
    queue: tuple[JobQueue, Database, ManualClock],
) -> None:
    # Python 3.11's `wait_for` returned the wake-up and dropped a cancel that came in the
    # same turn of the event loop: in a CI run a node that was told to stop as another
    # node's new question woke it kept running waves and never finished its shutdown.
    jobs, _, _ = queue
    jobs.start()
    await asyncio.wait_for(jobs.idle.wait(), STOP_WITHIN_S)
    jobs.wake()
    stopping = asyncio.create_task(jobs.stop())
    done, _ = await asyncio.wait({stopping}, timeout=STOP_WITHIN_S)
    assert stopping in done, "the job loop still runs after stop()"
