"""Measuring a running server: statistics, /proc sampling, event-loop lag, its log and DB."""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
import os
import platform
import re
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import false, func, select
from sqlalchemy.ext.asyncio import create_async_engine

from dongne.models import Answer, Job, Question, QuestionNotified

ROOT = Path(__file__).resolve().parent.parent.parent
WAVES = ("IMMEDIATE", "QUICK", "EXTENDED", "FINAL")
STEPS = ("first", "later")
WAVE_JOB, ROUND_JOB = "escalation.wave", "escalation.round"
CLK_TCK = os.sysconf("SC_CLK_TCK")
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
HEALTH_PROBE_S = 0.1
HEALTH_TIMEOUT_S = 5.0
ADDRESS = re.compile(r"0x[0-9a-f]+")


# ---------------------------------------------------------------- statistics


def percentile(sorted_values: Sequence[float], q: float) -> float | None:
    if not sorted_values:
        return None
    return sorted_values[min(len(sorted_values) - 1, math.ceil(q * len(sorted_values)) - 1)]


def _r2(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def summarize(values: Sequence[float]) -> dict[str, float | int | None]:
    ordered = sorted(values)
    r2 = _r2
    return {
        "n": len(ordered),
        "p50": r2(percentile(ordered, 0.5)),
        "p95": r2(percentile(ordered, 0.95)),
        "p99": r2(percentile(ordered, 0.99)),
        "max": r2(ordered[-1] if ordered else None),
        "mean": r2(sum(ordered) / len(ordered) if ordered else None),
    }


# ---------------------------------------------------------------- the machine, /proc


def machine() -> dict[str, Any]:
    model = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    mem_kb = 0
    with contextlib.suppress(OSError, ValueError, IndexError):
        mem_kb = int(Path("/proc/meminfo").read_text().split("\n")[0].split()[1])
    node = subprocess.run(["node", "--version"], capture_output=True, text=True, check=False)
    return {
        "cpus": os.cpu_count(),
        "cpuModel": model,
        "memoryGiB": round(mem_kb / 1024 / 1024, 1),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "node": node.stdout.strip(),
    }


def git_commit() -> str:
    """The measured code: commit, with "-dirty" when the working tree had changes."""
    out = subprocess.run(
        ["git", "describe", "--always", "--dirty"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    return out.stdout.strip() or "unknown"


def proc_cpu_ticks(pid: int) -> int | None:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)


def proc_rss_bytes(pid: int) -> int | None:
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE_SIZE
    except (OSError, IndexError, ValueError):
        return None


def rss_mb(pid: int) -> float:
    return (proc_rss_bytes(pid) or 0) / 1048576


def machine_busy_ticks() -> tuple[int, int]:
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    return sum(values) - idle, sum(values)


@dataclass
class Sampler:
    """CPU % (of one core) and RSS of a process, plus whole-machine busy %, once a second."""

    pid: int
    samples: list[dict[str, float]] = field(default_factory=list)
    baseline_mb: float = 0.0  # RSS before the load generator connected

    async def run(self, stop: asyncio.Event) -> None:
        ticks0, wall0 = proc_cpu_ticks(self.pid), time.monotonic()
        busy0, total0 = machine_busy_ticks()
        while not stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=1.0)
            ticks, wall = proc_cpu_ticks(self.pid), time.monotonic()
            rss = proc_rss_bytes(self.pid)
            busy, total = machine_busy_ticks()
            if ticks is None or ticks0 is None or rss is None:
                return
            self.samples.append(
                {
                    "t": round(wall, 3),
                    "dt": round(wall - wall0, 3),
                    "cpuPct": round((ticks - ticks0) / CLK_TCK / (wall - wall0) * 100, 1),
                    "rssMB": round(rss / 1048576, 1),
                    "machineBusyPct": round((busy - busy0) / max(1, total - total0) * 100, 1),
                }
            )
            ticks0, wall0, busy0, total0 = ticks, wall, busy, total

    def rss_at(self, moment: float | None) -> float | None:
        if moment is None:
            return None
        before = [s["rssMB"] for s in self.samples if s["t"] <= moment]
        return before[-1] if before else None


async def health_rtt_ms(host: str, port: int) -> float:
    """One GET /health on a fresh connection; the time to the end of the response, in ms."""
    start = time.perf_counter()
    reader, writer = await asyncio.open_connection(host, port)
    try:
        writer.write(f"GET /health HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
        await writer.drain()
        await reader.read()
    finally:
        writer.close()
        with contextlib.suppress(OSError):
            await writer.wait_closed()
    return (time.perf_counter() - start) * 1000


@dataclass
class HealthProbe:
    """The outside fallback for event-loop lag: a tiny GET /health every 100 ms.

    A request waits while the server's loop is blocked, so the round trip bounds the lag
    from above (it also contains ~1 ms of HTTP work and connection setup).
    """

    host: str
    port: int
    rtts: list[float] = field(default_factory=list)
    failures: int = 0
    active: bool = False

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            started = time.monotonic()
            try:
                rtt = await asyncio.wait_for(
                    health_rtt_ms(self.host, self.port), timeout=HEALTH_TIMEOUT_S
                )
            except (OSError, TimeoutError):
                self.failures += 1
                rtt = HEALTH_TIMEOUT_S * 1000
            if self.active:
                self.rtts.append(rtt)
            delay = HEALTH_PROBE_S - (time.monotonic() - started)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=max(0.0, delay))


def inside_lag(
    log_path: Path, window: tuple[float, float] = (0.0, math.inf)
) -> dict[str, Any] | None:
    """Lag stats the server logs with DONGNE_LOOP_LAG_PROBE=1, if this server does.

    Expected JSON log lines (see bench/README.md): {"event": "loop_lag", "samples_ms":
    [...]} every second (exact percentiles), or {"event": "loop_lag", "p99_ms", "max_ms"}
    per window (then p99 is the worst window's p99, an upper bound). Only lines whose
    `timestamp` falls in `window` (epoch seconds: while the load generator ran) count.
    """
    samples: list[float] = []
    window_p99: list[float] = []
    window_max: list[float] = []
    gc = {"count": 0, "ms": 0.0, "maxMs": 0.0, "full": 0}
    try:
        lines = log_path.read_text(errors="replace").splitlines()
    except OSError:
        return None
    for line in lines:
        if '"loop_lag' not in line:
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            continue
        if not str(record.get("event", "")).startswith("loop_lag"):
            continue
        with contextlib.suppress(KeyError, TypeError, ValueError):
            moment = datetime.fromisoformat(str(record["timestamp"]).replace("Z", "+00:00"))
            if not window[0] <= moment.timestamp() <= window[1]:
                continue
        if isinstance(record.get("samples_ms"), list):
            samples.extend(float(v) for v in record["samples_ms"])
        with contextlib.suppress(TypeError, ValueError):
            gc["count"] += int(record.get("gc_count", 0))
            gc["ms"] += float(record.get("gc_ms", 0.0))
            gc["maxMs"] = max(gc["maxMs"], float(record.get("gc_max_ms", 0.0)))
            gc["full"] += int(record.get("gc_full", 0))
        if "p99_ms" in record:
            window_p99.append(float(record["p99_ms"]))
        if "max_ms" in record:
            window_max.append(float(record["max_ms"]))
    if samples:
        stats = summarize(samples)
        gc["ms"] = round(gc["ms"], 1)
        return {"source": "inside (DONGNE_LOOP_LAG_PROBE samples)", **stats, "gc": gc}
    if window_max:
        return {
            "source": "inside (DONGNE_LOOP_LAG_PROBE windows; p99 = worst window p99)",
            "n": len(window_max),
            "p99": max(window_p99) if window_p99 else None,
            "max": max(window_max),
        }
    return None


def server_errors(log_path: Path, top: int = 5) -> dict[str, int]:
    """The server's error log lines, counted by event and the exception's last line."""
    counts: dict[str, int] = {}
    try:
        handle = log_path.open(errors="replace")
    except OSError:
        return counts
    with handle:
        for line in handle:
            if '"level": "error"' not in line and '"level":"error"' not in line:
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                continue
            lines = [x for x in str(record.get("exception", "")).splitlines() if x.strip()]
            cause = next(
                (x for x in reversed(lines) if not x.startswith(("(Background", "[SQL"))), ""
            )
            cause = cause.split(" (Background on this error")[0].strip()
            event = str(record.get("event", "")).splitlines()[0] if record.get("event") else ""
            key = ADDRESS.sub("0x…", f"{event}: {cause[:160]}")
            counts[key] = counts.get(key, 0) + 1
    return dict(sorted(counts.items(), key=lambda kv: -kv[1])[:top])


# ---------------------------------------------------------------- what the server says it sent


async def server_side(database_url: str, cutoff_wall_ms: int | None) -> dict[str, Any]:
    """Rows of question_notified (per question and wave) up to the cutoff; wave lateness.

    Read through the product's own models, so the same code reads SQLite and PostgreSQL.
    """
    cutoff = datetime.fromtimestamp(cutoff_wall_ms / 1000, UTC) if cutoff_wall_ms else None
    until = [] if cutoff is None else [QuestionNotified.created_at <= cutoff]
    after = [false()] if cutoff is None else [QuestionNotified.created_at > cutoff]
    engine = create_async_engine(database_url)
    try:
        async with engine.connect() as db:
            expected: dict[tuple[str, str], int] = {
                (question_id, wave): count
                for question_id, wave, count in await db.execute(
                    select(QuestionNotified.question_id, QuestionNotified.wave, func.count())
                    .where(*until)
                    .group_by(QuestionNotified.question_id, QuestionNotified.wave)
                )
            }
            late_rows = await db.scalar(
                select(func.count()).select_from(QuestionNotified).where(*after)
            )
            jobs = await db.execute(
                select(Job.kind, Job.payload, Job.status, Job.due_at, Job.finished_at).where(
                    Job.kind.in_((WAVE_JOB, ROUND_JOB))
                )
            )
            # Routing steps: the seed's waves or the router's rounds, whichever the server
            # ran. "first" is the IMMEDIATE wave or round 1 (due at the ask), "later" the rest.
            lateness: dict[str, list[float]] = {step: [] for step in STEPS}
            pending: dict[str, int] = {step: 0 for step in STEPS}
            for kind, payload, status, due_at, finished_at in jobs:
                first = (
                    payload.get("wave") == "IMMEDIATE"
                    if kind == WAVE_JOB
                    else payload.get("round") == 1
                )
                step = "first" if first else "later"
                if status == "done" and finished_at is not None:
                    lateness[step].append((finished_at - due_at).total_seconds() * 1000)
                elif (cutoff is None or due_at <= cutoff) and status != "done":
                    pending[step] += 1
            questions = await db.scalar(select(func.count()).select_from(Question))
            answers = await db.scalar(select(func.count()).select_from(Answer))
    finally:
        await engine.dispose()
    return {
        "expected": expected,
        "rowsAfterCutoff": late_rows,
        "stepLatenessMs": {step: summarize(v) for step, v in lateness.items()},
        "stepsDueNotRun": pending,
        "questionsInDb": questions,
        "answersInDb": answers,
    }


def delivery(loadgen: dict[str, Any], server: dict[str, Any]) -> dict[str, dict[str, int]]:
    """Per wave: rows the server wrote vs notifications the clients got, per question."""
    expected: dict[tuple[str, str], int] = server["expected"]
    received: dict[tuple[str, str], int] = {}
    for row in loadgen.get("perQuestion", []):
        question_id = row[0]
        if question_id is None:
            continue
        for i, wave in enumerate(WAVES):
            if row[2 + i]:
                received[(question_id, wave)] = row[2 + i]
    out: dict[str, dict[str, int]] = {}
    for wave in WAVES:
        keys = {k for k in expected if k[1] == wave} | {k for k in received if k[1] == wave}
        exp = sum(expected.get(k, 0) for k in keys)
        got = sum(min(received.get(k, 0), expected.get(k, 0)) for k in keys)
        extra = sum(max(0, received.get(k, 0) - expected.get(k, 0)) for k in keys)
        out[wave] = {"expected": exp, "delivered": got, "lost": exp - got, "extra": extra}
    return out
