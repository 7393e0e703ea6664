"""Typing, read receipts and presence on the wire (PROTOCOL.md)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import Field

from dongne.kit.schema import CleanStr, RequestModel, WireModel
from dongne.questions.schemas import CONTENT_MAX, Message, RoomUser


class MessageState(StrEnum):
    SENT = "sent"
    DELIVERED = "delivered"
    READ = "read"


class TypingRequest(RequestModel):
    question_id: str = Field(min_length=1, max_length=40)


class MessageMarkRequest(RequestModel):
    question_id: str = Field(min_length=1, max_length=40)
    message_id: str = Field(min_length=1, max_length=40)


class UserTyping(WireModel):
    user_id: str
    username: str
    question_id: str


class UserStopTyping(WireModel):
    user_id: str
    question_id: str


class TypingAck(WireModel):
    question_id: str
    broadcast: bool


class MessageStatus(WireModel):
    question_id: str
    message_id: str
    user_id: str
    status: MessageState
    unread_count: int


class RoomMessage(Message):
    """A message as a member sees it on joining: with its read state."""

    status: MessageState
    unread_count: int


class RoomView(WireModel):
    question_id: str
    users: list[RoomUser]
    messages: list[RoomMessage]


class RoomMessages(WireModel):
    question_id: str
    messages: list[RoomMessage]


class PresenceChange(WireModel):
    user_id: str
    timestamp: datetime


class PostFollowUp(RequestModel):
    """`post_follow_up`: the asker writes in their own room (not an answer)."""

    question_id: str = Field(min_length=1, max_length=40)
    content: CleanStr = Field(min_length=1, max_length=CONTENT_MAX)


class FollowUpPosted(WireModel):
    """The acknowledgement of `post_follow_up`."""

    message: Message


class NewFollowUp(WireModel):
    """`new_follow_up` to each member of the room but the asker, durable with an eventId."""

    event_id: int
    message: Message
