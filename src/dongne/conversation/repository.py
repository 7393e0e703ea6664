"""SQL of read markers."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from dongne.kit.db import dialect_insert
from dongne.models.conversation import ReadMarker


class ReadMarkerRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def locked(self, question_id: str, user_id: str) -> ReadMarker:
        """The member's marker row, created if missing, locked for this transaction."""
        await self._session.execute(
            dialect_insert(self._session)(ReadMarker)
            .values(question_id=question_id, user_id=user_id)
            .on_conflict_do_nothing(index_elements=[ReadMarker.question_id, ReadMarker.user_id])
        )
        query = (
            select(ReadMarker)
            .where(ReadMarker.question_id == question_id, ReadMarker.user_id == user_id)
            .with_for_update()
        )
        return (await self._session.execute(query)).scalar_one()

    async def of_question(self, question_id: str) -> dict[str, ReadMarker]:
        query = select(ReadMarker).where(ReadMarker.question_id == question_id)
        return {row.user_id: row for row in (await self._session.execute(query)).scalars()}
