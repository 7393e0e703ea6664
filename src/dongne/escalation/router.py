"""The router: gathers candidates from its registered sources and lets `routing` choose.

One implementation for the live service and the simulation: both call `Router.run_round`
(and, for the seed's four-wave policy, `wave_candidates`) with their own `RouterPorts`.
Each source is one batched read; the candidates they find are then described with one call
each for blocks, settings, positions and records, whatever their number.
"""

from __future__ import annotations

import random
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import time

from dongne.escalation.policy import Candidate, WavePlan
from dongne.escalation.ports import LocalProfile, RouterPorts
from dongne.escalation.routing import (
    Channel,
    Pending,
    Responsiveness,
    RoundChoice,
    RouteCandidate,
    RouteQuestion,
    RouterConfig,
    choose_round,
)
from dongne.kit.geo import haversine_m


@dataclass(frozen=True)
class RoundContext:
    question: RouteQuestion
    round_no: int
    config: RouterConfig
    accepted_answerers: list[str]  # one read per round, for the experts source and the flag


Finder = Callable[[RouterPorts, RoundContext], Awaitable[list[str]]]


@dataclass(frozen=True)
class Source:
    """One rule for who might be asked, from the round it applies. A `wide` source may
    find hundreds: only the `config.wide_limit` best by recorded answer rate are kept."""

    name: str
    first_round: int
    find: Finder
    wide: bool = False


async def _on_duty(ports: RouterPorts, ctx: RoundContext) -> list[str]:
    return await ports.on_duty()


async def _nearby(ports: RouterPorts, ctx: RoundContext) -> list[str]:
    q, config = ctx.question, ctx.config
    found = await ports.nearby(
        q.lat, q.lng, config.nearby_radius(ctx.round_no), config.nearby_limit
    )
    return [f.user_id for f in found]


async def _followers(ports: RouterPorts, ctx: RoundContext) -> list[str]:
    return await ports.region_followers(ctx.question.region)


async def _experts(ports: RouterPorts, ctx: RoundContext) -> list[str]:
    return ctx.accepted_answerers + await ports.interested(sorted(ctx.question.hashtags))


async def _residents(ports: RouterPorts, ctx: RoundContext) -> list[str]:
    return await ports.residents(ctx.question.region)


async def _reachable(ports: RouterPorts, ctx: RoundContext) -> list[str]:
    return await ports.reachable(ctx.config.fatigue_cap)


# Widening by round: online locals near the spot first; then followers of the region and
# experts for its tags; then those who live in the region; the whole island last.
SOURCES: tuple[Source, ...] = (
    Source("on_duty", 1, _on_duty),
    Source("nearby_online", 1, _nearby),
    Source("region_followers", 2, _followers, wide=True),
    Source("experts", 2, _experts, wide=True),
    Source("region_residents", 3, _residents, wide=True),
    Source("everyone_reachable", 5, _reachable, wide=True),
)


def channel_of(online: bool, profile: LocalProfile) -> Channel:
    if online:
        return "online"
    return "push" if profile.push else "inbox"


Described = tuple[str, LocalProfile, float | None, Responsiveness]


async def describe(
    ports: RouterPorts, question: RouteQuestion, user_ids: list[str], *, records: bool = True
) -> list[Described]:
    """Who of them did not block the asker, with their profile, distance (None: offline)
    and record: one call each for blocks, settings, positions and records. `records=False`
    reads only each one's load of the last hour (all the seed's waves weigh)."""
    if not user_ids:
        return []
    blocked = await ports.blockers(question.asker_id, user_ids)
    user_ids = [u for u in user_ids if u not in blocked]
    profiles = await ports.profiles(user_ids)
    positions = await ports.positions(user_ids)
    if records:
        stats = await ports.responsiveness(user_ids)
    else:
        recent = await ports.recent_counts(user_ids)
        stats = {u: Responsiveness(last_hour=n) for u, n in recent.items()}
    none = Responsiveness()
    lat, lng = question.lat, question.lng
    return [
        (
            user_id,
            profiles[user_id],
            None if (where := positions.get(user_id)) is None else haversine_m(lat, lng, *where),
            stats.get(user_id, none),
        )
        for user_id in user_ids
    ]


