"""SIGTERM on a node: its clients move to the other node through nginx and lose nothing."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import time

from sqlalchemy import select

from dongne.models import Answer
from tests.cluster.harness import Client, Cluster, notifications_for, offset, online
from tests.fixtures.jeju import place, question_payload

# A node that lets its long-polls go needs about a second; uvicorn's default would wait
# for every open poll (up to the 25 s ping interval).
STOP_WITHIN_S = 10.0
QUICK_DELAY_S = 3.0


async def test_sigterm_moves_clients_to_the_other_node_and_they_resync_without_loss(
    cluster: Cluster,
) -> None:
    spot = place("hamdeok_beach")
    lb = cluster.nginx.url
    stopping = cluster.node(await cluster.nginx.upstream_for_this_client())
    staying = cluster.other(stopping)

    # Through nginx, so all on the node it hashes this machine to: the one we stop.
    asker = await online(cluster, lb, "asker", offset(spot, 20), local=False)
    near_ws = await online(cluster, lb, "near-ws", offset(spot, 300))
    near_poll = await online(cluster, lb, "near-poll", offset(spot, 600), transports=("polling",))
    moving = [asker, near_ws, near_poll]
    # On the node that stays.
    answerer = await online(cluster, staying, "answerer", offset(spot, 900))
    asker2 = await online(cluster, staying, "asker2", offset(spot, -40), local=False)
    clients: list[Client] = [*moving, answerer, asker2]
    try:
        assert await stopping.connected_sockets() == len(moving)
        ack = await asker.call("create_question", question_payload(location=spot))
        assert ack["ok"] is True, ack
        qid = ack["question"]["id"]
        for client in (near_ws, near_poll, answerer):
            await client.wait_for("the question", lambda c: bool(notifications_for(c, qid)))

        # In flight when the signal comes: an answer sent to the node that stops.
        in_flight = asyncio.ensure_future(
            near_ws.call("create_answer", {"questionId": qid, "content": "답변 하나 (in flight)"})
        )
        await asyncio.sleep(0.05)
        signalled = time.monotonic()
        stopping.send(signal.SIGTERM)

        # While they are away: an answer for the asker and a question for the locals.
        for client in moving:
            await client.wait_for("the drop", lambda c: c.disconnects >= 1, timeout_s=5)
        reply = await answerer.call(
            "create_answer", {"questionId": qid, "content": "답변 둘 (other node)"}
        )
        assert reply["ok"] is True, reply
        ack2 = await asker2.call(
            "create_question",
            question_payload(
                title="함덕 해변 파라솔 대여 되나요?",
                content="지금 해변에서 파라솔 빌릴 수 있는 곳이 있을까요?",
                location=spot,
                hashtags=["함덕"],
            ),
        )
        assert ack2["ok"] is True, ack2
        qid2 = ack2["question"]["id"]

        code = await stopping.wait(STOP_WITHIN_S + 5)
        stopped_in = time.monotonic() - signalled
        # uvicorn re-raises the signal once its graceful shutdown is over.
        assert code in (0, -signal.SIGTERM), code
        assert stopped_in < STOP_WITHIN_S, stopped_in
        with contextlib.suppress(Exception):
            await in_flight  # its reply may have been cut; the answer itself must be stored

        # Back, on the other node, and resynced from their last eventId.
        for client in moving:
            await client.wait_for("reconnect and resync", lambda c: c.resyncs >= 1, 15)
            assert client.sio.connected
        assert await staying.connected_sockets() == len(clients)

        async with cluster.runtime.db.transaction(readonly=True) as uow:
            stored = (
                await uow.session.execute(
                    select(Answer.content).where(Answer.question_id == qid).order_by(Answer.id)
                )
            ).scalars()
            assert list(stored) == ["답변 하나 (in flight)", "답변 둘 (other node)"]

        await asker.wait_for(
            "both answer notifications", lambda c: len(c.events("answer_notification")) == 2
        )
        previews = [e["answer"]["preview"] for e in asker.events("answer_notification")]
        assert previews == ["답변 하나 (in flight)", "답변 둘 (other node)"]
        for client in (near_ws, near_poll):
            # IMMEDIATE if they were back in time, QUICK otherwise: once either way.
            await client.wait_for(
                "the second question",
                lambda c: bool(notifications_for(c, qid2)),
                timeout_s=QUICK_DELAY_S + 10,
            )
        await asyncio.sleep(1.0)
        for client in (near_ws, near_poll):
            assert len(notifications_for(client, qid2)) == 1, client.name
            assert len(notifications_for(client, qid)) == 1, client.name
        # The stopped node said what it did.
        log = stopping.log.read_text()
        assert '"draining"' in log
        assert "shutdown_cut_handlers" not in log
    finally:
        for client in clients:
            await client.close()
