"""The PostgreSQL pool follows the settings: its size, overflow and how long a request waits."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from dongne.kit.clock import SystemClock
from dongne.kit.events import DiscardingSink
from dongne.runtime import build_runtime
from tests.fixtures.databases import POSTGRES_ENV, fresh_database, postgres_base_url
from tests.fixtures.server import server_settings

needs_postgres = pytest.mark.skipif(not postgres_base_url(), reason=f"{POSTGRES_ENV} not set")


@needs_postgres
async def test_a_request_past_the_configured_pool_waits_its_timeout_then_fails(
    tmp_path: Path,
) -> None:
    async with fresh_database("postgres", tmp_path) as url:
        settings = server_settings(
            tmp_path, url, db_pool_size=2, db_pool_overflow=0, db_pool_timeout_s=0.2
        )
        runtime = build_runtime(settings, SystemClock(), DiscardingSink())
        db = runtime.db
        try:
            async with db.transaction() as first, db.transaction() as second:
                for uow in (first, second):
                    await uow.session.execute(select(1))
                # SQLAlchemy's default pool (5 + 10) would have a third connection.
                with pytest.raises(PoolTimeoutError):
                    async with db.transaction() as third:
                        await third.session.execute(select(1))
            async with db.transaction() as again:
                assert (await again.session.execute(select(1))).scalar_one() == 1
        finally:
            await runtime.close()
