"""Questions over HTTP: nearby questions, one question with its answers, trending tags."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query

from dongne.api.deps import ClaimsDep, RuntimeDep
from dongne.escalation.schemas import QuestionProgress
from dongne.kit.schema import WireModel
from dongne.questions.schemas import (
    AnswerOut,
    NearbyQuestion,
    NearbyQuestions,
    QuestionWithAnswers,
    TrendingHashtags,
    TrendingWindow,
)

router = APIRouter(prefix="/api/questions", tags=["questions"])
public_router = APIRouter(prefix="/api/public", tags=["questions"])
hashtags_router = APIRouter(prefix="/api/hashtags", tags=["questions"])

MAX_RADIUS_M = 50_000


@router.get("", response_model=NearbyQuestions)
async def nearby_questions(
    _claims: ClaimsDep,
    runtime: RuntimeDep,
    lat: Annotated[float, Query(ge=-90, le=90)],
    lng: Annotated[float, Query(ge=-180, le=180)],
    radius: Annotated[float, Query(gt=0, le=MAX_RADIUS_M)] = 3_000,
    since: Annotated[datetime | None, Query(description="ISO-8601; default: last 24 h")] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
) -> NearbyQuestions:
    async with runtime.db.transaction(readonly=True) as uow:
        questions = await runtime.questions.nearby(
            uow, lat=lat, lng=lng, radius_m=radius, since=since, limit=limit
        )
    return NearbyQuestions(questions=questions)


class QuestionPage(QuestionWithAnswers):
    """`GET /api/questions/{id}`: the question, its answers and how the search for a first
    answer is going (the figures of `question_progress`)."""

    progress: QuestionProgress


@router.get("/{question_id}", response_model=QuestionPage)
async def get_question(question_id: str, _claims: ClaimsDep, runtime: RuntimeDep) -> QuestionPage:
    async with runtime.db.transaction(readonly=True) as uow:
        page = await runtime.questions.with_answers(uow, question_id)
        question = await runtime.questions.get(uow, question_id)
        progress = await runtime.escalation.progress(uow, question)
    return QuestionPage(**page.model_dump(), progress=progress)


@hashtags_router.get("/trending", response_model=TrendingHashtags)
async def trending_hashtags(
    _claims: ClaimsDep,
    runtime: RuntimeDep,
    window: TrendingWindow = TrendingWindow.DAY,
    region: Annotated[str | None, Query(max_length=32, description="a region code")] = None,
) -> TrendingHashtags:
    """The most used hashtags of the questions asked in the window, counted at most 15
    minutes ago (`generatedAt`)."""
    async with runtime.db.transaction(readonly=True) as uow:
        return await runtime.questions.trending(uow, window, region)


class AnsweredQuestion(NearbyQuestion):
    """A question as the landing page shows it, with its best answer (accepted, or first)."""

    top_answer: AnswerOut | None


class AnsweredQuestions(WireModel):
    questions: list[AnsweredQuestion]


# The landing page's look at what Dongne does, for people without an account: read-only,
# answered questions only, a handful.
PUBLIC_LIMIT = 6


@public_router.get("/answered", response_model=AnsweredQuestions)
async def recently_answered(
    runtime: RuntimeDep,
    lat: Annotated[float, Query(ge=-90, le=90)],
    lng: Annotated[float, Query(ge=-180, le=180)],
    radius: Annotated[float, Query(gt=0, le=MAX_RADIUS_M)] = MAX_RADIUS_M,
) -> AnsweredQuestions:
    """Recently answered questions near a point, without login (the landing page)."""
    async with runtime.db.transaction(readonly=True) as uow:
        nearby = await runtime.questions.nearby(
            uow, lat=lat, lng=lng, radius_m=radius, since=None, limit=100
        )
        answered = sorted(
            (q for q in nearby if q.answer_count > 0 and q.first_answer_at is not None),
            key=lambda q: q.first_answer_at or q.created_at,
            reverse=True,
        )[:PUBLIC_LIMIT]
        out = []
        for q in answered:
            page = await runtime.questions.with_answers(uow, q.id)
            shown = [a for a in page.answers if not a.hidden]
            best = next((a for a in shown if a.accepted), None)
            if best or shown:
                out.append(AnsweredQuestion(**q.model_dump(), top_answer=best or shown[0]))
    return AnsweredQuestions(questions=out)
