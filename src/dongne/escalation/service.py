"""Escalation: brings a question to the locals most likely to answer it soon.

Two policies (`DONGNE_ROUTING`):
- `router` (default): rounds chosen by `router.Router` — each round asks just enough of the
  best-ranked locals for the estimated chance of a first answer before the deadline to
  reach a target, then schedules the next round; a fresh claim holds it.
- `seed-waves`: the seed's four widening waves (`policy.DEFAULT_PLAN`).

Either way each recipient is recorded (a second notification of the same user for the same
question violates a primary key) and sent a durable `new_question_notification`, and every
step is a durable job that commits with its effects.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

import structlog

from dongne.escalation.live_ports import LivePorts
from dongne.escalation.policy import (
    DEFAULT_PLAN,
    QuestionFacts,
    Recipient,
    Wave,
    WavePlan,
    plan_for,
    select_recipients,
    seoul_local_time,
    wave_should_run,
)
from dongne.escalation.repository import NotifiedRepository, RoutingRepository
from dongne.escalation.router import Router, wave_candidates
from dongne.escalation.routing import Asked, RouteQuestion, RouterConfig
from dongne.escalation.schemas import (
    Burden,
    ClaimedBy,
    NewQuestionNotification,
    NotifiedLocation,
    NotifiedQuestion,
    ProgressNext,
    QuestionProgress,
)
from dongne.eventlog.service import Delivery, EventLogService
from dongne.infra.metrics import NOTIFICATIONS
from dongne.infra.presence.base import PresenceIndex
from dongne.infra.senders.base import PUSH
from dongne.jobs.service import JobQueue
from dongne.kit.clock import Clock
from dongne.kit.db import UnitOfWork
from dongne.kit.errors import DongneError, ErrorCode
from dongne.kit.events import Events
from dongne.kit.messages import MessageKey, text
from dongne.kit.rooms import question_room, user_room
from dongne.kit.stats import percentile
from dongne.models.questions import Question
from dongne.moderation.service import SafetyService
from dongne.notifications import messages
from dongne.notifications.service import Alert, NotificationsService
from dongne.questions.schemas import QuestionStatus
from dongne.questions.service import QuestionsService
from dongne.settings.service import SettingsService
from dongne.users.service import UsersService

log = structlog.get_logger("dongne.escalation")

Routing = Literal["router", "seed-waves"]
WAVE_JOB = "escalation.wave"
ROUND_JOB = "escalation.round"
EXPIRE_JOB = "escalation.expire"
URGENT_PUSH_TITLE = text(MessageKey.PUSH_URGENT_TITLE)
NEARBY_PUSH_TITLE = text(MessageKey.PUSH_NEARBY_TITLE)
PUSH_BODY_CHARS = 50
CLAIM_FRESH = timedelta(minutes=2)


def round_key(question_id: str, round_no: int, held_until: datetime | None = None) -> str:
    held = "" if held_until is None else f":held:{int(held_until.timestamp())}"
    return f"round:{question_id}:{round_no}{held}"


class EscalationPlanner:
    def __init__(
        self,
        jobs: JobQueue,
        plan: tuple[WavePlan, ...] = DEFAULT_PLAN,
        *,
        routing: Routing = "router",
    ) -> None:
        self._jobs = jobs
        self._plan = plan
        self._routing = routing

    async def plan(self, uow: UnitOfWork, question_id: str) -> None:
        if self._routing == "router":
            await self._jobs.enqueue(
                uow,
                ROUND_JOB,
                {"questionId": question_id, "round": 1},
                priority=10,
                dedupe_key=round_key(question_id, 1),
            )
            return
        for step in self._plan:
            await self._jobs.enqueue(
                uow,
                WAVE_JOB,
                {"questionId": question_id, "wave": step.wave.value},
                delay=timedelta(seconds=step.delay_s),
                # Earlier waves first when several are due at once (after a restart).
                priority=len(self._plan) - self._plan.index(step),
                dedupe_key=f"wave:{question_id}:{step.wave.value}",
            )


@dataclass(frozen=True)
class WaveOutcome:
    wave: Wave
    ran: bool
    recipients: list[Recipient]


@dataclass(frozen=True)
class RoundOutcome:
    round_no: int
    ran: bool
    asked: list[Asked]
    held_until: datetime | None = None
    next_round_at: datetime | None = None


def _facts(question: Question, tags: list[str]) -> QuestionFacts:
    return QuestionFacts(
        id=question.id,
        asker_id=question.asker_id,
        hashtags=frozenset(tags),
        urgent=question.urgency == "urgent",
        answer_count=question.answer_count,
        accepted=question.accepted_answer_id is not None or _settled_without_answer(question),
    )


def _settled_without_answer(question: Question) -> bool:
    """Solved by an earlier answer from the archive ([17]), or closed or deleted by the asker
    ([16]): nobody more is asked, as after an accepted answer."""
    return (
        question.archive_answer_id is not None
        or question.status == QuestionStatus.CLOSED
        or question.deleted_at is not None
    )


def route_question(question: Question, tags: list[str]) -> RouteQuestion:
    return RouteQuestion(
        id=question.id,
        asker_id=question.asker_id,
        lat=question.lat,
        lng=question.lng,
        region=question.region_code,
        hashtags=frozenset(tags),
        urgent=question.urgency == "urgent",
        language=question.language or "ko",
        asked_at_s=question.created_at.timestamp(),
        answered=question.answer_count > 0,
    )


class EscalationService:
    def __init__(
        self,
        *,
        clock: Clock,
        presence: PresenceIndex,
        questions: QuestionsService,
        users: UsersService,
        settings: SettingsService,
        event_log: EventLogService,
        notifications: NotificationsService,
        safety: SafetyService,
        fatigue_cap: int,
        jobs: JobQueue | None = None,
        events: Events | None = None,
        router_config: RouterConfig | None = None,
    ) -> None:
        self._clock = clock
        self._presence = presence
        self._questions = questions
        self._users = users
        self._settings = settings
        self._event_log = event_log
        self._notifications = notifications
        self._safety = safety
        self._fatigue_cap = fatigue_cap
        self._jobs = jobs
        self._events = events
        self.router = Router(router_config or RouterConfig(fatigue_cap=fatigue_cap))

    def ports(self, uow: UnitOfWork) -> LivePorts:
        return LivePorts(
            uow,
            self._clock.now(),
            presence=self._presence,
            questions=self._questions,
            users=self._users,
            settings=self._settings,
            safety=self._safety,
        )

    # -- the seed's waves -----------------------------------------------------------------

    async def run_wave(self, uow: UnitOfWork, question_id: str, wave: Wave) -> WaveOutcome:
        question = await self._questions.get_even_deleted(uow, question_id)
        tags = await self._questions.hashtags_of(uow, question_id)
        facts = _facts(question, tags)
        plan = plan_for(wave)
        if not wave_should_run(plan, facts):
            log.info("wave_skipped", question_id=question_id, wave=wave.value)
            return WaveOutcome(wave, ran=False, recipients=[])
        candidates = await wave_candidates(
            self.ports(uow), plan, route_question(question, tags), fatigue_cap=self._fatigue_cap
        )
        recipients = select_recipients(
            plan,
            facts,
            candidates,
            local_time=seoul_local_time(self._clock.now()),
            fatigue_cap=self._fatigue_cap,
        )
        online = {c.user_id for c in candidates if c.online}
        await self._send(uow, question, tags, wave, recipients, online, estimates={})
        log.info(
            "wave_sent",
            question_id=question_id,
            wave=wave.value,
            candidates=len(candidates),
            recipients=len(recipients),
        )
        return WaveOutcome(wave, ran=True, recipients=recipients)

    # -- the router's rounds --------------------------------------------------------------

    async def run_round(self, uow: UnitOfWork, question_id: str, round_no: int) -> RoundOutcome:
        question = await self._questions.get_even_deleted(uow, question_id)
        now = self._clock.now()
        state = await RoutingRepository(uow.session).get_or_new(question_id)
        if (
            question.answer_count > 0
            or question.accepted_answer_id is not None
            or _settled_without_answer(question)
        ):
            state.next_round_at = None
            await self._publish_progress(uow, question)
            return RoundOutcome(round_no, ran=False, asked=[])
        if state.claimed_until is not None and state.claimed_until > now:
            # Someone is writing an answer: wait for it (or for the claim to lapse).
            held = state.claimed_until
            state.next_round_at = held
            await self._schedule(
                uow, question_id, round_no, held, round_key(question_id, round_no, held)
            )
            await self._publish_progress(uow, question)
            log.info("round_held", question_id=question_id, round=round_no)
            return RoundOutcome(round_no, ran=False, asked=[], held_until=held)
        tags = await self._questions.hashtags_of(uow, question_id)
        route = route_question(question, tags)
        ports = self.ports(uow)
        choice = await self.router.run_round(
            ports,
            route,
            round_no,
            now_s=now.timestamp(),
            local_time=seoul_local_time(now),
            rng=random.Random(f"{question_id}:{round_no}"),
        )
        positions = await ports.positions([a.user_id for a in choice.asked])
        recipients = [
            Recipient(a.user_id, a.distance_m, a.wave, a.priority, a.sound, a.vibration)
            for a in choice.asked
        ]
        estimates = {a.user_id: (a.chance, a.median_delay_s) for a in choice.asked}
        wave = recipients[0].wave if recipients else Wave.FINAL
        await self._send(uow, question, tags, wave, recipients, set(positions), estimates)
        state.rounds = round_no
        next_at = (
            None
            if choice.next_round_at_s is None
            else datetime.fromtimestamp(choice.next_round_at_s, UTC)
        )
        state.next_round_at = next_at
        if next_at is not None:
            await self._schedule(
                uow, question_id, round_no + 1, next_at, round_key(question_id, round_no + 1)
            )
        else:
            await self._plan_expiry(uow, question_id)
        await self._publish_progress(uow, question)
        log.info(
            "round_sent",
            question_id=question_id,
            round=round_no,
            eligible=choice.eligible,
            recipients=len(recipients),
            estimate=round(choice.estimate, 3),
        )
        return RoundOutcome(round_no, ran=True, asked=choice.asked, next_round_at=next_at)

    async def _plan_expiry(self, uow: UnitOfWork, question_id: str) -> None:
        """The last round has asked its locals: give them the deadline's span to answer,
        then tell the asker if nobody did."""
        if self._jobs is None:
            raise RuntimeError("the router needs the job queue to schedule rounds")
        await self._jobs.enqueue(
            uow,
            EXPIRE_JOB,
            {"questionId": question_id},
            delay=timedelta(seconds=self.router.config.deadline_s),
            dedupe_key=f"expire:{question_id}",
        )

    async def expire(self, uow: UnitOfWork, question_id: str) -> bool:
        """Tells the asker "질문이 만료되었어요": nobody more will be asked and nobody
        answered. The question stays open, so a late answer still reaches the asker."""
        question = await self._questions.get(uow, question_id)
        if question.answer_count > 0 or _settled_without_answer(question):
            return False
        await self._notifications.notify(
            uow, question.asker_id, messages.expired(question.id, question.title)
        )
        log.info("question_expired", question_id=question_id)
        return True

    async def _schedule(
        self, uow: UnitOfWork, question_id: str, round_no: int, at: datetime, key: str
    ) -> None:
        if self._jobs is None:
            raise RuntimeError("the router needs the job queue to schedule rounds")
        await self._jobs.enqueue(
            uow,
            ROUND_JOB,
            {"questionId": question_id, "round": round_no},
            delay=max(timedelta(0), at - self._clock.now()),
            priority=10,
            dedupe_key=key,
        )

    # -- claims, seen marks, progress -----------------------------------------------------

    async def claim(self, uow: UnitOfWork, user_id: str, question_id: str) -> datetime:
        """ "답변할게요": a verified local who was notified (or is in the room) holds the next
        round for `CLAIM_FRESH`; claiming again (or typing) renews it."""
        question = await self._questions.get(uow, question_id)
        user = await self._users.get(uow, user_id)
        if not user.is_local_verified:
            raise DongneError(
                ErrorCode.FORBIDDEN,
                text(MessageKey.CLAIM_LOCALS_ONLY),
            )
        notified = user_id in await NotifiedRepository(uow.session).notified_of(question_id)
        if not notified and user_id not in await self._questions.rooms.member_ids(uow, question_id):
            raise DongneError(
                ErrorCode.FORBIDDEN,
                text(MessageKey.CLAIM_NOTIFIED_ONLY),
            )
        return await self._hold(uow, question, user_id)

    async def typing_claim(self, uow: UnitOfWork, user_id: str, question_id: str) -> None:
        """Typing in the room counts as a claim, for a verified local other than the asker."""
        question = await self._questions.get(uow, question_id)
        if question.asker_id == user_id or question.answer_count > 0:
            return
        user = await self._users.get(uow, user_id)
        if user.is_local_verified:
            await self._hold(uow, question, user_id)

    async def _hold(self, uow: UnitOfWork, question: Question, user_id: str) -> datetime:
        until = self._clock.now() + CLAIM_FRESH
        state = await RoutingRepository(uow.session).get_or_new(question.id)
        state.claimed_by = user_id
        state.claimed_until = until
        await NotifiedRepository(uow.session).mark_seen(question.id, user_id, self._clock.now())
        await uow.session.flush()
        await self._publish_progress(uow, question)
        return until

    async def mark_seen(self, uow: UnitOfWork, user_id: str, question_id: str) -> None:
        """A notified local opened the question (or confirmed its delivery)."""
        if await NotifiedRepository(uow.session).mark_seen(question_id, user_id, self._clock.now()):
            await self._publish_progress(uow, await self._questions.get(uow, question_id))

    async def answered(self, uow: UnitOfWork, question_id: str) -> None:
        """An answer came: the asker's progress says so at once (not when the next round,
        or the claim's held one, finds it), and nobody is shown as still answering."""
        await self._publish_progress(uow, await self._questions.get(uow, question_id))

    async def progress(self, uow: UnitOfWork, question: Question) -> QuestionProgress:
        asked, seen = await NotifiedRepository(uow.session).asked_and_seen(question.id)
        state = await RoutingRepository(uow.session).get(question.id)
        now = self._clock.now()
        # Once answered, a claim that has not lapsed yet no longer means anything.
        fresh = (
            question.answer_count == 0
            and state is not None
            and state.claimed_until is not None
            and state.claimed_until > now
            and state.claimed_by is not None
        )
        claimed_by = None
        if fresh and state is not None and state.claimed_by is not None:
            claimed_by = ClaimedBy(nickname=(await self._users.get(uow, state.claimed_by)).nickname)
        if question.answer_count > 0:
            upcoming = ProgressNext(what="answered")
        elif fresh and state is not None:
            upcoming = ProgressNext(what="holding", at=state.claimed_until)
        elif state is not None and state.next_round_at is not None:
            upcoming = ProgressNext(what="widening", at=state.next_round_at)
        elif state is not None and state.rounds > 0:
            upcoming = ProgressNext(what="exhausted")
        else:
            upcoming = ProgressNext(what="widening", at=question.created_at)
        return QuestionProgress(
            question_id=question.id,
            asked=asked,
            seen=seen,
            answering=1 if fresh else 0,
            claimed_by=claimed_by,
            next=upcoming,
        )

    async def _publish_progress(self, uow: UnitOfWork, question: Question) -> None:
        if self._events is None:
            return
        payload = await self.progress(uow, question)
        self._events.publish(uow, "question_progress", payload, room=user_room(question.asker_id))
        self._events.publish(uow, "question_progress", payload, room=question_room(question.id))

    # -- burden (operators) ---------------------------------------------------------------

    async def burden(self, uow: UnitOfWork, window: timedelta) -> Burden:
        since = self._clock.now() - window
        days = window.total_seconds() / 86_400
        counts = dict(await NotifiedRepository(uow.session).burden(since))
        locals_ = await self._users.verified_local_ids(uow)
        settings = await self._settings.get_many(uow, locals_)
        duty = {u for u, s in settings.items() if s.on_duty_until is not None}
        regular = [counts.get(u, 0) / days for u in locals_ if u not in duty]
        on_duty = [counts.get(u, 0) / days for u in locals_ if u in duty]
        asked, sent, first = await NotifiedRepository(uow.session).questions_since(since)
        return Burden(
            locals=len(locals_),
            per_local_per_day_median=percentile(regular, 50) if regular else 0.0,
            per_local_per_day_p95=percentile(regular, 95) if regular else 0.0,
            on_duty_locals=len(on_duty),
            on_duty_per_day_median=percentile(on_duty, 50) if on_duty else None,
            on_duty_per_day_p95=percentile(on_duty, 95) if on_duty else None,
            per_question=sent / asked if asked else None,
            answered_by_first_round=first / asked if asked else None,
            alerts_off=sum(
                1 for s in settings.values() if not s.channels.socket and not s.channels.push
            ),
        )

    # -- sending --------------------------------------------------------------------------

    async def _send(
        self,
        uow: UnitOfWork,
        question: Question,
        tags: list[str],
        wave: Wave,
        recipients: list[Recipient],
        online: set[str],
        estimates: dict[str, tuple[float, float]],
    ) -> None:
        now = self._clock.now()
        await NotifiedRepository(uow.session).add_all(
            [
                {
                    "question_id": question.id,
                    "user_id": r.user_id,
                    "wave": r.wave.value,
                    "distance_m": r.distance_m,
                    "created_at": now,
                    "chance": estimates.get(r.user_id, (None, None))[0],
                    "median_delay_s": estimates.get(r.user_id, (None, None))[1],
                    "seen_at": None,
                }
                for r in recipients
            ]
        )
        notified = _notified_question(question, tags)
        await self._event_log.deliver(
            uow,
            "new_question_notification",
            [Delivery(r.user_id, _notification_builder(notified, r)) for r in recipients],
        )
        NOTIFICATIONS.labels(wave.value, "socket").inc(len(recipients))
        await self._push(uow, wave, question, recipients, online)

    async def _push(
        self,
        uow: UnitOfWork,
        wave: Wave,
        question: Question,
        recipients: list[Recipient],
        online: set[str],
    ) -> None:
        """Push to who cannot see the socket event (offline), and to all of the first wave of
        an urgent question, with the seed's title."""
        urgent_first = question.urgency == "urgent" and wave is Wave.IMMEDIATE
        targets = [r for r in recipients if urgent_first or r.user_id not in online]
        if not targets:
            return
        await self._notifications.alert(
            uow,
            [r.user_id for r in targets],
            Alert(
                title=URGENT_PUSH_TITLE if urgent_first else NEARBY_PUSH_TITLE,
                body=question.title[:PUSH_BODY_CHARS],
                priority=targets[0].priority,
                data={"questionId": question.id, "wave": wave.value},
                channels=frozenset({PUSH}),
            ),
        )


def _notified_question(question: Question, tags: list[str]) -> NotifiedQuestion:
    return NotifiedQuestion(
        id=question.id,
        title=question.title,
        location=NotifiedLocation(lat=question.lat, lng=question.lng),
        region_code=question.region_code,
        hashtags=tags,
        urgency=question.urgency,
        created_at=question.created_at,
        language=question.language or "ko",
    )


def _notification_builder(
    question: NotifiedQuestion, recipient: Recipient
) -> Callable[[int], NewQuestionNotification]:
    def build(event_id: int) -> NewQuestionNotification:
        return NewQuestionNotification(
            event_id=event_id,
            question=question,
            priority=recipient.wave.value,
            distance_meters=recipient.distance_m,
            sound=recipient.sound,
            vibration=recipient.vibration,
        )

    return build
