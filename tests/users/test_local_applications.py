"""A way in for locals (issue [16] item 9): apply with a statement; the admin queue holds
only applicants, with the product's own record of them; approve or decline with a reason;
the applicant is notified."""

from __future__ import annotations

import secrets

from dongne.users.schemas import Role
from tests.fixtures.clients import PASSWORD, Api

APPLY = "/api/me/local-application"
QUEUE = "/api/admin/local-applications"
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
