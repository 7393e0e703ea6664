"""The admins' local-verification queue: `GET /api/admin/users/unverified` (issue [9])."""

from __future__ import annotations

from pathlib import Path

from dongne.kit.clock import ManualClock
from dongne.users.schemas import Role
from tests.fixtures.clients import PASSWORD, Api
from tests.fixtures.server import migrated_server

QUEUE = "/api/admin/users/unverified"


async def test_lists_unverified_accounts_home_region_first(backend: str, tmp_path: Path) -> None:
    clock = ManualClock()
    async with migrated_server(backend, tmp_path, clock=clock) as server:
        api = Api(server)
        try:
            runtime = server.runtime
            async with runtime.db.transaction() as uow:
                await runtime.users.create(
                    uow,
                    email="ops@example.com",
                    password=PASSWORD,
                    nickname="운영",
                    role=Role.ADMIN,
                )
                await runtime.users.create(
                    uow,
                    email="local@example.com",
                    password=PASSWORD,
                    nickname="인증된주민",
                    role=Role.LOCAL,
                    local_verified=True,
                )
            admin = {
                "Authorization": "Bearer "
                + (
                    await api.http.post(
                        "/api/auth/login", json={"email": "ops@example.com", "password": PASSWORD}
                    )
                ).json()["accessToken"]
            }
            first = await api.register(nickname="먼저온여행자")
            clock.advance(60)
            second = await api.register(nickname="두번째")
            clock.advance(60)
            claims = await api.register(nickname="애월주민")
            await api.http.patch("/api/me", json={"homeRegion": "aewol"}, headers=api.auth(claims))

            queue = await api.http.get(QUEUE, headers=admin)
            assert queue.status_code == 200
            body = queue.json()
            # Who says they live here first; then the oldest. Admins and locals never.
            assert [u["id"] for u in body["users"]] == [claims.id, first.id, second.id]
            assert body["total"] == 3
            assert body["users"][0]["homeRegion"] == "aewol"
            assert set(body["users"][0]) >= {"nickname", "email", "createdAt", "role"}

            limited = (await api.http.get(QUEUE, params={"limit": 1}, headers=admin)).json()
            assert ([u["id"] for u in limited["users"]], limited["total"]) == ([claims.id], 3)

            await api.http.post(f"/api/admin/users/{claims.id}/verify-local", headers=admin)
            after = (await api.http.get(QUEUE, headers=admin)).json()
            assert [u["id"] for u in after["users"]] == [first.id, second.id]

            refused = await api.http.get(QUEUE, headers=api.auth(first))
            assert refused.status_code == 403
            invalid = await api.http.get(QUEUE, params={"limit": 0}, headers=admin)
            assert invalid.status_code == 422
            assert invalid.json()["error"]["code"] == "invalid"
        finally:
            await api.close()
