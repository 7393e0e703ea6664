"""The concentration store interface: live counts per area, kept as users move.

An area is an opaque key chosen by the caller (the regions domain uses `region:<code>` and
`hotspot:<id>`). Each user is counted once in every area they are in now; moving or
going offline takes them out of the old ones. Nothing here scans all users: every change
touches only the areas a user left or entered.

Two implementations: `memory.MemoryConcentrationStore` (one process) and
`redis.RedisConcentrationStore` (shared by every node). Picked once at start-up.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

# The two question windows every store keeps, in seconds.
SHORT_WINDOW_S = 15 * 60
LONG_WINDOW_S = 60 * 60


def check_areas(areas: Collection[str]) -> None:
    """Area keys travel inside space-separated lists (Redis): no blanks, never empty."""
    for area in areas:
        if not area or any(ch.isspace() for ch in area):
            raise ValueError(f"invalid area key {area!r}")


@dataclass(frozen=True, slots=True)
class AreaCounts:
    online_locals: int = 0
    online_travelers: int = 0
    questions_short: int = 0  # asked within SHORT_WINDOW_S
    questions_long: int = 0  # asked within LONG_WINDOW_S


@runtime_checkable
class ConcentrationStore(Protocol):
    """Online users and recent questions per area, plus which areas are hot.

    Times are epoch seconds passed in by the caller (from the injected clock), so every
    node agrees on them and tests need not sleep.
    """

    async def place(self, user_id: str, areas: Collection[str], *, is_local: bool) -> None:
        """The user is online in exactly these areas now (none: online elsewhere)."""
        ...

    async def remove(self, user_id: str) -> None:
        """The user went offline: out of every area. Unknown users are ignored."""
        ...

    async def record_question(self, question_id: str, areas: Collection[str], at: float) -> None:
        """A question asked at `at` in these areas; recording one twice counts it once."""
        ...

    async def counts(self, areas: Sequence[str], now: float) -> dict[str, AreaCounts]:
        """Counts of each area as of `now`; every requested area is in the answer."""
        ...

    async def set_hot(self, area: str, hot: bool) -> bool:
        """Marks the area hot or not; True when that changed it (only one caller wins).

        Cooling down also ends the episode's `claim_alert`.
        """
        ...

    async def hot_areas(self) -> set[str]: ...

    async def claim_alert(self, area: str) -> bool:
        """True for the first claim since the area last cooled down, False after."""
        ...
