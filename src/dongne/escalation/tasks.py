"""The durable job that runs one escalation wave."""

from __future__ import annotations

from typing import Any

from dongne.escalation.policy import Wave
from dongne.escalation.service import WAVE_JOB, EscalationService
from dongne.jobs.service import JobQueue
from dongne.kit.db import UnitOfWork


def register(jobs: JobQueue, escalation: EscalationService) -> None:
    async def run_wave(uow: UnitOfWork, payload: dict[str, Any]) -> None:
        await escalation.run_wave(uow, str(payload["questionId"]), Wave(payload["wave"]))

    jobs.register(WAVE_JOB, run_wave)
