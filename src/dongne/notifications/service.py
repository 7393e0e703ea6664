"""Sends a notification: stored in the history, logged for replay, emitted to every device,
and queued for push, email and SMS where the user wants them and the deployment has them."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import orjson
import structlog

from dongne.eventlog.service import Delivery, EventLogService
from dongne.infra.senders.base import PUSH, USER_CHANNELS, WEBHOOK
from dongne.infra.senders.webpush import PushSubscription as BrowserSubscription
from dongne.jobs.service import JobQueue
from dongne.kit.clock import Clock
from dongne.kit.db import UnitOfWork
from dongne.kit.errors import DongneError, ErrorCode
from dongne.kit.ids import new_id
from dongne.kit.messages import MessageKey, Readable, language_of, render, text, to_json
from dongne.models.events import Notification
from dongne.models.push import PushSubscription
from dongne.notifications.policy import (
    JOB_PRIORITY,
    Priority,
    QuietHours,
    external_channels,
    seoul_local_time,
)
from dongne.notifications.repository import NotificationRepository, PushSubscriptionRepository
from dongne.notifications.schemas import (
    NotificationEvent,
    NotificationMarked,
    NotificationOut,
    NotificationPage,
)
from dongne.settings.schemas import SettingsOut
from dongne.settings.service import SettingsService
from dongne.users.service import UsersService

log = structlog.get_logger("dongne.notifications")

NOT_FOUND = text(MessageKey.NOTIFICATION_NOT_FOUND)
DELIVERY_JOB = "notify.{channel}"
NOTIFICATION_EVENT = "notification"


@dataclass(frozen=True)
class Message:
    type: str
    title: Readable
    message: Readable
    priority: Priority = Priority.NORMAL
    sound: Literal["urgent", "normal"] = "normal"
    data: dict[str, Any] = field(default_factory=dict)
    # False: push/email/SMS only while the user has no socket open (the socket told them).
    external_when_online: bool = True


def content_key(*parts: object) -> str:
    """An event's key derived from what it says: the same content queued twice is one event."""
    content = orjson.dumps(list(parts), option=orjson.OPT_SORT_KEYS, default=str)
    return hashlib.sha256(content).hexdigest()[:32]


@dataclass(frozen=True)
class Alert:
    """What push, email and SMS carry; `channels` narrows which of them may be used.

    `key` names the event for the deliveries' idempotency keys; by default it is derived
    from what the alert says, so the same alert queued twice is the same event."""

    # Rendered per recipient at delivery (notifications/delivery.py).
    title: Readable
    body: Readable
    priority: Priority
    data: dict[str, Any] = field(default_factory=dict)
    channels: frozenset[str] = frozenset(USER_CHANNELS)
    key: str | None = None

    def event_key(self) -> str:
        return self.key or content_key(self.title, self.body, self.data)


