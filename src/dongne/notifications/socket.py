"""Socket.IO events of notifications."""

from __future__ import annotations

from dongne.notifications.schemas import MarkNotificationRead, NotificationMarked
from dongne.realtime.dispatch import SocketContext, SocketRouter


def register(router: SocketRouter) -> None:
    @router.on("mark_notification_read", MarkNotificationRead)
    async def mark_notification_read(
        ctx: SocketContext, request: MarkNotificationRead
    ) -> NotificationMarked:
        runtime = ctx.runtime
        async with runtime.db.transaction() as uow:
            return await runtime.notifications.mark_read(uow, ctx.user_id, request.notification_id)
