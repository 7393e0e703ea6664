"""The discrete-event simulation: a heap of events on a virtual clock, one pass per policy.

Nothing here reads the wall clock or the network. A pass replays the world's sessions
(into a real `MemoryPresenceIndex`) and questions. The product's policies run the
product's own code through `SimPorts`: the router (`escalation.router.Router`) decides each
round and when the next is due; the four waves gather with `escalation.router.
wave_candidates` and choose with `escalation.policy.select_recipients`. Each notification
asks the answer model whether and when that local answers; only the earliest pending
answer of a question can become its first answer, and later ones are recorded (as the
server would record them) for the router's statistics.
"""

from __future__ import annotations

import asyncio
import heapq
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import time as clock_time

from dongne.escalation.policy import (
    QuestionFacts,
    Wave,
    WavePlan,
    select_recipients,
    wave_should_run,
)
from dongne.escalation.router import Router, wave_candidates
from dongne.escalation.routing import Pending, RouteQuestion
from dongne.infra.presence.memory import MemoryPresenceIndex
from dongne.simulation.answers import AnswerModel, Channel, planar_m
from dongne.simulation.draws import uniform
from dongne.simulation.policies import PolicySpec, seed_targets
from dongne.simulation.population import Question, World
from dongne.simulation.ports import SimPorts
from dongne.simulation.results import Notification, PolicyResult

FATIGUE_WINDOW_S = 3600.0
DAY_S = 86_400.0
# How many events between two progress reports.
_PROGRESS_EVERY = 4096
(_START, _END, _ASK, _WAVE, _ROUND, _ANSWER, _HEARD, _ACCEPT, _EXPIRE, _DAY) = range(10)
# The seed's waves ignore most of a local's state; its waves' `Pending` is a placeholder.
_UNKNOWN = Pending(0.0, 0.25, 90.0)

Progress = Callable[[float], None]  # called with the virtual time reached


@dataclass(slots=True)
class _QuestionState:
    question: Question
    route: RouteQuestion
    notified: dict[int, int] = field(default_factory=dict)  # local -> times notified
    asked_at: dict[int, float] = field(default_factory=dict)  # local -> last notified at
    first_answer_s: float | None = None
    outcome: str | None = None  # "answered" | "unanswered" | "deflected", set exactly once
    pending_s: float = float("inf")
    pending_local: int = -1
    claim_s: float = float("inf")  # when the pending answerer claims it
    accepted: bool = False
    first_round_answer: bool = False
    first_round: set[int] = field(default_factory=set)
    sent: int = 0


