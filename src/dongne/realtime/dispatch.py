"""Registers Socket.IO event handlers: parse the payload, call a service, ack, report errors.

Every handler answers with an acknowledgement `{ok: true, ...}` or `{ok: false, error}`,
emits the seed's reply event on success and an `error` event on failure; the connection
always stays up.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import socketio
import structlog
from pydantic import BaseModel, ValidationError

from dongne.infra.metrics import ERRORS, EVENTS_IN
from dongne.kit.errors import DongneError, ErrorCode
from dongne.kit.logging import log_handled
from dongne.kit.messages import MessageKey, Text, text
from dongne.kit.schema import WireModel
from dongne.realtime.publisher import Publisher
from dongne.runtime import Runtime

log = structlog.get_logger("dongne.socket")

# The one event a socket with an expired token may still send: it carries a fresh token.
REAUTHENTICATE = "authenticate"


@dataclass(frozen=True)
class SocketContext:
    """What a handler knows of the socket that sent the event, and what it may do to it."""

    sid: str
    user_id: str
    is_local: bool
    runtime: Runtime
    _sio: socketio.AsyncServer
    _publisher: Publisher

    async def enter_room(self, room: str) -> None:
        try:
            await self._sio.enter_room(self.sid, room)
        except (ValueError, KeyError):
            # The socket closed while the handler ran (python-socketio raises ValueError when
            # no socket is left on the namespace, KeyError otherwise): what the handler
            # stored stands, and the client joins the room again when it reconnects (room
            # membership is stored).
            log.info("enter_room_after_disconnect", sid=self.sid, room=room)

    async def leave_room(self, room: str) -> None:
        await self._sio.leave_room(self.sid, room)

    async def send(self, event: str, payload: WireModel) -> None:
        """An extra reply to this socket only (call it after the transaction committed)."""
        await self._publisher.reply(self.sid, event, payload)


Handler = Callable[[SocketContext, Any], Awaitable[WireModel | None]]


def describe_validation_error(error: ValidationError) -> Text:
    problems = "; ".join(
        f"{'.'.join(str(p) for p in item['loc']) or 'payload'}: {item['msg']}"
        for item in error.errors()[:5]
    )
    return text(MessageKey.INVALID_INPUT, detail=problems)


class SocketRouter:
    def __init__(self, sio: socketio.AsyncServer, runtime: Runtime, publisher: Publisher) -> None:
        self._sio = sio
        self._runtime = runtime
        self._publisher = publisher

    def on(
        self, event: str, model: type[BaseModel], *, reply: str | None = None
    ) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            async def dispatch(sid: str, *args: Any) -> dict[str, Any]:
                return await self._dispatch(event, model, reply, handler, sid, args)

            self._sio.on(event, dispatch)
            return handler

        return register

    async def _dispatch(
        self,
        event: str,
        model: type[BaseModel],
        reply: str | None,
        handler: Handler,
        sid: str,
        args: tuple[Any, ...],
    ) -> dict[str, Any]:
        started = time.perf_counter()
        session = self._runtime.sockets.get(sid)
        ack = await self._handle(event, model, reply, handler, sid, args)
        error = ack.get("error")
        log_handled(
            log,
            "socket_event",
            duration_ms=(time.perf_counter() - started) * 1000,
            slow_ms=self._runtime.settings.slow_handler_ms,
            event_name=event,
            sid=sid,
            user_id=session.user_id if session is not None else None,
            ok=ack["ok"],
            error_code=error["code"] if error else None,
        )
        return ack

    async def _handle(
        self,
        event: str,
        model: type[BaseModel],
        reply: str | None,
        handler: Handler,
        sid: str,
        args: tuple[Any, ...],
    ) -> dict[str, Any]:
        expired = False
        EVENTS_IN.labels(event).inc()
        try:
            session = self._runtime.sockets.get(sid)
            if session is None:
                raise DongneError(ErrorCode.UNAUTHENTICATED, text(MessageKey.AUTHENTICATION_FAILED))
            if event != REAUTHENTICATE and session.token_expires_at <= self._runtime.clock.now():
                expired = True
                raise DongneError(ErrorCode.UNAUTHENTICATED, text(MessageKey.SESSION_EXPIRED))
            retry = await self._runtime.rate_limiter.hit_tiers(
                self._runtime.settings.event_limit(event), "event", event, session.user_id
            )
            if retry is not None:
                raise DongneError(
                    ErrorCode.RATE_LIMITED,
                    text(MessageKey.TOO_MANY_REQUESTS),
                    retryAfter=retry,
                )
            if len(args) > 1:
                raise DongneError(ErrorCode.INVALID, text(MessageKey.ONE_PAYLOAD_ONLY))
            payload = model.model_validate(args[0] if args and args[0] is not None else {})
            context = SocketContext(
                sid, session.user_id, session.is_local, self._runtime, self._sio, self._publisher
            )
            result = await handler(context, payload)
        except ValidationError as exc:
            error = DongneError(ErrorCode.INVALID, describe_validation_error(exc))
        except DongneError as exc:
            error = exc
        except Exception:
            log.exception("socket_handler_failed", event_name=event, sid=sid)
            error = DongneError(ErrorCode.INTERNAL, text(MessageKey.INTERNAL_ERROR))
        else:
            body = result.wire() if result is not None else {}
            if reply is not None and result is not None:
                await self._publisher.reply(sid, reply, result)
            return {"ok": True, **body}
        ERRORS.labels(error.code.value).inc()
        # In the language of the connection's user (read at connect).
        session = self._runtime.sockets.get(sid)
        language = session.language if session is not None else None
        await self._publisher.error(sid, error, event, language)
        if expired:
            # Told why first; the client reconnects with a fresh token.
            self._runtime.background.spawn(self._sio.disconnect(sid))
        return {"ok": False, "error": error.to_wire(language)}
