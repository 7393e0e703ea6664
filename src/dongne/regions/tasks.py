"""The hot-area watch: a chore every node runs (the store lets one of them report a change)."""

from __future__ import annotations

from datetime import timedelta

from dongne.jobs.service import JobQueue
from dongne.regions.service import HotspotService


def register(jobs: JobQueue, hotspots: HotspotService, every: timedelta) -> None:
    jobs.every(every, "regions.hotspots", hotspots.watch)
