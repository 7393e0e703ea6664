"""The in-memory index of recent questions answers the nearby box as the database does."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from dongne.questions.nearby_index import NearbyIndex, Placed
from tests.fixtures.clients import Api, connect
from tests.fixtures.jeju import place, question_payload

# Different enough that the spam screening lets one author post them within a minute.
CONTENTS = (
    "주차장 자리 남아 있나요? 차 한 대 댈 곳이 필요해요.",
    "근처에 아이랑 먹을 만한 식당 추천해 주세요.",
    "일출 보려면 몇 시까지 올라가야 하나요?",
)
T0 = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)


def test_box_newest_first_since_and_limit() -> None:
    index = NearbyIndex(timedelta(hours=24))
    index.load([Placed("old", 33.5, 126.5, T0 - timedelta(hours=2))], T0 - timedelta(hours=24))
    index.add(Placed("new", 33.501, 126.501, T0))
    index.add(Placed("far", 33.9, 126.9, T0))
    box = (33.49, 126.49, 33.51, 126.51)
    assert [p.id for p in index.in_box(box, since=T0 - timedelta(hours=3), limit=10)] == [
        "new",
        "old",
    ]
    assert [p.id for p in index.in_box(box, since=T0 - timedelta(hours=1), limit=10)] == ["new"]
    assert [p.id for p in index.in_box(box, since=T0 - timedelta(hours=3), limit=1)] == ["new"]
    # A box of more cells than worth walking: every entry is scanned instead.
    assert {
        p.id for p in index.in_box((30, 120, 40, 130), since=T0 - timedelta(days=1), limit=9)
    } == {
        "new",
        "old",
        "far",
    }


def test_what_ages_past_the_horizon_is_dropped_and_no_longer_covered() -> None:
    index = NearbyIndex(timedelta(hours=24))
    assert not index.covers(T0)
    index.load([Placed("a", 33.5, 126.5, T0)], T0 - timedelta(hours=24))
    assert index.covers(T0 - timedelta(hours=24))
    assert not index.covers(T0 - timedelta(hours=25))
    index.forget_before(T0 + timedelta(seconds=1))
    assert index.in_box((33, 126, 34, 127), since=T0 - timedelta(days=1), limit=5) == []
    assert not index.covers(T0)


async def test_index_and_database_give_the_same_nearby_questions(api: Api) -> None:
    account = await api.register()
    peak = place("seongsan_ilchulbong")

    async def nearby(since: datetime | None) -> list[tuple[str, int]]:
        params: dict[str, str | float] = {"lat": peak["lat"], "lng": peak["lng"], "radius": 800}
        if since is not None:
            params["since"] = since.isoformat()
        response = await api.http.get("/api/questions", params=params, headers=api.auth(account))
        assert response.status_code == 200
        return [
            (q["title"], q["distance"])
            for q in response.json()["questions"]
            if q["user"]["id"] == account.id
        ]

    # Loaded now (if no test did before): the questions below reach it after their commits.
    assert await nearby(None) == []
    client = await connect(api.server, account.access_token)
    try:
        for n, content in enumerate(CONTENTS):
            spot = {"lat": peak["lat"] + 0.002 * n, "lng": peak["lng"] - 0.001 * n}
            created = await client.call(
                "create_question",
                question_payload(title=f"근처 {n}", content=content, location=spot),
            )
            assert created["ok"], created
    finally:
        await client.close()

    from_index = await nearby(None)  # the last 24 h: the in-memory index
    from_database = await nearby(datetime.now(UTC) - timedelta(hours=48))  # beyond it
    assert [title for title, _ in from_index] == ["근처 0", "근처 1", "근처 2"]
    assert from_index == from_database
