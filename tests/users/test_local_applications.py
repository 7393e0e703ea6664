"""A way in for locals (issue [16] item 9): apply with a statement; the admin queue holds
only applicants, with the product's own record of them; approve or decline with a reason;
the applicant is notified."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from dongne.kit.clock import ManualClock
from dongne.users.schemas import Role
from tests.escalation.test_waves import SEONGSAN, offset
from tests.fixtures.clients import PASSWORD, Api, connect
from tests.fixtures.jeju import question_payload
from tests.fixtures.people import admin_headers
from tests.fixtures.server import migrated_server
from tests.media.test_uploads_http import jpeg_with_gps

APPLY = "/api/me/local-application"
QUEUE = "/api/admin/local-applications"
DAY = 24 * 3600.0
SEOUL_CITY_HALL = (37.5663, 126.9779)
STATEMENT = "성산에서 12년째 살고 있어요. 민박을 하고 있어서 동네 길과 가게를 잘 알아요."


async def test_apply_then_approved_and_notified(api: Api) -> None:
    applicant = await api.register("성산민박")
    bystander = await api.register("그냥여행자")
    me = {"Authorization": f"Bearer {applicant.access_token}"}
    admin = await admin_headers(api.server)

    assert (await api.http.get(APPLY, headers=me)).json() == {"application": None}
    short = await api.http.post(APPLY, headers=me, json={"statement": "제주"})
    assert short.status_code == 422
    applied = await api.http.post(APPLY, headers=me, json={"statement": STATEMENT})
    assert applied.status_code == 201, applied.text
    application = applied.json()
    assert application["status"] == "pending"
    again = await api.http.post(APPLY, headers=me, json={"statement": STATEMENT})
    assert again.status_code == 409

    # Only applicants are in the queue, with their statement and record.
    queue = (await api.http.get(QUEUE, headers=admin)).json()["applications"]
    ours = [a for a in queue if a["userId"] == applicant.id]
    assert [a["statement"] for a in ours] == [STATEMENT]
    assert ours[0]["recentAnswers"] == 0
    assert all(a["userId"] != bystander.id for a in queue)
    refused = await api.http.get(QUEUE, headers=me)
    assert refused.status_code == 403

    decided = await api.http.post(
        f"{QUEUE}/{application['id']}/decide", headers=admin, json={"approve": True}
    )
    assert decided.status_code == 200, decided.text
    assert decided.json()["status"] == "approved"
    assert (await api.http.get("/api/me", headers=me)).json()["isLocalVerified"] is True
    history = (await api.http.get("/api/notifications", headers=me)).json()["notifications"]
    assert history[0]["type"] == "local_verified"
    twice = await api.http.post(
        f"{QUEUE}/{application['id']}/decide", headers=admin, json={"approve": False}
    )
    assert twice.status_code == 409
    verified_again = await api.http.post(APPLY, headers=me, json={"statement": STATEMENT})
    assert verified_again.status_code == 409


async def test_declined_with_a_reason(api: Api) -> None:
    applicant = await api.register("애월손님")
    me = {"Authorization": f"Bearer {applicant.access_token}"}
    admin = await admin_headers(api.server)
    statement = {"statement": "애월에 자주 놀러 와서 잘 알아요."}
    application = (await api.http.post(APPLY, headers=me, json=statement)).json()
    decided = await api.http.post(
        f"{QUEUE}/{application['id']}/decide",
        headers=admin,
        json={"approve": False, "reason": "여행으로 자주 오신 것만으로는 어려워요."},
    )
    assert decided.json()["status"] == "declined"
    assert decided.json()["declineReason"] == "여행으로 자주 오신 것만으로는 어려워요."
    assert (await api.http.get("/api/me", headers=me)).json()["isLocalVerified"] is False
    note = (await api.http.get("/api/notifications", headers=me)).json()["notifications"][0]
    assert note["type"] == "local_declined"
    assert note["message"] == "여행으로 자주 오신 것만으로는 어려워요."
    # They may apply again.
    again = await api.http.post(APPLY, headers=me, json={"statement": STATEMENT})
    assert again.status_code == 201


@pytest.fixture
async def clocked_api(backend: str, tmp_path: Path) -> AsyncIterator[tuple[Api, ManualClock]]:
    """A server of its own on a clock the test moves, and an HTTP client to it."""
    clock = ManualClock()
    async with migrated_server(backend, tmp_path, clock=clock) as server:
        api = Api(server)
        try:
            yield api, clock
        finally:
            await api.close()


async def fresh_token(api: Api, email: str) -> str:
    """Days pass on the server's clock: each visit logs in anew, as the app would."""
    login = await api.http.post("/api/auth/login", json={"email": email, "password": PASSWORD})
    token = login.json()["accessToken"]
    assert isinstance(token, str)
    return token


