"""SQL of escalation: who was notified of which question, how often lately, how they
answered (the router's record of each local), and claims."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, bindparam, case, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from dongne.kit.db import core_table
from dongne.models.escalation import QuestionNotified, QuestionRouting
from dongne.models.questions import Answer, Question

NotifiedRow = tuple[str, datetime, float | None, float | None]

# What every routing round reads and writes, built once with bound parameters
# (kit/db.py PerDialect says why).
_n = QuestionNotified
_NOTIFIED_ROWS = select(_n.user_id, _n.created_at, _n.chance, _n.median_delay_s).where(
    _n.question_id == bindparam("question_id")
)
_ASKED_AND_SEEN = select(func.count(), func.count(_n.seen_at)).where(
    _n.question_id == bindparam("question_id")
)
# Their rows of these locals since a moment: the load reads, per local.
_THESE_SINCE = (
    _n.user_id.in_(bindparam("user_ids", expanding=True)),
    _n.created_at >= bindparam("since"),
)
_LOAD = (
    select(
        _n.user_id,
        func.count(),
        func.sum(case((_n.created_at >= bindparam("hour_ago"), 1), else_=0)),
        func.sum(case((_n.created_at >= bindparam("day_ago"), 1), else_=0)),
    )
    .where(*_THESE_SINCE)
    .group_by(_n.user_id)
)
_ANSWER_DELAYS = (
    select(_n.user_id, _n.created_at, func.min(Answer.created_at))
    .join(Answer, and_(Answer.question_id == _n.question_id, Answer.author_id == _n.user_id))
    .where(*_THESE_SINCE)
    .group_by(_n.user_id, _n.question_id, _n.created_at)
)
_COUNTS_SINCE = select(_n.user_id, func.count()).where(*_THESE_SINCE).group_by(_n.user_id)
_ADD_NOTIFIED = insert(core_table(QuestionNotified))


class NotifiedRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def notified_of(self, question_id: str) -> set[str]:
        query = select(QuestionNotified.user_id).where(QuestionNotified.question_id == question_id)
        return set((await self._session.execute(query)).scalars())

    async def rows_of(self, question_id: str) -> list[NotifiedRow]:
        """(user, notified at, chance, median delay) of everyone notified of it."""
        rows = await self._session.execute(_NOTIFIED_ROWS, {"question_id": question_id})
        return [tuple(row) for row in rows]  # type: ignore[misc]

    async def asked_and_seen(self, question_id: str) -> tuple[int, int]:
        """(locals notified of it, of whom have seen it)."""
        result = await self._session.execute(_ASKED_AND_SEEN, {"question_id": question_id})
        asked, seen = result.one()
        return int(asked), int(seen)

    async def counts_since(self, user_ids: Sequence[str], since: datetime) -> dict[str, int]:
        rows = await self._session.execute(
            _COUNTS_SINCE, {"user_ids": list(user_ids), "since": since}
        )
        return {user_id: count for user_id, count in rows}

    async def load(
        self, user_ids: Sequence[str], *, since: datetime, hour_ago: datetime, day_ago: datetime
    ) -> dict[str, tuple[int, int, int]]:
        """user -> (notifications since `since`, in the last hour, in the last day)."""
        rows = await self._session.execute(
            _LOAD,
            {"user_ids": list(user_ids), "since": since, "hour_ago": hour_ago, "day_ago": day_ago},
        )
        return {
            user_id: (int(total), int(hour or 0), int(day or 0))
            for user_id, total, hour, day in rows
        }

    async def answer_delays(
        self, user_ids: Sequence[str], *, since: datetime
    ) -> list[tuple[str, datetime, datetime]]:
        """(user, notified at, their first answer at) for each notification they answered."""
        rows = await self._session.execute(
            _ANSWER_DELAYS, {"user_ids": list(user_ids), "since": since}
        )
        return [(u, at, first) for u, at, first in rows]

    async def burden(self, since: datetime) -> list[tuple[str, int]]:
        """(user, question notifications since) for every notified user."""
        query = (
            select(QuestionNotified.user_id, func.count())
            .where(QuestionNotified.created_at >= since)
            .group_by(QuestionNotified.user_id)
        )
        return [(u, int(c)) for u, c in await self._session.execute(query)]

    async def questions_since(self, since: datetime) -> tuple[int, int, int]:
        """(questions asked since, notifications about them, those whose first answer came
        from a local of the first round)."""
        asked = await self._session.scalar(
            select(func.count()).select_from(Question).where(Question.created_at >= since)
        )
        n = QuestionNotified
        sent = await self._session.scalar(
            select(func.count())
            .select_from(n)
            .join(Question, Question.id == n.question_id)
            .where(Question.created_at >= since)
        )
        first = await self._session.scalar(
            select(func.count(func.distinct(Question.id)))
            .select_from(Question)
            .join(
                Answer,
                and_(
                    Answer.question_id == Question.id,
                    Answer.created_at == Question.first_answer_at,
                ),
            )
            .join(n, and_(n.question_id == Question.id, n.user_id == Answer.author_id))
            .where(Question.created_at >= since, n.wave == "IMMEDIATE")
        )
        return int(asked or 0), int(sent or 0), int(first or 0)

    async def mark_seen(self, question_id: str, user_id: str, now: datetime) -> bool:
        result = await self._session.execute(
            update(QuestionNotified)
            .where(
                QuestionNotified.question_id == question_id,
                QuestionNotified.user_id == user_id,
                QuestionNotified.seen_at.is_(None),
            )
            .values(seen_at=now)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def add_all(self, rows: Sequence[dict[str, Any]]) -> None:
        """One statement per wave. The primary key (question, user) makes a second
        notification of the same user fail the transaction."""
        if rows:
            await self._session.execute(_ADD_NOTIFIED, rows)


class RoutingRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, question_id: str) -> QuestionRouting | None:
        return await self._session.get(QuestionRouting, question_id)

    async def get_or_new(self, question_id: str) -> QuestionRouting:
        row = await self.get(question_id)
        if row is None:
            row = QuestionRouting(question_id=question_id, rounds=0)
            self._session.add(row)
        return row
