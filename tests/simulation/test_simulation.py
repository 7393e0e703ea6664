"""The day simulation (`dongne simulate`): determinism, invariants, policy comparison.

A small scenario (150 locals, 400 questions, a cap of 4 per hour so that it binds) keeps
each run well under a second; the shipped day is run by hand and reported in the README.
"""

from __future__ import annotations

import io
import json
import os
import statistics
import subprocess
import sys
from collections import Counter, defaultdict
from collections.abc import Callable
from datetime import time as clock_time
from importlib import resources
from pathlib import Path

import pytest
import yaml
from pydantic import ValidationError
from rich.console import Console
from typer.testing import CliRunner

from dongne.cli import app
from dongne.escalation.policy import DEFAULT_PLAN, Wave
from dongne.kit.geo import haversine_m
from dongne.regions.policy import default_region_map
from dongne.simulation import (
    PolicyResult,
    PolicySpec,
    Scenario,
    World,
    all_policies,
    build_world,
    compared,
    find_min_locals,
    load_scenario,
    policy_named,
    simulate,
)
from dongne.simulation.command import run
from dongne.simulation.draws import normal, uniform
from dongne.simulation.engine import FATIGUE_WINDOW_S
from dongne.simulation.policies import SEED_PLAN
from dongne.simulation.population import Local, apportion, local_counts
from dongne.simulation.report import markdown, summarize
from dongne.simulation.scenario import SHIPPED_SCENARIO, PolicyVariant, Target

CAP = 4


def small(locals_: int = 150, questions: int = 400, seed: int = 7) -> Scenario:
    shipped = load_scenario()
    variants = [
        *shipped.policies.variants,
        PolicyVariant(name="dongne-wide", base="dongne-waves", waves={"QUICK": {"radius_m": 8000}}),
    ]
    policies = shipped.policies.model_copy(
        update={
            "fatigue_cap": CAP,
            "variants": variants,
            "compare": ["seed", "dongne-waves", "dongne-wide", "dongne-late-online", "dongne"],
        }
    )
    asked = shipped.questions.model_copy(update={"deflected_share": 0.0})
    return (
        shipped.with_locals(locals_)
        .model_copy(update={"questions": asked})
        .with_questions(questions)
        .model_copy(
            update={"seed": seed, "policies": policies, "duration_h": 24, "report_after_h": 0}
        )
    )


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    return small()


@pytest.fixture(scope="module")
def world(scenario: Scenario) -> World:
    return build_world(scenario, default_region_map())


@pytest.fixture(scope="module")
def results(world: World, scenario: Scenario) -> dict[str, PolicyResult]:
    return {r.policy.name: r for r in simulate(world, compared(scenario), trace=True)}


def fingerprint(result: PolicyResult) -> tuple[object, ...]:
    return (
        result.time_to_first_answer,
        result.outcomes,
        result.notifications_per_local,
        result.by_wave,
        result.by_channel,
        result.trace,
    )


# -- determinism ----------------------------------------------------------------------


def test_same_seed_same_day(scenario: Scenario, results: dict[str, PolicyResult]) -> None:
    again = build_world(scenario, default_region_map())
    for result in simulate(again, compared(scenario), trace=True):
        assert fingerprint(result) == fingerprint(results[result.policy.name])


def test_another_seed_another_day(scenario: Scenario, world: World) -> None:
    other = build_world(scenario, default_region_map(), seed=scenario.seed + 1)
    assert [q.t for q in other.questions] != [q.t for q in world.questions]
    assert [p.home_lat for p in other.locals] != [p.home_lat for p in world.locals]


def _digest_in_subprocess(hash_seed: str) -> str:
    code = (
        "import hashlib, json, sys; sys.path.insert(0, 'tests/simulation');"
        "from test_simulation import small;"
        "from dongne.regions.policy import default_region_map;"
        "from dongne.simulation import build_world, compared, simulate;"
        "s = small(60, 120); w = build_world(s, default_region_map());"
        "rs = simulate(w, compared(s));"
        "print(hashlib.sha256(json.dumps([[r.time_to_first_answer, r.notifications_per_local]"
        " for r in rs]).encode()).hexdigest())"
    )
    env = {**os.environ, "PYTHONHASHSEED": hash_seed}
    done = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).parents[2],
        timeout=120,
    )
    return done.stdout.strip()


