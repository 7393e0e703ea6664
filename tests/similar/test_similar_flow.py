"""[17] end to end: a real server, real HTTP and Socket.IO clients, SQLite and PostgreSQL."""

from __future__ import annotations

import httpx
from sqlalchemy import select

from dongne.kit.clock import ManualClock
from dongne.models import QuestionNotified
from dongne.users.schemas import Role
from tests.fixtures.clients import PASSWORD
from tests.fixtures.jeju import place
from tests.fixtures.people import Person, go_online, make_person
from tests.fixtures.server import RunningServer

HYEOPJAE = place("hyeopjae_beach")
SEONGSAN = place("seongsan_ilchulbong")
METRES_PER_DEGREE = 111_195.0


def near(base: dict[str, float], north_m: float) -> dict[str, float]:
    return {"lat": base["lat"] + north_m / METRES_PER_DEGREE, "lng": base["lng"]}


async def close_sockets(*people: Person) -> None:
    for person in people:
        if person.socket is not None:
            await person.socket.close()


async def ask(person: Person, title: str, at: dict[str, float]) -> str:
    assert person.socket is not None
    ack = await person.socket.call(
        "create_question",
        {"title": title, "content": title, "location": at, "hashtags": [], "urgency": "normal"},
    )
    assert ack["ok"] is True, ack
    return str(ack["question"]["id"])


async def answer(person: Person, question_id: str, content: str) -> str:
    assert person.socket is not None
    ack = await person.socket.call("create_answer", {"questionId": question_id, "content": content})
    assert ack["ok"] is True, ack
    return str(ack["answer"]["id"])


async def similar(
    server: RunningServer, person: Person, q: str, at: dict[str, float]
) -> list[dict[str, object]]:
    await server.runtime.similar.ready()  # built at start-up outside tests
    async with httpx.AsyncClient(base_url=server.url, timeout=30) as http:
        response = await http.get(
            "/api/questions/similar",
            params={"q": q, "lat": at["lat"], "lng": at["lng"], "limit": 3},
            headers={"Authorization": f"Bearer {person.token}"},
        )
    assert response.status_code == 200, response.text
    items: list[dict[str, object]] = response.json()["items"]
    return items


async def answered_at_hyeopjae(server: RunningServer) -> tuple[str, str]:
    """A traveler asked about parking at Hyeopjae beach; a local answered."""
    await server.runtime.similar.ready()  # built at start-up outside tests
    first = await make_person(server, "first-traveler", local=False)
    helper = await make_person(server, "helper-local")
    await go_online(server, first, **HYEOPJAE)
    await go_online(server, helper, **near(HYEOPJAE, 5_000))
    question_id = await ask(first, "협재해수욕장 주차장 있나요?", HYEOPJAE)
    # Asked with the same words but never answered: never offered.
    await ask(first, "협재해수욕장 주차장 있나요? 아직 아무도 모르나요", near(HYEOPJAE, 50))
    answer_id = await answer(helper, question_id, "해변 바로 앞 공영주차장, 무료예요.")
    await close_sockets(first, helper)
    return question_id, answer_id


async def test_offered_near_hyeopjae_in_other_words_not_at_seongsan(
    clock_server: tuple[RunningServer, ManualClock],
) -> None:
    server, _clock = clock_server
    question_id, answer_id = await answered_at_hyeopjae(server)
    second = await make_person(server, "second-traveler", local=False)

    items = await similar(server, second, "협재 해변에 차 세울 데 있어요?", near(HYEOPJAE, 300))
    assert [item["question"]["id"] for item in items] == [question_id]  # type: ignore[index]
    [item] = items
    assert item["answer"] == {
        "id": answer_id,
        "preview": "해변 바로 앞 공영주차장, 무료예요.",
        "accepted": False,
        "createdAt": item["answer"]["createdAt"],  # type: ignore[index]
    }
    assert item["distanceMeters"] == 300
    assert isinstance(item["score"], float)
    assert 0 < item["score"] <= 1.2
    assert item["question"]["regionCode"]  # type: ignore[index]

    at_seongsan = await similar(server, second, "협재 해변에 차 세울 데 있어요?", SEONGSAN)
    assert at_seongsan == []
    assert await similar(server, second, "주차 가능해요?", SEONGSAN) == []


