"""Database engine and the unit of work: one transaction, then what must happen after commit.

Emits and job wake-ups are buffered on the unit of work and run only after a successful
commit (DESIGN.md: "emit after commit"); a rollback drops them.

SQLite calls run inline on the event loop (`_InlineSqlite`) rather than on aiosqlite's
thread per connection: a statement on a local file takes tens of microseconds, while the
hand-off to the thread and back (and the GIL between them) cost more than that and,
with the loop busy, kept each write transaction, and the write lock, open for
milliseconds. The price: a slow statement (a scan of a large table) stalls every socket
for its duration, so hot queries must stay on indexes.

SQLite has one writer at a time. Write transactions of this process queue on an asyncio
lock before they take a pooled connection: waiting in SQLite's busy handler instead would
hold a connection each (the pool runs dry under load) and time out after a few seconds
("database is locked"). Other processes on the same file (the CLI) still meet the busy
timeout. A write transaction must therefore never open another one.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import aiosqlite
import structlog
from sqlalchemy import Table, event, make_url, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from dongne.kit import jsonx
from dongne.kit.background import stop_task

log = structlog.get_logger("dongne.db")

AfterCommit = Callable[[], Awaitable[None]]
S = TypeVar("S")

SQLITE_BUSY_TIMEOUT_MS = 5_000


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


class _InlineSqlite(aiosqlite.Connection):
    """aiosqlite's connection with every call made directly in the calling (loop) thread.

    The worker thread still opens and closes the sqlite3 connection (hence
    check_same_thread=False); everything in between runs inline.
    """

    async def _execute(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        if not self._running or not self._connection:
            raise ValueError("Connection closed")
        return fn(*args, **kwargs)


def _inline_sqlite_creator(url: str) -> Callable[[], Awaitable[aiosqlite.Connection]]:
    path = make_url(url).database or ":memory:"

    async def create() -> aiosqlite.Connection:
        connection = _InlineSqlite(
            lambda: sqlite3.connect(path, check_same_thread=False), iter_chunk_size=64
        )
        # Like SQLAlchemy's own aiosqlite connect: the thread must not keep the process up.
        connection._thread.daemon = True
        return await connection

    return create


def _prepare_sqlite(engine: AsyncEngine, checkpoints_elsewhere: Callable[[], bool]) -> None:
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
        if checkpoints_elsewhere():
            # The commit that crosses the WAL's size limit would otherwise copy it into
            # the database and sync both, on the event loop (tens of ms).
            cursor.execute("PRAGMA wal_autocheckpoint=0")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Connection) -> None:
        readonly = connection.get_execution_options().get("dongne_readonly", False)
        connection.exec_driver_sql("BEGIN" if readonly else "BEGIN IMMEDIATE")


class UnitOfWork:
    """A session in one transaction plus the actions that wait for its commit."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self._before_commit: list[AfterCommit] = []
        self._first: list[AfterCommit] = []
        self._after_commit: list[AfterCommit] = []
        self._on_end: list[Callable[[bool], None]] = []
        self._kept: list[object] = []

    def keep(self, entity: object) -> None:
        """Holds a loaded entity until the transaction ends. The session's identity map
        holds entities weakly, so without this a use case that reads the same row again
        (an answer's question, for the progress that follows) sends the query again."""
        self._kept.append(entity)

    def on_end(self, action: Callable[[bool], None]) -> None:
        """Runs synchronously when the transaction ends, with True if it committed: right
        after the commit (on SQLite still under the writer lock), before the after-commit
        actions, and on a rollback too."""
        self._on_end.append(action)

    def _ended(self, committed: bool) -> None:
        for action in self._on_end:
            action(committed)

    def before_commit(self, action: AfterCommit) -> None:
        """Runs in the transaction once its work is done, just before the commit: rows
        gathered along the way are written with one statement. Not on a rollback."""
        self._before_commit.append(action)

    async def _run_before_commit(self) -> None:
        for action in self._before_commit:
            await action()

    def after_commit(self, action: AfterCommit, *, first: bool = False) -> None:
        """`first`: before the actions queued without it (cache invalidations go before the
        emits, so that whoever hears of a change and reads again finds it)."""
        (self._first if first else self._after_commit).append(action)

    async def _run_after_commit(self) -> None:
        for action in (*self._first, *self._after_commit):
            await action()


@dataclass(frozen=True)
class PoolSize:
    """A server database's connection pool (SQLite runs without one); SQLAlchemy's
    defaults, which the settings `db_pool_*` start from."""

    size: int = 5
    overflow: int = 10
    timeout_s: float = 30.0


