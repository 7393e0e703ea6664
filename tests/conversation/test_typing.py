"""Typing indicators: to the others only, auto-stop, throttled floods, members only."""

from __future__ import annotations

import asyncio
import time

from tests.conversation.conftest import AUTO_STOP_S
from tests.fixtures.clients import Api, SocketClient, connect
from tests.fixtures.jeju import question_payload


async def room(api: Api) -> tuple[str, SocketClient, SocketClient, str]:
    asker, local = await api.register("질문자"), await api.register("타자치는사람")
    a = await connect(api.server, asker.access_token)
    b = await connect(api.server, local.access_token)
    qid = (await a.call("create_question", question_payload()))["question"]["id"]
    await a.call("join_question", {"questionId": qid})
    await b.call("join_question", {"questionId": qid})
    return qid, a, b, local.id


async def test_typing_reaches_others_not_the_typist_and_stops(quick_api: Api) -> None:
    qid, a, b, typist = await room(quick_api)
    try:
        assert (await b.call("typing_start", {"questionId": qid}))["broadcast"] is True
        typing = await a.next("user_typing")
        assert typing == {"userId": typist, "username": "타자치는사람", "questionId": qid}
        assert (await b.call("typing_stop", {"questionId": qid}))["ok"] is True
        assert await a.next("user_stop_typing") == {"userId": typist, "questionId": qid}
        assert b.pending("user_typing") == 0
        assert b.pending("user_stop_typing") == 0
    finally:
        await a.close()
        await b.close()


async def test_typing_stops_by_itself(quick_api: Api) -> None:
    qid, a, b, typist = await room(quick_api)
    try:
        await b.call("typing_start", {"questionId": qid})
        await a.next("user_typing")
        started = time.monotonic()
        stopped = await a.next("user_stop_typing", timeout=AUTO_STOP_S * 10)
        assert stopped["userId"] == typist
        assert time.monotonic() - started >= AUTO_STOP_S * 0.8
    finally:
        await a.close()
        await b.close()


async def test_a_flood_of_typing_starts_is_throttled(quick_api: Api) -> None:
    qid, a, b, _ = await room(quick_api)
    try:
        acks = await asyncio.gather(
            *(b.call("typing_start", {"questionId": qid}) for _ in range(100))
        )
        assert all(ack["ok"] for ack in acks)
        broadcasts = sum(ack["broadcast"] for ack in acks)
        assert 1 <= broadcasts <= 2
        await a.next("user_typing")
        await a.call("typing_stop", {"questionId": qid})  # round trip before counting
        assert a.pending("user_typing") == broadcasts - 1
    finally:
        await a.close()
        await b.close()


async def test_only_members_may_type(quick_api: Api) -> None:
    qid, a, b, _ = await room(quick_api)
    stranger = await connect(quick_api.server, (await quick_api.register()).access_token)
    try:
        ack = await stranger.call("typing_start", {"questionId": qid})
        assert ack["error"]["code"] == "forbidden"
        missing = await stranger.call("typing_start", {"questionId": "nope"})
        assert missing["error"]["code"] == "not_found"
    finally:
        for client in (a, b, stranger):
            await client.close()
