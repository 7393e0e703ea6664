"""The event log stores what a fan-out's recipients share once (`event_payloads`) and a small
row per recipient: replay still gives each user whole events, once, in order."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from dongne.eventlog.service import Delivery
from dongne.kit.schema import WireModel
from dongne.models.events import EventPayload, UserEvent
from tests.fixtures.clients import Account, Api, connect

EVENT = "round_probe"


class Round(WireModel):
    event_id: int
    round: int
    question: dict[str, Any]
    distance_meters: int


def deliveries(round_: int, users: list[Account]) -> list[Delivery[Round]]:
    question = {"id": f"q{round_}", "title": f"라운드 {round_}", "hashtags": ["맛집"]}

    def build(distance: int) -> Any:
        return lambda event_id: Round(
            event_id=event_id, round=round_, question=question, distance_meters=distance
        )

    return [Delivery(u.id, build(100 * (n + 1))) for n, u in enumerate(users)]


async def fan_out(api: Api, round_: int, users: list[Account]) -> None:
    runtime = api.server.runtime
    async with runtime.db.transaction() as uow:
        await runtime.event_log.deliver(uow, EVENT, deliveries(round_, users))


async def count(api: Api, model: type[Any]) -> int:
    async with api.server.runtime.db.transaction(readonly=True) as uow:
        return int((await uow.session.execute(select(func.count()).select_from(model))).scalar())


async def last_logged_at(api: Api, user: Account) -> datetime:
    async with api.server.runtime.db.transaction(readonly=True) as uow:
        query = select(func.max(UserEvent.created_at)).where(UserEvent.user_id == user.id)
        moment: datetime = (await uow.session.execute(query)).scalar_one()
        return moment


async def test_a_fan_out_is_stored_once_and_replayed_whole(api: Api) -> None:
    users = [await api.register() for _ in range(4)]
    clients = [await connect(api.server, u.access_token) for u in users]
    try:
        shared_before = await count(api, EventPayload)
        await fan_out(api, 1, users)
        assert await count(api, EventPayload) == shared_before + 1
        async with api.server.runtime.db.transaction(readonly=True) as uow:
            rows = (
                await uow.session.execute(
                    select(UserEvent.payload).where(UserEvent.user_id.in_([u.id for u in users]))
                )
            ).scalars()
            assert all(set(own) == {"distanceMeters"} for own in rows)
        for n, client in enumerate(clients):
            live = await client.next(EVENT)
            assert live["distanceMeters"] == 100 * (n + 1)
            [logged] = (await client.call("sync_unread_messages", {}))["events"]
            assert logged["payload"] == live
            assert logged["eventId"] == live["eventId"]
    finally:
        for client in clients:
            await client.close()


async def test_a_disconnect_in_the_middle_of_a_round_is_recovered_by_the_sync(api: Api) -> None:
    users = [await api.register() for _ in range(3)]
    clients = [await connect(api.server, u.access_token) for u in users]
    leaver = clients[1]
    try:
        await fan_out(api, 1, users)
        cursor = (await leaver.next(EVENT))["eventId"]
        runtime = api.server.runtime
        async with runtime.db.transaction() as uow:
            await runtime.event_log.deliver(uow, EVENT, deliveries(2, users))
            # Gone after its event id was taken and before the emit: the live event is lost.
            await leaver.close()
        await fan_out(api, 3, users)
        for client in (clients[0], clients[2]):
            assert [(await client.next(EVENT))["round"] for _ in range(3)] == [1, 2, 3]

        back = await connect(api.server, users[1].access_token)
        clients[1] = back
        synced = await back.call("sync_unread_messages", {"lastEventId": cursor})
        events = synced["events"]
        assert [e["payload"]["round"] for e in events] == [2, 3]
        assert [e["payload"]["distanceMeters"] for e in events] == [200, 200]
        assert [e["payload"]["question"]["id"] for e in events] == ["q2", "q3"]
        ids = [e["eventId"] for e in events]
        assert ids == [cursor + 1, cursor + 2]
        assert all(e["payload"]["eventId"] == e["eventId"] for e in events)
    finally:
        for client in clients:
            await client.close()


async def test_pruning_drops_old_events_with_their_shared_payloads(api: Api) -> None:
    users = [await api.register() for _ in range(3)]
    runtime = api.server.runtime
    await fan_out(api, 1, users)
    old_at = await last_logged_at(api, users[0])
    await fan_out(api, 2, users)
    new_at = await last_logged_at(api, users[0])
    assert new_at > old_at
    async with runtime.db.transaction() as uow:
        # Cut between the two rounds: the first (and everything older) goes, the second stays.
        retention = runtime.clock.now() - (old_at + (new_at - old_at) / 2)
        assert await runtime.event_log.prune(uow, retention) >= len(users)
    async with runtime.db.transaction(readonly=True) as uow:
        left = (await uow.session.execute(select(EventPayload.created_at))).scalars().all()
    assert left
    assert all(at >= new_at for at in left)
    client = await connect(api.server, users[0].access_token)
    try:
        events = (await client.call("sync_unread_messages", {}))["events"]
        assert [e["payload"]["round"] for e in events] == [2]
        assert events[0]["payload"]["question"] == {
            "id": "q2",
            "title": "라운드 2",
            "hashtags": ["맛집"],
        }
    finally:
        await client.close()

    async with runtime.db.transaction() as uow:
        assert await runtime.event_log.prune(uow, timedelta(seconds=-5)) >= len(users)
    assert await count(api, EventPayload) == 0
