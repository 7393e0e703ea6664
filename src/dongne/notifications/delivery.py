"""The one delivery path of every external channel (run by the `notify.<channel>` jobs).

The channel's sender comes from the registry (`ChannelSenders`, name → sender); its
addresses from `_addresses`, keyed on the same names. Each (event, channel, address) has
an idempotency key: the job checks it before sending and records it after, so a retried
job never sends what already went out. Only a crash between the send and the record sends
twice; Web Push then carries the same `Topic` and `tag`, so the device shows it once
(docs/reliability.md, "Delivery guarantees per channel").

A transient failure raises (the job retries with backoff); a refusal for good raises
PermanentFailure; a push subscription the push service reports gone is deleted.
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

import structlog

from dongne.infra.metrics import NOTIFICATIONS
from dongne.infra.senders.base import (
    EMAIL,
    PUSH,
    SMS,
    WEBHOOK,
    DeliveryFailed,
    DeliveryResult,
    OutgoingMessage,
)
from dongne.infra.senders.registry import ChannelSenders
from dongne.infra.senders.webpush import PushSubscription as BrowserSubscription
from dongne.jobs.service import PermanentFailure
from dongne.kit.clock import Clock
from dongne.kit.db import Database, UnitOfWork
from dongne.kit.messages import Language, language_of, render
from dongne.notifications.repository import PushSubscriptionRepository, SentDeliveryRepository
from dongne.users.service import UsersService

log = structlog.get_logger("dongne.notifications")

# Keys older than this are forgotten: no job retries for that long.
KEYS_KEPT = timedelta(days=2)


def _message(payload: dict[str, Any], language: Language) -> OutgoingMessage:
    """The queued texts (catalogue keys, or plain text queued earlier) in this language."""
    key = payload.get("deliveryKey")
    return OutgoingMessage(
        title=render(payload.get("title", ""), language),
        body=render(payload.get("body", ""), language),
        data=dict(payload.get("data") or {}),
        urgent=bool(payload.get("urgent")),
        key=str(key) if key else None,
    )


def _address_key(address: Any) -> str:
    text = address.endpoint if isinstance(address, BrowserSubscription) else str(address)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


class DeliveryService:
    def __init__(
        self,
        db: Database,
        senders: ChannelSenders,
        users: UsersService,
        clock: Clock,
        *,
        webhook_url: str | None = None,
    ) -> None:
        self._db = db
        self._senders = senders
        self._users = users
        self._clock = clock
        self._webhook_url = webhook_url
        self._address_books: dict[str, Callable[[dict[str, Any]], Awaitable[list[Any]]]] = {
            PUSH: self._push_subscriptions,
            EMAIL: self._email_address,
            SMS: self._phone_number,
            WEBHOOK: self._webhook,
        }

    def channels(self) -> frozenset[str]:
        """The channels this deployment can deliver on (sender and address book both)."""
        return self._senders.configured() & frozenset(self._address_books)

    async def deliver(self, channel: str, payload: dict[str, Any]) -> None:
        sender = self._senders.get(channel)
        if sender is None:
            raise PermanentFailure(f"{channel} is not configured")
        message = _message(payload, await self._language(payload))
        retry: DeliveryFailed | None = None
        refused: DeliveryFailed | None = None
        delivered = 0
        for address in await self._address_books[channel](payload):
            key = f"{message.key}:{channel}:{_address_key(address)}" if message.key else None
            if key is not None and await self._already_sent(key):
                log.info("delivery_already_sent", channel=channel, key=key)
                continue
            try:
                result = await sender.send(address, message)
            except DeliveryFailed as exc:
                log.warning(
                    "delivery_failed", channel=channel, retryable=exc.retryable, error=str(exc)
                )
                if exc.retryable:
                    retry = retry or exc
                else:
                    refused = refused or exc
                continue
            if result is DeliveryResult.GONE:
                await self._gone(channel, address)
                continue
            if key is not None:
                async with self._db.transaction() as uow:
                    await SentDeliveryRepository(uow.session).record(key, self._clock.now())
            delivered += 1
            NOTIFICATIONS.labels(str(message.data.get("wave", "")), channel).inc()
        if retry is not None:
            raise retry
        if refused is not None and not delivered:
            raise PermanentFailure(str(refused)) from refused

    async def forget_old_keys(self, uow: UnitOfWork) -> int:
        return await SentDeliveryRepository(uow.session).forget_before(
            self._clock.now() - KEYS_KEPT
        )

    async def _already_sent(self, key: str) -> bool:
        async with self._db.transaction(readonly=True) as uow:
            return await SentDeliveryRepository(uow.session).was_sent(key)

    async def _gone(self, channel: str, address: Any) -> None:
        if isinstance(address, BrowserSubscription):
            async with self._db.transaction() as uow:
                await PushSubscriptionRepository(uow.session).delete_endpoint(address.endpoint)
        log.info("delivery_address_gone", channel=channel)

    async def _push_subscriptions(self, payload: dict[str, Any]) -> list[Any]:
        async with self._db.transaction(readonly=True) as uow:
            rows = await PushSubscriptionRepository(uow.session).of_user(str(payload["userId"]))
        return [BrowserSubscription(row.endpoint, row.p256dh, row.auth) for row in rows]

    async def _email_address(self, payload: dict[str, Any]) -> list[Any]:
        async with self._db.transaction(readonly=True) as uow:
            user = await self._users.get(uow, str(payload["userId"]))
        return [user.email]

    async def _phone_number(self, payload: dict[str, Any]) -> list[Any]:
        async with self._db.transaction(readonly=True) as uow:
            user = await self._users.get(uow, str(payload["userId"]))
        if not user.phone:
            raise PermanentFailure("no phone number")
        return [user.phone]

    async def _webhook(self, payload: dict[str, Any]) -> list[Any]:
        return [self._webhook_url] if self._webhook_url else []

    async def _language(self, payload: dict[str, Any]) -> Language:
        """The recipient's language (Korean for the operators' webhook and until chosen)."""
        if "userId" not in payload:
            return language_of(None)
        async with self._db.transaction(readonly=True) as uow:
            profile = await self._users.profile(uow, str(payload["userId"]))
        return language_of(profile.language)
