"""The asker manages their question (issue [16] item 4): edit it until the first answer,
close or delete it at any time. A closed question takes no more answers and its routing
stops: the router reads the question's status before every round, so locals still being
asked are released. The room hears of an edit or a close at once (`question_updated`).

Deleting is soft: the question keeps its row and answers (`deleted_at`) for moderation,
but leaves every list, the nearby index and the similar-questions index (which follow the
page cache's after-commit invalidation), its page answers 410 `deleted`, answers and joins
are refused, routing settles, and the room hears `question_deleted`."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from dongne.eventlog.service import EventLogService
from dongne.kit.clock import Clock
from dongne.kit.db import UnitOfWork
from dongne.kit.errors import DongneError, ErrorCode
from dongne.kit.events import Events
from dongne.kit.messages import MessageKey, Text, text
from dongne.kit.rooms import question_room
from dongne.kit.schema import CleanStr, RequestModel, WireModel
from dongne.models.questions import Question
from dongne.moderation.policy import strip_html
from dongne.notifications import messages
from dongne.notifications.service import NotificationsService
from dongne.questions.repository import AnswerRepository
from dongne.questions.schemas import (
    CONTENT_MAX,
    TITLE_MAX,
    AnswerHidden,
    IdStr,
    QuestionOut,
    QuestionStatus,
)
from dongne.questions.views import QuestionViews

NOT_YOURS = text(MessageKey.ONLY_ASKER_EDITS)
ONLY_ASKER = text(MessageKey.ONLY_ASKER)
ANSWERED = text(MessageKey.ANSWERED_NOT_EDITABLE)
CLOSED = text(MessageKey.QUESTION_CLOSED)
EMPTY = text(MessageKey.TITLE_AND_CONTENT_REQUIRED)
ANSWER_NOT_FOUND = text(MessageKey.ANSWER_NOT_FOUND)


class EditQuestion(RequestModel):
    question_id: str = IdStr
    title: CleanStr | None = Field(default=None, min_length=1, max_length=TITLE_MAX)
    content: CleanStr | None = Field(default=None, min_length=1, max_length=CONTENT_MAX)


class QuestionUpdated(WireModel):
    """`question_updated` to the room, and the acknowledgement of edit/close."""

    question: QuestionOut


class QuestionDeleted(WireModel):
    """`question_deleted` to the room, and the acknowledgement of delete."""

    question_id: str


# The logged events that carry an answer's text (questions/answer.py), as `answer`.
ANSWER_EVENTS = frozenset({"new_answer", "answer_notification"})


def without_answer_text(event: str, payload: dict[str, Any]) -> dict[str, Any]:
    """A logged answer event as it reads once the answer is hidden: as the views send a
    hidden answer (no content, no images), or with no preview."""
    answer = payload["answer"]
    if event == "new_answer":
        answer = {**answer, "content": "", "images": [], "hidden": True}
    else:
        answer = {**answer, "preview": ""}
    return {**payload, "answer": answer}


class QuestionManager:
    def __init__(
        self,
        *,
        clock: Clock,
        views: QuestionViews,
        events: Events,
        event_log: EventLogService,
        notifications: NotificationsService,
    ) -> None:
        self._clock = clock
        self._views = views
        self._events = events
        self._event_log = event_log
        self._notifications = notifications

    async def edit(self, uow: UnitOfWork, user_id: str, request: EditQuestion) -> QuestionUpdated:
        question = await self._own(uow, user_id, request.question_id, NOT_YOURS)
        if question.status == QuestionStatus.CLOSED:
            raise DongneError(ErrorCode.CONFLICT, CLOSED)
        if question.answer_count > 0:
            raise DongneError(ErrorCode.CONFLICT, ANSWERED)
        title = strip_html(request.title) if request.title is not None else question.title
        content = strip_html(request.content) if request.content is not None else question.content
        if not title or not content:
            raise DongneError(ErrorCode.INVALID, EMPTY)
        question.title, question.content = title, content
        question.updated_at = self._clock.now()
        return await self._changed(uow, question.id)

    async def close(self, uow: UnitOfWork, user_id: str, question_id: str) -> QuestionUpdated:
        await self._own(uow, user_id, question_id, NOT_YOURS)
        return await self.close_by_moderator(uow, question_id)

    async def delete(self, uow: UnitOfWork, user_id: str, question_id: str) -> QuestionDeleted:
        """Soft delete by the asker (a question deleted already is refused as `deleted`)."""
        question = await self._own(uow, user_id, question_id, ONLY_ASKER)
        now = self._clock.now()
        question.deleted_at = now
        question.updated_at = now
        await uow.session.flush()
        # Dropping the cached page after commit also tells the similar-questions index.
        self._views.forget_page_after_commit(uow, question_id)
        deleted = QuestionDeleted(question_id=question_id)
        self._events.publish(uow, "question_deleted", deleted, room=question_room(question_id))
        return deleted

    async def close_by_moderator(self, uow: UnitOfWork, question_id: str) -> QuestionUpdated:
        """Closes the question; for an operator acting on a report, the caller checked the role.
        The asker is told why, in their history and by push while away."""
        question = await self._views.get(uow, question_id)
        if question.status != QuestionStatus.CLOSED:
            question.status = QuestionStatus.CLOSED.value
            question.updated_at = self._clock.now()
            await self._notifications.notify(
                uow, question.asker_id, messages.closed_by_moderator(question.id, question.title)
            )
        return await self._changed(uow, question.id)

    async def hide_answer_by_moderator(self, uow: UnitOfWork, answer_id: str) -> AnswerHidden:
        """Hides an answer for an operator acting on a report (the caller checked the role):
        its text stays for the record, nobody sees it, the archive stops offering it, the
        room hears `answer_hidden`, and its author is told. What the sync replays and the
        asker's history lose its text too; devices keep what they were sent."""
        answer = await AnswerRepository(uow.session).get(answer_id)
        if answer is None:
            raise DongneError(ErrorCode.NOT_FOUND, ANSWER_NOT_FOUND)
        hidden = AnswerHidden(question_id=answer.question_id, answer_id=answer.id)
        if answer.hidden_at is None:
            answer.hidden_at = self._clock.now()
            question = await self._views.get_even_deleted(uow, answer.question_id)
            await self._notifications.notify(
                uow, answer.author_id, messages.answer_hidden(question.id, question.title)
            )
            await self._event_log.rewrite(
                uow,
                list(ANSWER_EVENTS),
                (("answer", "id"), answer.id),
                without_answer_text,
                since=answer.created_at,
            )
            await self._notifications.reword(
                uow,
                question.asker_id,
                ("answerId", answer.id),
                messages.answered_then_hidden(question.id, question.title, answer.id),
            )
            self._views.forget_page_after_commit(uow, question.id)
            self._events.publish(uow, "answer_hidden", hidden, room=question_room(question.id))
        return hidden

    async def _own(
        self, uow: UnitOfWork, user_id: str, question_id: str, refusal: Text
    ) -> Question:
        question = await self._views.get(uow, question_id)
        if question.asker_id != user_id:
            raise DongneError(ErrorCode.FORBIDDEN, refusal)
        return question

    async def _changed(self, uow: UnitOfWork, question_id: str) -> QuestionUpdated:
        await uow.session.flush()
        self._views.forget_page_after_commit(uow, question_id)
        question = await self._views.get(uow, question_id)
        [view] = await self._views.question_views(uow, [question])
        updated = QuestionUpdated(question=view)
        self._events.publish(uow, "question_updated", updated, room=question_room(question_id))
        return updated
