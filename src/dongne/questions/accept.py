"""Accepting an answer: marked once, its author credited and notified, the room told."""

from __future__ import annotations

from dongne.conversation.rooms import RoomsService
from dongne.eventlog.service import Delivery, EventLogService
from dongne.kit.clock import Clock
from dongne.kit.db import UnitOfWork
from dongne.kit.errors import DongneError, ErrorCode
from dongne.kit.messages import MessageKey, text
from dongne.notifications.service import Message, NotificationsService
from dongne.points.service import AlreadyCredited, PointsService
from dongne.questions import policy
from dongne.questions.repository import AnswerRepository, QuestionRepository
from dongne.questions.schemas import (
    AcceptAnswer,
    AnswerAccepted,
    AnswerAcceptedEvent,
    QuestionStatus,
)
from dongne.questions.views import QuestionViews

ANSWER_NOT_FOUND = text(MessageKey.ANSWER_NOT_FOUND)
POINTS_REASON = "answer_accepted"


class Accepting:
    def __init__(
        self,
        *,
        clock: Clock,
        views: QuestionViews,
        rooms: RoomsService,
        event_log: EventLogService,
        points: PointsService,
        notifications: NotificationsService,
    ) -> None:
        self._clock = clock
        self._views = views
        self._rooms = rooms
        self._event_log = event_log
        self._points = points
        self._notifications = notifications

    async def accept(self, uow: UnitOfWork, user_id: str, request: AcceptAnswer) -> AnswerAccepted:
        answer = await AnswerRepository(uow.session).get(request.answer_id)
        if answer is None or answer.hidden_at is not None:
            raise DongneError(ErrorCode.NOT_FOUND, ANSWER_NOT_FOUND)
        question = await self._views.get(uow, answer.question_id)
        policy.check_can_accept(
            asker_id=question.asker_id,
            user_id=user_id,
            accepted_answer_id=question.accepted_answer_id,
            status=QuestionStatus(question.status),
        )
        now = self._clock.now()
        if not await QuestionRepository(uow.session).mark_accepted(question.id, answer.id, now):
            raise policy.already_accepted()
        self._views.forget_page_after_commit(uow, question.id)
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
        members = await self._rooms.member_ids(uow, question.id)
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
                title=text(MessageKey.ACCEPTED_TITLE),
                message=text(MessageKey.ACCEPTED_BODY, title=question.title[:40], points=points),
                data={"questionId": question.id, "answerId": answer.id, "points": points},
            ),
        )
        return accepted
