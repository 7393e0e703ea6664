"""Base pydantic models for the wire: camelCase fields, strict requests, normalized strings."""

from __future__ import annotations

import unicodedata
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator
from pydantic.alias_generators import to_camel

# Control characters other than newline and tab never belong in user text.
_KEPT_CONTROLS = {"\n", "\t"}


def normalize_text(value: str) -> str:
    """NFC, trimmed, without control characters: what every stored user string looks like."""
    value = unicodedata.normalize("NFC", value)
    value = "".join(
        ch for ch in value if ch in _KEPT_CONTROLS or unicodedata.category(ch)[0] != "C"
    )
    return value.strip()


def _normalize_if_text(value: Any) -> Any:
    return normalize_text(value) if isinstance(value, str) else value


# Normalized before the length limits are checked, so "   " counts as empty.
CleanStr = Annotated[str, BeforeValidator(_normalize_if_text)]


class WireModel(BaseModel):
    """What the server sends: camelCase names, built from snake_case attributes."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, from_attributes=True)

    def wire(self) -> dict[str, Any]:
        return self.model_dump(mode="json", by_alias=True)


class RequestModel(BaseModel):
    """What clients send: camelCase names, unknown fields refused."""

    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=True, extra="forbid", str_max_length=10_000
    )


class LatLngIn(RequestModel):
    """`{lat, lng}`, or `{latitude, longitude}` as the seed's clients send it."""

    lat: float = Field(ge=-90, le=90, allow_inf_nan=False)
    lng: float = Field(ge=-180, le=180, allow_inf_nan=False)

    @model_validator(mode="before")
    @classmethod
    def _accept_long_names(cls, data: Any) -> Any:
        if isinstance(data, dict) and "latitude" in data and "lat" not in data:
            data = {**data, "lat": data.get("latitude"), "lng": data.get("longitude")}
            data.pop("latitude", None)
            data.pop("longitude", None)
        return data
