"""Delivery jobs: one `notify.<channel>` job kind per channel of the registry, each with
its own concurrency, all running the one delivery path."""

from __future__ import annotations

from datetime import timedelta
from functools import partial

from dongne.config import Settings
from dongne.jobs.service import JobQueue
from dongne.notifications.delivery import DeliveryService
from dongne.notifications.service import DELIVERY_JOB


def register(jobs: JobQueue, delivery: DeliveryService, settings: Settings) -> None:
    for channel in delivery.channels():
        jobs.register_external(
            DELIVERY_JOB.format(channel=channel),
            partial(delivery.deliver, channel),
            settings.channel_concurrency(channel),
        )
    jobs.every(timedelta(hours=1), "notify.forget_keys", delivery.forget_old_keys)
