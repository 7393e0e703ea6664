"""The asker deletes their question (issue [16] item 4): only they may; the room hears
`question_deleted`; its page answers 410 `deleted`; answers and joins are refused; it
leaves the nearby list and the similar questions; its next routing round asks nobody.
Real server, real Socket.IO clients, SQLite and PostgreSQL."""

from __future__ import annotations

import secrets
from typing import Any

from sqlalchemy import select

from dongne.kit.clock import ManualClock
from dongne.kit.messages import MessageKey, text
from dongne.models.questions import Answer, Question
from tests.escalation.test_router_live import ask_and_route, close, get_json, notified, people
from tests.fixtures.clients import Api, connect
from tests.fixtures.jeju import SEONGSAN, question_payload
from tests.fixtures.people import make_person
from tests.fixtures.server import RunningServer

DELETED = text(MessageKey.QUESTION_DELETED)


async def nearby_ids(api: Api, headers: dict[str, str]) -> set[str]:
    response = await api.http.get(
        "/api/questions",
        params={"lat": SEONGSAN["lat"], "lng": SEONGSAN["lng"], "radius": 1_000, "limit": 100},
        headers=headers,
    )
    assert response.status_code == 200, response.text
    return {q["id"] for q in response.json()["questions"]}


async def similar_ids(api: Api, headers: dict[str, str], words: str) -> set[str]:
    await api.server.runtime.similar.ready()  # built at start-up outside tests
    response = await api.http.get(
        "/api/questions/similar",
        params={"q": words, "lat": SEONGSAN["lat"], "lng": SEONGSAN["lng"], "limit": 10},
        headers=headers,
    )
    assert response.status_code == 200, response.text
    return {item["question"]["id"] for item in response.json()["items"]}


async def test_the_asker_deletes_and_the_question_is_gone(api: Api) -> None:
    asker = await api.register("지우는여행자")
    local = await make_person(api.server, "방에있는주민")
    latecomer = await make_person(api.server, "늦게온주민")
    phone = await connect(api.server, asker.access_token)
    watcher = await connect(api.server, local.token)
    late = await connect(api.server, latecomer.token)
    auth = api.auth(asker)
    # Words of its own, so the similar questions of other tests don't get in the way.
    words = f"성산 일출봉 우산 대여 {secrets.token_hex(3)}"
    try:
        asked = await phone.call("create_question", question_payload(title=words, content=words))
        assert asked["ok"] is True, asked
        qid = asked["question"]["id"]
        assert (await watcher.call("join_question", {"questionId": qid}))["ok"] is True
        answered = await watcher.call("create_answer", {"questionId": qid, "content": "매표소요"})
        assert answered["ok"] is True, answered
        assert qid in await nearby_ids(api, auth)
        assert qid in await similar_ids(api, auth, words)

        # Only the asker deletes.
        refused = await watcher.call("delete_question", {"questionId": qid})
        assert refused["ok"] is False
        assert refused["error"]["code"] == "forbidden"
        assert (await api.http.get(f"/api/questions/{qid}", headers=auth)).status_code == 200

        deleted = await phone.call("delete_question", {"questionId": qid})
        assert deleted == {"ok": True, "questionId": qid}
        assert await watcher.next("question_deleted") == {"questionId": qid}

        page = await api.http.get(f"/api/questions/{qid}", headers=auth)
        assert page.status_code == 410, page.text
        assert page.json()["error"]["code"] == "deleted"
        # No Accept-Language: Korean with English beside it.
        assert page.json()["error"]["message"] == DELETED.render(None)

        again = await watcher.call("create_answer", {"questionId": qid, "content": "또요"})
        assert again["ok"] is False
        assert again["error"] == {"code": "deleted", "message": DELETED.render(None)}
        joined = await late.call("join_question", {"questionId": qid})
        assert joined["error"]["code"] == "deleted"
        twice = await phone.call("delete_question", {"questionId": qid})
        assert twice["error"]["code"] == "deleted"
        # Leaving the room of a deleted question still works (the page says why it's gone).
        assert (await watcher.call("leave_question", {"questionId": qid}))["ok"] is True

        assert qid not in await nearby_ids(api, auth)
        assert qid not in await similar_ids(api, auth, words)

        # Kept, with its answer, for moderation.
        async with api.server.runtime.db.transaction(readonly=True) as uow:
            row = await uow.session.get(Question, qid)
            assert row is not None
            assert row.deleted_at is not None
            kept = await uow.session.execute(select(Answer.id).where(Answer.question_id == qid))
            assert list(kept.scalars()) == [answered["answer"]["id"]]
    finally:
        for socket in (phone, watcher, late):
            await socket.close()


async def test_a_deleted_question_asks_nobody_in_its_next_round(
    clock_server: tuple[RunningServer, ManualClock],
) -> None:
    server, clock = clock_server
    asker, korean, bilingual = await people(server)
    try:
        assert asker.socket
        assert korean.socket
        assert bilingual.socket
        qid = (await ask_and_route(server, asker, urgency="normal"))["id"]
        [first] = await notified(server, qid)
        other = bilingual if first == korean.id else korean
        assert other.socket is not None

        deleted = await asker.socket.call("delete_question", {"questionId": qid})
        assert deleted["ok"] is True, deleted
        # The next round falls due: it settles, and nobody more is asked.
        clock.advance(140)
        await server.runtime.jobs.run_due()
        assert await notified(server, qid) == [first]
        assert other.socket.pending("new_question_notification") == 0
        # A question not deleted, asked the same way, does reach the other local next round:
        # the round above would have asked them.
        control_id = (await ask_and_route(server, asker, urgency="normal"))["id"]
        clock.advance(140)
        await server.runtime.jobs.run_due()
        assert sorted(await notified(server, control_id)) == sorted([korean.id, bilingual.id])
        mine: dict[str, Any] = await get_json(server, asker, f"/api/questions/{control_id}")
        assert mine["id"] == control_id
    finally:
        await close(asker, korean, bilingual)
