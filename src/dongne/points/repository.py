"""SQL of the points ledger."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from dongne.models.points import PointsEntry
from dongne.models.users import User


class AlreadyCredited(Exception):
    pass


class PointsRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def append(self, entry: PointsEntry) -> None:
        """Adds the entry and moves the balance in the same transaction, or neither."""
        self._session.add(entry)
        try:
            await self._session.flush()
        except IntegrityError as exc:
            raise AlreadyCredited(entry.source_id) from exc
        await self._session.execute(
            update(User).where(User.id == entry.user_id).values(points=User.points + entry.amount)
        )
