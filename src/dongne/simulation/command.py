"""`dongne simulate`: run a scenario (or a minimum-locals search) with a progress bar."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from contextlib import nullcontext
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from dongne.regions.policy import RegionMap, default_region_map
from dongne.simulation.engine import Progress as Report
from dongne.simulation.engine import simulate
from dongne.simulation.policies import PolicySpec, compared, policy_named
from dongne.simulation.population import build_world
from dongne.simulation.report import write_report
from dongne.simulation.scenario import Scenario, load_scenario
from dongne.simulation.search import MinLocals, Probe, find_min_locals

MIN_LOCALS_FILE = "min-locals.md"


def _bar(console: Console, show: bool) -> Progress | nullcontext[None]:
    if not show:
        return nullcontext()
    return Progress(
        TextColumn("{task.description:<22}"),
        BarColumn(),
        TextColumn("virtual {task.fields[clock]}"),
        TimeElapsedColumn(),
        console=console,
    )


def _clock(seconds: float) -> str:
    s = int(seconds)
    return f"day {s // 86_400 + 1} {s // 3600 % 24:02d}:{s // 60 % 60:02d}"


def _reporter(bar: Progress | None, end_s: float) -> Callable[[PolicySpec], Report | None]:
    def start(policy: PolicySpec) -> Report | None:
        if bar is None:
            return None
        task = bar.add_task(policy.name, total=end_s, clock=_clock(0))

        def report(t: float) -> None:
            bar.update(task, completed=min(t, end_s), clock=_clock(t))

        return report

    return start


def run(
    scenario: Scenario,
    *,
    seed: int | None,
    out: Path,
    policies: Sequence[str] = (),
    show_progress: bool = True,
    console: Console | None = None,
    region_map: RegionMap | None = None,
) -> Path:
    """Simulate, write report.md, results.json and the PNG into `out`; return report.md."""
    console = console or Console(stderr=True)
    region_map = region_map or default_region_map()
    started = time.perf_counter()
    world = build_world(scenario, region_map, seed=seed)
    specs = [policy_named(scenario, p) for p in policies] if policies else compared(scenario)
    with _bar(console, show_progress) as bar:
        results = simulate(world, specs, progress=_reporter(bar, world.end_s))
    runtime = time.perf_counter() - started
    report, _data, _png = write_report(out, world, results, region_map, runtime)
    return report


def min_locals_markdown(found: Sequence[MinLocals], region_map: RegionMap) -> str:
    if not found:
        return ""
    first = found[0]
    lines = [
        f"Smallest number of verified locals in a region for {100 * first.target_share:g} % "
        f"of its questions to get a first answer within {first.within_min:g} minutes, "
        f"policy `{first.policy}` (everything else as in the scenario).",
        "",
        "| region | locals in the scenario | share within target with them (%) "
        "| minimum locals | probes (locals: share %) |",
        "|---|---:|---:|---:|---|",
    ]
    for m in found:
        region = region_map.get(m.region)
        name = f"{region.name_en} ({region.name_ko})" if region else m.region
        at_start = next((p for p in m.probes if p.locals == m.scenario_locals), None)
        if m.minimum is None:
            minimum = f"not reached up to {m.max_locals:,}"
        elif m.minimum == m.lower_bound:
            minimum = f"{m.minimum:,}"
        else:
            minimum = f"{m.lower_bound:,}–{m.minimum:,}"
        probes = ", ".join(f"{p.locals}: {100 * p.share:.1f}" for p in m.probes)
        lines.append(
            f"| {name} | {m.scenario_locals:,} "
            f"| {'–' if at_start is None else f'{100 * at_start.share:.1f}'} "
            f"| {minimum} | {probes} |"
        )
    return "\n".join(lines) + "\n"


def search(
    scenario: Scenario,
    *,
    region: str,
    policy: str,
    seed: int | None,
    out: Path,
    show_progress: bool = True,
    console: Console | None = None,
    region_map: RegionMap | None = None,
) -> tuple[list[MinLocals], Path]:
    """`--find-min-locals REGION` (or `all`): search, print each probe, write min-locals.md."""
    console = console or Console(stderr=True)
    region_map = region_map or default_region_map()
    policy_named(scenario, policy)  # fail early on a typo
    if region == "all":
        asked = {q.region for q in build_world(scenario.with_locals(0), region_map).questions}
        regions = [r.code for r in region_map.regions() if r.code in asked]
    else:
        regions = [region]
    found = []
    for code in regions:

        def show(p: Probe, code: str = code) -> None:
            if show_progress:
                verdict = "ok" if p.passed else "short"
                console.print(
                    f"{code}: {p.locals} locals -> {100 * p.share:.1f} % "
                    f"of {p.questions} questions ({verdict})"
                )

        found.append(find_min_locals(scenario, region_map, code, policy, seed=seed, on_probe=show))
    out.mkdir(parents=True, exist_ok=True)
    path = out / MIN_LOCALS_FILE
    path.write_text(min_locals_markdown(found, region_map), encoding="utf-8")
    return found, path


def main(
    *,
    scenario_path: Path | None,
    seed: int | None,
    out: Path,
    find_min_locals_in: str | None,
    policies: Sequence[str],
    show_progress: bool,
) -> None:
    """What the `dongne simulate` command does; prints the Markdown it writes."""
    console = Console(stderr=True)
    scenario = load_scenario(scenario_path)
    if find_min_locals_in is not None:
        policy = policies[0] if policies else "dongne"
        _found, path = search(
            scenario,
            region=find_min_locals_in,
            policy=policy,
            seed=seed,
            out=out,
            show_progress=show_progress,
            console=console,
        )
    else:
        path = run(
            scenario,
            seed=seed,
            out=out,
            policies=policies,
            show_progress=show_progress,
            console=console,
        )
    print(path.read_text(encoding="utf-8"))
    console.print(f"written to {path.parent}/")
