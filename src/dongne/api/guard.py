"""Every HTTP request: refused from blocked addresses (403) or past the per-IP rate (429),
and answered with security headers."""

from __future__ import annotations

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from dongne.kit.errors import ErrorCode
from dongne.kit.net import client_ip
from dongne.runtime import Runtime

# Probes from load balancers and monitors must never be throttled or blocked.
UNGUARDED = ("/health", "/ready", "/metrics")

SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"permissions-policy", b"geolocation=(self), camera=(), microphone=()"),
    (
        b"content-security-policy",
        b"default-src 'self'; img-src 'self' data: blob: https:; "
        b"connect-src 'self' ws: wss:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'",
    ),
]


class GuardMiddleware:
    def __init__(self, app: ASGIApp, runtime: Runtime) -> None:
        self._app = app
        self._runtime = runtime

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        if not scope["path"].startswith(UNGUARDED):
            refusal = await self._refusal(scope)
            if refusal is not None:
                await _reply(send, *refusal)
                return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = list(message.get("headers", [])) + SECURITY_HEADERS
            await send(message)

        await self._app(scope, receive, with_headers)

    async def _refusal(self, scope: Scope) -> tuple[int, ErrorCode, str, float | None] | None:
        runtime = self._runtime
        headers = dict(scope.get("headers") or [])
        forwarded = headers.get(b"x-forwarded-for", b"").decode("latin-1") or None
        peer = scope.get("client")
        address = client_ip(peer[0] if peer else None, forwarded, runtime.trusted_proxies)
        if await runtime.blocklist.is_blocked(address):
            return 403, ErrorCode.FORBIDDEN, "IP blocked", None
        retry = await runtime.rate_limiter.hit(runtime.settings.rate_http, "http", address)
        if retry is not None:
            return 429, ErrorCode.RATE_LIMITED, "Rate limit exceeded", retry
        return None


async def _reply(
    send: Send, status: int, code: ErrorCode, message: str, retry: float | None
) -> None:
    body = orjson.dumps({"error": {"code": code.value, "message": message}})
    headers = [(b"content-type", b"application/json"), *SECURITY_HEADERS]
    if retry is not None:
        headers.append((b"retry-after", str(int(retry)).encode()))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
