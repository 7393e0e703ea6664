"""Local applications over HTTP: apply and see my application; the admin queue and decisions."""

from __future__ import annotations

from fastapi import APIRouter, status

from dongne.api.deps import ClaimsDep, RuntimeDep
from dongne.users.applications import (
    ApplicationList,
    ApplicationOut,
    ApplyRequest,
    DecideRequest,
    MyApplication,
)

router = APIRouter(prefix="/api", tags=["accounts"])


@router.post(
    "/me/local-application", status_code=status.HTTP_201_CREATED, response_model=ApplicationOut
)
async def apply(body: ApplyRequest, claims: ClaimsDep, runtime: RuntimeDep) -> ApplicationOut:
    async with runtime.db.transaction() as uow:
        return await runtime.local_applications.apply(uow, claims.user_id, body)


@router.get("/me/local-application", response_model=MyApplication)
async def mine(claims: ClaimsDep, runtime: RuntimeDep) -> MyApplication:
    async with runtime.db.transaction(readonly=True) as uow:
        return await runtime.local_applications.mine(uow, claims.user_id)


@router.get("/admin/local-applications", response_model=ApplicationList)
async def pending(claims: ClaimsDep, runtime: RuntimeDep) -> ApplicationList:
    async with runtime.db.transaction(readonly=True) as uow:
        return await runtime.local_applications.pending(uow, claims.user_id)


@router.post("/admin/local-applications/{application_id}/decide", response_model=ApplicationOut)
async def decide(
    application_id: str, body: DecideRequest, claims: ClaimsDep, runtime: RuntimeDep
) -> ApplicationOut:
    async with runtime.db.transaction() as uow:
        return await runtime.local_applications.decide(uow, claims.user_id, application_id, body)
