"""The asker's follow-ups: clarifications and thanks in their own room. They are messages,
not answers: never accepted, never a first answer, never worth points, and allowed in any
state of the question (a thank-you comes after the accept). Every other member of the room
receives them live and durably (`new_follow_up`, in the event log for the sync)."""

from __future__ import annotations

from dongne.conversation.repository import FollowUpRepository
from dongne.conversation.rooms import RoomsService
from dongne.conversation.schemas import FollowUpPosted, NewFollowUp, PostFollowUp
from dongne.eventlog.service import Delivery, EventLogService
from dongne.kit.clock import Clock
from dongne.kit.db import UnitOfWork
from dongne.kit.errors import DongneError, ErrorCode
from dongne.kit.ids import new_id
from dongne.kit.messages import MessageKey, text
from dongne.models.conversation import FollowUp
from dongne.models.users import User
from dongne.moderation.policy import strip_html
from dongne.questions.schemas import Message
from dongne.questions.views import QuestionViews, brief
from dongne.users.schemas import Person
from dongne.users.service import UsersService

ONLY_THE_ASKER = text(MessageKey.ONLY_ASKER_FOLLOWS_UP)
EMPTY = text(MessageKey.MESSAGE_EMPTY)


def as_message(row: FollowUp, author: User | Person) -> Message:
    """A follow-up as a message of its room: no images, never accepted."""
    return Message(
        id=row.id,
        kind="follow_up",
        question_id=row.question_id,
        content=row.content,
        user=brief(author),
        created_at=row.created_at,
        images=[],
        accepted=False,
    )


class FollowUpService:
    def __init__(
        self,
        *,
        clock: Clock,
        views: QuestionViews,
        rooms: RoomsService,
        users: UsersService,
        event_log: EventLogService,
    ) -> None:
        self._clock = clock
        self._views = views
        self._rooms = rooms
        self._users = users
        self._event_log = event_log

    async def post(self, uow: UnitOfWork, user_id: str, request: PostFollowUp) -> FollowUpPosted:
        question = await self._views.get(uow, request.question_id)
        if question.asker_id != user_id:
            raise DongneError(ErrorCode.FORBIDDEN, ONLY_THE_ASKER)
        content = strip_html(request.content)
        if not content:
            raise DongneError(ErrorCode.INVALID, EMPTY)
        now = self._clock.now()
        row = FollowUp(
            id=new_id(now),
            question_id=question.id,
            author_id=user_id,
            content=content,
            created_at=now,
        )
        await FollowUpRepository(uow.session).add(row)
        await self._rooms.add_member(uow, question.id, user_id, now)
        message = as_message(row, await self._users.get(uow, user_id))
        others = [m for m in await self._rooms.member_ids(uow, question.id) if m != user_id]
        await self._event_log.deliver(
            uow,
            "new_follow_up",
            [
                Delivery(m, lambda event_id: NewFollowUp(event_id=event_id, message=message))
                for m in others
            ],
        )
        return FollowUpPosted(message=message)

    async def messages(self, uow: UnitOfWork, question_id: str) -> list[Message]:
        """The room's follow-ups, oldest first, as room messages."""
        rows = await FollowUpRepository(uow.session).of_question(question_id)
        if not rows:
            return []
        authors = await self._users.people(uow, [r.author_id for r in rows])
        return [as_message(r, authors[r.author_id]) for r in rows if r.author_id in authors]

    async def author_of(self, uow: UnitOfWork, question_id: str, message_id: str) -> str | None:
        """The follow-up's author, or None when `message_id` is no follow-up of this room."""
        row = await FollowUpRepository(uow.session).get(message_id)
        return row.author_id if row is not None and row.question_id == question_id else None
