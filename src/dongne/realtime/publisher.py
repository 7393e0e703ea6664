"""The only place that calls emit: serializes each event's pydantic model for the wire."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

import socketio
import structlog
from engineio.exceptions import SocketIsClosedError
from socketio import packet

from dongne.infra.metrics import EMIT_SECONDS, EVENTS_OUT
from dongne.kit.errors import DongneError
from dongne.kit.events import Outgoing
from dongne.kit.messages import Language
from dongne.kit.schema import WireModel

NAMESPACE = "/"

log = structlog.get_logger("dongne.realtime")


class ErrorEvent(WireModel):
    code: str
    message: str
    event: str


def wire_of(payload: WireModel | Mapping[str, Any]) -> Any:
    return payload.wire() if isinstance(payload, WireModel) else payload


class Publisher:
    def __init__(self, sio: socketio.AsyncServer) -> None:
        self._sio = sio
        # The batch dispatched last: the next one starts once it is done, so batches reach
        # the sockets in the order they were dispatched even if one of them has to wait.
        self._tail: asyncio.Future[None] | None = None
        self._pending: set[asyncio.Future[None]] = set()

    async def emit(
        self,
        event: str,
        payload: WireModel | Mapping[str, Any],
        *,
        room: str,
        skip_sid: str | None = None,
    ) -> None:
        EVENTS_OUT.labels(event).inc()
        with EMIT_SECONDS.time():
            await self._sio.emit(event, wire_of(payload), to=room, skip_sid=skip_sid)

    def dispatch_many(self, emits: Sequence[Outgoing]) -> asyncio.Future[None]:
        """Sends the emits, in order, after every batch dispatched before; returns at once."""
        previous = self._tail
        if previous is not None and previous.done():
            previous = None
        batch = asyncio.ensure_future(self._send_in_turn(previous, emits))
        self._tail = batch
        self._pending.add(batch)
        batch.add_done_callback(self._pending.discard)
        return batch

    async def _send_in_turn(
        self, previous: asyncio.Future[None] | None, emits: Sequence[Outgoing]
    ) -> None:
        if previous is not None:
            await asyncio.wait([previous])
        for event, count in Counter(e.event for e in emits).items():
            EVENTS_OUT.labels(event).inc(count)
        if self._sio.manager.__class__ is not socketio.AsyncManager:
            # Scaled mode: every emit goes through the Redis manager to every node.
            for e in emits:
                await self._sio.emit(e.event, wire_of(e.payload), to=e.room, skip_sid=e.skip_sid)
            return
        with EMIT_SECONDS.time():
            for e in emits:
                await self._send_local(e)

    async def _send_local(self, e: Outgoing) -> None:
        """One packet, encoded once, written to each of the room's sockets here: what
        AsyncManager.emit does, without a task per socket."""
        encoded = self._sio.packet_class(
            packet.EVENT, namespace=NAMESPACE, data=[e.event, wire_of(e.payload)]
        ).encode()
        if not isinstance(encoded, str):  # binary attachments: the general path
            await self._sio.emit(e.event, wire_of(e.payload), to=e.room, skip_sid=e.skip_sid)
            return
        for sid, eio_sid in self._sio.manager.get_participants(NAMESPACE, e.room):
            if sid == e.skip_sid:
                continue
            try:
                await self._sio.eio.send(eio_sid, encoded)
            except SocketIsClosedError:
                log.debug("emit_to_closed_socket", event=e.event, sid=sid)

    async def reply(self, sid: str, event: str, payload: WireModel | Mapping[str, Any]) -> None:
        """To the socket whose event is being handled, which is on this node: straight to it.
        Through the Redis manager every reply would be published to every node (in the
        cluster soak, a refused flood cost each node a Redis message per refusal)."""
        EVENTS_OUT.labels(event).inc()
        with EMIT_SECONDS.time():
            await self._sio.emit(event, wire_of(payload), to=sid, ignore_queue=True)

    async def error(
        self, sid: str, error: DongneError, event: str, language: Language | None = None
    ) -> None:
        payload = ErrorEvent(code=error.code.value, message=error.render(language), event=event)
        await self.reply(sid, "error", payload)
