"""Which sockets belong to which user on this node (a user may have several devices)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import datetime

from dongne.kit.messages import Language


@dataclass(frozen=True)
class SocketSession:
    sid: str
    user_id: str
    token_expires_at: datetime
    # Read once at connect: a user verified later is a local from their next connection.
    is_local: bool
    # The account's language for errors on this socket (None: not chosen), read at connect.
    language: Language | None = None


class SocketSessions:
    def __init__(self) -> None:
        self._by_sid: dict[str, SocketSession] = {}
        self._sids_by_user: defaultdict[str, set[str]] = defaultdict(set)

    def add(self, session: SocketSession) -> bool:
        """Returns True when this is the user's first socket on this node."""
        self._by_sid[session.sid] = session
        sids = self._sids_by_user[session.user_id]
        sids.add(session.sid)
        return len(sids) == 1

    def remove(self, sid: str) -> SocketSession | None:
        """Forgets a socket; the caller learns whether it was the user's last via `sids_of`."""
        session = self._by_sid.pop(sid, None)
        if session is not None:
            sids = self._sids_by_user[session.user_id]
            sids.discard(sid)
            if not sids:
                del self._sids_by_user[session.user_id]
        return session

    def renew(self, sid: str, token_expires_at: datetime) -> None:
        session = self._by_sid.get(sid)
        if session is not None:
            self._by_sid[sid] = replace(session, token_expires_at=token_expires_at)

    def get(self, sid: str) -> SocketSession | None:
        return self._by_sid.get(sid)

    def sids_of(self, user_id: str) -> frozenset[str]:
        return frozenset(self._sids_by_user.get(user_id, ()))

    def is_online(self, user_id: str) -> bool:
        return user_id in self._sids_by_user

    def socket_counts(self) -> dict[str, int]:
        """Open sockets per connected user."""
        return {user_id: len(sids) for user_id, sids in self._sids_by_user.items()}

    @property
    def socket_count(self) -> int:
        return len(self._by_sid)

    @property
    def user_count(self) -> int:
        return len(self._sids_by_user)
