"""The only place that calls emit: serializes each event's pydantic model for the wire."""

from __future__ import annotations

import asyncio

import socketio

from dongne.infra.metrics import EMIT_SECONDS, EVENTS_OUT
from dongne.kit.errors import DongneError
from dongne.kit.messages import Language
from dongne.kit.schema import WireModel


class ErrorEvent(WireModel):
    code: str
    message: str
    event: str


class Publisher:
    def __init__(self, sio: socketio.AsyncServer) -> None:
        self._sio = sio

    async def emit(
        self, event: str, payload: WireModel, *, room: str, skip_sid: str | None = None
    ) -> None:
        EVENTS_OUT.labels(event).inc()
        with EMIT_SECONDS.time():
            await self._sio.emit(event, payload.wire(), to=room, skip_sid=skip_sid)

    def dispatch(
        self, event: str, payload: WireModel, *, room: str, skip_sid: str | None = None
    ) -> asyncio.Future[None]:
        # Tasks start in creation order, and each hands its packets to the sockets' queues
        # before it first waits: emits dispatched in order reach every socket in order.
        return asyncio.ensure_future(self.emit(event, payload, room=room, skip_sid=skip_sid))

    async def error(
        self, sid: str, error: DongneError, event: str, language: Language | None = None
    ) -> None:
        payload = ErrorEvent(code=error.code.value, message=error.render(language), event=event)
        await self.emit("error", payload, room=sid)
