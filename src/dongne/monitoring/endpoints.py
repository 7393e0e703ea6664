"""`/health` (the process answers) and `/ready` (its database, and Redis if configured, answer)."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from dongne.api.deps import RuntimeDep

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
