"""Socket.IO events of escalation: claims ("답변할게요"), on duty, and seen marks."""

from __future__ import annotations

from datetime import timedelta

from dongne.escalation.schemas import (
    Claimed,
    ClaimQuestion,
    NotificationSeen,
    OnDuty,
    Seen,
    SetOnDuty,
)
from dongne.kit.errors import DongneError, ErrorCode
from dongne.kit.messages import MessageKey, text
from dongne.realtime.dispatch import SocketContext, SocketRouter


def register(router: SocketRouter) -> None:
    @router.on("claim_question", ClaimQuestion)
    async def claim_question(ctx: SocketContext, request: ClaimQuestion) -> Claimed:
        runtime = ctx.runtime
        async with runtime.db.transaction() as uow:
            until = await runtime.escalation.claim(uow, ctx.user_id, request.question_id)
        return Claimed(claimed_until=until)

    @router.on("set_on_duty", SetOnDuty)
    async def set_on_duty(ctx: SocketContext, request: SetOnDuty) -> OnDuty:
        runtime = ctx.runtime
        async with runtime.db.transaction() as uow:
            user = await runtime.users.get(uow, ctx.user_id)
            if not user.is_local_verified:
                raise DongneError(
                    ErrorCode.FORBIDDEN,
                    text(MessageKey.ON_DUTY_LOCALS_ONLY),
                )
            until = runtime.clock.now() + timedelta(minutes=request.minutes) if request.on else None
            await runtime.settings_service.set_on_duty(uow, ctx.user_id, until)
        return OnDuty(on_duty_until=until)

    @router.on("notification_seen", NotificationSeen)
    async def notification_seen(ctx: SocketContext, request: NotificationSeen) -> Seen:
        runtime = ctx.runtime
        async with runtime.db.transaction() as uow:
            await runtime.escalation.mark_seen(uow, ctx.user_id, request.question_id)
        return Seen()
