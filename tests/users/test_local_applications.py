"""A way in for locals (issue [16] item 9): apply with a statement; the admin queue holds
only applicants, with the product's own record of them; approve or decline with a reason;
the applicant is notified."""

from __future__ import annotations

import secrets
from pathlib import Path

from dongne.kit.clock import ManualClock
from dongne.users.schemas import Role
from tests.escalation.test_waves import SEONGSAN, offset
from tests.fixtures.clients import PASSWORD, Api, connect
from tests.fixtures.server import migrated_server

APPLY = "/api/me/local-application"
QUEUE = "/api/admin/local-applications"
DAY = 24 * 3600.0
SEOUL_CITY_HALL = (37.5663, 126.9779)
STATEMENT = "성산에서 12년째 살고 있어요. 민박을 하고 있어서 동네 길과 가게를 잘 알아요."


async def admin_headers(api: Api) -> dict[str, str]:
    email = f"ops-{secrets.token_hex(4)}@example.com"
    async with api.server.runtime.db.transaction() as uow:
        await api.server.runtime.users.create(
            uow, email=email, password=PASSWORD, nickname="운영", role=Role.ADMIN
        )
    login = await api.http.post("/api/auth/login", json={"email": email, "password": PASSWORD})
    return {"Authorization": f"Bearer {login.json()['accessToken']}"}


async def test_apply_then_approved_and_notified(api: Api) -> None:
    applicant = await api.register("성산민박")
    bystander = await api.register("그냥여행자")
    me = {"Authorization": f"Bearer {applicant.access_token}"}
    admin = await admin_headers(api)

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
    admin = await admin_headers(api)
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


async def test_presence_on_the_island_is_attested_on_several_days(
    backend: str, tmp_path: Path
) -> None:
    clock = ManualClock()
    async with migrated_server(backend, tmp_path, clock=clock) as server:
        api = Api(server)
        applicant = await api.register("한달살기")
        live = server.runtime.live_positions

        async def fresh_token() -> str:
            # Days pass on the server's clock: each visit logs in anew, as the app would.
            login = await api.http.post(
                "/api/auth/login", json={"email": applicant.email, "password": PASSWORD}
            )
            token = login.json()["accessToken"]
            assert isinstance(token, str)
            return token

        async def seen_at(lat: float, lng: float) -> None:
            socket = await connect(server, await fresh_token())
            try:
                ack = await socket.call("update_location", {"lat": lat, "lng": lng})
                assert ack["ok"] is True, ack
                await live.flush()
            finally:
                await socket.close()

        async def application() -> dict[str, object]:
            me = {"Authorization": f"Bearer {await fresh_token()}"}
            mine = (await api.http.get(APPLY, headers=me)).json()["application"]
            if mine is None:
                applied = await api.http.post(APPLY, headers=me, json={"statement": STATEMENT})
                assert applied.status_code == 201, applied.text
                mine = applied.json()
            assert isinstance(mine, dict)
            return mine

        try:
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
            queue = (await api.http.get(QUEUE, headers=await admin_headers(api))).json()
            [row] = [a for a in queue["applications"] if a["userId"] == applicant.id]
            assert (row["islandDays"], row["presenceAttested"]) == (3, True)

            # Days older than the evidence window no longer count.
            clock.advance(90 * DAY)
            later = await application()
            assert (later["islandDays"], later["presenceAttested"]) == (1, False)
        finally:
            await api.close()
