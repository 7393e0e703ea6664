"""Outgoing real-time events, buffered on the unit of work and sent only after it commits."""

from __future__ import annotations

from typing import Protocol

from dongne.kit.db import UnitOfWork
from dongne.kit.schema import WireModel


class EventSink(Protocol):
    """Sends one event to a room now (implemented by realtime.publisher)."""

    async def emit(
        self, event: str, payload: WireModel, *, room: str, skip_sid: str | None = None
    ) -> None: ...


class Events:
    def __init__(self, sink: EventSink) -> None:
        self._sink = sink

    def publish(
        self,
        uow: UnitOfWork,
        event: str,
        payload: WireModel,
        *,
        room: str,
        skip_sid: str | None = None,
    ) -> None:
        """Queue an emit that happens if, and only if, the transaction commits."""

        async def send() -> None:
            await self._sink.emit(event, payload, room=room, skip_sid=skip_sid)

        uow.after_commit(send)

    async def publish_now(
        self, event: str, payload: WireModel, *, room: str, skip_sid: str | None = None
    ) -> None:
        """For ephemeral signals with no transaction behind them (typing, presence, metrics)."""
        await self._sink.emit(event, payload, room=room, skip_sid=skip_sid)


class DiscardingSink:
    """For command-line tools, which have no sockets to emit to."""

    async def emit(
        self, event: str, payload: WireModel, *, room: str, skip_sid: str | None = None
    ) -> None:
        return None
