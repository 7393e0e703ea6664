"""Issue [18] in a real browser: the whole journey in Korean, English, Simplified and
Traditional Chinese and Japanese (screenshots at 360 px), axe-core on every screen of both
apps at 360 and 1280 px, 44 px tap targets, text at 200 %, and ask/answer/accept by
keyboard alone with the focus kept after accepting."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

pytest.importorskip("playwright", reason="browser tests need the playwright package")

from playwright.async_api import Page, expect

from dongne.moderation.schemas import ReportCreate, ReportTarget
from dongne.questions.schemas import CreateAnswer
from dongne.users.applications import ApplyRequest
from dongne.users.schemas import Role
from tests.e2e.accessibility import (
    axe_violations,
    fits_at_double_text_size,
    korean_outside_brand,
    small_tap_targets,
    tab_to,
)
from tests.e2e.conftest import NEAR_SEONGSAN, PASSWORD, SEONGSAN, Account, make_account
from tests.e2e.test_conversation import wait_located
from tests.fixtures.clients import connect
from tests.fixtures.server import RunningServer

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 360, "height": 740}

# (browser locale, html lang, login heading, accepted badge)
LANGUAGES = [
    ("ko-KR", "ko", "로그인", "채택됨"),
    ("en-US", "en", "Log in", "Accepted"),
    ("zh-CN", "zh-CN", "登录", "已采纳"),
    ("zh-TW", "zh-TW", "登入", "已採納"),
    ("ja-JP", "ja", "ログイン", "ベストアンサー"),
]


async def log_in(page: Page, account: Account) -> None:
    await page.goto("/login")
    await page.locator("input[name=email]").fill(account.email)
    await page.locator("input[name=password]").fill(account.password)
    await page.get_by_test_id("auth-submit").click()
    await expect(page.get_by_test_id("tab-home")).to_be_visible()


async def focused_test_id(page: Page) -> str | None:
    return await page.evaluate("document.activeElement?.dataset.testid ?? null")  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    ("locale", "html_lang", "login", "accepted"), LANGUAGES, ids=[row[1] for row in LANGUAGES]
)
async def test_the_journey_in_each_language(
    web_server: RunningServer,
    new_phone: Any,
    artifacts: Any,
    locale: str,
    html_lang: str,
    login: str,
    accepted: str,
) -> None:
    traveler = await (await new_phone(web_server.url, SEONGSAN, locale=locale)).new_page()
    await traveler.goto("/")
    # Without an account the first screen is the landing page ([16]), in the browser's language.
    await expect(traveler.get_by_test_id("landing")).to_be_visible()
    await expect(traveler.locator("html")).to_have_attribute("lang", html_lang)
    await expect(traveler.get_by_test_id("lang-menu")).to_have_value(html_lang)
    if html_lang != "ko":
        # Answered questions listed there are people's own words, in any language.
        ignore = '[data-testid="landing-list"]'
        assert await korean_outside_brand(traveler, "동네물어봐", ignore=ignore) == []
    await axe_violations(traveler, f"{html_lang} landing")
    await artifacts(traveler, f"{html_lang}-00-landing")

    await traveler.get_by_test_id("landing-login").click()
    await expect(traveler).to_have_url(re.compile(r"/login$"))
    await expect(traveler.get_by_role("heading", level=1)).to_have_text(login)
    if html_lang != "ko":
        assert await korean_outside_brand(traveler, "동네물어봐") == []
    await axe_violations(traveler, f"{html_lang} login")
    await artifacts(traveler, f"{html_lang}-01-login")

    await traveler.locator('a[href="/signup"]').click()
    await traveler.locator("input[name=email]").fill(f"traveler-{html_lang.lower()}@example.com")
    await traveler.locator("input[name=password]").fill("jeju-e2e-1234")
    await traveler.locator("input[name=nickname]").fill(f"visitor-{html_lang}")
    await traveler.get_by_test_id("auth-submit").click()
    await expect(traveler.get_by_test_id("tab-home")).to_be_visible()
    await expect(traveler.get_by_test_id("conn-state")).to_have_attribute("data-state", "online")
    await artifacts(traveler, f"{html_lang}-02-home")

    await traveler.get_by_test_id("ask-cta").click()
    title = f"Seongsan ticket office open now? ({html_lang})"
    await traveler.locator("input[name=title]").fill(title)
    await traveler.locator("textarea[name=content]").fill("Arriving in 30 minutes with two kids.")
    await expect(traveler.get_by_test_id("position-status")).to_contain_text("33.45")
    await artifacts(traveler, f"{html_lang}-03-ask")
    await traveler.get_by_test_id("ask-submit").click()
    await expect(traveler.get_by_test_id("room-title")).to_have_text(title)
    question_path = "/q/" + traveler.url.rsplit("/", 1)[-1]

    local_account = await make_account(web_server, f"local-{html_lang}", local=True)
    local = await (await new_phone(web_server.url, NEAR_SEONGSAN, locale=locale)).new_page()
    await log_in(local, local_account)
    await local.goto(question_path)
    await expect(local.get_by_test_id("room-title")).to_have_text(title)
    await expect(local.get_by_test_id("conn-state")).to_have_attribute("data-state", "online")
    await local.get_by_test_id("answer-input").fill("Open until 17:00, the line is short.")
    await local.get_by_test_id("answer-send").click()
    await artifacts(local, f"{html_lang}-04-local-answers")

    answer = traveler.locator('[data-testid="message"][data-kind="answer"]')
    await expect(answer).to_contain_text("Open until 17:00")
    await expect(answer.get_by_test_id("trust")).not_to_be_empty()
    await answer.get_by_test_id("accept").click()
    await expect(answer.get_by_test_id("accepted-badge")).to_contain_text(accepted)
    assert await focused_test_id(traveler) == "accepted-badge"
    if html_lang != "ko":
        assert await korean_outside_brand(traveler, "동네물어봐") == []
    # The room with an answer, its trust line and the accepted badge.
    await axe_violations(traveler, f"{html_lang} room after accepting")
    await artifacts(traveler, f"{html_lang}-05-accepted")


async def _question_by(server: RunningServer, account: Account) -> str:
    async with httpx.AsyncClient(base_url=server.url) as http:
        login = await http.post(
            "/api/auth/login", json={"email": account.email, "password": PASSWORD}
        )
    client = await connect(server, login.json()["accessToken"])
    try:
        ack = await client.call(
            "create_question",
            {
                "title": "성산일출봉 매표소 지금 열려 있나요?",
                "content": "30분 뒤에 도착해요.",
                "location": SEONGSAN,
                "hashtags": ["성산"],
                "urgency": "normal",
            },
        )
        return str(ack["question"]["id"])
    finally:
        await client.close()


async def _admin(server: RunningServer, email: str = "a11y-ops@example.com") -> Account:
    runtime = server.runtime
    async with runtime.db.transaction() as uow:
        user = await runtime.users.create(
            uow, email=email, password=PASSWORD, nickname="운영", role=Role.ADMIN
        )
    return Account(user.id, email, "운영")


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["360px", "1280px"])
async def test_every_screen_passes_axe_with_44px_targets_and_double_text(
    web_server: RunningServer, new_phone: Any, artifacts: Any, viewport: dict[str, int]
) -> None:
    width = viewport["width"]
    traveler = await make_account(web_server, f"여행자{width}", local=False)
    local = await make_account(web_server, f"주민{width}", local=True)
    question_id = await _question_by(web_server, traveler)

    context = await new_phone(web_server.url, SEONGSAN, viewport=viewport)
    page = await context.new_page()
    for path, shown in (("/", "landing"), ("/login", "auth-submit"), ("/signup", "auth-submit")):
        await page.goto(path)
        await expect(page.get_by_test_id(shown)).to_be_visible()
        await axe_violations(page, f"{path} at {width}px")
        if width == 360:
            assert await small_tap_targets(page) == [], path
            await fits_at_double_text_size(page, width)

    await log_in(page, traveler)
    screens = [
        ("/", "nearby-list"),
        ("/ask", "ask-submit"),
        (f"/q/{question_id}", "room-title"),
        ("/notifications", None),
        ("/settings", "settings-save"),
        ("/profile", "profile-points"),
        (f"/u/{local.id}", "trust"),
    ]
    for path, ready in screens:
        await page.goto(path)
        if ready:
            await expect(page.get_by_test_id(ready).first).to_be_visible()
        await expect(page.get_by_role("heading", level=1).first).to_be_visible()
        await axe_violations(page, f"{path} at {width}px")
        if width == 360:
            assert await small_tap_targets(page) == [], path
            await fits_at_double_text_size(page, width)
    if width == 1280:
        # Two panes: the nearby questions beside the room.
        await page.goto(f"/q/{question_id}")
        await expect(page.get_by_test_id("side-pane")).to_be_visible()
        await expect(page.get_by_test_id("room-title")).to_be_visible()
        await artifacts(page, "two-pane-room-1280")
    else:
        await page.goto(f"/q/{question_id}")
        await expect(page.get_by_test_id("side-pane")).to_be_hidden()

    # The operators' dashboard, in its own app.
    admin_page = await (await new_phone(web_server.url, SEONGSAN, viewport=viewport)).new_page()
    await admin_page.goto("/admin")
    await expect(admin_page.locator("input[type=email]")).to_be_visible()
    await axe_violations(admin_page, f"/admin login at {width}px")
    admin = (
        await _admin(web_server) if width == 360 else Account("", "a11y-ops@example.com", "운영")
    )
    await admin_page.locator("input[type=email]").fill(admin.email)
    await admin_page.locator("input[type=password]").fill(admin.password)
    await admin_page.locator("button[type=submit]").click()
    await expect(admin_page.get_by_test_id("link-state")).to_have_attribute("data-state", "online")
    await axe_violations(admin_page, f"/admin dashboard at {width}px")


async def _checked(page: Page, where: str, width: int) -> None:
    """axe, and at 360 px the tap targets and text at 200 %, on the page as it is now."""
    await axe_violations(page, f"{where} at {width}px")
    if width == 360:
        small = await small_tap_targets(page)
        assert small == [], f"{where}: {small}"
        await fits_at_double_text_size(page, width)


async def _applicant_and_report(server: RunningServer, local: Account, question_id: str) -> None:
    """One pending local application and one open report, for the operators' queues."""
    runtime = server.runtime
    applicant = await make_account(server, "신청자", local=False)
    async with runtime.db.transaction() as uow:
        await runtime.local_applications.apply(
            uow,
            applicant.id,
            ApplyRequest(statement="애월에서 10년째 살면서 카페를 하고 있어요."),
        )
        await runtime.safety.report(
            uow,
            local.id,
            ReportCreate(
                target_type=ReportTarget.QUESTION, target_id=question_id, reason="광고 같아요"
            ),
        )


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["360px", "1280px"])
async def test_the_phone_journey_screens_pass_axe_too(
    web_server: RunningServer, new_phone: Any, artifacts: Any, viewport: dict[str, int]
) -> None:
    """The screens issue [16] added: password reset, 404 and unknown question, the local
    application and its pending state, the local's kept questions, the room as a local (the
    claim button, the report menu open) and as the asker with an archive suggestion, and the
    operators' application and report queues with an item each."""
    width = viewport["width"]
    phone = await new_phone(web_server.url, SEONGSAN, viewport=viewport)
    page = await phone.new_page()
    for path, ready in (
        ("/forgot", "forgot-email"),
        ("/reset?token=a-token-from-the-mail", "reset-password"),
        ("/no-such-page", "not-found"),
    ):
        await page.goto(path)
        await expect(page.get_by_test_id(ready)).to_be_visible()
        await _checked(page, path, width)

    # A verified local nearby, online, is asked about a traveler's new question.
    local = await make_account(web_server, f"현지{width}", local=True)
    local_page = await (
        await new_phone(web_server.url, NEAR_SEONGSAN, viewport=viewport)
    ).new_page()
    await log_in(local_page, local)
    await expect(local_page.get_by_test_id("conn-state")).to_have_attribute("data-state", "online")
    await wait_located(web_server, local.id)
    traveler = await make_account(web_server, f"길손{width}", local=False)
    question_id = await _question_by(web_server, traveler)
    await local_page.goto("/notifications")
    await expect(local_page.get_by_test_id("asked-item").first).to_be_visible(timeout=30_000)
    await _checked(local_page, "/notifications with a kept question", width)
    await local_page.goto(f"/q/{question_id}")
    await expect(local_page.get_by_test_id("claim")).to_be_visible()
    await artifacts(local_page, f"room-as-local-{width}")
    await _checked(local_page, "room as a local", width)
    await local_page.get_by_test_id("message-menu").first.locator("summary").click()
    await expect(local_page.get_by_test_id("report-send").first).to_be_visible()
    await _checked(local_page, "room with the report menu open", width)
    await local_page.goto("/q/no-such-question")
    await expect(local_page.get_by_test_id("question-not-found")).to_be_visible()
    await _checked(local_page, "unknown question", width)

    # The asker: an earlier answered question is suggested in the room after posting.
    async with web_server.runtime.db.transaction() as uow:
        await web_server.runtime.questions.answer(
            uow, local.id, CreateAnswer(question_id=question_id, content="네, 6시까지 열려 있어요.")
        )
    await web_server.runtime.similar.ready()
    await log_in(page, traveler)
    await page.get_by_test_id("ask-cta").click()
    await page.get_by_label("제목").fill("성산일출봉 매표소 지금도 열려 있어요?")
    await page.get_by_label("내용").fill("곧 도착해요.")
    await page.get_by_test_id("ask-submit").click()
    await expect(page.get_by_test_id("room-suggestion")).to_be_visible(timeout=60_000)
    await expect(page.get_by_test_id("edit-question")).to_be_visible()
    await _checked(page, "room as the asker with a suggestion", width)
    await page.goto("/profile")
    await page.get_by_test_id("apply-statement").fill("성산에서 태어나 지금도 살고 있어요.")
    await page.get_by_test_id("apply-submit").click()
    await expect(page.get_by_test_id("apply-status")).to_be_visible()
    await _checked(page, "/profile with a pending application", width)

    await _applicant_and_report(web_server, local, question_id)
    admin_page = await (await new_phone(web_server.url, SEONGSAN, viewport=viewport)).new_page()
    await admin_page.goto("/admin")
    admin = await _admin(web_server, f"a11y-queues-{width}@example.com")
    await admin_page.locator("input[type=email]").fill(admin.email)
    await admin_page.locator("input[type=password]").fill(admin.password)
    await admin_page.locator("button[type=submit]").click()
    await expect(admin_page.get_by_test_id("application-row").first).to_be_visible()
    await expect(admin_page.get_by_test_id("report-row").first).to_be_visible()
    await _checked(admin_page, "/admin with applications and reports", width)
    if width == 360:
        await artifacts(admin_page, "admin-queues-360")


