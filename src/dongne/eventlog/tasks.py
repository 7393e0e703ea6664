"""Housekeeping of the event log: events past their retention are dropped hourly."""

from __future__ import annotations

from datetime import timedelta

from dongne.eventlog.service import EventLogService
from dongne.jobs.service import JobQueue
from dongne.kit.db import UnitOfWork

PRUNE_EVERY = timedelta(hours=1)


def register(jobs: JobQueue, event_log: EventLogService, retention: timedelta) -> None:
    async def prune(uow: UnitOfWork) -> int:
        return await event_log.prune(uow, retention)

    jobs.every(PRUNE_EVERY, "eventlog.prune", prune)
