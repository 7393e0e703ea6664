"""Pure rules of read state: markers only move forward; counts of who has not read."""

from __future__ import annotations

from collections.abc import Iterable

from dongne.conversation.schemas import MessageState


def advanced(current: str | None, candidate: str) -> str:
    """Message ids sort by time, so the larger id is the later marker."""
    return candidate if current is None or candidate > current else current


def not_reached(marker: str | None, message_id: str) -> bool:
    return marker is None or marker < message_id


def message_state(
    message_id: str,
    author_id: str,
    members: Iterable[str],
    delivered: dict[str, str | None],
    read: dict[str, str | None],
) -> tuple[MessageState, int]:
    """The author's view of a message: its state and how many other members have not read it."""
    others = [m for m in members if m != author_id]
    unread = sum(not_reached(read.get(m), message_id) for m in others)
    undelivered = sum(
        not_reached(delivered.get(m), message_id) and not_reached(read.get(m), message_id)
        for m in others
    )
    if others and unread == 0:
        return MessageState.READ, 0
    if others and undelivered == 0:
        return MessageState.DELIVERED, unread
    return MessageState.SENT, unread
