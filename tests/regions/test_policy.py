"""Region lookup on the packaged Jeju data."""

from __future__ import annotations

import pytest

from dongne.regions.policy import default_region_map

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
