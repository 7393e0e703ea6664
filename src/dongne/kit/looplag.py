"""Event-loop lag probe (DONGNE_LOOP_LAG_PROBE): how late a 10 ms sleep wakes up.

A stall of the loop (a long synchronous step, a garbage collection over a large heap)
delays every socket at once; the probe sees it from inside. Once a second it logs one
JSON line at WARNING, `{"event": "loop_lag", "samples_ms": [...], "p99_ms", "max_ms"}`,
which bench/harness/measure.py reads, with the garbage collections of that second
(`gc_count`, `gc_ms`, `gc_max_ms`, `gc_full`: collections of the oldest generation) so a
lag spike can be told from a collection pause.
"""

from __future__ import annotations

import asyncio
import gc
import time
from typing import Any

import structlog

from dongne.kit.background import stop_task

log = structlog.get_logger("dongne.looplag")

TICK_S = 0.010
REPORT_EVERY_S = 1.0


class LoopLagProbe:
    def __init__(self, tick_s: float = TICK_S, report_every_s: float = REPORT_EVERY_S) -> None:
        self._tick_s = tick_s
        self._report_every_s = report_every_s
        self._task: asyncio.Task[None] | None = None
        self._gc_started = 0.0
        self._gc_pauses: list[tuple[int, float]] = []  # (generation, ms)

    def start(self) -> None:
        gc.callbacks.append(self._on_gc)
        self._task = asyncio.create_task(self._run(), name="dongne-loop-lag")

    def _on_gc(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            self._gc_started = time.perf_counter()
        else:
            pause = (time.perf_counter() - self._gc_started) * 1000
            self._gc_pauses.append((int(info["generation"]), pause))

    async def stop(self) -> None:
        if self._on_gc in gc.callbacks:
            gc.callbacks.remove(self._on_gc)
        await stop_task(self._task)
        self._task = None

    async def _run(self) -> None:
        samples: list[float] = []
        window_start = time.perf_counter()
        while True:
            before = time.perf_counter()
            await asyncio.sleep(self._tick_s)
            after = time.perf_counter()
            samples.append(round(max(0.0, (after - before - self._tick_s) * 1000), 3))
            if after - window_start >= self._report_every_s:
                pauses, self._gc_pauses = self._gc_pauses, []
                self._report(samples, pauses)
                samples = []
                window_start = after

    @staticmethod
    def _report(samples: list[float], pauses: list[tuple[int, float]]) -> None:
        ordered = sorted(samples)
        p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
        log.warning(
            "loop_lag",
            samples_ms=samples,
            p99_ms=p99,
            max_ms=ordered[-1],
            gc_count=len(pauses),
            gc_ms=round(sum(ms for _, ms in pauses), 3),
            gc_max_ms=round(max((ms for _, ms in pauses), default=0.0), 3),
            gc_full=sum(1 for generation, _ in pauses if generation == 2),
        )
