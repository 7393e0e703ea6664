"""Unit and property tests of the pure targeting rules of the four notification waves.

Every unit test below is written so it fails if the rule it names is removed or inverted;
the property tests compare `select_recipients` with a brute-force re-implementation of
the eligibility rules written independently here (SPEC §2, feature 2).
"""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, datetime, time, timedelta, timezone
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dongne.escalation.policy import (
    DEFAULT_PLAN,
    Candidate,
    Priority,
    QuestionFacts,
    QuietHours,
    Recipient,
    RecipientSettings,
    Wave,
    WavePlan,
    alert_style,
    held_by_quiet_hours,
    plan_for,
    question_priority,
    select_recipients,
    seoul_local_time,
    wave_should_run,
)

IMMEDIATE = plan_for(Wave.IMMEDIATE)
QUICK = plan_for(Wave.QUICK)
EXTENDED = plan_for(Wave.EXTENDED)
FINAL = plan_for(Wave.FINAL)
ALL_WAVES = (IMMEDIATE, QUICK, EXTENDED, FINAL)
DISTANCE_WAVES = (IMMEDIATE, QUICK)
ISLAND_WAVES = (EXTENDED, FINAL)

NOON = time(12, 0)
NIGHT = QuietHours(time(22, 0), time(7, 0))
CAP = 5


def question(**overrides: Any) -> QuestionFacts:
    base = QuestionFacts(
        id="q1",
        asker_id="asker",
        hashtags=frozenset({"seongsan"}),
        urgent=False,
        answer_count=0,
        accepted=False,
    )
    return replace(base, **overrides)


def cand(user_id: str = "u1", **overrides: Any) -> Candidate:
    """An online local 500 m away who is eligible for every wave of the default plan."""
    base = Candidate(
        user_id=user_id,
        distance_m=500.0,
        online=True,
        settings=RecipientSettings(),
        expert_tags=frozenset({"seongsan"}),
        recent_notifications=0,
        already_notified=False,
    )
    return replace(base, **overrides)


def pick(
    plan: WavePlan,
    candidates: list[Candidate],
    *,
    q: QuestionFacts | None = None,
    local_time: time = NOON,
    fatigue_cap: int = CAP,
) -> list[Recipient]:
    return select_recipients(
        plan,
        q if q is not None else question(),
        candidates,
        local_time=local_time,
        fatigue_cap=fatigue_cap,
    )


def ids(recipients: list[Recipient]) -> list[str]:
    return [r.user_id for r in recipients]


# --------------------------------------------------------------------------- the plan


def test_default_plan_matches_the_spec() -> None:
    assert [p.wave for p in DEFAULT_PLAN] == list(Wave)
    assert (IMMEDIATE.delay_s, IMMEDIATE.radius_m, IMMEDIATE.limit) == (0, 2_000, 10)
    assert (QUICK.delay_s, QUICK.radius_m, QUICK.limit) == (3, 5_000, None)
    assert (EXTENDED.delay_s, EXTENDED.radius_m, EXTENDED.experts_only) == (30, None, True)
    assert (FINAL.delay_s, FINAL.radius_m, FINAL.requires_no_answer) == (120, None, True)
    assert [p.online_only for p in DEFAULT_PLAN] == [True, True, False, False]
    assert [p.region_followers for p in DEFAULT_PLAN] == [False, True, False, False]


@pytest.mark.parametrize("plan", ALL_WAVES, ids=lambda p: p.wave.value)
def test_baseline_candidate_is_eligible_in_every_wave(plan: WavePlan) -> None:
    # The rejection tests below differ from this baseline by exactly one attribute.
    assert ids(pick(plan, [cand()])) == ["u1"]


# --------------------------------------------------------------------------- who is chosen


@pytest.mark.parametrize("plan", ALL_WAVES, ids=lambda p: p.wave.value)
def test_asker_is_never_chosen(plan: WavePlan) -> None:
    chosen = pick(plan, [cand("asker"), cand("other")])
    assert ids(chosen) == ["other"]


@pytest.mark.parametrize("plan", ALL_WAVES, ids=lambda p: p.wave.value)
def test_already_notified_users_are_skipped(plan: WavePlan) -> None:
    chosen = pick(plan, [cand("seen", already_notified=True), cand("fresh")])
    assert ids(chosen) == ["fresh"]


