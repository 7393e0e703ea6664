"""`/health` (the process answers) and `/ready` (its database, and Redis if configured, answer)."""

from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from dongne.api.deps import ClaimsDep, RuntimeDep
from dongne.escalation.schemas import Burden
from dongne.monitoring.schemas import Stats, StatsWindow, WaitingQuestions
from dongne.monitoring.service import WINDOWS

router = APIRouter(tags=["operations"])


@router.get("/health")
async def health() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/ready")
async def ready(runtime: RuntimeDep) -> JSONResponse:
    names = list(runtime.readiness_checks)
    results = await asyncio.gather(*(check() for check in runtime.readiness_checks.values()))
    checks = {name: "ok" if ok else "unavailable" for name, ok in zip(names, results, strict=True)}
    ready_now = all(results)
    return JSONResponse(
        {"status": "ready" if ready_now else "not_ready", "checks": checks},
        status_code=200 if ready_now else 503,
    )


@router.get("/metrics")
async def metrics() -> Response:
    """Prometheus text of this process."""
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)


class AdminStats(Stats):
    """`GET /api/admin/stats`: the 10-minute figures and what routing costs the locals."""

    burden: Burden


@router.get("/api/admin/stats", response_model=AdminStats)
async def stats(
    claims: ClaimsDep,
    runtime: RuntimeDep,
    window: Annotated[StatsWindow, Query()] = StatsWindow.DAY,
) -> AdminStats:
    """The 10-minute figures over a window, from stored questions (so every node agrees),
    and the burden of question notifications on locals over the same window."""
    async with runtime.db.transaction(readonly=True) as uow:
        await runtime.users.require_admin(uow, claims.user_id)
        figures = await runtime.monitoring.stats(uow, window)
        burden = await runtime.escalation.burden(uow, WINDOWS[window])
    return AdminStats(**figures.model_dump(), burden=burden)


@router.get("/api/admin/questions/waiting", response_model=WaitingQuestions)
async def waiting(
    claims: ClaimsDep,
    runtime: RuntimeDep,
    limit: Annotated[int, Query(ge=1, le=100)] = 10,
) -> WaitingQuestions:
    """Unanswered questions, the longest waiting first (by default as many as
    `metrics-update` lists)."""
    async with runtime.db.transaction(readonly=True) as uow:
        await runtime.users.require_admin(uow, claims.user_id)
        questions = await runtime.monitoring.waiting_longest(uow, limit)
    return WaitingQuestions(generated_at=runtime.clock.now(), questions=questions)
