"""One error type for every refusal a user can see; transports map it to the wire."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from dongne.kit.messages import Language, Text


class ErrorCode(StrEnum):
    UNAUTHENTICATED = "unauthenticated"
    FORBIDDEN = "forbidden"
    NOT_FOUND = "not_found"
    DELETED = "deleted"
    INVALID = "invalid"
    RATE_LIMITED = "rate_limited"
    SPAM = "spam"
    CONFLICT = "conflict"
    INTERNAL = "internal"


HTTP_STATUS: dict[ErrorCode, int] = {
    ErrorCode.UNAUTHENTICATED: 401,
    ErrorCode.FORBIDDEN: 403,
    ErrorCode.NOT_FOUND: 404,
    ErrorCode.DELETED: 410,
    ErrorCode.INVALID: 422,
    ErrorCode.RATE_LIMITED: 429,
    ErrorCode.SPAM: 422,
    ErrorCode.CONFLICT: 409,
    ErrorCode.INTERNAL: 500,
}


class DongneError(Exception):
    """A refusal with a code from PROTOCOL.md and a message from the catalogue
    (kit/messages), rendered by the transport in the reader's language."""

    def __init__(self, code: ErrorCode, text: Text, **details: Any) -> None:
        super().__init__(text.render(None))
        self.code = code
        self.text = text
        self.details = details

    @property
    def message(self) -> str:
        """Korean with English beside it (the reader's language unknown)."""
        return self.text.render(None)

    def render(self, language: Language | None) -> str:
        return self.text.render(language)

    def to_wire(self, language: Language | None = None) -> dict[str, Any]:
        return {"code": self.code.value, "message": self.render(language), **self.details}
