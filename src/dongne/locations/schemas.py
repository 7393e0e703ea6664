"""`update_location` and `nearby_questions_update` (PROTOCOL.md)."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from dongne.kit.schema import LatLngIn, WireModel


class UpdateLocation(LatLngIn):
    # Redis GEO stores latitudes up to ±85.05°; nobody asks about Jeju from the poles.
    lat: float = Field(ge=-85, le=85, allow_inf_nan=False)
    accuracy: float | None = Field(default=None, ge=0, le=100_000, allow_inf_nan=False)


class OwnLocation(WireModel):
    """The user's own position, echoed back to them only."""

    lat: float
    lng: float


class NearbyQuestionItem(WireModel):
    id: str
    title: str
    distance: int
    urgency: str
    created_at: datetime


class NearbyQuestionsUpdate(WireModel):
    location: OwnLocation
    questions: list[NearbyQuestionItem]
