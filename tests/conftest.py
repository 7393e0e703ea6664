"""Shared fixtures: one real server per storage backend for the session, and real clients."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.fixtures.clients import Api
from tests.fixtures.databases import BACKENDS, POSTGRES_ENV, postgres_base_url
from tests.fixtures.server import RunningServer, migrated_server


def pytest_configure(config: pytest.Config) -> None:
    # CI must test both storage backends; a missing URL there is an error, not a skip.
    if os.environ.get("CI") and not postgres_base_url():
        raise pytest.UsageError(f"CI is set but {POSTGRES_ENV} is not")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Missing PostgreSQL is a loud skip locally; in CI (.ci/run sets the URL) nothing skips.
    for item in items:
        callspec = getattr(item, "callspec", None)
        if callspec and callspec.params.get("backend") == "postgres" and not postgres_base_url():
            item.add_marker(pytest.mark.skip(reason=f"{POSTGRES_ENV} is not set"))


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="session")
async def server(
    backend: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[RunningServer]:
    if backend == "postgres" and not postgres_base_url():
        pytest.skip(f"{POSTGRES_ENV} is not set")
    folder: Path = tmp_path_factory.mktemp(f"server-{backend}")
    async with migrated_server(backend, folder) as running:
        yield running


@pytest.fixture
async def api(server: RunningServer) -> AsyncIterator[Api]:
    client = Api(server)
    yield client
    await client.close()
