"""Read receipts of question rooms (durable) and who is in them now (ephemeral)."""

from __future__ import annotations

from dongne.conversation import policy
from dongne.conversation.repository import ReadMarkerRepository
from dongne.conversation.rooms import RoomsService
from dongne.conversation.schemas import (
    MessageMarkRequest,
    MessageState,
    MessageStatus,
    RoomMessage,
    RoomView,
)
from dongne.kit.db import UnitOfWork
from dongne.kit.errors import DongneError, ErrorCode
from dongne.kit.events import Events
from dongne.kit.rooms import question_room
from dongne.questions.views import QuestionViews

NOT_A_MEMBER = "이 질문방의 참여자가 아니에요 (You are not in this question's room)"


class ReadStateService:
    def __init__(self, rooms: RoomsService, questions: QuestionViews, events: Events) -> None:
        self._rooms = rooms
        self._questions = questions
        self._events = events

    async def open_room(self, uow: UnitOfWork, user_id: str, question_id: str) -> RoomView:
        room = await self._rooms.open_room(uow, user_id, question_id)
        markers = await ReadMarkerRepository(uow.session).of_question(question_id)
        delivered = {uid: m.last_delivered_id for uid, m in markers.items()}
        read = {uid: m.last_read_id for uid, m in markers.items()}
        members = [u.id for u in room.users]
        messages = []
        for message in room.messages:
            state, unread = policy.message_state(
                message.id, message.user.id, members, delivered, read
            )
            messages.append(RoomMessage(**message.model_dump(), status=state, unread_count=unread))
        return RoomView(question_id=question_id, users=room.users, messages=messages)

    async def mark(
        self, uow: UnitOfWork, user_id: str, request: MessageMarkRequest, state: MessageState
    ) -> MessageStatus:
        """Moves the member's delivered (and, for read, read) marker forward, never back."""
        members = await self._rooms.member_ids(uow, request.question_id)
        if user_id not in members:
            raise DongneError(ErrorCode.FORBIDDEN, NOT_A_MEMBER)
        author_id = await self._questions.message_author(
            uow, request.question_id, request.message_id
        )
        repo = ReadMarkerRepository(uow.session)
        marker = await repo.locked(request.question_id, user_id)
        marker.last_delivered_id = policy.advanced(marker.last_delivered_id, request.message_id)
        if state is MessageState.READ:
            marker.last_read_id = policy.advanced(marker.last_read_id, request.message_id)
        await uow.session.flush()
        markers = await repo.of_question(request.question_id)
        _, unread = policy.message_state(
            request.message_id,
            author_id,
            members,
            {uid: m.last_delivered_id for uid, m in markers.items()},
            {uid: m.last_read_id for uid, m in markers.items()},
        )
        status = MessageStatus(
            question_id=request.question_id,
            message_id=request.message_id,
            user_id=user_id,
            status=state,
            unread_count=unread,
        )
        self._events.publish(uow, "message_status", status, room=question_room(request.question_id))
        return status
