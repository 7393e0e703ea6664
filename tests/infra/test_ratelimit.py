"""The in-process moving windows: what they allow, when they allow again, what they forget."""

from __future__ import annotations

from dongne.infra.ratelimit import IDLE_SWEEP_S, MemoryRateLimiter


class ManualClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_a_window_allows_its_amount_then_says_when_again() -> None:
    clock = ManualClock()
    limiter = MemoryRateLimiter(clock)
    assert [await limiter.hit("3/minute", "event", "u1") for _ in range(3)] == [None] * 3
    clock.now += 20
    assert await limiter.hit("3/minute", "event", "u1") == 40  # the first hit leaves at 60 s
    # Another key and another limit on the same key count apart.
    assert await limiter.hit("3/minute", "event", "u2") is None
    assert await limiter.hit("5/minute", "event", "u1") is None


async def test_the_window_moves_rather_than_resets() -> None:
    clock = ManualClock()
    limiter = MemoryRateLimiter(clock)
    assert await limiter.hit("2/minute", "k") is None
    clock.now += 40
    assert await limiter.hit("2/minute", "k") is None
    clock.now += 21  # the first hit has left the window, the second has not
    assert await limiter.hit("2/minute", "k") is None
    assert await limiter.hit("2/minute", "k") == 39  # the second leaves at 100 s
    clock.now += 39
    assert await limiter.hit("2/minute", "k") is None


async def test_a_refused_hit_does_not_count() -> None:
    clock = ManualClock()
    limiter = MemoryRateLimiter(clock)
    assert await limiter.hit("1/second", "k") is None
    for _ in range(50):
        assert await limiter.hit("1/second", "k") == 1
    clock.now += 1.0
    assert await limiter.hit("1/second", "k") is None


async def test_peek_looks_without_counting() -> None:
    clock = ManualClock()
    limiter = MemoryRateLimiter(clock)
    for _ in range(5):
        assert await limiter.peek("2/minute", "login", "a@b.c") is None
    assert await limiter.hit("2/minute", "login", "a@b.c") is None
    assert await limiter.hit("2/minute", "login", "a@b.c") is None
    assert await limiter.peek("2/minute", "login", "a@b.c") == 60


async def test_quiet_keys_are_forgotten_and_busy_ones_kept() -> None:
    clock = ManualClock()
    limiter = MemoryRateLimiter(clock)
    for user in range(100):
        await limiter.hit("1/minute", "event", f"u{user}")
    await limiter.hit("1/hour", "event", "long")
    clock.now += IDLE_SWEEP_S + 1
    await limiter.hit("1/minute", "event", "fresh")
    # Only the hour's window and the new one are left; the hour still refuses.
    assert len(limiter._windows) == 2
    assert await limiter.hit("1/hour", "event", "long") is not None


async def test_tiers_cut_a_burst_and_keep_the_steady_rate() -> None:
    clock = ManualClock()
    limiter = MemoryRateLimiter(clock)
    tiers = "3/10 seconds;5/minute"
    assert [await limiter.hit_tiers(tiers, "k") for _ in range(3)] == [None] * 3
    for _ in range(20):  # refused by the burst tier, and counted in neither
        assert await limiter.hit_tiers(tiers, "k") == 10
    clock.now += 10
    assert await limiter.hit_tiers(tiers, "k") is None
    assert await limiter.hit_tiers(tiers, "k") is None
    assert await limiter.hit_tiers(tiers, "k") == 50  # now the minute's five are used up
