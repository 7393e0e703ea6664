"""Asking a question: screened, stored with its tags and images, its room opened for the
asker and its follow-ups (escalation) planned, all in the caller's transaction."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from dongne.conversation.rooms import RoomsService
from dongne.kit.clock import Clock
from dongne.kit.db import UnitOfWork
from dongne.kit.hashtags import normalize_hashtags
from dongne.kit.ids import new_id
from dongne.kit.messages import MessageKey, text
from dongne.media.service import MediaService
from dongne.models.questions import Question
from dongne.moderation.policy import strip_html
from dongne.questions import policy
from dongne.questions.language import detect_language
from dongne.questions.repository import QuestionRepository
from dongne.questions.schemas import HASHTAGS_MAX, CreateQuestion, QuestionOut, QuestionStatus
from dongne.questions.screening import SpamScreen
from dongne.questions.views import QuestionViews
from dongne.regions.policy import RegionMap
from dongne.users.service import UsersService


class FollowUpPlanner(Protocol):
    """Schedules what must follow a new question (its escalation waves), in its transaction."""

    async def plan(self, uow: UnitOfWork, question_id: str) -> None: ...


class Asking:
    def __init__(
        self,
        *,
        clock: Clock,
        regions: RegionMap,
        views: QuestionViews,
        rooms: RoomsService,
        users: UsersService,
        media: MediaService,
        screen: SpamScreen,
        follow_ups: Sequence[FollowUpPlanner],
    ) -> None:
        self._clock = clock
        self._regions = regions
        self._views = views
        self._rooms = rooms
        self._users = users
        self._media = media
        self._screen = screen
        self._follow_ups = follow_ups

    async def ask(self, uow: UnitOfWork, asker_id: str, request: CreateQuestion) -> QuestionOut:
        title, content = strip_html(request.title), strip_html(request.content)
        if not title or not content:
            raise policy.invalid(text(MessageKey.TITLE_AND_CONTENT_REQUIRED))
        # The cached session: the screen needs the account's age, the view its name and badge.
        asker = await self._users.profile(uow, asker_id)
        await self._screen.check(uow, asker, f"{title} {content}")
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
            language=detect_language(f"{title} {content}"),
            status=QuestionStatus.OPEN.value,
            answer_count=0,
            created_at=now,
            updated_at=now,
        )
        await QuestionRepository(uow.session).add(question, tags, now)
        self._views.remember(uow, question)
        images = await self._media.attach(
            uow, request.image_ids, owner_id=asker_id, question_id=question.id
        )
        await self._rooms.add_member(uow, question.id, asker_id, now)
        # In the same transaction: a question never exists without its escalation plan.
        for follow_up in self._follow_ups:
            await follow_up.plan(uow, question.id)
        # Everything the view shows is in hand: no reading back what was just written.
        return self._views.question_view(question, tags, asker, images)
