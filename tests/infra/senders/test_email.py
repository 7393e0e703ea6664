"""Email through a real SMTP server (aiosmtpd) listening on 127.0.0.1."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiosmtpd.smtp import SMTP

from dongne.infra.senders.base import DeliveryFailed, DeliveryResult, OutgoingMessage, Sender
from dongne.infra.senders.email import SmtpSender
from tests.fixtures.standins import Mailbox

MESSAGE = OutgoingMessage(
    title="🚨 긴급 질문이 도착했습니다!",
    body="성산일출봉 근처에 지금 문 연 약국 있나요?\n아이가 열이 나요.",
    data={"questionId": "01JQ0000000000000000000000"},
    urgent=True,
)


@pytest.fixture
async def smtp() -> AsyncIterator[tuple[Mailbox, int]]:
    # aiosmtpd's SMTP protocol served on this test's loop: port 0 works (Controller needs a
    # fixed port) and no second thread is involved.
    mailbox = Mailbox()
    server = await asyncio.get_running_loop().create_server(
        lambda: SMTP(mailbox, hostname="mx.dongne.test"), "127.0.0.1", 0
    )
    port: int = server.sockets[0].getsockname()[1]
    yield mailbox, port
    server.close()
    await server.wait_closed()


def sender_for(port: int, **kwargs: Any) -> SmtpSender:
    return SmtpSender(
        "127.0.0.1", port, sender_address="동네물어봐 <noreply@dongne.test>", timeout_s=2, **kwargs
    )


def test_is_a_sender() -> None:
    assert isinstance(sender_for(25), Sender)
    assert sender_for(25).channel == "email"


async def test_korean_mail_arrives_intact(smtp: tuple[Mailbox, int]) -> None:
    mailbox, port = smtp
    result = await sender_for(port).send("halmang@example.com", MESSAGE)

    assert result is DeliveryResult.SENT
    [envelope] = mailbox.envelopes
    assert envelope.mail_from == "noreply@dongne.test"
    assert envelope.rcpt_tos == ["halmang@example.com"]
    [mail] = mailbox.messages()
    assert mail["Subject"] == "🚨 긴급 질문이 도착했습니다!"
    assert mail["From"].addresses[0].display_name == "동네물어봐"
    assert mail["To"] == "halmang@example.com"
    assert mail["Message-ID"].endswith("@dongne.test>")
    assert mail["Date"]
    assert mail.get_content_type() == "text/plain"
    assert mail.get_content_charset() == "utf-8"
    # Lines travel as CRLF on the SMTP wire; a mail client shows them as line breaks.
    assert mail.get_content().replace("\r\n", "\n").rstrip("\n") == MESSAGE.body


async def test_title_newlines_cannot_inject_headers(smtp: tuple[Mailbox, int]) -> None:
    mailbox, port = smtp
    sneaky = OutgoingMessage(
        title="질문\r\nBcc: all@example.com", body="본문", data={}, urgent=False
    )
    await sender_for(port).send("a@example.com", sneaky)
    [mail] = mailbox.messages()
    assert mail["Subject"] == "질문 Bcc: all@example.com"
    assert mail["Bcc"] is None


async def test_permanent_refusal_is_final(smtp: tuple[Mailbox, int]) -> None:
    mailbox, port = smtp
    mailbox.rcpt_reply = "550 5.1.1 No such user here"
    with pytest.raises(DeliveryFailed) as failed:
        await sender_for(port).send("nobody@example.com", MESSAGE)
    assert not failed.value.retryable
    assert failed.value.status == 550


async def test_rejected_data_is_final(smtp: tuple[Mailbox, int]) -> None:
    mailbox, port = smtp
    mailbox.data_reply = "554 5.7.1 Message rejected as spam"
    with pytest.raises(DeliveryFailed) as failed:
        await sender_for(port).send("a@example.com", MESSAGE)
    assert not failed.value.retryable
    assert failed.value.status == 554


async def test_temporary_refusal_is_retryable(smtp: tuple[Mailbox, int]) -> None:
    mailbox, port = smtp
    mailbox.rcpt_reply = "451 4.3.0 Greylisted, try again later"
    with pytest.raises(DeliveryFailed) as failed:
        await sender_for(port).send("a@example.com", MESSAGE)
    assert failed.value.retryable
    assert failed.value.status == 451


async def test_closed_port_is_retryable() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(DeliveryFailed) as failed:
        await sender_for(port).send("a@example.com", MESSAGE)
    assert failed.value.retryable


async def test_missing_starttls_is_final(smtp: tuple[Mailbox, int]) -> None:
    _, port = smtp
    with pytest.raises(DeliveryFailed) as failed:
        await sender_for(port, start_tls=True).send("a@example.com", MESSAGE)
    assert not failed.value.retryable


def test_misconfiguration_is_refused_at_start() -> None:
    with pytest.raises(ValueError, match="exclusive"):
        SmtpSender("h", 25, sender_address="a@b.c", use_tls=True, start_tls=True)
    with pytest.raises(ValueError, match="mailbox"):
        SmtpSender("h", 25, sender_address="no address")
