"""Blocking a user silences them for the blocker; reports reach the admins."""

from __future__ import annotations

from dongne.users.schemas import Role
from tests.escalation.test_waves import SEONGSAN, offset
from tests.fixtures.clients import PASSWORD, Api, connect
from tests.fixtures.jeju import question_payload
from tests.fixtures.people import go_online, make_person


async def test_a_blocked_users_answers_do_not_reach_the_blocker(api: Api) -> None:
    asker, pest, friend = await api.register(), await api.register(), await api.register()
    blocked = await api.http.post("/api/blocks", json={"userId": pest.id}, headers=api.auth(asker))
    assert blocked.status_code == 204
    listed = await api.http.get("/api/blocks", headers=api.auth(asker))
    assert listed.json()["userIds"] == [pest.id]
    a = await connect(api.server, asker.access_token)
    p = await connect(api.server, pest.access_token)
    f = await connect(api.server, friend.access_token)
    try:
        qid = (await a.call("create_question", question_payload()))["question"]["id"]
        assert (await p.call("create_answer", {"questionId": qid, "content": "광고 아님"}))["ok"]
        assert (await f.call("create_answer", {"questionId": qid, "content": "도움말"}))["ok"]
        # The friend's answer arrives; the blocked one's never came before it.
        assert (await a.next("answer_notification"))["answer"]["user"]["id"] == friend.id
        assert (await a.next("new_answer"))["answer"]["user"]["id"] == friend.id
        await a.call("sync_unread_messages", {})
        assert a.pending("answer_notification") == 0
        assert a.pending("new_answer") == 0
        unblocked = await api.http.delete(f"/api/blocks/{pest.id}", headers=api.auth(asker))
        assert unblocked.status_code == 204
        assert (await p.call("create_answer", {"questionId": qid, "content": "다시"}))["ok"]
        assert (await a.next("answer_notification"))["answer"]["user"]["id"] == pest.id
    finally:
        for client in (a, p, f):
            await client.close()


async def test_locals_who_blocked_the_asker_are_not_notified(api: Api) -> None:
    server = api.server
    asker = await make_person(server, "asker", local=False)
    sulky = await make_person(server, "sulky")
    await go_online(server, asker, *offset(SEONGSAN, 0, 55))
    await go_online(server, sulky, *offset(SEONGSAN, 300, 55))
    assert asker.socket is not None
    assert sulky.socket is not None
    try:
        headers = {"Authorization": f"Bearer {sulky.token}"}
        assert (
            await api.http.post("/api/blocks", json={"userId": asker.id}, headers=headers)
        ).status_code == 204
        created = await asker.socket.call("create_question", question_payload())
        await server.runtime.jobs.run_due()
        await sulky.socket.call("sync_unread_messages", {})
        # Waves of other tests' questions may reach sulky on this shared server; only this
        # question must stay silent.
        heard = {
            payload["question"]["id"]
            for event, payload in sulky.socket.history
            if event == "new_question_notification"
        }
        assert created["question"]["id"] not in heard
    finally:
        await asker.socket.close()
        await sulky.socket.close()


async def test_reports_reach_the_admin_queue(api: Api) -> None:
    reporter = await api.register()
    made = await api.http.post(
        "/api/reports",
        json={"targetType": "answer", "targetId": "01abc", "reason": "광고성 답변"},
        headers=api.auth(reporter),
    )
    assert made.status_code == 201
    runtime = api.server.runtime
    async with runtime.db.transaction() as uow:
        await runtime.users.create(
            uow,
            email=f"mod-{reporter.id}@example.com",
            password=PASSWORD,
            nickname="모더",
            role=Role.ADMIN,
        )
    login = await api.http.post(
        "/api/auth/login", json={"email": f"mod-{reporter.id}@example.com", "password": PASSWORD}
    )
    queue = await api.http.get(
        "/api/admin/reports", headers={"Authorization": f"Bearer {login.json()['accessToken']}"}
    )
    assert any(r["id"] == made.json()["id"] for r in queue.json()["reports"])
    assert (await api.http.get("/api/admin/reports", headers=api.auth(reporter))).status_code == 403
    assert (
        await api.http.post("/api/blocks", json={"userId": reporter.id}, headers=api.auth(reporter))
    ).status_code == 422


async def test_a_person_is_reported_from_their_profile_but_not_oneself(api: Api) -> None:
    reporter, rude = await api.register("신고하는사람"), await api.register("무례한사람")
    made = await api.http.post(
        "/api/reports",
        json={"targetType": "user", "targetId": rude.id, "reason": "욕설·비방"},
        headers=api.auth(reporter),
    )
    assert made.status_code == 201, made.text
    assert (made.json()["targetType"], made.json()["targetId"]) == ("user", rude.id)
    oneself = await api.http.post(
        "/api/reports",
        json={"targetType": "user", "targetId": reporter.id, "reason": "욕설·비방"},
        headers=api.auth(reporter),
    )
    assert oneself.status_code == 422
    assert oneself.json()["error"]["message"].startswith("자신은 신고할 수 없어요")
    unknown_kind = await api.http.post(
        "/api/reports",
        json={"targetType": "place", "targetId": rude.id, "reason": "욕설·비방"},
        headers=api.auth(reporter),
    )
    assert unknown_kind.status_code == 422
