"""`make bench-similar`: query latency of the similar-question index at 100,000 stored
questions (p50 / p99), one process, as the endpoint runs it (analysis + index + ranking).

Questions are drawn from the evaluation set's texts, spread over Jeju's hotspots with
the skew real traffic has (a few places hold most questions), so the postings near a
busy place are long.
"""

from __future__ import annotations

import argparse
import gc
import random
import statistics
import sys
import time
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.eval_similar import NOW, load

from dongne.regions.policy import default_region_map
from dongne.similar import analyzer
from dongne.similar.index import SimilarIndex
from dongne.similar.matcher import rank, stored_from

METRES_PER_DEGREE = 111_195.0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=2_000)
    args = parser.parse_args(argv)
    rng = random.Random(17)
    docs, queries = load()
    hotspots = default_region_map().hotspots()
    weights = [1.0 / (rank_ + 1) for rank_ in range(len(hotspots))]  # Zipf-like skew
    started = time.perf_counter()
    index = SimilarIndex()
    texts = [doc.text for doc in docs]
    # Each distinct text is analysed once (Kiwi's cost is the build's, not the query's).
    analysed = {text: analyzer.terms(text) for text in texts}
    for n in range(args.questions):
        spot = rng.choices(hotspots, weights)[0]
        lat = spot.lat + rng.gauss(0, 800) / METRES_PER_DEGREE
        lng = spot.lng + rng.gauss(0, 800) / METRES_PER_DEGREE
        answered = NOW - timedelta(hours=rng.uniform(0, 24 * 365))
        text = rng.choice(texts)
        index.upsert(
            stored_from(
                question_id=f"q{n}",
                title=text,
                terms=analysed[text],
                content="",
                region_code="jeju",
                created_at=answered,
                hashtags=[],
                lat=lat,
                lng=lng,
                answer_id=f"a{n}",
                answer_preview="",
                answer_accepted=False,
                answer_created_at=answered,
            )
        )
    built = time.perf_counter() - started
    gc.freeze()  # as the server does after start-up (kit/gctune.py)
    timings: list[float] = []
    cpu: list[float] = []  # this thread's CPU: what the query costs, whatever else runs
    offered = 0
    for _ in range(args.queries):
        query = rng.choice(queries)
        spot = rng.choices(hotspots, weights)[0]
        t0, c0 = time.perf_counter(), time.thread_time()
        found = rank(index, query.text, spot.lat, spot.lng, now=NOW, limit=3)
        timings.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.thread_time() - c0) * 1000)
        offered += bool(found)
    timings.sort()
    cpu.sort()
    p50 = statistics.median(timings)
    p99 = timings[int(len(timings) * 0.99) - 1]
    cpu_p99 = cpu[int(len(cpu) * 0.99) - 1]
    print(f"stored questions: {len(index):,} (built in {built:.1f} s)")
    print(f"queries: {len(timings):,}, with an offer: {offered / len(timings):.0%}")
    print(f"latency ms: p50 {p50:.2f}  p99 {p99:.2f}  max {timings[-1]:.2f}")
    print(f"CPU ms per query: p50 {statistics.median(cpu):.2f}  p99 {cpu_p99:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
