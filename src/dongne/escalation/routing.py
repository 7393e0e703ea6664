"""The router's rules: how likely a local is to answer a question soon, and how many to ask.

Pure: no I/O, no clock; a seeded `random.Random` is passed in for Thompson sampling. The
live service and the simulation both reach these functions through `router.Router`.

A local's chance of answering one notification is a Beta posterior over what the server
recorded of them (answers per question notification; `prior_*` for a newcomer), sampled
once per round for ranking (Thompson sampling: a newcomer's wide posterior sometimes ranks
first, so they are explored; a dormant local's posterior sinks with every unanswered
notification) and taken at its mean for counting. That chance is scaled by the context of
this question (channel, distance, language, expertise, load) and by the chance that their
answer arrives before the question's deadline (a log-normal delay around their own learned
median). A round asks the best-ranked until the estimated chance of a first answer before
the deadline, counting locals already asked who may still answer, reaches the round's target.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import time
from typing import Literal

from dongne.escalation.policy import Priority, Wave, alert_style
from dongne.kit.geo import round_distance_m
from dongne.notifications.policy import RecipientSettings, held_by_quiet_hours

Channel = Literal["online", "push", "inbox"]
LANGUAGES = ("ko", "en", "zh", "ja")


@dataclass(frozen=True, slots=True)
class Responsiveness:
    """What the server recorded of one local (question notifications and their answers)."""

    notified: int = 0  # question notifications in the stats window
    answered: int = 0  # of those, how many they answered
    log_delay_sum: float = 0.0  # sum of ln(seconds from notification to their answer)
    last_hour: int = 0  # question notifications in the last hour (load, and the cap)
    last_day: int = 0  # ... in the last 24 hours


@dataclass(frozen=True, slots=True)
class RouteQuestion:
    id: str
    asker_id: str
    lat: float
    lng: float
    region: str
    hashtags: frozenset[str]
    urgent: bool
    language: str
    asked_at_s: float  # seconds on the caller's clock (epoch live, virtual in the simulation)
    answered: bool = False


@dataclass(frozen=True, slots=True)
class RouteCandidate:
    user_id: str
    distance_m: float | None  # None: position unknown (offline)
    channel: Channel  # how a notification would reach them now
    settings: RecipientSettings
    languages: frozenset[str]
    expert: bool  # accepted answers or declared interests in the question's hashtags
    follows_region: bool
    on_duty: bool
    stats: Responsiveness


@dataclass(frozen=True, slots=True)
class Pending:
    """A local asked earlier for this question who has not answered yet."""

    notified_at_s: float
    chance: float  # the estimate recorded when they were asked
    median_delay_s: float


@dataclass(frozen=True)
class RouterConfig:
    """Every number the router assumes; docs/simulation.md says how each is measured live."""

    deadline_s: float = 600.0  # the business goal: a first answer within 10 minutes ...
    urgent_deadline_s: float = 300.0  # ... and within 5 for urgent questions
    # Estimated chance of a first answer before the deadline each round aims for (round
    # 1, 2, 3 and later): a first round that is good enough most of the time, then wider.
    targets: tuple[float, ...] = (0.85, 0.93, 0.97)
    max_per_round: int = 6
    # Past the deadline the 10-minute goal is lost for this question, and every ask then is
    # attention (and daily cap) the next questions need in time: 0 stops the rounds there
    # (the question stays open, listed to locals nearby). In the 14-day simulation this and
    # `daily_cap` took the share within 10 minutes from 41.9 to 47.8 % and the locals who
    # turned alerts off from 1,458 to 68 of 2,000 (docs/simulation-router.md).
    late_max_per_round: int = 0
    # Beta prior of a newcomer: mean 0.25 answers per notification, worth four notifications.
    prior_answered: float = 1.0
    prior_missed: float = 3.0
    prior_median_delay_s: float = 90.0
    prior_delay_weight: float = 2.0  # how many observed delays the prior median is worth
    delay_sigma: float = 0.9
    channel_factor: tuple[tuple[str, float], ...] = (
        ("online", 1.0),
        ("push", 0.45),
        ("inbox", 0.1),
    )
    channel_delay: tuple[tuple[str, float], ...] = (("online", 1.0), ("push", 2.5), ("inbox", 8.0))
    distance_floor: float = 0.4
    distance_scale_m: float = 5_000.0
    language_gap: float = 0.15  # asked in a language they did not say they read
    expert_factor: float = 1.4
    on_duty_factor: float = 1.5
    hour_load: float = 0.9  # x ** (notifications in the last hour)
    day_load_half: float = 12.0  # the chance halves every this many notifications today
    fatigue_cap: int = 10  # question notifications per local per hour, hard
    # ... and per 24 hours, hard, except on duty (they chose it); None: no daily cap. Ten a
    # day is issue [13]'s median; a local over it is the one who turns alerts off.
    daily_cap: int | None = 10
    # When the next round runs after round n (seconds after this round); the last repeats.
    round_gaps_s: tuple[float, ...] = (75.0, 90.0, 120.0, 150.0, 240.0, 300.0, 600.0)
    give_up_s: float = 3600.0  # no round starts this long after the question was asked
    # Radius of the proximity source by round (metres); the last repeats.
    nearby_radius_m: tuple[float, ...] = (3_000.0, 6_000.0, 12_000.0, 25_000.0)
    nearby_limit: int = 40
    shortlist_per_round: int = 4  # Thompson-sample this many times `max_per_round`
    wide_limit: int = 60  # from wide sources (followers, experts, residents, everyone)

    def channel(self, channel: Channel) -> float:
        return dict(self.channel_factor)[channel]

    def target(self, round_no: int) -> float:
        return self.targets[min(round_no, len(self.targets)) - 1]

    def gap_after(self, round_no: int) -> float:
        return self.round_gaps_s[min(round_no, len(self.round_gaps_s)) - 1]

    def nearby_radius(self, round_no: int) -> float:
        return self.nearby_radius_m[min(round_no, len(self.nearby_radius_m)) - 1]


def wave_of_round(round_no: int) -> Wave:
    """The wire's `priority`: IMMEDIATE for round 1, then QUICK, EXTENDED and FINAL."""
    return (
        (Wave.IMMEDIATE, Wave.QUICK, Wave.EXTENDED)[round_no - 1] if round_no <= 3 else Wave.FINAL
    )


