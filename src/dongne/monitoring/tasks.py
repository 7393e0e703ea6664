"""Jobs of monitoring: the 10-minute check of each question, and the alert webhook."""

from __future__ import annotations

from typing import Any

import httpx

from dongne.jobs.service import JobQueue, PermanentFailure
from dongne.kit.db import UnitOfWork
from dongne.monitoring.service import SLOW_CHECK_JOB, WEBHOOK_JOB, MonitoringService

WEBHOOK_TIMEOUT_S = 10.0


def register(jobs: JobQueue, monitoring: MonitoringService, webhook_url: str | None) -> None:
    async def check(uow: UnitOfWork, payload: dict[str, Any]) -> None:
        await monitoring.check_slow(uow, str(payload["questionId"]))

    jobs.register(SLOW_CHECK_JOB, check)
    if webhook_url is None:
        return

    async def post(payload: dict[str, Any]) -> None:
        async with httpx.AsyncClient(timeout=WEBHOOK_TIMEOUT_S) as http:
            response = await http.post(webhook_url, json=payload)
        if 400 <= response.status_code < 500 and response.status_code not in (408, 429):
            raise PermanentFailure(f"webhook refused: {response.status_code}")
        response.raise_for_status()

    jobs.register_external(WEBHOOK_JOB, post, concurrency=2)
