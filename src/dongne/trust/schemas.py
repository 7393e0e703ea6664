"""A local's public profile and answer record. Nothing here says where anyone is or lives:
no home region, no position, no contact."""

from __future__ import annotations

from datetime import datetime

from dongne.kit.schema import WireModel


class AnswerRecord(WireModel):
    answers: int
    questions_answered: int
    accepted_answers: int
    # accepted answers / questions answered (one answer per question can be accepted); None
    # before the first answer.
    acceptance_rate: float | None
    # Median time from a question to this person's first answer on it, over the latest
    # RECENT_QUESTIONS questions they answered; None before the first answer.
    median_answer_seconds: int | None


class PublicProfile(WireModel):
    id: str
    nickname: str
    role: str
    is_local_verified: bool
    bio: str | None
    created_at: datetime
    record: AnswerRecord
