"""`sync_unread_messages` and its reply `unread_messages` (PROTOCOL.md)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import Field

from dongne.kit.schema import RequestModel, WireModel


class SyncRequest(RequestModel):
    last_event_id: int | None = Field(default=None, ge=0)
    last_sync_timestamp: datetime | None = None


class LoggedEvent(WireModel):
    event_id: int
    type: str
    payload: dict[str, Any]
    created_at: datetime


class UnreadMessages(WireModel):
    events: list[LoggedEvent]
    last_event_id: int | None
    # True when the page is full: call again with the returned lastEventId for the rest.
    has_more: bool
