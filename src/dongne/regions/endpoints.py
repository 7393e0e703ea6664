"""`GET /api/regions` (names in Korean and English), `GET /api/regions/{code}` (stats and
live counts) and `GET /api/hotspots` (live counts and the hot flag of every hotspot)."""

from __future__ import annotations

from dataclasses import asdict

from fastapi import APIRouter

from dongne.api.deps import ClaimsDep, RuntimeDep
from dongne.kit.errors import DongneError, ErrorCode
from dongne.kit.messages import MessageKey, text
from dongne.monitoring.schemas import FiguresOut
from dongne.regions.schemas import HotspotList, RegionList, RegionLive, RegionOut, RegionStats

router = APIRouter(prefix="/api/regions", tags=["regions"])
hotspots_router = APIRouter(prefix="/api/hotspots", tags=["regions"])


@router.get("", response_model=RegionList)
async def regions(runtime: RuntimeDep) -> RegionList:
    return RegionList(
        regions=[RegionOut.model_validate(asdict(region)) for region in runtime.regions.regions()]
    )


@router.get("/{code}", response_model=RegionLive)
async def region(code: str, runtime: RuntimeDep) -> RegionLive:
    stored = await _stored_stats(code, runtime)
    # Read on every request: live counts change with each move and question.
    return RegionLive(**stored.model_dump(), live=await runtime.hotspots.region_live(code))


async def _stored_stats(code: str, runtime: RuntimeDep) -> RegionStats:
    found = runtime.regions.get(code)
    if found is None:
        raise DongneError(ErrorCode.NOT_FOUND, text(MessageKey.REGION_NOT_FOUND))
    async with runtime.db.transaction(readonly=True) as uow:
        stats = await runtime.monitoring.last_day_cached(uow)
    figures = next(r for r in stats.regions if r.code == code)
    return RegionStats(
        **asdict(found),
        last_24h=FiguresOut.model_validate(
            figures.model_dump(include=set(FiguresOut.model_fields))
        ),
    )


# Signed-in users only: a count of locals near one spot says more about people than a
# region's does.
@hotspots_router.get("", response_model=HotspotList)
async def hotspots(runtime: RuntimeDep, _claims: ClaimsDep) -> HotspotList:
    return await runtime.hotspots.hotspot_list()
