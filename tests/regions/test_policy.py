"""Region lookup on the packaged Jeju data."""

from __future__ import annotations

import json
import math
from importlib import resources
from typing import Any

import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from dongne.kit.geo import EARTH_RADIUS_M
from dongne.regions.policy import NEAREST_MAX_M, RegionMap, default_region_map

REGIONS = default_region_map()
SEED_ELEVEN = {
    "aewol",
    "hallim",
    "jeju",
    "jocheon",
    "gujwa",
    "seongsan",
    "pyoseon",
    "namwon",
    "seogwipo",
    "andeok",
    "daejeong",
}


def test_all_fourteen_regions_and_the_seeds_eleven() -> None:
    codes = {region.code for region in REGIONS.regions()}
    assert len(codes) == 14
    assert codes >= SEED_ELEVEN
    assert {"hangyeong", "udo", "chuja"} <= codes
    assert REGIONS.get("seongsan") is not None
    assert REGIONS.get("seoul") is None


@pytest.mark.parametrize("hotspot", REGIONS.hotspots(), ids=lambda h: h.id)
def test_every_hotspot_resolves_to_its_listed_region(hotspot: object) -> None:
    region = REGIONS.locate(hotspot.lat, hotspot.lng)  # type: ignore[attr-defined]
    assert region is not None
    assert region.code == hotspot.region  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("lat", "lng", "code"),
    [
        (33.4996, 126.5312, "jeju"),  # Jeju City centre
        (33.2541, 126.5601, "seogwipo"),  # Seogwipo downtown
        (33.4630, 126.3100, "aewol"),
        (33.3926, 126.2397, "hallim"),
    ],
)
def test_inland_points(lat: float, lng: float, code: str) -> None:
    region = REGIONS.locate(lat, lng)
    assert region is not None
    assert region.code == code


def test_just_off_the_coast_takes_the_nearest_region() -> None:
    peak = REGIONS.hotspot("seongsan_ilchulbong")
    assert peak is not None
    # About 500 m east of the peak's crater, in the sea.
    region = REGIONS.locate(peak.lat, peak.lng + 0.0075)
    assert region is not None
    assert region.code == "seongsan"


@pytest.mark.parametrize(
    ("lat", "lng"),
    [(33.2, 127.05), (37.5665, 126.9780), (0.0, 0.0), (float("nan"), 126.5), (33.0, 126.2)],
    ids=["5-km-at-sea", "seoul", "null-island", "nan", "south-sea"],
)
def test_far_from_every_region_is_outside_jeju(lat: float, lng: float) -> None:
    assert REGIONS.locate(lat, lng) is None


# --- An independent reference: the raw packaged GeoJSON in lon/lat, no projection. ---
# Distances are great-circle distances to boundary points sampled every ~10 m, so they
# share no code with the metric frame that RegionMap uses.

_DATA = resources.files("dongne.regions") / "data"
_FEATURES: list[dict[str, Any]] = json.loads(
    (_DATA / "jeju_regions.geojson").read_text(encoding="utf-8")
)["features"]
_CODES = [f["properties"]["code"] for f in _FEATURES]
_GEOMS = [shapely.from_geojson(json.dumps(f["geometry"])) for f in _FEATURES]
_SAMPLES = [
    shapely.get_coordinates(shapely.segmentize(shapely.boundary(g), 0.0001)) for g in _GEOMS
]


def _containing(lat: float, lng: float) -> list[str]:
    return [c for c, g in zip(_CODES, _GEOMS, strict=True) if shapely.intersects_xy(g, lng, lat)]


def _distances_m(lat: float, lng: float) -> dict[str, float]:
    out = {}
    phi1 = math.radians(lat)
    for code, pts in zip(_CODES, _SAMPLES, strict=True):
        phi2 = np.radians(pts[:, 1])
        dlmb = np.radians(pts[:, 0] - lng)
        a = np.sin((phi2 - phi1) / 2) ** 2 + math.cos(phi1) * np.cos(phi2) * np.sin(dlmb / 2) ** 2
        out[code] = float((2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(a))).min())
    return out


