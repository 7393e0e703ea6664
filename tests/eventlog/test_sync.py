"""Reconnect without loss: every durable event missed while away comes back, once, in order."""

from __future__ import annotations

from dongne.eventlog.service import SYNC_PAGE
from dongne.notifications.service import Message
from tests.fixtures.clients import Api, connect
from tests.fixtures.jeju import question_payload


async def notify(api: Api, user_id: str, count: int = 1) -> None:
    runtime = api.server.runtime
    async with runtime.db.transaction() as uow:
        for n in range(count):
            await runtime.notifications.notify(
                uow, user_id, Message(type="operator", title="공지", message=f"안내 {n}")
            )


async def test_events_missed_while_away_come_back_once_in_order(api: Api) -> None:
    asker, watcher = await api.register(), await api.register()
    locals_ = [await api.register(f"주민{n}") for n in range(3)]
    a = await connect(api.server, asker.access_token)
    w = await connect(api.server, watcher.access_token)
    answerers = [await connect(api.server, local.access_token) for local in locals_]
    try:
        qid = (await a.call("create_question", question_payload()))["question"]["id"]
        await w.call("join_question", {"questionId": qid})
        before = await w.call("sync_unread_messages", {})
        last_seen = before["lastEventId"]
        await w.close()

        for n, client in enumerate(answerers, start=1):
            assert (await client.call("create_answer", {"questionId": qid, "content": f"{n}"}))[
                "ok"
            ]
        await notify(api, watcher.id)

        w = await connect(api.server, watcher.access_token)
        synced = await w.call("sync_unread_messages", {"lastEventId": last_seen})
        events = synced["events"]
        assert [e["type"] for e in events] == ["new_answer"] * 3 + ["notification"]
        assert [e["payload"]["answer"]["content"] for e in events[:3]] == ["1", "2", "3"]
        ids = [e["eventId"] for e in events]
        assert ids == sorted(set(ids))
        assert all(e["payload"]["eventId"] == e["eventId"] for e in events)
        assert synced["lastEventId"] == ids[-1]
        assert synced["hasMore"] is False
        assert (await w.next("unread_messages"))["lastEventId"] == ids[-1]

        again = await w.call("sync_unread_messages", {"lastEventId": synced["lastEventId"]})
        assert again["events"] == []
        assert again["lastEventId"] == synced["lastEventId"]
    finally:
        for client in (a, w, *answerers):
            await client.close()


async def test_sync_by_timestamp_and_in_pages(api: Api) -> None:
    user = await api.register()
    client = await connect(api.server, user.access_token)
    try:
        await notify(api, user.id, SYNC_PAGE + 5)
        first = await client.call("sync_unread_messages", {})
        assert len(first["events"]) == SYNC_PAGE
        assert first["hasMore"] is True
        rest = await client.call("sync_unread_messages", {"lastEventId": first["lastEventId"]})
        assert len(rest["events"]) == 5
        assert rest["hasMore"] is False
        assert rest["events"][0]["eventId"] == first["lastEventId"] + 1

        cutoff = first["events"][-1]["createdAt"]
        by_time = await client.call(
            "sync_unread_messages", {"lastSyncTimestamp": "2000-01-01T00:00:00Z"}
        )
        assert len(by_time["events"]) == SYNC_PAGE
        later = await client.call("sync_unread_messages", {"lastSyncTimestamp": cutoff})
        assert all(e["createdAt"] > cutoff for e in later["events"])
    finally:
        await client.close()


async def test_each_user_sees_only_their_own_events(api: Api) -> None:
    alice, bob = await api.register(), await api.register()
    await notify(api, alice.id)
    client = await connect(api.server, bob.access_token)
    try:
        synced = await client.call("sync_unread_messages", {})
        assert synced["events"] == []
        bad = await client.call("sync_unread_messages", {"lastEventId": -1})
        assert bad["error"]["code"] == "invalid"
    finally:
        await client.close()


async def test_events_past_retention_are_pruned(api: Api) -> None:
    from datetime import timedelta

    user = await api.register()
    await notify(api, user.id, 2)
    runtime = api.server.runtime
    async with runtime.db.transaction() as uow:
        assert await runtime.event_log.prune(uow, timedelta(days=7)) == 0
    async with runtime.db.transaction() as uow:
        # A retention that ends in the future: everything logged so far is past it.
        assert await runtime.event_log.prune(uow, timedelta(seconds=-5)) >= 2
    client = await connect(api.server, user.access_token)
    try:
        assert (await client.call("sync_unread_messages", {}))["events"] == []
    finally:
        await client.close()
