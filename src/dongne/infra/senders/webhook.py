"""The operators' alert webhook as a channel: POSTs the message's data as JSON."""

from __future__ import annotations

import httpx

from dongne.infra.senders.base import (
    WEBHOOK,
    DeliveryFailed,
    DeliveryResult,
    LazyHttpClient,
    OutgoingMessage,
    outcome_of_http_status,
)

WEBHOOK_TIMEOUT_S = 10.0


class WebhookSender:
    channel = WEBHOOK

    def __init__(self, *, client: httpx.AsyncClient | None = None) -> None:
        self._http = LazyHttpClient(client)

    async def send(self, address: str, message: OutgoingMessage) -> DeliveryResult:
        try:
            response = await self._http.get().post(
                address, json=message.data, timeout=WEBHOOK_TIMEOUT_S
            )
        except httpx.HTTPError as exc:
            raise DeliveryFailed(f"webhook request failed: {exc!r}", retryable=True) from exc
        return outcome_of_http_status(
            response.status_code,
            retry_after=response.headers.get("Retry-After"),
            detail=response.text,
        )

    async def aclose(self) -> None:
        await self._http.aclose()