def round_priority(round_no: int, urgent: bool) -> Priority:
    return Priority.HIGH if urgent or round_no == 1 else Priority.NORMAL


@dataclass(frozen=True, slots=True)
class Asked:
    candidate: RouteCandidate
    chance: float  # estimated chance they answer before the deadline
    median_delay_s: float
    wave: Wave
    priority: Priority
    sound: Literal["urgent", "normal"]
    vibration: Literal["strong", "light"]

    @property
    def user_id(self) -> str:
        return self.candidate.user_id

    @property
    def distance_m(self) -> int | None:
        d = self.candidate.distance_m
        return None if d is None else round_distance_m(d)


@dataclass(frozen=True)
class RoundChoice:
    asked: list[Asked]
    estimate: float  # estimated chance of a first answer before the deadline, after this round
    next_round_at_s: float | None  # None: no further round (given up)
    eligible: int = 0
    considered: list[str] = field(default_factory=list)


def is_late(deadline_s: float, at_s: float) -> bool:
    """A round at `at_s` is past the deadline: too close to it to bring an answer in time."""
    return deadline_s - at_s < 60.0


def deadline_of(question: RouteQuestion, config: RouterConfig) -> float:
    span = config.urgent_deadline_s if question.urgent else config.deadline_s
    return question.asked_at_s + span


def eligible(
    question: RouteQuestion,
    candidate: RouteCandidate,
    *,
    round_no: int,
    priority: Priority,
    local_time: time,
    config: RouterConfig,
) -> bool:
    """The settings' rules: the asker, quiet hours, muted tags, the cap, the personal radius
    (a question farther than it reaches them only on duty, as a follower of its region, as
    an expert from round 2 or from round 3 on), and immediate alerts for round 1."""
    settings = candidate.settings
    if candidate.user_id == question.asker_id:
        return False
    if question.hashtags & settings.muted_hashtags:
        return False
    if held_by_quiet_hours(priority, settings, local_time):
        return False
    if candidate.stats.last_hour >= config.fatigue_cap:
        return False
    if (
        config.daily_cap is not None
        and candidate.stats.last_day >= config.daily_cap
        and not candidate.on_duty
    ):
        return False
    if round_no == 1 and not settings.immediate_alerts and not candidate.on_duty:
        return False
    d = candidate.distance_m
    if d is not None and d <= settings.radius_m:
        return True
    if candidate.on_duty or candidate.follows_region:
        return True
    return round_no >= 3 or (candidate.expert and round_no >= 2)


def prior_mean(stats: Responsiveness, config: RouterConfig) -> float:
    """Posterior mean answers per notification: the order of `RouterPorts.best`."""
    a = config.prior_answered + stats.answered
    return a / (a + config.prior_missed + max(0, stats.notified - stats.answered))


def lognormal_cdf(t: float, median: float, sigma: float) -> float:
    if t <= 0:
        return 0.0
    return 0.5 * (1.0 + math.erf(math.log(t / median) / (sigma * math.sqrt(2.0))))


