"""The asker writes in their own room (issue [16] item 4): follow-ups and thanks reach the
others live and through the sync, and are never answers (not acceptable, no points, no
first answer)."""

from __future__ import annotations

from tests.fixtures.clients import Api, connect
from tests.fixtures.jeju import question_payload


async def test_the_asker_follows_up_and_the_local_sees_it(api: Api) -> None:
    asker, local = await api.register("여행자"), await api.register("성산토박이")
    phone = await connect(api.server, asker.access_token)
    answerer = await connect(api.server, local.access_token)
    try:
        qid = (await phone.call("create_question", question_payload()))["question"]["id"]
        await answerer.call("join_question", {"questionId": qid})

        ack = await phone.call(
            "post_follow_up", {"questionId": qid, "content": "<b>주차</b>도 되나요?"}
        )
        assert ack["ok"] is True, ack
        message = ack["message"]
        assert message["kind"] == "follow_up"
        assert message["content"] == "주차도 되나요?"
        assert message["user"]["id"] == asker.id
        live = await answerer.next("new_follow_up")
        assert live["message"]["id"] == message["id"]
        assert isinstance(live["eventId"], int)

        # Not an answer: the question still waits for its first one.
        auth = {"Authorization": f"Bearer {asker.access_token}"}
        page = (await api.http.get(f"/api/questions/{qid}", headers=auth)).json()
        assert page["answerCount"] == 0
        assert page["firstAnswerAt"] is None
        assert page["status"] == "open"
        refused = await phone.call("accept_answer", {"answerId": message["id"]})
        assert refused["ok"] is False

        # In the room on joining, after the question; read receipts work on it.
        room = await answerer.call("join_question", {"questionId": qid})
        assert [m["kind"] for m in room["messages"]] == ["question", "follow_up"]
        read = await answerer.call("message_read", {"questionId": qid, "messageId": message["id"]})
        assert read["ok"] is True, read
        assert read["status"] == "read"

        # Durable: a device that missed it gets it from the sync.
        synced = await answerer.call("sync_unread_messages", {})
        assert "new_follow_up" in [e["type"] for e in synced["events"]]
    finally:
        await phone.close()
        await answerer.close()


async def test_only_the_asker_follows_up(api: Api) -> None:
    asker, local = await api.register("여행자2"), await api.register("주민2")
    phone = await connect(api.server, asker.access_token)
    answerer = await connect(api.server, local.access_token)
    try:
        qid = (await phone.call("create_question", question_payload()))["question"]["id"]
        refused = await answerer.call("post_follow_up", {"questionId": qid, "content": "저요?"})
        assert refused["ok"] is False
        assert refused["error"]["code"] == "forbidden"
        too_long = await phone.call("post_follow_up", {"questionId": qid, "content": "가" * 1001})
        assert too_long["ok"] is False
        assert too_long["error"]["code"] == "invalid"
        # The connection stays up after the refusals.
        assert (await answerer.call("sync_unread_messages", {}))["ok"] is True
    finally:
        await phone.close()
        await answerer.close()
