"""What the notifications about a user's own question say (Korean first), and where they
lead: every one carries `questionId` and `url`, so a push opens the question's page."""

from __future__ import annotations

from dongne.notifications.policy import Priority
from dongne.notifications.service import Message

TITLE_CHARS = 40


def question_url(question_id: str) -> str:
    return f"/q/{question_id}"


def _about(question_id: str, **extra: object) -> dict[str, object]:
    return {"questionId": question_id, "url": question_url(question_id), **extra}


def answered(question_id: str, title: str, answer_id: str, preview: str) -> Message:
    return Message(
        type="question_answered",
        title="질문에 답변이 달렸어요",
        message=f"'{title[:TITLE_CHARS]}': {preview}",
        priority=Priority.HIGH,
        sound="urgent",
        data=_about(question_id, answerId=answer_id),
        # Online, the socket's `answer_notification` already told them.
        external_when_online=False,
    )


def still_looking(question_id: str, title: str, waited_minutes: int) -> Message:
    return Message(
        type="still_looking",
        title="아직 답변을 찾고 있어요",
        message=(
            f"'{title[:TITLE_CHARS]}' 질문을 {waited_minutes}분째 주변 현지인에게 "
            "알리고 있어요. 조금만 기다려 주세요."
        ),
        priority=Priority.NORMAL,
        data=_about(question_id, waitedMinutes=waited_minutes),
    )


def closed(question_id: str, title: str, *, expired: bool) -> Message:
    return Message(
        type="question_expired" if expired else "question_closed",
        title="질문이 만료되었어요" if expired else "질문이 마감되었어요",
        message=f"'{title[:TITLE_CHARS]}'",
        priority=Priority.NORMAL,
        data=_about(question_id),
    )