def median_delay(candidate: RouteCandidate, config: RouterConfig) -> float:
    stats = candidate.stats
    w = config.prior_delay_weight
    log_median = (w * math.log(config.prior_median_delay_s) + stats.log_delay_sum) / (
        w + stats.answered
    )
    return math.exp(log_median) * dict(config.channel_delay)[candidate.channel]


def context_factor(
    question: RouteQuestion, candidate: RouteCandidate, config: RouterConfig
) -> float:
    """Everything but the local's own record that makes an answer more or less likely."""
    f = config.channel(candidate.channel)
    d = candidate.distance_m
    if d is None:
        f *= config.distance_floor + (1 - config.distance_floor) * 0.5
    else:
        f *= config.distance_floor + (1 - config.distance_floor) * math.exp(
            -d / config.distance_scale_m
        )
    if question.language not in candidate.languages:
        f *= config.language_gap
    if candidate.expert:
        f *= config.expert_factor
    if candidate.on_duty:
        f *= config.on_duty_factor
    stats = candidate.stats
    f *= config.hour_load**stats.last_hour
    f *= 0.5 ** (stats.last_day / config.day_load_half)
    return float(f)


def _pending_miss(pending: Iterable[Pending], now_s: float, until_s: float, sigma: float) -> float:
    """Chance that none of the locals asked earlier answers before `until_s`, given that
    none has yet."""
    miss = 1.0
    for p in pending:
        before = lognormal_cdf(now_s - p.notified_at_s, p.median_delay_s, sigma)
        by_then = lognormal_cdf(until_s - p.notified_at_s, p.median_delay_s, sigma)
        still = 1.0 - p.chance * before
        if still > 0:
            miss *= 1.0 - p.chance * (by_then - before) / still
    return miss


def choose_round(
    question: RouteQuestion,
    candidates: Sequence[RouteCandidate],
    pending: Sequence[Pending],
    *,
    round_no: int,
    now_s: float,
    local_time: time,
    config: RouterConfig,
    rng: random.Random,
) -> RoundChoice:
    """Who this round asks: on-duty locals first, then by a Thompson sample of their chance
    of answering before the deadline, until the estimate reaches the round's target."""
    priority = round_priority(round_no, question.urgent)
    wave = wave_of_round(round_no)
    sound, vibration = alert_style(wave, question.urgent)
    deadline = deadline_of(question, config)
    # Past the deadline the question still deserves an answer: aim at the next stretch.
    late = is_late(deadline, now_s)
    until = now_s + config.deadline_s if late else deadline
    cap = config.late_max_per_round if late else config.max_per_round
    miss = _pending_miss(pending, now_s, until, config.delay_sigma)
    # Cheap optimistic index first (posterior mean + 2 sd): a short-list that keeps the
    # newcomers' wide posteriors in; Thompson sampling then ranks the short-list.
    scored: list[tuple[bool, float, str, float, float, float, float, RouteCandidate]] = []
    horizon = until - now_s
    for c in candidates:
        if not eligible(
            question, c, round_no=round_no, priority=priority, local_time=local_time, config=config
        ):
            continue
        a = config.prior_answered + c.stats.answered
        b = config.prior_missed + max(0, c.stats.notified - c.stats.answered)
        median = median_delay(c, config)
        weight = context_factor(question, c, config) * lognormal_cdf(
            horizon, median, config.delay_sigma
        )
        n = a + b
        upper = (a / n + 2.0 * math.sqrt(a * b / (n * n * (n + 1.0)))) * weight
        scored.append((not c.on_duty, -upper, c.user_id, a, b, weight, median, c))
    scored.sort(key=lambda r: r[:3])
    shortlist = scored[: config.shortlist_per_round * config.max_per_round]
    ranked: list[tuple[bool, float, str, float, float, RouteCandidate]] = []
    for off_duty, _upper, user_id, a, b, weight, median, c in shortlist:
        sampled = rng.betavariate(a, b) * weight
        mean = min(0.95, a / (a + b) * weight)
        ranked.append((off_duty, -sampled, user_id, mean, median, c))
    ranked.sort(key=lambda r: r[:3])
    target = config.target(round_no)
    asked: list[Asked] = []
    for off_duty, _sampled, _user, mean, median, c in ranked:
        if len(asked) >= cap:
            break
        if off_duty and 1.0 - miss >= target and (asked or round_no > 1 or pending):
            break
        asked.append(Asked(c, mean, median, wave, priority, sound, vibration))
        miss *= 1.0 - mean
    next_at: float | None = now_s + config.gap_after(round_no)
    if next_at is not None and (
        next_at >= question.asked_at_s + config.give_up_s
        or (config.late_max_per_round == 0 and is_late(deadline, next_at))  # would ask nobody
    ):
        next_at = None
    return RoundChoice(asked, 1.0 - miss, next_at, eligible=len(scored))
