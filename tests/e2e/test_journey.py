"""Issue [16] acceptance in a 360 px Chromium: a missed question is kept under 알림 with a
badge; the map centres on a GPS fix that comes while Leaflet is still loading; `/ask`
opened directly uses GPS; unknown paths and questions end on a real 404 page."""

from __future__ import annotations

import asyncio
import base64
from typing import Any

import pytest

pytest.importorskip("playwright", reason="browser tests need the playwright package")
from playwright.async_api import Page, Route, expect

from tests.e2e.conftest import NEAR_SEONGSAN, SEONGSAN, Account, make_account
from tests.e2e.test_conversation import assert_fits_phone, log_in, wait_located, wait_online
from tests.fixtures.clients import SocketClient, connect
from tests.fixtures.server import RunningServer
from tests.media.test_uploads_http import jpeg_with_gps

expect.set_options(timeout=10_000)

# A 1×1 PNG standing in for OpenStreetMap tiles (nothing leaves the machine).
TILE = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)
# Hands the page's watchPosition callbacks to the test: `window.__fix(lat, lng)` is a GPS fix.
FAKE_GPS = """
window.__watchers = [];
navigator.geolocation.watchPosition = (ok) => {
  window.__watchers.push(ok);
  return window.__watchers.length;
};
navigator.geolocation.clearWatch = () => {};
window.__fix = (lat, lng) => window.__watchers.forEach((ok) =>
  ok({ coords: { latitude: lat, longitude: lng, accuracy: 12 }, timestamp: Date.now() }));
"""


async def socket_for(server: RunningServer, account: Account) -> SocketClient:
    async with server.runtime.db.transaction() as uow:
        session = await server.runtime.users.login(
            uow, email=account.email, password=account.password
        )
    return await connect(server, session.tokens.access_token)


async def ask_as(server: RunningServer, account: Account, title: str, content: str) -> str:
    """A question asked at Seongsan from a socket of `account` (not a page); its id."""
    asker = await socket_for(server, account)
    try:
        ack = await asker.call(
            "create_question",
            {
                "title": title,
                "content": content,
                "location": {"lat": SEONGSAN["latitude"], "lng": SEONGSAN["longitude"]},
            },
        )
    finally:
        await asker.close()
    assert ack["ok"], ack
    return str(ack["question"]["id"])


async def test_a_missed_question_is_kept_under_alerts_with_a_badge(
    web_server: RunningServer, new_phone: Any, artifacts: Any
) -> None:
    local_account = await make_account(web_server, "놓친질문주민", local=True)
    traveler = await socket_for(web_server, await make_account(web_server, "여행자A", local=False))
    local = await (await new_phone(web_server.url, NEAR_SEONGSAN)).new_page()
    try:
        await log_in(local, local_account)
        await wait_online(local)
        await wait_located(web_server, local_account.id)
        ack = await traveler.call(
            "create_question",
            {
                "title": "성산 근처 조용한 카페 있나요?",
                "content": "아이랑 쉬어 갈 곳을 찾아요.",
                "location": {"lat": SEONGSAN["latitude"], "lng": SEONGSAN["longitude"]},
                "hashtags": ["카페"],
            },
        )
        assert ack["ok"], ack
        banner = local.get_by_test_id("banner-question")
        await expect(banner).to_contain_text("성산 근처 조용한 카페 있나요?")
        # A normal question's card no longer vanishes on its own …
        await local.wait_for_timeout(1_000)
        assert (
            await local.evaluate(
                "document.querySelectorAll('[data-testid=banner-question]').length"
            )
            == 1
        )
        # … the local dismisses it, and the question is still there under 알림, with a badge.
        await banner.get_by_role("button", name="닫기").click()
        await expect(banner).to_have_count(0)
        await expect(local.get_by_test_id("notification-count")).to_have_text("1")
        await artifacts(local, "01-badge")
        await local.get_by_test_id("tab-notifications").click()
        item = local.get_by_test_id("asked-item")
        await expect(item).to_have_count(1)
        await expect(item).to_contain_text("성산 근처 조용한 카페 있나요?")
        await expect(item).to_contain_text("거리")
        await expect(item).to_have_attribute("data-state", "open")
        await assert_fits_phone(local)
        await artifacts(local, "02-questions-for-you")
        # Kept across a reload; opening it clears the badge.
        await local.reload()
        await expect(local.get_by_test_id("asked-item")).to_have_count(1)
        await local.get_by_test_id("asked-item").click()
        await expect(local.get_by_test_id("room-title")).to_have_text(
            "성산 근처 조용한 카페 있나요?"
        )
        await expect(local.get_by_test_id("notification-count")).to_have_count(0)
    finally:
        await traveler.close()


