"""Read receipts: sent -> delivered -> read, unread counts 2 -> 1 -> 0, never backwards."""

from __future__ import annotations

from tests.fixtures.clients import Api, connect
from tests.fixtures.jeju import question_payload


async def test_statuses_unread_counts_and_markers_that_never_go_back(api: Api) -> None:
    asker, first, second = await api.register(), await api.register(), await api.register()
    phone = await connect(api.server, asker.access_token)
    tablet = await connect(api.server, asker.access_token)
    b = await connect(api.server, first.access_token)
    c = await connect(api.server, second.access_token)
    try:
        qid = (await phone.call("create_question", question_payload()))["question"]["id"]
        await tablet.call("join_question", {"questionId": qid})
        await b.call("join_question", {"questionId": qid})
        joined = await c.call("join_question", {"questionId": qid})
        question = joined["messages"][0]
        assert (question["status"], question["unreadCount"]) == ("sent", 2)

        delivered = await b.call("message_delivered", {"questionId": qid, "messageId": qid})
        assert (delivered["status"], delivered["unreadCount"]) == ("delivered", 2)
        read_b = await b.call("message_read", {"questionId": qid, "messageId": qid})
        assert read_b["unreadCount"] == 1
        # The asker's devices both see it: read state is per user, shown on every device.
        for device in (phone, tablet):
            assert (await device.next("message_status"))["status"] == "delivered"
            seen = await device.next("message_status")
            assert (seen["userId"], seen["status"], seen["unreadCount"]) == (first.id, "read", 1)
        read_c = await c.call("message_read", {"questionId": qid, "messageId": qid})
        assert read_c["unreadCount"] == 0
        rejoined = await phone.call("join_question", {"questionId": qid})
        first_message = rejoined["messages"][0]
        assert (first_message["status"], first_message["unreadCount"]) == ("read", 0)

        answer = (await b.call("create_answer", {"questionId": qid, "content": "네"}))["answer"]
        assert (await c.call("message_read", {"questionId": qid, "messageId": answer["id"]}))["ok"]
        # A late "delivered" for an older message arrives out of order: nothing moves back.
        late = await c.call("message_delivered", {"questionId": qid, "messageId": qid})
        assert late["unreadCount"] == 0
        view = await b.call("join_question", {"questionId": qid})
        answer_view = view["messages"][1]
        assert answer_view["id"] == answer["id"]
        assert (answer_view["status"], answer_view["unreadCount"]) == ("sent", 1)  # asker unread
    finally:
        for client in (phone, tablet, b, c):
            await client.close()


async def test_read_state_is_for_members_and_their_messages_only(api: Api) -> None:
    asker, outsider = await api.register(), await api.register()
    a = await connect(api.server, asker.access_token)
    o = await connect(api.server, outsider.access_token)
    try:
        qid = (await a.call("create_question", question_payload()))["question"]["id"]
        other = (await a.call("create_question", question_payload()))["question"]["id"]
        refused = await o.call("message_read", {"questionId": qid, "messageId": qid})
        assert refused["error"]["code"] == "forbidden"
        mixed = await a.call("message_read", {"questionId": qid, "messageId": other})
        assert mixed["error"]["code"] == "not_found"
    finally:
        await a.close()
        await o.close()
