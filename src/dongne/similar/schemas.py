"""The wire contract of similar questions ([17], PROTOCOL.md)."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from dongne.kit.schema import LatLngIn, RequestModel, WireModel

QUERY_MAX = 1_100  # a title and a content, as the ask form sends them
LIMIT_MAX = 10

IdStr = Field(min_length=1, max_length=40)


class SimilarQuestion(WireModel):
    id: str
    title: str
    region_code: str
    created_at: datetime
    hashtags: list[str]


class SimilarAnswer(WireModel):
    id: str
    preview: str
    accepted: bool
    created_at: datetime


class SimilarItem(WireModel):
    question: SimilarQuestion
    answer: SimilarAnswer
    distance_meters: int  # rounded to 100 m, as everywhere
    score: float


class SimilarItems(WireModel):
    items: list[SimilarItem]


class RecordDeflection(RequestModel):
    """ "이 답변으로 해결됐어요" before asking: the traveler did not need to ask."""

    question_id: str = IdStr
    answer_id: str = IdStr
    location: LatLngIn


class DeflectionRecorded(WireModel):
    id: str


class ArchiveSuggestion(WireModel):
    """The best earlier answer for a question just asked, shown in its room."""

    question_id: str
    suggestion: SimilarItem | None
    # The earlier answer the asker took as solving the question, once they did.
    archive_answer_id: str | None


class AcceptArchiveAnswer(RequestModel):
    answer_id: str = IdStr


class ArchiveAccepted(WireModel):
    question_id: str
    archive_answer_id: str
    solved_at: datetime


class ArchiveFigures(WireModel):
    """For the admin figures: what the archive solved in a window."""

    deflections: int
    archive_answers: int
