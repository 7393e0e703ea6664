"""Every SQL query about questions, hashtags and answers."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import bindparam, case, func, insert, select, union_all, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.sql.expression import BindParameter

from dongne.kit.db import column_values, core_table, dialect_insert
from dongne.models.base import UTCDateTime
from dongne.models.questions import Answer, Hashtag, Question, QuestionHashtag
from dongne.questions.schemas import QuestionStatus

# Every question, answer and nearby list runs these (built once: kit/db.py PerDialect says why).
_q = core_table(Question)
_answers = core_table(Answer)
_question_tags = core_table(QuestionHashtag)
# New questions and answers go in with Core: the caller keeps the object it built, and
# nothing in the transaction needs the ORM to track it.
_ADD_QUESTION = insert(_q)
_ADD_ANSWER = insert(_answers)
_ADD_QUESTION_TAGS = insert(_question_tags)
_now = bindparam("now", type_=UTCDateTime())
# Core with RETURNING: the loaded question takes the stored figures without the ORM's
# fetch-and-synchronize or a second read.
_ANSWER_COUNTS = ("answer_count", "first_answer_at", "status", "updated_at")
_RECORD_ANSWER = (
    update(_q)
    .where(_q.c.id == bindparam("question_id"))
    .values(
        answer_count=_q.c.answer_count + 1,
        first_answer_at=func.coalesce(_q.c.first_answer_at, _now),
        status=case(
            (_q.c.status == QuestionStatus.OPEN.value, QuestionStatus.ANSWERED.value),
            else_=_q.c.status,
        ),
        updated_at=_now,
    )
    .returning(*(_q.c[name] for name in _ANSWER_COUNTS))
)
_since = bindparam("since", type_=UTCDateTime())
_user: BindParameter[str] = bindparam("user_id")
_RECENT_TEXTS = union_all(
    select(Question.title + " " + Question.content, Question.created_at).where(
        Question.asker_id == _user, Question.created_at >= _since
    ),
    select(Answer.content, Answer.created_at).where(
        Answer.author_id == _user, Answer.created_at >= _since
    ),
)
_ids: BindParameter[list[str]] = bindparam("ids", expanding=True)
_HASHTAGS_OF = (
    select(QuestionHashtag.question_id, QuestionHashtag.tag)
    .where(QuestionHashtag.question_id.in_(_ids))
    .order_by(QuestionHashtag.question_id, QuestionHashtag.tag)
)
_GET_MANY = select(Question).where(Question.id.in_(_ids), Question.deleted_at.is_(None))
_ACCEPTED_ANSWERERS = (
    select(Answer.author_id)
    .join(QuestionHashtag, QuestionHashtag.question_id == Answer.question_id)
    .where(
        QuestionHashtag.tag.in_(bindparam("tags", expanding=True)), Answer.accepted_at.is_not(None)
    )
    .distinct()
)


class QuestionRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, question: Question, tags: Sequence[str], now: datetime) -> None:
        await self._session.execute(_ADD_QUESTION, column_values(_q, question))
        if tags:
            upsert = dialect_insert(self._session)
            await self._session.execute(
                upsert(Hashtag)
                .values([{"tag": tag, "created_at": now} for tag in tags])
                .on_conflict_do_nothing(index_elements=[Hashtag.tag])
            )
            await self._session.execute(
                _ADD_QUESTION_TAGS, [{"question_id": question.id, "tag": tag} for tag in tags]
            )

    async def get(self, question_id: str) -> Question | None:
        return await self._session.get(Question, question_id)

    async def hashtags_of(self, question_ids: Sequence[str]) -> dict[str, list[str]]:
        tags: defaultdict[str, list[str]] = defaultdict(list)
        rows = await self._session.execute(_HASHTAGS_OF, {"ids": list(question_ids)})
        for question_id, tag in rows:
            tags[question_id].append(tag)
        return tags

    async def in_box(
        self,
        box: tuple[float, float, float, float],
        *,
        since: datetime,
        limit: int,
    ) -> list[Question]:
        """Questions inside a lat/lng bounding box; the caller measures exact distances."""
        min_lat, min_lng, max_lat, max_lng = box
        query = (
            select(Question)
            .where(
                Question.lat.between(min_lat, max_lat),
                Question.lng.between(min_lng, max_lng),
                Question.created_at >= since,
                Question.deleted_at.is_(None),
            )
            .order_by(Question.created_at.desc())
            .limit(limit)
        )
        return list((await self._session.execute(query)).scalars())

    async def get_many(self, question_ids: Sequence[str]) -> dict[str, Question]:
        """These questions, those deleted left out (lists never show them)."""
        rows = await self._session.execute(_GET_MANY, {"ids": list(question_ids)})
        return {q.id: q for q in rows.scalars()}

    async def positions_since(self, since: datetime) -> list[tuple[str, float, float, datetime]]:
        """(id, lat, lng, asked at) of every question asked since: the nearby index's start."""
        query = select(Question.id, Question.lat, Question.lng, Question.created_at).where(
            Question.created_at >= since, Question.deleted_at.is_(None)
        )
        return [(row[0], row[1], row[2], row[3]) for row in await self._session.execute(query)]

    async def record_answer(self, question: Question, now: datetime) -> None:
        """Counts an answer atomically; the first one stamps `first_answer_at` and the status.
        The loaded question takes the stored figures (other answers may have come meanwhile)."""
        result = await self._session.execute(
            _RECORD_ANSWER, {"question_id": question.id, "now": now}
        )
        for name, value in zip(_ANSWER_COUNTS, result.one(), strict=True):
            set_committed_value(question, name, value)

    async def mark_accepted(self, question_id: str, answer_id: str, now: datetime) -> bool:
        """Sets the accepted answer unless one is set already; False when another won."""
        result = await self._session.execute(
            update(Question)
            .where(Question.id == question_id, Question.accepted_answer_id.is_(None))
            .values(
                accepted_answer_id=answer_id,
                status=QuestionStatus.ACCEPTED.value,
                updated_at=now,
            )
            .execution_options(synchronize_session=False)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def answer_timings(
        self, since: datetime
    ) -> list[tuple[str, str, datetime, datetime | None]]:
        query = select(
            Question.region_code, Question.urgency, Question.created_at, Question.first_answer_at
        ).where(Question.created_at >= since)
        return [tuple(row) for row in await self._session.execute(query)]  # type: ignore[misc]

    async def positions_between(
        self, since: datetime, until: datetime
    ) -> list[tuple[float, float, str]]:
        """(lat, lng, region) of every question asked in [since, until)."""
        query = select(Question.lat, Question.lng, Question.region_code).where(
            Question.created_at >= since, Question.created_at < until
        )
        return [tuple(row) for row in await self._session.execute(query)]  # type: ignore[misc]

    async def tag_counts(
        self, *, since: datetime, region_code: str | None, limit: int
    ) -> list[tuple[str, int]]:
        """(tag, questions) of the questions asked since, most used first, then by tag."""
        uses = func.count().label("uses")
        query = (
            select(QuestionHashtag.tag, uses)
            .join(Question, Question.id == QuestionHashtag.question_id)
            .where(Question.created_at >= since, Question.deleted_at.is_(None))
            .group_by(QuestionHashtag.tag)
            .order_by(uses.desc(), QuestionHashtag.tag)
            .limit(limit)
        )
        if region_code is not None:
            query = query.where(Question.region_code == region_code)
        return [(tag, int(count)) for tag, count in await self._session.execute(query)]

    async def unanswered_since(self, before: datetime, *, limit: int) -> list[Question]:
        query = (
            select(Question)
            .where(
                Question.first_answer_at.is_(None),
                Question.created_at <= before,
                Question.deleted_at.is_(None),
            )
            .order_by(Question.created_at)
            .limit(limit)
        )
        return list((await self._session.execute(query)).scalars())

    async def accepted_answerers_for(self, tags: Sequence[str]) -> list[str]:
        """Authors of accepted answers to questions with any of these tags."""
        rows = await self._session.execute(_ACCEPTED_ANSWERERS, {"tags": list(tags)})
        return list(rows.scalars())


class PostRepository:
    """A user's recent posts (questions and answers), for spam screening."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def recent_texts(self, user_id: str, since: datetime) -> list[tuple[str, datetime]]:
        rows = await self._session.execute(_RECENT_TEXTS, {"user_id": user_id, "since": since})
        return [(text, created_at) for text, created_at in rows]


class AnswerRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, answer: Answer) -> None:
        await self._session.execute(_ADD_ANSWER, column_values(_answers, answer))

    async def get(self, answer_id: str) -> Answer | None:
        return await self._session.get(Answer, answer_id)

    async def of_question(self, question_id: str) -> list[Answer]:
        query = select(Answer).where(Answer.question_id == question_id).order_by(Answer.id)
        return list((await self._session.execute(query)).scalars())
