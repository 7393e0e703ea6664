"""Sends one queued notification over push, email or SMS (run by the delivery jobs).

A transient failure raises (the job retries with backoff); a refusal for good raises
PermanentFailure; a push subscription the push service reports gone is deleted.
"""

from __future__ import annotations

from typing import Any

import structlog

from dongne.infra.metrics import NOTIFICATIONS
from dongne.infra.senders.base import DeliveryFailed, DeliveryResult, OutgoingMessage
from dongne.infra.senders.registry import ChannelSenders
from dongne.infra.senders.webpush import PushSubscription as BrowserSubscription
from dongne.jobs.service import PermanentFailure
from dongne.kit.db import Database
from dongne.kit.messages import Language, language_of, render
from dongne.notifications.repository import PushSubscriptionRepository
from dongne.users.service import UsersService

log = structlog.get_logger("dongne.notifications")


def _message(payload: dict[str, Any], language: Language) -> OutgoingMessage:
    """The queued texts (catalogue keys, or plain text queued earlier) in this language."""
    return OutgoingMessage(
        title=render(payload["title"], language),
        body=render(payload["body"], language),
        data=dict(payload.get("data") or {}),
        urgent=bool(payload.get("urgent")),
    )


def _permanent(exc: DeliveryFailed) -> Exception:
    return exc if exc.retryable else PermanentFailure(str(exc))


class DeliveryService:
    def __init__(self, db: Database, senders: ChannelSenders, users: UsersService) -> None:
        self._db = db
        self._senders = senders
        self._users = users

    async def push(self, payload: dict[str, Any]) -> None:
        user_id = str(payload["userId"])
        async with self._db.transaction(readonly=True) as uow:
            rows = await PushSubscriptionRepository(uow.session).of_user(user_id)
            language = (await self._users.profile(uow, user_id)).language if rows else None
        message = _message(payload, language_of(language))
        retry: DeliveryFailed | None = None
        for row in rows:
            subscription = BrowserSubscription(row.endpoint, row.p256dh, row.auth)
            try:
                result = await self._senders.push.send(subscription, message)
            except DeliveryFailed as exc:
                log.warning("push_failed", user_id=user_id, retryable=exc.retryable, error=str(exc))
                retry = retry or (exc if exc.retryable else None)
                continue
            if result is DeliveryResult.SENT:
                NOTIFICATIONS.labels(str(payload.get("data", {}).get("wave", "")), "push").inc()
            if result is DeliveryResult.GONE:
                async with self._db.transaction() as uow:
                    await PushSubscriptionRepository(uow.session).delete_endpoint(row.endpoint)
                log.info("push_subscription_gone", user_id=user_id)
        if retry is not None:
            raise retry

    async def email(self, payload: dict[str, Any]) -> None:
        sender = self._senders.email
        if sender is None:
            raise PermanentFailure("email is not configured")
        async with self._db.transaction(readonly=True) as uow:
            user = await self._users.get(uow, str(payload["userId"]))
        try:
            await sender.send(user.email, _message(payload, language_of(user.language)))
        except DeliveryFailed as exc:
            raise _permanent(exc) from exc

    async def sms(self, payload: dict[str, Any]) -> None:
        sender = self._senders.sms
        if sender is None:
            raise PermanentFailure("SMS is not configured")
        async with self._db.transaction(readonly=True) as uow:
            user = await self._users.get(uow, str(payload["userId"]))
        if not user.phone:
            raise PermanentFailure("no phone number")
        try:
            await sender.send(user.phone, _message(payload, language_of(user.language)))
        except DeliveryFailed as exc:
            raise _permanent(exc) from exc
