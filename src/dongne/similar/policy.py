"""Pure rules of matching: how fresh an answer must be, how distance and age weigh, and the
BM25 relevance of a stored question to a query. No I/O."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

# Only questions asked this close count: the same words 3 km away are another place.
CUTOFF_M = 3_000.0
# Below this share of the query's weight a stored question asks something else.
MIN_RELEVANCE = 0.45
# BM25 parameters; questions are short, so length matters less than in documents.
K1 = 1.2
B = 0.5
# Place names count half: the asker's position already says where.
NAME_WEIGHT = 0.5
# Bonuses for the same hashtag and for the same region (both features, never alone).
TAG_BONUS = 0.05
REGION_BONUS = 0.03
# A timeless answer loses at most this share of its weight, by half every year.
TIMELESS_AGE_WEIGHT = 0.3
TIMELESS_HALF_LIFE = timedelta(days=365)


class Freshness(StrEnum):
    """How long an answer to a question stays true, judged from the question's words."""

    LIVE = "live"  # "is it crowded now?": hours
    TODAY = "today"  # "is it open today?": the same day
    SCHEDULE = "schedule"  # opening hours, the last boat: until the season changes
    TIMELESS = "timeless"  # "is there parking?"


WINDOWS: Mapping[Freshness, timedelta] = {
    Freshness.LIVE: timedelta(hours=3),
    Freshness.TODAY: timedelta(hours=18),
    Freshness.SCHEDULE: timedelta(days=60),
}

# Cues in the lower-cased text, strongest first: a question with several counts as the
# shortest-lived of them.
_CUES: Sequence[tuple[Freshness, tuple[str, ...]]] = (
    (
        Freshness.LIVE,
        (
            "지금",
            "현재",
            "실시간",
            "방금",
            "아직도",
            "웨이팅",
            "줄 서",
            "줄이",
            "대기",
            "붐비",
            "혼잡",
            "막히",
            "자리 있",
            "now",
            "right now",
            "currently",
            "crowded",
            "queue",
            "现在",
            "今天人",
            "今",
            "混雑",
            "排队",
        ),
    ),
    (
        Freshness.TODAY,
        (
            "오늘",
            "오늘밤",
            "이따",
            "today",
            "tonight",
            "this evening",
            "今天",
            "今日",
            "결항",
            "운항하",
            "뜨나요",
            "뜨나",
            "날씨",
        ),
    ),
    (
        Freshness.SCHEDULE,
        (
            "영업",
            "몇 시까지",
            "몇시까지",
            "몇 시에",
            "몇시에",
            "문 열",
            "문 닫",
            "문열",
            "문닫",
            "오픈",
            "마감",
            "휴무",
            "쉬는 날",
            "막배",
            "첫배",
            "마지막 배",
            "배 시간",
            "뱃시간",
            "시간표",
            "운영 시간",
            "운영시간",
            "opening hours",
            "open until",
            "what time",
            "closing",
            "last boat",
            "last ferry",
            "schedule",
            "营业",
            "几点",
            "営業",
            "何時",
        ),
    ),
)


def freshness_of(text: str) -> Freshness:
    lowered = text.lower()
    for freshness, cues in _CUES:
        if any(cue in lowered for cue in cues):
            return freshness
    return Freshness.TIMELESS


def age_weight(age: timedelta, freshness: Freshness) -> float | None:
    """The weight of an answer this old, or None when it is stale (never shown)."""
    age = max(age, timedelta(0))
    window = WINDOWS.get(freshness)
    if window is None:
        decay: float = 0.5 ** (age / TIMELESS_HALF_LIFE)
        return 1.0 - TIMELESS_AGE_WEIGHT * (1.0 - decay)
    if age > window:
        return None
    return 1.0 - 0.5 * (age / window)


def distance_weight(distance_m: float, cutoff_m: float = CUTOFF_M) -> float | None:
    """1 where the question was asked, 0.5 at the cut-off, None beyond it."""
    if distance_m > cutoff_m:
        return None
    return 1.0 - 0.5 * (distance_m / cutoff_m)


def idf(documents: int, containing: int) -> float:
    return math.log(1.0 + (documents - containing + 0.5) / (containing + 0.5))


def bm25_term(idf_: float, frequency: int, length: int, average_length: float) -> float:
    norm = 1.0 - B + B * (length / average_length if average_length else 1.0)
    return idf_ * frequency * (K1 + 1.0) / (frequency + K1 * norm)


def weighted(topic_score: float, name_score: float) -> float:
    """A stored question's BM25 with place names at `NAME_WEIGHT`; no shared word of the
    question itself (only a place name) is no match at all."""
    return topic_score + NAME_WEIGHT * name_score if topic_score > 0 else 0.0


def ceiling(topic_idfs: Sequence[float], name_idfs: Sequence[float]) -> float:
    """What a stored question holding every query term once, at the average length,
    would score (place names weighted the same way)."""
    return sum(topic_idfs) + NAME_WEIGHT * sum(name_idfs)


def relevance(weighted_score: float, ceiling_: float) -> float:
    """BM25 as a share of the ceiling: 0..1, comparable between queries."""
    return min(1.0, weighted_score / ceiling_) if ceiling_ > 0 else 0.0


def best_bonus(query_tags: int, region_known: bool) -> float:
    """The most the bonuses can add: a stored question less relevant than a kept one by
    more than this can never overtake it."""
    return TAG_BONUS * min(query_tags, 2) + (REGION_BONUS if region_known else 0.0)


@dataclass(frozen=True, slots=True)
class Features:
    relevance: float
    distance_m: float
    age: timedelta
    freshness: Freshness
    shared_tags: int
    same_region: bool


def score(features: Features, cutoff_m: float = CUTOFF_M) -> float | None:
    """The ranking score, or None when the stored question must not be offered."""
    if features.relevance < MIN_RELEVANCE:
        return None
    near = distance_weight(features.distance_m, cutoff_m)
    fresh = age_weight(features.age, features.freshness)
    if near is None or fresh is None:
        return None
    bonus = TAG_BONUS * min(features.shared_tags, 2) + (REGION_BONUS if features.same_region else 0)
    return features.relevance * near * fresh + bonus
