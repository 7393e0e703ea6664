"""Base pydantic models for the wire: camelCase fields, strict requests, normalized strings."""

from __future__ import annotations

import unicodedata
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict
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


CleanStr = Annotated[str, AfterValidator(normalize_text)]


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
