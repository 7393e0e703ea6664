"""What a run says: shares answered in time, burden on locals, as Markdown, JSON and a PNG."""

from __future__ import annotations

import json
import math
import statistics
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from matplotlib.figure import Figure

from dongne.kit.stats import percentile
from dongne.regions.policy import RegionMap
from dongne.simulation.population import World
from dongne.simulation.results import PolicyResult

PLOT_FILE = "time-to-first-answer.png"
REPORT_FILE = "report.md"
RESULTS_FILE = "results.json"


@dataclass(frozen=True)
class Shares:
    questions: int
    within: list[float]  # one per threshold, 0..1

    @classmethod
    def of(cls, ttfa: Sequence[float | None], thresholds_s: Sequence[float]) -> Shares:
        n = len(ttfa)
        return cls(
            n,
            [
                sum(1 for x in ttfa if x is not None and x <= limit) / n if n else math.nan
                for limit in thresholds_s
            ],
        )


@dataclass(frozen=True)
class PolicySummary:
    policy: str
    overall: Shares  # reported questions, those answered by the archive at 0 s included
    routed: Shares  # without those: only questions the policy had to route
    urgent: Shares
    regions: dict[str, Shares]
    unanswered: int
    median_first_answer_s: float | None
    per_local_per_day_median: float
    per_local_per_day_p95: float
    per_local_per_day_max: float
    per_question: float
    by_wave: dict[str, int]
    by_channel: dict[str, int]
    wall_s: float
    on_duty_per_day_median: float = math.nan
    on_duty_per_day_p95: float = math.nan
    opted_out: int = 0  # locals who turned question alerts off by the end
    first_round_share: float = math.nan  # routed questions answered by a round-1 local


def summarize(world: World, result: PolicyResult) -> PolicySummary:
    """Over the reported window: questions asked from `report_after_h` on, and the
    notifications sent from then on."""
    scenario = world.scenario
    start_s = scenario.report_after_h * 3600
    thresholds_s = [m * 60 for m in scenario.thresholds_min]
    rows = [
        (q, t, i)
        for i, (q, t) in enumerate(zip(world.questions, result.time_to_first_answer, strict=True))
        if q.t >= start_s
    ]
    ttfa = [t for _q, t, _i in rows]
    routed = [(q, t, i) for q, t, i in rows if not q.deflected]
    by_region: dict[str, list[float | None]] = {}
    for q, t, _i in rows:
        by_region.setdefault(q.region, []).append(t)
    answered = [t for t in ttfa if t is not None]
    per_day = 24 / max(1e-9, scenario.duration_h - scenario.report_after_h)
    opted = result.opted_out_at or {}
    duty = set(result.on_duty_locals or [])
    # Burden over the locals who still had alerts on when the reported window began.
    alive = [i for i in range(len(world.locals)) if opted.get(i, math.inf) >= start_s]
    counts = result.notifications_per_local
    per_local = [counts[i] * per_day for i in alive if i not in duty]
    on_duty = [counts[i] * per_day for i in alive if i in duty]
    sent = result.notifications_per_question
    per_question = (
        sum(sent[i] for _q, _t, i in routed) / len(routed)
        if sent is not None and routed
        else (result.notifications / len(ttfa) if ttfa else math.nan)
    )
    first = result.first_round
    return PolicySummary(
        policy=result.policy.name,
        overall=Shares.of(ttfa, thresholds_s),
        routed=Shares.of([t for _q, t, _i in routed], thresholds_s),
        urgent=Shares.of([t for q, t, _i in rows if q.urgent], thresholds_s),
        regions={code: Shares.of(ts, thresholds_s) for code, ts in by_region.items()},
        unanswered=sum(1 for t in ttfa if t is None),
        median_first_answer_s=statistics.median(answered) if answered else None,
        per_local_per_day_median=percentile(per_local, 50),
        per_local_per_day_p95=percentile(per_local, 95),
        per_local_per_day_max=max(per_local, default=math.nan),
        per_question=per_question,
        by_wave=dict(result.by_wave),
        by_channel=dict(result.by_channel),
        wall_s=result.wall_s,
        on_duty_per_day_median=percentile(on_duty, 50),
        on_duty_per_day_p95=percentile(on_duty, 95),
        opted_out=len(opted),
        first_round_share=sum(1 for _q, _t, i in routed if first[i]) / len(routed)
        if first is not None and routed
        else math.nan,
    )


