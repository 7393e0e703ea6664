"""Socket.IO room names, shared by services (which publish) and the realtime layer (which joins)."""

from __future__ import annotations

ADMIN_ROOM = "admin-dashboard"


def user_room(user_id: str) -> str:
    """Every socket of a user: a message here reaches all of their devices."""
    return f"user:{user_id}"


def question_room(question_id: str) -> str:
    return f"question:{question_id}"
