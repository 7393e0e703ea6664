"""Browser tests: the real server with the built web client, driven in Debian's Chromium.

Playwright's Python package drives /usr/bin/chromium (never a downloaded browser). Without
Chromium these tests skip with the reason, except in CI, where they fail: CI installs it.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import shutil
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from dongne.users.schemas import Role
from tests.e2e.build import ensure_built
from tests.fixtures.databases import fresh_database
from tests.fixtures.server import RunningServer, serve, server_settings

CHROMIUM = Path(os.environ.get("DONGNE_E2E_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
ARTIFACTS = Path(__file__).parent / "artifacts"
PASSWORD = "jeju-e2e-1234"
PHONE = {"width": 360, "height": 740}

SEONGSAN = {"latitude": 33.45808, "longitude": 126.9415}
# A verified local about 600 m away (Seongsan harbour side).
NEAR_SEONGSAN = {"latitude": 33.4622, "longitude": 126.9364}


def missing_requirement() -> str | None:
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is not installed (apt-get install chromium fonts-noto-cjk)"
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "the playwright Python package is not installed (pip install -e '.[dev]')"
    if (
        shutil.which("npm") is None
        and not (
            Path(__file__).resolve().parents[2] / "src" / "dongne" / "static" / "index.html"
        ).is_file()
    ):
        return "npm is not installed and the web client is not built"
    return None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    reason = missing_requirement()
    if reason is None or os.environ.get("CI"):
        return  # in CI a missing browser is a failure (the fixtures say why), never a skip
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.skip(reason=f"browser tests: {reason}"))


@pytest.fixture(scope="session")
def web_build() -> Path:
    reason = missing_requirement()
    if reason is not None:
        pytest.fail(f"browser tests cannot run: {reason}")
    return ensure_built()


@pytest.fixture(scope="session")
async def web_server(
    web_build: Path, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[RunningServer]:
    folder = tmp_path_factory.mktemp("e2e-server")
    async with fresh_database("sqlite", folder) as url:
        from dongne.models.migrations import upgrade

        await asyncio.to_thread(upgrade, url)
        settings = server_settings(folder, url, rate_create_question="60/minute")
        async with serve(settings) as running:
            yield running


@pytest.fixture(scope="session")
async def browser(web_build: Path) -> AsyncIterator[Any]:
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        await chromium.close()


@dataclass
class Account:
    id: str
    email: str
    nickname: str
    password: str = PASSWORD


async def make_account(server: RunningServer, nickname: str, *, local: bool) -> Account:
    """A user made through the server's own services; a local is verified."""
    runtime = server.runtime
    email = f"e2e-{secrets.token_hex(4)}@example.com"
    async with runtime.db.transaction() as uow:
        user = await runtime.users.create(
            uow,
            email=email,
            password=PASSWORD,
            nickname=nickname,
            role=Role.LOCAL if local else Role.TRAVELER,
            local_verified=local,
        )
    return Account(user.id, email, nickname)


@pytest.fixture
def artifacts(request: pytest.FixtureRequest) -> Callable[[Any, str], Any]:
    """`await shot(page, "01-name")` saves tests/e2e/artifacts/<test>/01-name.png."""
    folder = ARTIFACTS / request.node.name
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)

    async def shot(page: Any, name: str) -> Path:
        path = folder / f"{name}.png"
        await page.screenshot(path=str(path))
        return path

    return shot


@pytest.fixture
async def new_phone(browser: Any) -> AsyncIterator[Callable[..., Any]]:
    """Opens a phone-sized browser context at a position; all closed after the test."""
    contexts: list[Any] = []

    async def open_context(
        base_url: str,
        where: dict[str, float],
        *,
        locale: str = "ko-KR",
        viewport: dict[str, int] = PHONE,
    ) -> Any:
        context = await browser.new_context(
            base_url=base_url,
            viewport=viewport,
            device_scale_factor=1,
            is_mobile=True,
            has_touch=True,
            locale=locale,
            timezone_id="Asia/Seoul",
            geolocation=where,
            permissions=["geolocation"],
        )
        # As on an offline machine: nothing beyond the test server (map tiles) can load,
        # and no request leaves the machine.
        await context.route("https://**", lambda route: route.abort())
        contexts.append(context)
        return context

    yield open_context
    for context in contexts:
        await context.close()
