"""The discrete-event simulation: a heap of events on a virtual clock, one pass per policy.

Nothing here reads the wall clock or the network. A pass replays the world's sessions
(into a real `MemoryPresenceIndex`) and questions; each question's waves are due at its
plan's delays, and each wave picks its recipients with the policy's own code. Each
notification asks the answer model whether and when that local answers; only the earliest
pending answer of a question can become its first answer, so later ones are not queued.
"""

from __future__ import annotations

import asyncio
import heapq
import time
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import time as clock_time

from dongne.escalation.policy import (
    Candidate,
    QuestionFacts,
    Wave,
    WavePlan,
    select_recipients,
    wave_should_run,
)
from dongne.infra.presence.memory import MemoryPresenceIndex
from dongne.kit.geo import haversine_m
from dongne.simulation.answers import AnswerModel, Channel, planar_m
from dongne.simulation.policies import PolicySpec, seed_targets
from dongne.simulation.population import Question, World
from dongne.simulation.results import Notification, PolicyResult

# As EscalationService: proximity waves ask the index for this many times their limit.
CANDIDATE_HEADROOM = 5
FATIGUE_WINDOW_S = 3600.0
# How many events between two progress reports.
_PROGRESS_EVERY = 4096
_FAR = 1e18
_START, _END, _ASK, _WAVE, _ANSWER, _ACCEPT, _EXPIRE = range(7)

Progress = Callable[[float], None]  # called with the virtual time reached


@dataclass(slots=True)
class _QuestionState:
    question: Question
    notified: dict[int, int] = field(default_factory=dict)  # local -> times notified
    first_answer_s: float | None = None
    outcome: str | None = None  # "answered" | "unanswered", set exactly once
    pending_s: float = float("inf")
    pending_local: int = -1
    accepted: bool = False


