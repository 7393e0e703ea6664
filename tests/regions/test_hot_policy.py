"""Pure rules of live concentration: which areas a point counts in, and when one is hot."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dongne.kit.geo import haversine_m
from dongne.regions.policy import (
    AreaKind,
    HotRule,
    area_key,
    default_region_map,
    needs_locals,
    parse_area_key,
    usual_per_window,
)
from tests.fixtures.jeju import SEONGSAN, SEOUL

REGIONS = default_region_map()


def test_the_summit_counts_in_its_region_and_its_hotspot_only() -> None:
    assert REGIONS.areas_at(SEONGSAN["lat"], SEONGSAN["lng"], 1000) == {
        "region:seongsan",
        "hotspot:seongsan_ilchulbong",
    }


def test_close_hotspots_overlap() -> None:
    # Jungmun beach and Cheonjeyeon falls are about 600 m apart.
    beach = REGIONS.hotspot("jungmun_saekdal_beach")
    assert beach is not None
    areas = REGIONS.areas_at(beach.lat, beach.lng, 1000)
    assert {"hotspot:jungmun_saekdal_beach", "hotspot:cheonjeyeon_falls"} <= areas
    assert "region:seogwipo" in areas


def test_far_from_jeju_counts_nowhere() -> None:
    assert REGIONS.areas_at(SEOUL["lat"], SEOUL["lng"], 1000) == frozenset()
    assert REGIONS.areas_at(float("nan"), 126.5, 1000) == frozenset()


@settings(max_examples=300, deadline=None)
@given(
    st.floats(33.1, 33.6),
    st.floats(126.1, 127.0),
    st.floats(0, 5000) | st.sampled_from([0.0, 1000.0]),
)
def test_hotspots_within_matches_a_scan(lat: float, lng: float, radius: float) -> None:
    expected = [h for h in REGIONS.hotspots() if haversine_m(lat, lng, h.lat, h.lng) <= radius]
    assert REGIONS.hotspots_within(lat, lng, radius) == expected


def test_a_hotspot_at_exactly_the_radius_is_near() -> None:
    spot = REGIONS.hotspot("udo")
    assert spot is not None
    lat = spot.lat + 0.009  # about 1 km north
    distance = haversine_m(lat, spot.lng, spot.lat, spot.lng)
    assert spot in REGIONS.hotspots_within(lat, spot.lng, distance)
    assert spot not in REGIONS.hotspots_within(lat, spot.lng, distance - 0.01)


def test_area_keys_round_trip_and_cover_every_area() -> None:
    keys = REGIONS.area_keys()
    assert len(keys) == len(REGIONS.regions()) + len(REGIONS.hotspots())
    assert len(set(keys)) == len(keys)
    assert parse_area_key(area_key(AreaKind.HOTSPOT, "udo")) == (AreaKind.HOTSPOT, "udo")
    assert parse_area_key("region:aewol") == (AreaKind.REGION, "aewol")


RULE = HotRule(min_questions=5, ratio=3.0, cool_fraction=0.5)


@pytest.mark.parametrize(
    ("recent", "usual", "hot"),
    [
        (4, 0.0, False),  # below the minimum, however quiet the area usually is
        (5, 0.0, True),
        (5, 1.0, True),
        (5, 2.0, False),  # 5 is not three times 2
        (6, 2.0, True),
        (30, 12.0, False),  # a busy place being busy is not news
    ],
)
def test_entering_needs_the_minimum_and_the_ratio(recent: int, usual: float, hot: bool) -> None:
    assert RULE.is_hot(recent, usual, was_hot=False) is hot


@pytest.mark.parametrize(
    ("recent", "usual", "hot"),
    [(3, 0.0, True), (2, 0.0, False), (3, 2.0, True), (2, 1.0, False), (0, 0.0, False)],
)
def test_a_hot_area_cools_below_half_the_thresholds(recent: int, usual: float, hot: bool) -> None:
    assert RULE.is_hot(recent, usual, was_hot=True) is hot


@given(st.integers(0, 200), st.floats(0, 100))
def test_staying_hot_is_never_harder_than_becoming_hot(recent: int, usual: float) -> None:
    if RULE.is_hot(recent, usual, was_hot=False):
        assert RULE.is_hot(recent, usual, was_hot=True)


def test_usual_rate_scales_the_span_to_one_window() -> None:
    # 672 questions in a week is one per 15 minutes.
    assert usual_per_window(672, 7 * 24 * 3600, 15 * 60) == pytest.approx(1.0)
    assert usual_per_window(0, 3600, 900) == 0.0
    with pytest.raises(ValueError, match="span"):
        usual_per_window(1, 0, 900)


def test_bad_rules_are_refused() -> None:
    for bad in ({"min_questions": 0}, {"ratio": 0.5}, {"cool_fraction": 0.0}):
        with pytest.raises(ValueError, match="hot rule"):
            HotRule(**bad)


def test_locals_needed_below_the_threshold() -> None:
    assert needs_locals(0, fewer_than=3)
    assert needs_locals(2, fewer_than=3)
    assert not needs_locals(3, fewer_than=3)
