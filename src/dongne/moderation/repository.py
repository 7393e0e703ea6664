"""SQL of the IP blocklist, user blocks and reports."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, delete, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from dongne.kit.db import dialect_insert
from dongne.models.moderation import IpBlock, Report, UserBlock
from dongne.models.questions import Answer, Question
from dongne.models.users import User

# Every answer and routing round asks (built once: kit/db.py PerDialect says why).
_BLOCKERS_AMONG = select(UserBlock.blocker_id).where(
    UserBlock.blocked_id == bindparam("blocked_id"),
    UserBlock.blocker_id.in_(bindparam("user_ids", expanding=True)),
)


class IpBlockRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    def add(self, block: IpBlock) -> None:
        self._session.add(block)

    async def active(self, now: datetime) -> list[IpBlock]:
        query = (
            select(IpBlock)
            .where(or_(IpBlock.expires_at.is_(None), IpBlock.expires_at > now))
            .order_by(IpBlock.created_at)
        )
        return list((await self._session.execute(query)).scalars())

    async def delete(self, block_id: str) -> int:
        result = await self._session.execute(delete(IpBlock).where(IpBlock.id == block_id))
        return int(result.rowcount)  # type: ignore[attr-defined]


class UserBlockRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, blocker_id: str, blocked_id: str, now: datetime) -> None:
        await self._session.execute(
            dialect_insert(self._session)(UserBlock)
            .values(blocker_id=blocker_id, blocked_id=blocked_id, created_at=now)
            .on_conflict_do_nothing(index_elements=[UserBlock.blocker_id, UserBlock.blocked_id])
        )

    async def remove(self, blocker_id: str, blocked_id: str) -> None:
        await self._session.execute(
            delete(UserBlock).where(
                UserBlock.blocker_id == blocker_id, UserBlock.blocked_id == blocked_id
            )
        )

    async def blocked_by(self, blocker_id: str) -> list[str]:
        query = select(UserBlock.blocked_id).where(UserBlock.blocker_id == blocker_id)
        return list((await self._session.execute(query)).scalars())

    async def blockers_among(self, blocked_id: str, user_ids: Sequence[str]) -> set[str]:
        rows = await self._session.execute(
            _BLOCKERS_AMONG, {"blocked_id": blocked_id, "user_ids": list(user_ids)}
        )
        return set(rows.scalars())


class ReportRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    def add(self, report: Report) -> None:
        self._session.add(report)

    async def newest(self, limit: int) -> list[Report]:
        """The reports nobody has dealt with yet, newest first."""
        query = (
            select(Report)
            .where(Report.resolved_at.is_(None))
            .order_by(Report.id.desc())
            .limit(limit)
        )
        return list((await self._session.execute(query)).scalars())

    async def get(self, report_id: str) -> Report | None:
        return await self._session.get(Report, report_id)

    async def targets(self, reports: Sequence[Report]) -> dict[tuple[str, str], ReportedText]:
        """What each reported thing says (a question's title, an answer's text, a person's
        nickname) and the question it belongs to, by (target type, target id); gone ones
        are left out."""

        def ids(kind: str) -> list[str]:
            return [r.target_id for r in reports if r.target_type == kind]

        found: dict[tuple[str, str], ReportedText] = {}
        if wanted := ids("question"):
            for qid, title in await self._session.execute(
                select(Question.id, Question.title).where(Question.id.in_(wanted))
            ):
                found["question", qid] = ReportedText(qid, title)
        if wanted := ids("answer"):
            for aid, qid, content in await self._session.execute(
                select(Answer.id, Answer.question_id, Answer.content).where(Answer.id.in_(wanted))
            ):
                found["answer", aid] = ReportedText(qid, content)
        if wanted := ids("user"):
            for uid, nickname in await self._session.execute(
                select(User.id, User.nickname).where(User.id.in_(wanted))
            ):
                found["user", uid] = ReportedText(None, nickname)
        return found


@dataclass(frozen=True)
class ReportedText:
    question_id: str | None
    text: str
