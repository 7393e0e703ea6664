"""`GET /api/regions` and `GET /api/regions/{code}` with live figures."""

from __future__ import annotations

from tests.fixtures.clients import Api


async def test_regions_list_names_in_korean_and_english(api: Api) -> None:
    body = (await api.http.get("/api/regions")).json()
    regions = {r["code"]: r for r in body["regions"]}
    assert len(regions) == 14
    assert (regions["seongsan"]["nameKo"], regions["seongsan"]["nameEn"]) == ("성산", "Seongsan")


async def test_a_region_reports_its_last_24_hours(api: Api) -> None:
    # The figures are cached for 15 minutes and this server is shared by many tests:
    # tests/questions/test_caches.py counts a new question on a clock it moves.
    region = (await api.http.get("/api/regions/seongsan")).json()
    assert set(region["last24h"]) >= {"questions", "answered", "within10m", "p90Seconds"}
    assert region["last24h"]["questions"] >= region["last24h"]["answered"] >= 0
    assert region["nameKo"] == "성산"
    missing = await api.http.get("/api/regions/atlantis")
    assert missing.status_code == 404
