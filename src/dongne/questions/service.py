"""Use cases of questions and answers: ask, open a room, answer, accept, read."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Protocol

import structlog

from dongne.eventlog.service import Delivery, EventLogService
from dongne.infra.cache.base import Cache, CachedModels
from dongne.infra.metrics import FIRST_ANSWER_SECONDS
from dongne.kit.clock import Clock
from dongne.kit.db import UnitOfWork
from dongne.kit.errors import DongneError, ErrorCode
from dongne.kit.events import Events
from dongne.kit.geo import bounding_box, haversine_m, round_distance_m
from dongne.kit.hashtags import normalize_hashtags
from dongne.kit.ids import new_id
from dongne.media.service import MediaService
from dongne.models.questions import Answer, Image, Question
from dongne.models.users import User
from dongne.moderation.policy import (
    PostHistory,
    SpamVerdict,
    normalize_post,
    score_post,
    spam_refusal,
    strip_html,
)
from dongne.moderation.service import SafetyService
from dongne.notifications.service import Message, NotificationsService
from dongne.points.service import AlreadyCredited, PointsService
from dongne.questions import policy
from dongne.questions.repository import (
    AnswerRepository,
    PostRepository,
    QuestionRepository,
    RoomRepository,
)
from dongne.questions.schemas import (
    HASHTAGS_MAX,
    AcceptAnswer,
    AnswerAccepted,
    AnswerAcceptedEvent,
    AnswerNotification,
    AnswerOut,
    AnswerPreview,
    CreateAnswer,
    CreateQuestion,
    ImageOut,
    JoinedRoom,
    Location,
    NearbyQuestion,
    NewAnswer,
    QuestionOut,
    QuestionStatus,
    QuestionWithAnswers,
    RoomUser,
    TrendingHashtag,
    TrendingHashtags,
    TrendingWindow,
    Urgency,
    UserBrief,
)
from dongne.questions.schemas import (
    Message as RoomMessage,
)
from dongne.regions.policy import RegionMap
from dongne.users.service import UsersService

QUESTION_NOT_FOUND = "질문을 찾을 수 없어요 (Question not found)"
ANSWER_NOT_FOUND = "답변을 찾을 수 없어요 (Answer not found)"
POINTS_REASON = "answer_accepted"
SPAM_WINDOW = timedelta(hours=1)
# The seed's TTLs: a question page is dropped on every change to it, so its TTL only
# bounds memory; trending tags are allowed to be this old.
QUESTION_TTL = timedelta(minutes=30)
TRENDING_TTL = timedelta(minutes=15)
TRENDING_WINDOWS = {TrendingWindow.HOUR: timedelta(hours=1), TrendingWindow.DAY: timedelta(days=1)}
TRENDING_SIZE = 20

log = structlog.get_logger("dongne.questions")


class FollowUpPlanner(Protocol):
    """Schedules what must follow a new question (its escalation waves), in its transaction."""

    async def plan(self, uow: UnitOfWork, question_id: str) -> None: ...


class QuestionsService:
    def __init__(
        self,
        *,
        clock: Clock,
        regions: RegionMap,
        events: Events,
        event_log: EventLogService,
        users: UsersService,
        media: MediaService,
        points: PointsService,
        notifications: NotificationsService,
        follow_ups: Sequence[FollowUpPlanner],
        safety: SafetyService,
        is_online: Callable[[str], bool],
        cache: Cache,
    ) -> None:
        self._clock = clock
        self._regions = regions
        self._events = events
        self._event_log = event_log
        self._users = users
        self._media = media
        self._points = points
        self._notifications = notifications
        self._follow_ups = follow_ups
        self._safety = safety
        self._is_online = is_online
        self._pages = CachedModels(cache, "question", QuestionWithAnswers, QUESTION_TTL)
        self._trending = CachedModels(cache, "trending", TrendingHashtags, TRENDING_TTL)

    async def ask(self, uow: UnitOfWork, asker_id: str, request: CreateQuestion) -> QuestionOut:
        title, content = strip_html(request.title), strip_html(request.content)
        if not title or not content:
            raise policy.invalid("제목과 내용을 입력해 주세요 (Title and content are required)")
        await self._screen_for_spam(uow, asker_id, f"{title} {content}")
        tags = normalize_hashtags(request.hashtags, at_most=HASHTAGS_MAX)
        region = policy.region_of(self._regions, request.location.lat, request.location.lng)
        now = self._clock.now()
        question = Question(
            id=new_id(now),
            asker_id=asker_id,
            title=title,
            content=content,
            lat=request.location.lat,
            lng=request.location.lng,
            region_code=region.code,
            urgency=request.urgency.value,
            status=QuestionStatus.OPEN.value,
            answer_count=0,
            created_at=now,
            updated_at=now,
        )
        await QuestionRepository(uow.session).add(question, tags, now)
        await self._media.attach(uow, request.image_ids, owner_id=asker_id, question_id=question.id)
        await RoomRepository(uow.session).add_member(question.id, asker_id, now)
        # In the same transaction: a question never exists without its escalation plan.
        for follow_up in self._follow_ups:
            await follow_up.plan(uow, question.id)
        [view] = await self._question_views(uow, [question])
        return view

    async def get(self, uow: UnitOfWork, question_id: str) -> Question:
        question = await QuestionRepository(uow.session).get(question_id)
        if question is None:
            raise DongneError(ErrorCode.NOT_FOUND, QUESTION_NOT_FOUND)
        return question

    async def hashtags_of(self, uow: UnitOfWork, question_id: str) -> list[str]:
        return (await QuestionRepository(uow.session).hashtags_of([question_id])).get(
            question_id, []
        )

    async def answer_timings(
        self, uow: UnitOfWork, since: datetime
    ) -> list[tuple[str, str, datetime, datetime | None]]:
        """(region, urgency, asked at, first answer at) of every question asked since."""
        return await QuestionRepository(uow.session).answer_timings(since)

    async def positions_between(
        self, uow: UnitOfWork, since: datetime, until: datetime
    ) -> list[tuple[float, float, str]]:
        """(lat, lng, region) of every question asked in [since, until): usual rates per area."""
        return await QuestionRepository(uow.session).positions_between(since, until)

    async def waiting_longest(
        self, uow: UnitOfWork, *, asked_before: datetime, limit: int
    ) -> list[Question]:
        return await QuestionRepository(uow.session).unanswered_since(asked_before, limit=limit)

    async def accepted_answerers_for(self, uow: UnitOfWork, tags: Sequence[str]) -> list[str]:
        return await QuestionRepository(uow.session).accepted_answerers_for(tags) if tags else []

    async def member_ids(self, uow: UnitOfWork, question_id: str) -> list[str]:
        await self.get(uow, question_id)
        return await RoomRepository(uow.session).member_ids(question_id)

    async def message_author(self, uow: UnitOfWork, question_id: str, message_id: str) -> str:
        """Who wrote a message of this room: the question itself or one of its answers."""
        if message_id == question_id:
            return (await self.get(uow, question_id)).asker_id
        answer = await AnswerRepository(uow.session).get(message_id)
        if answer is None or answer.question_id != question_id:
            raise DongneError(ErrorCode.NOT_FOUND, "메시지를 찾을 수 없어요 (Message not found)")
        return answer.author_id

    async def rooms_of(self, uow: UnitOfWork, user_id: str, *, since: datetime) -> list[str]:
        return await RoomRepository(uow.session).rooms_of(user_id, since=since)

    async def open_room(self, uow: UnitOfWork, user_id: str, question_id: str) -> JoinedRoom:
        """Makes the user a member of the question's room and returns its people and messages."""
        question = await self.get(uow, question_id)
        rooms = RoomRepository(uow.session)
        await rooms.add_member(question_id, user_id, self._clock.now())
        member_ids = await rooms.member_ids(question_id)
        members = await self._users.get_many(uow, member_ids)
        users = [
            RoomUser(
                **_brief(members[member_id]).model_dump(),
                online=self._is_online(member_id),
                is_asker=member_id == question.asker_id,
            )
            for member_id in member_ids
            if member_id in members
        ]
        # The page is no part of the membership just written: it may come from the cache.
        full = await self.with_answers(uow, question_id)
        messages = [
            RoomMessage(
                id=full.id,
                kind="question",
                question_id=full.id,
                content=full.content,
                user=full.user,
                created_at=full.created_at,
                images=full.images,
                accepted=False,
            )
        ] + [
            RoomMessage(
                kind="answer", **answer.model_dump(exclude={"question_id"}), question_id=full.id
            )
            for answer in full.answers
        ]
        return JoinedRoom(question_id=question_id, users=users, messages=messages)

    async def answer(self, uow: UnitOfWork, author_id: str, request: CreateAnswer) -> AnswerOut:
        question = await self.get(uow, request.question_id)
        policy.check_can_answer(
            QuestionStatus(question.status), asker_id=question.asker_id, author_id=author_id
        )
        self._pages.forget_after_commit(uow, question.id)
        content = strip_html(request.content)
        if not content:
            raise policy.invalid("답변 내용을 입력해 주세요 (The answer is empty)")
        await self._screen_for_spam(uow, author_id, content)
        now = self._clock.now()
        answer = Answer(
            id=new_id(now),
            question_id=question.id,
            author_id=author_id,
            content=content,
            created_at=now,
        )
        await AnswerRepository(uow.session).add(answer)
        if question.first_answer_at is None:
            FIRST_ANSWER_SECONDS.labels(question.region_code, question.urgency).observe(
                (now - question.created_at).total_seconds()
            )
        await QuestionRepository(uow.session).record_answer(question.id, now)
        images = await self._media.attach(
            uow, request.image_ids, owner_id=author_id, answer_id=answer.id
        )
        rooms = RoomRepository(uow.session)
        await rooms.add_member(question.id, author_id, now)
        author = await self._users.get(uow, author_id)
        view = self._answer_view(answer, author, images)
        others = [m for m in await rooms.member_ids(question.id) if m != author_id]
        # People who blocked the author do not hear from them, in the room or as the asker.
        blockers = await self._safety.blockers_among(uow, author_id, others)
        members = [m for m in others if m not in blockers]
        await self._event_log.deliver(
            uow,
            "new_answer",
            [
                Delivery(m, lambda event_id: NewAnswer(event_id=event_id, answer=view))
                for m in members
            ],
        )
        preview = AnswerPreview(
            id=answer.id,
            preview=policy.preview(answer.content),
            user=view.user,
            created_at=answer.created_at,
        )
        if question.asker_id in blockers:
            return view
        await self._event_log.deliver(
            uow,
            "answer_notification",
            [
                Delivery(
                    question.asker_id,
                    lambda event_id: AnswerNotification(
                        event_id=event_id, question_id=question.id, answer=preview
                    ),
                )
            ],
        )
        return view

    async def accept(self, uow: UnitOfWork, user_id: str, request: AcceptAnswer) -> AnswerAccepted:
        answer = await AnswerRepository(uow.session).get(request.answer_id)
        if answer is None:
            raise DongneError(ErrorCode.NOT_FOUND, ANSWER_NOT_FOUND)
        question = await self.get(uow, answer.question_id)
        policy.check_can_accept(
            asker_id=question.asker_id,
            user_id=user_id,
            accepted_answer_id=question.accepted_answer_id,
            status=QuestionStatus(question.status),
        )
        now = self._clock.now()
        if not await QuestionRepository(uow.session).mark_accepted(question.id, answer.id, now):
            raise policy.already_accepted()
        self._pages.forget_after_commit(uow, question.id)
        answer.accepted_at = now
        points = policy.points_for_accepted_answer(question.created_at, answer.created_at)
        try:
            await self._points.credit(
                uow,
                user_id=answer.author_id,
                amount=points,
                reason=POINTS_REASON,
                source_id=answer.id,
            )
        except AlreadyCredited as exc:
            raise policy.already_accepted() from exc
        accepted = AnswerAccepted(
            answer_id=answer.id, question_id=question.id, points_awarded=points
        )
        members = await RoomRepository(uow.session).member_ids(question.id)
        await self._event_log.deliver(
            uow,
            "answer_accepted",
            [
                Delivery(
                    m, lambda event_id: AnswerAcceptedEvent(event_id=event_id, **dict(accepted))
                )
                for m in members
            ],
        )
        await self._notifications.notify(
            uow,
            answer.author_id,
            Message(
                type="answer_accepted",
                title="답변이 채택되었어요! 🎉",
                message=f"'{question.title[:40]}' 질문에서 채택되어 {points}포인트를 받았어요.",
                data={"questionId": question.id, "answerId": answer.id, "points": points},
            ),
        )
        return accepted

    async def with_answers(self, uow: UnitOfWork, question_id: str) -> QuestionWithAnswers:
        """The question's page, from the cache (dropped whenever the question changes).

        People's names and badges come from their own cached sessions, so a renamed or
        newly verified author shows at once on every page.
        """

        loaded = False

        async def load() -> QuestionWithAnswers:
            nonlocal loaded
            loaded = True
            return await self._with_answers(uow, await self.get(uow, question_id))

        page = await self._pages.get(question_id, load)
        if loaded:
            # Its names were read with it. Looking them up now could even store old ones:
            # a SQLite read transaction keeps seeing the database as of its first read.
            return page
        people = await self._users.profiles(
            uow, [page.user.id, *(answer.user.id for answer in page.answers)]
        )

        def current(brief: UserBrief) -> UserBrief:
            person = people.get(brief.id)
            if person is None:
                return brief
            return UserBrief(
                id=person.id, nickname=person.nickname, is_local_verified=person.is_local_verified
            )

        return page.model_copy(
            update={
                "user": current(page.user),
                "answers": [a.model_copy(update={"user": current(a.user)}) for a in page.answers],
            }
        )

    async def trending(
        self, uow: UnitOfWork, window: TrendingWindow, region_code: str | None
    ) -> TrendingHashtags:
        """The most used hashtags of the questions asked in the window; up to 15 min old."""
        if region_code is not None and self._regions.get(region_code) is None:
            raise policy.invalid("알 수 없는 지역이에요 (Unknown region)")

        async def load() -> TrendingHashtags:
            now = self._clock.now()
            counts = await QuestionRepository(uow.session).tag_counts(
                since=now - TRENDING_WINDOWS[window], region_code=region_code, limit=TRENDING_SIZE
            )
            return TrendingHashtags(
                window=window,
                region_code=region_code,
                generated_at=now,
                hashtags=[TrendingHashtag(tag=tag, count=count) for tag, count in counts],
            )

        return await self._trending.get(f"{window.value}:{region_code or '*'}", load)

    async def nearby(
        self,
        uow: UnitOfWork,
        *,
        lat: float,
        lng: float,
        radius_m: float,
        since: datetime | None,
        limit: int,
    ) -> list[NearbyQuestion]:
        """Questions within the radius, nearest first, with distances rounded to 100 m."""
        since = since or self._clock.now() - timedelta(hours=24)
        # The box pre-filter runs in SQL; exact distances need the haversine afterwards.
        candidates = await QuestionRepository(uow.session).in_box(
            bounding_box(lat, lng, radius_m), since=since, limit=limit * 20
        )
        measured = sorted((haversine_m(lat, lng, q.lat, q.lng), q.id, q) for q in candidates)
        within = [(distance, q) for distance, _, q in measured if distance <= radius_m][:limit]
        views = await self._question_views(uow, [q for _, q in within])
        return [
            NearbyQuestion(**view.model_dump(), distance=round_distance_m(distance))
            for view, (distance, _) in zip(views, within, strict=True)
        ]

    async def _screen_for_spam(self, uow: UnitOfWork, user_id: str, text: str) -> None:
        """Scores the post against the author's last hour; refuses spam, logs every decision."""
        now = self._clock.now()
        recent = await PostRepository(uow.session).recent_texts(user_id, now - SPAM_WINDOW)
        author = await self._users.get(uow, user_id)
        history = PostHistory(
            recent_texts=tuple(normalize_post(t) for t, _ in recent),
            posts_last_minute=sum(1 for _, at in recent if now - at <= timedelta(minutes=1)),
            posts_last_hour=len(recent),
            account_age_s=(now - author.created_at).total_seconds(),
        )
        decision = score_post(text, history)
        log.info("spam_decision", user_id=user_id, **decision.log_fields())
        if decision.verdict is SpamVerdict.REFUSE:
            raise spam_refusal()
        if decision.verdict is SpamVerdict.REVIEW:
            log.warning("spam_review", user_id=user_id, **decision.log_fields())

    async def _with_answers(self, uow: UnitOfWork, question: Question) -> QuestionWithAnswers:
        [view] = await self._question_views(uow, [question])
        answers = await AnswerRepository(uow.session).of_question(question.id)
        authors = await self._users.get_many(uow, [a.author_id for a in answers])
        images = await self._media.images_of_answers(uow, [a.id for a in answers])
        return QuestionWithAnswers(
            **view.model_dump(),
            answers=[
                self._answer_view(a, authors[a.author_id], images.get(a.id, [])) for a in answers
            ],
        )

    async def _question_views(
        self, uow: UnitOfWork, questions: Sequence[Question]
    ) -> list[QuestionOut]:
        ids = [q.id for q in questions]
        tags = await QuestionRepository(uow.session).hashtags_of(ids)
        askers = await self._users.get_many(uow, [q.asker_id for q in questions])
        images = await self._media.images_of_questions(uow, ids)
        return [
            QuestionOut(
                id=q.id,
                title=q.title,
                content=q.content,
                location=Location(lat=q.lat, lng=q.lng),
                region_code=q.region_code,
                hashtags=tags.get(q.id, []),
                urgency=Urgency(q.urgency),
                status=QuestionStatus(q.status),
                answer_count=q.answer_count,
                accepted_answer_id=q.accepted_answer_id,
                first_answer_at=q.first_answer_at,
                created_at=q.created_at,
                user=_brief(askers[q.asker_id]),
                images=[self._image_view(i) for i in images.get(q.id, [])],
            )
            for q in questions
        ]

    def _answer_view(self, answer: Answer, author: User, images: Sequence[Image]) -> AnswerOut:
        return AnswerOut(
            id=answer.id,
            question_id=answer.question_id,
            content=answer.content,
            user=_brief(author),
            created_at=answer.created_at,
            images=[self._image_view(i) for i in images],
            accepted=answer.accepted_at is not None,
        )

    def _image_view(self, image: Image) -> ImageOut:
        return ImageOut(
            id=image.id, url=self._media.url_for(image), width=image.width, height=image.height
        )


def _brief(user: User) -> UserBrief:
    return UserBrief(id=user.id, nickname=user.nickname, is_local_verified=user.is_local_verified)
