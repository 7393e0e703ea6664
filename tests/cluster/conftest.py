"""Cluster tests: two `dongne serve` processes, their own Redis, PostgreSQL and nginx.

They skip with the reason when PostgreSQL, redis-server or nginx is missing, and fail
instead where `CI` is set (`.ci/run` installs and starts all three). `-m "not cluster"`
leaves them out.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.cluster.harness import Cluster, running_cluster


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "cluster: two server processes with Redis, PostgreSQL and nginx"
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if {"cluster", "shared_cluster"} & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.cluster)


@pytest.fixture
async def cluster(tmp_path: Path) -> AsyncIterator[Cluster]:
    """A cluster of the test's own, for tests that stop a node or Redis."""
    async with running_cluster(tmp_path) as running:
        yield running


@pytest.fixture(scope="module")
async def shared_cluster(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Cluster]:
    """One cluster for a module's tests that leave it as they found it."""
    async with running_cluster(tmp_path_factory.mktemp("cluster")) as running:
        yield running
