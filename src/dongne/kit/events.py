"""Outgoing real-time events, buffered on the unit of work and sent only after it commits."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Protocol

from dongne.kit.db import UnitOfWork
from dongne.kit.schema import WireModel


class EventSink(Protocol):
    """Sends events to rooms (implemented by realtime.publisher)."""

    async def emit(
        self, event: str, payload: WireModel, *, room: str, skip_sid: str | None = None
    ) -> None: ...

    def dispatch(
        self, event: str, payload: WireModel, *, room: str, skip_sid: str | None = None
    ) -> asyncio.Future[None]:
        """Starts the emit without waiting: emits dispatched one after another reach each
        socket in that order."""
        ...


@dataclass
class _Outbox:
    """One transaction's emits and its place in the order in which transactions dispatch."""

    previous: asyncio.Future[None] | None
    turn: asyncio.Future[None]
    emits: list[tuple[str, WireModel, str, str | None]] = field(default_factory=list)
    sent: list[asyncio.Future[None]] = field(default_factory=list)


class Events:
    """Emits follow the order of the event ids they carry.

    A transaction takes its turn at its first publish, which for an event-log delivery is
    after it has locked its users' id counters: a transaction that gets later ids for the
    same user can only publish after this one committed. At its end each transaction
    dispatches its emits (if it committed) once every earlier turn has, so a user's events
    leave in event-id order even when the later transaction commits first on the event loop
    (awaiting each emit after the commit let later transactions overtake earlier ones).
    """

    def __init__(self, sink: EventSink) -> None:
        self._sink = sink
        self._outboxes: dict[int, _Outbox] = {}
        self._last_turn: asyncio.Future[None] | None = None

    def publish(
        self,
        uow: UnitOfWork,
        event: str,
        payload: WireModel,
        *,
        room: str,
        skip_sid: str | None = None,
    ) -> None:
        """Queue an emit that happens if, and only if, the transaction commits; the
        after-commit phase waits until it is sent (unless an earlier turn is still open)."""
        outbox = self._outboxes.get(id(uow))
        if outbox is None:
            outbox = self._open(uow)
        outbox.emits.append((event, payload, room, skip_sid))

    def _open(self, uow: UnitOfWork) -> _Outbox:
        previous = self._last_turn
        if previous is not None and previous.done():
            previous = None
        outbox = _Outbox(previous, asyncio.get_running_loop().create_future())
        self._last_turn = outbox.turn
        self._outboxes[id(uow)] = outbox

        def ended(committed: bool) -> None:
            del self._outboxes[id(uow)]
            if outbox.previous is None:
                self._take_turn(outbox, committed)
            else:
                outbox.previous.add_done_callback(lambda _: self._take_turn(outbox, committed))

        async def wait_sent() -> None:
            # Not for the turn itself: an earlier transaction still open in this very task
            # (a nested one) would never end. Usually the turn was taken at the commit.
            for sent in outbox.sent:
                await sent

        uow.on_end(ended)
        uow.after_commit(wait_sent)
        return outbox

    def _take_turn(self, outbox: _Outbox, committed: bool) -> None:
        try:
            if committed:
                for event, payload, room, skip_sid in outbox.emits:
                    outbox.sent.append(
                        self._sink.dispatch(event, payload, room=room, skip_sid=skip_sid)
                    )
        finally:
            outbox.turn.set_result(None)

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

    def dispatch(
        self, event: str, payload: WireModel, *, room: str, skip_sid: str | None = None
    ) -> asyncio.Future[None]:
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        done.set_result(None)
        return done
