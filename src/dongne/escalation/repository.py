"""SQL of escalation: who was notified of which question, and how often lately."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from dongne.kit.db import core_table
from dongne.models.escalation import QuestionNotified


class NotifiedRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def notified_of(self, question_id: str) -> set[str]:
        query = select(QuestionNotified.user_id).where(QuestionNotified.question_id == question_id)
        return set((await self._session.execute(query)).scalars())

    async def counts_since(self, user_ids: Sequence[str], since: datetime) -> dict[str, int]:
        query = (
            select(QuestionNotified.user_id, func.count())
            .where(QuestionNotified.user_id.in_(user_ids), QuestionNotified.created_at >= since)
            .group_by(QuestionNotified.user_id)
        )
        return {user_id: count for user_id, count in await self._session.execute(query)}

    async def add_all(self, rows: Sequence[dict[str, Any]]) -> None:
        """One statement per wave. The primary key (question, user) makes a second
        notification of the same user fail the transaction."""
        if rows:
            await self._session.execute(insert(core_table(QuestionNotified)), rows)
