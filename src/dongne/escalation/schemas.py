"""`new_question_notification` on the wire (PROTOCOL.md)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from dongne.kit.schema import RequestModel, WireModel


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
    language: str = "ko"  # detected at ask time: ko, en, zh or ja


class NewQuestionNotification(WireModel):
    event_id: int
    question: NotifiedQuestion
    priority: Literal["IMMEDIATE", "QUICK", "EXTENDED", "FINAL"]
    distance_meters: int | None
    sound: Literal["urgent", "normal"]
    vibration: Literal["strong", "light"]


class ClaimQuestion(RequestModel):
    """`claim_question`: "답변할게요" — a notified local says they are writing an answer."""

    question_id: str


class Claimed(WireModel):
    ok: bool = True
    claimed_until: datetime


class SetOnDuty(RequestModel):
    """`set_on_duty`: "지금 답변할 수 있어요" for `minutes` (default 60, 15–240), or off."""

    on: bool
    minutes: int = Field(default=60, ge=15, le=240)


class OnDuty(WireModel):
    ok: bool = True
    on_duty_until: datetime | None


class ClaimedBy(WireModel):
    nickname: str


class ProgressNext(WireModel):
    what: Literal["widening", "holding", "answered", "exhausted"]
    at: datetime | None = None


class QuestionProgress(WireModel):
    """`question_progress` (to the asker's devices and the question's room), and `progress`
    of `GET /api/questions/{id}`: how the search for a first answer is going."""

    question_id: str
    asked: int  # locals notified so far
    seen: int  # of them, those who opened it or confirmed its delivery
    answering: int  # locals with a fresh claim (or typing) right now
    claimed_by: ClaimedBy | None
    next: ProgressNext


class NotificationSeen(RequestModel):
    """`notification_seen`: the local saw the question (opened it or its notification)."""

    question_id: str


class Seen(WireModel):
    ok: bool = True


class Burden(WireModel):
    """What routing costs the locals, over the window of `GET /api/admin/stats`."""

    locals: int  # verified locals, on duty or not
    per_local_per_day_median: float
    per_local_per_day_p95: float
    on_duty_locals: int  # counted apart: they chose to be asked
    on_duty_per_day_median: float | None
    on_duty_per_day_p95: float | None
    per_question: float | None  # question notifications per question asked
    answered_by_first_round: float | None  # share of questions asked
    alerts_off: int  # verified locals with both socket and push alerts off