class NotificationsService:
    def __init__(
        self,
        *,
        clock: Clock,
        users: UsersService,
        event_log: EventLogService,
        settings: SettingsService,
        jobs: JobQueue,
        configured_channels: frozenset[str],
        is_online: Callable[[str], bool] | None = None,
    ) -> None:
        self._clock = clock
        self._users = users
        self._event_log = event_log
        self._settings = settings
        self._jobs = jobs
        self._configured = configured_channels
        self._is_online = is_online

    async def notify(self, uow: UnitOfWork, user_id: str, message: Message) -> None:
        now = self._clock.now()
        notification_id = new_id(now)
        settings = await self._settings.get(uow, user_id)
        # Stored and sent in the recipient's language (Korean until they choose one).
        language = language_of((await self._users.profile(uow, user_id)).language)
        title = render(message.title, language)
        body = render(message.message, language)

        def build(event_id: int) -> NotificationEvent:
            # Runs just before the commit, with the allocated id: the history row keeps it.
            NotificationRepository(uow.session).add(
                Notification(
                    id=notification_id,
                    user_id=user_id,
                    type=message.type,
                    title=title,
                    message=body,
                    data=message.data,
                    priority=message.priority.value,
                    event_id=event_id,
                    created_at=now,
                )
            )
            return NotificationEvent(
                event_id=event_id,
                id=notification_id,
                type=message.type,
                title=title,
                message=body,
                data=message.data,
                priority=message.priority.value,
                timestamp=now,
                sound=message.sound,
            )

        await self._event_log.deliver(
            uow, NOTIFICATION_EVENT, [Delivery(user_id, build, live=settings.channels.socket)]
        )
        if not message.external_when_online and self._is_online and self._is_online(user_id):
            return
        alert = Alert(
            title=message.title,
            body=message.message,
            priority=message.priority,
            data={**message.data, "notificationId": notification_id},
            key=notification_id,
        )
        await self._queue_external(uow, {user_id: settings}, alert)

    async def reword(
        self, uow: UnitOfWork, user_id: str, carrying: tuple[str, str], message: Message
    ) -> int:
        """Makes the user's stored notifications of `message.type` whose data holds the
        (key, value) in `carrying` say `message` instead, in the history and in what the
        sync replays: for what must not be shown any more. Pushes already shown stay on
        the device. Returns how many changed."""
        language = language_of((await self._users.profile(uow, user_id)).language)
        title = render(message.title, language)
        body = render(message.message, language)

        def reworded(_type: str, payload: dict[str, Any]) -> dict[str, Any]:
            return {**payload, "title": title, "message": body}

        key, value = carrying
        rows = await NotificationRepository(uow.session).carrying(user_id, message.type, key, value)
        for row in rows:
            row.title, row.message = title, body
            await self._event_log.rewrite(
                uow,
                [NOTIFICATION_EVENT],
                (("id",), row.id),
                reworded,
                since=row.created_at,
                user_id=user_id,
            )
        return len(rows)

    async def alert_operators(self, uow: UnitOfWork, data: dict[str, Any]) -> None:
        """The operators' webhook, when this deployment has one: the same delivery path."""
        if WEBHOOK not in self._configured:
            return
        # The webhook carries data only: no text to render.
        await self._jobs.enqueue(
            uow,
            DELIVERY_JOB.format(channel=WEBHOOK),
            {"data": data, "deliveryKey": content_key(data)},
            priority=JOB_PRIORITY[Priority.HIGH],
        )

    async def alert(self, uow: UnitOfWork, user_ids: Sequence[str], alert: Alert) -> None:
        """Push/email/SMS only (the socket event went out already), in bulk."""
        if user_ids:
            await self._queue_external(uow, await self._settings.get_many(uow, user_ids), alert)

    async def _queue_external(
        self, uow: UnitOfWork, settings: Mapping[str, SettingsOut], alert: Alert
    ) -> None:
        local_time = seoul_local_time(self._clock.now())
        key = alert.event_key()
        # A push job for someone with no browser subscribed would only do nothing, later.
        subscribed = await PushSubscriptionRepository(uow.session).subscribed(list(settings))
        per_channel: dict[str, list[dict[str, Any]]] = {}
        for user_id, user_settings in settings.items():
            enabled = (
                frozenset(c for c, on in user_settings.channels.model_dump().items() if on)
                & alert.channels
            )
            plan = external_channels(
                alert.priority,
                enabled,
                self._configured,
                _quiet_hours(user_settings),
                local_time,
            )
            if plan.unconfigured or plan.held_by_quiet_hours:
                log.info(
                    "channels_skipped",
                    user_id=user_id,
                    unconfigured=list(plan.unconfigured),
                    quiet_hours=plan.held_by_quiet_hours,
                )
            for channel in plan.send:
                if channel == PUSH and user_id not in subscribed:
                    continue
                per_channel.setdefault(channel, []).append(
                    {
                        "userId": user_id,
                        "title": to_json(alert.title),
                        "body": to_json(alert.body),
                        "data": alert.data,
                        "urgent": alert.priority in (Priority.CRITICAL, Priority.HIGH),
                        "deliveryKey": key,
                    }
                )
        for channel, payloads in per_channel.items():
            await self._jobs.enqueue_many(
                uow,
                DELIVERY_JOB.format(channel=channel),
                payloads,
                priority=JOB_PRIORITY[alert.priority],
            )

    async def history(
        self, uow: UnitOfWork, user_id: str, *, limit: int, before: str | None
    ) -> NotificationPage:
        repo = NotificationRepository(uow.session)
        rows = await repo.newest(user_id, limit=limit, before=before)
        return NotificationPage(
            notifications=[NotificationOut.model_validate(row) for row in rows],
            unread_count=await repo.unread_count(user_id),
        )

    async def mark_read(
        self, uow: UnitOfWork, user_id: str, notification_id: str
    ) -> NotificationMarked:
        notification = await NotificationRepository(uow.session).get(notification_id)
        # Another user's notification answers as missing: ids must not reveal what exists.
        if notification is None or notification.user_id != user_id:
            raise DongneError(ErrorCode.NOT_FOUND, NOT_FOUND)
        if notification.read_at is None:
            notification.read_at = self._clock.now()
        return NotificationMarked(notification_id=notification.id, read_at=notification.read_at)

    async def subscribe_push(
        self, uow: UnitOfWork, user_id: str, browser_json: Mapping[str, Any]
    ) -> None:
        try:
            subscription = BrowserSubscription.from_browser_json(browser_json)
        except ValueError as exc:
            raise DongneError(
                ErrorCode.INVALID, text(MessageKey.PUSH_SUBSCRIPTION_INVALID, detail=str(exc))
            ) from exc
        now = self._clock.now()
        await PushSubscriptionRepository(uow.session).upsert(
            PushSubscription(
                id=new_id(now),
                user_id=user_id,
                endpoint=subscription.endpoint,
                p256dh=subscription.p256dh,
                auth=subscription.auth,
                created_at=now,
            )
        )

    async def unsubscribe_push(self, uow: UnitOfWork, user_id: str, endpoint: str) -> None:
        if not await PushSubscriptionRepository(uow.session).delete(user_id, endpoint):
            raise DongneError(ErrorCode.NOT_FOUND, text(MessageKey.PUSH_SUBSCRIPTION_NOT_FOUND))


def _quiet_hours(settings: SettingsOut) -> QuietHours | None:
    quiet = settings.quiet_hours
    return QuietHours.parse(quiet.start, quiet.end) if quiet else None
