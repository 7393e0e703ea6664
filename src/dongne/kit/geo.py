"""Pure geo math on WGS84 degrees: distances, privacy-safe rounding, bounding boxes."""

from __future__ import annotations

import math

# IUGG mean earth radius: the sphere that minimises the haversine error over all
# directions (worst case about 0.5 % against the WGS84 ellipsoid).
EARTH_RADIUS_M = 6_371_008.8


def haversine_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance in metres between two points given in degrees."""
    phi1 = math.radians(lat1)
    phi2 = math.radians(lat2)
    dphi = phi2 - phi1
    dlmb = math.radians(lng2 - lng1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    # Rounding can push `a` a hair past 1 for antipodal points; asin would then fail.
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(min(1.0, a)))


def round_distance_m(d: float, step: int = 100) -> int:
    """A distance fit to show other users: nearest multiple of `step`, halves rounded up.

    Never below `step`, even for 0: a shown "0 m" would tell the viewer that a local is
    exactly where they stand, which is the one thing the rounding exists to hide (SPEC
    feature 5). Rounding protects a single reading only; repeated readings from moving
    viewers can still be trilaterated, so callers that show many must rate-limit them.
    """
    if step <= 0:
        raise ValueError(f"step must be positive, got {step}")
    if not math.isfinite(d) or d < 0:
        raise ValueError(f"distance must be a finite non-negative number, got {d!r}")
    return max(step, math.floor(d / step + 0.5) * step)


def bounding_box(lat: float, lng: float, radius_m: float) -> tuple[float, float, float, float]:
    """(min_lat, min_lng, max_lat, max_lng) enclosing every point within `radius_m`.

    Meant as a cheap pre-filter before an exact distance check, so it errs on the side
    of too large: near a pole, or where the box would cross the antimeridian, the
    longitude range becomes the whole -180..180 rather than a wrapped pair.
    """
    if radius_m < 0:
        raise ValueError(f"radius must be non-negative, got {radius_m!r}")
    angular = radius_m / EARTH_RADIUS_M
    min_lat = lat - math.degrees(angular)
    max_lat = lat + math.degrees(angular)
    if min_lat <= -90.0 or max_lat >= 90.0:
        return max(min_lat, -90.0), -180.0, min(max_lat, 90.0), 180.0
    # A circle's widest longitude is asin(sin(r)/cos(lat)), wider than the naive
    # r/cos(lat) away from the equator; the naive one would cut off the circle's flanks.
    ratio = math.sin(angular) / math.cos(math.radians(lat))
    if ratio >= 1.0:
        return min_lat, -180.0, max_lat, 180.0
    dlng = math.degrees(math.asin(ratio))
    min_lng = lng - dlng
    max_lng = lng + dlng
    if min_lng < -180.0 or max_lng > 180.0:
        return min_lat, -180.0, max_lat, 180.0
    return min_lat, min_lng, max_lat, max_lng