async def test_the_map_centres_on_a_fix_that_comes_while_leaflet_loads(
    web_server: RunningServer, new_phone: Any, artifacts: Any
) -> None:
    account = await make_account(web_server, "지도여행자", local=False)
    context = await new_phone(web_server.url, SEONGSAN)
    await context.add_init_script(FAKE_GPS)
    await context.route(
        "https://tile.openstreetmap.org/**",
        lambda route: route.fulfill(status=200, content_type="image/png", body=TILE),
    )
    page = await context.new_page()
    # Leaflet's chunk is held back until the fix has come: the window where setView was lost.
    release = asyncio.Event()

    async def hold(route: Route) -> None:
        await release.wait()
        await route.continue_()

    await page.route("**/assets/leaflet-src-*.js", hold)
    await log_in(page, account)
    map_el = page.get_by_test_id("map")
    await expect(map_el).to_be_attached()
    assert await page.locator(".leaflet-container").count() == 0  # still loading
    await page.evaluate(f"window.__fix({SEONGSAN['latitude']}, {SEONGSAN['longitude']})")
    await expect(page.get_by_test_id("location")).not_to_contain_text("확인하는 중")
    release.set()
    await expect(page.locator(".leaflet-container")).to_have_count(1)
    await expect(map_el).to_have_attribute("data-center", "33.4581,126.9415")
    await artifacts(page, "01-centred")


async def test_ask_opened_directly_uses_gps(
    web_server: RunningServer, new_phone: Any, artifacts: Any
) -> None:
    account = await make_account(web_server, "바로질문", local=False)
    context = await new_phone(web_server.url, SEONGSAN)
    # Headless Chromium reports notifications as denied; a fresh phone has not been asked yet.
    await context.add_init_script(
        "Object.defineProperty(Notification, 'permission', { get: () => 'default' });"
    )
    page = await context.new_page()
    await log_in(page, account)
    await page.goto("/ask")  # a reload or a shared link: no position known yet
    await expect(page.get_by_test_id("pos-gps")).to_be_checked()
    await page.get_by_label("제목").fill("성산항 주차장 자리 있나요?")
    await page.get_by_label("내용").fill("지금 가면 주차할 수 있을까요?")
    await artifacts(page, "01-ask-gps")
    await page.get_by_test_id("ask-submit").click()
    await expect(page.get_by_test_id("room-title")).to_have_text("성산항 주차장 자리 있나요?")
    # Right after posting, the moment to offer push.
    await expect(page.get_by_test_id("push-offer")).to_contain_text("답변이 오면 알려 드릴까요?")
    await artifacts(page, "02-push-offer")
    await page.get_by_test_id("push-offer-no").click()
    await expect(page.get_by_test_id("push-offer")).to_have_count(0)
    question_id = page.url.rsplit("/", 1)[-1]
    async with web_server.runtime.db.transaction(readonly=True) as uow:
        question = await web_server.runtime.questions.get(uow, question_id)
    assert abs(question.lat - SEONGSAN["latitude"]) < 1e-4
    assert abs(question.lng - SEONGSAN["longitude"]) < 1e-4


async def test_ask_without_gps_permission_says_so_at_once(
    web_server: RunningServer, browser: Any, artifacts: Any
) -> None:
    account = await make_account(web_server, "위치거부", local=False)
    context = await browser.new_context(
        base_url=web_server.url, viewport={"width": 360, "height": 740}, locale="ko-KR"
    )
    await context.route("https://**", lambda route: route.abort())
    try:
        page = await context.new_page()
        await log_in(page, account)
        await page.goto("/ask")
        await expect(page.get_by_test_id("position-status")).to_contain_text("위치 권한이 없어요")
        await expect(page.get_by_test_id("pos-hotspot")).to_be_checked()
        await artifacts(page, "01-ask-no-gps")
    finally:
        await context.close()