class Router:
    def __init__(self, config: RouterConfig, sources: Sequence[Source] = SOURCES) -> None:
        self.config = config
        self.sources = tuple(sources)

    async def candidates(
        self,
        ports: RouterPorts,
        question: RouteQuestion,
        round_no: int,
        now_s: float,
        already: Mapping[str, Pending],
    ) -> list[RouteCandidate]:
        """Everyone the sources find for this round who is not in `already`, described."""
        tags = sorted(question.hashtags)
        accepted = await ports.accepted_answerers(tags) if tags else []
        ctx = RoundContext(question, round_no, self.config, accepted)
        found: dict[str, None] = {}
        wide: dict[str, None] = {}
        for source in self.sources:
            if round_no >= source.first_round:
                into = wide if source.wide else found
                for user_id in await source.find(ports, ctx):
                    if user_id not in already and user_id != question.asker_id:
                        into[user_id] = None
        if wide:
            for user_id in await ports.best(
                [u for u in wide if u not in found], self.config.wide_limit
            ):
                found[user_id] = None
        experts = set(accepted)
        result = []
        for user_id, profile, distance, stats in await describe(ports, question, list(found)):
            on_duty = profile.on_duty_until_s is not None and profile.on_duty_until_s > now_s
            result.append(
                RouteCandidate(
                    user_id=user_id,
                    distance_m=distance,
                    channel=channel_of(distance is not None, profile),
                    settings=profile.settings,
                    languages=profile.languages,
                    expert=user_id in experts or not profile.interests.isdisjoint(tags),
                    follows_region=question.region in profile.followed_regions,
                    on_duty=on_duty,
                    stats=stats,
                )
            )
        return result

    async def run_round(
        self,
        ports: RouterPorts,
        question: RouteQuestion,
        round_no: int,
        *,
        now_s: float,
        local_time: time,
        rng: random.Random,
    ) -> RoundChoice:
        already = await ports.asked(question.id)
        candidates = await self.candidates(ports, question, round_no, now_s, already)
        return choose_round(
            question,
            candidates,
            list(already.values()),
            round_no=round_no,
            now_s=now_s,
            local_time=local_time,
            config=self.config,
            rng=rng,
        )


async def wave_candidates(
    ports: RouterPorts, plan: WavePlan, question: RouteQuestion, *, fatigue_cap: int
) -> list[Candidate]:
    """The seed's four-wave policy (`DONGNE_ROUTING=seed-waves`): who one wave considers,
    described for `policy.select_recipients`, through the same ports as the router."""
    tags = sorted(question.hashtags)
    if plan.radius_m is not None:
        limit = None if plan.limit is None else plan.limit * 5
        nearby = await ports.nearby(question.lat, question.lng, plan.radius_m, limit or 1 << 30)
        user_ids = [n.user_id for n in nearby]
        if plan.region_followers:
            user_ids += await ports.region_followers(question.region)
    elif plan.experts_only:
        user_ids = sorted(
            set(await ports.accepted_answerers(tags)) | set(await ports.interested(tags))
        )
    else:
        user_ids = await ports.reachable(fatigue_cap)
    already = await ports.asked(question.id)
    user_ids = [u for u in dict.fromkeys(user_ids) if u not in already]
    experts = set(await ports.accepted_answerers(tags)) if plan.experts_only and tags else set()
    result = []
    described = await describe(ports, question, user_ids, records=False)
    for user_id, profile, distance, stats in described:
        expert = user_id in experts or not profile.interests.isdisjoint(tags)
        result.append(
            Candidate(
                user_id=user_id,
                distance_m=distance,
                online=distance is not None,
                settings=profile.settings,
                expert_tags=question.hashtags if plan.experts_only and expert else frozenset(),
                recent_notifications=stats.last_hour,
                already_notified=False,
                follows_region=question.region in profile.followed_regions,
            )
        )
    return result