async def test_ask_answer_accept_by_keyboard_alone(
    web_server: RunningServer, new_phone: Any, artifacts: Any
) -> None:
    traveler_account = await make_account(web_server, "키보드여행자", local=False)
    local_account = await make_account(web_server, "키보드주민", local=True)

    async def keyboard_log_in(page: Page, account: Account) -> None:
        await page.goto("/login")
        await tab_to(page, "input[name=email]")
        await page.keyboard.type(account.email)
        await tab_to(page, "input[name=password]")
        await page.keyboard.type(account.password)
        await page.keyboard.press("Enter")
        await expect(page.get_by_test_id("tab-home")).to_be_visible()

    traveler = await (await new_phone(web_server.url, SEONGSAN)).new_page()
    await keyboard_log_in(traveler, traveler_account)
    await tab_to(traveler, '[data-testid="tab-ask"]')
    await traveler.keyboard.press("Enter")
    await expect(traveler.locator("input[name=title]")).to_be_visible()
    await tab_to(traveler, "input[name=title]")
    await traveler.keyboard.type("키보드로 묻기: 우도 배 지금 뜨나요?")
    await tab_to(traveler, "textarea[name=content]")
    await traveler.keyboard.type("성산항에서 기다리고 있어요.")
    await expect(traveler.get_by_test_id("position-status")).to_contain_text("33.45")
    await tab_to(traveler, '[data-testid="ask-submit"]')
    await traveler.keyboard.press("Enter")
    await expect(traveler.get_by_test_id("room-title")).to_contain_text("키보드로 묻기")
    question_path = "/q/" + traveler.url.rsplit("/", 1)[-1]

    local = await (await new_phone(web_server.url, NEAR_SEONGSAN)).new_page()
    await keyboard_log_in(local, local_account)
    await local.goto(question_path)
    await expect(local.get_by_test_id("room-title")).to_contain_text("키보드로 묻기")
    await expect(local.get_by_test_id("conn-state")).to_have_attribute("data-state", "online")
    await tab_to(local, '[data-testid="answer-input"]')
    await local.keyboard.type("지금 30분마다 떠요.")
    await tab_to(local, '[data-testid="answer-send"]')
    await local.keyboard.press("Enter")

    answer = traveler.locator('[data-testid="message"][data-kind="answer"]')
    await expect(answer).to_contain_text("30분마다")
    await tab_to(traveler, '[data-testid="accept"]')
    await traveler.keyboard.press("Enter")
    await expect(answer.get_by_test_id("accepted-badge")).to_be_visible()
    # The pressed button is gone; the focus is on what it did, not on <body>.
    assert await focused_test_id(traveler) == "accepted-badge"
    await artifacts(traveler, "keyboard-accepted")
