"""Two nodes sharing Redis and PostgreSQL behind nginx (issue [10] acceptance).

Real time throughout (the nodes are separate processes): the IMMEDIATE wave runs at
once and QUICK 3 s later, which bounds each test to a few seconds of waiting.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any

import httpx
import orjson
from redis.asyncio import Redis

from dongne.escalation.service import WAVE_JOB
from dongne.infra.redis import SOCKETIO_CHANNEL, scoped_channel
from dongne.models import Job
from tests.cluster.harness import Client, Cluster, Node, notifications_for, offset, online
from tests.fixtures.jeju import place, question_payload

QUICK_DELAY_S = 3.0
# After the last expected arrival: time for a duplicate to show up, were there one.
SETTLE_S = 1.5


async def test_question_on_a_reaches_local_on_b_and_answer_on_b_reaches_asker_on_a(
    shared_cluster: Cluster,
) -> None:
    cluster = shared_cluster
    spot = place("seongsan_ilchulbong")
    asker = await online(cluster, cluster.a, "asker", offset(spot, 30), local=False)
    local_b = await online(cluster, cluster.b, "local-b", offset(spot, 400))
    clients = [asker, local_b]
    try:
        ack = await asker.call("create_question", question_payload())
        assert ack["ok"] is True, ack
        qid = ack["question"]["id"]

        await local_b.wait_for("the question", lambda c: bool(notifications_for(c, qid)))
        (event,) = notifications_for(local_b, qid)
        assert event["priority"] == "IMMEDIATE"
        assert event["distanceMeters"] == 400

        reply = await local_b.call("create_answer", {"questionId": qid, "content": "열려 있어요!"})
        assert reply["ok"] is True, reply
        await asker.wait_for(
            "the answer notification", lambda c: bool(c.events("answer_notification"))
        )
        (note,) = asker.events("answer_notification")
        assert note["questionId"] == qid
        assert note["answer"]["preview"] == "열려 있어요!"
        # The room emit (not logged) crosses nodes too: the asker joined the room on A.
        await asker.wait_for("the new answer", lambda c: bool(c.live_events("new_answer")))
        assert asker.live_events("new_answer")[0]["answer"]["content"] == "열려 있어요!"
    finally:
        for client in clients:
            await client.close()


async def test_every_wave_runs_once_although_both_nodes_schedule(
    shared_cluster: Cluster,
) -> None:
    """Three questions, asked on both nodes; locals on both nodes; waves IMMEDIATE and QUICK."""
    cluster = shared_cluster
    spot = place("aewol_cafe_street")
    nodes = (cluster.a, cluster.b)
    # Within 2 km (IMMEDIATE, at most 10 of them) and 3-4.5 km away (QUICK only).
    near = [
        await online(cluster, nodes[i % 2], f"near{i}", offset(spot, 200 * (i + 1)))
        for i in range(6)
    ]
    middle = [
        await online(cluster, nodes[i % 2], f"mid{i}", offset(spot, -3000 - 400 * i))
        for i in range(4)
    ]
    askers = [
        await online(cluster, nodes[i % 2], f"asker{i}", offset(spot, east_m=20 * i), local=False)
        for i in range(3)
    ]
    clients = [*near, *middle, *askers]
    try:
        acks = await asyncio.gather(
            *(
                asker.call(
                    "create_question",
                    question_payload(
                        title=f"애월 카페 거리 주차 {n}번 질문",
                        content=f"애월 카페 거리 근처 공영 주차장 자리 있나요? ({n})",
                        location={"lat": spot["lat"], "lng": spot["lng"]},
                        hashtags=["애월"],
                        urgency="normal",
                    ),
                )
                for n, asker in enumerate(askers)
            )
        )
        assert all(ack["ok"] for ack in acks), acks
        qids = [ack["question"]["id"] for ack in acks]

        def heard_all(client: Client) -> bool:
            return all(notifications_for(client, qid) for qid in qids)

        for client in near:
            await client.wait_for("IMMEDIATE of every question", heard_all, timeout_s=10)
        for client in middle:
            await client.wait_for(
                "QUICK of every question", heard_all, timeout_s=QUICK_DELAY_S + 10
            )
        await asyncio.sleep(SETTLE_S)

        for client in clients:
            # No eventId came twice over the wire, whichever node emitted it.
            assert all(n == 1 for n in client.received.values()), (client.name, client.received)
        for qid in qids:
            for client, wave in [(c, "IMMEDIATE") for c in near] + [(c, "QUICK") for c in middle]:
                events = notifications_for(client, qid)
                assert [e["priority"] for e in events] == [wave], (client.name, events)
            for asker in askers:
                assert notifications_for(asker, qid) == []

            stored = await cluster.notified(qid)
            per_user = Counter(user for _, user in stored)
            assert set(per_user.values()) == {1}, stored
            waves = Counter(wave for wave, _ in stored)
            assert waves == {"IMMEDIATE": len(near), "QUICK": len(middle)}, waves

        # Each wave job ran once: done on its first attempt, by whichever node claimed it.
        for wave in ("IMMEDIATE", "QUICK"):
            done = await cluster.count(
                Job,
                Job.kind == WAVE_JOB,
                Job.status == "done",
                Job.attempts == 1,
                Job.payload["wave"].as_string() == wave,
                Job.payload["questionId"].as_string().in_(qids),
            )
            assert done == len(qids), wave
    finally:
        for client in clients:
            await client.close()


async def test_clients_through_nginx_on_websocket_and_polling(shared_cluster: Cluster) -> None:
    """The shipped load-balancer config: websocket upgrade, and sticky long-polling."""
    cluster = shared_cluster
    spot = place("hyeopjae_beach")
    behind = await cluster.nginx.upstream_for_this_client()
    assert behind in (cluster.a.address, cluster.b.address)
    asker = await online(cluster, cluster.nginx.url, "asker", offset(spot, 10), local=False)
    polling = await online(
        cluster, cluster.nginx.url, "polling", offset(spot, 300), transports=("polling",)
    )
    upgraded = await online(cluster, cluster.nginx.url, "upgraded", offset(spot, 500))
    clients = [asker, polling, upgraded]
    try:
        assert polling.sio.transport() == "polling"
        assert upgraded.sio.transport() == "websocket"
        ack = await asker.call("create_question", question_payload(location=spot))
        assert ack["ok"] is True, ack
        qid = ack["question"]["id"]
        for client in (polling, upgraded):
            await client.wait_for("the question", lambda c: bool(notifications_for(c, qid)))
        reply = await polling.call("create_answer", {"questionId": qid, "content": "네 있어요"})
        assert reply["ok"] is True, reply
        await asker.wait_for("the answer", lambda c: bool(c.events("answer_notification")))
        # Every one of them is on the node nginx hashes this machine's address to.
        assert await cluster.node(behind).connected_sockets() == len(clients)
        assert await cluster.other(cluster.node(behind)).connected_sockets() == 0
    finally:
        for client in clients:
            await client.close()


async def _http(
    node: Node, client: Client, method: str, path: str, body: dict[str, Any] | None = None
) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=node.url, timeout=10) as http:
        response = await http.request(
            method, path, json=body, headers={"Authorization": f"Bearer {client.token}"}
        )
    assert response.status_code == 200, (node.name, path, response.text)
    reply: dict[str, Any] = response.json()
    return reply


async def test_a_write_on_one_node_is_read_at_once_on_the_other(shared_cluster: Cluster) -> None:
    """The caches are shared in Redis and dropped on every write before its reply."""
    cluster = shared_cluster
    a, b = cluster.a, cluster.b
    spot = place("jeongbang_falls")
    asker = await online(cluster, a, "cache-asker", offset(spot, 10), local=False)
    local = await online(cluster, b, "cache-local", offset(spot, 250))
    clients = [asker, local]
    try:
        ack = await asker.call("create_question", question_payload(location=spot))
        assert ack["ok"] is True, ack
        qid = ack["question"]["id"]
        page = f"/api/questions/{qid}"
        # Read on both nodes first, so the page and the sessions are in the cache.
        assert (await _http(b, local, "GET", page))["answers"] == []
        assert (await _http(a, asker, "GET", page))["answers"] == []
        assert (await _http(a, local, "GET", "/api/me"))["points"] == 0

        reply = await local.call("create_answer", {"questionId": qid, "content": "폭포 열려요"})
        assert reply["ok"] is True, reply
        on_a = await _http(a, asker, "GET", page)
        assert [x["content"] for x in on_a["answers"]] == ["폭포 열려요"]

        accepted = await asker.call("accept_answer", {"answerId": reply["answer"]["id"]})
        assert accepted["ok"] is True, accepted
        on_b = await _http(b, local, "GET", page)
        assert on_b["status"] == "accepted"
        assert on_b["answers"][0]["accepted"] is True
        points = (await _http(a, local, "GET", "/api/me"))["points"]
        assert points == accepted["pointsAwarded"] > 0

        renamed = await _http(b, asker, "PATCH", "/api/me", {"nickname": "새 닉네임"})
        assert renamed["nickname"] == "새 닉네임"
        assert (await _http(a, asker, "GET", "/api/me"))["nickname"] == "새 닉네임"
        assert (await _http(a, local, "GET", page))["user"]["nickname"] == "새 닉네임"
    finally:
        for client in clients:
            await client.close()


async def test_replies_to_a_socket_stay_on_its_node(shared_cluster: Cluster) -> None:
    """An error or a reply goes to the socket that asked, on its node: published to the
    Redis channel, every node would handle it (a refused flood used to cost that)."""
    cluster = shared_cluster
    spot = place("hyeopjae_beach")
    channel = scoped_channel(SOCKETIO_CHANNEL, cluster.redis.url)
    heard: list[str] = []
    redis = Redis.from_url(cluster.redis.url)
    pubsub = redis.pubsub(ignore_subscribe_messages=True)
    await pubsub.subscribe(channel)
    asker = await online(cluster, cluster.a, "quiet-asker", offset(spot, 20), local=False)
    local = await online(cluster, cluster.b, "quiet-local", offset(spot, 300))
    try:
        for _ in range(3):
            refused = await asker.call("create_answer", "not an object")
            assert refused["ok"] is False
            assert refused["error"]["code"] == "invalid"
        await asker.wait_for("three errors", lambda c: len(c.live_events("error")) == 3)
        ack = await asker.call("create_question", question_payload(location=spot))
        assert ack["ok"] is True, ack
        # The notification to the local on B must cross; everything before it is heard too.
        async with asyncio.timeout(10):
            while "new_question_notification" not in heard:
                # None for the subscription's own confirmation, or after a second of quiet.
                message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=1)
                if message is not None:
                    heard.append(orjson.loads(message["data"]).get("event", ""))
        assert "error" not in heard
        assert "nearby_questions_update" not in heard
        assert "question_created" not in heard
    finally:
        await pubsub.aclose()
        await redis.aclose()
        for client in (asker, local):
            await client.close()
