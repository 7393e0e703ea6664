"""The running service's parts, built once by app.py and handed to every transport."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta

from dongne.config import Settings
from dongne.infra.redis import connect_redis, redis_answers
from dongne.kit.clock import Clock
from dongne.kit.db import Database
from dongne.kit.events import Events, EventSink
from dongne.kit.passwords import Passwords
from dongne.kit.tokens import AccessTokens
from dongne.realtime.sessions import SocketSessions
from dongne.users.service import UsersService


@dataclass
class Runtime:
    settings: Settings
    clock: Clock
    db: Database
    events: Events
    sockets: SocketSessions
    users: UsersService
    # name -> probe; /ready is ready when every probe answers True.
    readiness_checks: dict[str, Callable[[], Awaitable[bool]]] = field(default_factory=dict)
    closers: list[Callable[[], Awaitable[None]]] = field(default_factory=list)

    async def close(self) -> None:
        for close in reversed(self.closers):
            await close()


def build_runtime(settings: Settings, clock: Clock, sink: EventSink) -> Runtime:
    passwords = Passwords(
        memory_kib=settings.password_hash_memory_kib,
        concurrency=settings.password_hash_concurrency,
    )
    access_tokens = AccessTokens(
        settings.resolved_jwt_secret(), timedelta(seconds=settings.access_token_ttl_s)
    )
    db = Database(settings.resolved_database_url)
    checks: dict[str, Callable[[], Awaitable[bool]]] = {"database": db.ping}
    closers: list[Callable[[], Awaitable[None]]] = [db.dispose]
    if settings.redis_url:
        redis = connect_redis(settings.redis_url)
        checks["redis"] = lambda: redis_answers(redis)
        closers.append(redis.aclose)
    return Runtime(
        settings=settings,
        clock=clock,
        db=db,
        events=Events(sink),
        sockets=SocketSessions(),
        users=UsersService(
            clock, passwords, access_tokens, timedelta(seconds=settings.refresh_token_ttl_s)
        ),
        readiness_checks=checks,
        closers=closers,
    )
