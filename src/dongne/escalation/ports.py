"""What the router reads about the world, behind one interface with two implementations:
the live service's (`live_ports.LivePorts`: database, presence index) and the simulation's
(`simulation.ports.SimPorts`: the same presence index class, in-memory records). Every
method is batched: one call per round for a set of locals, never one await per local.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from dongne.escalation.routing import Pending, Responsiveness
from dongne.infra.presence.base import Nearby
from dongne.notifications.policy import RecipientSettings


@dataclass(frozen=True, slots=True)
class LocalProfile:
    """One local's settings as the router needs them (from one `settings.get_many`)."""

    settings: RecipientSettings
    languages: frozenset[str]
    followed_regions: frozenset[str]
    interests: frozenset[str]
    push: bool  # reachable offline (a push channel)
    on_duty_until_s: float | None = None


class RouterPorts(Protocol):
    async def nearby(self, lat: float, lng: float, radius_m: float, limit: int) -> list[Nearby]:
        """Online verified locals near the point, nearest first."""
        ...

    async def on_duty(self) -> list[str]:
        """Verified locals whose on-duty mark has not lapsed."""
        ...

    async def region_followers(self, region: str) -> list[str]:
        """Verified locals following the region."""
        ...

    async def accepted_answerers(self, tags: Sequence[str]) -> list[str]:
        """Verified locals with an accepted answer to a question with one of the tags."""
        ...

    async def interested(self, tags: Sequence[str]) -> list[str]:
        """Verified locals who declared an interest in one of the tags."""
        ...

    async def residents(self, region: str) -> list[str]:
        """Verified locals whose home is in the region."""
        ...

    async def reachable(self, fatigue_cap: int) -> list[str]:
        """Every verified local who may still get a question notification this hour."""
        ...

    async def best(self, user_ids: Sequence[str], limit: int) -> list[str]:
        """At most `limit` of them, the highest recorded answer rate first (a newcomer
        counts with the prior's mean, so newcomers stay in reach)."""
        ...

    async def positions(self, user_ids: Sequence[str]) -> dict[str, tuple[float, float]]:
        """Live positions of those online (absent: offline)."""
        ...

    async def profiles(self, user_ids: Sequence[str]) -> dict[str, LocalProfile]: ...

    async def blockers(self, asker_id: str, user_ids: Sequence[str]) -> set[str]:
        """Those among `user_ids` who blocked the asker."""
        ...

    async def responsiveness(self, user_ids: Sequence[str]) -> dict[str, Responsiveness]:
        """The router's record of each local (absent: nothing recorded yet)."""
        ...

    async def recent_counts(self, user_ids: Sequence[str]) -> dict[str, int]:
        """Question notifications of each in the last hour (absent: none), for the cap."""
        ...

    async def asked(self, question_id: str) -> dict[str, Pending]:
        """Locals already notified of the question (answered or not)."""
        ...