def _pct(x: float, digits: int = 1) -> str:
    return "–" if math.isnan(x) else f"{100 * x:.{digits}f}"


def _num(x: float) -> str:
    return "–" if math.isnan(x) else f"{x:,.0f}"


def markdown(
    world: World, summaries: Sequence[PolicySummary], region_map: RegionMap, runtime_s: float
) -> str:
    s = world.scenario
    mins = " / ".join(f"{m:g}" for m in s.thresholds_min)
    start_s = s.report_after_h * 3600
    reported = [q for q in world.questions if q.t >= start_s]
    window = (
        f"questions asked from hour {s.report_after_h:g} on ({len(reported):,}, "
        f"{sum(q.urgent for q in reported):,} urgent, {sum(q.deflected for q in reported):,} "
        "answered by the archive before routing)"
        if s.report_after_h
        else f"all {len(reported):,} questions"
    )
    lines = [
        f"Scenario `{s.name}`, seed {world.seed}: {len(world.locals):,} verified locals, "
        f"{len(world.questions):,} questions over {s.duration_h:g} h; reported: {window}; "
        f"simulated in {runtime_s:.1f} s. Every parameter is an assumption (see the scenario "
        "file and docs/simulation.md).",
        "",
        f"| policy | first answer ≤ {mins} min (%) | routed only ≤ {mins} min (%) "
        f"| urgent ≤ {mins} min (%) | unanswered (%) "
        "| notifications per local per day: median / p95 (on duty: median / p95) "
        "| notifications per routed question | answered by round 1 (%) "
        "| locals who turned alerts off |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for p in summaries:
        n = p.overall.questions
        lines.append(
            f"| `{p.policy}` | {' / '.join(_pct(x) for x in p.overall.within)} "
            f"| {' / '.join(_pct(x) for x in p.routed.within)} "
            f"| {' / '.join(_pct(x) for x in p.urgent.within)} "
            f"| {p.unanswered:,} ({_pct(p.unanswered / n if n else math.nan)}) "
            f"| {_num(p.per_local_per_day_median)} / {_num(p.per_local_per_day_p95)} "
            f"({_num(p.on_duty_per_day_median)} / {_num(p.on_duty_per_day_p95)}) "
            f"| {p.per_question:,.1f} | {_pct(p.first_round_share)} | {p.opted_out:,} |"
        )
    lines += [
        "",
        f"Per region (where the question was asked): first answer ≤ {mins} min, %.",
        "",
        "| region | questions | " + " | ".join(f"`{p.policy}`" for p in summaries) + " |",
        "|---|---:|" + "---|" * len(summaries),
    ]
    for region in region_map.regions():
        shares = [p.regions.get(region.code) for p in summaries]
        if shares[0] is None:
            continue
        cells = ["–" if sh is None else " / ".join(_pct(x, 0) for x in sh.within) for sh in shares]
        lines.append(
            f"| {region.name_en} ({region.name_ko}) | {shares[0].questions:,} | "
            + " | ".join(cells)
            + " |"
        )
    waves = list(summaries[0].by_wave) if summaries else []
    lines += [
        "",
        "Notifications sent, by wave and by channel (online = socket; push = offline with a "
        "push subscription; inbox = offline without one, seen in the history later).",
        "",
        "| policy | " + " | ".join(waves) + " | online | push | inbox |",
        "|---|" + "---:|" * (len(waves) + 3),
    ]
    for p in summaries:
        lines.append(
            f"| `{p.policy}` | "
            + " | ".join(f"{p.by_wave[w]:,}" for w in waves)
            + " | "
            + " | ".join(f"{p.by_channel[c]:,}" for c in ("online", "push", "inbox"))
            + " |"
        )
    return "\n".join(lines) + "\n"


def plot(world: World, results: Sequence[PolicyResult], path: Path) -> None:
    """Left: share of questions with a first answer by time t (log scale); right: the
    distribution of notifications per local per day."""
    scenario = world.scenario
    fig = Figure(figsize=(11, 4.2), dpi=100, layout="constrained")
    ttfa_ax, burden_ax = fig.subplots(1, 2)
    horizon = scenario.questions.unanswered_after_min * 60
    per_day = 24 / max(1e-9, scenario.duration_h - scenario.report_after_h)
    start_s = scenario.report_after_h * 3600
    for result in results:
        reported = [
            t
            for q, t in zip(world.questions, result.time_to_first_answer, strict=True)
            if q.t >= start_s
        ]
        times = sorted(t for t in reported if t is not None)
        n = len(reported)
        if times and n:
            xs = [max(t, 1.0) for t in times] + [horizon]
            ys = [(i + 1) / n for i in range(len(times))] + [len(times) / n]
            ttfa_ax.step(xs, ys, where="post", label=result.policy.name, linewidth=1.6)
        burden = sorted(x * per_day for x in result.notifications_per_local)
        if burden:
            ys = [(i + 1) / len(burden) for i in range(len(burden))]
            burden_ax.step([max(x, 0.5) for x in burden], ys, where="post", linewidth=1.6)
    for minutes in scenario.thresholds_min:
        ttfa_ax.axvline(minutes * 60, color="0.6", linestyle=":", linewidth=1)
        ttfa_ax.text(minutes * 60, 0.01, f" {minutes:g} min", color="0.4", fontsize=8)
    ttfa_ax.axhline(scenario.target.share, color="0.6", linestyle="--", linewidth=1)
    ttfa_ax.set_xscale("log")
    ttfa_ax.set_xlim(1, horizon)
    ttfa_ax.set_ylim(0, 1)
    ttfa_ax.set_xlabel("time from question to first answer (s, log scale)")
    ttfa_ax.set_ylabel("share of all questions answered")
    ttfa_ax.set_title("Time to first answer")
    ttfa_ax.legend(loc="upper left", fontsize=8)
    ttfa_ax.grid(True, which="major", alpha=0.3)
    burden_ax.set_xscale("log")
    burden_ax.set_ylim(0, 1)
    burden_ax.set_xlabel("question notifications per local per day (log scale)")
    burden_ax.set_ylabel("share of locals with at most this many")
    burden_ax.set_title("Burden on locals")
    burden_ax.grid(True, which="major", alpha=0.3)
    fig.suptitle(
        f"{scenario.name}: {len(world.locals):,} locals, {len(world.questions):,} questions "
        f"(assumed parameters, seed {world.seed})",
        fontsize=10,
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=100)


def write_report(
    out: Path,
    world: World,
    results: Sequence[PolicyResult],
    region_map: RegionMap,
    runtime_s: float,
) -> tuple[Path, Path, Path]:
    """report.md, results.json and the PNG plot into `out`; returns their paths."""
    out.mkdir(parents=True, exist_ok=True)
    summaries = [summarize(world, r) for r in results]
    report = out / REPORT_FILE
    report.write_text(markdown(world, summaries, region_map, runtime_s), encoding="utf-8")
    data = out / RESULTS_FILE
    data.write_text(
        json.dumps(
            {
                "scenario": world.scenario.name,
                "seed": world.seed,
                "locals": len(world.locals),
                "questions": len(world.questions),
                "thresholds_min": world.scenario.thresholds_min,
                "runtime_s": runtime_s,
                "policies": [asdict(s) for s in summaries],
            },
            indent=2,
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    png = out / PLOT_FILE
    plot(world, results, png)
    return report, data, png
