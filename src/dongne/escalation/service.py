"""Escalation: plans a question's waves when it is asked, and runs each wave when due.

A wave finds candidates (online locals near the question, experts for its tags, or every
verified local), lets the pure policy decide who is notified, records them (a second
notification of the same user for the same question violates a primary key), and sends
each a durable `new_question_notification` with its `eventId`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta

import structlog

from dongne.escalation.policy import (
    DEFAULT_PLAN,
    Candidate,
    QuestionFacts,
    QuietHours,
    Recipient,
    RecipientSettings,
    Wave,
    WavePlan,
    plan_for,
    select_recipients,
    seoul_local_time,
    wave_should_run,
)
from dongne.escalation.repository import NotifiedRepository
from dongne.escalation.schemas import NewQuestionNotification, NotifiedLocation, NotifiedQuestion
from dongne.eventlog.service import Delivery, EventLogService
from dongne.infra.metrics import NOTIFICATIONS
from dongne.infra.presence.base import PresenceIndex
from dongne.jobs.service import JobQueue
from dongne.kit.clock import Clock
from dongne.kit.db import UnitOfWork
from dongne.kit.geo import haversine_m
from dongne.kit.messages import MessageKey, text
from dongne.models.questions import Question
from dongne.moderation.service import SafetyService
from dongne.notifications.service import Alert, NotificationsService
from dongne.questions.service import QuestionsService
from dongne.settings.schemas import SettingsOut
from dongne.settings.service import SettingsService
from dongne.users.service import UsersService

log = structlog.get_logger("dongne.escalation")

WAVE_JOB = "escalation.wave"
URGENT_PUSH_TITLE = text(MessageKey.PUSH_URGENT_TITLE)
NEARBY_PUSH_TITLE = text(MessageKey.PUSH_NEARBY_TITLE)
PUSH_BODY_CHARS = 50
FATIGUE_WINDOW = timedelta(hours=1)
# Proximity waves ask the index for more than they keep: some candidates are filtered out.
CANDIDATE_HEADROOM = 5


class EscalationPlanner:
    def __init__(self, jobs: JobQueue, plan: tuple[WavePlan, ...] = DEFAULT_PLAN) -> None:
        self._jobs = jobs
        self._plan = plan

    async def plan(self, uow: UnitOfWork, question_id: str) -> None:
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

    async def run_wave(self, uow: UnitOfWork, question_id: str, wave: Wave) -> WaveOutcome:
        question = await self._questions.get(uow, question_id)
        tags = await self._questions.hashtags_of(uow, question_id)
        facts = QuestionFacts(
            id=question.id,
            asker_id=question.asker_id,
            hashtags=frozenset(tags),
            urgent=question.urgency == "urgent",
            answer_count=question.answer_count,
            accepted=question.accepted_answer_id is not None
            or question.archive_answer_id is not None,
        )
        plan = plan_for(wave)
        if not wave_should_run(plan, facts):
            log.info("wave_skipped", question_id=question_id, wave=wave.value)
            return WaveOutcome(wave, ran=False, recipients=[])
        candidates = await self._candidates(uow, plan, question, facts)
        now = self._clock.now()
        recipients = select_recipients(
            plan,
            facts,
            candidates,
            local_time=seoul_local_time(now),
            fatigue_cap=self._fatigue_cap,
        )
        await NotifiedRepository(uow.session).add_all(
            [
                {
                    "question_id": question.id,
                    "user_id": r.user_id,
                    "wave": wave.value,
                    "distance_m": r.distance_m,
                    "created_at": now,
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
        await self._push(uow, wave, question, recipients, candidates)
        log.info(
            "wave_sent",
            question_id=question_id,
            wave=wave.value,
            candidates=len(candidates),
            recipients=len(recipients),
        )
        return WaveOutcome(wave, ran=True, recipients=recipients)

    async def _push(
        self,
        uow: UnitOfWork,
        wave: Wave,
        question: Question,
        recipients: list[Recipient],
        candidates: list[Candidate],
    ) -> None:
        """Push to who cannot see the socket event (offline), and to all of the first wave of
        an urgent question, with the seed's title."""
        online = {c.user_id for c in candidates if c.online}
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
                channels=frozenset({"push"}),
            ),
        )

    async def _candidates(
        self, uow: UnitOfWork, plan: WavePlan, question: Question, facts: QuestionFacts
    ) -> list[Candidate]:
        if plan.radius_m is not None:
            limit = None if plan.limit is None else plan.limit * CANDIDATE_HEADROOM
            nearby = await self._presence.nearest(
                question.lat, question.lng, plan.radius_m, limit=limit, locals_only=True
            )
            user_ids = [n.user_id for n in nearby]
            if plan.region_followers:
                user_ids += await self._verified(
                    uow, await self._settings.followers_of(uow, question.region_code)
                )
        elif plan.experts_only:
            tags = sorted(facts.hashtags)
            experts = set(await self._questions.accepted_answerers_for(uow, tags))
            experts |= set(await self._settings.users_interested_in(uow, tags))
            user_ids = await self._verified(uow, experts)
        else:
            user_ids = await self._users.verified_local_ids(uow)
        return await self._describe(
            uow, plan, question, list(dict.fromkeys(user_ids)), facts.hashtags
        )

    async def _verified(self, uow: UnitOfWork, user_ids: Iterable[str]) -> list[str]:
        users = await self._users.get_many(uow, user_ids)
        return sorted(uid for uid, user in users.items() if user.is_local_verified)

    async def _describe(
        self,
        uow: UnitOfWork,
        plan: WavePlan,
        question: Question,
        user_ids: list[str],
        tags: frozenset[str],
    ) -> list[Candidate]:
        """Everything the policy needs to know about each candidate, in a few batched reads."""
        # Whoever blocked the asker never sees their questions.
        blockers = await self._safety.blockers_among(uow, question.asker_id, user_ids)
        user_ids = [u for u in user_ids if u not in blockers]
        if not user_ids:
            return []
        settings = await self._settings.get_many(uow, user_ids)
        notifications = NotifiedRepository(uow.session)
        already = await notifications.notified_of(question.id)
        recent = await notifications.counts_since(user_ids, self._clock.now() - FATIGUE_WINDOW)
        # Expertise only decides the expert wave; the others need not pay for its queries.
        experts = (
            await self._expert_tags(uow, user_ids, tags, settings) if plan.experts_only else {}
        )
        candidates = []
        for user_id in user_ids:
            position = await self._presence.position(user_id)
            distance = (
                haversine_m(question.lat, question.lng, *position) if position is not None else None
            )
            candidates.append(
                Candidate(
                    user_id=user_id,
                    distance_m=distance,
                    online=position is not None,
                    settings=_recipient_settings(settings[user_id]),
                    expert_tags=experts.get(user_id, frozenset()),
                    recent_notifications=recent.get(user_id, 0),
                    already_notified=user_id in already,
                    follows_region=question.region_code in settings[user_id].followed_regions,
                )
            )
        return candidates

    async def _expert_tags(
        self,
        uow: UnitOfWork,
        user_ids: Iterable[str],
        tags: frozenset[str],
        settings: dict[str, SettingsOut],
    ) -> dict[str, frozenset[str]]:
        wanted = set(user_ids)
        expertise: dict[str, set[str]] = {}
        for tag in sorted(tags):
            for user_id in await self._questions.accepted_answerers_for(uow, [tag]):
                if user_id in wanted:
                    expertise.setdefault(user_id, set()).add(tag)
        for user_id in wanted:
            declared = tags & set(settings[user_id].interests)
            if declared:
                expertise.setdefault(user_id, set()).update(declared)
        return {user_id: frozenset(found) for user_id, found in expertise.items()}


def _recipient_settings(settings: SettingsOut) -> RecipientSettings:
    quiet = settings.quiet_hours
    return RecipientSettings(
        immediate_alerts=settings.immediate_alerts,
        quiet_hours=QuietHours.parse(quiet.start, quiet.end) if quiet else None,
        radius_m=settings.radius_meters,
        muted_hashtags=frozenset(settings.muted_hashtags),
        interests=frozenset(settings.interests),
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
