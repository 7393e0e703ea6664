"""Use cases of [17]: offer answered questions that ask the same thing nearby, record a
deflection, let an asker take an earlier answer as solving their question, and keep the
in-memory index current.

The index lives in each process. It is built from the database on first use (or at
start-up, outside tests), in a worker thread; changes that commit meanwhile are applied
once it is built. After that each committed answer or acceptance is applied at once (the
question page's after-commit invalidation tells us, see infra/cache/observed.py) and, in
scaled mode, published so every node applies it too.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence
from datetime import datetime

import structlog

from dongne.infra.broadcast import RedisBroadcast
from dongne.kit.clock import Clock
from dongne.kit.db import Database, UnitOfWork
from dongne.kit.errors import DongneError, ErrorCode
from dongne.kit.geo import round_distance_m
from dongne.kit.ids import new_id
from dongne.kit.messages import MessageKey, text
from dongne.models.similar import Deflection
from dongne.questions.policy import preview
from dongne.questions.service import QuestionsService
from dongne.regions.policy import RegionMap
from dongne.similar import analyzer
from dongne.similar.index import SimilarIndex, Stored
from dongne.similar.matcher import Match, rank, stored_from
from dongne.similar.repository import AnsweredRow, SimilarRepository
from dongne.similar.schemas import (
    AcceptArchiveAnswer,
    ArchiveAccepted,
    ArchiveFigures,
    ArchiveSuggestion,
    DeflectionRecorded,
    RecordDeflection,
    SimilarAnswer,
    SimilarItem,
    SimilarItems,
    SimilarQuestion,
)

log = structlog.get_logger("dongne.similar")

QUESTION_KEY_PREFIX = "question:"  # the questions page cache's keys (CachedModels "question")
ANSWER_NOT_FOUND = text(MessageKey.ANSWER_NOT_FOUND)
# Shorter queries than this (while someone starts typing) match nothing worth showing.
MIN_QUERY_CHARS = 2


def _stored(row: AnsweredRow, known: Stored | None = None) -> Stored:
    return stored_from(
        question_id=row.question_id,
        title=row.title,
        content=row.content,
        region_code=row.region_code,
        created_at=row.created_at,
        hashtags=row.hashtags,
        lat=row.lat,
        lng=row.lng,
        answer_id=row.answer_id,
        answer_preview=preview(row.answer_content),
        answer_accepted=row.answer_accepted,
        answer_created_at=row.answer_created_at,
        known=known,
    )


def _build(rows: Sequence[AnsweredRow]) -> SimilarIndex:
    index = SimilarIndex()
    index.add_many(_stored(row) for row in rows)
    return index


def _item(match: Match) -> SimilarItem:
    stored = match.stored
    return SimilarItem(
        question=SimilarQuestion(
            id=stored.question_id,
            title=stored.title,
            region_code=stored.region_code,
            created_at=stored.created_at,
            hashtags=stored.hashtags,
        ),
        answer=SimilarAnswer(
            id=stored.answer_id,
            preview=stored.answer_preview,
            accepted=stored.answer_accepted,
            created_at=stored.answer_created_at,
        ),
        distance_meters=round_distance_m(match.distance_m),
        score=round(match.score, 3),
    )


class SimilarService:
    def __init__(
        self,
        *,
        clock: Clock,
        db: Database,
        regions: RegionMap,
        questions: QuestionsService,
        broadcast: RedisBroadcast | None = None,
    ) -> None:
        self._clock = clock
        self._db = db
        self._regions = regions
        self._questions = questions
        self._broadcast = broadcast
        self._index = SimilarIndex()
        self._build_task: asyncio.Task[None] | None = None
        self._ready = False
        self._pending: set[str] = set()

    # -- the index ------------------------------------------------------------------

    async def start(self, *, build: bool) -> None:
        """Follows the other nodes' changes and, if `build`, loads the analyser now and
        builds the index in the background (otherwise both on first use).

        Loading Kiwi's model holds the GIL for seconds, which stalls the event loop even
        from a worker thread: awaited during start-up, before the server listens, no
        client waits behind it.
        """
        if build:
            await analyzer.load_async()
            self._start_build()
        if self._broadcast is not None:
            self._broadcast.start(self._apply_remote)

    @property
    def following(self) -> bool:
        """Subscribed to the other nodes' changes (always, when there are none)."""
        return self._broadcast is None or self._broadcast.subscription.listening

    async def ready(self) -> SimilarIndex:
        """The index, once built (started now if it was not)."""
        if not self._ready:
            task = self._start_build()
            try:
                await asyncio.shield(task)
            except Exception:
                self._build_task = None  # the next use tries again (the database was away)
                raise
        return self._index

    def _start_build(self) -> asyncio.Task[None]:
        if self._build_task is None:
            self._build_task = asyncio.create_task(self._build(), name="dongne-similar-build")
        return self._build_task

    async def _build(self) -> None:
        await analyzer.load_async()
        async with self._db.transaction(readonly=True) as uow:
            rows = await SimilarRepository(uow.session).answered()
        index = await asyncio.to_thread(_build, rows)
        self._index, self._ready = index, True
        log.info("similar_index_built", questions=len(index))
        pending, self._pending = self._pending, set()
        if pending:
            await self._refresh(sorted(pending))

    async def questions_changed(self, cache_keys: Sequence[str]) -> None:
        """After a commit that changed these questions (their page keys): apply, publish."""
        ids = [k.removeprefix(QUESTION_KEY_PREFIX) for k in cache_keys]
        ids = [i for i, k in zip(ids, cache_keys, strict=True) if k.startswith(QUESTION_KEY_PREFIX)]
        if not ids:
            return
        try:
            await self._refresh(ids)
        except Exception:
            log.exception("similar_refresh_failed", question_ids=ids)
        if self._broadcast is not None:
            await self._broadcast.publish(" ".join(ids))

    async def _apply_remote(self, message: str) -> None:
        await self._refresh(message.split())

    async def _refresh(self, question_ids: Sequence[str]) -> None:
        if not self._ready:
            if self._build_task is not None:  # being built: apply once it is
                self._pending.update(question_ids)
            return  # not built yet: the build reads the database as it is then
        async with self._db.transaction(readonly=True) as uow:
            rows = await SimilarRepository(uow.session).answered(question_ids)
        found = {row.question_id: row for row in rows}
        for question_id in question_ids:
            row = found.get(question_id)
            if row is None:
                self._index.remove(question_id)
            else:
                self._index.upsert(_stored(row, self._index.get(question_id)))

    # -- use cases ------------------------------------------------------------------

    async def similar(
        self,
        text: str,
        lat: float,
        lng: float,
        *,
        limit: int,
        exclude: Sequence[str] = (),
    ) -> SimilarItems:
        """Answered questions asking the same thing near (lat, lng), best first."""
        if len(text.strip()) < MIN_QUERY_CHARS:
            return SimilarItems(items=[])
        if not self._ready:
            # Matching is a help, never in the way: while the index is being built (the
            # first seconds after start-up) nothing is offered, and nobody waits.
            self._start_build()
            return SimilarItems(items=[])
        index = self._index
        region = self._regions.locate(lat, lng)
        matches = rank(
            index,
            text,
            lat,
            lng,
            now=self._clock.now(),
            region_code=region.code if region is not None else None,
            limit=limit,
            exclude=exclude,
        )
        return SimilarItems(items=[_item(m) for m in matches])

    async def record_deflection(
        self, uow: UnitOfWork, user_id: str, request: RecordDeflection
    ) -> DeflectionRecorded:
        """ "이 답변으로 해결됐어요" before asking: stored for the figures, nobody is told."""
        owner = await SimilarRepository(uow.session).question_of_answer(request.answer_id)
        if owner is None or owner != request.question_id:
            raise DongneError(ErrorCode.NOT_FOUND, ANSWER_NOT_FOUND)
        now = self._clock.now()
        deflection = Deflection(
            id=new_id(now),
            user_id=user_id,
            question_id=request.question_id,
            answer_id=request.answer_id,
            lat=request.location.lat,
            lng=request.location.lng,
            created_at=now,
        )
        await SimilarRepository(uow.session).add_deflection(deflection)
        log.info("deflection", user_id=user_id, question_id=request.question_id)
        return DeflectionRecorded(id=deflection.id)

    async def suggestion(self, uow: UnitOfWork, question_id: str) -> ArchiveSuggestion:
        """The best earlier answer for a question already asked (its room shows it)."""
        question = await self._questions.get(uow, question_id)
        archive_answer_id = question.archive_answer_id
        if question.accepted_answer_id is not None:
            return ArchiveSuggestion(
                question_id=question_id, suggestion=None, archive_answer_id=archive_answer_id
            )
        found = await self.similar(
            f"{question.title}\n{question.content}",
            question.lat,
            question.lng,
            limit=1,
            exclude=[question_id],
        )
        return ArchiveSuggestion(
            question_id=question_id,
            suggestion=found.items[0] if found.items else None,
            archive_answer_id=archive_answer_id,
        )

    async def accept_archive_answer(
        self, uow: UnitOfWork, user_id: str, question_id: str, request: AcceptArchiveAnswer
    ) -> ArchiveAccepted:
        """The asker takes an earlier answer as solving their question: no further round
        of the escalation runs, nobody is notified, the figures count it apart."""
        question = await self._questions.get(uow, question_id)
        if question.asker_id != user_id:
            raise DongneError(ErrorCode.FORBIDDEN, text(MessageKey.ONLY_ASKER))
        repository = SimilarRepository(uow.session)
        owner = await repository.question_of_answer(request.answer_id)
        if owner is None or owner == question_id:
            raise DongneError(ErrorCode.NOT_FOUND, ANSWER_NOT_FOUND)
        now = self._clock.now()
        if not await repository.mark_solved_by_archive(question_id, request.answer_id, now):
            raise DongneError(ErrorCode.CONFLICT, text(MessageKey.ALREADY_SOLVED))
        log.info("archive_answer", question_id=question_id, answer_id=request.answer_id)
        return ArchiveAccepted(
            question_id=question_id, archive_answer_id=request.answer_id, solved_at=now
        )

    async def figures(self, uow: UnitOfWork, since: datetime) -> ArchiveFigures:
        repository = SimilarRepository(uow.session)
        timings = await repository.archive_timings(since)
        return ArchiveFigures(
            deflections=await repository.count_deflections(since),
            archive_answers=sum(1 for *_, solved in timings if solved is not None),
        )

    async def archive_timings(
        self, uow: UnitOfWork, since: datetime
    ) -> list[tuple[str, str, datetime, datetime | None, datetime | None]]:
        return await SimilarRepository(uow.session).archive_timings(since)

    async def close(self) -> None:
        if self._build_task is not None and not self._build_task.done():
            self._build_task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._build_task
        if self._broadcast is not None:
            await self._broadcast.close()
