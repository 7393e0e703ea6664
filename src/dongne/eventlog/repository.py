"""SQL of the event log: id allocation per user, appends, reads after a point."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import delete, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from dongne.kit.db import PerDialect, core_table
from dongne.models.events import EventPayload, UserEvent, UserEventCounter

_counters = core_table(UserEventCounter)
_events = core_table(UserEvent)
_shared = core_table(EventPayload)


def _allocate(insert: Any) -> Any:
    statement = insert(_counters)
    return statement.on_conflict_do_update(
        index_elements=[_counters.c.user_id],
        set_={"last_event_id": _counters.c.last_event_id + statement.excluded.last_event_id},
    ).returning(_counters.c.user_id, _counters.c.last_event_id)


# Built once (kit/db.py PerDialect); rows go as parameters: one cached compilation
# whatever the count, sent as multi-row batches ("insertmanyvalues") that return every row.
_ALLOCATE = PerDialect(_allocate)
_ADD_SHARED = insert(_shared).returning(_shared.c.id)
# Core, not the ORM's bulk path: that costs more than the insert itself.
_ADD_EVENTS = insert(_events)


class EventLogRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def allocate(self, user_ids: Sequence[str]) -> dict[str, int]:
        """Reserves one id per occurrence of a user; returns each user's highest new id.

        One upsert for the whole batch; rows are locked in user-id order, so concurrent
        batches over overlapping users cannot deadlock on PostgreSQL.
        """
        counts = sorted(Counter(user_ids).items())
        if not counts:
            return {}
        result = await self._session.execute(
            _ALLOCATE.of(self._session),
            [{"user_id": user_id, "last_event_id": count} for user_id, count in counts],
        )
        return {row.user_id: row.last_event_id for row in result}

    async def add_shared(self, payload: dict[str, Any], created_at: datetime) -> int:
        """Stores what all recipients of one fan-out share; returns its id."""
        result = await self._session.execute(
            _ADD_SHARED, {"payload": payload, "created_at": created_at}
        )
        return int(result.scalar_one())

    async def add_all(self, events: Sequence[dict[str, Any]]) -> None:
        """Appends rows (column -> value) in one statement."""
        if events:
            await self._session.execute(_ADD_EVENTS, events)

    async def delete_before(self, moment: datetime) -> int:
        """Drops the events older than `moment` and their shared payloads (written in the
        same transaction as the events, so with the same time); returns how many events."""
        result = await self._session.execute(delete(UserEvent).where(UserEvent.created_at < moment))
        await self._session.execute(delete(EventPayload).where(EventPayload.created_at < moment))
        return int(result.rowcount)  # type: ignore[attr-defined]

    async def after(
        self, user_id: str, *, event_id: int | None, since: datetime | None, limit: int
    ) -> list[LoggedRow]:
        """The user's events after a point, oldest first, with their shared payloads."""
        query = (
            select(
                _events.c.event_id,
                _events.c.type,
                _events.c.payload,
                _shared.c.payload.label("shared"),
                _events.c.created_at,
            )
            .select_from(_events.outerjoin(_shared, _shared.c.id == _events.c.shared_id))
            .where(_events.c.user_id == user_id)
        )
        if event_id is not None:
            query = query.where(_events.c.event_id > event_id)
        if since is not None:
            query = query.where(_events.c.created_at > since)
        query = query.order_by(_events.c.event_id).limit(limit)
        return [
            LoggedRow(row.event_id, row.type, row.payload, row.shared, row.created_at)
            for row in await self._session.execute(query)
        ]

    async def carrying(
        self,
        types: Sequence[str],
        path: tuple[str, ...],
        value: str,
        *,
        since: datetime,
        user_id: str | None,
    ) -> list[CarryingRow]:
        """Events of these types since `since` whose payload, its own fields or the shared
        ones, holds `value` at `path`. A scan of the recent log: for rare corrections only."""
        query = (
            select(
                _events.c.user_id,
                _events.c.event_id,
                _events.c.type,
                _events.c.payload,
                _events.c.shared_id,
                _shared.c.payload.label("shared"),
            )
            .select_from(_events.outerjoin(_shared, _shared.c.id == _events.c.shared_id))
            .where(
                _events.c.type.in_(types),
                _events.c.created_at >= since,
                or_(
                    _events.c.payload[path].as_string() == value,
                    _shared.c.payload[path].as_string() == value,
                ),
            )
        )
        if user_id is not None:
            query = query.where(_events.c.user_id == user_id)
        return [
            CarryingRow(row.user_id, row.event_id, row.type, row.payload, row.shared_id, row.shared)
            for row in await self._session.execute(query)
        ]

    async def replace_payload(self, user_id: str, event_id: int, payload: dict[str, Any]) -> None:
        await self._session.execute(
            update(_events)
            .where(_events.c.user_id == user_id, _events.c.event_id == event_id)
            .values(payload=payload)
        )

    async def replace_shared(self, shared_id: int, payload: dict[str, Any]) -> None:
        await self._session.execute(
            update(_shared).where(_shared.c.id == shared_id).values(payload=payload)
        )


class CarryingRow(NamedTuple):
    user_id: str
    event_id: int
    type: str
    payload: dict[str, Any]
    shared_id: int | None
    shared: dict[str, Any] | None


class LoggedRow(NamedTuple):
    event_id: int
    type: str
    payload: dict[str, Any]
    shared: dict[str, Any] | None
    created_at: datetime
