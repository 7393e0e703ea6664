"""SMS through an HTTP gateway: one JSON POST per message.

The gateway contract is ours, kept small so an adapter for any SMS provider is a few
lines: ``POST {url}`` with ``Authorization: Bearer {token}`` (when configured) and
``{"to": "+8210…", "text": "…", "data": {…}, "urgent": bool}``. 2xx is accepted, 404/410
means the number is gone, 408/425/429/5xx are retried, any other status is final.
"""

from __future__ import annotations

from typing import Final

import httpx

from dongne.infra.senders.base import (
    DeliveryResult,
    LazyHttpClient,
    OutgoingMessage,
    post,
)

# One GSM-7 SMS holds 160 characters. Korean text goes as UCS-2 (70 per part) or as an
# LMS; splitting and billing are the gateway's business, this only bounds what we hand it.
DEFAULT_MAX_CHARS: Final = 160


def sms_text(message: OutgoingMessage, max_chars: int = DEFAULT_MAX_CHARS) -> str:
    """``title\\nbody``, cut to ``max_chars`` code points with a trailing ellipsis."""
    text = f"{message.title}\n{message.body}" if message.body else message.title
    if len(text) <= max_chars:
        return text
    return text[: max_chars - 1] + "…"


class HttpSmsSender:
    """Sends `OutgoingMessage` to a phone number through the configured HTTP gateway."""

    channel = "sms"

    def __init__(
        self,
        url: str,
        *,
        token: str | None = None,
        timeout_s: float = 10.0,
        max_chars: int = DEFAULT_MAX_CHARS,
        client: httpx.AsyncClient | None = None,
    ) -> None:
        if max_chars < 2:
            raise ValueError("max_chars must leave room for text and the ellipsis")
        self.url = url
        self.max_chars = max_chars
        self._headers = {"Authorization": f"Bearer {token}"} if token else {}
        self._timeout = httpx.Timeout(timeout_s)
        self._http = LazyHttpClient(client)

    async def send(self, address: str, message: OutgoingMessage) -> DeliveryResult:
        payload = {
            "to": address,
            "text": sms_text(message, self.max_chars),
            "data": message.data,
            "urgent": message.urgent,
        }
        return await post(
            self._http.get(),
            self.url,
            what="SMS gateway",
            json=payload,
            headers=self._headers,
            timeout=self._timeout,
        )

    async def aclose(self) -> None:
        await self._http.aclose()