class Database:
    def __init__(self, url: str, *, echo: bool = False, pool: PoolSize = PoolSize()) -> None:
        self.url = url
        if is_sqlite(url):
            self.engine = create_async_engine(
                url,
                echo=echo,
                async_creator=_inline_sqlite_creator(url),
                json_serializer=jsonx.dumps,
            )
        else:
            self.engine = create_async_engine(
                url,
                echo=echo,
                pool_pre_ping=True,
                pool_size=pool.size,
                max_overflow=pool.overflow,
                pool_timeout=pool.timeout_s,
                json_serializer=jsonx.dumps,
            )
        self._checkpoints: asyncio.Task[None] | None = None
        if is_sqlite(url):
            _prepare_sqlite(self.engine, lambda: self._checkpoints is not None)
        self._sessions = async_sessionmaker(self.engine, expire_on_commit=False)
        self._readonly_sessions = async_sessionmaker(
            self.engine.execution_options(dongne_readonly=True), expire_on_commit=False
        )
        self._single_writer = is_sqlite(url)
        # Per event loop: an asyncio.Lock belongs to the loop it is first used in.
        self._write_locks: dict[asyncio.AbstractEventLoop, asyncio.Lock] = {}

    def _write_lock(self) -> asyncio.Lock:
        loop = asyncio.get_running_loop()
        lock = self._write_locks.get(loop)
        if lock is None:
            lock = self._write_locks[loop] = asyncio.Lock()
        return lock

    @asynccontextmanager
    async def transaction(self, *, readonly: bool = False) -> AsyncIterator[UnitOfWork]:
        """Commit when the block ends normally, roll back on an exception; then run after-commit."""
        factory = self._readonly_sessions if readonly else self._sessions
        async with contextlib.AsyncExitStack() as writer:
            if self._single_writer and not readonly:
                await writer.enter_async_context(self._write_lock())
            async with factory() as session:
                uow = UnitOfWork(session)
                try:
                    async with session.begin():
                        yield uow
                        await uow._run_before_commit()
                except BaseException:
                    uow._ended(committed=False)
                    raise
                uow._ended(committed=True)
        # After the lock is released: emits and follow-up work never hold up other writers.
        await uow._run_after_commit()

    async def ping(self, timeout_s: float = 2.0) -> bool:
        try:
            async with asyncio.timeout(timeout_s), self.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
        except Exception:  # noqa: BLE001 - any failure means "not ready"
            return False
        return True

    def start_checkpoints(self) -> None:
        """SQLite: WAL checkpoints in a worker thread, every second, instead of inside the
        commits on the event loop (connections opened from now on stop doing their own).

        A PASSIVE checkpoint copies what no reader still needs and never waits for a lock,
        so it holds up neither readers nor the writer.
        """
        if not self._single_writer or self._checkpoints is not None:
            return
        path = make_url(self.url).database
        if not path or path == ":memory:":
            return
        self._checkpoints = asyncio.create_task(_checkpoint_loop(path), name="sqlite-checkpoints")

    async def dispose(self) -> None:
        await stop_task(self._checkpoints)
        self._checkpoints = None
        await self.engine.dispose()


CHECKPOINT_EVERY_S = 1.0


def _checkpoint(path: str) -> None:
    connection = sqlite3.connect(path)
    try:
        connection.execute("PRAGMA wal_checkpoint(PASSIVE)")
    finally:
        connection.close()


async def _checkpoint_loop(path: str) -> None:
    while True:
        await asyncio.sleep(CHECKPOINT_EVERY_S)
        try:
            await asyncio.to_thread(_checkpoint, path)
        except sqlite3.Error as exc:
            log.warning("sqlite_checkpoint_failed", error=str(exc))


def core_table(model: type[Any]) -> Table:
    """A mapped class's table, for Core statements on hot paths (no ORM bookkeeping)."""
    table = model.__table__
    assert isinstance(table, Table)
    return table


def column_values(table: Table, entity: object) -> dict[str, Any]:
    """A new entity's row for a Core insert: every column, unset ones as NULL."""
    return {column.name: getattr(entity, column.name) for column in table.columns}


def dialect_insert(session: AsyncSession) -> Any:
    """The insert construct of the session's dialect, for ON CONFLICT clauses on both engines."""
    return _insert_of(session.get_bind().dialect.name)


def _insert_of(dialect_name: str) -> Any:
    return postgresql.insert if dialect_name == "postgresql" else sqlite.insert


class PerDialect(Generic[S]):
    """A statement on a hot path whose form depends on the dialect (ON CONFLICT), built
    once per dialect with bound parameters: building a statement and its cache key costs
    three to four times what running a prepared one does on SQLite."""

    def __init__(self, build: Callable[[Any], S]) -> None:
        self._build = build  # receives the dialect's insert construct
        self._built: dict[str, S] = {}

    def of(self, session: AsyncSession) -> S:
        name = session.get_bind().dialect.name
        built = self._built.get(name)
        if built is None:
            built = self._built[name] = self._build(_insert_of(name))
        return built
