"""The in-memory index of answered questions: BM25 postings per map cell.

Terms are posted per (cell, term), cells being about 1 km squares, so a query reads only
the postings of its own terms in the cells within the cut-off: the cost follows what is
near, not how much is stored. Document frequencies are counted over the whole island.

Single-threaded by design (the event loop); `add_many` is what a start-up build uses.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from itertools import islice

from dongne.kit.geo import EARTH_RADIUS_M, haversine_m
from dongne.similar import analyzer, policy

# Cell edge in degrees of latitude (~1.1 km); longitude cells are scaled to the latitude.
CELL_DEG = 0.01
# Per cell and word, only the most recently indexed questions are scored: at a busy place
# thousands share "주차", and the newest fifty of one square kilometre hold the best
# three (older ones lose on age). Bounds the cost of a query whatever is stored.
RECENT_PER_CELL_TERM = 50
_M_PER_DEG = math.pi * EARTH_RADIUS_M / 180.0


@dataclass(slots=True)
class Stored:
    """One answered question as the index keeps it (with the answer to show)."""

    question_id: str
    title: str
    region_code: str
    created_at: datetime
    hashtags: list[str]
    lat: float
    lng: float
    answer_id: str
    answer_preview: str
    answer_accepted: bool
    answer_created_at: datetime
    freshness: policy.Freshness
    terms: Counter[str] = field(default_factory=Counter)
    length: int = 0
    named: bool = False  # names a place
    source: int = 0  # fingerprint of the text and tags its terms were drawn from


@dataclass(frozen=True, slots=True)
class Hit:
    stored: Stored
    relevance: float
    distance_m: float


def _cell(lat: float, lng: float) -> tuple[int, int]:
    return (math.floor(lat / CELL_DEG), math.floor(lng * math.cos(math.radians(lat)) / CELL_DEG))


class SimilarIndex:
    def __init__(self) -> None:
        self._docs: dict[str, Stored] = {}
        self._postings: dict[tuple[tuple[int, int], str], dict[str, int]] = {}
        self._df: Counter[str] = Counter()
        self._total_length = 0

    def __len__(self) -> int:
        return len(self._docs)

    def __contains__(self, question_id: str) -> bool:
        return question_id in self._docs

    def get(self, question_id: str) -> Stored | None:
        return self._docs.get(question_id)

    def upsert(self, stored: Stored) -> None:
        self.remove(stored.question_id)
        stored.length = sum(stored.terms.values())
        stored.named = any(term.startswith(analyzer.NAME_PREFIX) for term in stored.terms)
        self._docs[stored.question_id] = stored
        self._total_length += stored.length
        cell = _cell(stored.lat, stored.lng)
        for term, frequency in stored.terms.items():
            self._df[term] += 1
            self._postings.setdefault((cell, term), {})[stored.question_id] = frequency

    def add_many(self, stored: Iterable[Stored]) -> None:
        for item in stored:
            self.upsert(item)

    def remove(self, question_id: str) -> None:
        old = self._docs.pop(question_id, None)
        if old is None:
            return
        self._total_length -= old.length
        cell = _cell(old.lat, old.lng)
        for term in old.terms:
            self._df[term] -= 1
            if not self._df[term]:
                del self._df[term]
            posting = self._postings.get((cell, term))
            if posting is not None:
                posting.pop(question_id, None)
                if not posting:
                    del self._postings[(cell, term)]

    def search(
        self, query_terms: Iterable[str], lat: float, lng: float, cutoff_m: float
    ) -> Iterator[Hit]:
        """Stored questions within `cutoff_m` sharing a word, with their BM25 relevance,
        most relevant first (a caller may stop early)."""
        unique = list(dict.fromkeys(query_terms))
        documents = len(self._docs)
        if not unique or not documents:
            return
        average = self._total_length / documents
        idfs = {term: policy.idf(documents, self._df.get(term, 0)) for term in unique}
        topics = [t for t in unique if not t.startswith(analyzer.NAME_PREFIX)]
        names = [t for t in unique if t.startswith(analyzer.NAME_PREFIX)]
        cells = list(self._cells_near(lat, lng, cutoff_m))
        # Only the question's own words make candidates; place names, common near a busy
        # place, are looked up for those candidates alone.
        topic: dict[str, float] = {}
        for cell in cells:
            for term in topics:
                posting = self._postings.get((cell, term))
                if posting:
                    self._accumulate(topic, posting, idfs[term], average, None)
        if not topic:
            return
        name_scores: dict[str, float] = {}
        for cell in cells:
            for term in names:
                posting = self._postings.get((cell, term))
                if posting:
                    self._accumulate(name_scores, posting, idfs[term], average, topic)
        # A word no stored question has weighs like the rarest known one: it tells that
        # the question asks something more, without drowning what it shares.
        rarest = max((idfs[t] for t in unique if self._df.get(t)), default=0.0)
        capped = {t: min(idf, rarest) for t, idf in idfs.items()}
        ceiling = policy.ceiling([capped[t] for t in topics], [capped[t] for t in names])
        ranked = sorted(
            ((policy.weighted(score, name_scores.get(q, 0.0)), q) for q, score in topic.items()),
            reverse=True,
        )
        for weighted, question_id in ranked:
            shared = policy.relevance(weighted, ceiling)
            if shared < policy.MIN_RELEVANCE:
                return  # sorted: the rest share even less
            stored = self._docs[question_id]
            if names and stored.named and question_id not in name_scores:
                continue  # each names a place, not the same one: about somewhere else
            distance = haversine_m(lat, lng, stored.lat, stored.lng)
            if distance <= cutoff_m:
                yield Hit(stored, shared, distance)

    def _accumulate(
        self,
        scores: dict[str, float],
        posting: dict[str, int],
        idf: float,
        average: float,
        only: dict[str, float] | None,
    ) -> None:
        docs = self._docs
        if only is not None and len(only) < len(posting):
            pairs = [(q, posting[q]) for q in only if q in posting]
        elif only is not None:
            pairs = [(q, f) for q, f in posting.items() if q in only]
        else:
            # Insertion order is indexing order: the newest are last.
            pairs = list(islice(reversed(posting.items()), RECENT_PER_CELL_TERM))
        get = scores.get
        for question_id, frequency in pairs:
            scores[question_id] = get(question_id, 0.0) + policy.bm25_term(
                idf, frequency, docs[question_id].length, average
            )

    def _cells_near(self, lat: float, lng: float, radius_m: float) -> Iterator[tuple[int, int]]:
        span = radius_m / _M_PER_DEG / CELL_DEG
        row, column = _cell(lat, lng)
        reach = math.ceil(span) + 1  # longitude cells are scaled per latitude: one extra
        for dr in range(-reach, reach + 1):
            for dc in range(-reach, reach + 1):
                yield (row + dr, column + dc)