@pytest.mark.parametrize("plan", DISTANCE_WAVES, ids=lambda p: p.wave.value)
def test_online_only_waves_skip_offline_candidates(plan: WavePlan) -> None:
    chosen = pick(plan, [cand("away", online=False), cand("here")])
    assert ids(chosen) == ["here"]


def test_online_only_skips_unknown_distance_even_without_a_radius() -> None:
    # A radius would reject an unknown distance on its own; without one, only the
    # online_only rule can.
    plan = WavePlan(Wave.QUICK, 0, None, None, online_only=True)
    chosen = pick(plan, [cand("nowhere", distance_m=None), cand("somewhere")])
    assert ids(chosen) == ["somewhere"]


@pytest.mark.parametrize("plan", ISLAND_WAVES, ids=lambda p: p.wave.value)
def test_island_waves_reach_offline_and_unknown_distance(plan: WavePlan) -> None:
    chosen = pick(plan, [cand("offline", online=False, distance_m=None)])
    assert ids(chosen) == ["offline"]
    assert chosen[0].distance_m is None


@pytest.mark.parametrize("plan", DISTANCE_WAVES, ids=lambda p: p.wave.value)
def test_wave_radius_is_inclusive_at_the_edge(plan: WavePlan) -> None:
    assert plan.radius_m is not None
    roomy = RecipientSettings(radius_m=50_000)
    edge = cand("edge", distance_m=float(plan.radius_m), settings=roomy)
    beyond = cand("beyond", distance_m=plan.radius_m + 0.01, settings=roomy)
    assert ids(pick(plan, [edge, beyond])) == ["edge"]


@pytest.mark.parametrize("plan", DISTANCE_WAVES, ids=lambda p: p.wave.value)
def test_personal_radius_is_inclusive_at_the_edge(plan: WavePlan) -> None:
    mine = RecipientSettings(radius_m=1_000)
    edge = cand("edge", distance_m=1_000.0, settings=mine)
    beyond = cand("beyond", distance_m=1_000.01, settings=mine)
    assert ids(pick(plan, [edge, beyond])) == ["edge"]


@pytest.mark.parametrize("plan", DISTANCE_WAVES, ids=lambda p: p.wave.value)
def test_distance_waves_need_a_known_distance(plan: WavePlan) -> None:
    assert ids(pick(plan, [cand("nowhere", distance_m=None)])) == []


@pytest.mark.parametrize("plan", ISLAND_WAVES, ids=lambda p: p.wave.value)
def test_island_waves_ignore_both_radii(plan: WavePlan) -> None:
    far = cand("far", distance_m=40_000.0, settings=RecipientSettings(radius_m=1_000))
    assert ids(pick(plan, [far])) == ["far"]


def test_region_followers_hear_quick_wherever_they_are() -> None:
    offline = cand("offline", follows_region=True, online=False, distance_m=None)
    far = cand(
        "far", follows_region=True, distance_m=20_000.0, settings=RecipientSettings(radius_m=500)
    )
    near = cand("near", distance_m=800.0)
    assert ids(pick(QUICK, [offline, far, near])) == ["near", "far", "offline"]


def test_following_a_region_does_not_widen_immediate() -> None:
    offline = cand("offline", follows_region=True, online=False, distance_m=None)
    far = cand("far", follows_region=True, distance_m=2_000.01)
    assert ids(pick(IMMEDIATE, [offline, far])) == []


def test_non_followers_stay_bound_by_the_radius_in_quick() -> None:
    far = cand("far", follows_region=False, distance_m=20_000.0)
    offline = cand("offline", follows_region=False, online=False)
    assert ids(pick(QUICK, [far, offline])) == []


@pytest.mark.parametrize(
    "overrides",
    [
        {"user_id": "asker"},
        {"already_notified": True},
        {"settings": RecipientSettings(muted_hashtags=frozenset({"seongsan"}))},
        {"settings": RecipientSettings(quiet_hours=QuietHours(time(11, 0), time(13, 0)))},
        {"recent_notifications": CAP},
    ],
    ids=["asker", "notified", "muted", "quiet", "fatigued"],
)
def test_region_followers_obey_every_other_rule(overrides: dict[str, Any]) -> None:
    follower = cand(**{"follows_region": True, "online": False, "distance_m": None, **overrides})
    assert ids(pick(QUICK, [follower])) == []


