"""`GET /api/regions` and `GET /api/regions/{code}` with live figures."""

from __future__ import annotations

from tests.fixtures.clients import Api, connect
from tests.fixtures.jeju import question_payload


async def test_regions_list_names_in_korean_and_english(api: Api) -> None:
    body = (await api.http.get("/api/regions")).json()
    regions = {r["code"]: r for r in body["regions"]}
    assert len(regions) == 14
    assert (regions["seongsan"]["nameKo"], regions["seongsan"]["nameEn"]) == ("성산", "Seongsan")


async def test_a_region_reports_its_last_24_hours(api: Api) -> None:
    before = (await api.http.get("/api/regions/seongsan")).json()["last24h"]["questions"]
    account = await api.register()
    client = await connect(api.server, account.access_token)
    try:
        assert (await client.call("create_question", question_payload()))["ok"] is True
    finally:
        await client.close()
    after = (await api.http.get("/api/regions/seongsan")).json()
    assert after["last24h"]["questions"] == before + 1
    assert after["nameKo"] == "성산"
    missing = await api.http.get("/api/regions/atlantis")
    assert missing.status_code == 404
