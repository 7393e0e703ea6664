"""Questions over HTTP: nearby questions, one question with its answers, trending tags."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query

from dongne.api.deps import ClaimsDep, RuntimeDep
from dongne.escalation.schemas import QuestionProgress
from dongne.questions.schemas import (
    NearbyQuestions,
    QuestionWithAnswers,
    TrendingHashtags,
    TrendingWindow,
)

router = APIRouter(prefix="/api/questions", tags=["questions"])
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