def test_immediate_alerts_off_skips_only_the_immediate_wave() -> None:
    quiet = cand("no_immediate", settings=RecipientSettings(immediate_alerts=False))
    assert ids(pick(IMMEDIATE, [quiet])) == []
    for plan in (QUICK, EXTENDED, FINAL):
        assert ids(pick(plan, [quiet])) == ["no_immediate"], plan.wave


def test_experts_only_keeps_candidates_whose_tags_meet_the_hashtags() -> None:
    q = question(hashtags=frozenset({"seongsan", "parking"}))
    expert = cand("expert", expert_tags=frozenset({"parking", "beach"}))
    layman = cand("layman", expert_tags=frozenset({"beach"}))
    nobody = cand("nobody", expert_tags=frozenset())
    assert ids(pick(EXTENDED, [expert, layman, nobody], q=q)) == ["expert"]


@pytest.mark.parametrize("plan", [IMMEDIATE, QUICK, FINAL], ids=lambda p: p.wave.value)
def test_expertise_is_not_required_outside_expert_waves(plan: WavePlan) -> None:
    assert ids(pick(plan, [cand("layman", expert_tags=frozenset())])) == ["layman"]


@pytest.mark.parametrize("plan", ALL_WAVES, ids=lambda p: p.wave.value)
def test_muted_hashtags_skip_in_every_wave(plan: WavePlan) -> None:
    q = question(hashtags=frozenset({"seongsan", "food"}))
    muted = cand("muted", settings=RecipientSettings(muted_hashtags=frozenset({"food"})))
    other = cand("other", settings=RecipientSettings(muted_hashtags=frozenset({"golf"})))
    assert ids(pick(plan, [muted, other], q=q)) == ["other"]


@pytest.mark.parametrize("urgent", [False, True])
@pytest.mark.parametrize("plan", ALL_WAVES, ids=lambda p: p.wave.value)
def test_quiet_hours_hold_question_notifications(plan: WavePlan, urgent: bool) -> None:
    sleeper = cand("sleeper", settings=RecipientSettings(quiet_hours=NIGHT))
    awake = cand("awake")
    q = question(urgent=urgent)
    assert ids(pick(plan, [sleeper, awake], q=q, local_time=time(3, 0))) == ["awake"]
    # Outside the window the same person is reached.
    assert ids(pick(plan, [sleeper, awake], q=q, local_time=NOON)) == ["awake", "sleeper"]


@pytest.mark.parametrize("priority", [Priority.HIGH, Priority.NORMAL, Priority.LOW])
def test_held_by_quiet_hours_holds_non_critical_inside_the_window(priority: Priority) -> None:
    s = RecipientSettings(quiet_hours=NIGHT)
    assert held_by_quiet_hours(priority, s, time(23, 0)) is True
    assert held_by_quiet_hours(priority, s, time(12, 0)) is False


def test_held_by_quiet_hours_lets_critical_through() -> None:
    s = RecipientSettings(quiet_hours=NIGHT)
    assert held_by_quiet_hours(Priority.CRITICAL, s, time(23, 0)) is False
    assert held_by_quiet_hours(Priority.HIGH, s, time(23, 0)) is True  # same moment


def test_held_by_quiet_hours_without_quiet_hours_holds_nothing() -> None:
    assert held_by_quiet_hours(Priority.NORMAL, RecipientSettings(), time(3, 0)) is False


@pytest.mark.parametrize("plan", ALL_WAVES, ids=lambda p: p.wave.value)
def test_fatigue_cap_boundary(plan: WavePlan) -> None:
    below = cand("below", recent_notifications=CAP - 1)
    at_cap = cand("at_cap", recent_notifications=CAP)
    assert ids(pick(plan, [below, at_cap], fatigue_cap=CAP)) == ["below"]


def test_immediate_keeps_the_nearest_ten() -> None:
    people = [cand(f"u{i:02d}", distance_m=100.0 * (15 - i)) for i in range(15)]
    chosen = pick(IMMEDIATE, people)
    assert len(chosen) == 10
    assert ids(chosen) == [f"u{i:02d}" for i in range(14, 4, -1)]


def test_quick_has_no_limit() -> None:
    people = [cand(f"u{i:02d}", distance_m=100.0 + i) for i in range(25)]
    assert len(pick(QUICK, people)) == 25


