"""Cached reads over HTTP and sockets: pages and sessions never stale, trending tags and
region figures up to 15 minutes old, and a node whose Redis is away still right."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
from redis.asyncio import Redis
from sqlalchemy.engine import make_url

from dongne.kit.clock import ManualClock
from dongne.models.migrations import upgrade
from dongne.users.schemas import Role
from tests.fixtures.clients import PASSWORD, Account, Api, SocketClient, connect
from tests.fixtures.databases import REDIS_ENV, fresh_database
from tests.fixtures.jeju import place, question_payload
from tests.fixtures.server import RunningServer, migrated_server, serve, server_settings
from tests.fixtures.tcp_proxy import TcpProxy

FRESHER_THAN_CACHE_S = 15 * 60 + 1


async def ask(api: Api, account: Account, **overrides: Any) -> dict[str, Any]:
    client = await connect(api.server, account.access_token)
    try:
        ack = await client.call("create_question", question_payload(**overrides))
    finally:
        await client.close()
    assert ack["ok"] is True, ack
    question: dict[str, Any] = ack["question"]
    return question


async def page(api: Api, account: Account, qid: str) -> dict[str, Any]:
    response = await api.http.get(f"/api/questions/{qid}", headers=api.auth(account))
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def me(api: Api, account: Account) -> dict[str, Any]:
    response = await api.http.get("/api/me", headers=api.auth(account))
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def admin(api: Api) -> Account:
    runtime = api.server.runtime
    email = f"admin-{os.urandom(4).hex()}@example.com"
    async with runtime.db.transaction() as uow:
        user = await runtime.users.create(
            uow, email=email, password=PASSWORD, nickname="운영", role=Role.ADMIN
        )
        session = await runtime.users.login(uow, email=email, password=PASSWORD)
    return Account(user.id, email, PASSWORD, session.tokens.access_token, "", {})


async def test_a_question_page_shows_every_answer_and_acceptance_at_once(api: Api) -> None:
    asker, local = await api.register("질문자"), await api.register("주민")
    qid = (await ask(api, asker))["id"]
    assert (await page(api, local, qid))["answers"] == []
    assert (await me(api, local))["points"] == 0

    answerer = await connect(api.server, local.access_token)
    try:
        reply = await answerer.call("create_answer", {"questionId": qid, "content": "열려 있어요"})
        assert reply["ok"] is True, reply
        answer_id = reply["answer"]["id"]
        shown = await page(api, asker, qid)
        assert [a["content"] for a in shown["answers"]] == ["열려 있어요"]
        assert (shown["status"], shown["answerCount"]) == ("answered", 1)
        assert shown["firstAnswerAt"] is not None

        room = await connect(api.server, asker.access_token)
        try:
            accepted = await room.call("accept_answer", {"answerId": answer_id})
            assert accepted["ok"] is True, accepted
            points = accepted["pointsAwarded"]
            # The page read right after the ack, and a room opened now, show the acceptance.
            after = await page(api, local, qid)
            assert (after["status"], after["acceptedAnswerId"]) == ("accepted", answer_id)
            assert after["answers"][0]["accepted"] is True
            joined = await answerer.call("join_question", {"questionId": qid})
            assert joined["ok"] is True, joined
            assert [m["accepted"] for m in joined["messages"]] == [False, True]
        finally:
            await room.close()
    finally:
        await answerer.close()
    # The answerer's balance is part of their cached session.
    assert points > 0
    assert (await me(api, local))["points"] == points


async def test_the_first_reader_of_a_room_sees_answers_given_before(api: Api) -> None:
    asker, local, late = await api.register(), await api.register(), await api.register()
    qid = (await ask(api, asker))["id"]
    first = await connect(api.server, late.access_token)
    answerer = await connect(api.server, local.access_token)
    try:
        assert len((await first.call("join_question", {"questionId": qid}))["messages"]) == 1
        reply = await answerer.call("create_answer", {"questionId": qid, "content": "네!"})
        assert reply["ok"] is True, reply
        joined = await first.call("join_question", {"questionId": qid})
        assert [m["content"] for m in joined["messages"]][1:] == ["네!"]
    finally:
        await first.close()
        await answerer.close()


async def test_names_and_badges_on_a_cached_page_follow_their_people(api: Api) -> None:
    asker, local = await api.register("처음이름"), await api.register("아직주민아님")
    qid = (await ask(api, asker))["id"]
    answerer = await connect(api.server, local.access_token)
    try:
        reply = await answerer.call("create_answer", {"questionId": qid, "content": "좋아요"})
        assert reply["ok"] is True, reply
    finally:
        await answerer.close()
    before = await page(api, local, qid)
    assert before["user"]["nickname"] == "처음이름"
    assert before["answers"][0]["user"]["isLocalVerified"] is False
    assert (await me(api, asker))["nickname"] == "처음이름"

    renamed = await api.http.patch("/api/me", json={"nickname": "새이름"}, headers=api.auth(asker))
    assert renamed.status_code == 200, renamed.text
    boss = await admin(api)
    verified = await api.http.post(
        f"/api/admin/users/{local.id}/verify-local", headers=api.auth(boss)
    )
    assert verified.status_code == 200, verified.text

    after = await page(api, local, qid)
    assert after["user"]["nickname"] == "새이름"
    assert after["answers"][0]["user"]["isLocalVerified"] is True
    assert (await me(api, asker))["nickname"] == "새이름"
    profile = await me(api, local)
    assert (profile["isLocalVerified"], profile["role"]) == (True, "local")


# --- trending hashtags and region figures: cached for 15 minutes ------------------------


@pytest.fixture
async def clocked(backend: str, tmp_path: Path) -> AsyncIterator[tuple[Api, ManualClock]]:
    clock = ManualClock()
    async with migrated_server(backend, tmp_path, clock=clock, run_jobs=False) as server:
        api = Api(server)
        yield api, clock
        await api.close()


async def trending(api: Api, account: Account, **params: str) -> dict[str, Any]:
    response = await api.http.get(
        "/api/hashtags/trending", params=params, headers=api.auth(account)
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def counts(body: dict[str, Any]) -> list[tuple[str, int]]:
    return [(item["tag"], item["count"]) for item in body["hashtags"]]


async def test_trending_hashtags_by_window_and_region(
    clocked: tuple[Api, ManualClock],
) -> None:
    api, clock = clocked
    one, two, three = await api.register(), await api.register(), await api.register()
    seongsan = await ask(
        api, one, hashtags=["#일출봉", "매표소"], location=place("seongsan_ilchulbong")
    )
    aewol = await ask(
        api,
        two,
        title="애월 카페 거리 주차",
        content="지금 애월 카페 거리 주차할 곳 있나요?",
        hashtags=["일출봉"],
        location=place("aewol_cafe_street"),
    )
    assert seongsan["regionCode"] != aewol["regionCode"]

    day = await trending(api, one, window="24h")
    assert counts(day) == [("일출봉", 2), ("매표소", 1)]
    assert (day["window"], day["regionCode"]) == ("24h", None)
    local = await trending(api, one, window="24h", region=seongsan["regionCode"])
    assert counts(local) == [("매표소", 1), ("일출봉", 1)]
    assert local["regionCode"] == seongsan["regionCode"]
    assert counts(await trending(api, one, window="1h")) == counts(day)

    # Another question within the 15 minutes: the counts may wait, as SPEC §9 allows.
    await ask(
        api,
        three,
        title="매표소 줄 길어요?",
        content="성산 매표소 지금 줄이 긴가요?",
        hashtags=["매표소"],
    )
    assert await trending(api, one, window="24h") == day
    clock.advance(FRESHER_THAN_CACHE_S)
    # A new account each time the clock moves: access tokens expire on it too.
    reader = await api.register()
    fresh = await trending(api, reader, window="24h")
    assert counts(fresh) == [("매표소", 2), ("일출봉", 2)]
    assert fresh["generatedAt"] > day["generatedAt"]

    clock.advance(60 * 60)
    reader = await api.register()
    assert counts(await trending(api, reader, window="1h")) == []
    assert counts(await trending(api, reader, window="24h")) == counts(fresh)


async def test_trending_hashtags_refuse_what_they_do_not_know(
    clocked: tuple[Api, ManualClock],
) -> None:
    api, _ = clocked
    account = await api.register()
    wrong_window = await api.http.get(
        "/api/hashtags/trending", params={"window": "7d"}, headers=api.auth(account)
    )
    assert wrong_window.status_code == 422
    unknown = await api.http.get(
        "/api/hashtags/trending", params={"region": "atlantis"}, headers=api.auth(account)
    )
    assert unknown.status_code == 422
    assert unknown.json()["error"]["code"] == "invalid"
    assert (await api.http.get("/api/hashtags/trending")).status_code == 401
    # The window defaults to a day.
    assert (await trending(api, account))["window"] == "24h"


async def test_region_figures_are_up_to_15_minutes_old(
    clocked: tuple[Api, ManualClock],
) -> None:
    api, clock = clocked
    asker = await api.register()
    before = (await api.http.get("/api/regions/seongsan")).json()["last24h"]["questions"]
    await ask(api, asker)
    assert (await api.http.get("/api/regions/seongsan")).json()["last24h"]["questions"] == before
    clock.advance(FRESHER_THAN_CACHE_S)
    after = (await api.http.get("/api/regions/seongsan")).json()
    assert after["last24h"]["questions"] == before + 1


# --- a node whose Redis is away -------------------------------------------------------


@pytest.fixture
async def redis_node(backend: str, tmp_path: Path) -> AsyncIterator[tuple[Api, TcpProxy, Redis]]:
    """A scaled-mode server whose Redis (the test Redis) a test can cut off."""
    url = os.environ.get(REDIS_ENV)
    if not url:
        pytest.skip(f"{REDIS_ENV} is not set")
    target = make_url(url.replace("redis://", "redis+x://", 1))
    proxy = TcpProxy(target.host or "127.0.0.1", target.port or 6379)
    await proxy.start()
    direct = Redis.from_url(url)
    proxied = f"redis://127.0.0.1:{proxy.port}/{target.database or 0}"
    try:
        async with fresh_database(backend, tmp_path) as database_url:
            await asyncio.to_thread(upgrade, database_url)
            settings = server_settings(tmp_path, database_url, redis_url=proxied)
            async with serve(settings) as server:
                api = Api(server)
                yield api, proxy, direct
                await api.close()
    finally:
        await proxy.stop()
        await direct.aclose()


async def wait_ready(server: RunningServer, ready: bool) -> None:
    async with httpx.AsyncClient(base_url=server.url, timeout=10) as http:
        for _ in range(300):
            if ((await http.get("/ready")).status_code == 200) is ready:
                return
            await asyncio.sleep(0.05)
    raise AssertionError(f"/ready never became {ready}")


async def test_a_node_without_its_redis_answers_from_the_database(
    redis_node: tuple[Api, TcpProxy, Redis],
) -> None:
    api, proxy, direct = redis_node
    asker, local = await api.register("묻는이"), await api.register()
    qid = (await ask(api, asker))["id"]
    assert (await page(api, asker, qid))["answers"] == []
    cached_key = f"dongne:cache:v:question:{qid}"
    assert await direct.exists(cached_key) == 1

    await proxy.stop()
    answerer: SocketClient | None = None
    try:
        answerer = await connect(api.server, local.access_token)
        reply = await answerer.call("create_answer", {"questionId": qid, "content": "있어요"})
        assert reply["ok"] is True, reply
        renamed = await api.http.patch(
            "/api/me", json={"nickname": "바뀐이름"}, headers=api.auth(asker)
        )
        assert renamed.status_code == 200, renamed.text
        # The page in Redis is out of date, but this node does not read it.
        during = await page(api, asker, qid)
        assert [a["content"] for a in during["answers"]] == ["있어요"]
        assert during["user"]["nickname"] == "바뀐이름"
        assert (await me(api, asker))["nickname"] == "바뀐이름"
        assert await direct.exists(cached_key) == 1
    finally:
        if answerer is not None:
            await answerer.close()

    await proxy.start()
    await wait_ready(api.server, True)
    # Redis is back: the invalidations owed are sent before the cache is read again, so
    # no read ever gets the old page, and soon the cache holds the new one.
    for _ in range(100):
        after = await page(api, asker, qid)
        assert [a["content"] for a in after["answers"]] == ["있어요"]
        assert after["user"]["nickname"] == "바뀐이름"
        stored = await direct.get(cached_key)
        if stored is not None and orjson.loads(stored)["answer_count"] == 1:
            break
        await asyncio.sleep(0.05)
    else:
        raise AssertionError("the cache was never used again after Redis came back")
