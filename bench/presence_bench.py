"""Presence index micro-benchmark: nearest-locals queries at 1k, 10k and 100k online users.

Users cluster around Jeju's hotspots (gaussian, a few km), ~30 % verified locals; queries
are asked near hotspots too. Prints a Markdown table. `--redis URL` adds Redis GEO rows.

    .venv/bin/python bench/presence_bench.py --sizes 1000,10000,100000 [--redis redis://…]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import random
import statistics
import time
import uuid
from pathlib import Path

from dongne.infra.presence.base import PresenceIndex
from dongne.infra.presence.memory import MemoryPresenceIndex

ROOT = Path(__file__).resolve().parent.parent
HOTSPOT_FILES = [
    ROOT / "src/dongne/regions/data/jeju_hotspots.json",
    Path("/work/shared/data/jeju_hotspots.json"),
]
M_PER_DEG_LAT = 111_195.0
QUERIES = [("r=2 km, k=10, locals", 2000.0, 10), ("r=5 km, all, locals", 5000.0, None)]


def hotspots() -> list[tuple[float, float]]:
    for path in HOTSPOT_FILES:
        if path.exists():
            data = json.loads(path.read_text(encoding="utf-8"))
            return [(h["lat"], h["lng"]) for h in data["hotspots"]]
    return [(33.4996, 126.5312), (33.2541, 126.5600)]  # Jeju City, Seogwipo


def around(
    rng: random.Random, spots: list[tuple[float, float]], sigma_m: float
) -> tuple[float, float]:
    lat, lng = rng.choice(spots)
    s_lat = sigma_m / M_PER_DEG_LAT
    return rng.gauss(lat, s_lat), rng.gauss(lng, s_lat / math.cos(math.radians(lat)))


async def fill(index: PresenceIndex, n: int, rng: random.Random, spread_m: float) -> float:
    spots = hotspots()
    users = [(f"u{i}", *around(rng, spots, spread_m), rng.random() < 0.3) for i in range(n)]
    start = time.perf_counter()
    for chunk in range(0, n, 50):  # small concurrent chunks: Redis round trips overlap
        await asyncio.gather(
            *(
                index.upsert(u, lat, lng, is_local=loc)
                for u, lat, lng, loc in users[chunk : chunk + 50]
            )
        )
    return time.perf_counter() - start


async def measure(
    index: PresenceIndex, rng: random.Random, iterations: int, radius: float, limit: int | None
) -> tuple[float, float, float, float]:
    spots = hotspots()
    points = [around(rng, spots, 1000.0) for _ in range(iterations)]
    times: list[float] = []
    hits = 0
    for lat, lng in points:
        start = time.perf_counter_ns()
        found = await index.nearest(lat, lng, radius, limit=limit, locals_only=True)
        times.append((time.perf_counter_ns() - start) / 1000)
        hits += len(found)
    times.sort()
    p99 = times[min(len(times) - 1, math.ceil(0.99 * len(times)) - 1)]
    return statistics.median(times), p99, statistics.fmean(times), hits / iterations


async def run(args: argparse.Namespace) -> None:
    sizes = [int(s) for s in args.sizes.split(",")]
    print("| index | online users | query | p50 µs | p99 µs | mean µs | avg hits | fill s |")
    print("|---|---:|---|---:|---:|---:|---:|---:|")
    kinds = ["memory"] + (["redis"] if args.redis else [])
    for kind in kinds:
        for n in sizes:
            rng = random.Random(args.seed)
            index: PresenceIndex
            cleanup = None
            if kind == "memory":
                index = MemoryPresenceIndex(now=time.monotonic)
                iterations = args.iterations
            else:
                import redis.asyncio as aioredis

                from dongne.infra.presence.redis import RedisPresenceIndex

                client = aioredis.Redis.from_url(args.redis)
                redis_index = RedisPresenceIndex(
                    client, f"dongne:bench:{uuid.uuid4().hex}:", now=time.time
                )
                index, cleanup = redis_index, (client, redis_index.keys)
                iterations = max(1, args.iterations // 5)
            try:
                fill_s = await fill(index, n, rng, args.spread_km * 1000)
                for label, radius, limit in QUERIES:
                    p50, p99, mean, hits = await measure(index, rng, iterations, radius, limit)
                    print(
                        f"| {kind} | {n:,} | {label} | {p50:.0f} | {p99:.0f} | {mean:.0f} "
                        f"| {hits:.1f} | {fill_s:.2f} |",
                        flush=True,
                    )
            finally:
                if cleanup is not None:
                    client, keys = cleanup
                    await client.delete(*keys)
                    await client.aclose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--iterations", type=int, default=2000, help="queries per row")
    parser.add_argument("--spread-km", type=float, default=3.0, help="gaussian sigma")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--redis", metavar="URL", help="also benchmark Redis GEO at URL")
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
