"""Blocking users, reporting content, and the admins' IP blocklist and report queue."""

from __future__ import annotations

from fastapi import APIRouter, status

from dongne.api.deps import ClaimsDep, RuntimeDep
from dongne.kit.errors import DongneError, ErrorCode
from dongne.kit.messages import MessageKey, text
from dongne.moderation.schemas import (
    BlockedUsers,
    BlockRequest,
    IpBlockCreate,
    IpBlockList,
    IpBlockOut,
    ReportAction,
    ReportCreate,
    ReportList,
    ReportOut,
    ReportTarget,
    ResolveReport,
)

router = APIRouter(tags=["moderation"])

NOT_A_QUESTION = text(MessageKey.ONLY_QUESTION_REPORT_CLOSES)
NOT_AN_ANSWER = text(MessageKey.ONLY_ANSWER_REPORT_HIDES)


@router.get("/api/admin/ip-blocks", response_model=IpBlockList)
async def list_blocks(claims: ClaimsDep, runtime: RuntimeDep) -> IpBlockList:
    async with runtime.db.transaction(readonly=True) as uow:
        await runtime.users.require_admin(uow, claims.user_id)
        return await runtime.blocklist.active(uow)


@router.post("/api/admin/ip-blocks", status_code=status.HTTP_201_CREATED, response_model=IpBlockOut)
async def add_block(body: IpBlockCreate, claims: ClaimsDep, runtime: RuntimeDep) -> IpBlockOut:
    async with runtime.db.transaction() as uow:
        await runtime.users.require_admin(uow, claims.user_id)
        return await runtime.blocklist.add(uow, claims.user_id, body)


@router.delete("/api/admin/ip-blocks/{block_id}", status_code=status.HTTP_204_NO_CONTENT)
async def remove_block(block_id: str, claims: ClaimsDep, runtime: RuntimeDep) -> None:
    async with runtime.db.transaction() as uow:
        await runtime.users.require_admin(uow, claims.user_id)
        await runtime.blocklist.remove(uow, block_id)


@router.get("/api/blocks", response_model=BlockedUsers)
async def blocked_users(claims: ClaimsDep, runtime: RuntimeDep) -> BlockedUsers:
    async with runtime.db.transaction(readonly=True) as uow:
        return await runtime.safety.blocked_by(uow, claims.user_id)


@router.post("/api/blocks", status_code=status.HTTP_204_NO_CONTENT)
async def block_user(body: BlockRequest, claims: ClaimsDep, runtime: RuntimeDep) -> None:
    async with runtime.db.transaction() as uow:
        await runtime.users.get(uow, body.user_id)
        await runtime.safety.block(uow, claims.user_id, body.user_id)


@router.delete("/api/blocks/{user_id}", status_code=status.HTTP_204_NO_CONTENT)
async def unblock_user(user_id: str, claims: ClaimsDep, runtime: RuntimeDep) -> None:
    async with runtime.db.transaction() as uow:
        await runtime.safety.unblock(uow, claims.user_id, user_id)


@router.post("/api/reports", status_code=status.HTTP_201_CREATED, response_model=ReportOut)
async def report(body: ReportCreate, claims: ClaimsDep, runtime: RuntimeDep) -> ReportOut:
    async with runtime.db.transaction() as uow:
        return await runtime.safety.report(uow, claims.user_id, body)


@router.get("/api/admin/reports", response_model=ReportList)
async def reports(claims: ClaimsDep, runtime: RuntimeDep) -> ReportList:
    async with runtime.db.transaction(readonly=True) as uow:
        await runtime.users.require_admin(uow, claims.user_id)
        return await runtime.safety.reports(uow)


@router.post("/api/admin/reports/{report_id}/resolve", response_model=ReportOut)
async def resolve_report(
    report_id: str, body: ResolveReport, claims: ClaimsDep, runtime: RuntimeDep
) -> ReportOut:
    """Dismiss a report; or close the reported question (its routing stops) or hide the
    reported answer, and file it."""
    async with runtime.db.transaction() as uow:
        await runtime.users.require_admin(uow, claims.user_id)
        if body.action is ReportAction.DISMISS:
            return await runtime.safety.resolve(uow, report_id, "dismissed")
        report = await runtime.safety.report_of(uow, report_id)
        if body.action is ReportAction.CLOSE_QUESTION:
            if report.target_type is not ReportTarget.QUESTION:
                raise DongneError(ErrorCode.INVALID, NOT_A_QUESTION)
            await runtime.question_manager.close_by_moderator(uow, report.target_id)
            return await runtime.safety.resolve(uow, report_id, "question_closed")
        if report.target_type is not ReportTarget.ANSWER:
            raise DongneError(ErrorCode.INVALID, NOT_AN_ANSWER)
        await runtime.question_manager.hide_answer_by_moderator(uow, report.target_id)
        return await runtime.safety.resolve(uow, report_id, "answer_hidden")