def _offshore_m(lat: float, lng: float) -> float:
    assert not _containing(lat, lng), "premise: the point must be outside every polygon"
    return min(_distances_m(lat, lng).values())


def test_regions_follow_file_order_and_flag_the_seeds_eleven() -> None:
    regions = REGIONS.regions()
    assert [r.code for r in regions] == _CODES
    assert {r.code for r in regions if r.in_spec_11} == SEED_ELEVEN
    jeju = REGIONS.get("jeju")
    assert jeju is not None
    assert (jeju.name_ko, jeju.name_en, jeju.city) == ("제주시", "Jeju City", "jeju-si")
    assert all(r.area_km2 > 0 for r in regions)


def test_hotspot_lookup() -> None:
    spots = REGIONS.hotspots()
    assert len(spots) == len({h.id for h in spots}) == 38
    peak = REGIONS.hotspot("seongsan_ilchulbong")
    assert peak is not None
    assert (peak.region, peak.category) == ("seongsan", "nature")
    assert REGIONS.hotspot("namsan_tower") is None


def test_default_map_is_built_once() -> None:
    assert default_region_map() is default_region_map()


@pytest.mark.parametrize(
    ("lat", "lng", "code"),
    [
        (33.43, 126.38, "aewol"),  # 5 km from any other region
        (33.50, 126.75, "gujwa"),
        (33.40, 126.88, "seongsan"),
        (33.36, 126.78, "pyoseon"),
        (33.30, 126.70, "namwon"),
        (33.27, 126.40, "seogwipo"),
        (33.23, 126.25, "daejeong"),
        (33.951813, 126.307623, "chuja"),
    ],
)
def test_more_inland_points(lat: float, lng: float, code: str) -> None:
    assert _containing(lat, lng) == [code]
    region = REGIONS.locate(lat, lng)
    assert region is not None
    assert region.code == code


@pytest.mark.parametrize(
    ("lat", "lng", "code"),
    [
        (33.458, 126.951, "seongsan"),  # east of Seongsan Ilchulbong
        (33.549, 126.669, "jocheon"),  # north of Hamdeok beach
        (33.240, 126.412, "seogwipo"),  # south of Jungmun Saekdal beach
        (33.394, 126.225, "hallim"),  # west of Hyeopjae beach
    ],
)
def test_about_500_m_offshore_takes_the_nearest_region(lat: float, lng: float, code: str) -> None:
    assert 300 < _offshore_m(lat, lng) < 700
    region = REGIONS.locate(lat, lng)
    assert region is not None
    assert region.code == code


def test_the_one_kilometre_cut_off() -> None:
    # Two points on a line heading out to sea east of Seongsan Ilchulbong.
    inside_cut = (33.458, 126.956)
    beyond_cut = (33.458, 126.958)
    assert 850 < _offshore_m(*inside_cut) < NEAREST_MAX_M - 30
    assert NEAREST_MAX_M + 30 < _offshore_m(*beyond_cut) < 1_200
    region = REGIONS.locate(*inside_cut)
    assert region is not None
    assert region.code == "seongsan"
    assert REGIONS.locate(*beyond_cut) is None


@pytest.mark.parametrize(
    ("lat", "lng"),
    [(33.62, 126.53), (33.17, 126.56), (33.45, 127.03)],
    ids=["north-of-jeju-city", "south-of-seogwipo", "east-of-udo"],
)
def test_five_km_out_at_sea_is_outside_jeju(lat: float, lng: float) -> None:
    assert _offshore_m(lat, lng) > 5_000
    assert REGIONS.locate(lat, lng) is None


@pytest.mark.parametrize(
    ("lat", "lng"),
    [(math.inf, 126.5), (33.5, -math.inf), (math.nan, math.nan), (95.0, 126.5), (33.5, 400.0)],
)
def test_invalid_input_is_outside_jeju(lat: float, lng: float) -> None:
    assert REGIONS.locate(lat, lng) is None


