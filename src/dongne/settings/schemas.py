"""Notification settings on the wire: `GET/PUT /api/me/settings`."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, Field

from dongne.kit.schema import RequestModel, WireModel

_HH_MM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
DEFAULT_RADIUS_M = 5_000
Language = Literal["ko", "en", "zh", "ja"]
DEFAULT_LANGUAGES: list[Language] = ["ko"]


def _distinct(values: list[Language]) -> list[Language]:
    return list(dict.fromkeys(values))


def _clock_time(value: str) -> str:
    if not _HH_MM.match(value):
        raise ValueError("time must be HH:MM (24 h, Asia/Seoul)")
    return value


ClockTime = Annotated[str, AfterValidator(_clock_time)]


class QuietHoursIn(RequestModel):
    start: ClockTime
    end: ClockTime


class QuietHoursOut(WireModel):
    start: str
    end: str


class Channels(RequestModel):
    socket: bool = True
    push: bool = True
    email: bool = False
    sms: bool = False


class SettingsUpdate(RequestModel):
    """A full replacement of the settings (PUT); omitted fields take their defaults."""

    immediate_alerts: bool = True
    quiet_hours: QuietHoursIn | None = None
    channels: Channels = Field(default_factory=Channels)
    radius_meters: int = Field(default=DEFAULT_RADIUS_M, ge=100, le=100_000)
    muted_hashtags: list[str] = Field(default_factory=list, max_length=50)
    interests: list[str] = Field(default_factory=list, max_length=50)
    followed_regions: list[str] = Field(default_factory=list, max_length=20)
    # The languages they can answer in: the router prefers locals who read a question's.
    languages: Annotated[list[Language], AfterValidator(_distinct)] = Field(
        default_factory=lambda: list(DEFAULT_LANGUAGES), min_length=1, max_length=4
    )


class SettingsOut(WireModel):
    immediate_alerts: bool
    quiet_hours: QuietHoursOut | None
    channels: Channels
    radius_meters: int
    muted_hashtags: list[str]
    interests: list[str]
    followed_regions: list[str]
    languages: list[str]
    # Set with the `set_on_duty` socket event, not by PUT; null when not on duty.
    on_duty_until: datetime | None = None
