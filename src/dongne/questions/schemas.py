"""The wire contract of questions and answers (PROTOCOL.md): requests, replies and events."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Literal

from pydantic import Field

from dongne.kit.schema import CleanStr, LatLngIn, RequestModel, WireModel

TITLE_MAX = 100
CONTENT_MAX = 1_000
HASHTAGS_MAX = 5
IMAGES_MAX = 5

IdStr = Field(min_length=1, max_length=40)


class Urgency(StrEnum):
    NORMAL = "normal"
    URGENT = "urgent"


class QuestionStatus(StrEnum):
    OPEN = "open"
    ANSWERED = "answered"
    ACCEPTED = "accepted"
    CLOSED = "closed"


class Location(WireModel):
    lat: float
    lng: float


class CreateQuestion(RequestModel):
    title: CleanStr = Field(min_length=1, max_length=TITLE_MAX)
    content: CleanStr = Field(min_length=1, max_length=CONTENT_MAX)
    location: LatLngIn
    hashtags: list[str] = Field(default_factory=list, max_length=20)
    urgency: Urgency = Urgency.NORMAL
    image_ids: list[str] = Field(default_factory=list, max_length=IMAGES_MAX)


class QuestionRef(RequestModel):
    question_id: str = IdStr


class CreateAnswer(RequestModel):
    question_id: str = IdStr
    content: CleanStr = Field(min_length=1, max_length=CONTENT_MAX)
    image_ids: list[str] = Field(default_factory=list, max_length=IMAGES_MAX)


class AcceptAnswer(RequestModel):
    answer_id: str = IdStr


class UserBrief(WireModel):
    id: str
    nickname: str
    is_local_verified: bool


class ImageOut(WireModel):
    id: str
    url: str
    width: int
    height: int


class QuestionOut(WireModel):
    id: str
    title: str
    content: str
    location: Location
    region_code: str
    hashtags: list[str]
    urgency: Urgency
    language: str = "ko"  # detected at ask time: ko, en, zh or ja
    status: QuestionStatus
    answer_count: int
    accepted_answer_id: str | None
    first_answer_at: datetime | None
    created_at: datetime
    user: UserBrief
    images: list[ImageOut]


class AnswerOut(WireModel):
    id: str
    question_id: str
    content: str
    user: UserBrief
    created_at: datetime
    images: list[ImageOut]
    accepted: bool
    hidden: bool = False  # hidden by an operator: no content, no images


class QuestionWithAnswers(QuestionOut):
    answers: list[AnswerOut]


class NearbyQuestion(QuestionOut):
    distance: int


class NearbyQuestions(WireModel):
    questions: list[NearbyQuestion]


class TrendingWindow(StrEnum):
    HOUR = "1h"
    DAY = "24h"


class TrendingHashtag(WireModel):
    tag: str
    count: int


class TrendingHashtags(WireModel):
    """`GET /api/hashtags/trending`: the most used tags, most used first."""

    window: TrendingWindow
    region_code: str | None
    # When they were counted: the list is cached for up to 15 minutes.
    generated_at: datetime
    hashtags: list[TrendingHashtag]


# ---- events (server -> client) -------------------------------------------------------


class QuestionCreated(WireModel):
    question: QuestionOut


class RoomUser(UserBrief):
    online: bool
    is_asker: bool


class RoomUsers(WireModel):
    question_id: str
    users: list[RoomUser]


class Message(WireModel):
    """One message of a question room: the question itself, an answer, or the asker's
    follow-up (a clarification or thanks: never an answer)."""

    id: str
    kind: Literal["question", "answer", "follow_up"]
    question_id: str
    content: str
    user: UserBrief
    created_at: datetime
    images: list[ImageOut]
    accepted: bool
    hidden: bool = False  # an answer hidden by an operator


class QuestionMessages(WireModel):
    question_id: str
    messages: list[Message]


class JoinedRoom(WireModel):
    """The acknowledgement of `join_question`: both replies in one."""

    question_id: str
    users: list[RoomUser]
    messages: list[Message]


class LeftRoom(WireModel):
    question_id: str


class AnswerEvent(WireModel):
    """`new_answer` to the room and `answer_created` to the author."""

    answer: AnswerOut


class NewAnswer(WireModel):
    """`new_answer` to each member of the room but the author, durable with an eventId."""

    event_id: int
    answer: AnswerOut


class AnswerPreview(WireModel):
    id: str
    preview: str
    user: UserBrief
    created_at: datetime


class AnswerNotification(WireModel):
    event_id: int
    question_id: str
    answer: AnswerPreview


class AnswerAccepted(WireModel):
    answer_id: str
    question_id: str
    points_awarded: int


class AnswerAcceptedEvent(AnswerAccepted):
    """`answer_accepted` to each member of the room, durable with an eventId."""

    event_id: int


class AnswerHidden(WireModel):
    """`answer_hidden`, to the question's room: an operator hid this answer."""

    question_id: str
    answer_id: str
