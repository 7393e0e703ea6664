"""Socket.IO event `join_admin`: admins only, into the `admin-dashboard` room."""

from __future__ import annotations

from dongne.kit.rooms import ADMIN_ROOM
from dongne.monitoring.schemas import AdminJoined, JoinAdmin
from dongne.realtime.dispatch import SocketContext, SocketRouter


def register(router: SocketRouter) -> None:
    @router.on("join_admin", JoinAdmin)
    async def join_admin(ctx: SocketContext, _request: JoinAdmin) -> AdminJoined:
        runtime = ctx.runtime
        async with runtime.db.transaction(readonly=True) as uow:
            await runtime.users.require_admin(uow, ctx.user_id)
        await ctx.enter_room(ADMIN_ROOM)
        runtime.dashboard.watch(ctx.sid)
        return AdminJoined(room=ADMIN_ROOM)
