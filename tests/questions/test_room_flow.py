"""The core conversation end to end with real Socket.IO clients (issue [2] acceptance)."""

from __future__ import annotations

import asyncio

from tests.fixtures.clients import Api, SocketClient, connect
from tests.fixtures.jeju import question_payload


async def points_of(api: Api, token: str) -> int:
    me = await api.http.get("/api/me", headers={"Authorization": f"Bearer {token}"})
    return int(me.json()["points"])


async def test_ask_join_answer_accept(api: Api) -> None:
    asker, local, other = (
        await api.register("여행자"),
        await api.register("성산토박이"),
        await api.register("구경꾼"),
    )
    phone = await connect(api.server, asker.access_token)
    tablet = await connect(api.server, asker.access_token)
    answerer = await connect(api.server, local.access_token)
    watcher = await connect(api.server, other.access_token)
    clients: list[SocketClient] = [phone, tablet, answerer, watcher]
    try:
        ack = await phone.call("create_question", question_payload())
        assert ack["ok"] is True
        question = ack["question"]
        assert question["regionCode"] == "seongsan"
        assert question["hashtags"] == ["성산", "일출봉"]
        assert question["status"] == "open"
        assert (await phone.next("question_created"))["question"]["id"] == question["id"]
        qid = question["id"]

        for client, account in ((answerer, local), (watcher, other)):
            joined = await client.call("join_question", {"questionId": qid})
            assert joined["ok"] is True
            room_users = await client.next("room_users")
            ids = {u["id"] for u in room_users["users"]}
            assert {asker.id, account.id} <= ids
            assert next(u for u in room_users["users"] if u["id"] == asker.id)["isAsker"] is True
            messages = (await client.next("question_messages"))["messages"]
            assert messages[0]["kind"] == "question"
            assert messages[0]["id"] == qid

        answer_ack = await answerer.call(
            "create_answer", {"questionId": qid, "content": "네, 18시까지 열려 있어요."}
        )
        assert answer_ack["ok"] is True
        answer = answer_ack["answer"]
        created = await answerer.next("answer_created")
        assert created["answer"]["id"] == answer["id"]
        for client in (phone, watcher):
            assert (await client.next("new_answer"))["answer"]["id"] == answer["id"]
        for device in (phone, tablet):
            note = await device.next("answer_notification")
            assert note["questionId"] == qid
            assert note["answer"]["id"] == answer["id"]
            assert note["answer"]["preview"] == "네, 18시까지 열려 있어요."
            assert note["answer"]["user"]["nickname"] == "성산토박이"
            assert isinstance(note["eventId"], int)
        assert answerer.pending("new_answer") == 0

        refused = await watcher.call("accept_answer", {"answerId": answer["id"]})
        assert refused["ok"] is False
        assert refused["error"]["code"] == "forbidden"
        assert (await watcher.next("error"))["event"] == "accept_answer"

        before = await points_of(api, local.access_token)
        accepted = await phone.call("accept_answer", {"answerId": answer["id"]})
        assert accepted["ok"] is True
        for client in (phone, answerer, watcher):
            event = await client.next("answer_accepted")
            assert event["answerId"] == answer["id"]
            assert event["questionId"] == qid
        notification = await answerer.next("notification")
        assert notification["type"] == "answer_accepted"
        assert notification["data"]["answerId"] == answer["id"]
        gained = await points_of(api, local.access_token) - before
        assert gained == accepted["pointsAwarded"] == 15

        second = await watcher.call("create_answer", {"questionId": qid, "content": "저도 봤어요"})
        again = await phone.call("accept_answer", {"answerId": second["answer"]["id"]})
        assert again["ok"] is False
        assert again["error"]["code"] == "conflict"
        assert await points_of(api, local.access_token) - before == 15
        assert await points_of(api, other.access_token) == 0

        detail = await api.http.get(f"/api/questions/{qid}", headers=api.auth(asker))
        body = detail.json()
        assert body["status"] == "accepted"
        assert body["acceptedAnswerId"] == answer["id"]
        assert body["firstAnswerAt"] is not None
        assert [a["accepted"] for a in body["answers"]] == [True, False]
    finally:
        for client in clients:
            await client.close()


