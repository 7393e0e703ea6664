"""The account remembers its language (PATCH /api/me): every device and message follows it."""

from __future__ import annotations

from tests.fixtures.clients import PASSWORD, Api


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
