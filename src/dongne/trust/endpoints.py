"""A person's public profile over HTTP."""

from __future__ import annotations

from fastapi import APIRouter

from dongne.api.deps import ClaimsDep, RuntimeDep
from dongne.trust.schemas import PublicProfile

router = APIRouter(prefix="/api", tags=["accounts"])


@router.get("/users/{user_id}/profile", response_model=PublicProfile)
async def public_profile(user_id: str, claims: ClaimsDep, runtime: RuntimeDep) -> PublicProfile:
    async with runtime.db.transaction(readonly=True) as uow:
        return await runtime.trust.public_profile(uow, user_id)
