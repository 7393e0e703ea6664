"""Socket.IO events of a question room: joining, typing, read receipts."""

from __future__ import annotations

from dongne.conversation.schemas import (
    FollowUpPosted,
    MessageMarkRequest,
    MessageState,
    MessageStatus,
    PostFollowUp,
    RoomMessages,
    RoomView,
    TypingAck,
    TypingRequest,
)
from dongne.kit.rooms import question_room
from dongne.questions.schemas import QuestionRef, RoomUsers
from dongne.realtime.dispatch import SocketContext, SocketRouter


def register(router: SocketRouter) -> None:
    @router.on("join_question", QuestionRef)
    async def join_question(ctx: SocketContext, request: QuestionRef) -> RoomView:
        runtime = ctx.runtime
        async with runtime.db.transaction() as uow:
            room = await runtime.read_state.open_room(uow, ctx.user_id, request.question_id)
            # A notified local opening the room has seen the question (question_progress).
            await runtime.escalation.mark_seen(uow, ctx.user_id, request.question_id)
        await ctx.enter_room(question_room(room.question_id))
        # To the whole room, the joiner included: the others' headers count the newcomer
        # at once, not only after they post.
        await runtime.events.publish_now(
            "room_users",
            RoomUsers(question_id=room.question_id, users=room.users),
            room=question_room(room.question_id),
        )
        await ctx.send(
            "question_messages",
            RoomMessages(question_id=room.question_id, messages=room.messages),
        )
        return room

    @router.on("post_follow_up", PostFollowUp)
    async def post_follow_up(ctx: SocketContext, request: PostFollowUp) -> FollowUpPosted:
        async with ctx.runtime.db.transaction() as uow:
            return await ctx.runtime.follow_ups.post(uow, ctx.user_id, request)

    @router.on("typing_start", TypingRequest)
    async def typing_start(ctx: SocketContext, request: TypingRequest) -> TypingAck:
        ack = await ctx.runtime.typing.start(request.question_id, ctx.user_id, sid=ctx.sid)
        # Typing in the room counts as a claim: it holds the router's next round.
        async with ctx.runtime.db.transaction() as uow:
            await ctx.runtime.escalation.typing_claim(uow, ctx.user_id, request.question_id)
        return ack

    @router.on("typing_stop", TypingRequest)
    async def typing_stop(ctx: SocketContext, request: TypingRequest) -> TypingAck:
        return await ctx.runtime.typing.stop(request.question_id, ctx.user_id, sid=ctx.sid)

    async def mark(
        ctx: SocketContext, request: MessageMarkRequest, state: MessageState
    ) -> MessageStatus:
        runtime = ctx.runtime
        async with runtime.db.transaction() as uow:
            return await runtime.read_state.mark(uow, ctx.user_id, request, state)

    @router.on("message_delivered", MessageMarkRequest)
    async def message_delivered(ctx: SocketContext, request: MessageMarkRequest) -> MessageStatus:
        return await mark(ctx, request, MessageState.DELIVERED)

    @router.on("message_read", MessageMarkRequest)
    async def message_read(ctx: SocketContext, request: MessageMarkRequest) -> MessageStatus:
        return await mark(ctx, request, MessageState.READ)
