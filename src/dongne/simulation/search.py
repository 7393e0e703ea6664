"""How many verified locals a region needs for the goal (95 % answered within 10 minutes).

Each probe re-draws the day with exactly n locals in the region (everybody else, and every
question, stays the same: see `population`) and runs one policy; the share is over the
questions asked in that region. The share is monotone in n only roughly (more locals also
means more fatigue to spread, and a finite day is noisy), so the search brackets the
answer by doubling and then bisects down to a tolerance, reporting every probe.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

from dongne.regions.policy import RegionMap
from dongne.simulation.engine import simulate
from dongne.simulation.policies import policy_named
from dongne.simulation.population import World, build_world, local_counts
from dongne.simulation.results import PolicyResult
from dongne.simulation.scenario import Scenario


@dataclass(frozen=True)
class Probe:
    locals: int
    share: float
    questions: int
    passed: bool


@dataclass(frozen=True)
class MinLocals:
    region: str
    policy: str
    target_share: float
    within_min: float
    scenario_locals: int  # the region's locals in the scenario as written
    minimum: int | None  # None: not reached up to `max_locals`
    lower_bound: int  # no probe below this passed (the answer lies in [lower_bound, minimum])
    max_locals: int
    probes: list[Probe] = field(default_factory=list)


def region_share(world: World, result: PolicyResult, region: str, within_s: float) -> Probe:
    ttfa = [
        t
        for q, t in zip(world.questions, result.time_to_first_answer, strict=True)
        if q.region == region
    ]
    share = sum(1 for t in ttfa if t is not None and t <= within_s) / len(ttfa) if ttfa else 0.0
    return Probe(locals=0, share=share, questions=len(ttfa), passed=False)


def find_min_locals(
    scenario: Scenario,
    region_map: RegionMap,
    region: str,
    policy: str,
    *,
    seed: int | None = None,
    max_locals: int | None = None,
    tolerance: float = 0.05,
    on_probe: Callable[[Probe], None] | None = None,
) -> MinLocals:
    """Smallest n (to within `tolerance` of itself, at least 1) of locals in `region` for
    which the scenario's target share is answered within its target time under `policy`."""
    spec = policy_named(scenario, policy)
    if region_map.get(region) is None:
        raise ValueError(f"unknown region {region!r}")
    target = scenario.target
    within_s = target.within_min * 60
    start = local_counts(scenario.population, region_map)[region]
    ceiling = max_locals if max_locals is not None else max(4 * scenario.population.locals, 64)
    probes: dict[int, Probe] = {}

    def probe(n: int) -> Probe:
        if n not in probes:
            world = build_world(scenario, region_map, seed=seed, override=(region, n))
            (result,) = simulate(world, [spec])
            found = region_share(world, result, region, within_s)
            if found.questions == 0:
                raise ValueError(f"no questions are asked in {region!r} in this scenario")
            probes[n] = Probe(n, found.share, found.questions, found.share >= target.share)
            if on_probe is not None:
                on_probe(probes[n])
        return probes[n]

    # Bracket: `low` fails (or is -1), `high` passes (or is None: never reached).
    low, high = -1, None
    n = start
    if probe(n).passed:
        high = n
        while high > 0:
            n = high // 2
            if probe(n).passed:
                high = n
            else:
                low = n
                break
    else:
        low = n
        while high is None and low < ceiling:
            n = min(ceiling, max(2 * low, low + 8))
            if probe(n).passed:
                high = n
            else:
                low = n
    if high is not None:
        while high - low > max(1, math.floor(tolerance * high)):
            mid = (low + high) // 2
            if probe(mid).passed:
                high = mid
            else:
                low = mid
    return MinLocals(
        region=region,
        policy=policy,
        target_share=target.share,
        within_min=target.within_min,
        scenario_locals=start,
        minimum=high,
        lower_bound=low + 1,
        max_locals=ceiling,
        probes=[probes[k] for k in sorted(probes)],
    )
