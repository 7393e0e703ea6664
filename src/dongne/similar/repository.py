"""Every SQL query of similar questions: answered questions with the answer to show,
deflections, and questions solved by an earlier answer."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from sqlalchemy import ColumnElement, bindparam, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased
from sqlalchemy.sql.expression import BindParameter

from dongne.models.questions import Answer, Question, QuestionHashtag
from dongne.models.similar import Deflection


@dataclass(frozen=True, slots=True)
class AnsweredRow:
    question_id: str
    title: str
    content: str
    region_code: str
    created_at: datetime
    lat: float
    lng: float
    hashtags: list[str]
    answer_id: str
    answer_content: str
    answer_accepted: bool
    answer_created_at: datetime


def _shown_answer_id() -> ColumnElement[str]:
    """The answer a question is offered with: the accepted one, else its first (ids are
    time-ordered, so the smallest is the earliest); never one an operator hid."""
    first = aliased(Answer)
    earliest = (
        select(func.min(first.id))
        .where(first.question_id == Question.id, first.hidden_at.is_(None))
        .scalar_subquery()
    )
    return func.coalesce(Question.accepted_answer_id, earliest)


# Every answer and acceptance refreshes its question in the index: built once (kit/db.py
# PerDialect says why).
_ANSWERED = (
    select(
        Question.id,
        Question.title,
        Question.content,
        Question.region_code,
        Question.created_at,
        Question.lat,
        Question.lng,
        Answer.id,
        Answer.content,
        Answer.accepted_at,
        Answer.created_at,
    )
    .join(Answer, Answer.id == _shown_answer_id())
    .where(Question.answer_count > 0, Question.deleted_at.is_(None), Answer.hidden_at.is_(None))
    # Oldest answer first: the index treats the last indexed as the most recent.
    .order_by(Answer.created_at, Question.id)
)
Q = TypeVar("Q")

_ids: BindParameter[list[str]] = bindparam("ids", expanding=True)
_ANSWERED_THESE = _ANSWERED.where(Question.id.in_(_ids))
_HASHTAGS = select(QuestionHashtag.question_id, QuestionHashtag.tag).order_by(
    QuestionHashtag.question_id, QuestionHashtag.tag
)
_HASHTAGS_OF_THESE = _HASHTAGS.where(QuestionHashtag.question_id.in_(_ids))


def _every_or_these(
    every: Q, these: Q, question_ids: Sequence[str] | None
) -> tuple[Q, dict[str, list[str]]]:
    """`every` for the whole index's build; `these` with the ids bound for a refresh."""
    if question_ids is None:
        return every, {}
    return these, {"ids": list(question_ids)}


class SimilarRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def answered(self, question_ids: Sequence[str] | None = None) -> list[AnsweredRow]:
        """Answered questions (all, or these) with the answer to show; never a deleted one."""
        query, params = _every_or_these(_ANSWERED, _ANSWERED_THESE, question_ids)
        rows = (await self._session.execute(query, params)).all()
        tags = await self._hashtags_of([row[0] for row in rows] if question_ids else None)
        return [
            AnsweredRow(
                question_id=row[0],
                title=row[1],
                content=row[2],
                region_code=row[3],
                created_at=row[4],
                lat=row[5],
                lng=row[6],
                hashtags=tags.get(row[0], []),
                answer_id=row[7],
                answer_content=row[8],
                answer_accepted=row[9] is not None,
                answer_created_at=row[10],
            )
            for row in rows
        ]

    async def _hashtags_of(self, question_ids: Sequence[str] | None) -> dict[str, list[str]]:
        query, params = _every_or_these(_HASHTAGS, _HASHTAGS_OF_THESE, question_ids)
        tags: defaultdict[str, list[str]] = defaultdict(list)
        for question_id, tag in await self._session.execute(query, params):
            tags[question_id].append(tag)
        return tags

    async def question_of_answer(self, answer_id: str) -> str | None:
        found = await self._session.execute(
            select(Answer.question_id).where(Answer.id == answer_id)
        )
        return found.scalar_one_or_none()

    async def add_deflection(self, deflection: Deflection) -> None:
        self._session.add(deflection)
        await self._session.flush()

    async def mark_solved_by_archive(self, question_id: str, answer_id: str, now: datetime) -> bool:
        """Only while no answer was accepted and no earlier answer taken: False otherwise."""
        result = await self._session.execute(
            update(Question)
            .where(
                Question.id == question_id,
                Question.accepted_answer_id.is_(None),
                Question.archive_answer_id.is_(None),
            )
            .values(archive_answer_id=answer_id, archive_solved_at=now, updated_at=now)
            .execution_options(synchronize_session=False)
        )
        return bool(getattr(result, "rowcount", 0))

    async def archive_answer_of(self, question_id: str) -> str | None:
        found = await self._session.execute(
            select(Question.archive_answer_id).where(Question.id == question_id)
        )
        return found.scalar_one_or_none()

    async def count_deflections(self, since: datetime) -> int:
        found = await self._session.execute(
            select(func.count()).select_from(Deflection).where(Deflection.created_at >= since)
        )
        return int(found.scalar_one())

    async def archive_timings(
        self, since: datetime
    ) -> list[tuple[str, str, datetime, datetime | None, datetime | None]]:
        """(region, urgency, asked at, first local answer at, solved by the archive at) of
        every question asked since."""
        rows = await self._session.execute(
            select(
                Question.region_code,
                Question.urgency,
                Question.created_at,
                Question.first_answer_at,
                Question.archive_solved_at,
            ).where(Question.created_at >= since)
        )
        return [(r[0], r[1], r[2], r[3], r[4]) for r in rows]
