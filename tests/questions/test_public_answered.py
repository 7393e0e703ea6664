"""The landing page's read-only look (issue [16] item 12): recently answered questions near
a point, without login; unanswered ones stay out."""

from __future__ import annotations

from tests.fixtures.clients import Api, connect
from tests.fixtures.jeju import place, question_payload

# A place of its own: the session's server holds many questions at Seongsan.
JUSANGJEOLLI = place("jusangjeolli")


async def test_answered_questions_are_readable_without_login(api: Api) -> None:
    asker, local = await api.register("랜딩여행자"), await api.register("랜딩주민")
    phone = await connect(api.server, asker.access_token)
    answerer = await connect(api.server, local.access_token)
    try:
        ask = "create_question"
        first = question_payload(title="우도 배 떠요?", location=JUSANGJEOLLI)
        answered = (await phone.call(ask, first))["question"]["id"]
        second = question_payload(title="아직 답 없음", location=JUSANGJEOLLI)
        waiting = (await phone.call(ask, second))["question"]["id"]
        await answerer.call("create_answer", {"questionId": answered, "content": "네 떠요"})

        response = await api.http.get(
            "/api/public/answered",
            params={"lat": JUSANGJEOLLI["lat"], "lng": JUSANGJEOLLI["lng"], "radius": 300},
        )
        assert response.status_code == 200, response.text
        questions = {q["id"]: q for q in response.json()["questions"]}
        assert answered in questions
        assert waiting not in questions
        assert questions[answered]["topAnswer"]["content"] == "네 떠요"
        assert questions[answered]["title"] == "우도 배 떠요?"
        # Still refuses nonsense, as JSON.
        bad = await api.http.get("/api/public/answered", params={"lat": 200, "lng": 0})
        assert bad.status_code == 422
    finally:
        await phone.close()
        await answerer.close()