class _Pass:
    def __init__(
        self, world: World, policy: PolicySpec, *, trace: bool, progress: Progress | None
    ) -> None:
        scenario = world.scenario
        self.world = world
        self.policy = policy
        self.model = AnswerModel(scenario.answers)
        self.claims = scenario.answers.claims
        self.opt_out = scenario.answers.opt_out
        self.now = 0.0
        self.presence = MemoryPresenceIndex(lambda: self.now)
        self.people = world.locals
        self.ports = SimPorts(
            self.people,
            self.presence,
            fatigue_cap=policy.fatigue_cap,
            prior=(policy.router.prior_answered, policy.router.prior_missed),
        )
        self.router = Router(policy.router)
        self.ids = self.ports.ids
        self.index_of = self.ports.index_of
        self.report_after_s = scenario.report_after_h * 3600.0
        self.totals = [0] * len(self.people)  # notifications from report_after_s on
        self.today = [0] * len(self.people)  # notifications since the day began
        self.opted_out_at: dict[int, float] = {}
        self.online: dict[int, tuple[float, float]] = {}
        self.immediate_alerts = [p.settings.immediate_alerts for p in self.people]
        # Interests and accepted answers: the seed's expert lookup, and the answer model's.
        self.expertise = [p.settings.interests for p in self.people]
        self.experts_by_tag: dict[str, set[int]] = {}
        for p in self.people:
            for tag in p.settings.interests:
                self.experts_by_tag.setdefault(tag, set()).add(p.index)
        self.states = [
            _QuestionState(
                q,
                RouteQuestion(
                    id=q.id,
                    asker_id=q.asker_id,
                    lat=q.lat,
                    lng=q.lng,
                    region=q.region,
                    hashtags=q.tags,
                    urgent=q.urgent,
                    language=q.language,
                    asked_at_s=q.t,
                ),
            )
            for q in world.questions
        ]
        self.unanswered_after_s = scenario.questions.unanswered_after_min * 60.0
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
        day = DAY_S
        while day < world.end_s:
            self.heap.append((day, self._next_seq(), _DAY, int(day // DAY_S), 0))
            day += DAY_S
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
        ports = self.ports
        base = self.policy.base
        events = 0
        while heap:
            t, _, kind, a, b = heapq.heappop(heap)
            self.now = ports.now = t
            if kind == _START:
                await self._start(a, b)
            elif kind == _END:
                await self.presence.remove(self.ids[a])
                del self.online[a]
                ports.on_duty_until.pop(a, None)
            elif kind == _ASK:
                self._ask(self.states[a], plan, base)
            elif kind == _ROUND:
                await self._round(self.states[a], b)
            elif kind == _WAVE:
                await self._wave(self.states[a], plan[b])
            elif kind == _ANSWER:
                self._answer(self.states[a], b)
            elif kind == _HEARD:
                state = self.states[a]
                ports.record_answer(b, t - state.asked_at[b])
            elif kind == _ACCEPT:
                self._accept(self.states[a], b)
            elif kind == _EXPIRE:
                state = self.states[a]
                if state.outcome is None:
                    self._end(state, "unanswered")
            else:
                self._day_ends(a)
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
            notifications_per_question=[s.sent for s in self.states],
            opted_out_at=dict(self.opted_out_at),
            on_duty_locals=[p.index for p in self.people if p.on_duty],
            first_round=[s.first_round_answer for s in self.states],
        )

    # -- the world ----------------------------------------------------------------------

    async def _start(self, local: int, session: int) -> None:
        start, end, lat, lng = self.people[local].sessions[session]
        await self.presence.upsert(self.ids[local], lat, lng, is_local=True)
        self.online[local] = (lat, lng)
        if self.people[local].on_duty and local not in self.ports.opted_out:
            self.ports.on_duty_until[local] = min(end, start + 3600.0)

    def _day_ends(self, day: int) -> None:
        """Locals who had more question notifications today than they tolerate turn
        question alerts off for good, with a chance growing with the excess."""
        rule = self.opt_out
        today = self.today
        if rule is not None:
            for p in self.people:
                excess = today[p.index] - rule.threshold
                if excess <= 0 or p.index in self.ports.opted_out:
                    continue
                chance = min(rule.max, rule.per_excess * excess)
                if uniform(day, p.key, 0, 7) < chance:
                    self.ports.opted_out.add(p.index)
                    self.ports.on_duty_until.pop(p.index, None)
                    self.opted_out_at[p.index] = self.now
        self.today = [0] * len(self.people)

    # -- question lifecycle -------------------------------------------------------------

    def _ask(self, state: _QuestionState, plan: Sequence[WavePlan], base: str) -> None:
        q = state.question
        if q.deflected:
            state.first_answer_s = self.now
            self._end(state, "deflected")
            return
        if base == "router":
            self._push(self.now, _ROUND, q.index, 1)
        else:
            for i, step in enumerate(plan):
                self._push(self.now + step.delay_s, _WAVE, q.index, i)
        self._push(self.now + self.unanswered_after_s, _EXPIRE, q.index, 0)

    def _end(self, state: _QuestionState, outcome: str) -> None:
        if state.outcome is not None:
            raise RuntimeError(f"question {state.question.id} ended twice")
        state.outcome = outcome

    def _answer(self, state: _QuestionState, local: int) -> None:
        # Only the earliest pending answer is queued; a superseded one is stale.
        if state.outcome is not None or state.pending_local != local or state.pending_s != self.now:
            return
        state.first_answer_s = self.now
        state.first_round_answer = local in state.first_round
        self._end(state, "answered")
        question = state.question
        if question.accepts:
            self._push(self.now + question.accept_delay_s, _ACCEPT, question.index, local)

    def _accept(self, state: _QuestionState, local: int) -> None:
        """The asker accepts: the answerer becomes an expert for the question's tags."""
        state.accepted = True
        tags = state.question.tags
        self.ports.record_accepted(local, tags)
        self.expertise[local] = self.expertise[local] | tags
        for tag in tags:
            self.experts_by_tag.setdefault(tag, set()).add(local)

    def _local_time(self) -> clock_time:
        seconds = int(self.now) % 86_400
        return clock_time(seconds // 3600, seconds // 60 % 60, seconds % 60)

    # -- the router's rounds ------------------------------------------------------------

    def _held_until(self, state: _QuestionState) -> float | None:
        """A fresh claim holds the round: the answerer claimed it a little after seeing
        it, and typing just before the answer renews the claim."""
        claims = self.claims
        if claims is None or state.pending_local < 0:
            return None
        now = self.now
        if state.claim_s <= now < state.claim_s + claims.fresh_s:
            return state.claim_s + claims.fresh_s
        if state.pending_s - claims.typing_s <= now < state.pending_s:
            return state.pending_s + 1.0
        return None

    async def _round(self, state: _QuestionState, round_no: int) -> None:
        if state.outcome is not None:
            return
        held = self._held_until(state)
        q = state.question
        if held is not None:
            self._push(held, _ROUND, q.index, round_no)
            return
        self.waves_run[Wave.FINAL.value if round_no > 3 else _ROUND_WAVE[round_no]] += 1
        choice = await self.router.run_round(
            self.ports,
            state.route,
            round_no,
            now_s=self.now,
            local_time=self._local_time(),
            rng=random.Random(q.key ^ round_no),
        )
        asked = self.ports.asked_of.setdefault(q.id, {})
        targets: list[tuple[int, Channel]] = []
        for a in choice.asked:
            asked[a.user_id] = Pending(self.now, a.chance, a.median_delay_s)
            targets.append((self.index_of[a.user_id], a.candidate.channel))
        if round_no == 1:
            state.first_round = {local for local, _c in targets}
        if targets:
            self._notify(state, targets, choice.asked[0].wave)
        next_at = choice.next_round_at_s
        if next_at is not None and next_at < q.t + self.unanswered_after_s:
            self._push(next_at, _ROUND, q.index, round_no + 1)

    # -- the four waves -----------------------------------------------------------------

    async def _wave(self, state: _QuestionState, step: WavePlan) -> None:
        if state.outcome == "deflected":
            return
        if self.policy.base == "waves":
            await self._product_wave(state, step)
        else:
            await self._seed_wave(state, step)

    async def _product_wave(self, state: _QuestionState, step: WavePlan) -> None:
        q = state.question
        facts = QuestionFacts(
            id=q.id,
            asker_id=q.asker_id,
            hashtags=q.tags,
            urgent=q.urgent,
            answer_count=0 if state.first_answer_s is None else 1,
            accepted=state.accepted,
        )
        if not wave_should_run(step, facts):
            return
        self.waves_run[step.wave.value] += 1
        cap = self.policy.fatigue_cap if self.policy.fatigue_cap is not None else 1 << 30
        candidates = await wave_candidates(self.ports, step, state.route, fatigue_cap=cap)
        recipients = select_recipients(
            step, facts, candidates, local_time=self._local_time(), fatigue_cap=cap
        )
        asked = self.ports.asked_of.setdefault(q.id, {})
        targets: list[tuple[int, Channel]] = []
        for r in recipients:
            asked[r.user_id] = _UNKNOWN
            local = self.index_of[r.user_id]
            if local in self.online:
                targets.append((local, "online"))
            else:
                targets.append((local, "push" if self.people[local].push else "inbox"))
        if step.wave is Wave.IMMEDIATE:
            state.first_round = {local for local, _c in targets}
        self._notify(state, targets, step.wave)

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
        out = self.ports.opted_out
        if out:
            targets = [local for local in targets if local not in out]
        cap = self.policy.fatigue_cap
        if cap is not None:  # only variants of the seed have a cap
            targets = [local for local in targets if self.ports.last_hour(local) < cap]
        if step.limit is not None:
            targets = targets[: step.limit]
        if step.wave is Wave.IMMEDIATE:
            state.first_round = set(targets)
        self._notify(state, [(local, "online") for local in targets], step.wave)

    # -- one notification ---------------------------------------------------------------

    def _notify(
        self, state: _QuestionState, targets: Sequence[tuple[int, Channel]], wave: Wave
    ) -> None:
        """Deliver one round's (or wave's) notifications, then ask the answer model about
        each. Written as one loop with local names: the seed makes millions of these."""
        now = self.now
        q = state.question
        notified, asked_at = state.notified, state.asked_at
        totals, today = self.totals, self.today
        record = self.ports.record_notified
        counted = now >= self.report_after_s
        by_channel = self.by_channel
        trace = self.trace
        self.by_wave[wave.value] += len(targets)
        state.sent += len(targets)
        for local, channel in targets:
            record(local, now)
            if counted:
                totals[local] += 1
            today[local] += 1
            by_channel[channel] += 1
            repeat = notified.get(local, 0)
            notified[local] = repeat + 1
            asked_at[local] = now
            if trace is not None:
                trace.append(Notification(q.index, local, now, wave, channel))
            if state.outcome is None or self.policy.base == "router":
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
            recent=self.ports.last_hour(local) - 1,  # the hour before this notification
            repeat=repeat,
            factor=person.answer_factor,
            delay_factor=person.delay_factor,
            language_gap=q.language not in person.languages,
        )
        if at is None:
            return
        if self.policy.base == "router":
            self._push(at, _HEARD, q.index, local)  # the server records every answer
        if (
            state.outcome is not None
            or at >= state.pending_s
            or at >= q.t + self.unanswered_after_s
        ):
            return
        state.pending_s = at
        state.pending_local = local
        if self.claims is not None:
            state.claim_s = min(at, seen + self.claims.delay_s)
        self._push(at, _ANSWER, q.index, local)


_ROUND_WAVE = {1: Wave.IMMEDIATE.value, 2: Wave.QUICK.value, 3: Wave.EXTENDED.value}


async def run_pass(
    world: World,
    policy: PolicySpec,
    *,
    trace: bool = False,
    progress: Progress | None = None,
) -> PolicyResult:
    """Replay the world under one policy."""
    return await _Pass(world, policy, trace=trace, progress=progress).run()


def simulate(
    world: World,
    policies: Sequence[PolicySpec],
    *,
    trace: bool = False,
    progress: Callable[[PolicySpec], Progress | None] | None = None,
) -> list[PolicyResult]:
    """Replay the world under each policy, one after another, in one event loop.

    Each pass is independent (its own presence index, clock and state; random draws keyed
    by question and local), so a policy's result does not depend on which others run.
    """

    async def passes() -> list[PolicyResult]:
        results = []
        for policy in policies:
            report = None if progress is None else progress(policy)
            results.append(await run_pass(world, policy, trace=trace, progress=report))
        return results

    return asyncio.run(passes())
