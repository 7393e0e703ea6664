"""Delivery jobs of the external channels, each with its own concurrency."""

from __future__ import annotations

from dongne.config import Settings
from dongne.jobs.service import JobQueue
from dongne.notifications.delivery import DeliveryService
from dongne.notifications.service import DELIVERY_JOB


def register(jobs: JobQueue, delivery: DeliveryService, settings: Settings) -> None:
    for channel, send, concurrency in (
        ("push", delivery.push, settings.push_concurrency),
        ("email", delivery.email, settings.email_concurrency),
        ("sms", delivery.sms, settings.sms_concurrency),
    ):
        jobs.register_external(DELIVERY_JOB.format(channel=channel), send, concurrency)
