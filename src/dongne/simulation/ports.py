"""The router's view of the simulated island: `escalation.ports.RouterPorts` over the
pass's state, so the simulation runs the product's router and sources, not a copy.

What it hands the router is only what the live server records or knows: presence (the
same `MemoryPresenceIndex` class the single-node server runs), settings as the locals
declared them, and each local's record of question notifications and answers as the
simulation's "server" saw them happen. The hidden traits (answer and delay factors) stay
in the answer model.
"""

from __future__ import annotations

import heapq
import math
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field

from dongne.escalation.ports import LocalProfile
from dongne.escalation.routing import Pending, Responsiveness
from dongne.infra.presence.base import Nearby
from dongne.infra.presence.memory import MemoryPresenceIndex
from dongne.simulation.population import Local

HOUR_S = 3600.0
DAY_S = 86_400.0


@dataclass(slots=True)
class Record:
    """What the server records of one local: the router's responsiveness inputs."""

    notified: int = 0
    answered: int = 0
    log_delay_sum: float = 0.0
    hour: deque[float] = field(default_factory=deque)
    day: deque[float] = field(default_factory=deque)


class SimPorts:
    def __init__(
        self,
        people: Sequence[Local],
        presence: MemoryPresenceIndex,
        *,
        fatigue_cap: int | None,
        prior: tuple[float, float] = (1.0, 3.0),
    ) -> None:
        self.now = 0.0
        self.fatigue_cap = fatigue_cap
        self.prior = (prior[0], prior[1])
        # The cap-th latest notification of each local: at the cap while it is in the hour.
        self.cap_edge = [-1e18] * len(people)
        self.presence = presence
        self.people = people
        self.ids = [p.id for p in people]
        self.index_of = {p.id: p.index for p in people}
        self.records = [Record() for _ in people]
        self.opted_out: set[int] = set()
        self.on_duty_until: dict[int, float] = {}
        self.profiles_by_index = [
            LocalProfile(
                settings=p.settings,
                languages=p.languages,
                followed_regions=p.follows,
                interests=p.settings.interests,
                push=p.push,
            )
            for p in people
        ]
        self.followers: dict[str, list[str]] = {}
        self.residents_of: dict[str, list[str]] = {}
        self.interested_by_tag: dict[str, list[str]] = {}
        for p in sorted(people, key=lambda p: p.id):
            self.residents_of.setdefault(p.region, []).append(p.id)
            for region in p.follows:
                self.followers.setdefault(region, []).append(p.id)
            for tag in p.settings.interests:
                self.interested_by_tag.setdefault(tag, []).append(p.id)
        self.accepted_by_tag: dict[str, set[str]] = {}
        self.asked_of: dict[str, dict[str, Pending]] = {}
        self._cache: dict[int, tuple[float, Responsiveness]] = {}
        # Minus each local's posterior mean answer rate, kept current as records change.
        self._rank = [-self.prior[0] / (self.prior[0] + self.prior[1])] * len(people)

    # -- what the "server" records -----------------------------------------------------

    def record_notified(self, local: int, t: float) -> None:
        r = self.records[local]
        self._cache.pop(local, None)
        r.notified += 1
        r.hour.append(t)
        r.day.append(t)
        self._rerank(local)
        cap = self.fatigue_cap
        if cap is not None and len(r.hour) >= cap:
            self.cap_edge[local] = r.hour[-cap]

    def record_answer(self, local: int, delay_s: float) -> None:
        self._cache.pop(local, None)
        r = self.records[local]
        r.answered += 1
        r.log_delay_sum += math.log(max(1.0, delay_s))
        self._rerank(local)

    def _rerank(self, local: int) -> None:
        r = self.records[local]
        a0, b0 = self.prior
        self._rank[local] = -(a0 + r.answered) / (a0 + b0 + max(r.notified, r.answered))

    def record_accepted(self, local: int, tags: frozenset[str]) -> None:
        for tag in tags:
            self.accepted_by_tag.setdefault(tag, set()).add(self.ids[local])

    def last_hour(self, local: int) -> int:
        window = self.records[local].hour
        cutoff = self.now - HOUR_S
        while window and window[0] < cutoff:
            window.popleft()
        return len(window)

    def _last_day(self, local: int) -> int:
        window = self.records[local].day
        cutoff = self.now - DAY_S
        while window and window[0] < cutoff:
            window.popleft()
        return len(window)

    def _keep(self, user_ids: Sequence[str]) -> list[str]:
        """Locals who turned question alerts off are nobody's candidates any more."""
        if not self.opted_out:
            return list(user_ids)
        index_of, out = self.index_of, self.opted_out
        return [u for u in user_ids if index_of[u] not in out]

    # -- RouterPorts ---------------------------------------------------------------------

    async def nearby(self, lat: float, lng: float, radius_m: float, limit: int) -> list[Nearby]:
        found = await self.presence.nearest(lat, lng, radius_m, limit=limit, locals_only=True)
        if not self.opted_out:
            return found
        return [n for n in found if self.index_of[n.user_id] not in self.opted_out]

    async def on_duty(self) -> list[str]:
        now = self.now
        return self._keep([self.ids[i] for i, until in self.on_duty_until.items() if until > now])

    async def region_followers(self, region: str) -> list[str]:
        return self._keep(self.followers.get(region, []))

    async def accepted_answerers(self, tags: Sequence[str]) -> list[str]:
        found: set[str] = set()
        for tag in tags:
            found |= self.accepted_by_tag.get(tag, set())
        return self._keep(sorted(found))

    async def interested(self, tags: Sequence[str]) -> list[str]:
        found: set[str] = set()
        for tag in tags:
            found.update(self.interested_by_tag.get(tag, ()))
        return self._keep(sorted(found))

    async def residents(self, region: str) -> list[str]:
        return self._keep(self.residents_of.get(region, []))

    async def reachable(self, fatigue_cap: int) -> list[str]:
        out, ids = self.opted_out, self.ids
        if fatigue_cap != self.fatigue_cap:
            last_hour = self.last_hour
            return [ids[i] for i in range(len(ids)) if i not in out and last_hour(i) < fatigue_cap]
        cutoff, edge = self.now - HOUR_S, self.cap_edge
        return [ids[i] for i in range(len(ids)) if edge[i] < cutoff and i not in out]

    async def best(self, user_ids: Sequence[str], limit: int) -> list[str]:
        if len(user_ids) <= limit:
            return list(user_ids)
        index_of, ids = self.index_of, self.ids
        best = heapq.nsmallest(limit, [index_of[u] for u in user_ids], key=self._rank.__getitem__)
        return [ids[i] for i in best]

    async def positions(self, user_ids: Sequence[str]) -> dict[str, tuple[float, float]]:
        return await self.presence.positions(user_ids)

    async def profiles(self, user_ids: Sequence[str]) -> dict[str, LocalProfile]:
        index_of, profiles, duty = self.index_of, self.profiles_by_index, self.on_duty_until
        result = {}
        for u in user_ids:
            i = index_of[u]
            profile = profiles[i]
            until = duty.get(i)
            if until is not None:
                profile = LocalProfile(
                    profile.settings,
                    profile.languages,
                    profile.followed_regions,
                    profile.interests,
                    profile.push,
                    until,
                )
            result[u] = profile
        return result

    async def blockers(self, asker_id: str, user_ids: Sequence[str]) -> set[str]:
        return set()  # travellers in the simulation block nobody

    async def responsiveness(self, user_ids: Sequence[str]) -> dict[str, Responsiveness]:
        index_of, records, cache, now = self.index_of, self.records, self._cache, self.now
        result = {}
        for u in user_ids:
            i = index_of[u]
            cached = cache.get(i)
            if cached is not None and cached[0] > now:
                result[u] = cached[1]
                continue
            r = records[i]
            if r.notified:
                stats = Responsiveness(
                    r.notified, r.answered, r.log_delay_sum, self.last_hour(i), self._last_day(i)
                )
                # Valid until the oldest notification of the hour (or day) leaves its window.
                until = min(
                    r.hour[0] + HOUR_S if r.hour else math.inf,
                    r.day[0] + DAY_S if r.day else math.inf,
                )
                cache[i] = (until, stats)
                result[u] = stats
        return result

    async def recent_counts(self, user_ids: Sequence[str]) -> dict[str, int]:
        index_of = self.index_of
        return {u: n for u in user_ids if (n := self.last_hour(index_of[u]))}

    async def asked(self, question_id: str) -> dict[str, Pending]:
        return self.asked_of.setdefault(question_id, {})