async def test_unknown_paths_and_questions_end_on_a_404_page(
    web_server: RunningServer, new_phone: Any, artifacts: Any
) -> None:
    account = await make_account(web_server, "길잃은여행자", local=False)
    page: Page = await (await new_phone(web_server.url, SEONGSAN)).new_page()
    await log_in(page, account)
    response = await page.goto("/no/such/page")
    assert response is not None
    assert response.status == 404
    await expect(page.get_by_test_id("not-found")).to_be_visible()
    await expect(page.get_by_role("heading", level=1)).to_have_text("페이지를 찾을 수 없어요")
    await artifacts(page, "01-404-page")
    await page.goto("/q/01zzzzzzzzzzzzzzzzzzzzzzzz")
    await expect(page.get_by_test_id("question-not-found")).to_be_visible()
    await expect(page.get_by_role("heading", level=1)).to_have_text("질문을 찾을 수 없어요")
    await assert_fits_phone(page)
    await artifacts(page, "02-unknown-question")


async def test_presence_while_a_local_types_and_the_askers_follow_up_seen_live(
    web_server: RunningServer, new_phone: Any, artifacts: Any
) -> None:
    traveler_account = await make_account(web_server, "덧붙임여행자", local=False)
    local_account = await make_account(web_server, "방문주민", local=True)
    question_id = await ask_as(
        web_server, traveler_account, "섭지코지 지금 바람 세요?", "유모차 끌고 가도 될까요?"
    )
    traveler = await (await new_phone(web_server.url, SEONGSAN)).new_page()
    local = await (await new_phone(web_server.url, NEAR_SEONGSAN)).new_page()
    await log_in(traveler, traveler_account)
    await traveler.goto(f"/q/{question_id}")
    await expect(traveler.get_by_test_id("room-title")).to_have_text("섭지코지 지금 바람 세요?")
    await wait_online(traveler)
    people = traveler.get_by_test_id("room-people")
    await expect(people).to_have_text("참여자 1명 · 1명 접속 중")

    # The local opens the room: the traveler's header counts them before they post …
    await log_in(local, local_account)
    await local.goto(f"/q/{question_id}")
    await expect(local.get_by_test_id("room-title")).to_have_text("섭지코지 지금 바람 세요?")
    await expect(people).to_have_text("참여자 2명 · 2명 접속 중")
    # … and while they type.
    await local.get_by_test_id("answer-input").press_sequentially("바람이 좀", delay=30)
    await expect(traveler.get_by_test_id("typing")).to_contain_text("방문주민")
    await expect(people).to_have_text("참여자 2명 · 2명 접속 중")
    await artifacts(traveler, "01-presence-while-typing")

    # The asker writes in their own room; the local sees it at once, not as an answer.
    await traveler.get_by_test_id("answer-input").fill("아이가 4살이에요. 괜찮을까요?")
    await traveler.get_by_test_id("answer-send").click()
    follow_up = local.locator('[data-kind="follow_up"]')
    await expect(follow_up).to_contain_text("아이가 4살이에요. 괜찮을까요?")
    await expect(follow_up.get_by_test_id("accept")).to_have_count(0)
    await expect(traveler.locator('[data-kind="follow_up"] [data-testid="accept"]')).to_have_count(
        0
    )
    await assert_fits_phone(local)
    await artifacts(local, "02-local-sees-follow-up")
    await artifacts(traveler, "03-asker-room")

    # Before any answer the asker can still edit; closing stops answers in the local's room.
    await traveler.get_by_test_id("edit-question").click()
    await traveler.get_by_test_id("edit-title").fill("섭지코지 지금 바람 많이 세요?")
    await traveler.get_by_test_id("edit-save").click()
    await expect(local.get_by_test_id("room-title")).to_have_text("섭지코지 지금 바람 많이 세요?")
    traveler.once("dialog", lambda dialog: asyncio.ensure_future(dialog.accept()))
    await traveler.get_by_test_id("close-question").click()
    await expect(local.get_by_test_id("composer")).to_be_hidden()
    await expect(local.get_by_test_id("room-notice")).to_contain_text("질문한 분이 닫은 질문이에요")
    await expect(traveler.get_by_test_id("close-question")).to_be_hidden()
    await artifacts(local, "04-closed")