def test_deterministic_across_processes_and_hash_seeds() -> None:
    """Nothing depends on set iteration order of strings or on the process."""
    assert _digest_in_subprocess("1") == _digest_in_subprocess("2")


def test_a_policy_result_does_not_depend_on_the_others(
    world: World, scenario: Scenario, results: dict[str, PolicyResult]
) -> None:
    (alone,) = simulate(world, [policy_named(scenario, "dongne-waves")], trace=True)
    assert fingerprint(alone) == fingerprint(results["dongne-waves"])


# -- invariants -----------------------------------------------------------------------


@pytest.mark.parametrize("name", ["dongne-waves", "dongne-wide", "dongne-late-online", "dongne"])
def test_dongne_notifies_nobody_twice_for_a_question(
    results: dict[str, PolicyResult], name: str
) -> None:
    trace = results[name].trace
    assert trace
    pairs = Counter((n.question, n.local) for n in trace)
    assert max(pairs.values()) == 1


@pytest.mark.parametrize("name", ["dongne-waves", "dongne-wide", "dongne-late-online", "dongne"])
def test_the_fatigue_cap_holds(results: dict[str, PolicyResult], name: str) -> None:
    """Before every notification the local had fewer than `cap` in the hour before it."""
    result = results[name]
    assert result.policy.fatigue_cap == CAP
    times: dict[int, list[float]] = defaultdict(list)
    for n in result.trace or []:
        times[n.local].append(n.t)
    at_cap = 0
    for ts in times.values():
        ts.sort()
        for j in range(CAP, len(ts)):
            assert ts[j - CAP] < ts[j] - FATIGUE_WINDOW_S
        at_cap += sum(
            1
            for j in range(len(ts))
            if sum(1 for t in ts[:j] if t >= ts[j] - FATIGUE_WINDOW_S) == CAP - 1
        )
    assert at_cap > 0  # the cap was reached, so the check above had teeth


def test_seed_renotifies_and_has_no_cap(results: dict[str, PolicyResult]) -> None:
    trace = results["seed"].trace or []
    pairs = Counter((n.question, n.local) for n in trace)
    assert max(pairs.values()) > 1
    times: dict[int, list[float]] = defaultdict(list)
    for n in trace:
        times[n.local].append(n.t)
    assert any(
        ts[j] - ts[j - CAP] <= FATIGUE_WINDOW_S
        for ts in map(sorted, times.values())
        for j in range(CAP, len(ts))
    )
    assert {n.channel for n in trace} == {"online"}  # as written: socket emits only


def test_every_question_ends_answered_or_unanswered_once(
    world: World, results: dict[str, PolicyResult]
) -> None:
    limit = world.scenario.questions.unanswered_after_min * 60
    for result in results.values():
        assert len(result.outcomes) == len(world.questions)
        assert set(result.outcomes) <= {"answered", "unanswered"}
        for outcome, ttfa in zip(result.outcomes, result.time_to_first_answer, strict=True):
            assert (outcome == "answered") == (ttfa is not None)
            assert ttfa is None or 0 < ttfa < limit


def test_waves_follow_the_plan(results: dict[str, PolicyResult], world: World) -> None:
    n = len(world.questions)
    for name in ("seed", "dongne-waves"):
        result = results[name]
        assert result.waves_run["IMMEDIATE"] == n
        assert result.waves_run["QUICK"] == n
        assert result.waves_run["FINAL"] <= n
        # FINAL runs only for questions with no answer 120 s in.
        unanswered_at_120 = sum(
            1 for t in result.time_to_first_answer if t is None or t > SEED_PLAN[3].delay_s
        )
        assert result.waves_run["FINAL"] <= unanswered_at_120
    immediate = [n for n in results["dongne-waves"].trace or [] if n.wave is Wave.IMMEDIATE]
    assert max(Counter(n.question for n in immediate).values()) <= 10


def test_shipped_policies_are_the_seed_and_the_product(scenario: Scenario) -> None:
    known = all_policies(scenario)
    assert known["dongne-waves"].plan == DEFAULT_PLAN
    assert known["dongne-waves"].fatigue_cap == CAP
    assert known["seed"].fatigue_cap is None
    assert [(s.wave, s.delay_s, s.radius_m, s.limit) for s in known["seed"].plan] == [
        (Wave.IMMEDIATE, 0, 2000, 10),
        (Wave.QUICK, 3, 5000, None),
        (Wave.EXTENDED, 30, None, None),
        (Wave.FINAL, 120, None, None),
    ]
    wide = known["dongne-wide"].plan
    assert wide[1].radius_m == 8000
    assert wide[0] == DEFAULT_PLAN[0]


