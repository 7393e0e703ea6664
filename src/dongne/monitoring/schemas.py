"""The monitoring figures on the wire: `/api/admin/stats`, `metrics-update`, alerts."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import Field

from dongne.kit.schema import RequestModel, WireModel


class StatsWindow(StrEnum):
    HOUR = "1h"
    DAY = "24h"
    WEEK = "7d"


class FiguresOut(WireModel):
    questions: int
    answered: int
    # Shares 0..1; None while no question counts yet. Aliases keep "1m" readable on the wire.
    within_1m: float | None = Field(alias="within1m")
    within_5m: float | None = Field(alias="within5m")
    within_10m: float | None = Field(alias="within10m")
    average_seconds: float | None
    p50_seconds: float | None
    p90_seconds: float | None


class RegionFigures(FiguresOut):
    code: str
    name_ko: str
    name_en: str


class Stats(WireModel):
    window: StatsWindow
    generated_at: datetime
    overall: FiguresOut
    urgent: FiguresOut
    regions: list[RegionFigures]
    # [17] Questions that never needed a local: travelers who found an earlier answer
    # before asking (deflections), and questions the asker marked solved by one (archive
    # answers). `overall` counts locals' answers only; `withArchive` also counts a
    # question solved by the archive as answered, at the moment it was.
    deflections: int = 0
    archive_answers: int = 0
    with_archive: FiguresOut | None = None


class WaitingQuestion(WireModel):
    id: str
    title: str
    region_code: str
    urgency: str
    waited_seconds: float


class WaitingQuestions(WireModel):
    generated_at: datetime
    questions: list[WaitingQuestion]


class MetricsUpdate(WireModel):
    connected_sockets: int
    connected_users: int
    events_per_second: float
    errors_per_second: float
    stats: Stats
    waiting: list[WaitingQuestion]


class SlowResponseAlert(WireModel):
    question_id: str
    waited_minutes: int
    region_code: str
    urgency: str


class JoinAdmin(RequestModel):
    pass


class AdminJoined(WireModel):
    room: str
