"""`GET/PUT /api/me/settings`."""

from __future__ import annotations

from fastapi import APIRouter

from dongne.api.deps import ClaimsDep, RuntimeDep
from dongne.settings.schemas import SettingsOut, SettingsUpdate

router = APIRouter(prefix="/api/me/settings", tags=["settings"])


@router.get("", response_model=SettingsOut)
async def get_settings(claims: ClaimsDep, runtime: RuntimeDep) -> SettingsOut:
    async with runtime.db.transaction(readonly=True) as uow:
        return await runtime.settings_service.get(uow, claims.user_id)


@router.put("", response_model=SettingsOut)
async def put_settings(body: SettingsUpdate, claims: ClaimsDep, runtime: RuntimeDep) -> SettingsOut:
    async with runtime.db.transaction() as uow:
        return await runtime.settings_service.replace(uow, claims.user_id, body)
