"""`make eval-similar`: precision and recall of the similar-question matcher on the
evaluation set in tests/fixtures/similar, beside a plain character n-gram baseline.

precision@1: of the queries where something is offered, the share whose first offer
answers the question. precision@3: the share of all offers (up to three a query) that
answer it. recall@3: of the queries that have an answer stored, the share whose answer is
among the first three. no-match: of the queries that must get nothing (far away, stale,
traps), the share that got nothing. stale-top: queries whose first offer is a stale
time-bound answer (must be 0).
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml

from dongne.kit.geo import haversine_m
from dongne.similar import policy
from dongne.similar.index import SimilarIndex
from dongne.similar.matcher import rank, stored_from

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "similar"
NOW = datetime(2026, 7, 20, 12, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Doc:
    id: str
    lat: float
    lng: float
    text: str
    tags: list[str]
    answered_at: datetime


@dataclass(frozen=True)
class Query:
    lat: float
    lng: float
    text: str
    expect: frozenset[str]
    kind: str


def load(folder: Path = FIXTURES) -> tuple[list[Doc], list[Query]]:
    places: dict[str, list[float]] = yaml.safe_load((folder / "places.yaml").read_text())
    docs = [
        Doc(
            id=d["id"],
            lat=places[d["at"]][0],
            lng=places[d["at"]][1],
            text=d["q"],
            tags=d.get("tags", []),
            answered_at=NOW - timedelta(hours=d["age_h"]),
        )
        for d in yaml.safe_load((folder / "docs.yaml").read_text())
    ]
    queries = [
        Query(
            lat=places[q["at"]][0],
            lng=places[q["at"]][1],
            text=q["q"],
            expect=frozenset(q["expect"]),
            kind=q["kind"],
        )
        for q in yaml.safe_load((folder / "queries.yaml").read_text())
    ]
    return docs, queries


def build_index(docs: Sequence[Doc]) -> SimilarIndex:
    index = SimilarIndex()
    for doc in docs:
        index.upsert(
            stored_from(
                question_id=doc.id,
                title=doc.text,
                content=doc.text,
                region_code="jeju",
                created_at=doc.answered_at,
                hashtags=doc.tags,
                lat=doc.lat,
                lng=doc.lng,
                answer_id=f"a-{doc.id}",
                answer_preview="",
                answer_accepted=False,
                answer_created_at=doc.answered_at,
            )
        )
    return index


Ranker = Callable[[Query], list[str]]


def matcher(docs: Sequence[Doc]) -> Ranker:
    index = build_index(docs)

    def run(query: Query) -> list[str]:
        found = rank(index, query.text, query.lat, query.lng, now=NOW, limit=3)
        return [m.stored.question_id for m in found]

    return run


def _grams(text: str, n: int = 2) -> Counter[str]:
    squeezed = "".join(text.lower().split())
    return Counter(squeezed[i : i + n] for i in range(max(1, len(squeezed) - n + 1)))


def ngram_baseline(docs: Sequence[Doc], threshold: float = 0.3) -> Ranker:
    """Cosine similarity of character bigrams, same distance cut-off, no notion of time."""
    grams = {doc.id: _grams(doc.text) for doc in docs}

    def cosine(a: Counter[str], b: Counter[str]) -> float:
        dot = sum(v * b.get(k, 0) for k, v in a.items())
        norm = math.sqrt(sum(v * v for v in a.values())) * math.sqrt(sum(v * v for v in b.values()))
        return dot / norm if norm else 0.0

    def run(query: Query) -> list[str]:
        q = _grams(query.text)
        scored = [
            (cosine(q, grams[doc.id]), doc.id)
            for doc in docs
            if haversine_m(query.lat, query.lng, doc.lat, doc.lng) <= policy.CUTOFF_M
        ]
        scored = [(s, i) for s, i in scored if s >= threshold]
        scored.sort(reverse=True)
        return [doc_id for _, doc_id in scored[:3]]

    return run


def stale_ids(docs: Sequence[Doc]) -> set[str]:
    return {
        doc.id
        for doc in docs
        if policy.age_weight(NOW - doc.answered_at, policy.freshness_of(doc.text)) is None
    }


def evaluate(
    ranker: Ranker, queries: Sequence[Query], stale: set[str], verbose: bool = False
) -> dict[str, Any]:
    offered = first_right = shown = shown_right = 0
    with_answer = found = without = empty = stale_top = 0
    for query in queries:
        top = ranker(query)
        if top:
            offered += 1
            first_right += top[0] in query.expect
            stale_top += top[0] in stale
        shown += len(top)
        shown_right += sum(1 for doc_id in top if doc_id in query.expect)
        if query.expect:
            with_answer += 1
            found += bool(query.expect.intersection(top))
        else:
            without += 1
            empty += not top
        if verbose and (
            top[:1] != sorted(query.expect)[:1] or (top and top[0] not in query.expect)
        ):
            print(f"  miss [{query.kind}] {query.text!r} expect={sorted(query.expect)} got={top}")
    return {
        "precision@1": first_right / offered if offered else 0.0,
        "precision@3": shown_right / shown if shown else 0.0,
        "recall@3": found / with_answer if with_answer else 0.0,
        "no-match": empty / without if without else 0.0,
        "stale-top": stale_top,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--verbose", action="store_true", help="list the matcher's misses")
    args = parser.parse_args(argv)
    docs, queries = load()
    started = time.perf_counter()
    stale = stale_ids(docs)
    ours = matcher(docs)
    print(f"evaluation set: {len(docs)} stored questions, {len(queries)} queries")
    print(f"(Kiwi loaded and index built in {time.perf_counter() - started:.1f} s)")
    if args.verbose:
        print("matcher misses:")
    results = {
        "matcher (Kiwi + BM25)": evaluate(ours, queries, stale, args.verbose),
        "char bigram baseline": evaluate(ngram_baseline(docs), queries, stale),
    }
    columns = ["precision@1", "precision@3", "recall@3", "no-match", "stale-top"]
    print(f"{'':24}" + "".join(f"{c:>13}" for c in columns))
    for name, row in results.items():
        cells = "".join(
            f"{row[c]:>13.3f}" if isinstance(row[c], float) else f"{row[c]:>13}" for c in columns
        )
        print(f"{name:24}{cells}")
    kinds = Counter(q.kind for q in queries)
    print("queries by kind: " + ", ".join(f"{k} {n}" for k, n in sorted(kinds.items())))
    ok = results["matcher (Kiwi + BM25)"]
    return 0 if ok["precision@1"] >= 0.85 and ok["recall@3"] >= 0.80 and not ok["stale-top"] else 1


if __name__ == "__main__":
    sys.exit(main())
