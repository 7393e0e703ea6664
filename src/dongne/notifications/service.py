"""Sends a notification: stored in the history, logged for replay, emitted to every device."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from dongne.eventlog.service import Delivery, EventLogService
from dongne.kit.clock import Clock
from dongne.kit.db import UnitOfWork
from dongne.kit.errors import DongneError, ErrorCode
from dongne.kit.ids import new_id
from dongne.models.events import Notification
from dongne.notifications.repository import NotificationRepository
from dongne.notifications.schemas import (
    NotificationEvent,
    NotificationMarked,
    NotificationOut,
    NotificationPage,
)

NOT_FOUND = "알림을 찾을 수 없습니다 (Notification not found)"


@dataclass(frozen=True)
class Message:
    type: str
    title: str
    message: str
    priority: str = "NORMAL"
    sound: Literal["urgent", "normal"] = "normal"
    data: dict[str, Any] = field(default_factory=dict)


class NotificationsService:
    def __init__(self, clock: Clock, event_log: EventLogService) -> None:
        self._clock = clock
        self._event_log = event_log

    async def notify(self, uow: UnitOfWork, user_id: str, message: Message) -> None:
        now = self._clock.now()
        notification_id = new_id(now)

        def build(event_id: int) -> NotificationEvent:
            return NotificationEvent(
                event_id=event_id,
                id=notification_id,
                type=message.type,
                title=message.title,
                message=message.message,
                data=message.data,
                priority=message.priority,
                timestamp=now,
                sound=message.sound,
            )

        [sent] = await self._event_log.deliver(uow, "notification", [Delivery(user_id, build)])
        NotificationRepository(uow.session).add(
            Notification(
                id=notification_id,
                user_id=user_id,
                type=message.type,
                title=message.title,
                message=message.message,
                data=message.data,
                priority=message.priority,
                event_id=sent.event_id,
                created_at=now,
            )
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
