"""The channels this deployment has: one registry, name → sender, built once from settings.

A channel the configuration does not set up is absent, never an error; Web Push needs
only its VAPID key (created on first start), so it is always there.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from dataclasses import dataclass

from dongne.config import Settings
from dongne.infra.senders.base import EMAIL, PUSH, SMS, WEBHOOK, Sender
from dongne.infra.senders.email import SmtpSender
from dongne.infra.senders.sms import HttpSmsSender
from dongne.infra.senders.webhook import WebhookSender
from dongne.infra.senders.webpush import VapidKeys, WebPushSender
from dongne.kit.clock import Clock

VAPID_KEY_FILE = "vapid_private.pem"


@dataclass
class ChannelSenders:
    vapid: VapidKeys
    senders: Mapping[str, Sender]

    def get(self, channel: str) -> Sender | None:
        return self.senders.get(channel)

    def configured(self) -> frozenset[str]:
        return frozenset(self.senders)

    async def aclose(self) -> None:
        for sender in self.senders.values():
            close = getattr(sender, "aclose", None)
            if close is not None:
                with contextlib.suppress(Exception):
                    await close()


def build_senders(settings: Settings, clock: Clock) -> ChannelSenders:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    # Every node must sign with the same key: in the scaled mode the data folder is shared.
    vapid = VapidKeys.load_or_create(settings.data_dir / VAPID_KEY_FILE, settings.vapid_subject)
    senders: dict[str, Sender] = {
        PUSH: WebPushSender(
            vapid,
            ttl_s=settings.push_ttl_s,
            clock=clock,
        )
    }
    if settings.smtp_host:
        senders[EMAIL] = SmtpSender(
            settings.smtp_host,
            settings.smtp_port,
            sender_address=settings.smtp_sender,
            use_tls=settings.smtp_use_tls,
            start_tls=settings.smtp_start_tls,
            username=settings.smtp_username,
            password=settings.smtp_password,
        )
    if settings.sms_gateway_url:
        senders[SMS] = HttpSmsSender(settings.sms_gateway_url, token=settings.sms_token)
    if settings.alert_webhook_url:
        senders[WEBHOOK] = WebhookSender()
    return ChannelSenders(vapid=vapid, senders=senders)
