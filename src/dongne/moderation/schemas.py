"""The IP blocklist over HTTP (admins only)."""

from __future__ import annotations

import ipaddress
from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, Field

from dongne.kit.schema import CleanStr, RequestModel, WireModel


def _network(value: str) -> str:
    return str(ipaddress.ip_network(value.strip(), strict=False))


Cidr = Annotated[str, AfterValidator(_network)]


class IpBlockCreate(RequestModel):
    cidr: Cidr = Field(max_length=64, description="an address or range, e.g. 203.0.113.0/24")
    reason: CleanStr = Field(default="", max_length=300)
    expires_at: datetime | None = None


class IpBlockOut(WireModel):
    id: str
    cidr: str
    reason: str
    created_at: datetime
    expires_at: datetime | None


class IpBlockList(WireModel):
    blocks: list[IpBlockOut]


class BlockRequest(RequestModel):
    user_id: str = Field(min_length=1, max_length=40)


class BlockedUsers(WireModel):
    user_ids: list[str]


class ReportTarget(StrEnum):
    QUESTION = "question"
    ANSWER = "answer"
    USER = "user"  # from their public profile


class ReportCreate(RequestModel):
    target_type: ReportTarget
    target_id: str = Field(min_length=1, max_length=40)
    reason: CleanStr = Field(min_length=1, max_length=500)


class ReportOut(WireModel):
    id: str
    reporter_id: str
    target_type: ReportTarget
    target_id: str
    reason: str
    created_at: datetime
    resolved_at: datetime | None = None
    resolution: str | None = None
    # For the operator: what the reported thing says (an excerpt) and its question.
    excerpt: str | None = None
    question_id: str | None = None


class ReportAction(StrEnum):
    DISMISS = "dismiss"
    CLOSE_QUESTION = "close_question"
    HIDE_ANSWER = "hide_answer"


class ResolveReport(RequestModel):
    """An operator's action on a report: dismiss it, or close the reported question."""

    action: ReportAction


class ReportList(WireModel):
    reports: list[ReportOut]
