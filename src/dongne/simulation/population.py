"""The simulated world: verified locals with homes and online sessions, and the questions.

Everything here is drawn before any policy runs, so every policy meets the same people at
the same places and times. Each local comes from their own random stream, named by region
and number, and the questions from another: asking for more locals in one region adds
people there without changing anybody else (which `find_min_locals` relies on).
"""

from __future__ import annotations

import bisect
import json
import math
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

import shapely

from dongne.escalation.policy import QuietHours, RecipientSettings
from dongne.kit.geo import EARTH_RADIUS_M
from dongne.regions.policy import REGIONS_FILE, Hotspot, RegionMap
from dongne.simulation.scenario import Population, Questions, Scenario

_M_PER_DEG = math.radians(1.0) * EARTH_RADIUS_M
# An online share of 1 would make the offline->online rate infinite.
_MAX_ONLINE_SHARE = 0.95

Session = tuple[float, float, float, float]  # start_s, end_s, lat, lng


@dataclass(frozen=True, slots=True)
class Local:
    index: int
    id: str
    region: str
    home_lat: float
    home_lng: float
    settings: RecipientSettings
    follows: frozenset[str]  # regions whose QUICK wave they hear wherever they are
    push: bool
    key: int
    sessions: tuple[Session, ...]
    session_starts: tuple[float, ...]
    # Hidden truth the router never reads: how much more (or less) likely than the model's
    # average this local answers, and how much slower.
    answer_factor: float = 1.0
    delay_factor: float = 1.0
    languages: frozenset[str] = frozenset({"ko"})  # read, and declared in their settings
    on_duty: bool = False  # marks themselves on duty whenever they open the app

    def next_online(self, t: float) -> float | None:
        """Start of the first session beginning after `t`, if any."""
        i = bisect.bisect_right(self.session_starts, t)
        return self.session_starts[i] if i < len(self.session_starts) else None


@dataclass(frozen=True, slots=True)
class Question:
    index: int
    id: str
    asker_id: str
    t: float
    lat: float
    lng: float
    region: str
    hotspot: str
    urgent: bool
    tags: frozenset[str]
    key: int
    accepts: bool
    accept_delay_s: float
    language: str = "ko"
    deflected: bool = False  # solved by the archive before any local is asked


@dataclass(frozen=True)
class World:
    scenario: Scenario
    seed: int
    locals: tuple[Local, ...]
    questions: tuple[Question, ...]
    end_s: float  # nothing that could change a result happens later


def apportion(total: int, weights: Mapping[str, float]) -> dict[str, int]:
    """Split `total` by weight, largest remainders first (ties in the mapping's order)."""
    codes = list(weights)
    weight_sum = sum(weights.values())
    if total == 0 or weight_sum <= 0:
        return dict.fromkeys(codes, 0)
    exact = [total * weights[c] / weight_sum for c in codes]
    counts = [math.floor(x) for x in exact]
    order = sorted(range(len(codes)), key=lambda i: (-(exact[i] - counts[i]), i))
    for i in order[: total - sum(counts)]:
        counts[i] += 1
    return dict(zip(codes, counts, strict=True))


def local_counts(
    population: Population, region_map: RegionMap, override: tuple[str, int] | None = None
) -> dict[str, int]:
    """Locals per region (every region of the map, weight 0 when the scenario omits it)."""
    weights = {r.code: population.region_weights.get(r.code, 0.0) for r in region_map.regions()}
    unknown = set(population.region_weights) - set(weights)
    if unknown:
        raise ValueError(f"region_weights names unknown regions: {sorted(unknown)}")
    counts = apportion(population.locals, weights)
    if override is not None:
        region, count = override
        if region not in counts:
            raise ValueError(f"unknown region {region!r}")
        counts[region] = count
    return counts


class _RegionSampler:
    """Uniform points inside a region's polygon, by rejection from its bounding box."""

    def __init__(self) -> None:
        data = resources.files("dongne.regions") / "data" / REGIONS_FILE
        doc = json.loads(data.read_text(encoding="utf-8"))
        self._geoms: dict[str, Any] = {}
        self._bounds: dict[str, tuple[float, float, float, float]] = {}
        for feature in doc["features"]:
            code = str(feature["properties"]["code"])
            geom = shapely.from_geojson(json.dumps(feature["geometry"]))
            shapely.prepare(geom)
            self._geoms[code] = geom
            b = shapely.bounds(geom)
            self._bounds[code] = (float(b[0]), float(b[1]), float(b[2]), float(b[3]))

    def inside(self, region: str, lat: float, lng: float) -> bool:
        return bool(shapely.contains_xy(self._geoms[region], lng, lat))

    def sample(self, rng: random.Random, region: str) -> tuple[float, float]:
        lng0, lat0, lng1, lat1 = self._bounds[region]
        while True:
            lat, lng = rng.uniform(lat0, lat1), rng.uniform(lng0, lng1)
            if self.inside(region, lat, lng):
                return lat, lng


