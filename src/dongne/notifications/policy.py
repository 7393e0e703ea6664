"""Who may be alerted how, and when: priorities, quiet hours (Asia/Seoul), channels."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dongne.infra.senders.base import USER_CHANNELS


class Priority(StrEnum):
    CRITICAL = "CRITICAL"
    HIGH = "HIGH"
    NORMAL = "NORMAL"
    LOW = "LOW"


@dataclass(frozen=True)
class QuietHours:
    """Wall-clock hours in Asia/Seoul; may wrap midnight (22:00–07:00). start == end: none."""

    start: time
    end: time

    @classmethod
    def parse(cls, start: str, end: str) -> QuietHours:
        """From "HH:MM" strings, as settings store them."""
        return cls(time.fromisoformat(start), time.fromisoformat(end))

    def contains(self, local_time: time) -> bool:
        if self.start == self.end:
            return False
        if self.start < self.end:
            return self.start <= local_time < self.end
        return local_time >= self.start or local_time < self.end


@dataclass(frozen=True)
class RecipientSettings:
    immediate_alerts: bool = True
    quiet_hours: QuietHours | None = None
    radius_m: int = 5_000
    muted_hashtags: frozenset[str] = frozenset()
    interests: frozenset[str] = frozenset()


def held_by_quiet_hours(priority: Priority, settings: RecipientSettings, local_time: time) -> bool:
    if priority is Priority.CRITICAL or settings.quiet_hours is None:
        return False
    return settings.quiet_hours.contains(local_time)


def _seoul() -> timezone | ZoneInfo:
    try:
        return ZoneInfo("Asia/Seoul")
    except ZoneInfoNotFoundError:
        # Seoul keeps UTC+9 all year (no daylight saving), so a fixed offset is exact.
        return timezone(timedelta(hours=9))


SEOUL = _seoul()


def seoul_local_time(moment: datetime) -> time:
    return moment.astimezone(UTC).astimezone(SEOUL).time()


def seoul_date(moment: datetime) -> date:
    return moment.astimezone(UTC).astimezone(SEOUL).date()


JOB_PRIORITY = {Priority.CRITICAL: 3, Priority.HIGH: 2, Priority.NORMAL: 1, Priority.LOW: 0}


@dataclass(frozen=True)
class ChannelPlan:
    """Where one notification goes beyond the socket, and what was left out and why."""

    send: tuple[str, ...]
    held_by_quiet_hours: bool
    unconfigured: tuple[str, ...]


def external_channels(
    priority: Priority,
    enabled: frozenset[str],
    configured: frozenset[str],
    quiet_hours: QuietHours | None,
    local_time: time,
) -> ChannelPlan:
    """Quiet hours hold back everything but CRITICAL; a channel the user enabled but this
    deployment lacks is skipped, visibly, never an error."""
    wanted = [c for c in USER_CHANNELS if c in enabled]
    unconfigured = tuple(c for c in wanted if c not in configured)
    held = held_by_quiet_hours(priority, RecipientSettings(quiet_hours=quiet_hours), local_time)
    send = () if held else tuple(c for c in wanted if c in configured)
    return ChannelPlan(send=send, held_by_quiet_hours=held, unconfigured=unconfigured)
