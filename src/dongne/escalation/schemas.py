"""`new_question_notification` on the wire (PROTOCOL.md)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from dongne.kit.schema import WireModel


class NotifiedLocation(WireModel):
    lat: float
    lng: float


class NotifiedQuestion(WireModel):
    id: str
    title: str
    location: NotifiedLocation
    region_code: str
    hashtags: list[str]
    urgency: str
    created_at: datetime


class NewQuestionNotification(WireModel):
    event_id: int
    question: NotifiedQuestion
    priority: Literal["IMMEDIATE", "QUICK", "EXTENDED", "FINAL"]
    distance_meters: int | None
    sound: Literal["urgent", "normal"]
    vibration: Literal["strong", "light"]