async def test_a_report_filed_in_the_room_is_seen_in_the_admin_queue(
    web_server: RunningServer, new_phone: Any, artifacts: Any
) -> None:
    from tests.e2e.test_admin_dashboard import log_in_to_dashboard, make_admin

    traveler_account = await make_account(web_server, "광고여행자", local=False)
    local_account = await make_account(web_server, "신고주민", local=True)
    question_id = await ask_as(
        web_server, traveler_account, "싸게 렌터카 빌려 드려요 연락 주세요", "010-0000-0000"
    )
    local = await (await new_phone(web_server.url, NEAR_SEONGSAN)).new_page()
    await log_in(local, local_account)
    await local.goto(f"/q/{question_id}")
    menu = local.locator('[data-kind="question"]').get_by_test_id("message-menu")
    await menu.locator("summary").click()
    await menu.get_by_test_id("report-reason").select_option("reportSpam")
    await menu.get_by_test_id("report-send").click()
    await expect(menu.get_by_test_id("report-status")).to_have_text(
        "신고했어요. 운영자가 확인할게요."
    )
    await assert_fits_phone(local)
    await artifacts(local, "01-reported")

    admin = await make_admin(web_server)
    page = await (await new_phone(web_server.url, SEONGSAN)).new_page()
    await log_in_to_dashboard(page, admin)
    row = page.get_by_test_id("report-row").filter(has_text="스팸·광고")
    await expect(row.first).to_be_visible()
    await expect(row.first.get_by_role("link")).to_have_attribute("href", f"/q/{question_id}")
    assert await page.locator(f'[data-testid="report-row"]:has(a[href="/q/{question_id}"])').count()
    await row.first.scroll_into_view_if_needed()
    await artifacts(page, "02-reports-queue")
    # One tap closes the reported question; the report leaves the queue.
    await row.first.get_by_role("button", name="질문 닫기").click()
    reported = f'[data-testid="report-row"]:has(a[href="/q/{question_id}"])'
    await expect(page.locator(reported)).to_have_count(0)
    async with web_server.runtime.db.transaction(readonly=True) as uow:
        assert (await web_server.runtime.questions.get(uow, question_id)).status == "closed"


async def test_a_reported_answer_hidden_by_an_operator_leaves_the_askers_open_room(
    web_server: RunningServer, new_phone: Any, artifacts: Any
) -> None:
    from tests.e2e.test_admin_dashboard import log_in_to_dashboard, make_admin

    asker_account = await make_account(web_server, "우도가는여행자", local=False)
    spammer = await socket_for(
        web_server, await make_account(web_server, "광고하는주민", local=True)
    )
    question_id = await ask_as(web_server, asker_account, "우도 배 지금 떠요?", "성산항이에요")
    try:
        spam = await spammer.call(
            "create_answer", {"questionId": question_id, "content": "렌터카 반값 010-1234-5678"}
        )
        assert spam["ok"] is True, spam
    finally:
        await spammer.close()
    answer_id = spam["answer"]["id"]
    asker = await (await new_phone(web_server.url, NEAR_SEONGSAN)).new_page()
    await log_in(asker, asker_account)
    await asker.goto(f"/q/{question_id}")
    message = asker.locator(f'[data-message-id="{answer_id}"]')
    await expect(message).to_contain_text("렌터카 반값")
    menu = message.get_by_test_id("message-menu")
    await menu.locator("summary").click()
    await menu.get_by_test_id("report-send").click()
    await expect(menu.get_by_test_id("report-status")).to_have_text(
        "신고했어요. 운영자가 확인할게요."
    )

    admin = await make_admin(web_server)
    page = await (await new_phone(web_server.url, SEONGSAN)).new_page()
    await log_in_to_dashboard(page, admin)
    row = page.get_by_test_id("report-row").filter(has_text="렌터카 반값")
    await expect(row.get_by_test_id("report-excerpt")).to_have_text("렌터카 반값 010-1234-5678")
    await expect(row.get_by_role("link")).to_have_attribute("href", f"/q/{question_id}")
    await row.scroll_into_view_if_needed()
    await artifacts(page, "01-answer-report-in-queue")
    await row.get_by_role("button", name="답변 가리기").click()
    await expect(row).to_have_count(0)

    # The asker's open room drops the text at once; nothing left to accept or report.
    await expect(message.get_by_test_id("hidden-answer")).to_have_text(
        "신고를 확인한 운영자가 가린 답변이에요."
    )
    await expect(message).not_to_contain_text("렌터카")
    await expect(message.get_by_test_id("accept")).to_have_count(0)
    await expect(message.get_by_test_id("message-menu")).to_have_count(0)
    await assert_fits_phone(asker)
    await artifacts(asker, "02-answer-hidden-in-room")
    await asker.reload()
    await expect(message.get_by_test_id("hidden-answer")).to_be_visible()
    await expect(message).not_to_contain_text("렌터카")


