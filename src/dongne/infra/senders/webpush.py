"""Web Push (RFC 8030) with VAPID (RFC 8292) and aes128gcm payloads (RFC 8188/8291).

pywebpush does the payload encryption (`WebPusher.encode`) and py_vapid signs the VAPID
JWT; the request itself goes out over httpx, because pywebpush's own senders are either
blocking (requests) or open an aiohttp session per call, and we want one pooled async
client whose timeouts and failures we map ourselves.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import os
import stat
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final
from urllib.parse import urlsplit

import httpx
import orjson
import structlog
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from py_vapid import Vapid02, VapidException
from pywebpush import WebPusher, WebPushException

from dongne.infra.senders.base import (
    DeliveryFailed,
    DeliveryResult,
    LazyHttpClient,
    OutgoingMessage,
    post,
)
from dongne.kit.clock import Clock, SystemClock

log = structlog.get_logger("dongne.senders.webpush")

# RFC 8291 §4: push services must accept 4096-byte bodies; aes128gcm's header (86 bytes),
# tag (16) and padding delimiter (1) leave this much for our JSON.
MAX_PAYLOAD_BYTES: Final = 3993
# RFC 8292 §2 caps a VAPID token at 24 h; we sign for 12 h and re-sign once fewer than
# 1 h remain, so one signature serves every push to the same service for hours.
_JWT_LIFETIME_S: Final = 12 * 3600
_JWT_RENEW_BEFORE_S: Final = 3600
_KEY_FILE_MODE: Final = 0o600


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class VapidKeys:
    """The server's VAPID key pair and the contact ``subject`` it signs with.

    Browsers bind a subscription to the public key given as ``applicationServerKey``:
    every node must sign with the same private key, or pushes to those subscriptions are
    refused (403). Keep the key file on storage all nodes share, or load the same PEM.
    """

    def __init__(self, private_key: ec.EllipticCurvePrivateKey, subject: str) -> None:
        if not isinstance(private_key.curve, ec.SECP256R1):
            raise ValueError("a VAPID key must be on the P-256 curve")
        self._vapid = Vapid02(private_key=private_key)
        self.subject = subject
        self.private_key = private_key
        # py_vapid checks `sub` (mailto: or https:) only when signing; sign once now so a
        # bad subject stops start-up instead of every push.
        try:
            self.sign_authorization("https://push.example", expires_at=0)
        except VapidException as exc:
            raise ValueError(f"invalid VAPID subject {subject!r}: {exc}") from exc

    @classmethod
    def generate(cls, subject: str) -> VapidKeys:
        return cls(ec.generate_private_key(ec.SECP256R1()), subject)

    @classmethod
    def from_pem(cls, pem: bytes, subject: str) -> VapidKeys:
        key = serialization.load_pem_private_key(pem, password=None)
        if not isinstance(key, ec.EllipticCurvePrivateKey):
            raise ValueError("the VAPID PEM does not hold an EC private key")
        return cls(key, subject)

    @classmethod
    def load_or_create(cls, path: Path, subject: str) -> VapidKeys:
        """Load the PEM private key at ``path``, creating it (mode 0600) if absent.

        Creation is atomic and first-writer-wins, so processes starting together on one
        host all end up with the same key rather than overwriting each other's.
        """
        if not path.exists():
            cls._create_key_file(path)
        _restrict_permissions(path)
        return cls.from_pem(path.read_bytes(), subject)

    @staticmethod
    def _create_key_file(path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        pem = ec.generate_private_key(ec.SECP256R1()).private_bytes(
            encoding=serialization.Encoding.PEM,
            format=serialization.PrivateFormat.PKCS8,
            encryption_algorithm=serialization.NoEncryption(),
        )
        # mkstemp creates the file 0600 from the start; the key is complete before the
        # hard link makes it visible, and link() refuses to replace a key someone else
        # created in the meantime.
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(pem)
                out.flush()
                os.fsync(out.fileno())
            with contextlib.suppress(FileExistsError):
                os.link(tmp, path)
        finally:
            os.unlink(tmp)

    @property
    def public_key_bytes(self) -> bytes:
        return self.private_key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )

    @property
    def public_key_b64url(self) -> str:
        """The browser's ``applicationServerKey``: the uncompressed P-256 point, base64url."""
        return _b64url(self.public_key_bytes)

    def sign_authorization(self, audience: str, *, expires_at: int) -> str:
        """The ``Authorization: vapid t=…,k=…`` value for a push service's origin."""
        claims: dict[str, str | int] = {"aud": audience, "exp": expires_at, "sub": self.subject}
        header: str = self._vapid.sign(claims)["Authorization"]
        return header


def _restrict_permissions(path: Path) -> None:
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        try:
            path.chmod(_KEY_FILE_MODE)
        except OSError:
            # A read-only mount (a secret volume) cannot be fixed here; say so and go on.
            log.warning("vapid_key_permissions_too_open", path=str(path), mode=oct(mode))


