"""Accounts over real HTTP against the real server, on every storage backend."""

from __future__ import annotations

from dongne.users.schemas import Role
from tests.fixtures.clients import PASSWORD, Api


async def test_register_returns_user_and_tokens(api: Api) -> None:
    account = await api.register(nickname="한라봉")
    assert account.user["nickname"] == "한라봉"
    assert account.user["role"] == "traveler"
    assert account.user["isLocalVerified"] is False
    assert account.user["points"] == 0
    me = await api.http.get("/api/me", headers=api.auth(account))
    assert me.status_code == 200
    assert me.json()["id"] == account.id


async def test_duplicate_email_is_409_whatever_the_case(api: Api) -> None:
    account = await api.register()
    body = {"email": account.email.upper(), "password": PASSWORD, "nickname": "다른사람"}
    response = await api.http.post("/api/auth/register", json=body)
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "conflict"


async def test_login_with_right_and_wrong_password(api: Api) -> None:
    account = await api.register()
    ok = await api.http.post("/api/auth/login", json={"email": account.email, "password": PASSWORD})
    assert ok.status_code == 200
    assert ok.json()["user"]["id"] == account.id
    bad = await api.http.post(
        "/api/auth/login", json={"email": account.email, "password": "nope1234"}
    )
    assert bad.status_code == 401
    assert bad.json()["error"]["code"] == "unauthenticated"
    unknown = await api.http.post(
        "/api/auth/login", json={"email": "nobody@example.com", "password": PASSWORD}
    )
    assert unknown.status_code == 401


async def test_refresh_rotates_and_a_reused_token_revokes_the_family(api: Api) -> None:
    account = await api.register()
    first = await api.http.post("/api/auth/refresh", json={"refreshToken": account.refresh_token})
    assert first.status_code == 200
    rotated = first.json()
    assert rotated["refreshToken"] != account.refresh_token
    me = await api.http.get(
        "/api/me", headers={"Authorization": f"Bearer {rotated['accessToken']}"}
    )
    assert me.status_code == 200

    reused = await api.http.post("/api/auth/refresh", json={"refreshToken": account.refresh_token})
    assert reused.status_code == 401
    # The reuse revoked the whole family, so the token issued by the rotation is dead too.
    after = await api.http.post("/api/auth/refresh", json={"refreshToken": rotated["refreshToken"]})
    assert after.status_code == 401


async def test_garbage_refresh_token_is_401(api: Api) -> None:
    for token in ["x", "abc.def", "01j00000000000000000000000.secret"]:
        response = await api.http.post("/api/auth/refresh", json={"refreshToken": token})
        assert response.status_code == 401, token


async def test_invalid_bodies_are_422_with_a_message(api: Api) -> None:
    cases = [
        {"email": "not-an-email", "password": PASSWORD, "nickname": "a"},
        {"email": "a@example.com", "password": "short", "nickname": "a"},
        {"email": "a@example.com", "password": PASSWORD, "nickname": ""},
        {"email": "a@example.com", "password": PASSWORD, "nickname": "a", "role": "admin"},
        {"email": "a@example.com"},
    ]
    for body in cases:
        response = await api.http.post("/api/auth/register", json=body)
        assert response.status_code == 422, body
        error = response.json()["error"]
        assert error["code"] == "invalid"
        assert error["message"]


async def test_me_requires_a_valid_token(api: Api) -> None:
    assert (await api.http.get("/api/me")).status_code == 401
    bad = await api.http.get("/api/me", headers={"Authorization": "Bearer nonsense"})
    assert bad.status_code == 401


async def test_patch_me_changes_only_the_given_fields(api: Api) -> None:
    account = await api.register(nickname="원래이름")
    response = await api.http.patch(
        "/api/me",
        json={"bio": "  애월 토박이\u0007 ", "homeRegion": "aewol"},
        headers=api.auth(account),
    )
    assert response.status_code == 200
    user = response.json()
    assert user["nickname"] == "원래이름"
    assert user["bio"] == "애월 토박이"
    assert user["homeRegion"] == "aewol"


async def test_only_admins_verify_locals(api: Api) -> None:
    traveler = await api.register()
    candidate = await api.register()
    path = f"/api/admin/users/{candidate.id}/verify-local"
    refused = await api.http.post(path, headers=api.auth(traveler))
    assert refused.status_code == 403

    runtime = api.server.runtime
    async with runtime.db.transaction() as uow:
        admin = await runtime.users.create(
            uow,
            email=f"admin-{candidate.id}@example.com",
            password=PASSWORD,
            nickname="관리자",
            role=Role.ADMIN,
        )
    login = await api.http.post(
        "/api/auth/login", json={"email": admin.email, "password": PASSWORD}
    )
    token = login.json()["accessToken"]
    verified = await api.http.post(path, headers={"Authorization": f"Bearer {token}"})
    assert verified.status_code == 200
    assert verified.json()["isLocalVerified"] is True
    assert verified.json()["role"] == "local"
    missing = await api.http.post(
        "/api/admin/users/nobody/verify-local", headers={"Authorization": f"Bearer {token}"}
    )
    assert missing.status_code == 404
