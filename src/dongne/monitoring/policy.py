"""The 10-minute figures: what share of questions got a first answer within 1, 5, 10 minutes.

A question counts toward "within T" once it is answered or at least T old: a question
asked two minutes ago with no answer yet has not failed the 10-minute goal.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

THRESHOLDS_S = (60, 300, 600)
SLOW_AFTER_S = 600


@dataclass(frozen=True)
class Timing:
    region: str
    urgent: bool
    asked_at: datetime
    first_answer_at: datetime | None


@dataclass(frozen=True)
class Figures:
    questions: int
    answered: int
    within: dict[int, float | None]  # threshold seconds -> share, None when nothing counts yet
    average_s: float | None
    p50_s: float | None
    p90_s: float | None


def _percentile(sorted_values: Sequence[float], fraction: float) -> float | None:
    if not sorted_values:
        return None
    index = min(len(sorted_values) - 1, max(0, round(fraction * (len(sorted_values) - 1))))
    return sorted_values[index]


def figures(timings: Iterable[Timing], now: datetime) -> Figures:
    rows = list(timings)
    waits = sorted(
        (t.first_answer_at - t.asked_at).total_seconds()
        for t in rows
        if t.first_answer_at is not None
    )
    within: dict[int, float | None] = {}
    for threshold in THRESHOLDS_S:
        counted = [
            t
            for t in rows
            if t.first_answer_at is not None or (now - t.asked_at).total_seconds() >= threshold
        ]
        met = sum(
            1
            for t in counted
            if t.first_answer_at is not None
            and (t.first_answer_at - t.asked_at).total_seconds() <= threshold
        )
        within[threshold] = met / len(counted) if counted else None
    return Figures(
        questions=len(rows),
        answered=len(waits),
        within=within,
        average_s=sum(waits) / len(waits) if waits else None,
        p50_s=_percentile(waits, 0.5),
        p90_s=_percentile(waits, 0.9),
    )