def test_order_is_nearest_first_unknown_last_ties_by_id() -> None:
    people = [
        cand("d_unknown", distance_m=None, online=False),
        cand("c_far", distance_m=3_000.0),
        cand("b_tie", distance_m=700.0),
        cand("a_unknown", distance_m=None, online=False),
        cand("z_near", distance_m=10.0),
        cand("a_tie", distance_m=700.0),
    ]
    expected = ["z_near", "a_tie", "b_tie", "c_far", "a_unknown", "d_unknown"]
    assert ids(pick(FINAL, people)) == expected
    assert ids(pick(FINAL, list(reversed(people)))) == expected


def test_duplicates_in_the_input_are_taken_once() -> None:
    twice = cand("twice", distance_m=300.0)
    assert ids(pick(QUICK, [twice, cand("other", distance_m=900.0), twice])) == [
        "twice",
        "other",
    ]


def test_first_occurrence_of_a_duplicated_id_decides() -> None:
    # One user, two records: the first says they were already notified of this question.
    # The user is judged once, by the first record; a later record must not let in a
    # user whom the first one excluded (it would notify them twice).
    first = cand("dup", already_notified=True)
    later = cand("dup", already_notified=False)
    assert ids(pick(QUICK, [first, later])) == []


def test_a_later_record_does_not_bring_a_far_user_into_range() -> None:
    first = cand("dup", distance_m=4_000.0)
    later = cand("dup", distance_m=300.0)
    assert ids(pick(IMMEDIATE, [first, later, cand("near", distance_m=900.0)])) == ["near"]


def test_duplicate_keeps_the_first_record_s_distance() -> None:
    first = cand("dup", distance_m=1_234.0)
    later = cand("dup", distance_m=4_321.0)
    [chosen] = pick(QUICK, [first, later])
    assert chosen.distance_m == 1_200


@pytest.mark.parametrize(
    ("raw", "shown"),
    [(1_249.9, 1_200), (1_250.0, 1_300), (1_234.5, 1_200), (0.0, 100), (40.0, 100)],
)
def test_distance_is_rounded_to_100_m(raw: float, shown: int) -> None:
    [r] = pick(QUICK, [cand(distance_m=raw)])
    assert r.distance_m == shown


def test_recipient_carries_the_wave_and_the_alert_style() -> None:
    [r] = pick(EXTENDED, [cand()], q=question(urgent=True))
    assert (r.wave, r.priority, r.sound, r.vibration) == (
        Wave.EXTENDED,
        Priority.HIGH,
        "urgent",
        "strong",
    )
    [r] = pick(FINAL, [cand()], q=question(urgent=False))
    assert (r.wave, r.priority, r.sound, r.vibration) == (
        Wave.FINAL,
        Priority.NORMAL,
        "normal",
        "light",
    )


def test_no_candidates_no_recipients() -> None:
    assert pick(IMMEDIATE, []) == []


def test_candidates_may_be_any_iterable() -> None:
    chosen = select_recipients(
        QUICK, question(), iter([cand("a"), cand("b")]), local_time=NOON, fatigue_cap=CAP
    )
    assert ids(chosen) == ["a", "b"]


# --------------------------------------------------------------------------- wave_should_run


@pytest.mark.parametrize("plan", ALL_WAVES, ids=lambda p: p.wave.value)
def test_every_wave_runs_for_an_open_unanswered_question(plan: WavePlan) -> None:
    assert wave_should_run(plan, question()) is True


def test_final_does_not_run_once_answered_but_the_others_do() -> None:
    answered = question(answer_count=1)
    assert wave_should_run(FINAL, answered) is False
    for plan in (IMMEDIATE, QUICK, EXTENDED):
        assert wave_should_run(plan, answered) is True, plan.wave


@pytest.mark.parametrize("plan", ALL_WAVES, ids=lambda p: p.wave.value)
def test_no_wave_runs_once_accepted(plan: WavePlan) -> None:
    assert wave_should_run(plan, question(answer_count=1, accepted=True)) is False


# --------------------------------------------------------------------------- loudness table

LOUDNESS = [
    # wave, urgent, priority, sound, vibration
    (Wave.IMMEDIATE, False, Priority.HIGH, "urgent", "strong"),
    (Wave.QUICK, False, Priority.NORMAL, "normal", "light"),
    (Wave.EXTENDED, False, Priority.NORMAL, "normal", "light"),
    (Wave.FINAL, False, Priority.NORMAL, "normal", "light"),
    (Wave.IMMEDIATE, True, Priority.HIGH, "urgent", "strong"),
    (Wave.QUICK, True, Priority.HIGH, "urgent", "strong"),
    (Wave.EXTENDED, True, Priority.HIGH, "urgent", "strong"),
    (Wave.FINAL, True, Priority.HIGH, "urgent", "strong"),
]


