"""`/api/admin/ip-blocks`: list, add and remove blocked ranges (admins only)."""

from __future__ import annotations

from fastapi import APIRouter, status

from dongne.api.deps import ClaimsDep, RuntimeDep
from dongne.moderation.schemas import IpBlockCreate, IpBlockList, IpBlockOut

router = APIRouter(prefix="/api/admin/ip-blocks", tags=["admin"])


@router.get("", response_model=IpBlockList)
async def list_blocks(claims: ClaimsDep, runtime: RuntimeDep) -> IpBlockList:
    async with runtime.db.transaction(readonly=True) as uow:
        await runtime.users.require_admin(uow, claims.user_id)
        return await runtime.blocklist.active(uow)


@router.post("", status_code=status.HTTP_201_CREATED, response_model=IpBlockOut)
async def add_block(body: IpBlockCreate, claims: ClaimsDep, runtime: RuntimeDep) -> IpBlockOut:
    async with runtime.db.transaction() as uow:
        await runtime.users.require_admin(uow, claims.user_id)
        return await runtime.blocklist.add(uow, claims.user_id, body)


@router.delete("/{block_id}", status_code=status.HTTP_204_NO_CONTENT)
async def remove_block(block_id: str, claims: ClaimsDep, runtime: RuntimeDep) -> None:
    async with runtime.db.transaction() as uow:
        await runtime.users.require_admin(uow, claims.user_id)
        await runtime.blocklist.remove(uow, block_id)
