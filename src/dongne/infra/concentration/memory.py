"""Concentration counts in this process (embedded mode and tests)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Sequence

from dongne.infra.concentration.base import LONG_WINDOW_S, SHORT_WINDOW_S, AreaCounts, check_areas


class MemoryConcentrationStore:
    """`ConcentrationStore` for one process: counters updated on every move."""

    def __init__(self) -> None:
        # user_id -> (areas, is_local): what to take back when they move or leave.
        self._users: dict[str, tuple[frozenset[str], bool]] = {}
        self._locals: Counter[str] = Counter()
        self._travelers: Counter[str] = Counter()
        # area -> {question_id: asked at}; trimmed to the long window as it is read.
        self._questions: dict[str, dict[str, float]] = {}
        self._hot: set[str] = set()
        self._alerted: set[str] = set()

    async def place(self, user_id: str, areas: Collection[str], *, is_local: bool) -> None:
        check_areas(areas)
        self._leave(user_id)
        entered = frozenset(areas)
        if not entered:
            return
        self._users[user_id] = (entered, is_local)
        self._online(is_local).update(entered)

    async def remove(self, user_id: str) -> None:
        self._leave(user_id)

    def _leave(self, user_id: str) -> None:
        old = self._users.pop(user_id, None)
        if old is None:
            return
        areas, is_local = old
        counter = self._online(is_local)
        counter.subtract(areas)
        for area in areas:
            if counter[area] <= 0:
                del counter[area]

    def _online(self, is_local: bool) -> Counter[str]:
        return self._locals if is_local else self._travelers

    async def record_question(self, question_id: str, areas: Collection[str], at: float) -> None:
        check_areas(areas)
        for area in areas:
            asked = self._questions.setdefault(area, {})
            asked[question_id] = at
            self._trim(area, at)

    def _trim(self, area: str, now: float) -> dict[str, float]:
        asked = self._questions.get(area)
        if asked is None:
            return {}
        cutoff = now - LONG_WINDOW_S
        for question_id in [q for q, at in asked.items() if at <= cutoff]:
            del asked[question_id]
        if not asked:
            del self._questions[area]
        return asked

    async def counts(self, areas: Sequence[str], now: float) -> dict[str, AreaCounts]:
        answer: dict[str, AreaCounts] = {}
        for area in areas:
            asked = self._trim(area, now).values()
            answer[area] = AreaCounts(
                online_locals=self._locals[area],
                online_travelers=self._travelers[area],
                questions_short=sum(1 for at in asked if at > now - SHORT_WINDOW_S),
                questions_long=len(asked),
            )
        return answer

    async def set_hot(self, area: str, hot: bool) -> bool:
        if hot == (area in self._hot):
            return False
        if hot:
            self._hot.add(area)
        else:
            self._hot.discard(area)
            self._alerted.discard(area)
        return True

    async def hot_areas(self) -> set[str]:
        return set(self._hot)

    async def claim_alert(self, area: str) -> bool:
        if area in self._alerted:
            return False
        self._alerted.add(area)
        return True
