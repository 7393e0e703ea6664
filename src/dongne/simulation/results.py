"""What one pass of the simulation produces: per-question outcomes and per-local burden."""

from __future__ import annotations

from dataclasses import dataclass

from dongne.escalation.policy import Wave
from dongne.simulation.answers import Channel
from dongne.simulation.policies import PolicySpec


@dataclass(frozen=True, slots=True)
class Notification:
    question: int
    local: int
    t: float
    wave: Wave
    channel: Channel


@dataclass(frozen=True)
class PolicyResult:
    policy: PolicySpec
    time_to_first_answer: list[float | None]  # per question, None: unanswered
    outcomes: list[str]  # per question
    notifications_per_local: list[int]
    by_wave: dict[str, int]
    by_channel: dict[str, int]
    waves_run: dict[str, int]
    duration_h: float
    wall_s: float
    trace: list[Notification] | None = None
    notifications_per_question: list[int] | None = None
    opted_out_at: dict[int, float] | None = None  # local -> when they turned alerts off
    on_duty_locals: list[int] | None = None  # locals who go on duty (burden counted apart)
    first_round: list[bool] | None = None  # per question: first answer from round 1

    @property
    def notifications(self) -> int:
        return sum(self.notifications_per_local)
