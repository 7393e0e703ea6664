"""The policies a run compares: the seed's waves as written, the product's, and variants.

`dongne` is the product's default: `escalation.router.Router` (targeted rounds), called
with the simulation's `SimPorts`, exactly as the service calls it with its live ports.

`dongne-waves` is the product's four waves (`DONGNE_ROUTING=seed-waves`):
`escalation.router.wave_candidates` and `escalation.policy.select_recipients` over
`DEFAULT_PLAN` with the scenario's fatigue cap.

`seed` is the original design's four waves exactly as its code reads: each wave's targets
get a socket emit if they are online and nothing otherwise; no de-duplication between
waves (someone within 2 km hears IMMEDIATE, QUICK, maybe EXTENDED and FINAL of the same
question); no fatigue cap; no settings but "immediate alerts" on the first wave.

Offline recipients are reached by push (or, without a subscription, in their history).

A scenario's variants start from one of them and change wave times, radii, limits, the cap
or the router's settings.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from dongne.escalation.policy import DEFAULT_PLAN, Wave, WavePlan
from dongne.escalation.routing import RouterConfig
from dongne.infra.presence.base import PresenceIndex
from dongne.kit.geo import haversine_m
from dongne.simulation.population import Question
from dongne.simulation.scenario import Scenario, WaveOverride

Base = Literal["seed", "waves", "router"]

# The seed's numbers, spelled out rather than aliased to DEFAULT_PLAN: if the product's
# plan changes, the seed's must not.
SEED_PLAN: tuple[WavePlan, ...] = (
    WavePlan(Wave.IMMEDIATE, 0, 2_000, 10, online_only=True),
    WavePlan(Wave.QUICK, 3, 5_000, None, online_only=False),
    WavePlan(Wave.EXTENDED, 30, None, None, online_only=False, experts_only=True),
    WavePlan(Wave.FINAL, 120, None, None, online_only=False, requires_no_answer=True),
)


@dataclass(frozen=True)
class PolicySpec:
    name: str
    base: Base
    plan: tuple[WavePlan, ...]
    fatigue_cap: int | None  # None: no cap
    router: RouterConfig = field(default_factory=RouterConfig)


def _override(step: WavePlan, change: WaveOverride) -> WavePlan:
    radius = None if change.island_wide else change.radius_m or step.radius_m
    limit = None if change.unlimited else change.limit or step.limit
    delay = step.delay_s if change.delay_s is None else change.delay_s
    online = step.online_only if change.online_only is None else change.online_only
    return replace(step, delay_s=delay, radius_m=radius, limit=limit, online_only=online)


def all_policies(scenario: Scenario) -> dict[str, PolicySpec]:
    cap = scenario.policies.fatigue_cap
    known: dict[str, PolicySpec] = {
        "seed": PolicySpec("seed", "seed", SEED_PLAN, None),
        "dongne-waves": PolicySpec("dongne-waves", "waves", DEFAULT_PLAN, cap),
        "dongne": PolicySpec("dongne", "router", (), cap, RouterConfig(fatigue_cap=cap)),
    }
    for variant in scenario.policies.variants:
        base = known[variant.base]
        plan = []
        for step in base.plan:
            change = variant.waves.get(step.wave.value)
            if change is None:
                plan.append(step)
            elif change.enabled:
                plan.append(_override(step, change))
        cap_of = base.fatigue_cap if variant.fatigue_cap is None else variant.fatigue_cap
        changes: dict[str, Any] = {
            k: tuple(v) if isinstance(v, list) else v for k, v in variant.router.items()
        }
        if cap_of is not None:
            changes["fatigue_cap"] = cap_of
        known[variant.name] = PolicySpec(
            variant.name, base.base, tuple(plan), cap_of, replace(base.router, **changes)
        )
    return known


def policy_named(scenario: Scenario, name: str) -> PolicySpec:
    known = all_policies(scenario)
    if name not in known:
        raise ValueError(f"unknown policy {name!r}; known: {', '.join(known)}")
    return known[name]


def compared(scenario: Scenario) -> list[PolicySpec]:
    known = all_policies(scenario)
    return [known[name] for name in scenario.policies.compare]


async def seed_targets(
    step: WavePlan,
    question: Question,
    presence: PresenceIndex,
    *,
    index_of: Mapping[str, int],
    online: Mapping[int, tuple[float, float]],
    experts_by_tag: Mapping[str, set[int]],
    immediate_alerts: Sequence[bool],
) -> list[int]:
    """Who one of the seed's waves reaches, nearest first when the wave has a limit (the
    caller cuts it): its targets get a socket emit if online and nothing otherwise, so only
    online locals count. IMMEDIATE keeps those with immediate alerts on; nothing else of a
    local's settings is looked at."""
    if step.radius_m is not None:
        nearby = await presence.nearest(
            question.lat, question.lng, step.radius_m, limit=None, locals_only=True
        )
        targets = [index_of[n.user_id] for n in nearby]
        if step.wave is Wave.IMMEDIATE:
            targets = [local for local in targets if immediate_alerts[local]]
        return targets
    if step.experts_only:
        found: set[int] = set()
        for tag in question.tags:
            found |= experts_by_tag.get(tag, set())
        pool = sorted(local for local in found if local in online)
    else:
        pool = sorted(online)
    if step.limit is None:  # no cut, so no need to rank by distance
        return pool
    ranked = sorted((haversine_m(question.lat, question.lng, *online[i]), i) for i in pool)
    return [local for _distance, local in ranked]
