"""One JSON line per HTTP request: method, path, status, duration and the user when known.

Probes (`/health`, `/ready`, `/metrics`) are polled every few seconds by load balancers and
Prometheus: they are logged only when they fail or are slow, so they do not drown the rest.
"""

from __future__ import annotations

import time

import structlog
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from dongne.api.guard import UNGUARDED
from dongne.kit.logging import log_handled

log = structlog.get_logger("dongne.http")

# Where an endpoint's dependency leaves the authenticated user's id (api/deps.py).
USER_ID_STATE = "user_id"


class AccessLogMiddleware:
    def __init__(self, app: ASGIApp, slow_ms: float) -> None:
        self._app = app
        self._slow_ms = slow_ms

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # what the client gets if the app raises before answering

        async def remember_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self._app(scope, receive, remember_status)
        finally:
            duration_ms = (time.perf_counter() - started) * 1000
            path: str = scope["path"]
            if not (path.startswith(UNGUARDED) and status < 400 and duration_ms <= self._slow_ms):
                log_handled(
                    log,
                    "http_request",
                    duration_ms=duration_ms,
                    slow_ms=self._slow_ms,
                    method=scope["method"],
                    path=path,
                    status=status,
                    user_id=scope.get("state", {}).get(USER_ID_STATE),
                )
