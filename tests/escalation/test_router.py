"""The router's choices on hand-built situations, and properties that hold for any."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import time

from hypothesis import given, settings
from hypothesis import strategies as st

from dongne.escalation.ports import LocalProfile
from dongne.escalation.router import Router
from dongne.escalation.routing import (
    Pending,
    Responsiveness,
    RouteCandidate,
    RouteQuestion,
    RouterConfig,
    choose_round,
)
from dongne.infra.presence.base import Nearby
from dongne.notifications.policy import QuietHours, RecipientSettings

NOON = time(12, 0)
CONFIG = RouterConfig()
QUESTION = RouteQuestion(
    id="q1",
    asker_id="asker",
    lat=33.45,
    lng=126.56,
    region="jeju",
    hashtags=frozenset({"맛집"}),
    urgent=False,
    language="ko",
    asked_at_s=0.0,
)


NO_RECORD = Responsiveness()
DEFAULTS = RecipientSettings()


def local(
    user_id: str,
    *,
    distance_m: float | None = 500.0,
    languages: frozenset[str] = frozenset({"ko"}),
    stats: Responsiveness = NO_RECORD,
    settings: RecipientSettings = DEFAULTS,
    on_duty: bool = False,
) -> RouteCandidate:
    return RouteCandidate(
        user_id=user_id,
        distance_m=distance_m,
        channel="online" if distance_m is not None else "push",
        settings=settings,
        languages=languages,
        expert=False,
        follows_region=False,
        on_duty=on_duty,
        stats=stats,
    )


def choose(
    candidates: Sequence[RouteCandidate],
    *,
    round_no: int = 1,
    pending: Sequence[Pending] = (),
    seed: int = 1,
    config: RouterConfig = CONFIG,
    question: RouteQuestion = QUESTION,
    now_s: float = 0.0,
) -> list[str]:
    choice = choose_round(
        question,
        candidates,
        pending,
        round_no=round_no,
        now_s=now_s,
        local_time=NOON,
        config=config,
        rng=random.Random(seed),
    )
    return [a.user_id for a in choice.asked]


RESPONSIVE = Responsiveness(notified=40, answered=30, log_delay_sum=30 * 3.9)
DORMANT = Responsiveness(notified=60, answered=0)


def test_the_nearby_korean_reading_responsive_local_beats_a_far_one() -> None:
    config = RouterConfig(max_per_round=1)
    near = local("near", distance_m=300, stats=RESPONSIVE)
    far = local("far", distance_m=4_900, stats=RESPONSIVE)
    english_only = local("english", distance_m=300, languages=frozenset({"en"}), stats=RESPONSIVE)
    for seed in range(20):
        assert choose([far, english_only, near], config=config, seed=seed) == ["near"]


def test_a_local_whose_language_matches_is_chosen_first() -> None:
    english = RouteQuestion(
        id="q2",
        asker_id="asker",
        lat=QUESTION.lat,
        lng=QUESTION.lng,
        region="jeju",
        hashtags=frozenset(),
        urgent=False,
        language="en",
        asked_at_s=0.0,
    )
    reads = local("reads-en", languages=frozenset({"ko", "en"}))
    korean = local("ko-only", distance_m=100)
    picked = choose([korean, reads], question=english, config=RouterConfig(max_per_round=1))
    assert picked == ["reads-en"]


def test_a_new_local_still_gets_explored() -> None:
    """Against a local with a middling record, a newcomer (prior only) is sometimes first."""
    config = RouterConfig(max_per_round=1)
    middling = local("middling", stats=Responsiveness(notified=50, answered=15))
    newcomer = local("newcomer")
    firsts = [choose([middling, newcomer], config=config, seed=s)[0] for s in range(200)]
    assert 5 < firsts.count("newcomer") < 195


def test_a_dormant_local_fades() -> None:
    config = RouterConfig(max_per_round=1)
    dormant = local("dormant", distance_m=100, stats=DORMANT)
    newcomer = local("newcomer", distance_m=2_000)
    firsts = [choose([dormant, newcomer], config=config, seed=s)[0] for s in range(100)]
    assert firsts.count("dormant") < 15


def test_a_capped_local_is_skipped() -> None:
    capped = local("capped", stats=Responsiveness(notified=10, answered=9, last_hour=10))
    assert choose([capped]) == []
    assert choose([capped, local("other")]) == ["other"]


def test_a_local_at_the_daily_cap_is_skipped_unless_on_duty() -> None:
    config = RouterConfig()  # the default: 10 a day
    busy = Responsiveness(notified=30, answered=20, last_day=10)
    assert choose([local("busy", stats=busy)], config=config) == []
    assert choose([local("busy", stats=busy)], config=RouterConfig(daily_cap=None)) == ["busy"]
    assert choose([local("duty", stats=busy, on_duty=True)], config=config) == ["duty"]


def test_on_duty_locals_are_asked_first() -> None:
    crowd = [local(f"l{i}", stats=RESPONSIVE, distance_m=100) for i in range(10)]
    duty = local("duty", distance_m=4_000, on_duty=True)
    assert choose([*crowd, duty])[0] == "duty"


def test_just_enough_locals_are_asked() -> None:
    """Strong candidates: a couple suffice; weak ones: up to the round's maximum."""
    strong = [local(f"s{i}", stats=RESPONSIVE, distance_m=200) for i in range(10)]
    weak = [local(f"w{i}", distance_m=4_000) for i in range(10)]
    assert len(choose(strong)) < len(choose(weak)) == CONFIG.max_per_round


