"""The `notification` event and the notification history of the HTTP API."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import Field

from dongne.kit.schema import RequestModel, WireModel


class NotificationOut(WireModel):
    id: str
    type: str
    title: str
    message: str
    data: dict[str, Any]
    priority: str
    created_at: datetime
    read_at: datetime | None
    event_id: int


class NotificationEvent(WireModel):
    """`notification` on the wire (PROTOCOL.md)."""

    event_id: int
    id: str
    type: str
    title: str
    message: str
    data: dict[str, Any]
    priority: str
    timestamp: datetime
    sound: Literal["urgent", "normal"]


class NotificationPage(WireModel):
    notifications: list[NotificationOut]
    unread_count: int


class MarkNotificationRead(RequestModel):
    notification_id: str = Field(min_length=1, max_length=40)


class NotificationMarked(WireModel):
    notification_id: str
    read_at: datetime


class PushKeys(RequestModel):
    p256dh: str = Field(min_length=1, max_length=200)
    auth: str = Field(min_length=1, max_length=100)


class BrowserPushSubscription(RequestModel):
    """A browser's `PushSubscription.toJSON()`."""

    endpoint: str = Field(min_length=8, max_length=1000)
    keys: PushKeys
    expiration_time: float | None = None


class PushEndpoint(RequestModel):
    endpoint: str = Field(min_length=8, max_length=1000)


class VapidPublicKey(WireModel):
    """The `applicationServerKey` for `pushManager.subscribe()`."""

    public_key: str