@pytest.mark.parametrize(("wave", "urgent", "priority", "sound", "vibration"), LOUDNESS)
def test_priority_and_alert_style_table(
    wave: Wave, urgent: bool, priority: Priority, sound: str, vibration: str
) -> None:
    assert question_priority(wave, urgent) is priority
    assert alert_style(wave, urgent) == (sound, vibration)
    [r] = pick(plan_for(wave), [cand()], q=question(urgent=urgent))
    assert (r.priority, r.sound, r.vibration) == (priority, sound, vibration)


def test_questions_are_never_critical() -> None:
    # CRITICAL is for operator and safety messages; it would bypass quiet hours.
    for wave in Wave:
        for urgent in (False, True):
            assert question_priority(wave, urgent) is not Priority.CRITICAL


# --------------------------------------------------------------------------- quiet hours


@pytest.mark.parametrize(
    ("at", "inside"),
    [
        (time(8, 59, 59), False),
        (time(9, 0), True),
        (time(12, 0), True),
        (time(16, 59, 59, 999_999), True),
        (time(17, 0), False),
        (time(23, 0), False),
    ],
)
def test_quiet_hours_within_a_day(at: time, inside: bool) -> None:
    assert QuietHours(time(9, 0), time(17, 0)).contains(at) is inside


@pytest.mark.parametrize(
    ("at", "inside"),
    [
        (time(21, 59, 59), False),
        (time(22, 0), True),
        (time(23, 59, 59, 999_999), True),
        (time(0, 0), True),
        (time(3, 0), True),
        (time(6, 59, 59), True),
        (time(7, 0), False),
        (time(12, 0), False),
    ],
)
def test_quiet_hours_wrapping_midnight(at: time, inside: bool) -> None:
    assert NIGHT.contains(at) is inside


@pytest.mark.parametrize("at", [time(0, 0), time(8, 0), time(8, 0, 0, 1), time(20, 0)])
def test_quiet_hours_with_start_equal_to_end_are_none(at: time) -> None:
    assert QuietHours(time(8, 0), time(8, 0)).contains(at) is False


# --------------------------------------------------------------------------- Seoul time


def test_seoul_local_time_from_utc() -> None:
    assert seoul_local_time(datetime(2024, 7, 1, 15, 30, tzinfo=UTC)) == time(0, 30)


def test_seoul_local_time_from_another_offset() -> None:
    moment = datetime(2024, 7, 1, 8, 30, tzinfo=timezone(timedelta(hours=-7)))  # 15:30 UTC
    assert seoul_local_time(moment) == time(0, 30)


def test_seoul_local_time_has_no_daylight_saving() -> None:
    winter = seoul_local_time(datetime(2024, 1, 15, 3, 0, tzinfo=UTC))
    summer = seoul_local_time(datetime(2024, 7, 15, 3, 0, tzinfo=UTC))
    assert winter == summer == time(12, 0)


# =========================================================================== properties

USER_IDS = ["asker", "ana", "bo", "chul", "dae", "eun", "jin", "min"]
TAGS = ["seongsan", "aewol", "beach", "food", "parking"]
EDGE_DISTANCES = [0.0, 1_000.0, 2_000.0, 2_000.01, 3_000.0, 5_000.0, 5_000.01]

tag_sets = st.frozensets(st.sampled_from(TAGS), max_size=3)