async def test_a_person_reported_and_blocked_from_their_profile_reaches_the_queue(
    web_server: RunningServer, new_phone: Any, artifacts: Any
) -> None:
    from tests.e2e.test_admin_dashboard import log_in_to_dashboard, make_admin

    rude = await make_account(web_server, "무례한주민", local=True)
    traveler_account = await make_account(web_server, "불쾌한여행자", local=False)
    traveler = await (await new_phone(web_server.url, NEAR_SEONGSAN)).new_page()
    await log_in(traveler, traveler_account)
    # One's own profile has nothing to report.
    await traveler.goto(f"/u/{traveler_account.id}")
    await expect(traveler.get_by_test_id("trust")).to_be_visible()
    await expect(traveler.get_by_test_id("message-menu")).to_have_count(0)

    await traveler.goto(f"/u/{rude.id}")
    menu = traveler.get_by_test_id("public-profile").get_by_test_id("message-menu")
    await menu.locator("summary").click()
    await menu.get_by_test_id("report-reason").select_option("reportAbuse")
    await menu.get_by_test_id("report-send").click()
    await expect(menu.get_by_test_id("report-status")).to_have_text(
        "신고했어요. 운영자가 확인할게요."
    )
    traveler.once("dialog", lambda dialog: asyncio.ensure_future(dialog.accept()))
    await menu.get_by_test_id("block-user").click()
    await expect(menu.get_by_test_id("report-status")).to_contain_text("무례한주민")
    async with web_server.runtime.db.transaction(readonly=True) as uow:
        blocked = await web_server.runtime.safety.blocked_by(uow, traveler_account.id)
    assert blocked.user_ids == [rude.id]
    await assert_fits_phone(traveler)
    await artifacts(traveler, "01-profile-reported-and-blocked")

    admin = await make_admin(web_server)
    page = await (await new_phone(web_server.url, SEONGSAN)).new_page()
    await log_in_to_dashboard(page, admin)
    row = page.locator(f'[data-testid="report-row"]:has(a[href="/u/{rude.id}"])')
    await expect(row).to_contain_text("사용자")
    await expect(row).to_contain_text("욕설·혐오")
    await row.scroll_into_view_if_needed()
    await artifacts(page, "02-person-in-reports-queue")
    await row.get_by_role("button", name="문제없음").click()
    await expect(row).to_have_count(0)


async def test_the_landing_page_without_login(
    web_server: RunningServer, new_phone: Any, artifacts: Any
) -> None:
    traveler = await make_account(web_server, "랜딩질문자", local=False)
    question_id = await ask_as(web_server, traveler, "성산 일출 몇 시예요?", "내일 보러 가요")
    local = await socket_for(web_server, await make_account(web_server, "일출주민", local=True))
    try:
        ack = await local.call(
            "create_answer", {"questionId": question_id, "content": "7시 10분쯤이에요."}
        )
        assert ack["ok"], ack
    finally:
        await local.close()
    page = await (await new_phone(web_server.url, SEONGSAN)).new_page()
    await page.goto("/")
    await expect(page.get_by_test_id("landing")).to_be_visible()
    await expect(page.get_by_role("heading", level=1)).to_have_text(
        "제주 현지인에게 지금 바로 물어보세요"
    )
    card = page.get_by_test_id("landing-question").filter(has_text="성산 일출 몇 시예요?")
    await expect(card).to_contain_text("7시 10분쯤이에요.")
    await expect(page.get_by_test_id("tab-home")).to_be_hidden()  # no account, no tabs
    await assert_fits_phone(page)
    await artifacts(page, "01-landing")
    await page.get_by_test_id("landing-signup").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("회원가입")


async def test_a_newly_verified_local_is_offered_push(
    web_server: RunningServer, new_phone: Any, artifacts: Any
) -> None:
    account = await make_account(web_server, "새내기주민", local=False)
    context = await new_phone(web_server.url, NEAR_SEONGSAN)
    await context.add_init_script(
        "Object.defineProperty(Notification, 'permission', { get: () => 'default' });"
    )
    page = await context.new_page()
    await log_in(page, account)
    await wait_online(page)
    await expect(page.get_by_test_id("push-offer")).to_have_count(0)
    async with web_server.runtime.db.transaction() as uow:
        await web_server.runtime.users.verify_local(uow, account.id)
    await page.reload()  # the profile is re-read on start
    await expect(page.get_by_test_id("push-offer")).to_contain_text("현지인 인증이 끝났어요")
    await artifacts(page, "01-verified-push-offer")


