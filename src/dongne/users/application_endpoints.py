"""Local applications over HTTP: apply and see my application; the admin queue and decisions."""

from __future__ import annotations

from fastapi import APIRouter, Response, UploadFile, status

from dongne.api.deps import ClaimsDep, RuntimeDep
from dongne.media.policy import DEFAULT_MAX_BYTES
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


@router.put("/me/local-application/document", response_model=ApplicationOut)
async def add_document(file: UploadFile, claims: ClaimsDep, runtime: RuntimeDep) -> ApplicationOut:
    # One byte past the limit is enough to refuse, never the whole of a huge upload.
    raw = await file.read(DEFAULT_MAX_BYTES + 1)
    async with runtime.db.transaction() as uow:
        return await runtime.local_applications.add_document(uow, claims.user_id, raw)


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


@router.get("/admin/local-applications/{application_id}/document")
async def document(application_id: str, claims: ClaimsDep, runtime: RuntimeDep) -> Response:
    async with runtime.db.transaction(readonly=True) as uow:
        blob = await runtime.local_applications.document(uow, claims.user_id, application_id)
    headers = {"Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff"}
    return Response(blob.data, media_type=blob.content_type, headers=headers)