def offset(lat: float, lng: float, sd_m: float, rng: random.Random) -> tuple[float, float]:
    """A point normally scattered (sd in metres, each axis) around (lat, lng)."""
    if sd_m == 0:
        return lat, lng
    dy, dx = rng.gauss(0.0, sd_m), rng.gauss(0.0, sd_m)
    return lat + dy / _M_PER_DEG, lng + dx / (_M_PER_DEG * math.cos(math.radians(lat)))


def _weighted_distinct(rng: random.Random, weights: Mapping[str, float], k: int) -> list[str]:
    pool = dict(weights)
    chosen: list[str] = []
    for _ in range(min(k, len(pool))):
        pick = rng.choices(list(pool), weights=list(pool.values()))[0]
        chosen.append(pick)
        del pool[pick]
    return chosen


def sessions_for(
    rng: random.Random, population: Population, end_s: float, home: tuple[float, float]
) -> list[Session]:
    """Online sessions over [0, end_s): a two-state process whose share online follows the
    hourly curve times this local's activity factor, with exponential session lengths."""
    sigma = population.activity_sigma
    activity = math.exp(rng.gauss(0.0, sigma) - sigma * sigma / 2)  # mean 1
    shares = [min(_MAX_ONLINE_SHARE, s * activity) for s in population.online_share_by_hour]
    off_rate = 1.0 / (population.session_mean_min * 60.0)  # online -> offline, per second
    sessions: list[Session] = []
    t = 0.0
    online = rng.random() < shares[0]
    while t < end_s:
        if online:
            end = t + rng.expovariate(off_rate)
            lat, lng = offset(home[0], home[1], population.roam_m, rng)
            sessions.append((t, min(end, end_s), lat, lng))
            t = end
        else:
            # Waiting time under an hourly piecewise-constant rate: spend an Exp(1) budget.
            budget = rng.expovariate(1.0)
            while t < end_s:
                hour_end = (math.floor(t / 3600) + 1) * 3600.0
                share = shares[int(t // 3600) % 24]
                on_rate = off_rate * share / (1.0 - share)
                if on_rate > 0 and budget <= on_rate * (hour_end - t):
                    t += budget / on_rate
                    break
                budget -= on_rate * (hour_end - t)
                t = hour_end
        online = not online
    return sessions


def _make_local(
    index: int,
    region: str,
    number: int,
    seed: int,
    scenario: Scenario,
    spots: Sequence[Hotspot],
    sampler: _RegionSampler,
    end_s: float,
) -> Local:
    population = scenario.population
    mix = population.settings
    rng = random.Random(f"{seed}:local:{region}:{number}")
    home: tuple[float, float] | None = None
    if spots and rng.random() < population.near_hotspot_share:
        spot = spots[rng.randrange(len(spots))]
        for _ in range(20):
            candidate = offset(spot.lat, spot.lng, population.hotspot_spread_m, rng)
            if sampler.inside(region, *candidate):
                home = candidate
                break
    if home is None:
        home = sampler.sample(rng, region)
    radii = list(mix.radius_m)
    catalogue = scenario.questions.hashtags
    settings = RecipientSettings(
        immediate_alerts=rng.random() >= mix.immediate_alerts_off_share,
        quiet_hours=QuietHours.parse(*mix.quiet_hours)
        if rng.random() < mix.quiet_hours_share
        else None,
        radius_m=rng.choices(radii, weights=[mix.radius_m[r] for r in radii])[0],
        muted_hashtags=frozenset(_weighted_distinct(rng, catalogue, 1))
        if rng.random() < mix.muted_hashtag_share
        else frozenset(),
        interests=frozenset(_weighted_distinct(rng, catalogue, rng.randint(1, mix.interests_max)))
        if rng.random() < mix.interests_share
        else frozenset(),
    )
    push = rng.random() < mix.push_share
    follows = frozenset({region}) if rng.random() < mix.follow_home_share else frozenset()
    key = rng.getrandbits(64)
    sessions = tuple(sessions_for(rng, population, end_s, home))
    # Drawn after everything else, so adding them left every other draw as it was.
    extra = random.Random(f"{seed}:local-traits:{region}:{number}")
    r_sigma, d_sigma = population.responsiveness_sigma, population.delay_sigma
    languages = frozenset(
        code for code, share in sorted(population.reads.items()) if extra.random() < share
    ) or frozenset({"ko"})
    return Local(
        index=index,
        id=f"L-{region}-{number:05d}",
        region=region,
        home_lat=home[0],
        home_lng=home[1],
        settings=settings,
        follows=follows,
        push=push,
        key=key,
        sessions=sessions,
        session_starts=tuple(s[0] for s in sessions),
        answer_factor=math.exp(extra.gauss(0.0, r_sigma) - r_sigma * r_sigma / 2),
        delay_factor=math.exp(extra.gauss(0.0, d_sigma)),
        languages=languages,
        on_duty=extra.random() < population.on_duty_share,
    )


def _question_times(rng: random.Random, questions: Questions, duration_s: float) -> list[float]:
    count = round(questions.per_day * duration_s / 86_400)
    hours = math.ceil(duration_s / 3600)
    spans = [min(3600.0, duration_s - h * 3600) for h in range(hours)]
    weights = [questions.share_by_hour[h % 24] * spans[h] for h in range(hours)]
    if count == 0 or sum(weights) <= 0:
        return []
    picks = rng.choices(range(hours), weights=weights, k=count)
    return sorted(h * 3600 + rng.random() * spans[h] for h in picks)


def make_questions(seed: int, scenario: Scenario, region_map: RegionMap) -> list[Question]:
    spec = scenario.questions
    rng = random.Random(f"{seed}:questions")
    spots = region_map.hotspots()
    unknown = set(spec.hotspot_weights) - {s.id for s in spots}
    if unknown:
        raise ValueError(f"hotspot_weights names unknown hotspots: {sorted(unknown)}")
    spot_weights = [spec.hotspot_weights.get(s.id, 1.0) for s in spots]
    low, high = spec.hashtags_per_question
    accept = scenario.answers.accept
    extra = random.Random(f"{seed}:question-traits")
    languages = sorted(spec.languages)
    language_weights = [spec.languages[c] for c in languages]
    result: list[Question] = []
    for index, t in enumerate(_question_times(rng, spec, scenario.duration_h * 3600)):
        spot = rng.choices(spots, weights=spot_weights)[0]
        lat, lng = offset(spot.lat, spot.lng, spec.spread_m, rng)
        region = region_map.locate(lat, lng)
        result.append(
            Question(
                index=index,
                id=f"Q{index:06d}",
                asker_id=f"T{rng.randrange(spec.travelers):06d}",
                t=t,
                lat=lat,
                lng=lng,
                region=region.code if region is not None else spot.region,
                hotspot=spot.id,
                urgent=rng.random() < spec.urgent_share,
                tags=frozenset(_weighted_distinct(rng, spec.hashtags, rng.randint(low, high))),
                key=rng.getrandbits(64),
                accepts=rng.random() < accept.probability,
                accept_delay_s=accept.median_s * math.exp(accept.sigma * rng.gauss(0.0, 1.0)),
                language=extra.choices(languages, weights=language_weights)[0],
                deflected=extra.random() < spec.deflected_share,
            )
        )
    return result


def build_world(
    scenario: Scenario,
    region_map: RegionMap,
    *,
    seed: int | None = None,
    override: tuple[str, int] | None = None,
) -> World:
    """Draw the day. `override=(region, n)` puts exactly n locals in that region."""
    seed = scenario.seed if seed is None else seed
    end_s = scenario.duration_h * 3600 + scenario.questions.unanswered_after_min * 60
    sampler = _RegionSampler()
    spots_by_region: dict[str, list[Hotspot]] = {}
    for spot in region_map.hotspots():
        spots_by_region.setdefault(spot.region, []).append(spot)
    people: list[Local] = []
    for region, count in local_counts(scenario.population, region_map, override).items():
        spots = spots_by_region.get(region, [])
        for number in range(count):
            people.append(
                _make_local(len(people), region, number, seed, scenario, spots, sampler, end_s)
            )
    questions = make_questions(seed, scenario, region_map)
    return World(scenario, seed, tuple(people), tuple(questions), end_s)
