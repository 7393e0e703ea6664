"""The notification history over HTTP."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from dongne.api.deps import ClaimsDep, RuntimeDep
from dongne.notifications.schemas import NotificationMarked, NotificationPage

router = APIRouter(prefix="/api/notifications", tags=["notifications"])


@router.get("", response_model=NotificationPage)
async def history(
    claims: ClaimsDep,
    runtime: RuntimeDep,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
    before: Annotated[str | None, Query(max_length=40, description="a notification id")] = None,
) -> NotificationPage:
    async with runtime.db.transaction(readonly=True) as uow:
        return await runtime.notifications.history(uow, claims.user_id, limit=limit, before=before)


@router.post("/{notification_id}/read", response_model=NotificationMarked)
async def mark_read(
    notification_id: str, claims: ClaimsDep, runtime: RuntimeDep
) -> NotificationMarked:
    async with runtime.db.transaction() as uow:
        return await runtime.notifications.mark_read(uow, claims.user_id, notification_id)
