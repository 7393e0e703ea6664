"""The operators' alert webhook as a channel: POSTs the message's data as JSON."""

from __future__ import annotations

import httpx

from dongne.infra.senders.base import (
    WEBHOOK,
    DeliveryResult,
    LazyHttpClient,
    OutgoingMessage,
    post,
)

WEBHOOK_TIMEOUT_S = 10.0


class WebhookSender:
    channel = WEBHOOK

    def __init__(self, *, client: httpx.AsyncClient | None = None) -> None:
        self._http = LazyHttpClient(client)

    async def send(self, address: str, message: OutgoingMessage) -> DeliveryResult:
        return await post(
            self._http.get(), address, what="webhook", json=message.data, timeout=WEBHOOK_TIMEOUT_S
        )

    async def aclose(self) -> None:
        await self._http.aclose()
