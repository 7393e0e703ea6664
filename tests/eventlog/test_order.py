"""Per-user order on the wire: a client that keeps the highest `eventId` as its sync cursor
must never see a lower one after it, however many transactions deliver to it at once."""

from __future__ import annotations

import asyncio
import contextlib
import random

from dongne.eventlog.service import Delivery
from dongne.kit.schema import WireModel
from tests.fixtures.clients import Api, SocketClient, connect

USERS = 6
WRITERS = 24
EVENT = "order_probe"


class Probe(WireModel):
    event_id: int
    writer: int


async def deliver_to_all(api: Api, user_ids: list[str], writer: int) -> None:
    """One transaction delivering to every user, listed in an order of its own."""
    runtime = api.server.runtime
    order = random.Random(writer).sample(user_ids, len(user_ids))
    async with runtime.db.transaction() as uow:
        await runtime.event_log.deliver(
            uow,
            EVENT,
            [Delivery(u, lambda event_id: Probe(event_id=event_id, writer=writer)) for u in order],
        )


async def received(client: SocketClient, count: int) -> list[dict[str, int]]:
    return [await client.next(EVENT) for _ in range(count)]


async def test_concurrent_transactions_reach_each_user_in_event_id_order(api: Api) -> None:
    accounts = [await api.register() for _ in range(USERS)]
    clients = [await connect(api.server, account.access_token) for account in accounts]
    try:
        await asyncio.gather(
            *(deliver_to_all(api, [a.id for a in accounts], n) for n in range(WRITERS))
        )
        for client in clients:
            live = await received(client, WRITERS)
            ids = [p["eventId"] for p in live]
            assert ids == sorted(set(ids)), f"out of order on the wire: {ids}"
            # Replay from the shared payloads: the same events, whole, once, in order.
            synced = await client.call("sync_unread_messages", {})
            assert [e["payload"] for e in synced["events"] if e["type"] == EVENT] == live
    finally:
        for client in clients:
            await client.close()


async def test_a_transaction_left_open_holds_later_emits_only_for_a_while(api: Api) -> None:
    late = await api.register()
    client = await connect(api.server, late.access_token)
    runtime = api.server.runtime
    try:
        opened = asyncio.Event()
        release = asyncio.Event()

        async def left_open() -> None:
            async with runtime.db.transaction(readonly=True) as uow:
                runtime.events.publish(uow, EVENT, Probe(event_id=0, writer=-1), room="nobody")
                opened.set()
                await release.wait()

        holder = asyncio.create_task(left_open())
        await opened.wait()
        async with runtime.db.transaction() as uow:
            await runtime.event_log.deliver(
                uow, EVENT, [Delivery(late.id, lambda i: Probe(event_id=i, writer=1))]
            )
        # Waits its turn behind the open transaction, then gives way (TURN_WAIT_MAX_S).
        assert (await client.next(EVENT, timeout=10))["writer"] == 1
        assert not holder.done()
        release.set()
        await holder
    finally:
        await client.close()


async def test_the_fan_outs_of_one_transaction_keep_the_order_they_were_made_in(api: Api) -> None:
    """An answer logs three events for its asker in one transaction: their ids are one
    consecutive range, handed out in the order the fan-outs were made."""
    asker, other = await api.register(), await api.register()
    client = await connect(api.server, asker.access_token)
    runtime = api.server.runtime

    def probe(user_id: str, n: int) -> Delivery[Probe]:
        return Delivery(user_id, lambda event_id: Probe(event_id=event_id, writer=n))

    try:
        async with runtime.db.transaction() as uow:
            await runtime.event_log.deliver(uow, EVENT, [probe(other.id, 0), probe(asker.id, 1)])
            await runtime.event_log.deliver(uow, EVENT, [probe(asker.id, 2)])
            await runtime.event_log.deliver(uow, EVENT, [probe(asker.id, 3), probe(asker.id, 4)])
        live = await received(client, 4)
        assert [p["writer"] for p in live] == [1, 2, 3, 4]
        first = live[0]["eventId"]
        assert [p["eventId"] for p in live] == list(range(first, first + 4))
        synced = await client.call("sync_unread_messages", {})
        assert [e["payload"] for e in synced["events"] if e["type"] == EVENT] == live
    finally:
        await client.close()


async def test_a_rolled_back_transaction_logs_and_sends_nothing(api: Api) -> None:
    user = await api.register()
    client = await connect(api.server, user.access_token)
    runtime = api.server.runtime
    try:
        with contextlib.suppress(RuntimeError):
            async with runtime.db.transaction() as uow:
                await runtime.event_log.deliver(
                    uow, EVENT, [Delivery(user.id, lambda i: Probe(event_id=i, writer=1))]
                )
                raise RuntimeError("the use case failed after delivering")
        async with runtime.db.transaction() as uow:
            await runtime.event_log.deliver(
                uow, EVENT, [Delivery(user.id, lambda i: Probe(event_id=i, writer=2))]
            )
        # The next event on the wire is the committed one, and it has the user's first id.
        assert await client.next(EVENT) == {"eventId": 1, "writer": 2}
        synced = await client.call("sync_unread_messages", {})
        assert [e["payload"]["writer"] for e in synced["events"] if e["type"] == EVENT] == [2]
    finally:
        await client.close()
