"""SQL of question rooms: who is a member, how far each member has read, follow-ups."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from dongne.kit.db import PerDialect, dialect_insert
from dongne.models.conversation import FollowUp, ReadMarker
from dongne.models.questions import Question, RoomMember

# Every answer runs these (kit/db.py PerDialect says why they are built once).
_ADD_MEMBER = PerDialect(
    lambda insert: insert(RoomMember).on_conflict_do_nothing(
        index_elements=[RoomMember.question_id, RoomMember.user_id]
    )
)
_MEMBER_IDS = (
    select(RoomMember.user_id)
    .where(RoomMember.question_id == bindparam("question_id"))
    .order_by(RoomMember.joined_at, RoomMember.user_id)
)


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


class RoomRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add_member(self, question_id: str, user_id: str, now: datetime) -> None:
        await self._session.execute(
            _ADD_MEMBER.of(self._session),
            {"question_id": question_id, "user_id": user_id, "joined_at": now},
        )

    async def remove_member(self, question_id: str, user_id: str) -> None:
        await self._session.execute(
            delete(RoomMember).where(
                RoomMember.question_id == question_id, RoomMember.user_id == user_id
            )
        )

    async def rooms_of(self, user_id: str, *, since: datetime, limit: int = 50) -> list[str]:
        """The user's rooms whose question is recent, newest first."""
        query = (
            select(RoomMember.question_id)
            .join(Question, Question.id == RoomMember.question_id)
            .where(
                RoomMember.user_id == user_id,
                Question.created_at >= since,
                Question.deleted_at.is_(None),
            )
            .order_by(Question.created_at.desc())
            .limit(limit)
        )
        return list((await self._session.execute(query)).scalars())

    async def member_ids(self, question_id: str) -> list[str]:
        rows = await self._session.execute(_MEMBER_IDS, {"question_id": question_id})
        return list(rows.scalars())


class FollowUpRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, follow_up: FollowUp) -> None:
        self._session.add(follow_up)
        await self._session.flush()

    async def of_question(self, question_id: str) -> list[FollowUp]:
        rows = await self._session.scalars(
            select(FollowUp).where(FollowUp.question_id == question_id).order_by(FollowUp.id)
        )
        return list(rows)

    async def get(self, follow_up_id: str) -> FollowUp | None:
        return await self._session.get(FollowUp, follow_up_id)
