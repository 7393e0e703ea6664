"""The account remembers its language (PATCH /api/me): every device and message follows it."""

from __future__ import annotations

from tests.fixtures.clients import PASSWORD, Api, connect
from tests.fixtures.jeju import question_payload


async def test_the_language_is_remembered_on_the_account(api: Api) -> None:
    account = await api.register()
    assert account.user["language"] is None
    changed = await api.http.patch("/api/me", json={"language": "zh-TW"}, headers=api.auth(account))
    assert changed.status_code == 200
    assert changed.json()["language"] == "zh-TW"
    assert (await api.http.get("/api/me", headers=api.auth(account))).json()["language"] == "zh-TW"
    credentials = {"email": account.email, "password": PASSWORD}
    login = await api.http.post("/api/auth/login", json=credentials)
    assert login.json()["user"]["language"] == "zh-TW"


async def test_an_unknown_language_is_refused_and_nothing_changes(api: Api) -> None:
    account = await api.register()
    await api.http.patch("/api/me", json={"language": "ja"}, headers=api.auth(account))
    refused = await api.http.patch("/api/me", json={"language": "fr"}, headers=api.auth(account))
    assert refused.status_code == 422
    assert (await api.http.get("/api/me", headers=api.auth(account))).json()["language"] == "ja"


async def test_http_errors_follow_accept_language(api: Api) -> None:
    account = await api.register()
    missing = "/api/questions/01jnotaquestion00000000000"
    for header, expected in (
        ("ja-JP,ja;q=0.9", "質問が見つかりません"),
        ("zh-TW", "找不到這個問題"),
        ("zh-CN", "找不到该问题"),
        ("en-US,en;q=0.9", "Question not found"),
        (None, "질문을 찾을 수 없어요 (Question not found)"),
    ):
        headers = api.auth(account) | ({"Accept-Language": header} if header else {})
        reply = await api.http.get(missing, headers=headers)
        assert reply.status_code == 404
        assert reply.json()["error"]["message"] == expected, header


async def test_socket_errors_and_notifications_are_in_the_accounts_language(api: Api) -> None:
    asker, local = await api.register(), await api.register()
    await api.http.patch("/api/me", json={"language": "zh-TW"}, headers=api.auth(asker))
    await api.http.patch("/api/me", json={"language": "en"}, headers=api.auth(local))
    a = await connect(api.server, asker.access_token)
    b = await connect(api.server, local.access_token)
    try:
        refused = await a.call("create_answer", {"questionId": "01jnone", "content": "답"})
        assert refused["error"]["message"] == "找不到這個問題"
        assert (await a.next("error"))["message"] == "找不到這個問題"
        qid = (await a.call("create_question", question_payload()))["question"]["id"]
        answer = (await b.call("create_answer", {"questionId": qid, "content": "네"}))["answer"]
        assert (await a.call("accept_answer", {"answerId": answer["id"]}))["ok"]
        notification = await b.next("notification")
        assert notification["title"] == "Your answer was accepted! 🎉"
        assert "you earned" in notification["message"]
        stored = await api.http.get("/api/notifications", headers=api.auth(local))
        assert stored.json()["notifications"][0]["title"] == "Your answer was accepted! 🎉"
    finally:
        await a.close()
        await b.close()
