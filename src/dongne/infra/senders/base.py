"""The interface every delivery channel implements, and the outcomes it can report."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol, runtime_checkable

import httpx

# The channel names, once: the sender registry, the delivery jobs, per-user settings
# (`settings.Channels`) and the configuration all key on these.
PUSH, EMAIL, SMS, WEBHOOK = "push", "email", "sms", "webhook"
# The channels a user chooses in their settings; the webhook is the operators' own.
USER_CHANNELS: tuple[str, ...] = (PUSH, EMAIL, SMS)


@dataclass(frozen=True)
class OutgoingMessage:
    """What a notification says, independent of the channel that carries it.

    ``key`` names the event it carries: a retried delivery of the same event has the same
    key, which Web Push turns into its ``Topic`` header and the notification's ``tag`` so
    the device shows it once.
    """

    title: str
    body: str
    data: dict[str, Any] = field(default_factory=dict)
    urgent: bool = False
    key: str | None = None


class DeliveryResult(StrEnum):
    SENT = "sent"
    # The address or subscription no longer exists (HTTP 404/410 from a push service or
    # gateway): the caller deletes it rather than retrying forever.
    GONE = "gone"


class DeliveryFailed(Exception):
    """The message was not delivered.

    ``retryable`` is True for transient trouble (timeouts, refused connections, 5xx, 429,
    SMTP 4xx) and False when the same request would fail again (other 4xx, SMTP 5xx).
    ``retry_after_s`` carries the remote side's own hint (HTTP ``Retry-After`` in seconds)
    when it gave one, so the job's backoff can honour it.
    """

    def __init__(
        self,
        message: str,
        *,
        retryable: bool,
        status: int | None = None,
        retry_after_s: float | None = None,
    ) -> None:
        super().__init__(message)
        self.retryable = retryable
        self.status = status
        self.retry_after_s = retry_after_s


@runtime_checkable
class Sender(Protocol):
    """One delivery channel (`USER_CHANNELS`, or the operators' `WEBHOOK`)."""

    channel: str

    async def send(self, address: Any, message: OutgoingMessage) -> DeliveryResult:
        """Deliver ``message`` to ``address``; raise `DeliveryFailed` if it did not go out."""
        ...


def outcome_of_http_status(status: int, *, retry_after: str | None, detail: str) -> DeliveryResult:
    """Map an HTTP answer from a push service or SMS gateway to our outcome.

    2xx is delivered; 404/410 mean the address is gone for good (RFC 8030 §7.3); 408, 425,
    429 and 5xx are the remote side's momentary trouble. Any other status would come back
    the same on a retry, so it is final. Raises `DeliveryFailed` for every failure.
    """
    if 200 <= status < 300:
        return DeliveryResult.SENT
    if status in (404, 410):
        return DeliveryResult.GONE
    retryable = status in (408, 425, 429) or status >= 500
    raise DeliveryFailed(
        f"HTTP {status}: {detail[:200]}",
        retryable=retryable,
        status=status,
        retry_after_s=parse_retry_after(retry_after) if retryable else None,
    )


async def post(client: httpx.AsyncClient, url: str, *, what: str, **request: Any) -> DeliveryResult:
    """POSTs to a push service, gateway or webhook; its answer mapped to our outcome."""
    try:
        response = await client.post(url, **request)
    except httpx.HTTPError as exc:
        raise DeliveryFailed(f"{what} request failed: {exc!r}", retryable=True) from exc
    return outcome_of_http_status(
        response.status_code,
        retry_after=response.headers.get("Retry-After"),
        detail=response.text,
    )


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a ``Retry-After`` header; the HTTP-date form is ignored.

    Push services send seconds in practice, and turning a date into a delay would need the
    clock here for little gain: the job's own backoff applies when this returns None.
    """
    if value is None:
        return None
    try:
        seconds = float(value.strip())
    except ValueError:
        return None
    return seconds if math.isfinite(seconds) and seconds >= 0 else None


class LazyHttpClient:
    """The sender's HTTP client: the one it was given, or its own, made on first use (so
    constructing a sender needs no running event loop) and closed by `aclose`."""

    def __init__(self, client: httpx.AsyncClient | None) -> None:
        self._client = client
        self._owned = client is None

    def get(self) -> httpx.AsyncClient:
        if self._client is None:
            self._client = httpx.AsyncClient(follow_redirects=False)
        return self._client

    async def aclose(self) -> None:
        """Closes the client if this object created it; a given one belongs to the caller."""
        if self._client is not None and self._owned:
            await self._client.aclose()
            self._client = None
