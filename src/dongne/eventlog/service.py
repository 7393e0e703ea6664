"""Durable delivery: write the event log rows, then emit each with its `eventId` after commit."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
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


@dataclass(frozen=True)
class _Fanout:
    event: str
    deliveries: Sequence[Delivery[Any]]


class EventLogService:
    def __init__(self, clock: Clock, events: Events) -> None:
        self._clock = clock
        self._events = events
        # Fan-outs of each open transaction, logged once just before it commits.
        self._unwritten: WeakKeyDictionary[UnitOfWork, list[_Fanout]] = WeakKeyDictionary()

    async def deliver(self, uow: UnitOfWork, event: str, deliveries: Sequence[Delivery[M]]) -> None:
        """Logs the events in this transaction; each reaches every device of its user after commit.

        Ids are allocated, payloads built and rows written just before the commit, for
        every fan-out of the transaction at once: an answer's three events (the room's, the
        asker's and their history's) cost one allocation and one insert. Each `build` runs
        then, once, with its event id.
        """
        if not deliveries:
            return
        fanouts = self._unwritten.get(uow)
        if fanouts is None:
            fanouts = self._unwritten[uow] = []

            async def write() -> None:
                await self._write(uow, self._unwritten.pop(uow))

            uow.before_commit(write)
        fanouts.append(_Fanout(event, deliveries))

    async def _write(self, uow: UnitOfWork, fanouts: list[_Fanout]) -> None:
        repo = EventLogRepository(uow.session)
        user_ids = [d.user_id for fanout in fanouts for d in fanout.deliveries]
        last_ids = await repo.allocate(user_ids)
        # Each user's reserved range goes out in order, lowest first, fan-outs in the order
        # they were made.
        next_ids = {
            user_id: last_ids[user_id] - count + 1 for user_id, count in Counter(user_ids).items()
        }
        now = self._clock.now()
        rows: list[dict[str, Any]] = []
        for fanout in fanouts:
            wires: list[dict[str, Any]] = []
            event_ids: list[int] = []
            for delivery in fanout.deliveries:
                event_id = next_ids[delivery.user_id]
                next_ids[delivery.user_id] += 1
                event_ids.append(event_id)
                # Made wire-ready once, for the log and the emit alike.
                wires.append(delivery.build(event_id).wire())
                if delivery.live:
                    self._events.publish(
                        uow, fanout.event, wires[-1], room=user_room(delivery.user_id)
                    )
            shared = _shared_fields(wires)
            shared_id = await repo.add_shared(shared, now) if shared else None
            rows.extend(
                {
                    "user_id": delivery.user_id,
                    "event_id": event_id,
                    "type": fanout.event,
                    "payload": _own_fields(wire, shared) if shared else wire,
                    "shared_id": shared_id,
                    "created_at": now,
                }
                for delivery, event_id, wire in zip(
                    fanout.deliveries, event_ids, wires, strict=True
                )
            )
        # Written before the commit that releases the emits carrying these event ids.
        await repo.add_all(rows)

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

    async def rewrite(
        self,
        uow: UnitOfWork,
        types: Sequence[str],
        carrying: tuple[tuple[str, ...], str],
        rewrite: Callable[[str, dict[str, Any]], dict[str, Any]],
        *,
        since: datetime,
        user_id: str | None = None,
    ) -> int:
        """Rewrites the logged events of these types, since `since`, whose payload holds
        the value at the path in `carrying`; `rewrite(type, payload)` returns the new
        payload. For what must not be replayed any more, such as the text of an answer an
        operator hid. Devices that received the event keep what they received. Returns how
        many events changed."""
        path, value = carrying
        repo = EventLogRepository(uow.session)
        rows = await repo.carrying(types, path, value, since=since, user_id=user_id)
        rewritten_shared: set[int] = set()
        for row in rows:
            if row.shared is None or row.shared_id is None:
                await repo.replace_payload(
                    row.user_id, row.event_id, rewrite(row.type, row.payload)
                )
                continue
            whole = rewrite(row.type, {**row.shared, **row.payload})
            if row.shared_id not in rewritten_shared:
                rewritten_shared.add(row.shared_id)
                shared = {key: whole[key] for key in row.shared if key in whole}
                await repo.replace_shared(row.shared_id, shared)
            own = _own_fields(whole, row.shared)
            if own != row.payload:
                await repo.replace_payload(row.user_id, row.event_id, own)
        return len(rows)

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
