"""SQL of uploaded images."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from dongne.models.questions import Image


class ImageRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    def add(self, image: Image) -> None:
        self._session.add(image)

    async def get_many(self, image_ids: Sequence[str]) -> list[Image]:
        query = select(Image).where(Image.id.in_(image_ids)).with_for_update()
        return list((await self._session.execute(query)).scalars())

    async def of_questions(self, question_ids: Sequence[str]) -> list[Image]:
        query = select(Image).where(Image.question_id.in_(question_ids)).order_by(Image.id)
        return list((await self._session.execute(query)).scalars())

    async def of_answers(self, answer_ids: Sequence[str]) -> list[Image]:
        query = select(Image).where(Image.answer_id.in_(answer_ids)).order_by(Image.id)
        return list((await self._session.execute(query)).scalars())
