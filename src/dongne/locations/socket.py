"""Socket.IO event `update_location`."""

from __future__ import annotations

from dongne.locations.schemas import NearbyQuestionsUpdate, UpdateLocation
from dongne.realtime.dispatch import SocketContext, SocketRouter


def register(router: SocketRouter) -> None:
    @router.on("update_location", UpdateLocation, reply="nearby_questions_update")
    async def update_location(ctx: SocketContext, request: UpdateLocation) -> NearbyQuestionsUpdate:
        runtime = ctx.runtime
        async with runtime.db.transaction(readonly=True) as uow:
            return await runtime.locations.update(
                uow, ctx.user_id, is_local=ctx.is_local, request=request
            )
