"""Answering a question: stored, the room told (`new_answer`) and the asker notified
(`answer_notification` on the socket, a HIGH notification in their history and by push
when away), except whoever blocked the author."""

from __future__ import annotations

from dongne.conversation.rooms import RoomsService
from dongne.eventlog.service import Delivery, EventLogService
from dongne.infra.metrics import FIRST_ANSWER_SECONDS
from dongne.kit.clock import Clock
from dongne.kit.db import UnitOfWork
from dongne.kit.ids import new_id
from dongne.kit.messages import MessageKey, text
from dongne.media.service import MediaService
from dongne.models.questions import Answer
from dongne.moderation.policy import strip_html
from dongne.moderation.service import SafetyService
from dongne.notifications import messages
from dongne.notifications.service import NotificationsService
from dongne.questions import policy
from dongne.questions.repository import AnswerRepository, QuestionRepository
from dongne.questions.schemas import (
    AnswerNotification,
    AnswerOut,
    AnswerPreview,
    CreateAnswer,
    NewAnswer,
    QuestionStatus,
)
from dongne.questions.screening import SpamScreen
from dongne.questions.views import QuestionViews
from dongne.users.service import UsersService


class Answering:
    def __init__(
        self,
        *,
        clock: Clock,
        views: QuestionViews,
        rooms: RoomsService,
        event_log: EventLogService,
        users: UsersService,
        media: MediaService,
        safety: SafetyService,
        screen: SpamScreen,
        notifications: NotificationsService,
    ) -> None:
        self._clock = clock
        self._views = views
        self._rooms = rooms
        self._event_log = event_log
        self._users = users
        self._media = media
        self._safety = safety
        self._screen = screen
        self._notifications = notifications

    async def answer(self, uow: UnitOfWork, author_id: str, request: CreateAnswer) -> AnswerOut:
        question = await self._views.get(uow, request.question_id)
        policy.check_can_answer(
            QuestionStatus(question.status), asker_id=question.asker_id, author_id=author_id
        )
        self._views.forget_page_after_commit(uow, question.id)
        content = strip_html(request.content)
        if not content:
            raise policy.invalid(text(MessageKey.ANSWER_EMPTY))
        # The cached session: the screen needs the account's age, the view its name and badge.
        author = await self._users.profile(uow, author_id)
        await self._screen.check(uow, author, content)
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
        await QuestionRepository(uow.session).record_answer(question, now)
        images = await self._media.attach(
            uow, request.image_ids, owner_id=author_id, answer_id=answer.id
        )
        await self._rooms.add_member(uow, question.id, author_id, now)
        view = self._views.answer_view(answer, author, images)
        others = [m for m in await self._rooms.member_ids(uow, question.id) if m != author_id]
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
        # The asker's history, and Web Push (email/SMS per settings) when they are away.
        await self._notifications.notify(
            uow,
            question.asker_id,
            messages.answered(question.id, question.title, answer.id, preview.preview),
        )
        return view
