"""Request bodies over the limit get 413 before they are read.

A declared `Content-Length` over the limit is refused at once: the 413 goes out before a
byte of the body is read, and the body is then discarded unread by the app (up to 16 MB;
past that the connection is closed); a chunked body is buffered up to the limit and
refused as soon as it passes it. JSON
bodies may be 1 MB; image uploads their own limit (media/policy.py) plus the multipart
envelope.
"""

from __future__ import annotations

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from dongne.kit.errors import ErrorCode
from dongne.kit.messages import MessageKey, negotiate, text
from dongne.media.policy import DEFAULT_MAX_BYTES

MAX_BODY_BYTES = 1_000_000
# An image, its multipart headers and boundary.
UPLOAD_PATH = "/api/uploads"
MAX_UPLOAD_BODY_BYTES = DEFAULT_MAX_BYTES + 64 * 1024
# A declared body up to this size is read and discarded after the 413 (see `_discard`);
# a larger one closes the connection (nginx caps bodies at 12 MB before they get here).
DRAIN_UP_TO = 16 * 1024 * 1024
TOO_LARGE = text(MessageKey.REQUEST_TOO_LARGE)


def limit_for(path: str) -> int:
    return MAX_UPLOAD_BODY_BYTES if path == UPLOAD_PATH else MAX_BODY_BYTES


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self._app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        limit = limit_for(scope["path"])
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            await _too_large(
                send, headers, close=not declared.isdigit() or int(declared) > DRAIN_UP_TO
            )
            if declared.isdigit() and int(declared) <= DRAIN_UP_TO:
                await _discard(receive)
            return
        if declared is not None:
            await self._app(scope, receive, send)
            return
        # Chunked: buffer up to the limit (never more), then hand the body on.
        chunks: list[bytes] = []
        received = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away
            chunk = message.get("body", b"")
            received += len(chunk)
            if received > limit:
                await _too_large(send, headers, close=True)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": b"".join(chunks), "more_body": False}
            return await receive()

        await self._app(scope, replay, send)


async def _discard(receive: Receive) -> None:
    """Reads the refused body after answering and throws it away: a proxy that streams
    bodies (nginx with `proxy_request_buffering off`) takes a connection reset while it
    still sends for a dead node, and would stop sending anyone there for a while."""
    while True:
        message = await receive()
        if message["type"] != "http.request" or not message.get("more_body", False):
            return


async def _too_large(send: Send, request_headers: dict[bytes, bytes], *, close: bool) -> None:
    # In the client's language, as every HTTP error (api/errors.py).
    language = negotiate(request_headers.get(b"accept-language", b"").decode("latin-1"))
    message = TOO_LARGE.render(language)
    body = orjson.dumps({"error": {"code": ErrorCode.INVALID.value, "message": message}})
    headers = [(b"content-type", b"application/json")]
    if close:
        headers.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": 413, "headers": headers})
    await send({"type": "http.response.body", "body": body})
