"""Presence is cluster-wide (issue [15] item 5): a user is offline when their last socket on
any node closes, and a crashed node's users drop out within a bounded time."""

from __future__ import annotations

import signal

from dongne.infra.presence.cluster import BEAT_S, DEAD_AFTER_S
from tests.cluster.harness import Client, Cluster, notifications_for, offset, online, wait_until
from tests.fixtures.jeju import place, question_payload
from tests.fixtures.people import make_admin_token

SPOT = place("seongsan_ilchulbong")


async def test_a_user_on_both_nodes_stays_online_when_one_socket_closes(
    shared_cluster: Cluster,
) -> None:
    cluster = shared_cluster
    on_a = await online(cluster, cluster.a, "two-devices", offset(SPOT, 300))
    on_b = Client("two-devices-b", cluster.b.url, on_a.token, ("websocket",), on_a.user_id)
    await on_b.connect()
    await on_b.locate(*offset(SPOT, 300))
    sockets_on_a = await cluster.a.connected_sockets()
    await on_a.close()

    async def closed_on_a() -> bool:
        return await cluster.a.connected_sockets() == sockets_on_a - 1

    await wait_until(closed_on_a, 10, "node A to see the socket close")
    asker = await online(cluster, cluster.a, "asker", offset(SPOT, 10), local=False)
    try:
        ack = await asker.call("create_question", question_payload())
        assert ack["ok"] is True, ack
        qid = ack["question"]["id"]
        # Still online, still where they were: the IMMEDIATE wave finds them.
        await on_b.wait_for("the question", lambda c: bool(notifications_for(c, qid)))
        assert asker.live_events("user_offline") == []
    finally:
        for client in (asker, on_b):
            await client.close()


async def test_a_crashed_nodes_users_drop_out_in_bounded_time(cluster: Cluster) -> None:
    asker = await online(cluster, cluster.a, "watcher", offset(SPOT, 10), local=False)
    gone = await online(cluster, cluster.b, "on-b-only", offset(SPOT, 500))
    try:
        qid = (await asker.call("create_question", question_payload()))["question"]["id"]
        assert (await gone.call("join_question", {"questionId": qid}))["ok"] is True
        cluster.b.send(signal.SIGKILL)
        await cluster.b.wait(5)

        def heard_offline(client: Client) -> bool:
            return any(e["userId"] == gone.user_id for e in client.live_events("user_offline"))

        bound = DEAD_AFTER_S + 2 * BEAT_S + 5  # + the offline debounce and a margin
        await asker.wait_for("the crashed node's user to go offline", heard_offline, bound)
    finally:
        await asker.close()
        await gone.close()


async def test_the_admin_dashboard_counts_the_sockets_of_both_nodes(
    shared_cluster: Cluster,
) -> None:
    """The dashboard's node serves one admin socket; the counts cover every node."""
    cluster = shared_cluster
    token = await make_admin_token(cluster.server(cluster.a.url))
    admin = await Client("ops", cluster.a.url, token, ("websocket",), "ops").connect()
    on_b = [await online(cluster, cluster.b, f"on-b-{n}", offset(SPOT, 100 * n)) for n in (1, 2)]
    clients = [admin, *on_b]
    try:
        assert (await admin.call("join_admin", {}))["ok"] is True
        # What node A alone would report; the two sockets on B come on top.
        on_a = await cluster.a.connected_sockets()

        def counted_both(c: Client) -> bool:
            updates = c.live_events("metrics-update")
            return bool(updates) and updates[-1]["connectedSockets"] >= on_a + 2

        await admin.wait_for("a count of both nodes", counted_both, timeout_s=3 * BEAT_S + 5)
        assert admin.live_events("metrics-update")[-1]["connectedUsers"] >= 3
    finally:
        for client in clients:
            await client.close()


async def test_typing_on_one_node_reaches_the_room_on_the_other_and_stops_by_itself(
    shared_cluster: Cluster,
) -> None:
    cluster = shared_cluster
    asker = await online(cluster, cluster.a, "asker-typing", offset(SPOT, 10), local=False)
    typist = await online(cluster, cluster.b, "typist", offset(SPOT, 200))
    try:
        ack = await asker.call("create_question", question_payload())
        qid = ack["question"]["id"]
        for client in (asker, typist):
            assert (await client.call("join_question", {"questionId": qid}))["ok"] is True
        assert (await typist.call("typing_start", {"questionId": qid}))["ok"] is True
        await asker.wait_for("the typing on B", lambda c: bool(c.live_events("user_typing")))
        assert asker.live_events("user_typing")[0]["userId"] == typist.user_id
        # The auto-stop (3 s) runs on the typist's node and reaches A as well.
        await asker.wait_for(
            "the auto-stop", lambda c: bool(c.live_events("user_stop_typing")), timeout_s=10
        )
        assert typist.live_events("user_typing") == []
    finally:
        for client in (asker, typist):
            await client.close()
