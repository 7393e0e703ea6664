"""The presence index interface: who is online, where, and who is nearest to a point.

Two implementations sit behind `PresenceIndex`: `memory.MemoryPresenceIndex` (a grid, one
process) and `redis.RedisPresenceIndex` (Redis GEO, shared by every node). Callers pick one
at start-up and never branch on which.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable


def check_point(lat: float, lng: float) -> None:
    """Refuse coordinates that no implementation can store (Redis GEO stops at ±85.05°)."""
    if not (math.isfinite(lat) and math.isfinite(lng)):
        raise ValueError(f"coordinates must be finite, got ({lat!r}, {lng!r})")
    if not (-85.05112878 <= lat <= 85.05112878 and -180.0 <= lng <= 180.0):
        raise ValueError(f"coordinates out of range: ({lat}, {lng})")


def check_query(radius_m: float, limit: int | None) -> None:
    if not (math.isfinite(radius_m) and radius_m >= 0):
        raise ValueError(f"radius_m must be a finite number >= 0, got {radius_m!r}")
    if limit is not None and limit < 0:
        raise ValueError(f"limit must be >= 0 or None, got {limit}")


@dataclass(frozen=True, slots=True)
class Nearby:
    """One online user found near a point."""

    user_id: str
    distance_m: float


@runtime_checkable
class PresenceIndex(Protocol):
    """Online users' last known positions.

    Times come from the `now` callable each implementation takes in its constructor;
    nothing here reads the system clock.
    """

    async def upsert(self, user_id: str, lat: float, lng: float, *, is_local: bool) -> None:
        """Record a user's live position; `is_local` marks a verified local."""
        ...

    async def remove(self, user_id: str) -> None:
        """Forget a user (gone offline). Unknown users are ignored."""
        ...

    async def position(self, user_id: str) -> tuple[float, float] | None:
        """The user's last (lat, lng), or None when not online."""
        ...

    async def positions(self, user_ids: Sequence[str]) -> dict[str, tuple[float, float]]:
        """Positions of those online among `user_ids`, in one call (absent: offline)."""
        ...

    async def nearest(
        self,
        lat: float,
        lng: float,
        radius_m: float,
        *,
        limit: int | None,
        locals_only: bool,
    ) -> list[Nearby]:
        """Users within `radius_m` (inclusive), nearest first, ties by user_id.

        `limit=None` returns all of them; `locals_only` keeps verified locals only.
        """
        ...

    async def count(self) -> int:
        """How many users are online."""
        ...

    async def prune_stale(self, older_than_s: float) -> int:
        """Drop users not seen for more than `older_than_s` seconds; return how many."""
        ...
