"""Bench-only fast seeding: N accounts with tokens and positions, straight into a fresh DB.

    .venv/bin/python bench/seed.py --data-dir /tmp/dongne-bench --users 5000 \\
        --out bench/results/<run>/accounts.json

Why not `POST /api/auth/register` or `UsersService.create` per account: both hash the
password with argon2id (64 MiB, tens of ms each), so 10,000 accounts would take minutes and
the benchmark would mostly measure hashing. Here ONE password is hashed once, with the
server's own `Passwords` settings, and that hash is stored for every bench account (all of
them share `BENCH_PASSWORD`, so a manual `POST /api/auth/login` still works for any of them);
rows are inserted in batches of `BATCH`, and access tokens are issued directly with the
server's `AccessTokens` and the same secret the server will use (`DONGNE_JWT_SECRET`, or
the `jwt_secret` file of `DONGNE_DATA_DIR`). Nothing here is reachable from the server.

Positions: every account is placed around one of the packaged Jeju hotspots
(`src/dongne/regions/data/jeju_hotspots.json`), gaussian, σ = `--local-sigma-km` for
verified locals and `--asker-sigma-km` for askers (travelers); points the region map places
outside Jeju (the sea) are drawn again. A pool of question spots (σ = `--spot-sigma-km`
around the hotspots, inside Jeju) is written too, and the share of spots with at least 10
locals within 2 km (what the IMMEDIATE wave needs to notify its full 10) is reported.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import random
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import insert

from dongne.config import Settings
from dongne.kit.db import Database
from dongne.kit.ids import new_id
from dongne.kit.passwords import Passwords
from dongne.kit.tokens import AccessTokens
from dongne.models.migrations import upgrade
from dongne.models.users import User
from dongne.regions.policy import RegionMap, default_region_map
from dongne.users.schemas import Role

BENCH_PASSWORD = "bench-password-2026"
BATCH = 1_000
ACCOUNT_AGE = timedelta(days=30)
M_PER_DEG_LAT = 111_195.0
IMMEDIATE_RADIUS_M = 2_000.0
IMMEDIATE_LIMIT = 10
DEFAULT_TOKEN_TTL_S = 24 * 3600


@dataclass(frozen=True)
class Account:
    id: str
    role: str  # "local" (verified local, answers) or "asker" (traveler, asks)
    token: str
    lat: float
    lng: float


def _around(
    rng: random.Random,
    regions: RegionMap,
    spots: list[tuple[float, float]],
    sigma_m: float,
) -> tuple[float, float]:
    """A point around a random hotspot that the region map places on Jeju."""
    for _ in range(1_000):
        lat0, lng0 = rng.choice(spots)
        s_lat = sigma_m / M_PER_DEG_LAT
        lat = rng.gauss(lat0, s_lat)
        lng = rng.gauss(lng0, s_lat / math.cos(math.radians(lat0)))
        if regions.locate(lat, lng) is not None:
            return round(lat, 6), round(lng, 6)
    raise RuntimeError("could not place a point on Jeju; are the hotspots inside it?")


def coverage(
    locals_: list[tuple[float, float]], spots: list[tuple[float, float]]
) -> dict[str, float]:
    """How many verified locals lie within 2 km of each question spot (all of them online)."""
    if not locals_ or not spots:
        return {"spots": len(spots), "medianLocalsWithin2km": 0.0, "shareWith10": 0.0}
    la = np.radians(np.array([p[0] for p in locals_]))
    lo = np.radians(np.array([p[1] for p in locals_]))
    counts: list[int] = []
    for lat, lng in spots:
        phi, lam = math.radians(lat), math.radians(lng)
        a = np.sin((la - phi) / 2) ** 2 + math.cos(phi) * np.cos(la) * np.sin((lo - lam) / 2) ** 2
        d = 2 * 6_371_008.8 * np.arcsin(np.sqrt(a))
        counts.append(int((d <= IMMEDIATE_RADIUS_M).sum()))
    arr = np.array(counts)
    return {
        "spots": len(spots),
        "medianLocalsWithin2km": float(np.median(arr)),
        "p10LocalsWithin2km": float(np.percentile(arr, 10)),
        "shareWith10": round(float((arr >= IMMEDIATE_LIMIT).mean()), 4),
    }


async def _insert_users(
    settings: Settings, accounts: list[tuple[str, str, str]], password_hash: str
) -> None:
    """(id, email, role) rows in batches; one shared password hash (see the module doc)."""
    db = Database(settings.resolved_database_url)
    # Established accounts: the spam screening weighs accounts younger than a day.
    now = datetime.now(UTC) - ACCOUNT_AGE
    try:
        for start in range(0, len(accounts), BATCH):
            rows: list[dict[str, Any]] = [
                {
                    "id": user_id,
                    "email": email,
                    "password_hash": password_hash,
                    "nickname": f"bench{start + i}",
                    "role": role,
                    "is_local_verified": role == Role.LOCAL.value,
                    "home_region": None,
                    "bio": None,
                    "points": 0,
                    "created_at": now,
                    "updated_at": now,
                }
                for i, (user_id, email, role) in enumerate(accounts[start : start + BATCH])
            ]
            async with db.transaction() as uow:
                await uow.session.execute(insert(User), rows)
    finally:
        await db.dispose()


async def _hash_once(settings: Settings) -> str:
    passwords = Passwords(memory_kib=settings.password_hash_memory_kib, concurrency=1)
    return await passwords.hash(BENCH_PASSWORD)


def seed(
    settings: Settings,
    *,
    users: int,
    asker_share: float,
    seed_value: int,
    local_sigma_m: float,
    asker_sigma_m: float,
    spot_sigma_m: float,
    question_spots: int,
    token_ttl_s: int,
) -> dict[str, Any]:
    """Migrates the database of `settings`, inserts the accounts; returns accounts.json."""
    started = time.perf_counter()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    upgrade(settings.resolved_database_url)
    rng = random.Random(seed_value)
    regions = default_region_map()
    spots = [(h.lat, h.lng) for h in regions.hotspots()]
    askers = max(1, round(users * asker_share))
    now = datetime.now(UTC)
    tokens = AccessTokens(settings.resolved_jwt_secret(), timedelta(seconds=token_ttl_s))

    accounts: list[Account] = []
    rows: list[tuple[str, str, str]] = []
    for i in range(users):
        is_asker = i < askers
        role = Role.TRAVELER if is_asker else Role.LOCAL
        user_id = new_id(now)
        lat, lng = _around(rng, regions, spots, asker_sigma_m if is_asker else local_sigma_m)
        accounts.append(
            Account(
                id=user_id,
                role="asker" if is_asker else "local",
                token=tokens.issue(user_id, role.value, now),
                lat=lat,
                lng=lng,
            )
        )
        rows.append((user_id, f"bench{i}@bench.dongne.invalid", role.value))
    question_pool = [_around(rng, regions, spots, spot_sigma_m) for _ in range(question_spots)]
    password_hash = asyncio.run(_hash_once(settings))
    asyncio.run(_insert_users(settings, rows, password_hash))
    rng.shuffle(accounts)  # askers and locals interleaved: connection order is mixed
    local_positions = [(a.lat, a.lng) for a in accounts if a.role == "local"]
    return {
        "version": 1,
        "createdAt": now.isoformat(),
        "seed": seed_value,
        "users": users,
        "askers": askers,
        "locals": users - askers,
        "password": BENCH_PASSWORD,
        "tokenTtlS": token_ttl_s,
        "sigmaM": {"local": local_sigma_m, "asker": asker_sigma_m, "spot": spot_sigma_m},
        "hotspots": len(spots),
        "coverage": coverage(local_positions, question_pool),
        "seedSeconds": round(time.perf_counter() - started, 2),
        "questionSpots": [[lat, lng] for lat, lng in question_pool],
        "accounts": [a.__dict__ for a in accounts],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description="Seed bench accounts into a fresh data dir.")
    parser.add_argument("--data-dir", type=Path, help="overrides DONGNE_DATA_DIR")
    parser.add_argument("--users", type=int, default=1_000)
    parser.add_argument("--asker-share", type=float, default=0.2)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--local-sigma-km", type=float, default=1.5)
    parser.add_argument("--asker-sigma-km", type=float, default=1.0)
    parser.add_argument("--spot-sigma-km", type=float, default=0.8)
    parser.add_argument("--question-spots", type=int, default=2_000)
    parser.add_argument("--token-ttl-s", type=int, default=DEFAULT_TOKEN_TTL_S)
    parser.add_argument("--out", type=Path, required=True, help="accounts.json to write")
    args = parser.parse_args()
    settings = Settings() if args.data_dir is None else Settings(data_dir=args.data_dir)
    if settings.data_dir.joinpath("dongne.db").exists() and settings.database_url is None:
        parser.error(f"{settings.data_dir}/dongne.db exists: seed a fresh data dir")
    doc = seed(
        settings,
        users=args.users,
        asker_share=args.asker_share,
        seed_value=args.seed,
        local_sigma_m=args.local_sigma_km * 1000,
        asker_sigma_m=args.asker_sigma_km * 1000,
        spot_sigma_m=args.spot_sigma_km * 1000,
        question_spots=args.question_spots,
        token_ttl_s=args.token_ttl_s,
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(doc, separators=(",", ":")), encoding="utf-8")
    summary = {k: v for k, v in doc.items() if k not in ("accounts", "questionSpots", "password")}
    print(json.dumps(summary), file=sys.stdout, flush=True)


if __name__ == "__main__":
    main()
