"""Socket.IO events of questions and answers: parse, call the service, reply."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from dongne.kit.db import UnitOfWork
from dongne.kit.rooms import question_room
from dongne.questions.manage import EditQuestion, QuestionDeleted, QuestionManager, QuestionUpdated
from dongne.questions.schemas import (
    AcceptAnswer,
    AnswerAccepted,
    AnswerEvent,
    CreateAnswer,
    CreateQuestion,
    LeftRoom,
    QuestionCreated,
    QuestionRef,
)
from dongne.realtime.dispatch import SocketContext, SocketRouter

Reply = TypeVar("Reply")


def register(router: SocketRouter) -> None:
    @router.on("create_question", CreateQuestion, reply="question_created")
    async def create_question(ctx: SocketContext, request: CreateQuestion) -> QuestionCreated:
        runtime = ctx.runtime
        async with runtime.db.transaction() as uow:
            question = await runtime.questions.ask(uow, ctx.user_id, request)
        await runtime.hotspots.question_asked(
            question.id, question.location.lat, question.location.lng
        )
        await ctx.enter_room(question_room(question.id))
        return QuestionCreated(question=question)

    @router.on("leave_question", QuestionRef)
    async def leave_question(ctx: SocketContext, request: QuestionRef) -> LeftRoom:
        runtime = ctx.runtime
        async with runtime.db.transaction() as uow:
            await runtime.questions.rooms.leave(uow, request.question_id, ctx.user_id)
        await ctx.leave_room(question_room(request.question_id))
        return LeftRoom(question_id=request.question_id)

    @router.on("create_answer", CreateAnswer, reply="answer_created")
    async def create_answer(ctx: SocketContext, request: CreateAnswer) -> AnswerEvent:
        runtime = ctx.runtime
        async with runtime.db.transaction() as uow:
            answer = await runtime.questions.answer(uow, ctx.user_id, request)
            # The asker's progress panel hears that routing is over (question_progress).
            await runtime.escalation.answered(uow, answer.question_id)
        # Answering makes the author a member: later answers reach them in the room too.
        await ctx.enter_room(question_room(answer.question_id))
        return AnswerEvent(answer=answer)

    @router.on("accept_answer", AcceptAnswer)
    async def accept_answer(ctx: SocketContext, request: AcceptAnswer) -> AnswerAccepted:
        runtime = ctx.runtime
        async with runtime.db.transaction() as uow:
            return await runtime.questions.accept(uow, ctx.user_id, request)

    @router.on("edit_question", EditQuestion)
    async def edit_question(ctx: SocketContext, request: EditQuestion) -> QuestionUpdated:
        async with ctx.runtime.db.transaction() as uow:
            return await ctx.runtime.question_manager.edit(uow, ctx.user_id, request)

    @router.on("close_question", QuestionRef)
    async def close_question(ctx: SocketContext, request: QuestionRef) -> QuestionUpdated:
        return await _manage(ctx, request, QuestionManager.close)

    @router.on("delete_question", QuestionRef)
    async def delete_question(ctx: SocketContext, request: QuestionRef) -> QuestionDeleted:
        return await _manage(ctx, request, QuestionManager.delete)


async def _manage(
    ctx: SocketContext,
    request: QuestionRef,
    action: Callable[[QuestionManager, UnitOfWork, str, str], Awaitable[Reply]],
) -> Reply:
    """The asker acts on their question (close, delete) in one transaction."""
    async with ctx.runtime.db.transaction() as uow:
        return await action(ctx.runtime.question_manager, uow, ctx.user_id, request.question_id)
