"""Whether the service keeps its promise: the 10-minute figures, slow-answer alerts, and
the live dashboard feed for the admin room."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import structlog

from dongne.infra.cache.base import Cache, CachedModels
from dongne.infra.metrics import SLOW_ANSWERS
from dongne.jobs.service import JobQueue
from dongne.kit.clock import Clock
from dongne.kit.db import UnitOfWork
from dongne.kit.events import Events
from dongne.kit.rooms import ADMIN_ROOM
from dongne.monitoring.policy import SLOW_AFTER_S, Figures, Timing, figures
from dongne.monitoring.schemas import (
    FiguresOut,
    RegionFigures,
    SlowResponseAlert,
    Stats,
    StatsWindow,
    WaitingQuestion,
)
from dongne.notifications import messages
from dongne.notifications.service import NotificationsService
from dongne.questions.service import QuestionsService
from dongne.regions.policy import RegionMap
from dongne.similar.service import SimilarService

log = structlog.get_logger("dongne.monitoring")

WINDOWS = {
    StatsWindow.HOUR: timedelta(hours=1),
    StatsWindow.DAY: timedelta(days=1),
    StatsWindow.WEEK: timedelta(days=7),
}
# The seed's TTL of region stats: the public region pages may show figures this old.
REGION_STATS_TTL = timedelta(minutes=15)
SLOW_CHECK_JOB = "monitoring.slow_check"


def _earliest(first: datetime | None, other: datetime | None) -> datetime | None:
    return min((t for t in (first, other) if t is not None), default=None)


def _out(figures_: Figures) -> dict[str, Any]:
    return {
        "questions": figures_.questions,
        "answered": figures_.answered,
        "within_1m": figures_.within[60],
        "within_5m": figures_.within[300],
        "within_10m": figures_.within[600],
        "average_seconds": figures_.average_s,
        "p50_seconds": figures_.p50_s,
        "p90_seconds": figures_.p90_s,
    }


class MonitoringService:
    def __init__(
        self,
        *,
        clock: Clock,
        questions: QuestionsService,
        regions: RegionMap,
        events: Events,
        jobs: JobQueue,
        notifications: NotificationsService,
        cache: Cache,
        archive: SimilarService | None = None,
    ) -> None:
        self._clock = clock
        self._questions = questions
        self._regions = regions
        self._events = events
        self._jobs = jobs
        self._notifications = notifications
        self._archive = archive
        self._region_stats = CachedModels(cache, "region-stats", Stats, REGION_STATS_TTL)

    async def stats(self, uow: UnitOfWork, window: StatsWindow) -> Stats:
        now = self._clock.now()
        rows = await self._questions.answer_timings(uow, now - WINDOWS[window])
        timings = [
            Timing(region, urgency == "urgent", asked, first)
            for region, urgency, asked, first in rows
        ]
        archive = await self._archive_figures(uow, now - WINDOWS[window], now)
        return Stats(
            window=window,
            generated_at=now,
            **archive,
            overall=FiguresOut(**_out(figures(timings, now))),
            urgent=FiguresOut(**_out(figures((t for t in timings if t.urgent), now))),
            regions=[
                RegionFigures(
                    code=region.code,
                    name_ko=region.name_ko,
                    name_en=region.name_en,
                    **_out(figures((t for t in timings if t.region == region.code), now)),
                )
                for region in self._regions.regions()
            ],
        )

    async def _archive_figures(
        self, uow: UnitOfWork, since: datetime, now: datetime
    ) -> dict[str, Any]:
        if self._archive is None:
            return {}
        rows = await self._archive.archive_timings(uow, since)
        solved = [
            Timing(region, urgency == "urgent", asked, _earliest(first, archived))
            for region, urgency, asked, first, archived in rows
        ]
        counts = await self._archive.figures(uow, since)
        return {
            "deflections": counts.deflections,
            "archive_answers": counts.archive_answers,
            "with_archive": FiguresOut(**_out(figures(solved, now))),
        }

    async def last_day_cached(self, uow: UnitOfWork) -> Stats:
        """The 24-hour figures for the public region pages: up to 15 minutes old (the admin
        dashboard reads `stats`, always current)."""
        return await self._region_stats.get(
            StatsWindow.DAY.value, lambda: self.stats(uow, StatsWindow.DAY)
        )

    async def waiting_longest(self, uow: UnitOfWork, limit: int = 10) -> list[WaitingQuestion]:
        now = self._clock.now()
        rows = await self._questions.waiting_longest(uow, asked_before=now, limit=limit)
        return [
            WaitingQuestion(
                id=q.id,
                title=q.title,
                region_code=q.region_code,
                urgency=q.urgency,
                waited_seconds=(now - q.created_at).total_seconds(),
            )
            for q in rows
        ]

    async def check_slow(self, uow: UnitOfWork, question_id: str) -> bool:
        """Alerts the admin room (and the webhook) if the question is still unanswered, and
        tells the asker it is still being looked for."""
        question = await self._questions.get_even_deleted(uow, question_id)
        if question.first_answer_at is not None or question.deleted_at is not None:
            return False
        waited = self._clock.now() - question.created_at
        alert = SlowResponseAlert(
            question_id=question.id,
            waited_minutes=int(waited.total_seconds() // 60),
            region_code=question.region_code,
            urgency=question.urgency,
        )
        self._events.publish(uow, "slow_response_alert", alert, room=ADMIN_ROOM)
        await self._notifications.alert_operators(
            uow, {"event": "slow_response_alert", **alert.wire()}
        )
        await self._notifications.notify(
            uow,
            question.asker_id,
            messages.still_looking(question.id, question.title, alert.waited_minutes),
        )
        SLOW_ANSWERS.inc()
        log.warning("slow_response_alert", **alert.wire())
        return True


class SlowAnswerWatch:
    """Follows every new question: one check runs when it would pass 10 minutes."""

    def __init__(self, jobs: JobQueue) -> None:
        self._jobs = jobs

    async def plan(self, uow: UnitOfWork, question_id: str) -> None:
        await self._jobs.enqueue(
            uow,
            SLOW_CHECK_JOB,
            {"questionId": question_id},
            delay=timedelta(seconds=SLOW_AFTER_S),
            dedupe_key=f"slow:{question_id}",
        )
