"""Jobs of monitoring: the 10-minute check of each question. (The alert webhook is a
channel of the notification service: notifications/delivery.py.)"""

from __future__ import annotations

from typing import Any

from dongne.jobs.service import JobQueue
from dongne.kit.db import UnitOfWork
from dongne.monitoring.service import SLOW_CHECK_JOB, MonitoringService


def register(jobs: JobQueue, monitoring: MonitoringService) -> None:
    async def check(uow: UnitOfWork, payload: dict[str, Any]) -> None:
        await monitoring.check_slow(uow, str(payload["questionId"]))

    jobs.register(SLOW_CHECK_JOB, check)
