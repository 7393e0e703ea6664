"""Issue [9] acceptance in a real browser: an admin opens /admin, sees a question asked over
Socket.IO appear in the waiting list, and its slow-response alert once it passes 10 minutes
(the server's injected clock moves; the job that checks runs by hand). An area that turned
hot before the page opened is listed at once, and an admin's profile links to the page. A
non-admin is told the page is for admins only, and their profile has no such link."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

pytest.importorskip("playwright", reason="browser tests need the playwright package")

from playwright.async_api import Page, expect

from dongne.kit.clock import ManualClock
from dongne.kit.rooms import ADMIN_ROOM
from dongne.kit.schema import WireModel
from dongne.models.migrations import upgrade
from dongne.users.schemas import Role
from tests.e2e.conftest import PASSWORD, Account, make_account
from tests.e2e.test_escaping import token_of
from tests.fixtures.clients import connect
from tests.fixtures.databases import fresh_database
from tests.fixtures.hotspots import ask, watch
from tests.fixtures.jeju import place, question_payload
from tests.fixtures.server import RunningServer, serve, server_settings

expect.set_options(timeout=10_000)

DESKTOP = {"width": 1280, "height": 1000}
TITLE = "성산일출봉 주차장 지금 자리 있나요?"


class AreaUpdate(WireModel):
    """`hotspot_update` as PROTOCOL.md describes it (the regions service sends it for real)."""

    kind: str
    code: str
    name: str
    questions_last15m: int
    online_locals: int
    online_travelers: int
    hot: bool


@pytest.fixture
async def clocked_server(
    web_build: Path, tmp_path: Path
) -> AsyncIterator[tuple[RunningServer, ManualClock]]:
    """A server of its own whose clock the test moves; due jobs run when the test says."""
    clock = ManualClock()
    async with fresh_database("sqlite", tmp_path) as url:
        await asyncio.to_thread(upgrade, url)
        async with serve(server_settings(tmp_path, url, run_jobs=False), clock) as running:
            yield running, clock


@pytest.fixture
async def desktop(browser: Any) -> AsyncIterator[Any]:
    """Opens desktop-sized browser contexts (operators sit at a desk); closed after the test."""
    contexts: list[Any] = []

    async def open_context(base_url: str) -> Any:
        context = await browser.new_context(
            base_url=base_url, viewport=DESKTOP, locale="ko-KR", timezone_id="Asia/Seoul"
        )
        await context.route("https://**", lambda route: route.abort())
        contexts.append(context)
        return context

    yield open_context
    for context in contexts:
        await context.close()


async def make_admin(server: RunningServer) -> Account:
    runtime = server.runtime
    email = f"ops-{secrets.token_hex(4)}@example.com"
    async with runtime.db.transaction() as uow:
        user = await runtime.users.create(
            uow, email=email, password=PASSWORD, nickname="운영자", role=Role.ADMIN
        )
    return Account(user.id, email, "운영자")


async def log_in_to_dashboard(page: Page, account: Account) -> None:
    await page.goto("/admin")
    await page.get_by_label("이메일").fill(account.email)
    await page.get_by_label("비밀번호").fill(account.password)
    await page.get_by_role("button", name="로그인").click()


async def test_admin_sees_a_waiting_question_and_its_slow_alert(
    clocked_server: tuple[RunningServer, ManualClock], desktop: Any, artifacts: Any
) -> None:
    server, clock = clocked_server
    admin = await make_admin(server)
    traveler = await make_account(server, "제주여행자", local=False)
    context = await desktop(server.url)
    page = await context.new_page()
    await log_in_to_dashboard(page, admin)
    await expect(page.get_by_test_id("link-state")).to_have_attribute("data-state", "online")
    await expect(page.get_by_test_id("waiting-list")).to_contain_text(
        "답변을 기다리는 질문이 없어요"
    )
    # Every region has a row, also those without questions.
    token = await token_of(server, admin)
    async with httpx.AsyncClient(base_url=server.url) as http:
        stats = await http.get("/api/admin/stats", headers={"Authorization": f"Bearer {token}"})
    regions = stats.json()["regions"]
    await expect(page.locator('[data-testid="region-table"] tbody tr')).to_have_count(len(regions))

    asker = await connect(server, await token_of(server, traveler))
    try:
        created = await asker.call(
            "create_question", question_payload(title=TITLE, urgency="urgent")
        )
        question_id = created["question"]["id"]
        await server.runtime.jobs.run_due()  # the first wave

        # The next metrics-update (every second) lists it.
        row = page.locator(f'[data-testid="waiting-row"][data-question-id="{question_id}"]')
        await expect(row).to_contain_text(TITLE)
        await expect(row).to_contain_text("성산")
        await expect(row).to_contain_text("긴급")
        seongsan = page.locator('[data-testid="region-table"] tr[data-key="seongsan"]')
        await expect(seongsan.locator("td").first).to_have_text("1")
        await expect(page.get_by_test_id("live-users")).not_to_have_text("0")
        assert await page.get_by_test_id("alert").count() == 0

        clock.advance(9 * 60 + 59)
        await server.runtime.jobs.run_due()
        await expect(row).to_contain_text("9분 59초")
        assert await page.get_by_test_id("alert").count() == 0

        clock.advance(1)
        await server.runtime.jobs.run_due()
        alert = page.locator('[data-testid="alert"][data-kind="slow"]')
        await expect(alert).to_have_count(1)
        await expect(alert).to_contain_text("성산의 질문이 10분째 답변이 없어요")
        await expect(alert.get_by_role("link")).to_have_attribute("href", f"/q/{question_id}")
        await expect(row).to_contain_text("10분 0초")

        # Hot areas, as the regions service announces them.
        await server.runtime.events.publish_now(
            "hotspot_update",
            AreaUpdate(
                kind="hotspot",
                code="seongsan-ilchulbong",
                name="성산일출봉",
                questions_last15m=6,
                online_locals=1,
                online_travelers=40,
                hot=True,
            ),
            room=ADMIN_ROOM,
        )
        hot = page.get_by_test_id("hot-area")
        await expect(hot).to_contain_text("성산일출봉")
        await expect(hot).to_have_attribute("data-hot", "true")
        await artifacts(page, "01-waiting-question-and-slow-alert")

        # Longer windows come from the stats endpoint.
        async with page.expect_response(lambda r: "/api/admin/stats?window=7d" in r.url) as info:
            await page.get_by_test_id("window-7d").check()
        assert (await (await info.value).json())["overall"]["questions"] == 1
        overall = page.locator('[data-testid="summary-table"] tr[data-key="overall"] td')
        await expect(overall.first).to_have_text("1")
    finally:
        await asker.close()


async def test_an_area_hot_before_the_page_opens_is_listed_and_the_profile_links_there(
    clocked_server: tuple[RunningServer, ManualClock], desktop: Any, artifacts: Any
) -> None:
    server, _ = clocked_server
    for n in range(5):
        await ask(server, place("seongsan_ilchulbong"), n)
    assert await watch(server) == 2  # the hotspot and its region; nobody watches yet
    admin = await make_admin(server)
    page = await (await desktop(server.url)).new_page()
    await log_in_to_dashboard(page, admin)

    # Read from GET /api/hotspots: only hotspots, and only the hot ones.
    hot = page.get_by_test_id("hot-area")
    await expect(hot).to_have_count(1)
    await expect(hot).to_contain_text("성산일출봉")
    await expect(hot).to_have_attribute("data-hot", "true")
    await expect(hot.locator("td").nth(1)).to_have_text("5")
    await artifacts(page, "01-hot-before-opening")

    # The client's profile leads an admin back here.
    await page.goto("/profile")
    await page.get_by_role("link", name="관리자 대시보드").click()
    await expect(page).to_have_url(f"{server.url}/admin")
    await expect(page.get_by_test_id("hot-area")).to_contain_text("성산일출봉")


async def test_admin_verifies_an_applicant_and_blocks_an_address(
    clocked_server: tuple[RunningServer, ManualClock], desktop: Any, artifacts: Any
) -> None:
    server, _ = clocked_server
    admin = await make_admin(server)
    applicant = await make_account(server, "한림주민", local=False)
    traveler = await make_account(server, "그냥여행자", local=False)
    async with httpx.AsyncClient(base_url=server.url) as http:
        applied = await http.post(
            "/api/me/local-application",
            headers={"Authorization": f"Bearer {await token_of(server, applicant)}"},
            json={"statement": "한림에서 태어나 30년째 살고 있어요."},
        )
    assert applied.status_code == 201, applied.text
    page = await (await desktop(server.url)).new_page()
    await log_in_to_dashboard(page, admin)

    # Only applicants are queued: a traveler who did not apply is not.
    row = page.locator(f'[data-testid="application-row"][data-user-id="{applicant.id}"]')
    await expect(row).to_contain_text("30년째")
    await expect(page.get_by_test_id("application-row")).to_have_count(1)
    await expect(page.locator(f'[data-user-id="{traveler.id}"]')).to_have_count(0)
    await row.get_by_role("button", name="승인").click()
    await expect(row).to_have_count(0)
    await expect(page.get_by_test_id("notice")).to_contain_text("한림주민님을 현지인으로")
    async with server.runtime.db.transaction(readonly=True) as uow:
        assert (await server.runtime.users.get(uow, applicant.id)).is_local_verified

    await page.get_by_label("주소 또는 대역").fill("203.0.113.0/24")
    await page.get_by_label("사유").fill("스팸 봇")
    await page.get_by_role("button", name="차단", exact=True).click()
    block = page.get_by_test_id("ip-block")
    await expect(block).to_contain_text("203.0.113.0/24")
    await expect(block).to_contain_text("스팸 봇")
    assert await server.runtime.blocklist.is_blocked("203.0.113.9")
    await artifacts(page, "01-verified-and-blocked")

    await block.get_by_role("button", name="해제").click()
    await expect(block).to_have_count(0)
    assert not await server.runtime.blocklist.is_blocked("203.0.113.9")


async def test_a_non_admin_is_told_the_dashboard_is_for_admins(
    web_server: RunningServer, desktop: Any, artifacts: Any
) -> None:
    traveler = await make_account(web_server, "궁금한여행자", local=False)
    page = await (await desktop(web_server.url)).new_page()
    await log_in_to_dashboard(page, traveler)
    refusal = page.get_by_test_id("admins-only")
    await expect(refusal).to_contain_text("관리자만 볼 수 있어요")
    await expect(refusal).to_contain_text("궁금한여행자")
    await expect(page.get_by_test_id("waiting-list")).to_have_count(0)
    await artifacts(page, "01-admins-only")
    await page.get_by_role("button", name="English").click()
    await expect(refusal).to_contain_text("Admins only")
    # The client's profile offers no way there.
    await page.goto("/profile")
    await expect(page.get_by_test_id("profile-points")).to_be_visible()
    await expect(page.get_by_test_id("logout")).to_be_visible()
    assert await page.get_by_test_id("admin-link").count() == 0
    # Nor does a token that is not an admin's open the figures.
    token = await token_of(web_server, traveler)
    async with httpx.AsyncClient(base_url=web_server.url) as http:
        refused = await http.get(
            "/api/admin/questions/waiting", headers={"Authorization": f"Bearer {token}"}
        )
    assert refused.status_code == 403
