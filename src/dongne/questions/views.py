"""Reading questions: one question, its page with answers, nearby questions, trending tags,
and the figures other domains read (timings, positions, who answers a tag well)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from dongne.infra.cache.base import Cache, CachedModels
from dongne.kit.clock import Clock
from dongne.kit.db import UnitOfWork
from dongne.kit.errors import DongneError, ErrorCode
from dongne.kit.geo import bounding_box, haversine_m, round_distance_m
from dongne.kit.messages import MessageKey, text
from dongne.media.service import MediaService
from dongne.models.questions import Answer, Image, Question
from dongne.models.users import User
from dongne.questions import policy
from dongne.questions.nearby_index import NearbyIndex, Placed
from dongne.questions.repository import AnswerRepository, QuestionRepository
from dongne.questions.schemas import (
    AnswerOut,
    ImageOut,
    Location,
    NearbyQuestion,
    QuestionOut,
    QuestionStatus,
    QuestionWithAnswers,
    TrendingHashtag,
    TrendingHashtags,
    TrendingWindow,
    Urgency,
    UserBrief,
)
from dongne.regions.policy import RegionMap
from dongne.users.schemas import Person, UserOut
from dongne.users.service import UsersService

QUESTION_NOT_FOUND = text(MessageKey.QUESTION_NOT_FOUND)
QUESTION_DELETED = text(MessageKey.QUESTION_DELETED)
# The seed's TTLs: a question page is dropped on every change to it, so its TTL only
# bounds memory; trending tags are allowed to be this old.
QUESTION_TTL = timedelta(minutes=30)
TRENDING_TTL = timedelta(minutes=15)
TRENDING_WINDOWS = {TrendingWindow.HOUR: timedelta(hours=1), TrendingWindow.DAY: timedelta(days=1)}
TRENDING_SIZE = 20
NEARBY_DEFAULT_SINCE = timedelta(hours=24)
# How often the nearby index drops what has aged past its horizon.
NEARBY_INDEX_SWEEP = timedelta(minutes=1)


class QuestionViews:
    def __init__(
        self,
        *,
        clock: Clock,
        regions: RegionMap,
        users: UsersService,
        media: MediaService,
        cache: Cache,
        nearby_index: NearbyIndex | None = None,
    ) -> None:
        self._clock = clock
        self._index = nearby_index
        self._index_swept = clock.now()
        self._regions = regions
        self._users = users
        self._media = media
        self._pages = CachedModels(cache, "question", QuestionWithAnswers, QUESTION_TTL)
        self._trending = CachedModels(cache, "trending", TrendingHashtags, TRENDING_TTL)

    async def get(self, uow: UnitOfWork, question_id: str) -> Question:
        """The question; a deleted one is refused (`deleted`, HTTP 410) like a missing one,
        so its page, its room, answers and every other action on it stop at once."""
        question = await self.get_even_deleted(uow, question_id)
        if question.deleted_at is not None:
            raise DongneError(ErrorCode.DELETED, QUESTION_DELETED)
        return question

    async def get_even_deleted(self, uow: UnitOfWork, question_id: str) -> Question:
        """The question as stored, deleted or not: for routing and checks that must see a
        deleted question settle rather than fail."""
        question = await QuestionRepository(uow.session).get(question_id)
        if question is None:
            raise DongneError(ErrorCode.NOT_FOUND, QUESTION_NOT_FOUND)
        uow.keep(question)
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

    async def message_author(self, uow: UnitOfWork, question_id: str, message_id: str) -> str:
        """Who wrote a message of this room: the question itself or one of its answers."""
        if message_id == question_id:
            return (await self.get(uow, question_id)).asker_id
        answer = await AnswerRepository(uow.session).get(message_id)
        if answer is None or answer.question_id != question_id:
            raise DongneError(ErrorCode.NOT_FOUND, text(MessageKey.MESSAGE_NOT_FOUND))
        return answer.author_id

    def forget_page_after_commit(self, uow: UnitOfWork, question_id: str) -> None:
        """The question changes in this transaction: its cached page goes once it commits."""
        self._pages.forget_after_commit(uow, question_id)

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
            raise policy.invalid(text(MessageKey.UNKNOWN_REGION))

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
        since = since or self._clock.now() - NEARBY_DEFAULT_SINCE
        box = bounding_box(lat, lng, radius_m)
        placed = await self._indexed(uow, box, since=since, limit=limit * 20)
        if placed is None:
            # The box pre-filter runs in SQL; exact distances need the haversine afterwards.
            placed = [
                Placed(q.id, q.lat, q.lng, q.created_at)
                for q in await QuestionRepository(uow.session).in_box(
                    box, since=since, limit=limit * 20
                )
            ]
        measured = sorted((haversine_m(lat, lng, p.lat, p.lng), p.id) for p in placed)
        nearest = [(distance, id_) for distance, id_ in measured if distance <= radius_m][:limit]
        loaded = await QuestionRepository(uow.session).get_many([id_ for _, id_ in nearest])
        # A question deleted since the index saw it is simply not there any more.
        within = [(distance, loaded[id_]) for distance, id_ in nearest if id_ in loaded]
        views = await self.question_views(uow, [q for _, q in within])
        return [
            NearbyQuestion(**view.model_dump(), distance=round_distance_m(distance))
            for view, (distance, _) in zip(views, within, strict=True)
        ]

    def remember(self, uow: UnitOfWork, question: Question) -> None:
        """A question asked in this transaction joins the nearby index once it commits."""
        index = self._index
        if index is None:
            return
        placed = Placed(question.id, question.lat, question.lng, question.created_at)
        uow.on_end(lambda committed: index.add(placed) if committed else None)

    async def _indexed(
        self,
        uow: UnitOfWork,
        box: tuple[float, float, float, float],
        *,
        since: datetime,
        limit: int,
    ) -> list[Placed] | None:
        """The box query from the in-memory index, or None where it cannot answer (no index,
        or `since` before what it holds)."""
        index = self._index
        if index is None:
            return None
        now = self._clock.now()
        if not index.loaded:
            start = now - NEARBY_DEFAULT_SINCE
            rows = await QuestionRepository(uow.session).positions_since(start)
            index.load([Placed(*row) for row in rows], start)
        elif now - self._index_swept >= NEARBY_INDEX_SWEEP:
            self._index_swept = now
            index.forget_before(now - NEARBY_DEFAULT_SINCE)
        if not index.covers(since):
            return None
        return index.in_box(box, since=since, limit=limit)

    async def _with_answers(self, uow: UnitOfWork, question: Question) -> QuestionWithAnswers:
        [view] = await self.question_views(uow, [question])
        answers = await AnswerRepository(uow.session).of_question(question.id)
        authors = await self._users.people(uow, [a.author_id for a in answers])
        images = await self._media.images_of_answers(uow, [a.id for a in answers])
        return QuestionWithAnswers(
            **view.model_dump(),
            answers=[
                self.answer_view(a, authors[a.author_id], images.get(a.id, [])) for a in answers
            ],
        )

    async def question_views(
        self, uow: UnitOfWork, questions: Sequence[Question]
    ) -> list[QuestionOut]:
        ids = [q.id for q in questions]
        tags = await QuestionRepository(uow.session).hashtags_of(ids)
        askers = await self._users.people(uow, [q.asker_id for q in questions])
        images = await self._media.images_of_questions(uow, ids)
        return [
            self.question_view(q, tags.get(q.id, []), askers[q.asker_id], images.get(q.id, []))
            for q in questions
        ]

    def question_view(
        self,
        q: Question,
        tags: Sequence[str],
        asker: User | Person | UserOut,
        images: Sequence[Image],
    ) -> QuestionOut:
        return QuestionOut(
            id=q.id,
            title=q.title,
            content=q.content,
            location=Location(lat=q.lat, lng=q.lng),
            region_code=q.region_code,
            hashtags=sorted(tags),
            urgency=Urgency(q.urgency),
            language=q.language or "ko",
            status=QuestionStatus(q.status),
            answer_count=q.answer_count,
            accepted_answer_id=q.accepted_answer_id,
            first_answer_at=q.first_answer_at,
            created_at=q.created_at,
            user=brief(asker),
            images=[self._image_view(i) for i in images],
        )

    def answer_view(
        self, answer: Answer, author: User | Person | UserOut, images: Sequence[Image]
    ) -> AnswerOut:
        hidden = answer.hidden_at is not None
        return AnswerOut(
            id=answer.id,
            question_id=answer.question_id,
            content="" if hidden else answer.content,
            user=brief(author),
            created_at=answer.created_at,
            images=[] if hidden else [self._image_view(i) for i in images],
            accepted=answer.accepted_at is not None,
            hidden=hidden,
        )

    def _image_view(self, image: Image) -> ImageOut:
        return ImageOut(
            id=image.id, url=self._media.url_for(image), width=image.width, height=image.height
        )


def brief(user: User | Person | UserOut) -> UserBrief:
    return UserBrief(id=user.id, nickname=user.nickname, is_local_verified=user.is_local_verified)