class _Pass:
    def __init__(
        self,
        world: World,
        policy: PolicySpec,
        *,
        trace: bool,
        progress: Progress | None,
        prune: bool = True,
    ) -> None:
        self.world = world
        self.prune = prune
        self.policy = policy
        self.model = AnswerModel(world.scenario.answers)
        self.now = 0.0
        self.presence = MemoryPresenceIndex(lambda: self.now)
        self.people = world.locals
        self.ids = [p.id for p in self.people]
        self.index_of = {p.id: p.index for p in self.people}
        self.recent: list[deque[float]] = [deque() for _ in self.people]
        # The cap-th latest notification of each local: at the cap while it is in the window.
        self.cap_edge = [-_FAR] * len(self.people)
        self.totals = [0] * len(self.people)
        self.online: dict[int, tuple[float, float]] = {}
        self.expertise = [p.settings.interests for p in self.people]
        self.immediate_alerts = [p.settings.immediate_alerts for p in self.people]
        self.experts_by_tag: dict[str, set[int]] = {}
        self.followers: dict[str, list[str]] = {}
        for p in sorted(self.people, key=lambda p: p.id):
            for tag in p.settings.interests:
                self.experts_by_tag.setdefault(tag, set()).add(p.index)
            for region in p.follows:
                self.followers.setdefault(region, []).append(p.id)
        self.states = [_QuestionState(q) for q in world.questions]
        self.unanswered_after_s = world.scenario.questions.unanswered_after_min * 60.0
        self.by_wave: dict[str, int] = {w.value: 0 for w in Wave}
        self.by_channel: dict[str, int] = {"online": 0, "push": 0, "inbox": 0}
        self.waves_run: dict[str, int] = {w.value: 0 for w in Wave}
        self.trace: list[Notification] | None = [] if trace else None
        self.progress = progress
        self.seq = 0
        self.heap: list[tuple[float, int, int, int, int]] = []
        for p in self.people:
            for s, (start, end, _lat, _lng) in enumerate(p.sessions):
                self.heap.append((start, self._next_seq(), _START, p.index, s))
                self.heap.append((end, self._next_seq(), _END, p.index, s))
        for q in world.questions:
            self.heap.append((q.t, self._next_seq(), _ASK, q.index, 0))
        heapq.heapify(self.heap)

    def _next_seq(self) -> int:
        self.seq += 1
        return self.seq

    def _push(self, t: float, kind: int, a: int, b: int) -> None:
        heapq.heappush(self.heap, (t, self._next_seq(), kind, a, b))

    async def run(self) -> PolicyResult:
        started = time.perf_counter()
        heap = self.heap
        plan = self.policy.plan
        events = 0
        while heap:
            t, _, kind, a, b = heapq.heappop(heap)
            self.now = t
            if kind == _START:
                _s, _e, lat, lng = self.people[a].sessions[b]
                await self.presence.upsert(self.ids[a], lat, lng, is_local=True)
                self.online[a] = (lat, lng)
            elif kind == _END:
                await self.presence.remove(self.ids[a])
                del self.online[a]
            elif kind == _ASK:
                for i, step in enumerate(plan):
                    self._push(t + step.delay_s, _WAVE, a, i)
                self._push(t + self.unanswered_after_s, _EXPIRE, a, 0)
            elif kind == _WAVE:
                await self._wave(self.states[a], plan[b])
            elif kind == _ANSWER:
                self._answer(self.states[a], b)
            elif kind == _ACCEPT:
                self._accept(self.states[a], b)
            else:
                state = self.states[a]
                if state.outcome is None:
                    self._end(state, "unanswered")
            events += 1
            if self.progress is not None and events % _PROGRESS_EVERY == 0:
                self.progress(t)
        if self.progress is not None:
            self.progress(self.world.end_s)
        return PolicyResult(
            policy=self.policy,
            time_to_first_answer=[
                None if s.first_answer_s is None else s.first_answer_s - s.question.t
                for s in self.states
            ],
            outcomes=[s.outcome or "open" for s in self.states],
            notifications_per_local=list(self.totals),
            by_wave=self.by_wave,
            by_channel=self.by_channel,
            waves_run=self.waves_run,
            duration_h=self.world.scenario.duration_h,
            wall_s=time.perf_counter() - started,
            trace=self.trace,
        )

    # -- question lifecycle -------------------------------------------------------------

    def _end(self, state: _QuestionState, outcome: str) -> None:
        if state.outcome is not None:
            raise RuntimeError(f"question {state.question.id} ended twice")
        state.outcome = outcome

    def _answer(self, state: _QuestionState, local: int) -> None:
        # Only the earliest pending answer is queued; a superseded one is stale.
        if state.outcome is not None or state.pending_local != local or state.pending_s != self.now:
            return
        state.first_answer_s = self.now
        self._end(state, "answered")
        question = state.question
        if question.accepts:
            self._push(self.now + question.accept_delay_s, _ACCEPT, question.index, local)

    def _accept(self, state: _QuestionState, local: int) -> None:
        """The asker accepts: the answerer becomes an expert for the question's tags."""
        state.accepted = True
        tags = state.question.tags
        self.expertise[local] = self.expertise[local] | tags
        for tag in tags:
            self.experts_by_tag.setdefault(tag, set()).add(local)

    # -- waves --------------------------------------------------------------------------

    async def _wave(self, state: _QuestionState, step: WavePlan) -> None:
        if self.policy.base == "dongne":
            await self._dongne_wave(state, step)
        else:
            await self._seed_wave(state, step)

    def _facts(self, state: _QuestionState) -> QuestionFacts:
        q = state.question
        return QuestionFacts(
            id=q.id,
            asker_id=q.asker_id,
            hashtags=q.tags,
            urgent=q.urgent,
            answer_count=0 if state.first_answer_s is None else 1,
            accepted=state.accepted,
        )

    def _recent(self, local: int) -> int:
        """Question notifications in the last hour (as `counts_since(now - 1 h)`)."""
        window = self.recent[local]
        cutoff = self.now - FATIGUE_WINDOW_S
        while window and window[0] < cutoff:
            window.popleft()
        return len(window)

    def _local_time(self) -> clock_time:
        seconds = int(self.now) % 86_400
        return clock_time(seconds // 3600, seconds // 60 % 60, seconds % 60)

    async def _dongne_wave(self, state: _QuestionState, step: WavePlan) -> None:
        facts = self._facts(state)
        if not wave_should_run(step, facts):
            return
        self.waves_run[step.wave.value] += 1
        candidates = await self._candidates(state, step)
        cap = self.policy.fatigue_cap
        recipients = select_recipients(
            step,
            facts,
            candidates,
            local_time=self._local_time(),
            fatigue_cap=cap if cap is not None else 1 << 62,
        )
        targets: list[tuple[int, Channel]] = []
        for r in recipients:
            local = self.index_of[r.user_id]
            if local in self.online:
                targets.append((local, "online"))
            else:
                targets.append((local, "push" if self.people[local].push else "inbox"))
        self._notify(state, targets, step.wave)

    async def _candidates(self, state: _QuestionState, step: WavePlan) -> list[Candidate]:
        """The candidates `EscalationService._candidates` would describe for this wave,
        less those `select_recipients` is certain to reject for a rule that only looks at
        the candidate itself: already notified of this question, at the fatigue cap, or
        offline when the wave is online-only and does not take them as a region follower.

        Eligibility is judged candidate by candidate and the survivors are sorted, so
        leaving those out changes nothing in the result (tests/simulation checks it against
        the full list); it spares building thousands of candidates per island-wide wave
        once most locals are at their cap.
        """
        q = state.question
        if step.radius_m is not None:
            limit = None if step.limit is None else step.limit * CANDIDATE_HEADROOM
            nearby = await self.presence.nearest(
                q.lat, q.lng, step.radius_m, limit=limit, locals_only=True
            )
            user_ids = [n.user_id for n in nearby]
            if step.region_followers:
                user_ids += self.followers.get(q.region, [])
            pool: Iterable[int] = [self.index_of[u] for u in dict.fromkeys(user_ids)]
        elif step.experts_only:
            experts: set[int] = set()
            for tag in q.tags:
                experts |= self.experts_by_tag.get(tag, set())
            pool = sorted(experts, key=self.ids.__getitem__)
        else:
            pool = range(len(self.people))
        candidates = []
        ids, people, expertise, notified = self.ids, self.people, self.expertise, state.notified
        position_of, recent = self.presence.position, self._recent
        no_tags: frozenset[str] = frozenset()
        for local in self._not_surely_rejected(state, step, pool):
            position = await position_of(ids[local])
            candidates.append(
                Candidate(
                    user_id=ids[local],
                    distance_m=None if position is None else haversine_m(q.lat, q.lng, *position),
                    online=position is not None,
                    settings=people[local].settings,
                    expert_tags=expertise[local] if step.experts_only else no_tags,
                    recent_notifications=recent(local),
                    already_notified=local in notified,
                    follows_region=q.region in people[local].follows,
                )
            )
        return candidates

    def _not_surely_rejected(
        self, state: _QuestionState, step: WavePlan, pool: Iterable[int]
    ) -> list[int]:
        """`pool` less who was already notified of the question, is at the fatigue cap, or
        is offline for an online-only wave (unless the wave lets them in as a follower of
        the question's region)."""
        if not self.prune:
            return list(pool)
        notified = state.notified
        if step.online_only:
            online = self.online
            if step.region_followers:
                region, people = state.question.region, self.people
                pool = [i for i in pool if i in online or region in people[i].follows]
            else:
                pool = [i for i in pool if i in online]
        if self.policy.fatigue_cap is None:
            return [i for i in pool if i not in notified]
        cutoff = self.now - FATIGUE_WINDOW_S
        edge = self.cap_edge
        return [i for i in pool if edge[i] < cutoff and i not in notified]

    async def _seed_wave(self, state: _QuestionState, step: WavePlan) -> None:
        """The seed's `sendBatchNotifications`: a socket emit to each target that is online."""
        q = state.question
        if step.requires_no_answer and state.first_answer_s is not None:
            return
        self.waves_run[step.wave.value] += 1
        targets = await seed_targets(
            step,
            q,
            self.presence,
            index_of=self.index_of,
            online=self.online,
            experts_by_tag=self.experts_by_tag,
            immediate_alerts=self.immediate_alerts,
        )
        cap = self.policy.fatigue_cap
        if cap is not None:  # only variants of the seed have a cap
            targets = [local for local in targets if self._recent(local) < cap]
        if step.limit is not None:
            targets = targets[: step.limit]
        self._notify(state, [(local, "online") for local in targets], step.wave)

    # -- one notification ---------------------------------------------------------------

    def _notify(
        self, state: _QuestionState, targets: Sequence[tuple[int, Channel]], wave: Wave
    ) -> None:
        """Deliver one wave's notifications, then ask the answer model about each.

        Written as one loop over the wave with local names: the seed makes over a million
        of these a day.
        """
        now = self.now
        q = state.question
        notified = state.notified
        recent, totals, cap_edge = self.recent, self.totals, self.cap_edge
        cap = self.policy.fatigue_cap
        by_channel = self.by_channel
        trace = self.trace
        self.by_wave[wave.value] += len(targets)
        for local, channel in targets:
            window = recent[local]
            window.append(now)
            if cap is not None and len(window) >= cap:
                cap_edge[local] = window[-cap]
            totals[local] += 1
            by_channel[channel] += 1
            repeat = notified.get(local, 0)
            notified[local] = repeat + 1
            if trace is not None:
                trace.append(Notification(q.index, local, now, wave, channel))
            if state.outcome is None:
                self._maybe_answer(state, local, channel, repeat)

    def _maybe_answer(
        self, state: _QuestionState, local: int, channel: Channel, repeat: int
    ) -> None:
        now = self.now
        q = state.question
        person = self.people[local]
        if channel == "inbox":
            seen = person.next_online(now)
            if seen is None or seen - now > self.model.inbox_horizon_s:
                return
        else:
            seen = now
        where = self.online.get(local) if channel == "online" else None
        lat, lng = where if where is not None else (person.home_lat, person.home_lng)
        at = self.model.answer_time(
            q.key,
            person.key,
            channel,
            seen,
            planar_m(q.lat, q.lng, lat, lng),
            urgent=q.urgent,
            expert=not self.expertise[local].isdisjoint(q.tags),
            recent=self._recent(local) - 1,  # the hour before this notification
            repeat=repeat,
        )
        if at is None or at >= state.pending_s or at >= q.t + self.unanswered_after_s:
            return
        state.pending_s = at
        state.pending_local = local
        self._push(at, _ANSWER, q.index, local)


async def run_pass(
    world: World,
    policy: PolicySpec,
    *,
    trace: bool = False,
    progress: Progress | None = None,
    prune: bool = True,
) -> PolicyResult:
    """Replay the world under one policy.

    `prune=False` hands `select_recipients` every candidate the live service would (slow;
    for checking that pruning changes nothing).
    """
    return await _Pass(world, policy, trace=trace, progress=progress, prune=prune).run()


def simulate(
    world: World,
    policies: Sequence[PolicySpec],
    *,
    trace: bool = False,
    progress: Callable[[PolicySpec], Progress | None] | None = None,
    prune: bool = True,
) -> list[PolicyResult]:
    """Replay the world under each policy, one after another, in one event loop.

    Each pass is independent (its own presence index, clock and state; random draws keyed
    by question and local), so a policy's result does not depend on which others run.
    """

    async def passes() -> list[PolicyResult]:
        results = []
        for policy in policies:
            report = None if progress is None else progress(policy)
            results.append(await run_pass(world, policy, trace=trace, progress=report, prune=prune))
        return results

    return asyncio.run(passes())
