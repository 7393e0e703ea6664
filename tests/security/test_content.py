"""Stored content has no HTML; spam is refused with `spam`; honest questions pass."""

from __future__ import annotations

import asyncio

from tests.fixtures.clients import Api, connect
from tests.fixtures.db import row_counts
from tests.fixtures.jeju import question_payload


async def test_html_is_stripped_before_storing(api: Api) -> None:
    account = await api.register()
    client = await connect(api.server, account.access_token)
    try:
        ack = await client.call(
            "create_question",
            question_payload(
                title="<b>협재</b> 해변 & 주차",
                content='주차장 있나요?<script>alert("x")</script><img src=x onerror=alert(1)>',
            ),
        )
        question = ack["question"]
        assert question["title"] == "협재 해변 & 주차"
        assert question["content"] == "주차장 있나요?"
        stored = await api.http.get(f"/api/questions/{question['id']}", headers=api.auth(account))
        assert "<" not in stored.json()["content"]
        only_tags = await client.call("create_question", question_payload(content="<p></p>"))
        assert only_tags["error"]["code"] == "invalid"
    finally:
        await client.close()


async def test_promotional_spam_is_refused_and_honest_free_parking_is_not(api: Api) -> None:
    account = await api.register()
    client = await connect(api.server, account.access_token)
    try:
        honest = await client.call(
            "create_question",
            question_payload(title="무료 주차 되는 해변 있나요?", content="애월 쪽이면 좋겠어요"),
        )
        assert honest["ok"] is True
        before = await row_counts(api.server)
        spam = await client.call(
            "create_question",
            question_payload(
                title="제주 렌트카 최저가 할인 이벤트",
                content="무료 쿠폰 증정! 예약문의 010-1234-5678 카톡 ID jejurent https://cheap-rent.kr",
            ),
        )
        assert spam["ok"] is False
        assert spam["error"]["code"] == "spam"
        assert await row_counts(api.server) == before
    finally:
        await client.close()


async def test_a_message_over_1_mb_is_refused_and_the_server_stays_up(api: Api) -> None:
    account = await api.register()
    big = await connect(api.server, account.access_token)
    try:
        await big.sio.emit("create_question", question_payload(content="가" * 600_000))
        # python-socketio drops a connection whose message exceeds max_http_buffer_size.
        await asyncio.wait_for(big.sio.wait(), 5)
        assert big.sio.connected is False
    finally:
        await big.close()
    again = await connect(api.server, account.access_token)
    try:
        assert (await again.call("create_question", question_payload()))["ok"] is True
    finally:
        await again.close()
