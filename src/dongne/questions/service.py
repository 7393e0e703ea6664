"""The questions domain as transports and other domains use it.

Each use case lives in its own module, in the style of Zulip's actions: `ask`, `answer`,
`accept`, and the reads in `views`. This class wires them together; room membership
belongs to the conversation domain (`conversation.rooms`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from dongne.conversation.rooms import RoomsService
from dongne.eventlog.service import EventLogService
from dongne.infra.cache.base import Cache
from dongne.kit.clock import Clock
from dongne.kit.db import UnitOfWork
from dongne.media.service import MediaService
from dongne.moderation.service import SafetyService
from dongne.notifications.service import NotificationsService
from dongne.points.service import PointsService
from dongne.questions.accept import Accepting
from dongne.questions.answer import Answering
from dongne.questions.ask import Asking, FollowUpPlanner
from dongne.questions.nearby_index import NearbyIndex
from dongne.questions.schemas import (
    AcceptAnswer,
    AnswerAccepted,
    AnswerOut,
    CreateAnswer,
    CreateQuestion,
    QuestionOut,
)
from dongne.questions.screening import SpamScreen
from dongne.questions.views import QuestionViews
from dongne.regions.policy import RegionMap
from dongne.users.service import UsersService

__all__ = ["FollowUpPlanner", "QuestionsService"]


class QuestionsService(QuestionViews):
    """Every read of `QuestionViews`, plus the actions that change questions."""

    def __init__(
        self,
        *,
        clock: Clock,
        regions: RegionMap,
        event_log: EventLogService,
        users: UsersService,
        media: MediaService,
        points: PointsService,
        notifications: NotificationsService,
        follow_ups: Sequence[FollowUpPlanner],
        safety: SafetyService,
        is_online: Callable[[str], bool],
        cache: Cache,
        nearby_index: NearbyIndex | None = None,
    ) -> None:
        super().__init__(
            clock=clock,
            regions=regions,
            users=users,
            media=media,
            cache=cache,
            nearby_index=nearby_index,
        )
        self.rooms = RoomsService(clock=clock, views=self, users=users, is_online=is_online)
        screen = SpamScreen(clock)
        self._asking = Asking(
            clock=clock,
            regions=regions,
            views=self,
            rooms=self.rooms,
            users=users,
            media=media,
            screen=screen,
            follow_ups=follow_ups,
        )
        self._answering = Answering(
            clock=clock,
            views=self,
            rooms=self.rooms,
            event_log=event_log,
            users=users,
            media=media,
            safety=safety,
            screen=screen,
            notifications=notifications,
        )
        self._accepting = Accepting(
            clock=clock,
            views=self,
            rooms=self.rooms,
            event_log=event_log,
            points=points,
            notifications=notifications,
        )

    async def ask(self, uow: UnitOfWork, asker_id: str, request: CreateQuestion) -> QuestionOut:
        return await self._asking.ask(uow, asker_id, request)

    async def answer(self, uow: UnitOfWork, author_id: str, request: CreateAnswer) -> AnswerOut:
        return await self._answering.answer(uow, author_id, request)

    async def accept(self, uow: UnitOfWork, user_id: str, request: AcceptAnswer) -> AnswerAccepted:
        return await self._accepting.accept(uow, user_id, request)
