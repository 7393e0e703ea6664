"""The IP blocklist: CIDR ranges with an expiry, checked on every connection and request.

Checks read a copy kept in memory and refreshed every few seconds (and at once on this
node after a change), so a request costs no query and other nodes follow within seconds.
"""

from __future__ import annotations

import ipaddress
from datetime import datetime

from dongne.kit.clock import Clock
from dongne.kit.db import Database, UnitOfWork
from dongne.kit.errors import DongneError, ErrorCode
from dongne.kit.ids import new_id
from dongne.kit.net import Network
from dongne.models.moderation import IpBlock
from dongne.moderation.repository import IpBlockRepository
from dongne.moderation.schemas import IpBlockCreate, IpBlockList, IpBlockOut

REFRESH_S = 5.0


class BlocklistService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock
        self._ranges: list[tuple[Network, datetime | None]] = []
        self._loaded_at: float | None = None

    async def is_blocked(self, address: str) -> bool:
        now = self._clock.monotonic()
        if self._loaded_at is None or now - self._loaded_at >= REFRESH_S:
            await self._reload()
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        moment = self._clock.now()
        return any(
            ip in network and (expires is None or expires > moment)
            for network, expires in self._ranges
        )

    async def add(self, uow: UnitOfWork, admin_id: str, request: IpBlockCreate) -> IpBlockOut:
        now = self._clock.now()
        if request.expires_at is not None and request.expires_at <= now:
            raise DongneError(ErrorCode.INVALID, "만료 시각이 지났어요 (expiresAt is in the past)")
        block = IpBlock(
            id=new_id(now),
            cidr=request.cidr,
            reason=request.reason,
            created_by=admin_id,
            created_at=now,
            expires_at=request.expires_at,
        )
        IpBlockRepository(uow.session).add(block)
        uow.after_commit(self._reload)
        return IpBlockOut.model_validate(block)

    async def remove(self, uow: UnitOfWork, block_id: str) -> None:
        if not await IpBlockRepository(uow.session).delete(block_id):
            raise DongneError(ErrorCode.NOT_FOUND, "차단 항목이 없어요 (No such block)")
        uow.after_commit(self._reload)

    async def active(self, uow: UnitOfWork) -> IpBlockList:
        rows = await IpBlockRepository(uow.session).active(self._clock.now())
        return IpBlockList(blocks=[IpBlockOut.model_validate(row) for row in rows])

    async def _reload(self) -> None:
        try:
            async with self._db.transaction(readonly=True) as uow:
                rows = await IpBlockRepository(uow.session).active(self._clock.now())
        except Exception:  # noqa: BLE001 - the database is down: keep the last known list
            return
        self._ranges = [(ipaddress.ip_network(r.cidr, strict=False), r.expires_at) for r in rows]
        self._loaded_at = self._clock.monotonic()
