"""SMS through a local HTTP gateway stand-in."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator

import pytest

from dongne.infra.senders.base import DeliveryFailed, DeliveryResult, OutgoingMessage, Sender
from dongne.infra.senders.sms import HttpSmsSender, sms_text
from tests.fixtures.standins import Gateway

MESSAGE = OutgoingMessage(
    title="🚨 긴급 질문이 도착했습니다!",
    body="애월 카페거리 지금 주차 자리 있나요?",
    data={"questionId": "01JQ0000000000000000000000"},
    urgent=True,
)


@pytest.fixture
async def gateway() -> AsyncIterator[Gateway]:
    stand_in = Gateway()
    await stand_in.start()
    yield stand_in
    await stand_in.stop()


@pytest.fixture
async def sender(gateway: Gateway) -> AsyncIterator[HttpSmsSender]:
    sms = HttpSmsSender(gateway.url, token="s3cret", timeout_s=2)
    yield sms
    await sms.aclose()


def test_is_a_sender(sender: HttpSmsSender) -> None:
    assert isinstance(sender, Sender)
    assert sender.channel == "sms"


async def test_gateway_receives_json_with_bearer_token(
    gateway: Gateway, sender: HttpSmsSender
) -> None:
    assert await sender.send("+821012345678", MESSAGE) is DeliveryResult.SENT
    [(headers, payload)] = gateway.received
    assert headers["Authorization"] == "Bearer s3cret"
    assert headers["Content-Type"].startswith("application/json")
    assert payload == {
        "to": "+821012345678",
        "text": "🚨 긴급 질문이 도착했습니다!\n애월 카페거리 지금 주차 자리 있나요?",
        "data": {"questionId": "01JQ0000000000000000000000"},
        "urgent": True,
    }


async def test_no_token_no_authorization(gateway: Gateway) -> None:
    sms = HttpSmsSender(gateway.url)
    try:
        await sms.send("+821012345678", MESSAGE)
    finally:
        await sms.aclose()
    [(headers, _)] = gateway.received
    assert "Authorization" not in headers


@pytest.mark.parametrize("status", [503, 500, 429])
async def test_gateway_trouble_is_retryable(
    gateway: Gateway, sender: HttpSmsSender, status: int
) -> None:
    gateway.statuses = [status]
    with pytest.raises(DeliveryFailed) as failed:
        await sender.send("+821012345678", MESSAGE)
    assert failed.value.retryable
    assert failed.value.status == status


@pytest.mark.parametrize("status", [404, 410])
async def test_unknown_number_is_gone(gateway: Gateway, sender: HttpSmsSender, status: int) -> None:
    gateway.statuses = [status]
    assert await sender.send("+821000000000", MESSAGE) is DeliveryResult.GONE


async def test_bad_request_is_final(gateway: Gateway, sender: HttpSmsSender) -> None:
    gateway.statuses = [422]
    with pytest.raises(DeliveryFailed) as failed:
        await sender.send("not-a-number", MESSAGE)
    assert not failed.value.retryable


async def test_fails_twice_then_succeeds(gateway: Gateway, sender: HttpSmsSender) -> None:
    gateway.statuses = [503, 502, 200]
    for _ in range(2):
        with pytest.raises(DeliveryFailed):
            await sender.send("+821012345678", MESSAGE)
    assert await sender.send("+821012345678", MESSAGE) is DeliveryResult.SENT
    assert len(gateway.received) == 3


async def test_unreachable_gateway_is_retryable() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sms = HttpSmsSender(f"http://127.0.0.1:{port}/sms", timeout_s=1)
    try:
        with pytest.raises(DeliveryFailed) as failed:
            await sms.send("+821012345678", MESSAGE)
        assert failed.value.retryable
    finally:
        await sms.aclose()


def test_long_text_is_cut_with_an_ellipsis() -> None:
    long = OutgoingMessage(title="제목", body="가" * 500, data={}, urgent=False)
    text = sms_text(long, max_chars=70)
    assert len(text) == 70
    assert text.startswith("제목\n가")
    assert text.endswith("…")
    assert sms_text(OutgoingMessage("제목", "", {}, False)) == "제목"