def test_locals_still_expected_to_answer_count() -> None:
    """Locals asked a moment ago who may still answer lower how many the next round asks."""
    crowd = [local(f"l{i}", distance_m=800) for i in range(10)]
    hopeful = [Pending(notified_at_s=-20.0, chance=0.6, median_delay_s=60.0) for _ in range(3)]
    assert len(choose(crowd, round_no=2, pending=hopeful)) < len(choose(crowd, round_no=2))


def test_past_the_deadline_nobody_more_is_asked_and_no_round_is_scheduled() -> None:
    """Once its 10 minutes are gone, a question asks nobody new: the attention (and daily
    cap) it would spend is what the next questions need within their own 10 minutes."""
    weak = [local(f"w{i}", distance_m=4_000) for i in range(10)]
    assert len(choose(weak, round_no=5, now_s=CONFIG.deadline_s - 120.0)) == CONFIG.max_per_round
    assert choose(weak, round_no=5, now_s=CONFIG.deadline_s + 30.0) == []
    choice = choose_round(
        QUESTION,
        weak,
        (),
        round_no=4,
        now_s=CONFIG.deadline_s - 120.0,
        local_time=NOON,
        config=CONFIG,
        rng=random.Random(1),
    )
    assert choice.next_round_at_s is None  # the next gap would end past the deadline
    # One a round past it (the router until 2026-12-04, a scenario variant) still works.
    one_late = RouterConfig(late_max_per_round=1)
    assert len(choose(weak, round_no=5, now_s=CONFIG.deadline_s + 30.0, config=one_late)) == 1


QUIET = RecipientSettings(quiet_hours=QuietHours(time(11, 0), time(13, 0)))
MUTED = RecipientSettings(muted_hashtags=frozenset({"맛집"}))
NO_IMMEDIATE = RecipientSettings(immediate_alerts=False)
SMALL_RADIUS = RecipientSettings(radius_m=200)


