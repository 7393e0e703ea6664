"""Durable delivery: write the event log rows, then emit each with its `eventId` after commit."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, timedelta
from typing import Any, Generic, TypeVar
from weakref import WeakKeyDictionary

from dongne.eventlog.repository import EventLogRepository
from dongne.eventlog.schemas import LoggedEvent, SyncRequest, UnreadMessages
from dongne.kit.clock import Clock
from dongne.kit.db import UnitOfWork
from dongne.kit.events import Events
from dongne.kit.rooms import user_room
from dongne.kit.schema import WireModel

M = TypeVar("M", bound=WireModel)

SYNC_PAGE = 200
EVENT_ID = "eventId"
# A fan-out to fewer recipients keeps whole payloads per row: sharing would cost a row more.
SHARE_FROM = 2


@dataclass(frozen=True)
class Delivery(Generic[M]):
    """One durable event for one user; `build` receives the allocated event id."""

    user_id: str
    build: Callable[[int], M]
    # False: logged (history, sync) but not emitted now, e.g. the user turned sockets off.
    live: bool = True


class EventLogService:
    def __init__(self, clock: Clock, events: Events) -> None:
        self._clock = clock
        self._events = events
        # Rows of each open transaction, written once before it commits: an answer logs
        # three events (the room's, the asker's and their history's) with one insert.
        self._unwritten: WeakKeyDictionary[UnitOfWork, list[dict[str, Any]]] = WeakKeyDictionary()

    async def deliver(
        self, uow: UnitOfWork, event: str, deliveries: Sequence[Delivery[M]]
    ) -> list[M]:
        """Logs the events in this transaction; each reaches every device of its user after commit.

        Returns the built payloads, in the order of `deliveries`.
        """
        repo = EventLogRepository(uow.session)
        last_ids = await repo.allocate([d.user_id for d in deliveries])
        # Hand out each user's reserved range in order, lowest first.
        pending = {user_id: 0 for user_id in last_ids}
        for delivery in deliveries:
            pending[delivery.user_id] += 1
        now = self._clock.now()
        payloads: list[M] = []
        wires: list[dict[str, Any]] = []
        event_ids: list[int] = []
        for delivery in deliveries:
            event_id = last_ids[delivery.user_id] - pending[delivery.user_id] + 1
            pending[delivery.user_id] -= 1
            event_ids.append(event_id)
            payload = delivery.build(event_id)
            payloads.append(payload)
            # Made wire-ready once, for the log and the emit alike.
            wires.append(payload.wire())
            if delivery.live:
                self._events.publish(uow, event, wires[-1], room=user_room(delivery.user_id))
        shared = _shared_fields(wires)
        shared_id = await repo.add_shared(shared, now) if shared else None
        # Written before the commit that releases the emits carrying these event ids.
        self._write_before_commit(
            uow,
            [
                {
                    "user_id": delivery.user_id,
                    "event_id": event_id,
                    "type": event,
                    "payload": _own_fields(wire, shared) if shared else wire,
                    "shared_id": shared_id,
                    "created_at": now,
                }
                for delivery, event_id, wire in zip(deliveries, event_ids, wires, strict=True)
            ],
        )
        return payloads

    def _write_before_commit(self, uow: UnitOfWork, rows: list[dict[str, Any]]) -> None:
        unwritten = self._unwritten.get(uow)
        if unwritten is None:
            unwritten = self._unwritten[uow] = []

            async def write() -> None:
                await EventLogRepository(uow.session).add_all(self._unwritten.pop(uow))

            uow.before_commit(write)
        unwritten.extend(rows)

    async def since(self, uow: UnitOfWork, user_id: str, request: SyncRequest) -> UnreadMessages:
        """Every logged event after the given point, oldest first, a page at a time."""
        since = request.last_sync_timestamp
        if since is not None and since.tzinfo is None:
            since = since.replace(tzinfo=UTC)
        rows = await EventLogRepository(uow.session).after(
            user_id, event_id=request.last_event_id, since=since, limit=SYNC_PAGE + 1
        )
        page = rows[:SYNC_PAGE]
        return UnreadMessages(
            events=[
                LoggedEvent(
                    event_id=row.event_id,
                    type=row.type,
                    payload=row.payload
                    if row.shared is None
                    else {**row.shared, **row.payload, EVENT_ID: row.event_id},
                    created_at=row.created_at,
                )
                for row in page
            ],
            last_event_id=page[-1].event_id if page else request.last_event_id,
            has_more=len(rows) > SYNC_PAGE,
        )

    async def prune(self, uow: UnitOfWork, retention: timedelta) -> int:
        return await EventLogRepository(uow.session).delete_before(self._clock.now() - retention)


def _shared_fields(wires: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The top-level fields every payload of a fan-out has alike (the question of a
    notification, not its distance or eventId); empty when there is nothing to share."""
    if len(wires) < SHARE_FROM:
        return {}
    first, rest = wires[0], wires[1:]
    return {
        key: value
        for key, value in first.items()
        if key != EVENT_ID and all(key in w and w[key] == value for w in rest)
    }


def _own_fields(wire: dict[str, Any], shared: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in wire.items() if key not in shared and key != EVENT_ID}
