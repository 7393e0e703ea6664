"""Membership of question rooms: who is in a question's conversation, and opening one."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from dongne.conversation.repository import RoomRepository
from dongne.kit.clock import Clock
from dongne.kit.db import UnitOfWork
from dongne.questions.schemas import JoinedRoom, RoomUser
from dongne.questions.schemas import Message as RoomMessage
from dongne.questions.views import QuestionViews, brief
from dongne.users.service import UsersService


class RoomsService:
    def __init__(
        self,
        *,
        clock: Clock,
        views: QuestionViews,
        users: UsersService,
        is_online: Callable[[str], bool],
    ) -> None:
        self._clock = clock
        self._views = views
        self._users = users
        self._is_online = is_online

    async def add_member(
        self, uow: UnitOfWork, question_id: str, user_id: str, now: datetime
    ) -> None:
        await RoomRepository(uow.session).add_member(question_id, user_id, now)

    async def leave(self, uow: UnitOfWork, question_id: str, user_id: str) -> None:
        """Leaving ends the membership: `new_answer` and `answer_accepted` stop. Joining
        again (`open_room`) makes them a member once more, and its reply lists every
        answer and the accepted one, those missed meanwhile included. The asker stays a
        member of their own question: its answers are what they asked for."""
        # Leaving a deleted question's room is allowed: its page tells people so.
        question = await self._views.get_even_deleted(uow, question_id)
        if question.asker_id != user_id:
            await RoomRepository(uow.session).remove_member(question_id, user_id)

    async def member_ids(self, uow: UnitOfWork, question_id: str) -> list[str]:
        await self._views.get(uow, question_id)
        return await RoomRepository(uow.session).member_ids(question_id)

    async def rooms_of(self, uow: UnitOfWork, user_id: str, *, since: datetime) -> list[str]:
        return await RoomRepository(uow.session).rooms_of(user_id, since=since)

    async def open_room(self, uow: UnitOfWork, user_id: str, question_id: str) -> JoinedRoom:
        """Makes the user a member of the question's room and returns its people and messages."""
        question = await self._views.get(uow, question_id)
        rooms = RoomRepository(uow.session)
        await rooms.add_member(question_id, user_id, self._clock.now())
        member_ids = await rooms.member_ids(question_id)
        members = await self._users.people(uow, member_ids)
        users = [
            RoomUser(
                **brief(members[member_id]).model_dump(),
                online=self._is_online(member_id),
                is_asker=member_id == question.asker_id,
            )
            for member_id in member_ids
            if member_id in members
        ]
        # The page is no part of the membership just written: it may come from the cache.
        full = await self._views.with_answers(uow, question_id)
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
