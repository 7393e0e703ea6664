"""Properties of the pure geo helpers."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dongne.kit.geo import (
    EARTH_RADIUS_M,
    bounding_box,
    haversine_m,
    round_distance_m,
)

lats = st.floats(min_value=-90, max_value=90, allow_nan=False)
lngs = st.floats(min_value=-180, max_value=180, allow_nan=False)
points = st.tuples(lats, lngs)
jeju_points = st.tuples(
    st.floats(min_value=33.0, max_value=34.0), st.floats(min_value=126.0, max_value=127.1)
)
distances = st.floats(min_value=0, max_value=50_000_000, allow_nan=False)

JEJU_AIRPORT = (33.512222, 126.492778)  # Korea eAIP aerodrome reference point
SEONGSAN_ILCHULBONG = (33.45808, 126.9415)
# WGS84 ellipsoidal geodesic (Vincenty inverse) between the two, computed independently.
AIRPORT_TO_ILCHULBONG_M = 42_133.6

# Floating-point slack for comparisons of sums of distances: a few mm per Earth-scale metre.
EPS_M = 1e-6 * EARTH_RADIUS_M


@given(points, points)
def test_haversine_is_symmetric(a: tuple[float, float], b: tuple[float, float]) -> None:
    assert haversine_m(*a, *b) == pytest.approx(haversine_m(*b, *a), abs=1e-6)


@given(points)
def test_haversine_is_zero_on_the_same_point(a: tuple[float, float]) -> None:
    assert haversine_m(*a, *a) == 0.0


@given(points, points)
def test_haversine_is_bounded_by_half_the_circumference(
    a: tuple[float, float], b: tuple[float, float]
) -> None:
    assert 0.0 <= haversine_m(*a, *b) <= math.pi * EARTH_RADIUS_M + 1e-6


@given(points, points, points)
def test_haversine_triangle_inequality(
    a: tuple[float, float], b: tuple[float, float], c: tuple[float, float]
) -> None:
    assert haversine_m(*a, *c) <= haversine_m(*a, *b) + haversine_m(*b, *c) + EPS_M


@given(jeju_points, jeju_points, jeju_points)
def test_haversine_triangle_inequality_at_jeju_scale(
    a: tuple[float, float], b: tuple[float, float], c: tuple[float, float]
) -> None:
    # Short distances are where cancellation errors would show; keep the slack tiny.
    assert haversine_m(*a, *c) <= haversine_m(*a, *b) + haversine_m(*b, *c) + 1e-6


def test_haversine_matches_a_known_distance_within_one_percent() -> None:
    d = haversine_m(*JEJU_AIRPORT, *SEONGSAN_ILCHULBONG)
    assert d == pytest.approx(AIRPORT_TO_ILCHULBONG_M, rel=0.01)


def test_haversine_of_one_degree_of_latitude() -> None:
    assert haversine_m(0, 0, 1, 0) == pytest.approx(math.radians(1) * EARTH_RADIUS_M)


def test_haversine_antipodes_do_not_fail() -> None:
    assert haversine_m(0, 0, 0, 180) == pytest.approx(math.pi * EARTH_RADIUS_M)


@pytest.mark.parametrize(
    ("d", "expected"),
    [
        (0.0, 100),
        (0.001, 100),
        (49.9, 100),
        (149.99, 100),
        (150.0, 200),
        (249.0, 200),
        (250.0, 300),
        (1_234.0, 1_200),
        (1_950.0, 2_000),
    ],
)
def test_round_distance_examples(d: float, expected: int) -> None:
    assert round_distance_m(d) == expected


@given(distances, st.integers(min_value=1, max_value=10_000))
def test_round_distance_is_a_positive_multiple_of_step_within_half_a_step(
    d: float, step: int
) -> None:
    shown = round_distance_m(d, step)
    assert shown % step == 0
    assert shown >= step
    assert shown - d <= step / 2 or shown == step
    assert d - shown <= step / 2 + 1e-9 * d


@given(distances, distances)
def test_round_distance_is_monotonic(a: float, b: float) -> None:
    lo, hi = sorted((a, b))
    assert round_distance_m(lo) <= round_distance_m(hi)


@pytest.mark.parametrize("d", [-1.0, math.nan, math.inf])
def test_round_distance_rejects_nonsense(d: float) -> None:
    with pytest.raises(ValueError, match="distance"):
        round_distance_m(d)


def test_round_distance_rejects_a_non_positive_step() -> None:
    with pytest.raises(ValueError, match="step"):
        round_distance_m(10.0, 0)


@given(
    st.floats(min_value=-89, max_value=89),
    lngs,
    st.floats(min_value=0, max_value=200_000),
    st.floats(min_value=0, max_value=1),
    st.floats(min_value=0, max_value=2 * math.pi),
)
def test_bounding_box_holds_every_point_of_the_circle(
    lat: float, lng: float, radius: float, frac: float, bearing: float
) -> None:
    # Walk `frac * radius` from the centre along `bearing` (spherical destination formula).
    ang = frac * radius / EARTH_RADIUS_M
    phi1, lmb1 = math.radians(lat), math.radians(lng)
    phi2 = math.asin(
        math.sin(phi1) * math.cos(ang) + math.cos(phi1) * math.sin(ang) * math.cos(bearing)
    )
    lmb2 = lmb1 + math.atan2(
        math.sin(bearing) * math.sin(ang) * math.cos(phi1),
        math.cos(ang) - math.sin(phi1) * math.sin(phi2),
    )
    plat = math.degrees(phi2)
    plng = (math.degrees(lmb2) + 540.0) % 360.0 - 180.0
    min_lat, min_lng, max_lat, max_lng = bounding_box(lat, lng, radius)
    slack = 1e-9
    assert min_lat - slack <= plat <= max_lat + slack
    # -180 and 180 are one meridian: the point may be written either way.
    assert any(min_lng - slack <= x <= max_lng + slack for x in (plng, plng + 360, plng - 360))


def test_bounding_box_around_jeju_is_tight() -> None:
    min_lat, min_lng, max_lat, max_lng = bounding_box(33.5, 126.5, 1_000)
    assert haversine_m(min_lat, 126.5, 33.5, 126.5) == pytest.approx(1_000)
    assert haversine_m(33.5, min_lng, 33.5, 126.5) == pytest.approx(1_000, rel=1e-3)
    assert max_lat > 33.5 > min_lat
    assert max_lng > 126.5 > min_lng


def test_bounding_box_over_a_pole_or_the_antimeridian_spans_all_longitudes() -> None:
    assert bounding_box(89.99, 10.0, 5_000)[1::2] == (-180.0, 180.0)
    assert bounding_box(0.0, 179.99, 5_000)[1::2] == (-180.0, 180.0)


def test_bounding_box_rejects_a_negative_radius() -> None:
    with pytest.raises(ValueError, match="radius"):
        bounding_box(33.5, 126.5, -1)