@pytest.mark.parametrize(
    ("lat", "lng", "code"),
    [
        (33.44156, 126.45066, "aewol"),  # aewol | jeju
        (33.40756, 126.61536, "jeju"),  # jeju | jocheon
        (33.47242, 126.87112, "gujwa"),  # gujwa | seongsan
    ],
)
def test_a_shared_border_vertex_goes_to_the_region_listed_first(
    lat: float, lng: float, code: str
) -> None:
    assert len(_containing(lat, lng)) == 2
    assert _containing(lat, lng)[0] == code
    region = REGIONS.locate(lat, lng)
    assert region is not None
    assert region.code == code


_anywhere_near_jeju = st.tuples(
    st.floats(min_value=33.05, max_value=34.05), st.floats(min_value=126.05, max_value=127.15)
)
_near_hotspots = st.tuples(
    st.sampled_from(REGIONS.hotspots()),
    st.floats(min_value=-0.03, max_value=0.03),
    st.floats(min_value=-0.03, max_value=0.03),
).map(lambda t: (t[0].lat + t[1], t[0].lng + t[2]))


@settings(max_examples=300, deadline=None)
@given(st.one_of(_anywhere_near_jeju, _near_hotspots))
def test_locate_agrees_with_the_unprojected_reference(point: tuple[float, float]) -> None:
    lat, lng = point
    region = REGIONS.locate(lat, lng)
    inside = _containing(lat, lng)
    if inside:
        assert region is not None
        assert region.code == inside[0]
        return
    distances = _distances_m(lat, lng)
    nearest = min(distances.values())
    # The local frame is off by up to ~0.6 % (6 m at 1 km) and the boundary sampling by
    # a few metres: only judge points clearly on one side of the cut-off.
    if nearest < NEAREST_MAX_M - 20:
        assert region is not None
        assert distances[region.code] <= nearest + 15
    elif nearest > NEAREST_MAX_M + 20:
        assert region is None


def _tiny_feature(code: str) -> dict[str, Any]:
    return {
        "type": "Feature",
        "properties": {
            "code": code,
            "name_ko": code,
            "name_en": code,
            "city": "x",
            "area_km2": 1.0,
            "in_spec_11": False,
        },
        "geometry": {
            "type": "Polygon",
            "coordinates": [[[126.5, 33.4], [126.51, 33.4], [126.51, 33.41], [126.5, 33.4]]],
        },
    }


def _tiny_hotspot(hotspot_id: str, region: str) -> dict[str, Any]:
    return {
        "id": hotspot_id,
        "name_ko": hotspot_id,
        "name_en": hotspot_id,
        "category": "x",
        "lat": 33.401,
        "lng": 126.505,
        "region": region,
    }


def test_a_map_can_be_built_from_other_data() -> None:
    tiny = RegionMap([_tiny_feature("a")], [_tiny_hotspot("h", "a")])
    region = tiny.locate(33.401, 126.509)
    assert region is not None
    assert region.code == "a"
    assert tiny.locate(33.5, 126.5) is None


@pytest.mark.parametrize(
    ("features", "hotspots", "problem"),
    [
        ([], [], "no regions"),
        ([_tiny_feature("a"), _tiny_feature("a")], [], "duplicate region"),
        ([_tiny_feature("a")], [_tiny_hotspot("h", "nowhere")], "unknown region"),
        (
            [_tiny_feature("a")],
            [_tiny_hotspot("h", "a"), _tiny_hotspot("h", "a")],
            "duplicate hotspot",
        ),
    ],
    ids=["no-regions", "duplicate-code", "unknown-hotspot-region", "duplicate-hotspot"],
)
def test_inconsistent_data_is_refused(
    features: list[dict[str, Any]], hotspots: list[dict[str, Any]], problem: str
) -> None:
    with pytest.raises(ValueError, match=problem):
        RegionMap(features, hotspots)