# -- comparison -----------------------------------------------------------------------


def test_seed_burdens_locals_more_than_dongne(results: dict[str, PolicyResult]) -> None:
    seed, dongne = results["seed"], results["dongne-waves"]
    assert seed.notifications > dongne.notifications
    assert max(seed.notifications_per_local) > max(dongne.notifications_per_local)


def test_a_wider_quick_wave_reaches_more(results: dict[str, PolicyResult]) -> None:
    assert results["dongne-wide"].by_wave["QUICK"] >= results["dongne-waves"].by_wave["QUICK"]


def test_find_min_locals_brackets_the_target() -> None:
    scenario = small(locals_=40, questions=120, seed=3)
    # Few questions in the region and hidden per-local traits: a reachable bar.
    scenario = scenario.model_copy(update={"target": Target(share=0.85, within_min=10)})
    region_map = default_region_map()
    found = find_min_locals(scenario, region_map, "jeju", "seed", max_locals=400)
    assert found.minimum is not None
    by_n = {p.locals: p for p in found.probes}
    assert by_n[found.minimum].passed
    assert found.lower_bound <= found.minimum
    if found.lower_bound > 0:
        assert not by_n[found.lower_bound - 1].passed
    # Monotone-ish: the most locals probed do at least as well as the fewest.
    probes = sorted(found.probes, key=lambda p: p.locals)
    assert len(probes) >= 3
    assert probes[-1].share >= probes[0].share


def test_more_locals_in_a_region_do_not_move_anyone_else() -> None:
    scenario = small(locals_=60, questions=50)
    region_map = default_region_map()
    base = build_world(scenario, region_map)
    more = build_world(scenario, region_map, override=("udo", 25))
    others = [p for p in base.locals if p.region != "udo"]
    assert [(p.id, p.home_lat, p.sessions) for p in others] == [
        (p.id, p.home_lat, p.sessions) for p in more.locals if p.region != "udo"
    ]
    assert sum(p.region == "udo" for p in more.locals) == 25
    assert more.questions == base.questions


# -- scenario, population, draws -------------------------------------------------------


def test_shipped_scenario_says_its_numbers_are_assumptions() -> None:
    folder = resources.files("dongne.simulation") / "scenarios"
    text = (folder / SHIPPED_SCENARIO).read_text(encoding="utf-8")
    assert "ASSUMPTION" in text
    assert "measured" in text
    assert "monitoring" in text
    scenario = load_scenario()
    assert scenario.population.locals == 2000
    assert scenario.questions.per_day == 5000
    assert scenario.duration_h == 336
    assert scenario.report_after_h == 168
    assert {"seed", "dongne-waves"} <= set(scenario.policies.compare)
    counts = local_counts(scenario.population, default_region_map())
    assert sum(counts.values()) == 2000


def test_scenario_rejects_unknown_keys_and_bad_hours() -> None:
    raw = load_scenario().model_dump()
    raw["population"]["lcoals"] = 3
    with pytest.raises(ValidationError):
        Scenario.model_validate(raw)
    raw = load_scenario().model_dump()
    raw["questions"]["share_by_hour"] = [1.0] * 23
    with pytest.raises(ValidationError):
        Scenario.model_validate(raw)


def test_population_follows_the_scenario(world: World, scenario: Scenario) -> None:
    assert len(world.locals) == scenario.population.locals
    assert len(world.questions) == scenario.questions.per_day
    region_map = default_region_map()
    for p in world.locals:
        located = region_map.locate(p.home_lat, p.home_lng)
        assert located is not None
        assert located.code == p.region
        assert all(a[1] <= b[0] for a, b in zip(p.sessions, p.sessions[1:], strict=False))
    for q in world.questions:
        low, high = scenario.questions.hashtags_per_question
        assert low <= len(q.tags) <= high
        assert q.tags <= set(scenario.questions.hashtags)
        assert region_map.hotspot(q.hotspot) is not None
    assert [q.t for q in world.questions] == sorted(q.t for q in world.questions)


