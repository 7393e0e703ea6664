"""Ephemeral signals of question rooms: who is typing, and who is online.

Nothing here is stored: typing and presence are not worth replaying after a reconnect.
Timers use real seconds (configurable), since they exist for people watching a screen.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from dongne.conversation.rooms import RoomsService
from dongne.conversation.schemas import PresenceChange, TypingAck, UserStopTyping, UserTyping
from dongne.conversation.service import NOT_A_MEMBER
from dongne.kit.background import BackgroundTasks
from dongne.kit.clock import Clock
from dongne.kit.db import Database
from dongne.kit.errors import DongneError, ErrorCode
from dongne.kit.events import Events
from dongne.kit.rooms import question_room
from dongne.users.service import UsersService

# Presence goes to the rooms of questions asked within this window.
PRESENCE_ROOMS_WINDOW = timedelta(days=7)


@dataclass
class _Typing:
    last_start: float
    last_broadcast: float
    stop_timer: asyncio.TimerHandle | None = field(default=None, repr=False)


class TypingService:
    """typing_start/typing_stop with auto-stop and at most one broadcast per interval."""

    def __init__(
        self,
        *,
        clock: Clock,
        db: Database,
        events: Events,
        rooms: RoomsService,
        users: UsersService,
        background: BackgroundTasks,
        auto_stop_s: float,
        throttle_s: float,
        expire_s: float,
    ) -> None:
        self._clock = clock
        self._db = db
        self._events = events
        self._rooms = rooms
        self._users = users
        self._background = background
        self._auto_stop_s = auto_stop_s
        self._throttle_s = throttle_s
        self._expire_s = expire_s
        self._state: dict[tuple[str, str], _Typing] = {}

    async def start(self, question_id: str, user_id: str, *, sid: str) -> TypingAck:
        now = self._clock.monotonic()
        self._sweep(now)
        key = (question_id, user_id)
        state = self._state.get(key)
        if state is not None and now - state.last_broadcast < self._throttle_s:
            state.last_start = now
            self._arm_auto_stop(key, state, sid)
            return TypingAck(question_id=question_id, broadcast=False)
        # Claim the broadcast before the first await, so concurrent starts see it taken.
        claimed = _Typing(last_start=now, last_broadcast=now)
        self._state[key] = claimed
        if state is not None and state.stop_timer is not None:
            state.stop_timer.cancel()
        try:
            # Checked only when something is sent: a flood of typing events costs no queries.
            nickname = await self._member_nickname(question_id, user_id)
        except DongneError:
            self._state.pop(key, None)
            raise
        await self._events.publish_now(
            "user_typing",
            UserTyping(user_id=user_id, username=nickname, question_id=question_id),
            room=question_room(question_id),
            skip_sid=sid,
        )
        state = claimed
        self._arm_auto_stop(key, state, sid)
        return TypingAck(question_id=question_id, broadcast=True)

    async def stop(self, question_id: str, user_id: str, *, sid: str | None) -> TypingAck:
        state = self._state.pop((question_id, user_id), None)
        if state is None:
            return TypingAck(question_id=question_id, broadcast=False)
        if state.stop_timer is not None:
            state.stop_timer.cancel()
        await self._events.publish_now(
            "user_stop_typing",
            UserStopTyping(user_id=user_id, question_id=question_id),
            room=question_room(question_id),
            skip_sid=sid,
        )
        return TypingAck(question_id=question_id, broadcast=True)

    async def _member_nickname(self, question_id: str, user_id: str) -> str:
        async with self._db.transaction(readonly=True) as uow:
            if user_id not in await self._rooms.member_ids(uow, question_id):
                raise DongneError(ErrorCode.FORBIDDEN, NOT_A_MEMBER)
            return (await self._users.get(uow, user_id)).nickname

    def _arm_auto_stop(self, key: tuple[str, str], state: _Typing, sid: str) -> None:
        if state.stop_timer is not None:
            state.stop_timer.cancel()
        question_id, user_id = key

        def fire() -> None:
            self._background.spawn(self.stop(question_id, user_id, sid=sid))

        state.stop_timer = asyncio.get_running_loop().call_later(self._auto_stop_s, fire)

    def _sweep(self, now: float) -> None:
        """Drops state whose auto-stop never ran (a timer lost with a cancelled task)."""
        for key in [k for k, s in self._state.items() if now - s.last_start > self._expire_s]:
            stale = self._state.pop(key)
            if stale.stop_timer is not None:
                stale.stop_timer.cancel()


class PresenceService:
    """user_online / user_offline to the rooms a user shares, with a debounce on going offline."""

    def __init__(
        self,
        *,
        clock: Clock,
        db: Database,
        events: Events,
        rooms: RoomsService,
        background: BackgroundTasks,
        is_online: Callable[[str], bool],
        offline_debounce_s: float,
    ) -> None:
        self._clock = clock
        self._db = db
        self._events = events
        self._rooms = rooms
        self._background = background
        self._is_online = is_online
        self._debounce_s = offline_debounce_s
        self._going_offline: dict[str, asyncio.TimerHandle] = {}

    async def first_socket_connected(self, user_id: str) -> None:
        pending = self._going_offline.pop(user_id, None)
        if pending is not None:
            pending.cancel()  # back within the debounce: the others never saw them leave
            return
        await self._announce("user_online", user_id)

    def last_socket_closed(self, user_id: str) -> None:
        def fire() -> None:
            self._going_offline.pop(user_id, None)
            if not self._is_online(user_id):
                self._background.spawn(self._announce("user_offline", user_id))

        self._going_offline[user_id] = asyncio.get_running_loop().call_later(self._debounce_s, fire)

    async def _announce(self, event: str, user_id: str) -> None:
        now = self._clock.now()
        async with self._db.transaction(readonly=True) as uow:
            rooms = await self._rooms.rooms_of(uow, user_id, since=now - PRESENCE_ROOMS_WINDOW)
        change = PresenceChange(user_id=user_id, timestamp=now)
        for question_id in rooms:
            await self._events.publish_now(event, change, room=question_room(question_id))