async def test_racing_accepts_credit_points_once(api: Api) -> None:
    asker, local_a, local_b = (await api.register(), await api.register(), await api.register())
    phone = await connect(api.server, asker.access_token)
    tablet = await connect(api.server, asker.access_token)
    first = await connect(api.server, local_a.access_token)
    second = await connect(api.server, local_b.access_token)
    try:
        qid = (await phone.call("create_question", question_payload()))["question"]["id"]
        a1 = (await first.call("create_answer", {"questionId": qid, "content": "A"}))["answer"]
        a2 = (await second.call("create_answer", {"questionId": qid, "content": "B"}))["answer"]
        results = await asyncio.gather(
            phone.call("accept_answer", {"answerId": a1["id"]}),
            tablet.call("accept_answer", {"answerId": a2["id"]}),
            phone.call("accept_answer", {"answerId": a1["id"]}),
            tablet.call("accept_answer", {"answerId": a2["id"]}),
        )
        winners = [r for r in results if r["ok"]]
        assert len(winners) == 1
        assert all(r["error"]["code"] == "conflict" for r in results if not r["ok"])
        total = await points_of(api, local_a.access_token) + await points_of(
            api, local_b.access_token
        )
        assert total == winners[0]["pointsAwarded"]
    finally:
        for client in (phone, tablet, first, second):
            await client.close()


async def test_an_asker_cannot_answer_their_own_question(api: Api) -> None:
    asker = await api.register()
    client = await connect(api.server, asker.access_token)
    try:
        qid = (await client.call("create_question", question_payload()))["question"]["id"]
        ack = await client.call("create_answer", {"questionId": qid, "content": "셀프 답변"})
        assert ack["ok"] is False
        assert ack["error"]["code"] == "forbidden"
    finally:
        await client.close()


async def test_leaving_stops_answers_and_rejoining_brings_the_missed_ones(api: Api) -> None:
    asker, local, leaver = (await api.register(), await api.register(), await api.register())
    a = await connect(api.server, asker.access_token)
    b = await connect(api.server, local.access_token)
    c = await connect(api.server, leaver.access_token)
    try:
        qid = (await a.call("create_question", question_payload()))["question"]["id"]
        for client in (b, c):
            assert (await client.call("join_question", {"questionId": qid}))["ok"] is True
        assert (await c.call("leave_question", {"questionId": qid}))["ok"] is True
        assert (await b.call("typing_start", {"questionId": qid}))["ok"] is True
        assert (await a.next("user_typing"))["userId"] == local.id
        answered = await b.call("create_answer", {"questionId": qid, "content": "답변"})
        await a.next("new_answer")
        accepted = await a.call("accept_answer", {"answerId": answered["answer"]["id"]})
        assert accepted["ok"] is True
        await b.next("answer_accepted")
        # A round trip on the leaver's own connection: anything emitted to it earlier arrives first.
        await c.call("leave_question", {"questionId": qid})
        assert (c.pending("user_typing"), c.pending("new_answer")) == (0, 0)
        assert c.pending("answer_accepted") == 0
        synced = await c.call("sync_unread_messages", {})
        assert not [e for e in synced["events"] if e["type"] in ("new_answer", "answer_accepted")]

        # The asker cannot leave their own question's answers behind.
        assert (await a.call("leave_question", {"questionId": qid}))["ok"] is True
        await b.call("create_answer", {"questionId": qid, "content": "세 번째"})
        notes = [await a.next("answer_notification") for _ in range(2)]  # "답변", "세 번째"
        assert notes[-1]["answer"]["preview"] == "세 번째"
        synced_asker = await a.call("sync_unread_messages", {})
        assert any(
            e["type"] == "new_answer" and e["payload"]["answer"]["content"] == "세 번째"
            for e in synced_asker["events"]
        )

        rejoined = await c.call("join_question", {"questionId": qid})
        answers = [m for m in rejoined["messages"] if m["kind"] == "answer"]
        assert [(m["content"], m["accepted"]) for m in answers] == [
            ("답변", True),
            ("세 번째", False),
        ]
        await b.call("create_answer", {"questionId": qid, "content": "또 답변"})
        assert (await c.next("new_answer"))["answer"]["content"] == "또 답변"
    finally:
        for client in (a, b, c):
            await client.close()