@settings(max_examples=60, deadline=None)
@given(
    kinds=st.lists(
        st.sampled_from(["plain", "quiet", "muted", "no-immediate", "radius", "asker", "capped"]),
        min_size=1,
        max_size=25,
    ),
    round_no=st.integers(min_value=1, max_value=6),
    seed=st.integers(min_value=0, max_value=10_000),
)
def test_settings_hold_and_nobody_is_asked_twice(
    kinds: list[str], round_no: int, seed: int
) -> None:
    candidates = []
    for i, kind in enumerate(kinds):
        uid = "asker" if kind == "asker" else f"u{i}"
        candidates.append(
            local(
                uid,
                distance_m=1_000,
                settings={
                    "quiet": QUIET,
                    "muted": MUTED,
                    "no-immediate": NO_IMMEDIATE,
                    "radius": SMALL_RADIUS,
                }.get(kind, RecipientSettings()),
                stats=Responsiveness(notified=10, last_hour=10)
                if kind == "capped"
                else Responsiveness(),
            )
        )
    kind_of = {c.user_id: k for c, k in zip(candidates, kinds, strict=True)}
    picked = choose(candidates, round_no=round_no, seed=seed)
    assert len(picked) == len(set(picked)) <= CONFIG.max_per_round
    for uid in picked:
        kind = kind_of[uid]
        assert kind not in {"quiet", "muted", "asker", "capped"}
        if round_no == 1:
            assert kind != "no-immediate"
        if round_no < 3:
            assert kind != "radius"


class FakePorts:
    """Hand-built ports: who is where, who blocked the asker, who was asked already."""

    def __init__(self, nearby: list[Nearby], blocked: set[str], asked: set[str]) -> None:
        self._nearby = nearby
        self._blocked = blocked
        self._asked = {u: Pending(0.0, 0.2, 60.0) for u in asked}

    async def nearby(self, lat: float, lng: float, radius_m: float, limit: int) -> list[Nearby]:
        return self._nearby

    async def on_duty(self) -> list[str]:
        return []

    async def region_followers(self, region: str) -> list[str]:
        return []

    async def accepted_answerers(self, tags: Sequence[str]) -> list[str]:
        return []

    async def interested(self, tags: Sequence[str]) -> list[str]:
        return []

    async def residents(self, region: str) -> list[str]:
        return []

    async def reachable(self, fatigue_cap: int) -> list[str]:
        return []

    async def best(self, user_ids: Sequence[str], limit: int) -> list[str]:
        return list(user_ids)[:limit]

    async def positions(self, user_ids: Sequence[str]) -> dict[str, tuple[float, float]]:
        return {u: (QUESTION.lat, QUESTION.lng) for u in user_ids}

    async def profiles(self, user_ids: Sequence[str]) -> dict[str, LocalProfile]:
        return {
            u: LocalProfile(RecipientSettings(), frozenset({"ko"}), frozenset(), frozenset(), True)
            for u in user_ids
        }

    async def blockers(self, asker_id: str, user_ids: Sequence[str]) -> set[str]:
        return self._blocked & set(user_ids)

    async def responsiveness(self, user_ids: Sequence[str]) -> dict[str, Responsiveness]:
        return {}

    async def recent_counts(self, user_ids: Sequence[str]) -> dict[str, int]:
        return {}

    async def asked(self, question_id: str) -> dict[str, Pending]:
        return self._asked


@settings(max_examples=40, deadline=None)
@given(
    people=st.lists(st.sampled_from([f"u{i}" for i in range(12)]), min_size=1, max_size=12),
    blocked=st.sets(st.sampled_from([f"u{i}" for i in range(12)])),
    asked=st.sets(st.sampled_from([f"u{i}" for i in range(12)])),
)
async def test_blocks_and_earlier_rounds_hold_through_the_sources(
    people: list[str], blocked: set[str], asked: set[str]
) -> None:
    nearby = [Nearby(u, 100.0) for u in people] + [Nearby("asker", 50.0)]
    router = Router(RouterConfig(max_per_round=12, targets=(1.0,)))
    choice = await router.run_round(
        FakePorts(nearby, blocked, asked),
        QUESTION,
        2,
        now_s=0.0,
        local_time=NOON,
        rng=random.Random(0),
    )
    picked = [a.user_id for a in choice.asked]
    assert len(picked) == len(set(picked))
    assert not set(picked) & (blocked | asked | {"asker"})
    assert set(picked) == set(people) - blocked - asked
