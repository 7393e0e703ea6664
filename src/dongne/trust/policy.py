"""The answer record from raw figures: pure arithmetic, no I/O."""

from __future__ import annotations

from datetime import timedelta
from statistics import median

from dongne.trust.schemas import AnswerRecord


def answer_record(
    *, answers: int, accepted: int, questions_answered: int, delays: list[timedelta]
) -> AnswerRecord:
    """`delays`: per recent question answered, from the question to this person's first answer."""
    seconds = [max(0.0, d.total_seconds()) for d in delays]
    return AnswerRecord(
        answers=answers,
        questions_answered=questions_answered,
        accepted_answers=accepted,
        acceptance_rate=round(accepted / questions_answered, 4) if questions_answered else None,
        median_answer_seconds=round(median(seconds)) if seconds else None,
    )
