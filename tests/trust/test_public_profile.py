"""A local's public profile: answer record from the product's own records, cached, and
nothing about where they are or live."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from dongne.kit.clock import ManualClock
from tests.fixtures.clients import Api, connect
from tests.fixtures.jeju import question_payload
from tests.fixtures.server import RunningServer, migrated_server


@pytest.fixture
async def timed(backend: str, tmp_path: Path) -> AsyncIterator[tuple[RunningServer, ManualClock]]:
    clock = ManualClock()
    async with migrated_server(backend, tmp_path, clock=clock, run_jobs=False) as server:
        yield server, clock


async def test_the_record_counts_answers_acceptance_and_the_median_answer_time(
    timed: tuple[RunningServer, ManualClock],
) -> None:
    server, clock = timed
    api = Api(server)
    asker, local = await api.register(), await api.register(nickname="성산주민")
    private = {"homeRegion": "seongsan", "phone": "+821012345678"}
    await api.http.patch("/api/me", json=private, headers=api.auth(local))
    a = await connect(server, asker.access_token)
    b = await connect(server, local.access_token)
    try:
        fresh = await api.http.get(f"/api/users/{local.id}/profile", headers=api.auth(asker))
        assert fresh.status_code == 200
        assert fresh.json()["record"] == {
            "answers": 0,
            "questionsAnswered": 0,
            "acceptedAnswers": 0,
            "acceptanceRate": None,
            "medianAnswerSeconds": None,
        }
        answer_ids = []
        for minutes in (1, 3, 5):
            asked = await a.call("create_question", question_payload(title=f"{minutes}분 질문"))
            qid = asked["question"]["id"]
            clock.advance(minutes * 60)
            reply = await b.call("create_answer", {"questionId": qid, "content": f"{minutes}분 답"})
            assert reply["ok"], reply
            answer_ids.append(reply["answer"]["id"])
        # A second answer on the last question: counted, but not a new answer time.
        clock.advance(60)
        assert (await b.call("create_answer", {"questionId": qid, "content": "지금도요"}))["ok"]
        assert (await a.call("accept_answer", {"answerId": answer_ids[0]}))["ok"]

        # 10 minutes later the record read before the answers has expired.
        profile = (
            await api.http.get(f"/api/users/{local.id}/profile", headers=api.auth(asker))
        ).json()
        assert profile["record"] == {
            "answers": 4,
            "questionsAnswered": 3,
            "acceptedAnswers": 1,
            "acceptanceRate": 0.3333,
            "medianAnswerSeconds": 180,
        }
        assert profile["nickname"] == "성산주민"
        # Where a local is or lives is never on a public profile.
        for field in ("homeRegion", "phone", "email", "lat", "lng", "location"):
            assert field not in profile
        assert "seongsan" not in str(profile)

        # Cached: one more answer shows only once the record has expired.
        assert (await b.call("create_answer", {"questionId": qid, "content": "또 답"}))["ok"]
        again = await api.http.get(f"/api/users/{local.id}/profile", headers=api.auth(asker))
        assert again.json()["record"]["answers"] == 4
    finally:
        await a.close()
        await b.close()
        await api.close()


async def test_an_unknown_user_is_404_and_a_stranger_must_log_in(api: Api) -> None:
    account = await api.register()
    nobody = "/api/users/01JNOBODY0000000000000000/profile"
    missing = await api.http.get(nobody, headers=api.auth(account))
    assert missing.status_code == 404
    assert (await api.http.get(f"/api/users/{account.id}/profile")).status_code == 401
