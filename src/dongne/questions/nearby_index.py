"""Where recent questions are, in memory: the nearby-questions reply of every location
update reads this instead of loading every question of a box from the database.

A grid of ~2 km cells holding (id, position, time asked) of the questions of the last
`horizon`. Filled from the database on first use, then kept current by the asks this
process commits (`add`). One process only: the scaled mode, where other nodes ask too,
keeps reading the database (see QuestionViews.nearby).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import NamedTuple

CELL_DEG = 0.02
# Past this many cells (a radius of tens of km) a scan of everything is cheaper.
MAX_CELLS = 400


class Placed(NamedTuple):
    id: str
    lat: float
    lng: float
    created_at: datetime


def _cell(lat: float, lng: float) -> tuple[int, int]:
    return math.floor(lat / CELL_DEG), math.floor(lng / CELL_DEG)


@dataclass
class NearbyIndex:
    horizon: timedelta
    loaded_since: datetime | None = None
    _cells: dict[tuple[int, int], dict[str, Placed]] = field(default_factory=dict)
    _where: dict[str, tuple[int, int]] = field(default_factory=dict)

    @property
    def loaded(self) -> bool:
        return self.loaded_since is not None

    def covers(self, since: datetime) -> bool:
        return self.loaded_since is not None and since >= self.loaded_since

    def load(self, placed: list[Placed], since: datetime) -> None:
        """Merges what the database holds since `since` (asks added meanwhile stay)."""
        for entry in placed:
            self.add(entry)
        self.loaded_since = since

    def add(self, entry: Placed) -> None:
        cell = _cell(entry.lat, entry.lng)
        self._cells.setdefault(cell, {})[entry.id] = entry
        self._where[entry.id] = cell

    def forget_before(self, moment: datetime) -> None:
        """Drops what is older than `moment`; the index then covers from there on."""
        for cell, entries in list(self._cells.items()):
            for entry in [e for e in entries.values() if e.created_at < moment]:
                del entries[entry.id]
                del self._where[entry.id]
            if not entries:
                del self._cells[cell]
        if self.loaded_since is not None and self.loaded_since < moment:
            self.loaded_since = moment

    def in_box(
        self, box: tuple[float, float, float, float], *, since: datetime, limit: int
    ) -> list[Placed]:
        """What the database's box query returns: inside the box, asked since, newest first."""
        min_lat, min_lng, max_lat, max_lng = box
        (low_i, low_j), (high_i, high_j) = _cell(min_lat, min_lng), _cell(max_lat, max_lng)
        if (high_i - low_i + 1) * (high_j - low_j + 1) > MAX_CELLS:
            cells = list(self._cells.values())
        else:
            cells = [
                entries
                for i in range(low_i, high_i + 1)
                for j in range(low_j, high_j + 1)
                if (entries := self._cells.get((i, j))) is not None
            ]
        found = [
            e
            for entries in cells
            for e in entries.values()
            if min_lat <= e.lat <= max_lat and min_lng <= e.lng <= max_lng and e.created_at >= since
        ]
        found.sort(key=lambda e: e.created_at, reverse=True)
        return found[:limit]
