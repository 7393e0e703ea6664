"""What the notifications about a user's own question say (catalogue keys, rendered in the
recipient's language), and where they lead: every one carries `questionId` and `url`, so a
push opens the question's page."""

from __future__ import annotations

from dataclasses import replace

from dongne.kit.messages import MessageKey, text
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
        title=text(MessageKey.QUESTION_ANSWERED_TITLE),
        message=text(MessageKey.QUESTION_ANSWERED_BODY, title=title[:TITLE_CHARS], preview=preview),
        priority=Priority.HIGH,
        sound="urgent",
        data=_about(question_id, answerId=answer_id),
        # Online, the socket's `answer_notification` already told them.
        external_when_online=False,
    )


def answered_then_hidden(question_id: str, title: str, answer_id: str) -> Message:
    """`answered` as the history keeps it once an operator has hidden the answer."""
    return replace(
        answered(question_id, title, answer_id, preview=""),
        message=text(MessageKey.QUESTION_ANSWERED_HIDDEN_BODY, title=title[:TITLE_CHARS]),
    )


def still_looking(question_id: str, title: str, waited_minutes: int) -> Message:
    return Message(
        type="still_looking",
        title=text(MessageKey.STILL_LOOKING_TITLE),
        # Sent after 10 minutes or more: the catalogues need no singular.
        message=text(
            MessageKey.STILL_LOOKING_BODY, title=title[:TITLE_CHARS], minutes=waited_minutes
        ),
        priority=Priority.NORMAL,
        data=_about(question_id, waitedMinutes=waited_minutes),
    )


def expired(question_id: str, title: str) -> Message:
    return _ended("question_expired", MessageKey.QUESTION_EXPIRED_TITLE, question_id, title)


def closed_by_moderator(question_id: str, title: str) -> Message:
    return _ended(
        "question_closed", MessageKey.QUESTION_CLOSED_BY_MODERATOR_TITLE, question_id, title
    )


def answer_hidden(question_id: str, title: str) -> Message:
    """To an answer's author: an operator hid it on a report."""
    return Message(
        type="answer_hidden",
        title=text(MessageKey.ANSWER_HIDDEN_TITLE),
        message=text(MessageKey.QUESTION_TITLE_QUOTED, title=title[:TITLE_CHARS]),
        priority=Priority.NORMAL,
        data=_about(question_id),
    )


def _ended(kind: str, headline: MessageKey, question_id: str, title: str) -> Message:
    return Message(
        type=kind,
        title=text(headline),
        message=text(MessageKey.QUESTION_TITLE_QUOTED, title=title[:TITLE_CHARS]),
        priority=Priority.NORMAL,
        data=_about(question_id),
    )
