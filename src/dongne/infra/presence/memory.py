"""In-process presence index: a uniform grid of ~1 km cells over WGS84 degrees.

A query looks only at cells that can hold a point within the radius, walking square rings
outward from the query's cell, and stops as soon as `limit` users are found and the next
ring cannot hold anything nearer than the k-th one. Distances are exact haversine, so the
answer equals a brute-force scan; only the amount of work differs.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable, Iterator, Sequence

from dongne.infra.presence.base import Nearby, check_point, check_query
from dongne.kit import geo
from dongne.kit.geo import EARTH_RADIUS_M

Cell = tuple[int, int]
Point = tuple[float, float]

# Metres per degree of latitude on the sphere the distances use.
_M_PER_DEG = EARTH_RADIUS_M * math.pi / 180.0
# Slack against float rounding in cell arithmetic (degrees) and in the stop test (metres).
_EPS_DEG = 1e-9
_EPS_M = 1e-6
# Jeju's latitude: makes a cell roughly square (1 km x 1 km) there.
JEJU_LAT = 33.4
# Walk all occupied cells instead of rings once the radius' box has this many times as
# many cells as are occupied. Tests raise it to force the ring walk.
_SCAN_FACTOR = 1.0


class _Grid:
    """cell -> {user_id: (lat, lng)}; empty cells are removed so scans skip them."""

    __slots__ = ("cells",)

    def __init__(self) -> None:
        self.cells: dict[Cell, dict[str, Point]] = {}

    def add(self, cell: Cell, user_id: str, point: Point) -> None:
        bucket = self.cells.get(cell)
        if bucket is None:
            self.cells[cell] = {user_id: point}
        else:
            bucket[user_id] = point

    def discard(self, cell: Cell, user_id: str) -> None:
        bucket = self.cells.get(cell)
        if bucket is not None:
            bucket.pop(user_id, None)
            if not bucket:
                del self.cells[cell]


class MemoryPresenceIndex:
    """`PresenceIndex` for one process (embedded mode and tests).

    `now` returns seconds (monotonic is fine: last-seen times never leave the process).
    """

    def __init__(
        self,
        now: Callable[[], float],
        *,
        cell_m: float = 1000.0,
        ref_lat: float = JEJU_LAT,
    ) -> None:
        if not cell_m > 0:
            raise ValueError("cell_m must be > 0")
        self._now = now
        self._dlat = cell_m / _M_PER_DEG
        self._dlng = self._dlat / math.cos(math.radians(ref_lat))
        # user_id -> (lat, lng, cell, is_local)
        self._users: dict[str, tuple[float, float, Cell, bool]] = {}
        self._seen: dict[str, float] = {}
        self._all = _Grid()
        # Locals get their own grid so a locals-only wave never wades through visitors.
        self._locals = _Grid()

    def _cell(self, lat: float, lng: float) -> Cell:
        return (math.floor(lat / self._dlat), math.floor(lng / self._dlng))

    async def upsert(self, user_id: str, lat: float, lng: float, *, is_local: bool) -> None:
        check_point(lat, lng)
        cell = self._cell(lat, lng)
        old = self._users.get(user_id)
        if old is not None:
            old_cell, was_local = old[2], old[3]
            if old_cell != cell:
                self._all.discard(old_cell, user_id)
            if was_local and (old_cell != cell or not is_local):
                self._locals.discard(old_cell, user_id)
        point = (lat, lng)
        self._all.add(cell, user_id, point)
        if is_local:
            self._locals.add(cell, user_id, point)
        self._users[user_id] = (lat, lng, cell, is_local)
        self._seen[user_id] = self._now()

    async def remove(self, user_id: str) -> None:
        self._drop(user_id)

    def _drop(self, user_id: str) -> None:
        old = self._users.pop(user_id, None)
        self._seen.pop(user_id, None)
        if old is not None:
            self._all.discard(old[2], user_id)
            if old[3]:
                self._locals.discard(old[2], user_id)

    async def position(self, user_id: str) -> tuple[float, float] | None:
        entry = self._users.get(user_id)
        return None if entry is None else (entry[0], entry[1])

    async def positions(self, user_ids: Sequence[str]) -> dict[str, tuple[float, float]]:
        users = self._users
        return {u: (e[0], e[1]) for u in user_ids if (e := users.get(u)) is not None}

    async def count(self) -> int:
        return len(self._users)

    async def prune_stale(self, older_than_s: float) -> int:
        cutoff = self._now() - older_than_s
        stale = [user_id for user_id, seen in self._seen.items() if seen < cutoff]
        for user_id in stale:
            self._drop(user_id)
        return len(stale)

    async def nearest(
        self,
        lat: float,
        lng: float,
        radius_m: float,
        *,
        limit: int | None,
        locals_only: bool,
    ) -> list[Nearby]:
        check_point(lat, lng)
        check_query(radius_m, limit)
        grid = self._locals if locals_only else self._all
        if limit == 0 or not grid.cells:
            return []
        found = self._search(grid, lat, lng, radius_m, limit)
        found.sort()
        if limit is not None:
            del found[limit:]
        return [Nearby(user_id, distance) for distance, user_id in found]

    def _search(
        self, grid: _Grid, lat: float, lng: float, radius_m: float, limit: int | None
    ) -> list[tuple[float, str]]:
        """All (distance, user_id) within the radius, or a superset of the `limit` nearest."""
        # Looked up per call so tests can count distance evaluations.
        distance = geo.haversine_m
        min_lat, min_lng, max_lat, max_lng = geo.bounding_box(lat, lng, radius_m)
        box = (
            math.floor((min_lat - _EPS_DEG) / self._dlat),
            math.floor((max_lat + _EPS_DEG) / self._dlat),
            math.floor((min_lng - _EPS_DEG) / self._dlng),
            math.floor((max_lng + _EPS_DEG) / self._dlng),
        )
        found: list[tuple[float, str]] = []
        if (box[1] - box[0] + 1) * (box[3] - box[2] + 1) >= _SCAN_FACTOR * len(grid.cells):
            # The box spans more cells than are occupied (a whole-island wave): walking the
            # occupied cells is cheaper than probing empty ones.
            for cell, bucket in grid.cells.items():
                if box[0] <= cell[0] <= box[1] and box[2] <= cell[1] <= box[3]:
                    for user_id, (plat, plng) in bucket.items():
                        d = distance(lat, lng, plat, plng)
                        if d <= radius_m:
                            found.append((d, user_id))
            return found

        # Any point within the radius has |latitude| <= cap, which bounds how close a
        # longitude gap lets it be: hav(d) >= cos(lat) * cos(cap) * hav(gap).
        cap = min(abs(lat) + math.degrees(radius_m / EARTH_RADIUS_M), 90.0)
        sqrt_coscap = math.sqrt(max(math.cos(math.radians(lat)) * math.cos(math.radians(cap)), 0.0))
        i0, i1, j0, j1 = box
        ci, cj = self._cell(lat, lng)
        # Keep ci, cj inside the box even if rounding put the point's cell on its edge.
        ci, cj = min(max(ci, i0), i1), min(max(cj, j0), j1)
        rings = max(ci - i0, i1 - ci, cj - j0, j1 - cj)
        # Max-heap (negated) of the `limit` smallest distances seen: its top is the k-th.
        kth: list[float] = []
        for k in range(rings + 1):
            for cell in _ring(ci, cj, k, box):
                users = grid.cells.get(cell)
                if users is None:
                    continue
                for user_id, (plat, plng) in users.items():
                    d = distance(lat, lng, plat, plng)
                    if d <= radius_m:
                        found.append((d, user_id))
                        if limit is not None:
                            if len(kth) < limit:
                                heapq.heappush(kth, -d)
                            elif d < -kth[0]:
                                heapq.heapreplace(kth, -d)
            if limit is None or len(kth) < limit:
                continue
            # Nearest any unvisited point can be: it lies past ring k in latitude or in
            # longitude. Both bounds are true lower bounds of the haversine distance.
            gap_lat = min(lat - (ci - k) * self._dlat, (ci + k + 1) * self._dlat - lat)
            gap_lng = min(lng - (cj - k) * self._dlng, (cj + k + 1) * self._dlng - lng)
            lower = min(
                EARTH_RADIUS_M * math.radians(max(gap_lat, 0.0)),
                2
                * EARTH_RADIUS_M
                * math.asin(min(1.0, sqrt_coscap * math.sin(math.radians(max(gap_lng, 0.0)) / 2))),
            )
            # Strictly farther: an equal distance could be a tie that wins on user_id.
            if lower > -kth[0] + _EPS_M:
                break
        return found


def _ring(ci: int, cj: int, k: int, box: tuple[int, int, int, int]) -> Iterator[Cell]:
    """Cells at Chebyshev distance k from (ci, cj), clipped to the box."""
    i0, i1, j0, j1 = box
    if k == 0:
        yield (ci, cj)
        return
    jlo, jhi = max(cj - k, j0), min(cj + k, j1)
    if ci - k >= i0:
        for j in range(jlo, jhi + 1):
            yield (ci - k, j)
    if ci + k <= i1:
        for j in range(jlo, jhi + 1):
            yield (ci + k, j)
    ilo, ihi = max(ci - k + 1, i0), min(ci + k - 1, i1)
    if cj - k >= j0:
        for i in range(ilo, ihi + 1):
            yield (i, cj - k)
    if cj + k <= j1:
        for i in range(ilo, ihi + 1):
            yield (i, cj + k)
