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


class LiveCounts(WireModel):
    """An area right now: who is online in it and how many questions were just asked."""

    online_locals: int
    online_travelers: int
    questions_last15m: int = Field(alias="questionsLast15m")
    questions_last60m: int = Field(alias="questionsLast60m")
    hot: bool


class RegionLive(RegionStats):
    """`GET /api/regions/{code}`: the stored figures plus the live counts (never cached)."""

    live: LiveCounts


class HotspotOut(LiveCounts):
    code: str
    name: str  # Korean, as in `hotspot_update`
    name_en: str
    category: str
    lat: float
    lng: float
    region_code: str


class HotspotList(WireModel):
    """`GET /api/hotspots`: every hotspot with its live counts; `radiusMeters` defines "near"."""

    radius_meters: float
    hotspots: list[HotspotOut]


class HotspotUpdate(WireModel):
    """`hotspot_update` to the admin room when an area turns hot or cools down."""

    kind: str
    code: str
    name: str
    name_en: str
    questions_last15m: int = Field(alias="questionsLast15m")
    questions_last60m: int = Field(alias="questionsLast60m")
    online_locals: int
    online_travelers: int
    hot: bool
    # How many questions a 15-minute window usually has here (the comparison behind `hot`).
    usual_last15m: float = Field(alias="usualLast15m")
    lat: float | None = None
    lng: float | None = None


class LocalsNeeded(WireModel):
    """`locals_needed` to the admin room: a hot area with too few locals online."""

    kind: str
    code: str
    name: str
    name_en: str
    questions_last15m: int = Field(alias="questionsLast15m")
    online_locals: int
