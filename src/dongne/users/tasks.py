"""The lapse rule of local verification, applied by a chore every node runs (idempotent:
a lapsed local is no longer verified, so a second node finds nobody)."""

from __future__ import annotations

from datetime import timedelta

from dongne.jobs.service import JobQueue
from dongne.users.applications import LocalApplications

LAPSE_EVERY = timedelta(hours=6)


def register(jobs: JobQueue, applications: LocalApplications) -> None:
    jobs.every(LAPSE_EVERY, "users.lapse_absent_locals", applications.lapse_absent_locals)