@dataclass(frozen=True, slots=True)
class PushSubscription:
    """A browser's PushSubscription: where to POST and the keys to encrypt for."""

    endpoint: str
    p256dh: str
    auth: str

    def __post_init__(self) -> None:
        try:
            point = _b64url_decode(self.p256dh)
            secret = _b64url_decode(self.auth)
        except (binascii.Error, ValueError) as exc:
            raise ValueError("p256dh and auth must be base64url") from exc
        if len(point) != 65 or point[0] != 0x04:
            raise ValueError("p256dh must be an uncompressed P-256 point (65 bytes)")
        try:
            ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), point)
        except ValueError as exc:
            raise ValueError("p256dh is not a point on P-256") from exc
        if len(secret) != 16:
            raise ValueError("auth must be a 16-byte secret")
        parts = urlsplit(self.endpoint)
        if parts.scheme not in ("https", "http") or not parts.hostname:
            raise ValueError("endpoint must be an absolute http(s) URL")

    @classmethod
    def from_browser_json(cls, data: Mapping[str, Any]) -> PushSubscription:
        """Parse ``PushSubscription.toJSON()``: ``{endpoint, keys: {p256dh, auth}}``."""
        keys = data.get("keys")
        if not isinstance(keys, Mapping):
            raise ValueError("subscription has no keys")
        endpoint, p256dh, auth = data.get("endpoint"), keys.get("p256dh"), keys.get("auth")
        if not (isinstance(endpoint, str) and isinstance(p256dh, str) and isinstance(auth, str)):
            raise ValueError("subscription needs endpoint, keys.p256dh and keys.auth strings")
        return cls(endpoint=endpoint, p256dh=p256dh, auth=auth)

    @property
    def origin(self) -> str:
        """The push service's origin: the VAPID ``aud`` claim."""
        parts = urlsplit(self.endpoint)
        return f"{parts.scheme}://{parts.netloc}"


class WebPushSender:
    """Sends `OutgoingMessage` as an encrypted Web Push message to one subscription.

    The payload the service worker receives is the JSON object
    ``{"title", "body", "data", "urgent"}``. Plain-http endpoints are refused: browsers
    only hand out https endpoints, so anything else is a forged subscription aimed at our
    own network. The push service's certificate is checked against the system's CAs, or
    those of ``SSL_CERT_FILE`` when it is set (httpx reads it).
    """

    channel = "push"

    def __init__(
        self,
        keys: VapidKeys,
        *,
        timeout_s: float = 10.0,
        ttl_s: int = 3600,
        client: httpx.AsyncClient | None = None,
        clock: Clock | None = None,
    ) -> None:
        self.keys = keys
        self.ttl_s = ttl_s
        self._timeout = httpx.Timeout(timeout_s)
        self._http = LazyHttpClient(client)
        self._clock = clock or SystemClock()
        self._tokens: dict[str, tuple[str, int]] = {}

    async def send(self, address: PushSubscription, message: OutgoingMessage) -> DeliveryResult:
        if urlsplit(address.endpoint).scheme != "https":
            raise DeliveryFailed("push endpoint is not https", retryable=False)
        body = self.encrypt(address, encode_payload(message))
        headers = {
            "Authorization": self._authorization(address.origin),
            "Content-Encoding": "aes128gcm",
            "Content-Type": "application/octet-stream",
            "TTL": str(self.ttl_s),
            "Urgency": "high" if message.urgent else "normal",
        }
        if message.key:
            # A retry of the same event replaces a copy still waiting at the push service.
            headers["Topic"] = push_topic(message.key)
        return await post(
            self._http.get(),
            address.endpoint,
            what="push",
            content=body,
            headers=headers,
            timeout=self._timeout,
        )

    @staticmethod
    def encrypt(subscription: PushSubscription, payload: bytes) -> bytes:
        """The aes128gcm request body for ``subscription`` (a fresh ephemeral key each time)."""
        info = {
            "endpoint": subscription.endpoint,
            "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth},
        }
        try:
            body: bytes = WebPusher(info).encode(payload, "aes128gcm")["body"]
        except WebPushException as exc:
            raise DeliveryFailed(f"cannot encrypt push payload: {exc}", retryable=False) from exc
        return body

    async def aclose(self) -> None:
        await self._http.aclose()

    def _authorization(self, audience: str) -> str:
        now = int(self._clock.now().timestamp())
        cached = self._tokens.get(audience)
        if cached is not None and cached[1] - now > _JWT_RENEW_BEFORE_S:
            return cached[0]
        expires_at = now + _JWT_LIFETIME_S
        header = self.keys.sign_authorization(audience, expires_at=expires_at)
        self._tokens[audience] = (header, expires_at)
        return header


def push_topic(key: str) -> str:
    """RFC 8030 §5.4: at most 32 characters of the URL-safe base64 alphabet."""
    digest = hashlib.sha256(key.encode()).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")[:32]


def encode_payload(message: OutgoingMessage) -> bytes:
    """The JSON the service worker's ``push`` event reads; refused if it cannot fit.

    ``tag`` (from the event's key) makes the browser replace rather than add a notification
    when a retried delivery arrives twice."""
    body: dict[str, object] = {
        "title": message.title,
        "body": message.body,
        "data": message.data,
        "urgent": message.urgent,
    }
    if message.key:
        body["tag"] = push_topic(message.key)
    payload = orjson.dumps(body)
    if len(payload) > MAX_PAYLOAD_BYTES:
        raise DeliveryFailed(
            f"push payload is {len(payload)} bytes, over {MAX_PAYLOAD_BYTES}", retryable=False
        )
    return payload
