"""A simulation scenario: every parameter of one simulated day, loaded from one YAML file.

The meaning of each field is written beside it in the shipped `scenarios/jeju-day.yaml`
and in the `description` of each field below; `extra="forbid"` makes a misspelt key an
error instead of a silently ignored one.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

SHIPPED_SCENARIO = "jeju-day.yaml"

Share = Annotated[float, Field(ge=0.0, le=1.0)]
Positive = Annotated[float, Field(gt=0.0)]
NonNegative = Annotated[float, Field(ge=0.0)]
WaveName = Literal["IMMEDIATE", "QUICK", "EXTENDED", "FINAL"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _check_hours(values: list[float]) -> list[float]:
    if len(values) != 24:
        raise ValueError(f"needs 24 values, one per hour 00-23, got {len(values)}")
    return values


HourlyShares = Annotated[list[Share], AfterValidator(_check_hours)]
HourlyFactors = Annotated[list[NonNegative], AfterValidator(_check_hours)]


class Channels(_Model):
    """One number per way a local can learn about a question."""

    online: NonNegative = Field(description="app open, socket connected")
    push: NonNegative = Field(description="offline, reached by a push notification")
    inbox: NonNegative = Field(
        description="offline without push: seen in the history when they next come online"
    )


class LocalSettingsMix(_Model):
    immediate_alerts_off_share: Share = Field(description="share with immediate alerts off")
    quiet_hours_share: Share = Field(description="share with quiet hours set")
    quiet_hours: tuple[str, str] = Field(description="their quiet hours, HH:MM local time")
    radius_m: dict[int, float] = Field(
        description="personal radius (m) -> share of locals; shares are normalised"
    )
    muted_hashtag_share: Share = Field(description="share who muted one catalogue hashtag")
    push_share: Share = Field(description="share with a push subscription")
    interests_share: Share = Field(description="share who declared interests (expertise)")
    interests_max: int = Field(ge=1, description="they declare 1..this many catalogue tags")
    follow_home_share: Share = Field(
        description="share who follow their home region (hear its QUICK wave anywhere)"
    )


class Population(_Model):
    locals: int = Field(ge=0, description="verified locals on the island")
    region_weights: dict[str, NonNegative] = Field(
        description="region code -> relative weight of where locals live"
    )
    near_hotspot_share: Share = Field(description="share of locals living near a hotspot")
    hotspot_spread_m: Positive = Field(description="sd of their home around that hotspot")
    roam_m: NonNegative = Field(description="sd of where they are, online, around home")
    online_share_by_hour: HourlyShares = Field(description="mean share online, hours 00-23")
    activity_sigma: NonNegative = Field(
        description="log-normal sd of how much more or less than average one local is online"
    )
    session_mean_min: Positive = Field(description="mean length of one online session")
    settings: LocalSettingsMix
    responsiveness_sigma: NonNegative = Field(
        default=0.0,
        description="log-normal sd of one local's hidden answer factor (mean 1): a few "
        "locals answer most questions; the router never reads it",
    )
    delay_sigma: NonNegative = Field(
        default=0.0, description="log-normal sd of one local's hidden delay factor (median 1)"
    )
    reads: dict[str, Share] = Field(
        default_factory=lambda: {"ko": 1.0},
        description="language -> share of locals who read it (and declare it in settings)",
    )
    on_duty_share: Share = Field(
        default=0.0,
        description="share of locals who mark themselves on duty whenever they open the app",
    )


class Questions(_Model):
    per_day: int = Field(ge=0, description="questions asked per simulated 24 hours")
    share_by_hour: HourlyFactors = Field(
        description="relative question rate, hours 00-23 (normalised)"
    )
    urgent_share: Share = Field(description="share of questions flagged urgent")
    hotspot_weights: dict[str, NonNegative] = Field(
        default_factory=dict,
        description="hotspot id -> relative weight of questions asked there (default 1)",
    )
    spread_m: NonNegative = Field(description="sd of the asker's position around the hotspot")
    hashtags: dict[str, Positive] = Field(description="hashtag catalogue -> relative weight")
    hashtags_per_question: tuple[int, int] = Field(description="min and max tags per question")
    travelers: int = Field(ge=1, description="distinct askers the questions are spread over")
    unanswered_after_min: Positive = Field(
        description="a question still without an answer this long after it is asked ends as "
        "unanswered"
    )
    languages: dict[str, Share] = Field(
        default_factory=lambda: {"ko": 1.0},
        description="language -> share of questions asked in it (normalised)",
    )
    deflected_share: Share = Field(
        default=0.0,
        description="share solved by the archive before any local is asked (issue [17])",
    )

    @model_validator(mode="after")
    def _tags(self) -> Questions:
        low, high = self.hashtags_per_question
        if not 1 <= low <= high <= min(5, len(self.hashtags)):
            raise ValueError("hashtags_per_question must be 1 <= min <= max <= 5 and catalogue")
        return self


class AnswerProbability(_Model):
    base: Channels = Field(description="chance of answering at all, by channel")
    by_hour: HourlyFactors = Field(description="multiplier by local hour 00-23")
    distance_floor: Share = Field(description="factor floor + (1 - floor) * exp(-d / scale)")
    distance_scale_m: Positive
    urgent: NonNegative = Field(description="multiplier for urgent questions")
    expert: NonNegative = Field(description="multiplier when their expertise matches a tag")
    fatigue: Share = Field(
        description="multiplier per notification they had in the previous hour (x ** n)"
    )
    repeat: Share = Field(description="multiplier when notified again of the same question")
    max: Share = Field(description="upper bound of the chance")
    language_gap: Share = Field(
        default=1.0, description="multiplier when the local does not read the question's language"
    )


class AnswerDelay(_Model):
    median_s: Channels = Field(description="median seconds to an answer, by channel")
    sigma: Channels = Field(description="log-normal sd (of ln seconds), by channel")
    by_hour: HourlyFactors = Field(description="multiplier of the median by local hour")
    per_km: NonNegative = Field(description="median grows by this fraction per km of distance")
    urgent: Positive = Field(description="multiplier of the median for urgent questions")
    fatigue: Positive = Field(description="multiplier per notification in the previous hour")


class Accept(_Model):
    probability: Share = Field(description="chance the asker accepts the first answer")
    median_s: Positive = Field(description="median delay from first answer to acceptance")
    sigma: NonNegative


class Claims(_Model):
    delay_s: NonNegative = Field(
        description="a local who will answer claims it this long after seeing it (or when "
        "they answer, if sooner)"
    )
    fresh_s: Positive = Field(description="a claim holds the next round this long")
    typing_s: NonNegative = Field(
        description="they type (which renews the claim) during this long before answering"
    )


class OptOut(_Model):
    """Fatigue that costs: after a day with more question notifications than `threshold`,
    a local turns question alerts off for good with chance min(max, per_excess * excess)."""

    threshold: NonNegative
    per_excess: Share
    max: Share


class Answers(_Model):
    probability: AnswerProbability
    delay: AnswerDelay
    claims: Claims | None = None
    opt_out: OptOut | None = None
    inbox_horizon_min: NonNegative = Field(
        description="a local offline without push only sees a question if they come online "
        "within this many minutes of the notification"
    )
    accept: Accept


class WaveOverride(_Model):
    enabled: bool = True
    delay_s: NonNegative | None = None
    radius_m: Positive | None = None
    limit: int | None = Field(default=None, ge=1)
    unlimited: bool = Field(default=False, description="drop the wave's limit")
    island_wide: bool = Field(default=False, description="drop the wave's radius")
    online_only: bool | None = Field(default=None, description="only locals online now")


BUILT_IN = ("seed", "dongne-waves", "dongne")


class PolicyVariant(_Model):
    name: str = Field(pattern=r"^[a-z0-9][a-z0-9_.-]*$")
    base: Literal["seed", "dongne-waves", "dongne"]
    fatigue_cap: int | None = Field(default=None, ge=1, description="None: the base's")
    waves: dict[WaveName, WaveOverride] = Field(default_factory=dict)
    router: dict[str, float | int | list[float] | None] = Field(
        default_factory=dict, description="`dongne` (router) settings to change (RouterConfig)"
    )


class Policies(_Model):
    fatigue_cap: int = Field(ge=1, description="the product's question notifications per hour")
    compare: list[str] = Field(description="which policies one run compares, in this order")
    variants: list[PolicyVariant] = Field(default_factory=list)

    @model_validator(mode="after")
    def _names(self) -> Policies:
        known = set(BUILT_IN) | {v.name for v in self.variants}
        if len(known) != len(BUILT_IN) + len(self.variants):
            raise ValueError(f"variant names must be unique and not one of {BUILT_IN}")
        unknown = [name for name in self.compare if name not in known]
        if unknown:
            raise ValueError(f"compare names unknown policies: {unknown}")
        return self


class Target(_Model):
    share: Share = Field(description="the goal: this share of questions ...")
    within_min: Positive = Field(description="... with a first answer within this many minutes")


class Scenario(_Model):
    name: str
    seed: int = Field(description="default random seed; `--seed` overrides it")
    duration_h: Positive = Field(le=24 * 28, description="simulated hours of questions")
    report_after_h: NonNegative = Field(
        default=0.0,
        description="warm-up: questions asked earlier are routed but not reported, and "
        "burden is counted from here (learned figures need history)",
    )
    population: Population
    questions: Questions
    answers: Answers
    policies: Policies
    thresholds_min: list[Positive] = Field(description="report columns: first answer within")
    target: Target

    def with_locals(self, count: int) -> Scenario:
        population = self.population.model_copy(update={"locals": count})
        return self.model_copy(update={"population": population})

    def with_questions(self, per_day: int) -> Scenario:
        questions = self.questions.model_copy(update={"per_day": per_day})
        return self.model_copy(update={"questions": questions})


def load_scenario(path: Path | None = None) -> Scenario:
    """Parse a scenario file; None: the shipped `jeju-day.yaml`."""
    if path is None:
        text = (resources.files("dongne.simulation") / "scenarios" / SHIPPED_SCENARIO).read_text(
            encoding="utf-8"
        )
    else:
        text = path.read_text(encoding="utf-8")
    return Scenario.model_validate(yaml.safe_load(text))