async def test_a_local_application_approved_in_the_dashboard_notifies_the_applicant(
    web_server: RunningServer, new_phone: Any, artifacts: Any
) -> None:
    from tests.e2e.test_admin_dashboard import log_in_to_dashboard, make_admin

    account = await make_account(web_server, "성산민박주인", local=False)
    page = await (await new_phone(web_server.url, NEAR_SEONGSAN)).new_page()
    await log_in(page, account)
    await wait_online(page)
    # The phone's position on Jeju today is the presence evidence the operator sees.
    await wait_located(web_server, account.id)
    await web_server.runtime.live_positions.flush()
    await page.get_by_test_id("tab-profile").click()
    await page.get_by_test_id("apply-statement").fill(
        "성산에서 12년째 민박을 하고 있어요. 동네 길과 가게를 잘 알아요."
    )
    await page.get_by_test_id("apply-document").set_input_files(
        {"name": "lease.jpg", "mimeType": "image/jpeg", "buffer": jpeg_with_gps()}
    )
    await page.get_by_test_id("apply-submit").click()
    await expect(page.get_by_test_id("apply-status")).to_contain_text("신청과 서류 사진을 받았어요")
    await assert_fits_phone(page)
    await artifacts(page, "01-applied")

    admin = await make_admin(web_server)
    dashboard = await (await new_phone(web_server.url, SEONGSAN)).new_page()
    await log_in_to_dashboard(dashboard, admin)
    row = dashboard.locator(f'[data-testid="application-row"][data-user-id="{account.id}"]')
    await expect(row).to_contain_text("12년째 민박")
    await expect(row.get_by_test_id("island-days")).to_have_text("제주에서 앱 위치 확인 1일")
    # The document photo has no public URL: the dashboard fetches it with the admin's token.
    await row.get_by_role("button", name="서류 사진 보기").click()
    shown = row.get_by_role("img", name="성산민박주인님이 낸 서류 사진")
    await expect(shown).to_be_visible()
    assert await shown.evaluate("img => img.naturalWidth") == 64
    await row.scroll_into_view_if_needed()
    await artifacts(dashboard, "02-application-queue")
    await row.get_by_role("button", name="승인").click()
    await expect(row).to_have_count(0)
    async with web_server.runtime.db.transaction(readonly=True) as uow:
        decided = await web_server.runtime.local_applications.mine(uow, account.id)
    assert decided.application is not None
    assert decided.application.has_document is False  # deleted once decided

    # The applicant hears it at once, and it stays in 알림.
    await expect(page.get_by_test_id("banner-info")).to_contain_text("현지인 인증이 끝났어요")
    await artifacts(page, "03-applicant-notified")
    await page.get_by_test_id("tab-notifications").click()
    await expect(page.get_by_test_id("notification-item").first).to_contain_text(
        "현지인 인증이 끝났어요"
    )


async def test_forgot_password_asks_for_a_link_and_a_bad_link_says_so(
    web_server: RunningServer, new_phone: Any, artifacts: Any
) -> None:
    account = await make_account(web_server, "비번잊음", local=False)
    page = await (await new_phone(web_server.url, SEONGSAN)).new_page()
    await page.goto("/login")
    await page.get_by_test_id("to-forgot").click()
    await page.get_by_test_id("forgot-email").fill(account.email)
    await page.get_by_test_id("forgot-submit").click()
    await expect(page.get_by_test_id("forgot-status")).to_contain_text("재설정 링크를 메일로")
    await assert_fits_phone(page)
    await artifacts(page, "01-forgot")
    await page.goto("/reset?token=" + "x" * 43)
    await page.get_by_test_id("reset-password").fill("new-jeju-pass-1")
    await page.get_by_test_id("reset-submit").click()
    await expect(page.get_by_test_id("form-error")).to_have_text(
        "링크가 만료되었거나 이미 쓰였어요. 다시 요청해 주세요"
    )
    await artifacts(page, "02-bad-link")
