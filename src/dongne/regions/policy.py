"""Which Jeju region a position falls in, which hotspots are near, and when an area is hot.

Pure: the only I/O is reading the packaged data files once, at construction.
"""

from __future__ import annotations

import functools
import json
import math
from dataclasses import dataclass
from enum import StrEnum
from importlib import resources
from typing import Any

import numpy as np
import numpy.typing as npt
import shapely

from dongne.kit.geo import EARTH_RADIUS_M, bounding_box, haversine_m

REGIONS_FILE = "jeju_regions.geojson"
HOTSPOTS_FILE = "jeju_hotspots.json"

# A position this close to a region but outside every polygon is still "in" it: the
# boundaries are generalised to tens of metres at the coast (see data/SOURCES.md), and
# GPS on a beach, a pier or a boat near the shore must not read as "outside Jeju".
NEAREST_MAX_M = 1_000.0

# Centre of the local metric frame. An equirectangular projection is exact along this
# parallel; Jeju spans 33.1-34.0 N, where the east-west scale error stays under 0.6 %
# (about 6 m at the 1 km cut-off) -- far below the boundaries' own accuracy.
_LAT0 = 33.4
_LNG0 = 126.55
_M_PER_DEG_Y = math.radians(1.0) * EARTH_RADIUS_M
_M_PER_DEG_X = _M_PER_DEG_Y * math.cos(math.radians(_LAT0))


class AreaKind(StrEnum):
    """What an area of live concentration is (the `kind` of `hotspot_update`)."""

    HOTSPOT = "hotspot"
    REGION = "region"


def area_key(kind: AreaKind, code: str) -> str:
    return f"{kind.value}:{code}"


def parse_area_key(key: str) -> tuple[AreaKind, str]:
    kind, _, code = key.partition(":")
    return AreaKind(kind), code


@dataclass(frozen=True, slots=True)
class HotRule:
    """When an area is hot: questions of the last 15 minutes well above its usual rate.

    Entering takes at least `min_questions` and `ratio` times the usual count of a
    15-minute window; once hot, the area stays hot until it falls below `cool_fraction`
    of both, so an area hovering at the threshold does not flap on the dashboard.
    """

    min_questions: int = 5
    ratio: float = 3.0
    cool_fraction: float = 0.5

    def __post_init__(self) -> None:
        if self.min_questions < 1 or not self.ratio >= 1.0 or not 0 < self.cool_fraction <= 1:
            raise ValueError(f"invalid hot rule: {self}")

    def is_hot(self, recent: int, usual: float, *, was_hot: bool) -> bool:
        """`recent`: questions in the last window; `usual`: the usual count of a window."""
        scale = self.cool_fraction if was_hot else 1.0
        return recent >= self.min_questions * scale and recent >= self.ratio * usual * scale


def usual_per_window(count: int, span_s: float, window_s: float) -> float:
    """The usual number of questions in one window, from `count` asked over `span_s`."""
    if span_s <= 0:
        raise ValueError(f"span must be positive, got {span_s!r}")
    return count * window_s / span_s


def needs_locals(online_locals: int, *, fewer_than: int) -> bool:
    """A hot area with fewer online locals than this needs admins to find answerers."""
    return online_locals < fewer_than


@dataclass(frozen=True, slots=True)
class Region:
    code: str
    name_ko: str
    name_en: str
    city: str
    area_km2: float
    in_spec_11: bool


@dataclass(frozen=True, slots=True)
class Hotspot:
    id: str
    name_ko: str
    name_en: str
    category: str
    lat: float
    lng: float
    region: str


