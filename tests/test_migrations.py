"""Migrations build the whole schema on an empty SQLite and an empty PostgreSQL database."""

from __future__ import annotations

import asyncio
from pathlib import Path

from sqlalchemy import inspect
from sqlalchemy.ext.asyncio import create_async_engine

from dongne.models import Base
from dongne.models.migrations import alembic_config, upgrade
from tests.fixtures.databases import fresh_database


async def _tables(url: str) -> set[str]:
    engine = create_async_engine(url)
    async with engine.connect() as conn:
        names = await conn.run_sync(lambda sync: set(inspect(sync).get_table_names()))
    await engine.dispose()
    return names


async def test_upgrade_and_downgrade_an_empty_database(backend: str, tmp_path: Path) -> None:
    from alembic import command

    async with fresh_database(backend, tmp_path) as url:
        assert await _tables(url) == set()
        await asyncio.to_thread(upgrade, url)
        assert await _tables(url) == set(Base.metadata.tables) | {"alembic_version"}
        await asyncio.to_thread(command.downgrade, alembic_config(url), "base")
        assert await _tables(url) == {"alembic_version"}


async def test_migrations_match_the_models(backend: str, tmp_path: Path) -> None:
    from alembic import command

    async with fresh_database(backend, tmp_path) as url:
        await asyncio.to_thread(upgrade, url)
        # Raises when autogenerate would find a difference: a model changed without a migration.
        await asyncio.to_thread(command.check, alembic_config(url))
