"""`GET /api/regions` (names in Korean and English) and `GET /api/regions/{code}` (stats)."""

from __future__ import annotations

from dataclasses import asdict

from fastapi import APIRouter

from dongne.api.deps import RuntimeDep
from dongne.kit.errors import DongneError, ErrorCode
from dongne.monitoring.schemas import FiguresOut, StatsWindow
from dongne.regions.schemas import RegionList, RegionOut, RegionStats

router = APIRouter(prefix="/api/regions", tags=["regions"])


@router.get("", response_model=RegionList)
async def regions(runtime: RuntimeDep) -> RegionList:
    return RegionList(
        regions=[RegionOut.model_validate(asdict(region)) for region in runtime.regions.regions()]
    )


@router.get("/{code}", response_model=RegionStats)
async def region(code: str, runtime: RuntimeDep) -> RegionStats:
    found = runtime.regions.get(code)
    if found is None:
        raise DongneError(ErrorCode.NOT_FOUND, "지역을 찾을 수 없어요 (Region not found)")
    async with runtime.db.transaction(readonly=True) as uow:
        stats = await runtime.monitoring.stats(uow, StatsWindow.DAY)
    figures = next(r for r in stats.regions if r.code == code)
    return RegionStats(
        **asdict(found),
        last_24h=FiguresOut.model_validate(
            figures.model_dump(include=set(FiguresOut.model_fields))
        ),
    )