async def fresh_login(api: Api, email: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {await fresh_token(api, email)}"}


async def app_on(api: Api, email: str, lat: float, lng: float) -> None:
    """The person's app opens at (lat, lng) and the position is written."""
    socket = await connect(api.server, await fresh_token(api, email))
    try:
        ack = await socket.call("update_location", {"lat": lat, "lng": lng})
        assert ack["ok"] is True, ack
        await api.server.runtime.live_positions.flush()
    finally:
        await socket.close()


async def test_presence_on_the_island_is_attested_on_several_days(
    clocked_api: tuple[Api, ManualClock],
) -> None:
    api, clock = clocked_api
    applicant = await api.register("한달살기")

    async def seen_at(lat: float, lng: float) -> None:
        await app_on(api, applicant.email, lat, lng)

    async def application() -> dict[str, object]:
        me = await fresh_login(api, applicant.email)
        mine = (await api.http.get(APPLY, headers=me)).json()["application"]
        if mine is None:
            applied = await api.http.post(APPLY, headers=me, json={"statement": STATEMENT})
            assert applied.status_code == 201, applied.text
            mine = applied.json()
        assert isinstance(mine, dict)
        return mine

    await seen_at(*offset(SEONGSAN))
    await seen_at(*offset(SEONGSAN, 800))  # the same day: still one day
    clock.advance(DAY)
    await seen_at(*SEOUL_CITY_HALL)  # a day in Seoul is not a day on Jeju
    clock.advance(DAY)
    await seen_at(*offset(SEONGSAN))
    first = await application()
    assert (first["islandDays"], first["presenceAttested"]) == (2, False)

    clock.advance(DAY)
    await seen_at(*offset(SEONGSAN, 0, -2000))
    again = await application()
    assert (again["islandDays"], again["presenceAttested"]) == (3, True)
    queue = (await api.http.get(QUEUE, headers=await admin_headers(api.server))).json()
    [row] = [a for a in queue["applications"] if a["userId"] == applicant.id]
    assert (row["islandDays"], row["presenceAttested"]) == (3, True)

    # Days older than the evidence window no longer count.
    clock.advance(90 * DAY)
    later = await application()
    assert (later["islandDays"], later["presenceAttested"]) == (1, False)


async def test_a_verification_lapses_after_180_days_without_a_sign_of_the_island(
    clocked_api: tuple[Api, ManualClock],
) -> None:
    api, clock = clocked_api
    server = api.server
    runtime = server.runtime
    locals_ = {}
    async with runtime.db.transaction() as uow:
        for nickname in ("떠난주민", "사는주민", "답하는주민"):
            user = await runtime.users.create(
                uow,
                email=f"{secrets.token_hex(4)}@example.com",
                password=PASSWORD,
                nickname=nickname,
                role=Role.LOCAL,
                local_verified=True,
            )
            locals_[nickname] = (user.id, user.email)
    traveler = await api.register("여행자")

    clock.advance(100 * DAY)
    await app_on(api, locals_["사는주민"][1], *offset(SEONGSAN))
    asker = await connect(server, await fresh_token(api, traveler.email))
    answerer = await connect(server, await fresh_token(api, locals_["답하는주민"][1]))
    try:
        asked = await asker.call("create_question", question_payload())
        answered = await answerer.call(
            "create_answer",
            {"questionId": asked["question"]["id"], "content": "지금 매표소 열려 있어요."},
        )
        assert answered["ok"] is True, answered
    finally:
        await asker.close()
        await answerer.close()

    # 181 days after verification: only the one with no sign of Jeju lapses.
    clock.advance(81 * DAY)
    async with runtime.db.transaction() as uow:
        assert await runtime.local_applications.lapse_absent_locals(uow) == 1
    async with runtime.db.transaction(readonly=True) as uow:
        states = {
            name: (
                (u := await runtime.users.get(uow, user_id)).is_local_verified,
                u.role,
            )
            for name, (user_id, _) in locals_.items()
        }
    assert states == {
        "떠난주민": (False, "traveler"),
        "사는주민": (True, "local"),
        "답하는주민": (True, "local"),
    }
    async with runtime.db.transaction() as uow:
        assert await runtime.local_applications.lapse_absent_locals(uow) == 0

    # The lapsed local is told, and may apply again.
    me = await fresh_login(api, locals_["떠난주민"][1])
    history = (await api.http.get("/api/notifications", headers=me)).json()
    assert history["notifications"][0]["type"] == "local_lapsed"
    assert "180일" in history["notifications"][0]["message"]
    again = await api.http.post(APPLY, headers=me, json={"statement": STATEMENT})
    assert again.status_code == 201, again.text


async def test_a_document_photo_is_private_to_operators_and_gone_once_decided(api: Api) -> None:
    applicant = await api.register("서류주민")
    me = api.auth(applicant)
    admin = await admin_headers(api.server)
    document = f"{APPLY}/document"
    private = api.server.runtime.settings.data_dir / "private"

    def stored() -> list[str]:
        return sorted(p.name for p in private.rglob("*") if p.is_file())

    def photo() -> dict[str, tuple[str, bytes, str]]:
        return {"file": ("lease.jpg", jpeg_with_gps(), "image/jpeg")}

    before = stored()
    no_application = await api.http.put(document, headers=me, files=photo())
    assert no_application.status_code == 404
    application = (await api.http.post(APPLY, headers=me, json={"statement": STATEMENT})).json()
    assert application["hasDocument"] is False
    not_an_image = await api.http.put(
        document, headers=me, files={"file": ("lease.jpg", b"plain text" * 20, "image/jpeg")}
    )
    assert not_an_image.status_code == 422
    assert stored() == before

    added = await api.http.put(document, headers=me, files=photo())
    assert added.status_code == 200, added.text
    assert added.json()["hasDocument"] is True
    replaced = await api.http.put(document, headers=me, files=photo())
    assert replaced.status_code == 200
    [kept] = sorted(set(stored()) - set(before))  # the second replaced the first
    assert not list((api.server.runtime.settings.data_dir / "media").rglob(kept))

    url = f"{QUEUE}/{application['id']}/document"
    assert (await api.http.get(url, headers=me)).status_code == 403
    assert (await api.http.get(url)).status_code == 401
    seen = await api.http.get(url, headers=admin)
    assert seen.status_code == 200
    assert seen.headers["content-type"] == "image/jpeg"
    assert seen.headers["cache-control"] == "private, no-store"
    assert b"Exif" not in seen.content  # cleaned like every upload: no GPS

    decided = await api.http.post(
        f"{QUEUE}/{application['id']}/decide", headers=admin, json={"approve": True}
    )
    assert decided.json()["hasDocument"] is False
    assert stored() == before
    assert (await api.http.get(url, headers=admin)).status_code == 404
