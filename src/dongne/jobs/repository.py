"""SQL of the job table."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from dongne.kit.db import core_table, dialect_insert
from dongne.models.jobs import Job

PENDING = "pending"
RUNNING = "running"
DONE = "done"
FAILED = "failed"


class JobRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, job: Job) -> None:
        """Adds the job; one with the same dedupe key already stored wins and this is dropped."""
        jobs = core_table(Job)
        values = {c.name: getattr(job, c.name) for c in jobs.columns}
        statement = dialect_insert(self._session)(jobs)
        if job.dedupe_key is not None:
            statement = statement.on_conflict_do_nothing(index_elements=[jobs.c.dedupe_key])
        # Values as parameters: the statement's compiled form is cached.
        await self._session.execute(statement, [values])

    async def add_batch(self, jobs: list[Job]) -> None:
        self._session.add_all(jobs)
        await self._session.flush()

    async def claim_due(self, now: datetime) -> Job | None:
        """The most urgent due job, locked for this transaction.

        On PostgreSQL other nodes skip the locked row and take the next; SQLite has one
        writer at a time (BEGIN IMMEDIATE), so the same query is exclusive there too.
        """
        due = and_(Job.status == PENDING, Job.due_at <= now)
        abandoned = and_(Job.status == RUNNING, Job.claimed_until < now)
        query = (
            select(Job)
            .where(or_(due, abandoned))
            .order_by(Job.priority.desc(), Job.due_at, Job.id)
            .limit(1)
            .with_for_update(skip_locked=True)
        )
        return (await self._session.execute(query)).scalar_one_or_none()

    async def claim_leased(self, job_id: str) -> Job | None:
        """This job if it is still leased (not run or retried since) and no other
        transaction holds it."""
        query = (
            select(Job)
            .where(Job.id == job_id, Job.status == RUNNING)
            .with_for_update(skip_locked=True)
        )
        return (await self._session.execute(query)).scalar_one_or_none()

    async def get_for_update(self, job_id: str) -> Job | None:
        query = select(Job).where(Job.id == job_id).with_for_update()
        return (await self._session.execute(query)).scalar_one_or_none()

    async def next_due_at(self) -> datetime | None:
        query = select(Job.due_at).where(Job.status == PENDING).order_by(Job.due_at).limit(1)
        return (await self._session.execute(query)).scalar_one_or_none()

    async def count_by_status(self) -> dict[str, int]:
        query = select(Job.status, func.count()).group_by(Job.status)
        return {status: count for status, count in await self._session.execute(query)}
