"""Questions over HTTP: nearby (nearest first, since, radius) and one question."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.fixtures.clients import Api, connect
from tests.fixtures.jeju import place, question_payload


async def test_nearby_questions_nearest_first(api: Api) -> None:
    account = await api.register()
    client = await connect(api.server, account.access_token)
    peak = place("seongsan_ilchulbong")
    try:
        far = await client.call(
            "create_question", question_payload(title="섭지코지", location=place("seopjikoji"))
        )
        near = await client.call(
            "create_question",
            question_payload(
                title="바로 여기", location={"lat": peak["lat"] + 0.001, "lng": peak["lng"]}
            ),
        )
        other_side = await client.call(
            "create_question", question_payload(title="애월", location=place("aewol_cafe_street"))
        )
        assert all(r["ok"] for r in (far, near, other_side))
    finally:
        await client.close()
    response = await api.http.get(
        "/api/questions",
        params={"lat": peak["lat"], "lng": peak["lng"], "radius": 5000},
        headers=api.auth(account),
    )
    assert response.status_code == 200
    found = [q for q in response.json()["questions"] if q["user"]["id"] == account.id]
    assert [q["title"] for q in found] == ["바로 여기", "섭지코지"]
    assert found[0]["distance"] == 100
    assert found[0]["distance"] <= found[1]["distance"]

    future = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    later = await api.http.get(
        "/api/questions",
        params={"lat": peak["lat"], "lng": peak["lng"], "since": future},
        headers=api.auth(account),
    )
    assert [q for q in later.json()["questions"] if q["user"]["id"] == account.id] == []


async def test_question_detail_and_errors(api: Api) -> None:
    account = await api.register()
    client = await connect(api.server, account.access_token)
    try:
        qid = (await client.call("create_question", question_payload()))["question"]["id"]
    finally:
        await client.close()
    detail = await api.http.get(f"/api/questions/{qid}", headers=api.auth(account))
    assert detail.status_code == 200
    assert detail.json()["answers"] == []
    assert detail.json()["urgency"] == "urgent"
    missing = await api.http.get("/api/questions/nope", headers=api.auth(account))
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "not_found"
    bad = await api.http.get(
        "/api/questions", params={"lat": 999, "lng": 126}, headers=api.auth(account)
    )
    assert bad.status_code == 422
    assert (await api.http.get("/api/questions", params={"lat": 33, "lng": 126})).status_code == 401
