"""The IP blocklist: CIDR ranges with an expiry, checked on every connection and request.

Checks read a copy kept in memory and refreshed every few seconds (and at once on this
node after a change), so a request costs no query and other nodes follow within seconds.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from datetime import datetime

from dongne.kit.clock import Clock
from dongne.kit.db import Database, UnitOfWork
from dongne.kit.errors import DongneError, ErrorCode
from dongne.kit.ids import new_id
from dongne.kit.messages import MessageKey, text
from dongne.kit.net import Network
from dongne.models.moderation import IpBlock, Report
from dongne.moderation.repository import IpBlockRepository, ReportRepository, UserBlockRepository
from dongne.moderation.schemas import (
    BlockedUsers,
    IpBlockCreate,
    IpBlockList,
    IpBlockOut,
    ReportCreate,
    ReportList,
    ReportOut,
    ReportTarget,
)

REFRESH_S = 5.0
EXCERPT_CHARS = 200


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
            raise DongneError(ErrorCode.INVALID, text(MessageKey.BLOCK_EXPIRY_PAST))
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
            raise DongneError(ErrorCode.NOT_FOUND, text(MessageKey.BLOCK_NOT_FOUND))
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


class SafetyService:
    """Blocks between users and reports of content."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock

    async def block(self, uow: UnitOfWork, blocker_id: str, blocked_id: str) -> None:
        if blocker_id == blocked_id:
            raise DongneError(ErrorCode.INVALID, text(MessageKey.CANNOT_BLOCK_SELF))
        await UserBlockRepository(uow.session).add(blocker_id, blocked_id, self._clock.now())

    async def unblock(self, uow: UnitOfWork, blocker_id: str, blocked_id: str) -> None:
        await UserBlockRepository(uow.session).remove(blocker_id, blocked_id)

    async def blocked_by(self, uow: UnitOfWork, blocker_id: str) -> BlockedUsers:
        return BlockedUsers(user_ids=await UserBlockRepository(uow.session).blocked_by(blocker_id))

    async def blockers_among(
        self, uow: UnitOfWork, author_id: str, user_ids: Sequence[str]
    ) -> set[str]:
        """Which of these users blocked the author: they must not hear from them."""
        if not user_ids:
            return set()
        return await UserBlockRepository(uow.session).blockers_among(author_id, user_ids)

    async def report(self, uow: UnitOfWork, reporter_id: str, request: ReportCreate) -> ReportOut:
        if request.target_type is ReportTarget.USER and request.target_id == reporter_id:
            raise DongneError(ErrorCode.INVALID, text(MessageKey.CANNOT_REPORT_SELF))
        now = self._clock.now()
        report = Report(
            id=new_id(now),
            reporter_id=reporter_id,
            target_type=request.target_type.value,
            target_id=request.target_id,
            reason=request.reason,
            created_at=now,
        )
        ReportRepository(uow.session).add(report)
        return ReportOut.model_validate(report)

    async def report_of(self, uow: UnitOfWork, report_id: str) -> ReportOut:
        report = await ReportRepository(uow.session).get(report_id)
        if report is None:
            raise DongneError(ErrorCode.NOT_FOUND, text(MessageKey.REPORT_NOT_FOUND))
        return ReportOut.model_validate(report)

    async def resolve(self, uow: UnitOfWork, report_id: str, resolution: str) -> ReportOut:
        """Marks a report dealt with (once); it leaves the queue."""
        report = await ReportRepository(uow.session).get(report_id)
        if report is None:
            raise DongneError(ErrorCode.NOT_FOUND, text(MessageKey.REPORT_NOT_FOUND))
        if report.resolved_at is None:
            report.resolved_at = self._clock.now()
            report.resolution = resolution
        return ReportOut.model_validate(report)

    async def reports(self, uow: UnitOfWork, limit: int = 100) -> ReportList:
        repo = ReportRepository(uow.session)
        rows = await repo.newest(limit)
        targets = await repo.targets(rows)
        out = []
        for row in rows:
            report = ReportOut.model_validate(row)
            if target := targets.get((row.target_type, row.target_id)):
                report.excerpt = target.text[:EXCERPT_CHARS]
                report.question_id = target.question_id
            out.append(report)
        return ReportList(reports=out)
