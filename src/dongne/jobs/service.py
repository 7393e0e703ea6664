"""The job queue: enqueue inside a transaction, run due jobs, retry failures with backoff.

Two kinds of handler:
- transactional (escalation waves): the job runs in the same transaction that marks it
  done, so its database effects and its completion commit together; a crash before the
  commit leaves it pending and it runs again (its emits are sent only after the commit);
- external (push, email, SMS): a short transaction leases the job, the send happens with
  no transaction open (a slow gateway must not hold SQLite's write lock), and another
  short transaction records the outcome; a lease that runs out is taken over.

A transactional job due at once (a question's IMMEDIATE wave) is run by the process that
enqueued it, right after the enqueuing transaction commits, in a task of its own: a
question's first notifications do not wait for the loop's next pass or queue behind the
jobs it is working through. Such a job is stored leased to that process for a few
seconds; the loops take it over only if the lease runs out.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

import structlog

from dongne.infra.metrics import JOB_LAG_SECONDS, JOBS
from dongne.jobs.repository import DONE, FAILED, PENDING, RUNNING, JobRepository
from dongne.kit.background import stop_task
from dongne.kit.clock import Clock
from dongne.kit.db import Database, UnitOfWork
from dongne.kit.ids import new_id
from dongne.models.jobs import Job

log = structlog.get_logger("dongne.jobs")

JobHandler = Callable[[UnitOfWork, dict[str, Any]], Awaitable[None]]
ExternalHandler = Callable[[dict[str, Any]], Awaitable[None]]
Chore = Callable[[UnitOfWork], Awaitable[object]]


class PermanentFailure(Exception):
    """Raised by a handler when retrying cannot help (the address was refused for good)."""


MAX_ATTEMPTS = 3
BACKOFF_BASE_S = 2.0
# Without a wake-up (another node enqueued), pending work is noticed within this time.
IDLE_POLL_S = 1.0
LEASE = timedelta(minutes=2)
# A job this process runs right after its commit: if it has not run by then (the process
# died, or is far behind), the loops take it over.
RUN_HERE_LEASE = timedelta(seconds=10)
BATCH = 50


def backoff(attempts: int) -> timedelta:
    """2 s, 4 s, 8 s … after the 1st, 2nd, 3rd failure."""
    return timedelta(seconds=BACKOFF_BASE_S * 2 ** (attempts - 1))


class JobQueue:
    def __init__(self, db: Database, clock: Clock, *, lease: timedelta = LEASE) -> None:
        self._db = db
        self._clock = clock
        # How long an external send may take before another process takes the job over.
        self._lease = lease
        self._handlers: dict[str, JobHandler] = {}
        self._external: dict[str, tuple[ExternalHandler, asyncio.Semaphore]] = {}
        self._in_flight: set[asyncio.Task[None]] = set()
        # Idempotent housekeeping every node runs on its own: name -> (interval, chore, next run).
        self._chores: dict[str, tuple[float, Chore, float]] = {}
        self._wake = asyncio.Event()
        # Called after each commit that added jobs (scaled mode: wake the other nodes too).
        self._enqueue_hooks: list[Callable[[], None]] = []
        self._loop_task: asyncio.Task[None] | None = None
        # Set while the loop waits for a wake-up or the next due job.
        self.idle = asyncio.Event()
        self._lock = asyncio.Lock()
        # Set while the loop runs (servers); tests drive due jobs by hand instead.
        self._eager = False

    def register(self, kind: str, handler: JobHandler) -> None:
        self._handlers[kind] = handler

    def register_external(self, kind: str, handler: ExternalHandler, concurrency: int) -> None:
        """At most `concurrency` jobs of this kind run at once in this process."""
        self._external[kind] = (handler, asyncio.Semaphore(concurrency))

    def every(self, interval: timedelta, name: str, chore: Chore) -> None:
        """Runs `chore` in its own transaction now and then every `interval` while the loop runs."""
        self._chores[name] = (interval.total_seconds(), chore, 0.0)

    async def enqueue(
        self,
        uow: UnitOfWork,
        kind: str,
        payload: dict[str, Any],
        *,
        delay: timedelta = timedelta(0),
        priority: int = 0,
        dedupe_key: str | None = None,
    ) -> None:
        now = self._clock.now()
        # Due now: this process runs it as soon as the transaction commits, rather than when
        # a loop next polls. It is stored leased to this process, so no loop takes it while
        # it waits its turn; should the process die first, the lease runs out and any
        # node's loop runs it (claim and completion in one transaction: exactly once).
        run_here = self._eager and delay <= timedelta(0) and kind in self._handlers
        job = Job(
            id=new_id(now),
            kind=kind,
            dedupe_key=dedupe_key,
            payload=payload,
            priority=priority,
            status=RUNNING if run_here else PENDING,
            attempts=0,
            due_at=now + delay,
            claimed_until=now + RUN_HERE_LEASE if run_here else None,
            created_at=now,
        )
        await JobRepository(uow.session).add(job)
        if run_here:
            job_id = job.id
            uow.after_commit(lambda: self._run_soon(job_id))
        else:
            uow.after_commit(self._wake_up)

    async def enqueue_many(
        self, uow: UnitOfWork, kind: str, payloads: list[dict[str, Any]], *, priority: int = 0
    ) -> None:
        """Bulk sends: one insert per batch of 50 jobs, one wake-up."""
        now = self._clock.now()
        jobs = [
            Job(
                id=new_id(now),
                kind=kind,
                dedupe_key=None,
                payload=payload,
                priority=priority,
                status=PENDING,
                attempts=0,
                due_at=now,
                created_at=now,
            )
            for payload in payloads
        ]
        repo = JobRepository(uow.session)
        for start in range(0, len(jobs), BATCH):
            await repo.add_batch(jobs[start : start + BATCH])
        if jobs:
            uow.after_commit(self._wake_up)

    def on_enqueue(self, hook: Callable[[], None]) -> None:
        """`hook` runs after every commit that added jobs; it must not block."""
        self._enqueue_hooks.append(hook)

    async def _wake_up(self) -> None:
        self._wake.set()
        for hook in self._enqueue_hooks:
            hook()

    async def run_due(self, *, wait: bool = True) -> int:
        """Starts every job that is due now; returns how many.

        With `wait`, returns only when the external sends it started have finished too
        (tests); the loop does not wait, so a slow gateway never delays a wave.
        """
        ran = 0
        # One pass at a time in this process; other processes coordinate through row locks.
        async with self._lock:
            while await self._run_one():
                ran += 1
        if wait and self._in_flight:
            await asyncio.gather(*self._in_flight, return_exceptions=True)
        return ran

    async def count_jobs(self, uow: UnitOfWork) -> dict[str, int]:
        """Sets the queue-depth gauge; run as a chore of the loop."""
        counts = await JobRepository(uow.session).count_by_status()
        for status in (PENDING, RUNNING, DONE, FAILED):
            JOBS.labels(status).set(counts.get(status, 0))
        return counts

    async def next_due_at(self) -> datetime | None:
        async with self._db.transaction(readonly=True) as uow:
            return await JobRepository(uow.session).next_due_at()

    def wake(self) -> None:
        self._wake.set()

    def start(self, *, warmup_s: float = 0.0) -> None:
        """Runs the loop. Its first pass waits `warmup_s`: work that came due while no
        process ran, or comes due in the first seconds up, waits for the clients that are
        reconnecting to be counted. A new question's IMMEDIATE wave, run by the process
        that enqueued it, does not wait."""
        self._eager = True
        self._loop_task = asyncio.create_task(self._loop(warmup_s), name="dongne-jobs")

    async def _run_soon(self, job_id: str) -> None:
        if not self._eager:
            return  # stopping: the lease runs out and a loop takes the job over
        task = asyncio.create_task(self._run_claimed(job_id), name="dongne-job-now")
        self._in_flight.add(task)
        task.add_done_callback(self._in_flight.discard)

    async def _run_claimed(self, job_id: str) -> None:
        try:
            await self._run_one(job_id)
        except Exception:
            # Still leased: a loop takes it over when the lease runs out.
            log.exception("job_run_now_failed", job_id=job_id)

    async def stop(self) -> None:
        self._eager = False
        await stop_task(self._loop_task)
        self._loop_task = None
        # Sends under way finish (or their lease lets another node retry them).
        await asyncio.gather(*self._in_flight, return_exceptions=True)

    async def _loop(self, warmup_s: float = 0.0) -> None:
        if warmup_s > 0:
            log.info("jobs_warmup", seconds=warmup_s)
            await asyncio.sleep(warmup_s)
        # Ends when `stop` clears `_eager` too: a cancel swallowed on the way (Python 3.11's
        # `wait_for` dropped one that met a wake-up; a CI run's shutdown then waited for
        # good) must not keep the loop running.
        while self._eager:
            await self._run_chores()
            try:
                await self.run_due(wait=False)
                due = await self.next_due_at()
            except Exception:
                log.exception("job_loop_failed")
                due = None
            wait = IDLE_POLL_S
            if due is not None:
                wait = min(wait, max(0.0, (due - self._clock.now()).total_seconds()))
            self.idle.set()
            try:
                async with asyncio.timeout(wait):
                    await self._wake.wait()
            except TimeoutError:
                pass
            finally:
                self.idle.clear()
            self._wake.clear()

    async def _run_chores(self) -> None:
        now = self._clock.monotonic()
        for name, (interval, chore, next_run) in list(self._chores.items()):
            if now < next_run:
                continue
            # A chore that fails (the database is down) is tried again a little later.
            retry = now + min(interval, IDLE_POLL_S * 30)
            self._chores[name] = (interval, chore, retry)
            try:
                async with self._db.transaction() as uow:
                    await chore(uow)
            except Exception:
                log.exception("chore_failed", chore=name)
            else:
                self._chores[name] = (interval, chore, now + interval)

    async def _run_one(self, only: str | None = None) -> bool:
        """Claims and runs the most urgent due job (or `only` that one, if still pending)."""
        failure: tuple[str, Exception] | None = None
        job_id: str | None = None
        kind = ""
        try:
            async with self._db.transaction() as uow:
                now = self._clock.now()
                repo = JobRepository(uow.session)
                job = await (repo.claim_due(now) if only is None else repo.claim_leased(only))
                if job is None:
                    return False
                job_id, kind, payload = job.id, job.kind, job.payload
                JOB_LAG_SECONDS.labels(kind).observe(max(0.0, (now - job.due_at).total_seconds()))
                if kind in self._external:
                    await repo.lease(job_id, now + self._lease)
                else:
                    handler = self._handlers.get(kind)
                    if handler is None:
                        raise PermanentFailure(f"no handler for job kind {kind!r}")
                    await handler(uow, payload)
                    await repo.mark_done(job_id, self._clock.now())
        except Exception as exc:
            if job_id is None:
                raise  # no job was claimed: a database failure, for the loop to report
            log.exception("job_failed", job_id=job_id, kind=kind)
            failure = (job_id, exc)
        if failure is not None:
            await self._record_failure(*failure)
        elif kind in self._external:
            assert job_id is not None
            task = asyncio.create_task(self._run_external(job_id, kind, payload))
            self._in_flight.add(task)
            task.add_done_callback(self._in_flight.discard)
        return True

    async def _run_external(self, job_id: str, kind: str, payload: dict[str, Any]) -> None:
        handler, slots = self._external[kind]
        async with slots:
            try:
                await handler(payload)
            except Exception as exc:  # noqa: BLE001 - every failed send is recorded and retried
                log.warning("job_attempt_failed", job_id=job_id, kind=kind, error=str(exc))
                await self._record_failure(job_id, exc)
                return
        async with self._db.transaction() as uow:
            await JobRepository(uow.session).mark_done(job_id, self._clock.now())

    async def _record_failure(self, job_id: str, error: Exception) -> None:
        async with self._db.transaction() as uow:
            job = await JobRepository(uow.session).get_for_update(job_id)
            if job is None:
                return
            job.attempts += 1
            job.last_error = f"{type(error).__name__}: {error}"[:2000]
            job.claimed_until = None
            now = self._clock.now()
            if job.attempts >= MAX_ATTEMPTS or isinstance(error, PermanentFailure):
                job.status = FAILED
                job.finished_at = now
            else:
                job.status = PENDING
                job.due_at = now + backoff(job.attempts)