async def test_accepting_the_suggestion_notifies_no_local(
    clock_server: tuple[RunningServer, ManualClock],
) -> None:
    server, clock = clock_server
    question_id, answer_id = await answered_at_hyeopjae(server)
    await every_round_due(server, clock)  # the earlier questions' rounds are over
    locals_ = [await make_person(server, f"local{i}") for i in range(3)]
    for i, person in enumerate(locals_):
        await go_online(server, person, **near(HYEOPJAE, 100 * (i + 1)))
    traveler = await make_person(server, "traveler", local=False)
    await go_online(server, traveler, **near(HYEOPJAE, 200))
    try:
        new_id = await ask(traveler, "협재 해변 주차 가능해요?", near(HYEOPJAE, 200))
        async with httpx.AsyncClient(base_url=server.url, timeout=30) as http:
            auth = {"Authorization": f"Bearer {traveler.token}"}
            shown = await http.get(f"/api/questions/{new_id}/archive-suggestion", headers=auth)
            assert shown.status_code == 200, shown.text
            suggestion = shown.json()
            assert suggestion["archiveAnswerId"] is None
            assert suggestion["suggestion"]["question"]["id"] == question_id
            assert suggestion["suggestion"]["answer"]["id"] == answer_id

            other = locals_[0]
            refused = await http.post(
                f"/api/questions/{new_id}/archive-answer",
                json={"answerId": answer_id},
                headers={"Authorization": f"Bearer {other.token}"},
            )
            assert refused.status_code == 403
            taken = await http.post(
                f"/api/questions/{new_id}/archive-answer",
                json={"answerId": answer_id},
                headers=auth,
            )
            assert taken.status_code == 200, taken.text
            assert taken.json()["archiveAnswerId"] == answer_id
            again = await http.post(
                f"/api/questions/{new_id}/archive-answer",
                json={"answerId": answer_id},
                headers=auth,
            )
            assert again.status_code == 409

        await every_round_due(server, clock)  # none of the new question's rounds runs
        async with server.runtime.db.transaction(readonly=True) as uow:
            notified = (
                await uow.session.execute(
                    select(QuestionNotified.user_id).where(QuestionNotified.question_id == new_id)
                )
            ).all()
        assert notified == []
        for person in locals_:
            assert person.socket is not None
            # A round trip on each local's connection: an emit to them would have come first.
            await person.socket.call("mark_notification_read", {"notificationId": "barrier"})
            assert person.socket.pending("new_question_notification") == 0, person.name
            assert person.socket.pending("notification") == 0, person.name

        async with httpx.AsyncClient(base_url=server.url, timeout=30) as http:
            admin_token = await make_admin(server)
            stats = await http.get(
                "/api/admin/stats", headers={"Authorization": f"Bearer {admin_token}"}
            )
        assert stats.status_code == 200, stats.text
        figures = stats.json()
        assert figures["archiveAnswers"] == 1
        assert figures["withArchive"]["answered"] >= figures["overall"]["answered"] + 1
    finally:
        await close_sockets(*locals_, traveler)


async def test_deflection_is_counted_and_notifies_nobody(
    clock_server: tuple[RunningServer, ManualClock],
) -> None:
    server, _clock = clock_server
    question_id, answer_id = await answered_at_hyeopjae(server)
    watcher = await make_person(server, "watching-local")
    await go_online(server, watcher, **near(HYEOPJAE, 100))
    traveler = await make_person(server, "deflected", local=False)
    try:
        async with httpx.AsyncClient(base_url=server.url, timeout=30) as http:
            auth = {"Authorization": f"Bearer {traveler.token}"}
            body = {"questionId": question_id, "answerId": answer_id, "location": HYEOPJAE}
            recorded = await http.post(
                "/api/questions/similar/deflections", json=body, headers=auth
            )
            assert recorded.status_code == 201, recorded.text
            wrong = await http.post(
                "/api/questions/similar/deflections",
                json={**body, "answerId": "01" + "0" * 24},
                headers=auth,
            )
            assert wrong.status_code == 404
        assert watcher.socket is not None
        await watcher.socket.call("mark_notification_read", {"notificationId": "barrier"})
        assert watcher.socket.pending("new_question_notification") == 0
        async with server.runtime.db.transaction(readonly=True) as uow:
            figures = await server.runtime.similar.figures(
                uow, server.runtime.clock.now().replace(year=2000)
            )
        assert figures.deflections == 1
    finally:
        await close_sockets(watcher)


async def every_round_due(server: RunningServer, clock: ManualClock) -> None:
    for seconds in (0, 3, 30, 120, 600):
        clock.advance(seconds)
        await server.runtime.jobs.run_due()


async def make_admin(server: RunningServer) -> str:
    runtime = server.runtime
    async with runtime.db.transaction() as uow:
        await runtime.users.create(
            uow,
            email="similar-admin@example.com",
            password=PASSWORD,
            nickname="admin",
            role=Role.ADMIN,
            local_verified=False,
        )
        session = await runtime.users.login(
            uow, email="similar-admin@example.com", password=PASSWORD
        )
    return session.tokens.access_token


async def test_the_index_follows_answers_and_acceptance_after_commit(
    clock_server: tuple[RunningServer, ManualClock],
) -> None:
    server, _clock = clock_server
    asker = await make_person(server, "asker", local=False)
    helper = await make_person(server, "helper")
    second = await make_person(server, "second", local=False)
    await go_online(server, asker, **HYEOPJAE)
    await go_online(server, helper, **near(HYEOPJAE, 2_000))
    try:
        question_id = await ask(asker, "협재해수욕장 샤워장 유료인가요?", HYEOPJAE)
        # The index is built now, before anything is answered.
        assert await similar(server, second, "협재 샤워장 돈 내야 하나요?", HYEOPJAE) == []
        answer_id = await answer(helper, question_id, "여름엔 3천원이에요.")
        [item] = await similar(server, second, "협재 샤워장 돈 내야 하나요?", HYEOPJAE)
        assert item["answer"]["id"] == answer_id  # type: ignore[index]
        assert item["answer"]["accepted"] is False  # type: ignore[index]
        assert asker.socket is not None
        ack = await asker.socket.call("accept_answer", {"answerId": answer_id})
        assert ack["ok"] is True, ack
        [item] = await similar(server, second, "협재 샤워장 돈 내야 하나요?", HYEOPJAE)
        assert item["answer"]["accepted"] is True  # type: ignore[index]
    finally:
        await close_sockets(asker, helper)


async def test_an_answer_an_operator_hid_is_no_longer_offered(
    clock_server: tuple[RunningServer, ManualClock],
) -> None:
    server, _clock = clock_server
    question_id, answer_id = await answered_at_hyeopjae(server)
    second = await make_person(server, "second-traveler", local=False)
    asked = "협재 해변에 차 세울 데 있어요?"
    offered = await similar(server, second, asked, HYEOPJAE)
    assert [item["question"]["id"] for item in offered] == [question_id]  # type: ignore[index]
    async with server.runtime.db.transaction() as uow:
        await server.runtime.question_manager.hide_answer_by_moderator(uow, answer_id)
    assert await similar(server, second, asked, HYEOPJAE) == []
