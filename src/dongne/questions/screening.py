"""Spam screening of new posts (questions and answers) against the author's last hour."""

from __future__ import annotations

from datetime import timedelta

import structlog

from dongne.kit.clock import Clock
from dongne.kit.db import UnitOfWork
from dongne.moderation.policy import (
    PostHistory,
    SpamVerdict,
    normalize_post,
    score_post,
    spam_refusal,
)
from dongne.questions.repository import PostRepository
from dongne.users.schemas import UserOut

SPAM_WINDOW = timedelta(hours=1)

log = structlog.get_logger("dongne.questions")


class SpamScreen:
    def __init__(self, clock: Clock) -> None:
        self._clock = clock

    async def check(self, uow: UnitOfWork, author: UserOut, text: str) -> None:
        """Scores the post against the author's last hour; refuses spam, logs every decision."""
        now = self._clock.now()
        user_id = author.id
        recent = await PostRepository(uow.session).recent_texts(user_id, now - SPAM_WINDOW)
        history = PostHistory(
            recent_texts=tuple(normalize_post(t) for t, _ in recent),
            posts_last_minute=sum(1 for _, at in recent if now - at <= timedelta(minutes=1)),
            posts_last_hour=len(recent),
            account_age_s=(now - author.created_at).total_seconds(),
        )
        decision = score_post(text, history)
        log.info("spam_decision", user_id=user_id, **decision.log_fields())
        if decision.verdict is SpamVerdict.REFUSE:
            raise spam_refusal()
        if decision.verdict is SpamVerdict.REVIEW:
            log.warning("spam_review", user_id=user_id, **decision.log_fields())
