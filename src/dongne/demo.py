"""Jeju demo data: an admin, verified locals at the tourist hotspots, a few travelers.

Demo accounts share one known password; they exist to try the service, never in production.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import cycle, islice

from dongne.kit.errors import DongneError, ErrorCode
from dongne.regions.policy import default_region_map
from dongne.runtime import Runtime
from dongne.users.schemas import Role

DEMO_PASSWORD = "jeju-demo-1234"
DEMO_DOMAIN = "dongne.demo"
LOCAL_COUNT = 30
TRAVELER_COUNT = 3


@dataclass(frozen=True)
class DemoAccount:
    email: str
    nickname: str
    role: Role
    home_region: str | None = None


def demo_accounts() -> list[DemoAccount]:
    hotspots = default_region_map().hotspots()
    accounts = [DemoAccount(f"admin@{DEMO_DOMAIN}", "운영자", Role.ADMIN)]
    for number, hotspot in enumerate(islice(cycle(hotspots), LOCAL_COUNT), start=1):
        nickname = f"{hotspot.name_ko[:12]} 주민{number}"
        accounts.append(
            DemoAccount(f"local{number:02d}@{DEMO_DOMAIN}", nickname, Role.LOCAL, hotspot.region)
        )
    accounts += [
        DemoAccount(f"traveler{n}@{DEMO_DOMAIN}", f"여행자{n}", Role.TRAVELER)
        for n in range(1, TRAVELER_COUNT + 1)
    ]
    return accounts


async def load_demo(runtime: Runtime) -> str:
    created = 0
    accounts = demo_accounts()
    for account in accounts:
        try:
            async with runtime.db.transaction() as uow:
                await runtime.users.create(
                    uow,
                    email=account.email,
                    password=DEMO_PASSWORD,
                    nickname=account.nickname,
                    role=account.role,
                    local_verified=account.role is Role.LOCAL,
                    home_region=account.home_region,
                )
        except DongneError as exc:
            if exc.code is not ErrorCode.CONFLICT:
                raise
            continue
        created += 1
    return (
        f"demo accounts: {len(accounts)} ({created} new) — admin@{DEMO_DOMAIN}, "
        f"local01..local{LOCAL_COUNT:02d}@{DEMO_DOMAIN}, "
        f"traveler1..traveler{TRAVELER_COUNT}@{DEMO_DOMAIN}"
    )
