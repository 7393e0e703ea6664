"""Email over SMTP (aiosmtplib): one plain-text UTF-8 message per notification."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr

import aiosmtplib

from dongne.infra.senders.base import DeliveryFailed, DeliveryResult, OutgoingMessage


class SmtpSender:
    """Sends `OutgoingMessage` to an email address through one configured SMTP server.

    ``use_tls`` speaks TLS from the first byte (port 465); ``start_tls`` upgrades a plain
    connection (port 587) and fails if the server cannot. With neither, the connection
    stays plain: right for a relay on localhost, wrong across a network.
    A connection is opened per message: notification mail is rare next to sockets and
    push, and a pooled SMTP session would need its own liveness handling.
    """

    channel = "email"

    def __init__(
        self,
        host: str,
        port: int,
        *,
        sender_address: str,
        use_tls: bool = False,
        start_tls: bool = False,
        username: str | None = None,
        password: str | None = None,
        timeout_s: float = 10.0,
    ) -> None:
        if use_tls and start_tls:
            raise ValueError("use_tls and start_tls are exclusive")
        _, bare = parseaddr(sender_address)
        if "@" not in bare:
            raise ValueError(f"sender_address has no mailbox: {sender_address!r}")
        self.host = host
        self.port = port
        self.sender_address = sender_address
        self.use_tls = use_tls
        self.start_tls = start_tls
        self.username = username
        self.password = password
        self.timeout_s = timeout_s
        # make_msgid() would otherwise ask DNS for our FQDN on every message.
        self._msgid_domain = bare.rpartition("@")[2]

    def build(self, address: str, message: OutgoingMessage) -> EmailMessage:
        """The email as sent: subject = title, plain-text body = body."""
        mail = EmailMessage()
        try:
            mail["From"] = self.sender_address
            mail["To"] = address
            # A title is one line; a newline in a header value is refused by the email package.
            mail["Subject"] = " ".join(message.title.split())
        except ValueError as exc:
            raise DeliveryFailed(f"cannot build email: {exc}", retryable=False) from exc
        mail["Date"] = formatdate(usegmt=True)
        mail["Message-ID"] = make_msgid(domain=self._msgid_domain)
        if message.urgent:
            mail["Importance"] = "high"
        mail.set_content(message.body)
        return mail

    async def send(self, address: str, message: OutgoingMessage) -> DeliveryResult:
        mail = self.build(address, message)
        try:
            await aiosmtplib.send(
                mail,
                hostname=self.host,
                port=self.port,
                username=self.username,
                password=self.password,
                use_tls=self.use_tls,
                start_tls=self.start_tls,
                timeout=self.timeout_s,
            )
        except aiosmtplib.SMTPRecipientsRefused as exc:
            codes = [refused.code for refused in exc.recipients]
            raise DeliveryFailed(
                f"recipient refused: {exc.recipients[0].message if exc.recipients else exc}",
                retryable=any(400 <= code < 500 for code in codes),
                status=codes[0] if codes else None,
            ) from exc
        except aiosmtplib.SMTPResponseException as exc:
            # Reply codes: 4xx is "try again later", 5xx is permanent (RFC 5321 §4.2.1).
            raise DeliveryFailed(
                f"SMTP {exc.code}: {exc.message}", retryable=exc.code < 500, status=exc.code
            ) from exc
        except (
            aiosmtplib.SMTPConnectError,
            aiosmtplib.SMTPServerDisconnected,
            aiosmtplib.SMTPTimeoutError,
            OSError,
        ) as exc:
            # Refused or dropped connections and timeouts: the server may be back soon.
            raise DeliveryFailed(f"SMTP connection failed: {exc!r}", retryable=True) from exc
        except aiosmtplib.SMTPException as exc:
            # What is left is a capability we were configured to need and the server lacks
            # (STARTTLS, AUTH, SMTPUTF8): only a configuration change fixes that.
            raise DeliveryFailed(f"SMTP: {exc}", retryable=False) from exc
        return DeliveryResult.SENT