def mostly(common: st.SearchStrategy[Any], rare: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """`common` three times in four: a candidate must pass a dozen rules to be chosen, so
    uniformly random flags would leave most results empty and most rules untested."""
    return st.integers(0, 3).flatmap(lambda n: rare if n == 0 else common)


muted_tag_sets = mostly(st.just(frozenset[str]()), st.frozensets(st.sampled_from(TAGS), max_size=2))
mostly_true = mostly(st.just(True), st.booleans())
mostly_false = mostly(st.just(False), st.booleans())
clock_times = st.builds(
    time,
    hour=st.integers(0, 23),
    minute=st.sampled_from([0, 1, 15, 30, 59]),
)
some_quiet_hours = st.builds(QuietHours, start=clock_times, end=clock_times)
quiet_hours = mostly(st.none(), some_quiet_hours)
distances = st.none() | st.sampled_from(EDGE_DISTANCES) | st.floats(0, 6_000)

recipient_settings = st.builds(
    RecipientSettings,
    immediate_alerts=mostly_true,
    quiet_hours=quiet_hours,
    radius_m=st.sampled_from([500, 1_000, 2_000, 3_000, 5_000, 10_000]),
    muted_hashtags=muted_tag_sets,
    interests=tag_sets,
)


@st.composite
def candidates(draw: st.DrawFn, user_id: st.SearchStrategy[str]) -> Candidate:
    return Candidate(
        user_id=draw(user_id),
        distance_m=draw(distances),
        online=draw(mostly_true),
        settings=draw(recipient_settings),
        expert_tags=draw(tag_sets),
        recent_notifications=draw(mostly(st.just(0), st.integers(0, 6))),
        already_notified=draw(mostly_false),
        follows_region=draw(mostly_false),
    )


questions = st.builds(
    QuestionFacts,
    id=st.just("q"),
    asker_id=st.sampled_from(USER_IDS),
    hashtags=st.frozensets(st.sampled_from(TAGS), min_size=1, max_size=3),
    urgent=st.booleans(),
    answer_count=st.integers(0, 2),
    accepted=st.booleans(),
)
plans = st.sampled_from(DEFAULT_PLAN) | st.builds(
    # Small limits so that the cut by the limit happens often.
    lambda p, limit: replace(p, limit=limit),
    st.sampled_from(DEFAULT_PLAN),
    st.none() | st.integers(0, 4),
)
candidate_lists = st.lists(candidates(st.sampled_from(USER_IDS)), min_size=1, max_size=16)
local_times = clock_times | st.builds(  # clock_times: exactly at quiet-hour edges
    time,
    hour=st.integers(0, 23),
    minute=st.integers(0, 59),
    second=st.integers(0, 59),
    microsecond=st.sampled_from([0, 1, 999_999]),
)
fatigue_caps = mostly(st.integers(2, 6), st.integers(0, 6))


def _seconds(t: time) -> float:
    return t.hour * 3600 + t.minute * 60 + t.second + t.microsecond / 1e6


def _in_quiet_window(window: QuietHours | None, now: time) -> bool:
    if window is None:
        return False
    start, end, at = _seconds(window.start), _seconds(window.end), _seconds(now)
    if start == end:
        return False
    if start < end:
        return start <= at < end
    return not (end <= at < start)


def brute_force_eligible(
    plan: WavePlan, q: QuestionFacts, c: Candidate, now: time, cap: int
) -> bool:
    """SPEC §2 feature 2, written out rule by rule without looking at the policy's code."""
    # Region followers (where the plan admits them) are reached wherever they are.
    by_place = not (plan.region_followers and c.follows_region)
    reasons_to_skip = [
        c.user_id == q.asker_id,
        c.already_notified,
        by_place and plan.online_only and not c.online,
        by_place and plan.online_only and c.distance_m is None,
        by_place and plan.radius_m is not None and c.distance_m is None,
        by_place
        and plan.radius_m is not None
        and c.distance_m is not None
        and c.distance_m > min(plan.radius_m, c.settings.radius_m),
        plan.wave == Wave.IMMEDIATE and not c.settings.immediate_alerts,
        plan.experts_only and not any(t in q.hashtags for t in c.expert_tags),
        any(t in c.settings.muted_hashtags for t in q.hashtags),
        # Question notifications are HIGH or NORMAL, never CRITICAL: quiet hours hold them.
        _in_quiet_window(c.settings.quiet_hours, now),
        c.recent_notifications >= cap,
    ]
    return not any(reasons_to_skip)


def _order_key(c: Candidate | Recipient) -> tuple[int, float, str]:
    return (1, 0.0, c.user_id) if c.distance_m is None else (0, c.distance_m, c.user_id)


def brute_force_eligible_set(
    plan: WavePlan, q: QuestionFacts, cs: list[Candidate], now: time, cap: int
) -> dict[str, Candidate]:
    """Eligible users, each taken once: a duplicated id is judged by its first record only."""
    first: dict[str, Candidate] = {}
    for c in cs:
        first.setdefault(c.user_id, c)
    return {u: c for u, c in first.items() if brute_force_eligible(plan, q, c, now, cap)}


PROPERTY_SETTINGS = settings(
    max_examples=1_000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


@PROPERTY_SETTINGS
@given(
    plan=plans,
    q=questions,
    cs=candidate_lists,
    now=local_times,
    cap=fatigue_caps,
)
def test_property_result_matches_brute_force(
    plan: WavePlan, q: QuestionFacts, cs: list[Candidate], now: time, cap: int
) -> None:
    result = select_recipients(plan, q, cs, local_time=now, fatigue_cap=cap)
    got = ids(result)
    first_record = {c.user_id: c for c in reversed(cs)}

    # Never the asker, never someone already notified, never twice, never over the limit.
    assert q.asker_id not in got
    assert len(got) == len(set(got))
    if plan.limit is not None:
        assert len(got) <= plan.limit

    eligible = brute_force_eligible_set(plan, q, cs, now, cap)
    for r in result:
        assert r.user_id in eligible, f"{r.user_id} is not eligible"
        source = eligible[r.user_id]
        assert not source.already_notified
        assert brute_force_eligible(plan, q, source, now, cap)
        # Shown distance: the chosen record's distance rounded to 100 m (never below 100).
        if source.distance_m is None:
            assert r.distance_m is None
        else:
            assert r.distance_m is not None
            assert r.distance_m % 100 == 0
            assert r.distance_m >= 100
            assert abs(r.distance_m - source.distance_m) <= 50 or r.distance_m == 100
        assert r.wave is plan.wave
        loud = q.urgent or plan.wave == Wave.IMMEDIATE
        assert r.priority is (Priority.HIGH if loud else Priority.NORMAL)
        assert (r.sound, r.vibration) == (("urgent", "strong") if loud else ("normal", "light"))
        assert first_record[r.user_id] is source  # judged by the first listing only

    # Nearest first, unknown distance last, ties by id (on the exact distances).
    keys = [_order_key(eligible[u]) for u in got]
    assert keys == sorted(keys)

    # Anyone eligible but left out was cut by the limit only: the result is exactly the
    # brute-force eligible set, ordered, then cut.
    expected = [c.user_id for c in sorted(eligible.values(), key=_order_key)]
    if plan.limit is None or len(got) < plan.limit:
        assert set(got) == set(eligible)
    assert got == expected[: plan.limit]


@PROPERTY_SETTINGS
@given(
    plan=plans,
    q=questions,
    cs=candidate_lists,
    now=local_times,
    cap=fatigue_caps,
    seed=st.integers(0, 2**32 - 1),
)
def test_property_shuffling_unique_ids_changes_nothing(
    plan: WavePlan, q: QuestionFacts, cs: list[Candidate], now: time, cap: int, seed: int
) -> None:
    unique = list({c.user_id: c for c in cs}.values())
    shuffled = unique[:]
    random.Random(seed).shuffle(shuffled)
    assert select_recipients(plan, q, unique, local_time=now, fatigue_cap=cap) == (
        select_recipients(plan, q, shuffled, local_time=now, fatigue_cap=cap)
    )


@PROPERTY_SETTINGS
@given(plan=plans, q=questions)
def test_property_wave_should_run_is_decided_by_the_question_only(
    plan: WavePlan, q: QuestionFacts
) -> None:
    expected = not q.accepted and not (plan.requires_no_answer and q.answer_count > 0)
    assert wave_should_run(plan, q) is expected


@PROPERTY_SETTINGS
@given(window=st.none() | some_quiet_hours, now=local_times)
def test_property_quiet_hours_agree_with_brute_force(window: QuietHours | None, now: time) -> None:
    s = RecipientSettings(quiet_hours=window)
    expected = _in_quiet_window(window, now)
    if window is not None:
        assert window.contains(now) is expected
    for priority in (Priority.HIGH, Priority.NORMAL, Priority.LOW):
        assert held_by_quiet_hours(priority, s, now) is expected
    assert held_by_quiet_hours(Priority.CRITICAL, s, now) is False


@PROPERTY_SETTINGS
@given(
    moment=st.datetimes(
        # Seoul has kept UTC+9 without daylight saving since 1989; bounds are naive by API.
        min_value=datetime(1990, 1, 1),  # noqa: DTZ001
        max_value=datetime(2200, 1, 1),  # noqa: DTZ001
        timezones=st.just(UTC),
    )
)
def test_property_seoul_is_utc_plus_nine(moment: datetime) -> None:
    assert seoul_local_time(moment) == (moment + timedelta(hours=9)).time()
