"""Password reset over HTTP: ask for a link (always 202, whether or not the address has an
account) and set a new password with it. The email goes out after the commit."""

from __future__ import annotations

import structlog
from fastapi import APIRouter, Request, status

from dongne.api.deps import RuntimeDep
from dongne.infra.senders.base import EMAIL, DeliveryFailed, OutgoingMessage
from dongne.users.password_reset import ResetConfirm, ResetRequest

router = APIRouter(prefix="/api/auth", tags=["accounts"])
log = structlog.get_logger("dongne.password_reset")


@router.post("/password-reset", status_code=status.HTTP_202_ACCEPTED)
async def ask_for_link(body: ResetRequest, request: Request, runtime: RuntimeDep) -> None:
    async with runtime.db.transaction() as uow:
        mail = await runtime.password_resets.request(uow, body.email, str(request.base_url))
    sender = runtime.senders.get(EMAIL)
    if mail is None:
        return
    if sender is None:
        log.warning("password_reset_without_email_channel")
        return
    try:
        await sender.send(mail.address, OutgoingMessage(title=mail.title, body=mail.body))
    except DeliveryFailed as exc:
        log.warning("password_reset_mail_failed", reason=str(exc))


@router.post("/password-reset/confirm", status_code=status.HTTP_204_NO_CONTENT)
async def set_new_password(body: ResetConfirm, runtime: RuntimeDep) -> None:
    async with runtime.db.transaction() as uow:
        await runtime.password_resets.confirm(uow, body)
