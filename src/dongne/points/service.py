"""Credits points exactly once per reason and source."""

from __future__ import annotations

from dongne.kit.clock import Clock
from dongne.kit.db import UnitOfWork
from dongne.kit.ids import new_id
from dongne.models.points import PointsEntry
from dongne.points.repository import AlreadyCredited, PointsRepository
from dongne.users.service import UsersService

__all__ = ["AlreadyCredited", "PointsService"]


class PointsService:
    def __init__(self, clock: Clock, users: UsersService) -> None:
        self._clock = clock
        self._users = users

    async def credit(
        self, uow: UnitOfWork, *, user_id: str, amount: int, reason: str, source_id: str
    ) -> None:
        """Raises AlreadyCredited when this reason and source were credited before."""
        now = self._clock.now()
        entry = PointsEntry(
            id=new_id(now),
            user_id=user_id,
            amount=amount,
            reason=reason,
            source_id=source_id,
            created_at=now,
        )
        await PointsRepository(uow.session).append(entry)
        # The balance is part of the user's cached session.
        self._users.changed(uow, user_id)
