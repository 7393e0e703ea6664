"""A query against the index: terms, candidates near the asker, scored and ranked."""

from __future__ import annotations

import heapq
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime

from dongne.similar import analyzer, policy
from dongne.similar.index import SimilarIndex, Stored


@dataclass(frozen=True, slots=True)
class Match:
    stored: Stored
    score: float
    relevance: float
    distance_m: float


def rank(
    index: SimilarIndex,
    text: str,
    lat: float,
    lng: float,
    *,
    now: datetime,
    region_code: str | None = None,
    limit: int = 3,
    exclude: Collection[str] = (),
    cutoff_m: float = policy.CUTOFF_M,
) -> list[Match]:
    """The best `limit` stored questions for this text asked here, best first."""
    query_terms = analyzer.terms(text)
    query_tags = set(analyzer.hashtags_in(text))
    bonus = policy.best_bonus(len(query_tags), region_code is not None)
    kept: list[tuple[float, float, int, Match]] = []  # a min-heap of the best `limit`
    met = 0
    for hit in index.search(query_terms, lat, lng, cutoff_m):
        if len(kept) >= limit and hit.relevance + bonus < kept[0][0]:
            break  # most relevant first: nothing further can score higher
        stored = hit.stored
        if stored.question_id in exclude:
            continue
        features = policy.Features(
            relevance=hit.relevance,
            distance_m=hit.distance_m,
            age=now - stored.answer_created_at,
            freshness=stored.freshness,
            shared_tags=len(query_tags.intersection(stored.hashtags)),
            same_region=region_code is not None and region_code == stored.region_code,
        )
        score = policy.score(features, cutoff_m)
        if score is None:
            continue
        # Ties: the nearer is kept, then the one met first (the index's order).
        met += 1
        entry = (score, -hit.distance_m, -met, Match(stored, score, hit.relevance, hit.distance_m))
        if len(kept) < limit:
            heapq.heappush(kept, entry)
        elif entry[:3] > kept[0][:3]:
            heapq.heapreplace(kept, entry)
    return [entry[3] for entry in sorted(kept, reverse=True)[:limit]]


def stored_from(
    *,
    question_id: str,
    title: str,
    content: str,
    region_code: str,
    created_at: datetime,
    hashtags: list[str],
    lat: float,
    lng: float,
    answer_id: str,
    answer_preview: str,
    answer_accepted: bool,
    answer_created_at: datetime,
    terms: Sequence[str] | None = None,
    known: Stored | None = None,
) -> Stored:
    """What the index keeps of an answered question; its terms come from the analyzer
    unless given (already analysed), or from `known` (the same question as indexed
    before) when its text and tags have not changed: a new or accepted answer changes
    only the answer shown, and the analysis is the costly part."""
    text = title if content.strip() == title.strip() else f"{title}\n{content}"
    stored = Stored(
        question_id=question_id,
        title=title,
        region_code=region_code,
        created_at=created_at,
        hashtags=hashtags,
        lat=lat,
        lng=lng,
        answer_id=answer_id,
        answer_preview=answer_preview,
        answer_accepted=answer_accepted,
        answer_created_at=answer_created_at,
        freshness=policy.freshness_of(text),
    )
    stored.source = hash((text, *hashtags))
    if known is not None and known.source == stored.source:
        stored.terms.update(known.terms)
        return stored
    stored.terms.update(analyzer.terms(text) if terms is None else terms)
    stored.terms.update(analyzer.tag_terms(hashtags))
    return stored
