"""Socket.IO event `sync_unread_messages`: everything missed while away."""

from __future__ import annotations

from dongne.eventlog.schemas import SyncRequest, UnreadMessages
from dongne.realtime.dispatch import SocketContext, SocketRouter


def register(router: SocketRouter) -> None:
    @router.on("sync_unread_messages", SyncRequest, reply="unread_messages")
    async def sync_unread_messages(ctx: SocketContext, request: SyncRequest) -> UnreadMessages:
        runtime = ctx.runtime
        async with runtime.db.transaction(readonly=True) as uow:
            return await runtime.event_log.since(uow, ctx.user_id, request)
