"""Similar questions over HTTP ([17]). Registered before the questions router, so that
`/api/questions/similar` is not taken for a question id."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from dongne.api.deps import ClaimsDep, RuntimeDep
from dongne.similar.schemas import (
    LIMIT_MAX,
    QUERY_MAX,
    AcceptArchiveAnswer,
    ArchiveAccepted,
    ArchiveSuggestion,
    DeflectionRecorded,
    RecordDeflection,
    SimilarItems,
)

router = APIRouter(prefix="/api/questions", tags=["similar"])


@router.get("/similar", response_model=SimilarItems)
async def similar_questions(
    _claims: ClaimsDep,
    runtime: RuntimeDep,
    q: Annotated[str, Query(min_length=1, max_length=QUERY_MAX)],
    lat: Annotated[float, Query(ge=-90, le=90)],
    lng: Annotated[float, Query(ge=-180, le=180)],
    limit: Annotated[int, Query(ge=1, le=LIMIT_MAX)] = 3,
) -> SimilarItems:
    """Answered questions asking the same thing nearby, best first; distances rounded to
    100 m. Only questions with at least one answer."""
    return await runtime.similar.similar(q, lat, lng, limit=limit)


@router.post("/similar/deflections", response_model=DeflectionRecorded, status_code=201)
async def record_deflection(
    request: RecordDeflection, claims: ClaimsDep, runtime: RuntimeDep
) -> DeflectionRecorded:
    """ "이 답변으로 해결됐어요" before asking: counted, nobody is notified."""
    async with runtime.db.transaction() as uow:
        return await runtime.similar.record_deflection(uow, claims.user_id, request)


@router.get("/{question_id}/archive-suggestion", response_model=ArchiveSuggestion)
async def archive_suggestion(
    question_id: str, _claims: ClaimsDep, runtime: RuntimeDep
) -> ArchiveSuggestion:
    """The best earlier answer for this question, shown in its room."""
    async with runtime.db.transaction(readonly=True) as uow:
        return await runtime.similar.suggestion(uow, question_id)


@router.post("/{question_id}/archive-answer", response_model=ArchiveAccepted)
async def accept_archive_answer(
    question_id: str, request: AcceptArchiveAnswer, claims: ClaimsDep, runtime: RuntimeDep
) -> ArchiveAccepted:
    """The asker takes an earlier answer as solving the question: the escalation stops."""
    async with runtime.db.transaction() as uow:
        return await runtime.similar.accept_archive_answer(
            uow, claims.user_id, question_id, request
        )
