"""Who hears about a question, in which wave, and how loudly: pure rules, no I/O, no clock.

The same functions drive the live service and the simulation of a Jeju day, so they take
everything they need as arguments (candidates, the local time) and are linear in the
number of candidates plus one sort.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import time
from enum import StrEnum
from typing import Literal

from dongne.kit.geo import round_distance_m
from dongne.notifications.policy import (
    Priority,
    QuietHours,
    RecipientSettings,
    held_by_quiet_hours,
    seoul_local_time,
)

__all__ = [
    "DEFAULT_PLAN",
    "Candidate",
    "Priority",
    "QuestionFacts",
    "QuietHours",
    "Recipient",
    "RecipientSettings",
    "Wave",
    "WavePlan",
    "alert_style",
    "held_by_quiet_hours",
    "plan_for",
    "question_priority",
    "select_recipients",
    "seoul_local_time",
    "wave_should_run",
]

Sound = Literal["urgent", "normal"]
Vibration = Literal["strong", "light"]


class Wave(StrEnum):
    IMMEDIATE = "IMMEDIATE"
    QUICK = "QUICK"
    EXTENDED = "EXTENDED"
    FINAL = "FINAL"


@dataclass(frozen=True)
class WavePlan:
    wave: Wave
    delay_s: float
    radius_m: float | None  # None: anywhere on Jeju
    limit: int | None
    online_only: bool
    experts_only: bool = False
    requires_no_answer: bool = False
    # Locals who follow the question's region hear of it wherever they are (and by push
    # when offline): the neighbourhood subscription of a resident who works elsewhere.
    region_followers: bool = False


DEFAULT_PLAN: tuple[WavePlan, ...] = (
    WavePlan(Wave.IMMEDIATE, 0, 2_000, 10, online_only=True),
    WavePlan(Wave.QUICK, 3, 5_000, None, online_only=True, region_followers=True),
    WavePlan(Wave.EXTENDED, 30, None, None, online_only=False, experts_only=True),
    WavePlan(Wave.FINAL, 120, None, None, online_only=False, requires_no_answer=True),
)


@dataclass(frozen=True)
class QuestionFacts:
    id: str
    asker_id: str
    hashtags: frozenset[str]
    urgent: bool
    answer_count: int
    accepted: bool


@dataclass(frozen=True)
class Candidate:
    user_id: str
    distance_m: float | None  # None: position unknown (offline)
    online: bool
    settings: RecipientSettings
    expert_tags: frozenset[str]  # tags of their accepted answers and declared interests
    recent_notifications: int  # question notifications in the last hour
    already_notified: bool  # of this question, in any wave
    follows_region: bool = False  # follows the region the question was asked in


@dataclass(frozen=True)
class Recipient:
    user_id: str
    distance_m: int | None  # rounded to 100 m: other users never learn exact positions
    wave: Wave
    priority: Priority
    sound: Sound
    vibration: Vibration


def plan_for(wave: Wave, plan: Sequence[WavePlan] = DEFAULT_PLAN) -> WavePlan:
    return next(step for step in plan if step.wave is wave)


def wave_should_run(plan: WavePlan, question: QuestionFacts) -> bool:
    if question.accepted:
        return False
    return not (plan.requires_no_answer and question.answer_count > 0)


def question_priority(wave: Wave, urgent: bool) -> Priority:
    """Urgent questions are HIGH in every wave, others only in the first.

    CRITICAL is kept for operator and safety messages, so quiet hours still hold back an
    urgent "is the ticket office open?" at 3 a.m.
    """
    return Priority.HIGH if urgent or wave is Wave.IMMEDIATE else Priority.NORMAL


def alert_style(wave: Wave, urgent: bool) -> tuple[Sound, Vibration]:
    """The seed rings loudly for the first wave; urgent questions ring loudly in every wave."""
    if urgent or wave is Wave.IMMEDIATE:
        return "urgent", "strong"
    return "normal", "light"


def select_recipients(
    plan: WavePlan,
    question: QuestionFacts,
    candidates: Iterable[Candidate],
    *,
    local_time: time,
    fatigue_cap: int,
) -> list[Recipient]:
    """The users this wave notifies, nearest first (unknown distance last, ties by id).

    Each user is judged once, by their first listing, and skipped when, in this order:
    they asked the question; they were already notified of it (any wave); the wave is
    online-only and they are offline or have no live position; the wave has a radius and
    they are beyond it or beyond their personal radius (both inclusive); the wave is
    IMMEDIATE and they turned immediate alerts off; the wave wants experts and their tags
    miss the question's; they muted one of its hashtags; quiet hours hold its priority;
    they already had `fatigue_cap` question notifications this hour. The rest are sorted
    and cut at `plan.limit`. In a wave with `region_followers`, users who follow the
    question's region are exempt from the online-only and radius rules (and only those).

    The personal radius bounds how far away a question may be to reach someone *by
    proximity*, so it applies to the distance-based waves only; EXTENDED and FINAL are
    island-wide by definition.
    """
    priority = question_priority(plan.wave, question.urgent)
    sound, vibration = alert_style(plan.wave, question.urgent)
    seen: set[str] = set()
    chosen: list[Candidate] = []
    for candidate in candidates:
        # A user listed twice is judged once, by the first listing.
        if candidate.user_id in seen:
            continue
        seen.add(candidate.user_id)
        if _eligible(plan, question, candidate, priority, local_time, fatigue_cap):
            chosen.append(candidate)
    ordered = sorted(chosen, key=_nearest_first)
    if plan.limit is not None:
        ordered = ordered[: plan.limit]
    return [
        Recipient(
            user_id=c.user_id,
            distance_m=None if c.distance_m is None else round_distance_m(c.distance_m),
            wave=plan.wave,
            priority=priority,
            sound=sound,
            vibration=vibration,
        )
        for c in ordered
    ]


def _eligible(
    plan: WavePlan,
    question: QuestionFacts,
    candidate: Candidate,
    priority: Priority,
    local_time: time,
    fatigue_cap: int,
) -> bool:
    settings = candidate.settings
    if candidate.user_id == question.asker_id or candidate.already_notified:
        return False
    follower = plan.region_followers and candidate.follows_region
    if not follower and plan.online_only and (not candidate.online or candidate.distance_m is None):
        return False
    if plan.radius_m is not None and not follower:
        distance = candidate.distance_m
        if distance is None or distance > plan.radius_m or distance > settings.radius_m:
            return False
    if plan.wave is Wave.IMMEDIATE and not settings.immediate_alerts:
        return False
    if plan.experts_only and not candidate.expert_tags & question.hashtags:
        return False
    if question.hashtags & settings.muted_hashtags:
        return False
    if held_by_quiet_hours(priority, settings, local_time):
        return False
    return candidate.recent_notifications < fatigue_cap


def _nearest_first(candidate: Candidate) -> tuple[bool, float, str]:
    distance = candidate.distance_m
    return (distance is None, distance if distance is not None else 0.0, candidate.user_id)