def test_apportion_is_exact_and_stable() -> None:
    assert apportion(10, {"a": 1, "b": 1, "c": 1}) == {"a": 4, "b": 3, "c": 3}
    assert sum(apportion(2000, {"x": 0.3, "y": 2.7, "z": 7}).values()) == 2000
    assert apportion(0, {"a": 1}) == {"a": 0}


def test_keyed_draws() -> None:
    draws = [uniform(11, 22, 0, s) for s in range(1000)]
    assert all(0 < u < 1 for u in draws)
    assert abs(sum(draws) / len(draws) - 0.5) < 0.05
    assert uniform(11, 22, 0, 0) == uniform(11, 22, 0, 0)
    assert uniform(11, 22, 1, 0) != uniform(11, 22, 0, 0)
    zs = [normal(5, k, 0, 1) for k in range(2000)]
    mean = sum(zs) / len(zs)
    var = sum((z - mean) ** 2 for z in zs) / len(zs)
    assert abs(mean) < 0.1
    assert abs(var - 1) < 0.15


# -- output ---------------------------------------------------------------------------


def test_report_table_and_plot(tmp_path: Path, scenario: Scenario) -> None:
    report = run(scenario, seed=None, out=tmp_path, show_progress=False)
    text = report.read_text(encoding="utf-8")
    for name in scenario.policies.compare:
        assert f"| `{name}` |" in text
    assert "Seongsan" in text
    png = tmp_path / "time-to-first-answer.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert png.stat().st_size < 200_000
    data = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))
    assert [p["policy"] for p in data["policies"]] == scenario.policies.compare


def test_cli_simulate(tmp_path: Path) -> None:
    scenario = small(40, 80)
    path = tmp_path / "tiny.yaml"
    path.write_text(yaml.safe_dump(scenario.model_dump(mode="json")), encoding="utf-8")
    out = tmp_path / "out"
    runner = CliRunner()
    done = runner.invoke(
        app,
        ["simulate", "--scenario", str(path), "--out", str(out), "--seed", "5", "--no-progress"],
    )
    assert done.exit_code == 0, done.output
    assert "| `dongne-waves` |" in done.output
    assert (out / "report.md").exists()
    done = runner.invoke(
        app,
        [
            "simulate",
            "--scenario",
            str(path),
            "--out",
            str(out),
            "--find-min-locals",
            "udo",
            "--policy",
            "seed",
            "--no-progress",
        ],
    )
    assert done.exit_code == 0, done.output
    assert "Udo" in (out / "min-locals.md").read_text(encoding="utf-8")


# -- the product's rules, as the engine hands them their inputs --------------------------


