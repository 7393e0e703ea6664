"""Database engine and the unit of work: one transaction, then what must happen after commit.

Emits and job wake-ups are buffered on the unit of work and run only after a successful
commit (DESIGN.md: "emit after commit"); a rollback drops them.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

AfterCommit = Callable[[], Awaitable[None]]

SQLITE_BUSY_TIMEOUT_MS = 5_000


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def _prepare_sqlite(engine: AsyncEngine) -> None:
    """WAL, a busy timeout and BEGIN IMMEDIATE for writes.

    pysqlite's own transaction handling starts transactions lazily and as DEFERRED, so a
    read that later writes fails with "database is locked" under concurrency; taking the
    write lock up front makes writers queue on the busy timeout instead.
    """

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Connection) -> None:
        readonly = connection.get_execution_options().get("dongne_readonly", False)
        connection.exec_driver_sql("BEGIN" if readonly else "BEGIN IMMEDIATE")


class UnitOfWork:
    """A session in one transaction plus the actions that wait for its commit."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self._after_commit: list[AfterCommit] = []

    def after_commit(self, action: AfterCommit) -> None:
        self._after_commit.append(action)

    async def _run_after_commit(self) -> None:
        for action in self._after_commit:
            await action()


class Database:
    def __init__(self, url: str, *, echo: bool = False) -> None:
        self.url = url
        self.engine = create_async_engine(url, echo=echo, pool_pre_ping=not is_sqlite(url))
        if is_sqlite(url):
            _prepare_sqlite(self.engine)
        self._sessions = async_sessionmaker(self.engine, expire_on_commit=False)
        self._readonly_sessions = async_sessionmaker(
            self.engine.execution_options(dongne_readonly=True), expire_on_commit=False
        )

    @asynccontextmanager
    async def transaction(self, *, readonly: bool = False) -> AsyncIterator[UnitOfWork]:
        """Commit when the block ends normally, roll back on an exception; then run after-commit."""
        factory = self._readonly_sessions if readonly else self._sessions
        async with factory() as session, session.begin():
            uow = UnitOfWork(session)
            yield uow
        await uow._run_after_commit()

    async def ping(self, timeout_s: float = 2.0) -> bool:
        try:
            async with asyncio.timeout(timeout_s), self.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
        except Exception:  # noqa: BLE001 - any failure means "not ready"
            return False
        return True

    async def dispose(self) -> None:
        await self.engine.dispose()


def dialect_insert(session: AsyncSession) -> Any:
    """The insert construct of the session's dialect, for ON CONFLICT clauses on both engines."""
    return postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
