"""The durable jobs of escalation: one seed wave, one router round, the expiry notice."""

from __future__ import annotations

from typing import Any

from dongne.escalation.policy import Wave
from dongne.escalation.service import EXPIRE_JOB, ROUND_JOB, WAVE_JOB, EscalationService
from dongne.jobs.service import JobQueue
from dongne.kit.db import UnitOfWork


def register(jobs: JobQueue, escalation: EscalationService) -> None:
    async def run_wave(uow: UnitOfWork, payload: dict[str, Any]) -> None:
        await escalation.run_wave(uow, str(payload["questionId"]), Wave(payload["wave"]))

    async def run_round(uow: UnitOfWork, payload: dict[str, Any]) -> None:
        await escalation.run_round(uow, str(payload["questionId"]), int(payload["round"]))

    async def expire(uow: UnitOfWork, payload: dict[str, Any]) -> None:
        await escalation.expire(uow, str(payload["questionId"]))

    jobs.register(WAVE_JOB, run_wave)
    jobs.register(EXPIRE_JOB, expire)
    jobs.register(ROUND_JOB, run_round)