def clock_at(t: float) -> clock_time:
    s = int(t) % 86_400
    return clock_time(s // 3600, s // 60 % 60, s % 60)


def position_at(person: Local, t: float) -> tuple[float, float] | None:
    for start, end, lat, lng in person.sessions:
        if start <= t <= end:
            return lat, lng
    return None


def test_dongne_recipients_obey_their_settings(
    world: World, results: dict[str, PolicyResult]
) -> None:
    """What `select_recipients` decides from the candidates the engine describes: muted
    tags, quiet hours (at the virtual clock's local time), immediate alerts and the first
    wave's radii (from where the presence index has the local) all show in the trace."""
    people, questions = world.locals, world.questions
    immediate = 0
    for n in results["dongne-waves"].trace or []:
        q, settings = questions[n.question], people[n.local].settings
        assert not q.tags & settings.muted_hashtags
        assert settings.quiet_hours is None or not settings.quiet_hours.contains(clock_at(n.t))
        if n.wave is Wave.IMMEDIATE:
            immediate += 1
            assert settings.immediate_alerts
            assert n.channel == "online"
            where = position_at(people[n.local], n.t)
            assert where is not None
            assert haversine_m(q.lat, q.lng, *where) <= min(2_000, settings.radius_m)
    assert immediate > 0
    # Teeth: the seed ignores quiet hours, so its trace has notifications they would hold.
    assert any(
        (quiet := people[n.local].settings.quiet_hours) is not None
        and quiet.contains(clock_at(n.t))
        for n in results["seed"].trace or []
    )


VARIANTS = """
- name: seed-capped         # the seed's waves with a cap
  base: seed
  fatigue_cap: 3
- name: dongne-no-final
  base: dongne-waves
  waves:
    FINAL: {enabled: false}
- name: dongne-final-5min
  base: dongne-waves
  waves:
    FINAL: {delay_s: 300}
- name: dongne-late-online
  base: dongne-waves
  waves:
    EXTENDED: {online_only: true}
    FINAL: {online_only: true}
- name: dongne-far-immediate
  base: dongne-waves
  waves:
    IMMEDIATE: {radius_m: 4000, limit: 3}
"""


@pytest.fixture(scope="module")
def variant_results(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Scenario, World, dict[str, PolicyResult]]:
    raw = small().model_dump(mode="json")
    variants = yaml.safe_load(VARIANTS)
    raw["policies"]["variants"] = variants
    raw["policies"]["compare"] = ["dongne-waves", *(v["name"] for v in variants)]
    path = tmp_path_factory.mktemp("variants") / "variants.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    scenario = load_scenario(path)
    world = build_world(scenario, default_region_map())
    found = simulate(world, compared(scenario), trace=True)
    return scenario, world, {r.policy.name: r for r in found}


def test_variants_from_the_scenario_file_change_the_plan(
    variant_results: tuple[Scenario, World, dict[str, PolicyResult]],
) -> None:
    scenario, _world, _results = variant_results
    known = all_policies(scenario)
    assert known["seed-capped"].plan == SEED_PLAN
    assert known["seed-capped"].fatigue_cap == 3
    assert [s.wave for s in known["dongne-no-final"].plan] == [s.wave for s in DEFAULT_PLAN[:3]]
    final = known["dongne-final-5min"].plan[3]
    assert (final.wave, final.delay_s, final.requires_no_answer) == (Wave.FINAL, 300, True)
    late = known["dongne-late-online"].plan
    assert [s.online_only for s in late] == [True, True, True, True]
    assert late[2].experts_only
    first = known["dongne-far-immediate"].plan[0]
    assert (first.radius_m, first.limit, first.online_only) == (4000, 3, True)
    assert known["dongne-far-immediate"].plan[1:] == DEFAULT_PLAN[1:]


def test_variants_from_the_scenario_file_run_as_written(
    variant_results: tuple[Scenario, World, dict[str, PolicyResult]],
) -> None:
    _scenario, world, results = variant_results
    questions = world.questions
    assert results["dongne-waves"].by_wave["FINAL"] > 0
    assert results["dongne-no-final"].by_wave["FINAL"] == 0

    five = results["dongne-final-5min"]
    finals = [n for n in five.trace or [] if n.wave is Wave.FINAL]
    assert finals
    assert all(n.t == questions[n.question].t + 300 for n in finals)
    assert all(
        ttfa is None or ttfa >= 300
        for ttfa in (five.time_to_first_answer[n.question] for n in finals)
    )

    late = results["dongne-late-online"].trace or []
    assert any(n.wave in (Wave.EXTENDED, Wave.FINAL) for n in late)
    assert {n.channel for n in late if n.wave in (Wave.EXTENDED, Wave.FINAL)} == {"online"}
    assert {n.channel for n in results["dongne-waves"].trace or [] if n.wave is Wave.FINAL} > {
        "online"
    }

    far = [n for n in results["dongne-far-immediate"].trace or [] if n.wave is Wave.IMMEDIATE]
    assert max(Counter(n.question for n in far).values()) == 3
    distances = [
        haversine_m(questions[n.question].lat, questions[n.question].lng, *where)
        for n in far
        if (where := position_at(world.locals[n.local], n.t)) is not None
    ]
    assert len(distances) == len(far)
    assert max(distances) <= 4_000
    assert max(distances) > 2_000  # the wider radius reached beyond the default


def test_a_capped_seed_variant_still_renotifies_but_holds_its_cap(
    variant_results: tuple[Scenario, World, dict[str, PolicyResult]],
) -> None:
    _scenario, _world, results = variant_results
    trace = results["seed-capped"].trace or []
    assert max(Counter((n.question, n.local) for n in trace).values()) > 1
    times: dict[int, list[float]] = defaultdict(list)
    for n in trace:
        times[n.local].append(n.t)
    reached = 0
    for ts in times.values():
        for j in range(3, len(ts)):
            assert ts[j - 3] < ts[j] - FATIGUE_WINDOW_S
        reached += any(ts[j] - ts[j - 2] <= FATIGUE_WINDOW_S for j in range(2, len(ts)))
    assert reached > 0


def test_the_shipped_variants_are_what_the_file_says() -> None:
    known = all_policies(load_scenario())
    assert known["dongne-waves"].fatigue_cap == 10
    cap30 = known["dongne-waves-cap30"]
    assert (cap30.plan, cap30.fatigue_cap) == (DEFAULT_PLAN, 30)
    assert known["dongne"].base == "router"
    assert [s.online_only for s in known["dongne-late-online"].plan] == [True] * 4


# -- what a run reports ---------------------------------------------------------------


def test_the_summary_counts_what_happened(world: World, results: dict[str, PolicyResult]) -> None:
    """Shares, unanswered and burden recomputed from the trace and the per-question times."""
    result = results["dongne-waves"]
    summary = summarize(world, result)
    ttfa = result.time_to_first_answer
    n = len(world.questions)
    assert summary.overall.questions == n
    for minutes, share in zip(world.scenario.thresholds_min, summary.overall.within, strict=True):
        assert share == sum(1 for t in ttfa if t is not None and t <= minutes * 60) / n
    urgent = [t for q, t in zip(world.questions, ttfa, strict=True) if q.urgent]
    assert summary.urgent.questions == len(urgent) > 0
    assert summary.urgent.within[-1] == sum(1 for t in urgent if t is not None and t <= 600) / len(
        urgent
    )
    region = world.questions[0].region
    asked = [t for q, t in zip(world.questions, ttfa, strict=True) if q.region == region]
    assert summary.regions[region].questions == len(asked)
    assert summary.unanswered == result.outcomes.count("unanswered") == ttfa.count(None)
    per_local = Counter(x.local for x in result.trace or [])
    burden = [float(per_local.get(i, 0)) for i in range(len(world.locals))]  # a 24 h day
    cuts = statistics.quantiles(burden, n=100, method="inclusive")
    assert summary.per_local_per_day_median == pytest.approx(statistics.median(burden))
    assert summary.per_local_per_day_p95 == pytest.approx(cuts[94])
    assert summary.per_local_per_day_p95 > summary.per_local_per_day_median


def test_the_markdown_table_shows_the_summary(
    world: World, results: dict[str, PolicyResult]
) -> None:
    summaries = [summarize(world, results[name]) for name in ("seed", "dongne-waves")]
    text = markdown(world, summaries, default_region_map(), runtime_s=1.0)
    for s in summaries:
        # The first table is the headline one (the wave table further down has rows too).
        row = next(line for line in text.splitlines() if line.startswith(f"| `{s.policy}` | "))
        within = " / ".join(f"{100 * x:.1f}" for x in s.overall.within)
        routed = " / ".join(f"{100 * x:.1f}" for x in s.routed.within)
        urgent = " / ".join(f"{100 * x:.1f}" for x in s.urgent.within)
        assert row.startswith(
            f"| `{s.policy}` | {within} | {routed} | {urgent} | {s.unanswered:,} ("
        )
        assert f"| {s.per_local_per_day_median:,.0f} / {s.per_local_per_day_p95:,.0f} (" in row


def test_progress_reaches_the_end_of_the_day(world: World, scenario: Scenario) -> None:
    seen: dict[str, list[float]] = defaultdict(list)

    def progress(policy: PolicySpec) -> Callable[[float], None]:
        return seen[policy.name].append

    simulate(
        world, [policy_named(scenario, n) for n in ("seed", "dongne-waves")], progress=progress
    )
    assert set(seen) == {"seed", "dongne-waves"}
    for ticks in seen.values():
        assert ticks == sorted(ticks)
        assert ticks[0] < ticks[-1] == world.end_s  # reported on the way, then at the end


def test_the_progress_bar_is_drawn(tmp_path: Path) -> None:
    scenario = small(40, 80)
    screen = io.StringIO()
    run(scenario, seed=None, out=tmp_path, console=Console(file=screen, width=100))
    drawn = screen.getvalue()
    for name in scenario.policies.compare:
        assert name in drawn
    assert "━" in drawn
    assert "virtual day 2 01:00" in drawn  # the end of the day plus the unanswered hour
