"""Time-ordered string ids (ULID), so rows sort by creation without a separate column."""

from __future__ import annotations

from datetime import datetime

from ulid import ULID


def new_id(at: datetime) -> str:
    """A new id whose time part comes from the injected clock."""
    return str(ULID.from_datetime(at)).lower()
