"""Web Push against a local push service that checks VAPID and decrypts like a browser."""

from __future__ import annotations

import socket
import stat
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import http_ece
import httpx
import orjson
import pytest

from dongne.infra.senders.base import DeliveryFailed, DeliveryResult, OutgoingMessage, Sender
from dongne.infra.senders.webpush import (
    MAX_PAYLOAD_BYTES,
    PushSubscription,
    VapidKeys,
    WebPushSender,
)
from dongne.kit.clock import ManualClock
from tests.fixtures.standins import Browser, PushService, b64url, b64url_decode, verify_vapid

SUBJECT = "mailto:ops@dongne.test"
URGENT = OutgoingMessage(
    title="🚨 긴급 질문이 도착했습니다!",
    body="한라산 1100고지 지금 눈 와요? 체인 없이 올라갈 수 있을까요",
    data={"questionId": "01JQ0000000000000000000000", "eventId": 42},
    urgent=True,
)
CALM = OutgoingMessage(title="새 답변", body="협재 해변 주차 가능해요", data={}, urgent=False)


@pytest.fixture(scope="module")
def keys() -> VapidKeys:
    return VapidKeys.generate(SUBJECT)


@pytest.fixture
async def service(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[PushService]:
    stand_in = PushService()
    await stand_in.start()
    # Senders made from here on trust the stand-in's test CA (and only it).
    monkeypatch.setenv("SSL_CERT_FILE", str(stand_in.ca_file))
    yield stand_in
    await stand_in.stop()


@pytest.fixture
async def sender(keys: VapidKeys) -> AsyncIterator[WebPushSender]:
    push = WebPushSender(keys, timeout_s=2, ttl_s=120)
    yield push
    await push.aclose()


# --- delivery ------------------------------------------------------------------------------


def test_is_a_sender(sender: WebPushSender) -> None:
    assert isinstance(sender, Sender)
    assert sender.channel == "push"


async def test_push_arrives_signed_and_decrypts_to_the_message(
    keys: VapidKeys, service: PushService, sender: WebPushSender
) -> None:
    browser = Browser()
    result = await sender.send(browser.subscription(service.endpoint()), URGENT)

    assert result is DeliveryResult.SENT
    [request] = service.received
    assert request.path == "/push/abc123"
    claims, k = verify_vapid(request.headers["authorization"], audience=service.origin)
    assert k == keys.public_key_b64url  # the applicationServerKey the browser subscribed with
    assert claims["sub"] == SUBJECT
    assert isinstance(claims["exp"], int)
    assert time.time() < claims["exp"] <= time.time() + 24 * 3600
    assert request.headers["content-encoding"] == "aes128gcm"
    assert request.headers["ttl"] == "120"
    assert request.headers["urgency"] == "high"
    assert orjson.loads(browser.decrypt(request.body)) == {
        "title": "🚨 긴급 질문이 도착했습니다!",
        "body": URGENT.body,
        "data": {"questionId": "01JQ0000000000000000000000", "eventId": 42},
        "urgent": True,
    }


async def test_normal_message_has_normal_urgency(
    service: PushService, sender: WebPushSender
) -> None:
    browser = Browser()
    assert await sender.send(browser.subscription(service.endpoint()), CALM) is DeliveryResult.SENT
    [request] = service.received
    assert request.headers["urgency"] == "normal"
    assert orjson.loads(browser.decrypt(request.body))["urgent"] is False


async def test_each_send_is_encrypted_afresh(service: PushService, sender: WebPushSender) -> None:
    browser = Browser()
    subscription = browser.subscription(service.endpoint())
    await sender.send(subscription, CALM)
    await sender.send(subscription, CALM)
    first, second = service.received
    assert first.body != second.body
    assert browser.decrypt(first.body) == browser.decrypt(second.body)


async def test_another_browser_cannot_decrypt(service: PushService, sender: WebPushSender) -> None:
    await sender.send(Browser().subscription(service.endpoint()), CALM)
    with pytest.raises(http_ece.ECEException):
        Browser().decrypt(service.received[0].body)


# --- outcomes ------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [404, 410])
async def test_gone_subscription(service: PushService, sender: WebPushSender, status: int) -> None:
    service.statuses = [status]
    result = await sender.send(Browser().subscription(service.endpoint()), CALM)
    assert result is DeliveryResult.GONE


@pytest.mark.parametrize("status", [500, 502, 503, 429])
async def test_transient_failure_is_retryable(
    service: PushService, sender: WebPushSender, status: int
) -> None:
    service.statuses = [status]
    service.retry_after = "30"
    with pytest.raises(DeliveryFailed) as failed:
        await sender.send(Browser().subscription(service.endpoint()), CALM)
    assert failed.value.retryable
    assert failed.value.status == status
    assert failed.value.retry_after_s == 30.0


@pytest.mark.parametrize("status", [400, 401, 403, 413])
async def test_client_error_is_final(
    service: PushService, sender: WebPushSender, status: int
) -> None:
    service.statuses = [status]
    with pytest.raises(DeliveryFailed) as failed:
        await sender.send(Browser().subscription(service.endpoint()), CALM)
    assert not failed.value.retryable
    assert failed.value.status == status


async def test_fails_twice_then_succeeds(service: PushService, sender: WebPushSender) -> None:
    browser = Browser()
    subscription = browser.subscription(service.endpoint())
    service.statuses = [503, 503, 201]
    for _ in range(2):
        with pytest.raises(DeliveryFailed) as failed:
            await sender.send(subscription, URGENT)
        assert failed.value.retryable
    assert await sender.send(subscription, URGENT) is DeliveryResult.SENT
    assert len(service.received) == 3
    assert orjson.loads(browser.decrypt(service.received[-1].body))["title"] == URGENT.title


async def test_connection_refused_is_retryable(sender: WebPushSender) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(DeliveryFailed) as failed:
        await sender.send(Browser().subscription(f"https://127.0.0.1:{port}/push/x"), CALM)
    assert failed.value.retryable


async def test_a_push_service_with_an_untrusted_certificate_gets_nothing(
    keys: VapidKeys, service: PushService, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The stand-in's TLS is checked, not waved through: without its CA it is refused."""
    monkeypatch.delenv("SSL_CERT_FILE")
    push = WebPushSender(keys, timeout_s=2)
    try:
        with pytest.raises(DeliveryFailed):
            await push.send(Browser().subscription(service.endpoint()), CALM)
        assert service.received == []
    finally:
        await push.aclose()


async def test_timeout_is_retryable(keys: VapidKeys, service: PushService) -> None:
    service.delay_s = 1.0
    push = WebPushSender(keys, timeout_s=0.1)
    try:
        with pytest.raises(DeliveryFailed) as failed:
            await push.send(Browser().subscription(service.endpoint()), CALM)
        assert failed.value.retryable
    finally:
        await push.aclose()


async def test_http_endpoint_refused(keys: VapidKeys, service: PushService) -> None:
    push = WebPushSender(keys)
    plain = service.endpoint().replace("https://", "http://", 1)
    try:
        with pytest.raises(DeliveryFailed) as failed:
            await push.send(Browser().subscription(plain), CALM)
        assert not failed.value.retryable
        assert service.received == []
    finally:
        await push.aclose()


async def test_oversized_payload_is_final_and_not_sent(
    service: PushService, sender: WebPushSender
) -> None:
    huge = OutgoingMessage(title="t", body="가" * MAX_PAYLOAD_BYTES, data={}, urgent=False)
    with pytest.raises(DeliveryFailed) as failed:
        await sender.send(Browser().subscription(service.endpoint()), huge)
    assert not failed.value.retryable
    assert service.received == []


async def test_injected_client_is_used_and_left_open(keys: VapidKeys, service: PushService) -> None:
    async with httpx.AsyncClient() as client:
        push = WebPushSender(keys, client=client)
        assert (
            await push.send(Browser().subscription(service.endpoint()), CALM) is DeliveryResult.SENT
        )
        await push.aclose()
        assert not client.is_closed


async def test_vapid_token_is_reused_then_renewed(keys: VapidKeys, service: PushService) -> None:
    clock = ManualClock(datetime.now(UTC))
    push = WebPushSender(keys, clock=clock)
    subscription = Browser().subscription(service.endpoint())
    try:
        await push.send(subscription, CALM)
        clock.advance(3600)
        await push.send(subscription, CALM)
        clock.advance(10 * 3600)  # within the renewal margin of the 12 h token
        await push.send(subscription, CALM)
    finally:
        await push.aclose()
    first, second, third = (r.headers["authorization"] for r in service.received)
    assert first == second
    assert third != second
    claims, _ = verify_vapid(third, audience=service.origin)
    assert claims["exp"] == int(clock.now().timestamp()) + 12 * 3600


# --- keys and subscriptions ----------------------------------------------------------------


def test_vapid_keys_are_created_private_and_reloaded(tmp_path: Path) -> None:
    path = tmp_path / "secrets" / "vapid.pem"
    created = VapidKeys.load_or_create(path, SUBJECT)

    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----")
    assert [p.name for p in path.parent.iterdir()] == ["vapid.pem"]  # no temp file left
    public = b64url_decode(created.public_key_b64url)
    assert len(public) == 65
    assert public[0] == 0x04
    assert "=" not in created.public_key_b64url
    assert VapidKeys.load_or_create(path, SUBJECT).public_key_b64url == created.public_key_b64url


def test_open_key_file_is_tightened(tmp_path: Path) -> None:
    path = tmp_path / "vapid.pem"
    VapidKeys.load_or_create(path, SUBJECT)
    path.chmod(0o644)
    VapidKeys.load_or_create(path, SUBJECT)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


@pytest.mark.parametrize("subject", ["", "ops@dongne.test", "http://dongne.test"])
def test_bad_subject_is_refused(subject: str) -> None:
    with pytest.raises(ValueError, match="subject"):
        VapidKeys.generate(subject)


def test_subscription_from_browser_json() -> None:
    expected = Browser().subscription("https://fcm.googleapis.com/fcm/send/xyz")
    parsed = PushSubscription.from_browser_json(
        {
            "endpoint": expected.endpoint,
            "expirationTime": None,
            "keys": {"p256dh": expected.p256dh, "auth": expected.auth},
        }
    )
    assert parsed == expected
    assert parsed.origin == "https://fcm.googleapis.com"


@pytest.mark.parametrize(
    "change",
    [
        {"endpoint": "ftp://push.example/x"},
        {"endpoint": "/relative"},
        {"p256dh": b64url(b"\x04" + b"\x01" * 64)},  # not on the curve
        {"p256dh": b64url(b"\x02" + b"\x01" * 32)},  # compressed
        {"auth": b64url(b"short")},
        {"auth": "***"},
    ],
)
def test_invalid_subscription_is_refused(change: dict[str, str]) -> None:
    good = Browser().subscription("https://push.example/x")
    fields = {"endpoint": good.endpoint, "p256dh": good.p256dh, "auth": good.auth} | change
    with pytest.raises(ValueError):  # noqa: PT011
        PushSubscription(**fields)