def _project(coords: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """lon/lat degrees -> metres east/north of the frame centre (shapely.transform callback)."""
    return np.column_stack(
        ((coords[:, 0] - _LNG0) * _M_PER_DEG_X, (coords[:, 1] - _LAT0) * _M_PER_DEG_Y)
    )


class RegionMap:
    """Region polygons, prepared and projected to a local metric frame for fast lookups.

    Build one with `load()` (or share `default_region_map()`); it is immutable and safe
    to use from any thread or task.
    """

    def __init__(self, features: list[dict[str, Any]], hotspots: list[dict[str, Any]]) -> None:
        """`features`: GeoJSON features with the packaged properties; `hotspots`: records."""
        regions: list[Region] = []
        geoms: list[Any] = []
        for feature in features:
            props = feature["properties"]
            regions.append(
                Region(
                    code=str(props["code"]),
                    name_ko=str(props["name_ko"]),
                    name_en=str(props["name_en"]),
                    city=str(props["city"]),
                    area_km2=float(props["area_km2"]),
                    in_spec_11=bool(props["in_spec_11"]),
                )
            )
            geom = shapely.from_geojson(json.dumps(feature["geometry"]))
            # The projection is affine, so it keeps validity and point-in-polygon answers;
            # doing it once here means every query measures in plain metres.
            geoms.append(shapely.transform(geom, _project))
        if not regions:
            raise ValueError("no regions")
        self._regions = tuple(regions)
        self._by_code = {r.code: r for r in regions}
        if len(self._by_code) != len(regions):
            raise ValueError("duplicate region codes")

        self._geoms = np.array(geoms, dtype=object)
        shapely.prepare(self._geoms)
        # Plain tuples scanned in Python: for 14 regions this beats an STRtree, whose
        # per-call overhead alone (about 12 µs for query_nearest) exceeds the whole scan.
        self._bounds = [
            (float(b[0]), float(b[1]), float(b[2]), float(b[3]))
            for b in shapely.bounds(self._geoms)
        ]
        self._near_bounds = [
            (x0 - NEAREST_MAX_M, y0 - NEAREST_MAX_M, x1 + NEAREST_MAX_M, y1 + NEAREST_MAX_M)
            for x0, y0, x1, y1 in self._bounds
        ]

        spots: list[Hotspot] = []
        for rec in hotspots:
            spot = Hotspot(
                id=str(rec["id"]),
                name_ko=str(rec["name_ko"]),
                name_en=str(rec["name_en"]),
                category=str(rec["category"]),
                lat=float(rec["lat"]),
                lng=float(rec["lng"]),
                region=str(rec["region"]),
            )
            if spot.region not in self._by_code:
                raise ValueError(f"hotspot {spot.id!r} names unknown region {spot.region!r}")
            spots.append(spot)
        self._hotspots = tuple(spots)
        self._hotspot_by_id = {h.id: h for h in spots}
        if len(self._hotspot_by_id) != len(spots):
            raise ValueError("duplicate hotspot ids")

    @classmethod
    def load(cls) -> RegionMap:
        """Build from the data files packaged in `dongne/regions/data/`."""
        data = resources.files("dongne.regions") / "data"
        regions_doc = json.loads((data / REGIONS_FILE).read_text(encoding="utf-8"))
        hotspots_doc = json.loads((data / HOTSPOTS_FILE).read_text(encoding="utf-8"))
        return cls(regions_doc["features"], hotspots_doc["hotspots"])

    def locate(self, lat: float, lng: float) -> Region | None:
        """The region containing the point; else the nearest one within 1 km; else None.

        A point on a border shared by two regions goes to the one listed first in the
        data file, so the answer never depends on floating-point luck. Invalid input
        (NaN, out of range) gives None.

        Measured on the packaged data (14 regions, 2,054 vertices), CPython 3.11.7,
        shapely 2.2 / GEOS 3.14, one core of a shared 2-core VM: 4-7 µs for a point
        inside a region, 10-14 µs for one just offshore (nearest-region path), under
        1 µs far from Jeju. Over 11,400 random points within ~3 km of the hotspots:
        median 4-7 µs, p99 20-32 µs (range over runs).
        """
        x = (lng - _LNG0) * _M_PER_DEG_X
        y = (lat - _LAT0) * _M_PER_DEG_Y
        # NaN fails every comparison, so invalid input ends up with no candidates.
        near = [
            i
            for i, (x0, y0, x1, y1) in enumerate(self._near_bounds)
            if x0 <= x <= x1 and y0 <= y <= y1
        ]
        if not near:
            return None
        for i in near:
            x0, y0, x1, y1 = self._bounds[i]
            # intersects, not contains: a point on the boundary counts as inside.
            if x0 <= x <= x1 and y0 <= y <= y1 and shapely.intersects_xy(self._geoms[i], x, y):
                return self._regions[i]
        distances = shapely.distance(self._geoms[near], shapely.Point(x, y))
        # argmin takes the first of equal minima, keeping ties in file order.
        k = int(np.argmin(distances))
        if distances[k] > NEAREST_MAX_M:
            return None
        return self._regions[near[k]]

    def regions(self) -> list[Region]:
        """All regions, in data-file order."""
        return list(self._regions)

    def get(self, code: str) -> Region | None:
        return self._by_code.get(code)

    def hotspots(self) -> list[Hotspot]:
        """All hotspots, in data-file order."""
        return list(self._hotspots)

    def hotspot(self, hotspot_id: str) -> Hotspot | None:
        return self._hotspot_by_id.get(hotspot_id)

    def hotspots_within(self, lat: float, lng: float, radius_m: float) -> list[Hotspot]:
        """Hotspots at most `radius_m` from the point (inclusive), in data-file order."""
        if not (math.isfinite(lat) and math.isfinite(lng)):
            return []
        # A metre of slack: at exactly the radius, rounding could put the box's edge a hair
        # inside a point that the exact distance below keeps.
        min_lat, min_lng, max_lat, max_lng = bounding_box(lat, lng, radius_m + 1.0)
        return [
            h
            for h in self._hotspots
            if min_lat <= h.lat <= max_lat
            and min_lng <= h.lng <= max_lng
            and haversine_m(lat, lng, h.lat, h.lng) <= radius_m
        ]

    def areas_at(self, lat: float, lng: float, hotspot_radius_m: float) -> frozenset[str]:
        """Keys of every area the point counts in: its region and each nearby hotspot."""
        region = self.locate(lat, lng)
        keys = {
            area_key(AreaKind.HOTSPOT, h.id)
            for h in self.hotspots_within(lat, lng, hotspot_radius_m)
        }
        if region is not None:
            keys.add(area_key(AreaKind.REGION, region.code))
        return frozenset(keys)

    def area_keys(self) -> list[str]:
        """Every area's key: regions first, then hotspots, each in data-file order."""
        return [area_key(AreaKind.REGION, r.code) for r in self._regions] + [
            area_key(AreaKind.HOTSPOT, h.id) for h in self._hotspots
        ]


@functools.lru_cache(maxsize=1)
def default_region_map() -> RegionMap:
    """The map built from the packaged data, built on first use and then shared."""
    return RegionMap.load()
