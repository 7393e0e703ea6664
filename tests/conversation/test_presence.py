"""Presence: online while any device is connected, debounced, only to shared rooms."""

from __future__ import annotations

from tests.conversation.conftest import DEBOUNCE_S
from tests.fixtures.clients import Api, connect
from tests.fixtures.jeju import question_payload


async def test_second_device_keeps_a_user_online(quick_api: Api) -> None:
    asker, local, loner = (
        await quick_api.register(),
        await quick_api.register(),
        await quick_api.register(),
    )
    server = quick_api.server
    a = await connect(server, asker.access_token)
    outsider = await connect(server, loner.access_token)
    first = await connect(server, local.access_token)
    try:
        qid = (await a.call("create_question", question_payload()))["question"]["id"]
        await a.call("join_question", {"questionId": qid})
        await first.call("join_question", {"questionId": qid})

        second = await connect(server, local.access_token)
        await first.close()
        # The second device keeps the user online: no user_offline even after the debounce.
        await second.call("join_question", {"questionId": qid})
        assert a.pending("user_offline") == 0
        await second.close()
        offline = await a.next("user_offline", timeout=DEBOUNCE_S * 10)
        assert offline["userId"] == local.id

        back = await connect(server, local.access_token)
        online = await a.next("user_online")
        assert online["userId"] == local.id
        await back.close()
        await a.next("user_offline", timeout=DEBOUNCE_S * 10)
        # The outsider shares no room with either of them and heard nothing.
        await outsider.call("sync_unread_messages", {})  # round trip
        assert outsider.pending("user_online") == 0
        assert outsider.pending("user_offline") == 0
    finally:
        await a.close()
        await outsider.close()


async def test_a_quick_reconnect_does_not_flap(quick_api: Api) -> None:
    asker, local = await quick_api.register(), await quick_api.register()
    server = quick_api.server
    a = await connect(server, asker.access_token)
    device = await connect(server, local.access_token)
    try:
        qid = (await a.call("create_question", question_payload()))["question"]["id"]
        await a.call("join_question", {"questionId": qid})
        await device.call("join_question", {"questionId": qid})
        await device.close()
        device = await connect(server, local.access_token)  # back within the debounce
        await device.call("join_question", {"questionId": qid})
        await device.close()
        # Only the final departure is announced, once, after the debounce.
        offline = await a.next("user_offline", timeout=DEBOUNCE_S * 10)
        assert offline["userId"] == local.id
        await a.call("sync_unread_messages", {})
        assert a.pending("user_offline") == 0
        assert a.pending("user_online") == 0
    finally:
        await a.close()


async def test_the_room_hears_who_joins_before_they_post(quick_api: Api) -> None:
    asker, local = await quick_api.register(), await quick_api.register()
    server = quick_api.server
    a = await connect(server, asker.access_token)
    b = await connect(server, local.access_token)
    try:
        qid = (await a.call("create_question", question_payload()))["question"]["id"]
        await a.call("join_question", {"questionId": qid})
        first = await a.next("room_users")
        assert [u["id"] for u in first["users"]] == [asker.id]
        await b.call("join_question", {"questionId": qid})
        joined = await a.next("room_users")
        assert joined["questionId"] == qid
        users = {u["id"]: u for u in joined["users"]}
        assert set(users) == {asker.id, local.id}
        assert users[local.id]["online"] is True
        assert (await b.next("room_users"))["questionId"] == qid  # the joiner's own copy
    finally:
        await a.close()
        await b.close()
