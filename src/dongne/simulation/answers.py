"""Whether a notified local answers, and when: the behaviour model (an assumption).

For one notification of local L about question Q, seen at time s by channel c:

    p     = min(max, F_L * base[c] * by_hour[h] * (floor + (1 - floor) * exp(-d / scale))
                     * urgent? * expert? * fatigue ** n * repeat ** k * language_gap?)
    delay = D_L * median[c] * by_hour_delay[h] * (1 + per_km * d_km) * urgent_delay?
                      * fatigue_delay ** n * exp(sigma[c] * Z)          (log-normal)

F_L and D_L are L's hidden answer and delay factors (log-normal, drawn once per local);
`language_gap` applies when L does not read Q's language.

h is the local hour at s, d the distance from L (where they are when online, their home
otherwise) to Q, n the question notifications L had in the hour before this one, k how
many times L was already notified of Q. L answers when the keyed uniform draw for (Q, L, k)
is below p, at s + delay; Z is the keyed normal draw for the same triple.
"""

from __future__ import annotations

import math
from typing import Literal

from dongne.infra.presence.memory import JEJU_LAT
from dongne.kit.geo import EARTH_RADIUS_M
from dongne.simulation.draws import normal, uniform
from dongne.simulation.scenario import Answers

Channel = Literal["online", "push", "inbox"]
CHANNELS: tuple[Channel, ...] = ("online", "push", "inbox")

_M_PER_DEG = math.radians(1.0) * EARTH_RADIUS_M
_M_PER_DEG_LNG = _M_PER_DEG * math.cos(math.radians(JEJU_LAT))


def planar_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """The model's distance d: flat-earth at Jeju's latitude, well under 1 % off haversine
    across the island, and a quarter of its cost (the seed policy asks a million times)."""
    return math.hypot((lat2 - lat1) * _M_PER_DEG, (lng2 - lng1) * _M_PER_DEG_LNG)


class AnswerModel:
    def __init__(self, spec: Answers) -> None:
        prob, delay = spec.probability, spec.delay
        self._base = {c: float(getattr(prob.base, c)) for c in CHANNELS}
        self._median = {c: float(getattr(delay.median_s, c)) for c in CHANNELS}
        self._sigma = {c: float(getattr(delay.sigma, c)) for c in CHANNELS}
        self._p_hour = list(prob.by_hour)
        self._d_hour = list(delay.by_hour)
        self._floor = prob.distance_floor
        self._scale = prob.distance_scale_m
        self._p_urgent = prob.urgent
        self._p_expert = prob.expert
        self._p_fatigue = prob.fatigue
        self._p_repeat = prob.repeat
        self._p_max = prob.max
        self._p_gap = prob.language_gap
        self._per_km = delay.per_km
        self._d_urgent = delay.urgent
        self._d_fatigue = delay.fatigue
        self.inbox_horizon_s = spec.inbox_horizon_min * 60.0

    def probability(
        self,
        channel: Channel,
        seen_s: float,
        distance_m: float,
        urgent: bool,
        expert: bool,
        recent: int,
        repeat: int,
        factor: float = 1.0,
        language_gap: bool = False,
    ) -> float:
        p = self._base[channel] * factor * self._p_hour[int(seen_s // 3600) % 24]
        p *= self._floor + (1.0 - self._floor) * math.exp(-distance_m / self._scale)
        if urgent:
            p *= self._p_urgent
        if expert:
            p *= self._p_expert
        if recent:
            p *= self._p_fatigue**recent
        if repeat:
            p *= self._p_repeat**repeat
        if language_gap:
            p *= self._p_gap
        return min(p, self._p_max)

    def median_delay_s(
        self, channel: Channel, seen_s: float, distance_m: float, urgent: bool, recent: int
    ) -> float:
        m = self._median[channel] * self._d_hour[int(seen_s // 3600) % 24]
        m *= 1.0 + self._per_km * distance_m / 1000.0
        if urgent:
            m *= self._d_urgent
        if recent:
            m *= self._d_fatigue**recent
        return m

    def answer_time(
        self,
        question_key: int,
        local_key: int,
        channel: Channel,
        seen_s: float,
        distance_m: float,
        *,
        urgent: bool,
        expert: bool,
        recent: int,
        repeat: int,
        factor: float = 1.0,
        delay_factor: float = 1.0,
        language_gap: bool = False,
    ) -> float | None:
        """When L's answer arrives, or None if L does not answer this notification.

        `factor` and `delay_factor` are L's hidden traits; `language_gap`: L does not read
        the question's language."""
        p = self.probability(
            channel, seen_s, distance_m, urgent, expert, recent, repeat, factor, language_gap
        )
        if uniform(question_key, local_key, repeat, 0) >= p:
            return None
        median = delay_factor * self.median_delay_s(channel, seen_s, distance_m, urgent, recent)
        z = normal(question_key, local_key, repeat, 1)
        return seen_s + median * math.exp(self._sigma[channel] * z)
