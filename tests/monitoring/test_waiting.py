"""The admins' list of questions waiting longest: `GET /api/admin/questions/waiting`."""

from __future__ import annotations

from pathlib import Path

from dongne.kit.clock import ManualClock
from tests.fixtures.clients import Api, connect
from tests.fixtures.jeju import question_payload
from tests.fixtures.server import migrated_server
from tests.monitoring.test_ten_minutes import admin

WAITING = "/api/admin/questions/waiting"


async def test_unanswered_questions_longest_waiting_first(backend: str, tmp_path: Path) -> None:
    clock = ManualClock()
    async with migrated_server(backend, tmp_path, clock=clock, run_jobs=False) as server:
        api = Api(server)
        asker, local = await api.register(), await api.register()
        a = await connect(server, asker.access_token)
        b = await connect(server, local.access_token)
        token, ops = await admin(server)
        headers = {"Authorization": f"Bearer {token}"}
        try:
            ids = []
            for title in ("첫 질문", "답이 달릴 질문", "마지막 질문"):
                created = await a.call("create_question", question_payload(title=title))
                ids.append(created["question"]["id"])
                clock.advance(120)
            await b.call("create_answer", {"questionId": ids[1], "content": "네"})

            body = (await api.http.get(WAITING, headers=headers)).json()
            assert [q["id"] for q in body["questions"]] == [ids[0], ids[2]]
            first = body["questions"][0]
            assert first == {
                "id": ids[0],
                "title": "첫 질문",
                "regionCode": "seongsan",
                "urgency": "urgent",
                "waitedSeconds": 360.0,
            }
            assert body["questions"][1]["waitedSeconds"] == 120.0
            limited = (await api.http.get(WAITING, params={"limit": 1}, headers=headers)).json()
            assert [q["id"] for q in limited["questions"]] == [ids[0]]

            refused = await api.http.get(WAITING, headers=api.auth(asker))
            assert refused.status_code == 403
            assert (await api.http.get(WAITING)).status_code == 401
        finally:
            for client in (a, b, ops):
                await client.close()
            await api.close()
