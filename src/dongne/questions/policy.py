"""Pure rules of questions and answers: hashtags, region, status, accepting, points."""

from __future__ import annotations

from datetime import datetime, timedelta

from dongne.kit.errors import DongneError, ErrorCode
from dongne.kit.messages import MessageKey, Text, text
from dongne.questions.schemas import QuestionStatus
from dongne.regions.policy import Region, RegionMap

PREVIEW_LENGTH = 100
ACCEPTED_ANSWER_POINTS = 10
# The business goal is a first answer within 10 minutes: answers that meet it earn more.
FAST_ANSWER_BONUS = 5
FAST_ANSWER_WITHIN = timedelta(minutes=10)


def invalid(message: Text) -> DongneError:
    return DongneError(ErrorCode.INVALID, message)


def region_of(regions: RegionMap, lat: float, lng: float) -> Region:
    region = regions.locate(lat, lng)
    if region is None:
        raise invalid(text(MessageKey.OUTSIDE_JEJU))
    return region


def preview(content: str) -> str:
    return content[:PREVIEW_LENGTH]


def status_after_answer(status: QuestionStatus) -> QuestionStatus:
    return QuestionStatus.ANSWERED if status is QuestionStatus.OPEN else status


def check_can_answer(status: QuestionStatus, *, asker_id: str, author_id: str) -> None:
    if author_id == asker_id:
        raise DongneError(
            ErrorCode.FORBIDDEN,
            text(MessageKey.OWN_QUESTION),
        )
    if status is QuestionStatus.CLOSED:
        raise DongneError(ErrorCode.CONFLICT, text(MessageKey.QUESTION_CLOSED))


def check_can_accept(
    *, asker_id: str, user_id: str, accepted_answer_id: str | None, status: QuestionStatus
) -> None:
    if user_id != asker_id:
        raise DongneError(ErrorCode.FORBIDDEN, text(MessageKey.ONLY_ASKER_ACCEPTS))
    if accepted_answer_id is not None:
        raise already_accepted()
    if status is QuestionStatus.CLOSED:
        raise DongneError(ErrorCode.CONFLICT, text(MessageKey.QUESTION_CLOSED))


def already_accepted() -> DongneError:
    return DongneError(
        ErrorCode.CONFLICT,
        text(MessageKey.ALREADY_ACCEPTED),
    )


def points_for_accepted_answer(question_created_at: datetime, answer_created_at: datetime) -> int:
    fast = answer_created_at - question_created_at <= FAST_ANSWER_WITHIN
    return ACCEPTED_ANSWER_POINTS + (FAST_ANSWER_BONUS if fast else 0)
