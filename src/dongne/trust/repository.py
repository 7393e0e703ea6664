"""The figures of one person's answers, read from the answers and questions they belong to."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from dongne.models.questions import Answer, Question


class AnswerFiguresRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def totals(self, author_id: str) -> tuple[int, int, int]:
        """(answers, accepted answers, distinct questions answered) of this author."""
        query = select(
            func.count(Answer.id),
            func.count(Answer.accepted_at),
            func.count(func.distinct(Answer.question_id)),
        ).where(Answer.author_id == author_id)
        answers, accepted, questions = (await self._session.execute(query)).one()
        return int(answers), int(accepted), int(questions)

    async def first_answer_times(
        self, author_id: str, *, limit: int
    ) -> list[tuple[datetime, datetime]]:
        """(question asked, this author's first answer) of their latest `limit` questions."""
        first = func.min(Answer.created_at).label("first")
        query = (
            select(Question.created_at, first)
            .join(Question, Question.id == Answer.question_id)
            .where(Answer.author_id == author_id)
            .group_by(Question.id, Question.created_at)
            .order_by(first.desc())
            .limit(limit)
        )
        return [(asked, answered) for asked, answered in await self._session.execute(query)]
