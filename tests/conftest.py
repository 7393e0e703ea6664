"""Shared fixtures: one real server per storage backend for the session, and real clients."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.fixtures.clients import Api
from tests.fixtures.databases import BACKENDS, POSTGRES_ENV, REDIS_ENV, postgres_base_url
from tests.fixtures.server import RunningServer, migrated_server
from tests.fixtures.services import (
    ThrowawayServices,
    apt_command,
    missing_binaries,
    start_missing_services,
)

_services: ThrowawayServices | None = None
# Skip reasons that mean "a service is missing", not "skipped by design".
SERVICE_SKIP_MARKS = (POSTGRES_ENV, REDIS_ENV, "redis-server", "nginx", "PostgreSQL")
SERVICE_ENV = {"PostgreSQL": POSTGRES_ENV, "Redis": REDIS_ENV}


def pytest_configure(config: pytest.Config) -> None:
    # Before any test module is imported: modules read the URLs at import time.
    global _services
    _services = start_missing_services()
    # CI must test both storage backends; a missing URL there is an error, not a skip.
    if os.environ.get("CI") and not postgres_base_url():
        raise pytest.UsageError(f"CI is set but {POSTGRES_ENV} is not")


def pytest_unconfigure(config: pytest.Config) -> None:
    global _services
    if _services is not None:
        _services.stop()
        _services = None


def pytest_report_header(config: pytest.Config) -> list[str]:
    if _services is None or not _services.started:
        return []
    return ["throwaway services: " + ", ".join(f"{k}={v}" for k, v in _services.started.items())]


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """One loud line when tests skipped for want of PostgreSQL, Redis or nginx."""
    binaries = missing_binaries()
    missing = {
        name: binaries.get(name, "not started: DONGNE_TEST_SERVICES=none")
        for name, env in SERVICE_ENV.items()
        if not os.environ.get(env)
    }
    if "nginx" in binaries:
        missing["nginx"] = binaries["nginx"] + " not found"
    if _services is not None:
        missing.update(_services.missing)
    if not missing:
        return
    skipped = 0
    for report in terminalreporter.stats.get("skipped", []):
        reason = str(report.longrepr[-1]) if isinstance(report.longrepr, tuple) else ""
        skipped += any(mark in reason for mark in SERVICE_SKIP_MARKS)
    if not skipped:
        return
    names = sorted(missing)
    terminalreporter.write_line(
        f"NOT THE FULL SUITE: {skipped} tests skipped for want of {', '.join(names)} "
        f"({'; '.join(f'{k}: {v}' for k, v in sorted(missing.items()))})"
        f" — fix: {apt_command(names)}",
        red=True,
        bold=True,
    )


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
