"""Redis dies for a few seconds and comes back empty: the nodes recover on their own.

The cluster's Redis is its own `redis-server` (no persistence), so killing it touches
nothing else on the machine.
"""

from __future__ import annotations

import asyncio
import signal
import time

from redis.asyncio import Redis

from dongne.infra.presence.cluster import BEAT_S
from dongne.infra.presence.redis import RedisPresenceIndex
from dongne.models import Answer, Question
from tests.cluster.harness import Client, Cluster, notifications_for, offset, online, wait_until
from tests.fixtures.jeju import place, question_payload

OUTAGE_S = 3.0
NOT_READY_WITHIN_S = 10.0
# Resubscribing backs off to at most 2 s; the readiness probe itself takes up to 2 s.
READY_AGAIN_WITHIN_S = 15.0


def ask(title: str, spot: dict[str, float]) -> dict[str, object]:
    return question_payload(
        title=title, content=f"{title} — 지금 가도 될까요?", location=spot, hashtags=["우도"]
    )


async def test_nodes_ride_out_a_redis_restart_without_losing_anything(cluster: Cluster) -> None:
    spot = place("udo")
    a, b = cluster.a, cluster.b
    asker = await online(cluster, a, "asker", offset(spot, 20), local=False)
    local = await online(cluster, b, "local", offset(spot, 500))
    # One user, a socket on each node: the nodes' socket hashes are what keep them online.
    on_a = await online(cluster, a, "two-devices", offset(spot, 900))
    on_b = Client("two-devices-b", b.url, on_a.token, ("websocket",), on_a.user_id)
    await on_b.connect()
    clients: list[Client] = [asker, local, on_a, on_b]
    shared = Redis.from_url(cluster.redis.url)
    index = RedisPresenceIndex(shared, now=time.time)
    try:
        first = await asker.call("create_question", ask("우도 배편 운항하나요", spot))
        assert first["ok"] is True, first
        q1 = first["question"]["id"]
        await local.wait_for("the first question", lambda c: bool(notifications_for(c, q1)))
        assert (await local.call("create_answer", {"questionId": q1, "content": "네"}))["ok"]
        await asker.wait_for(
            "the first answer", lambda c: len(c.events("answer_notification")) == 1
        )
        before = await cluster.stored()
        pids = (a.pid, b.pid)

        await cluster.redis.stop(signal.SIGKILL)
        for node in (a, b):
            await wait_until(node.is_not_ready, NOT_READY_WITHIN_S, f"{node.name} not ready")
            body = (await node.get("/ready")).json()
            assert body["checks"]["redis"] == "unavailable", body
            assert body["checks"]["database"] == "ok", body
            assert (await node.get("/health")).status_code == 200

        # Still serving its own sockets: storing works, replies and same-node emits arrive.
        during = await asker.call("create_question", ask("우도 땅콩 아이스크림 가게", spot))
        assert during["ok"] is True, during
        q2 = during["question"]["id"]
        reply = await local.call("create_answer", {"questionId": q1, "content": "아직 운항해요"})
        assert reply["ok"] is True, reply
        # New connections are still accepted (rate limits count in memory meanwhile).
        late = await online(cluster, a, "late", local=False)
        clients.append(late)
        assert (await late.call("sync_unread_messages", {}))["ok"] is True

        await asyncio.sleep(OUTAGE_S)
        cluster.redis.start()
        await cluster.redis.ready()
        for node in (a, b):
            await wait_until(node.is_ready, READY_AGAIN_WITHIN_S, f"{node.name} ready again")
            body = (await node.get("/ready")).json()
            assert set(body["checks"].values()) == {"ok"}, body
        assert (a.pid, b.pid) == pids
        assert a.alive()
        assert b.alive()

        # Redis came back empty. Each node's next beat finds it forgotten and puts its users
        # back (sockets and positions) without any client re-sending anything.
        async def everyone_back() -> bool:
            found = await index.positions([local.user_id, on_a.user_id])
            return len(found) == 2

        await wait_until(everyone_back, 3 * BEAT_S, "the nodes to put their users back")
        sockets_on_a = await a.connected_sockets()
        await on_a.close()

        async def closed_on_a() -> bool:
            return await a.connected_sockets() == sockets_on_a - 1

        await wait_until(closed_on_a, 10, "node A to see the socket close")
        # Still online through the socket on B: not dropped from the index.
        assert await index.position(on_a.user_id) is not None

        after = await asker.call("create_question", ask("우도 자전거 대여소 위치", spot))
        assert after["ok"] is True, after
        q3 = after["question"]["id"]
        await local.wait_for("a question across nodes", lambda c: bool(notifications_for(c, q3)))
        assert (await local.call("create_answer", {"questionId": q3, "content": "선착장 앞"}))["ok"]
        # The answer made during the outage arrives too, live or by resync.
        await asker.resync()
        await asker.wait_for(
            "every answer notification", lambda c: len(c.events("answer_notification")) == 3
        )
        previews = [e["answer"]["preview"] for e in asker.events("answer_notification")]
        assert previews == ["네", "아직 운항해요", "선착장 앞"]

        assert await cluster.stored() == (before[0] + 2, before[1] + 2)
        for qid in (q1, q2, q3):
            assert await cluster.count(Question, Question.id == qid) == 1
        assert await cluster.count(Answer, Answer.question_id.in_((q1, q3))) == 3
    finally:
        for client in clients:
            await client.close()
        await shared.aclose()
