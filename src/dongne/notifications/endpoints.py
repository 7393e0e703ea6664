"""The notification history over HTTP."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status

from dongne.api.deps import ClaimsDep, RuntimeDep
from dongne.notifications.schemas import (
    BrowserPushSubscription,
    NotificationMarked,
    NotificationPage,
    PushEndpoint,
    VapidPublicKey,
)

router = APIRouter(tags=["notifications"])


@router.get("/api/notifications", response_model=NotificationPage)
async def history(
    claims: ClaimsDep,
    runtime: RuntimeDep,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
    before: Annotated[str | None, Query(max_length=40, description="a notification id")] = None,
) -> NotificationPage:
    async with runtime.db.transaction(readonly=True) as uow:
        return await runtime.notifications.history(uow, claims.user_id, limit=limit, before=before)


@router.post("/api/notifications/{notification_id}/read", response_model=NotificationMarked)
async def mark_read(
    notification_id: str, claims: ClaimsDep, runtime: RuntimeDep
) -> NotificationMarked:
    async with runtime.db.transaction() as uow:
        return await runtime.notifications.mark_read(uow, claims.user_id, notification_id)


@router.get("/api/push/vapid-public-key", response_model=VapidPublicKey)
async def vapid_public_key(runtime: RuntimeDep) -> VapidPublicKey:
    return VapidPublicKey(public_key=runtime.senders.vapid.public_key_b64url)


@router.post("/api/push/subscriptions", status_code=status.HTTP_201_CREATED)
async def subscribe(body: BrowserPushSubscription, claims: ClaimsDep, runtime: RuntimeDep) -> None:
    async with runtime.db.transaction() as uow:
        await runtime.notifications.subscribe_push(uow, claims.user_id, body.model_dump())


@router.delete("/api/push/subscriptions", status_code=status.HTTP_204_NO_CONTENT)
async def unsubscribe(body: PushEndpoint, claims: ClaimsDep, runtime: RuntimeDep) -> None:
    async with runtime.db.transaction() as uow:
        await runtime.notifications.unsubscribe_push(uow, claims.user_id, body.endpoint)
