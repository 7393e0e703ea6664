"""The channel senders this deployment has: built once from settings, absent when unconfigured."""

from __future__ import annotations

from dataclasses import dataclass

from dongne.config import Settings
from dongne.infra.senders.email import SmtpSender
from dongne.infra.senders.sms import HttpSmsSender
from dongne.infra.senders.webpush import VapidKeys, WebPushSender
from dongne.kit.clock import Clock

VAPID_KEY_FILE = "vapid_private.pem"


@dataclass
class ChannelSenders:
    vapid: VapidKeys
    push: WebPushSender
    email: SmtpSender | None
    sms: HttpSmsSender | None

    def configured(self) -> frozenset[str]:
        present = {"push"}
        if self.email is not None:
            present.add("email")
        if self.sms is not None:
            present.add("sms")
        return frozenset(present)

    async def aclose(self) -> None:
        await self.push.aclose()
        if self.sms is not None:
            await self.sms.aclose()


def build_senders(settings: Settings, clock: Clock) -> ChannelSenders:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    # Every node must sign with the same key: in the scaled mode the data folder is shared.
    vapid = VapidKeys.load_or_create(settings.data_dir / VAPID_KEY_FILE, settings.vapid_subject)
    email = (
        SmtpSender(
            settings.smtp_host,
            settings.smtp_port,
            sender_address=settings.smtp_sender,
            use_tls=settings.smtp_use_tls,
            start_tls=settings.smtp_start_tls,
            username=settings.smtp_username,
            password=settings.smtp_password,
        )
        if settings.smtp_host
        else None
    )
    sms = (
        HttpSmsSender(settings.sms_gateway_url, token=settings.sms_token)
        if settings.sms_gateway_url
        else None
    )
    push = WebPushSender(
        vapid,
        ttl_s=settings.push_ttl_s,
        clock=clock,
        allow_insecure_endpoints=settings.push_allow_insecure_endpoints,
    )
    return ChannelSenders(vapid=vapid, push=push, email=email, sms=sms)
