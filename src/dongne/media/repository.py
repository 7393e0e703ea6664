"""SQL of uploaded images."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.expression import BindParameter

from dongne.models.questions import Image

# Every question and answer view reads these (built once: kit/db.py PerDialect says why).
_ids: BindParameter[list[str]] = bindparam("ids", expanding=True)
_OF_QUESTIONS = select(Image).where(Image.question_id.in_(_ids)).order_by(Image.id)
_OF_ANSWERS = select(Image).where(Image.answer_id.in_(_ids)).order_by(Image.id)


class ImageRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    def add(self, image: Image) -> None:
        self._session.add(image)

    async def get_many(self, image_ids: Sequence[str]) -> list[Image]:
        query = select(Image).where(Image.id.in_(image_ids)).with_for_update()
        return list((await self._session.execute(query)).scalars())

    async def of_questions(self, question_ids: Sequence[str]) -> list[Image]:
        rows = await self._session.execute(_OF_QUESTIONS, {"ids": list(question_ids)})
        return list(rows.scalars())

    async def of_answers(self, answer_ids: Sequence[str]) -> list[Image]:
        rows = await self._session.execute(_OF_ANSWERS, {"ids": list(answer_ids)})
        return list(rows.scalars())
