"""Regions on the wire: `GET /api/regions` and `GET /api/regions/{code}`."""

from __future__ import annotations

from pydantic import Field

from dongne.kit.schema import WireModel
from dongne.monitoring.schemas import FiguresOut


class RegionOut(WireModel):
    code: str
    name_ko: str
    name_en: str
    city: str
    area_km2: float


class RegionList(WireModel):
    regions: list[RegionOut]


class RegionStats(RegionOut):
    """A region with its live figures: the last 24 hours of questions and first answers."""

    last_24h: FiguresOut = Field(alias="last24h")
