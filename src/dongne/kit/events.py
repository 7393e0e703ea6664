"""Outgoing real-time events, buffered on the unit of work and sent only after it commits."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple, Protocol

from dongne.kit.db import UnitOfWork
from dongne.kit.schema import WireModel

TURN_WAIT_MAX_S = 2.0


class Outgoing(NamedTuple):
    """One emit: a model, or its wire form when the caller has it already."""

    event: str
    payload: WireModel | Mapping[str, Any]
    room: str
    skip_sid: str | None = None


class EventSink(Protocol):
    """Sends events to rooms (implemented by realtime.publisher)."""

    async def emit(
        self,
        event: str,
        payload: WireModel | Mapping[str, Any],
        *,
        room: str,
        skip_sid: str | None = None,
    ) -> None: ...

    def dispatch_many(self, emits: Sequence[Outgoing]) -> asyncio.Future[None]:
        """Starts sending the emits without waiting: batches dispatched one after another
        reach each socket in that order."""
        ...


@dataclass
class _Outbox:
    """One transaction's emits and its place in the order in which transactions dispatch."""

    previous: asyncio.Future[None] | None
    turn: asyncio.Future[None]
    emits: list[Outgoing] = field(default_factory=list)
    sent: asyncio.Future[None] | None = None


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
        payload: WireModel | Mapping[str, Any],
        *,
        room: str,
        skip_sid: str | None = None,
    ) -> None:
        """Queue an emit that happens if, and only if, the transaction commits; the
        after-commit phase waits until it is sent (unless an earlier turn is still open)."""
        outbox = self._outboxes.get(id(uow))
        if outbox is None:
            outbox = self._open(uow)
        outbox.emits.append(Outgoing(event, payload, room, skip_sid))

    def _open(self, uow: UnitOfWork) -> _Outbox:
        previous = self._last_turn
        if previous is not None and previous.done():
            previous = None
        outbox = _Outbox(previous, asyncio.get_running_loop().create_future())
        self._last_turn = outbox.turn
        self._outboxes[id(uow)] = outbox

        def ended(committed: bool) -> None:
            del self._outboxes[id(uow)]
            previous = outbox.previous
            if previous is None or previous.done():
                self._take_turn(outbox, committed)
                return
            previous.add_done_callback(lambda _: self._take_turn(outbox, committed))
            # A transaction left open long after its first publish must not hold up every
            # later emit: past this wait, order gives way to liveness.
            asyncio.get_running_loop().call_later(
                TURN_WAIT_MAX_S, self._take_turn, outbox, committed
            )

        async def wait_sent() -> None:
            # Not for the turn itself: an earlier transaction still open in this very task
            # (a nested one) would never end. Usually the turn was taken at the commit.
            if outbox.sent is not None:
                await outbox.sent

        uow.on_end(ended)
        uow.after_commit(wait_sent)
        return outbox

    def _take_turn(self, outbox: _Outbox, committed: bool) -> None:
        if outbox.turn.done():
            return
        try:
            if committed and outbox.emits:
                outbox.sent = self._sink.dispatch_many(outbox.emits)
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
        self,
        event: str,
        payload: WireModel | Mapping[str, Any],
        *,
        room: str,
        skip_sid: str | None = None,
    ) -> None:
        return None

    def dispatch_many(self, emits: Sequence[Outgoing]) -> asyncio.Future[None]:
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        done.set_result(None)
        return done
