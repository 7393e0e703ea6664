"""SQL of the job table."""

from __future__ import annotations

from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import and_, bindparam, func, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from dongne.kit.db import PerDialect, column_values, core_table
from dongne.models.base import UTCDateTime
from dongne.models.jobs import Job

PENDING = "pending"
RUNNING = "running"
DONE = "done"
FAILED = "failed"

# The job loop runs these on every pass and every job adds one: built once (kit/db.py
# PerDialect says why).
_jobs = core_table(Job)
_ADD = insert(_jobs)
_ADD_UNLESS_DEDUPED = PerDialect(
    lambda insert: insert(_jobs).on_conflict_do_nothing(index_elements=[_jobs.c.dedupe_key])
)
_now = bindparam("now", type_=UTCDateTime())
# Core rows, not entities: a claimed job is read once and settled by one UPDATE.
_CLAIMED_COLUMNS = (_jobs.c.id, _jobs.c.kind, _jobs.c.payload, _jobs.c.due_at)
# On PostgreSQL other nodes skip the locked row and take the next; SQLite has one writer at
# a time (BEGIN IMMEDIATE), so the same query is exclusive there too.
_CLAIM_DUE = (
    select(*_CLAIMED_COLUMNS)
    .where(
        or_(
            and_(_jobs.c.status == PENDING, _jobs.c.due_at <= _now),
            # abandoned by a crash
            and_(_jobs.c.status == RUNNING, _jobs.c.claimed_until < _now),
        )
    )
    .order_by(_jobs.c.priority.desc(), _jobs.c.due_at, _jobs.c.id)
    .limit(1)
    .with_for_update(skip_locked=True)
)
_CLAIM_LEASED = (
    select(*_CLAIMED_COLUMNS)
    .where(_jobs.c.id == bindparam("job_id"), _jobs.c.status == RUNNING)
    .with_for_update(skip_locked=True)
)
_LEASE = (
    update(_jobs)
    .where(_jobs.c.id == bindparam("job_id"))
    .values(status=RUNNING, claimed_until=bindparam("until", type_=UTCDateTime()))
)
_MARK_DONE = (
    update(_jobs)
    .where(_jobs.c.id == bindparam("job_id"))
    .values(status=DONE, attempts=_jobs.c.attempts + 1, finished_at=_now, claimed_until=None)
)
_NEXT_DUE_AT = select(Job.due_at).where(Job.status == PENDING).order_by(Job.due_at).limit(1)


class ClaimedJob(NamedTuple):
    id: str
    kind: str
    payload: dict[str, Any]
    due_at: datetime


class JobRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, job: Job) -> None:
        """Adds the job; one with the same dedupe key already stored wins and this is dropped."""
        values = column_values(_jobs, job)
        statement = _ADD if job.dedupe_key is None else _ADD_UNLESS_DEDUPED.of(self._session)
        await self._session.execute(statement, [values])

    async def add_batch(self, jobs: list[Job]) -> None:
        self._session.add_all(jobs)
        await self._session.flush()

    async def claim_due(self, now: datetime) -> ClaimedJob | None:
        """The most urgent due job (or one whose lease ran out), locked for this transaction."""
        return _claimed((await self._session.execute(_CLAIM_DUE, {"now": now})).one_or_none())

    async def claim_leased(self, job_id: str) -> ClaimedJob | None:
        """This job if it is still leased (not run or retried since) and no other
        transaction holds it."""
        result = await self._session.execute(_CLAIM_LEASED, {"job_id": job_id})
        return _claimed(result.one_or_none())

    async def lease(self, job_id: str, until: datetime) -> None:
        await self._session.execute(_LEASE, {"job_id": job_id, "until": until})

    async def mark_done(self, job_id: str, now: datetime) -> None:
        await self._session.execute(_MARK_DONE, {"job_id": job_id, "now": now})

    async def get_for_update(self, job_id: str) -> Job | None:
        query = select(Job).where(Job.id == job_id).with_for_update()
        return (await self._session.execute(query)).scalar_one_or_none()

    async def next_due_at(self) -> datetime | None:
        return (await self._session.execute(_NEXT_DUE_AT)).scalar_one_or_none()

    async def count_by_status(self) -> dict[str, int]:
        query = select(Job.status, func.count()).group_by(Job.status)
        return {status: count for status, count in await self._session.execute(query)}


def _claimed(row: Any) -> ClaimedJob | None:
    return None if row is None else ClaimedJob(*row)
