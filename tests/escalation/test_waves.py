"""The four waves with real clients around Seongsan and Aewol (issue [3] acceptance)."""

from __future__ import annotations

import json
import math
import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select

from dongne.kit.clock import ManualClock
from dongne.kit.geo import round_distance_m
from dongne.models import QuestionNotified
from tests.fixtures.jeju import place, question_payload
from tests.fixtures.people import Person, go_online, make_person
from tests.fixtures.server import RunningServer, migrated_server

SEONGSAN = place("seongsan_ilchulbong")
AEWOL = place("aewol_cafe_street")
METRES_PER_DEGREE = 111_195.0


def offset(base: dict[str, float], north_m: float = 0, east_m: float = 0) -> tuple[float, float]:
    lat = base["lat"] + north_m / METRES_PER_DEGREE
    lng = base["lng"] + east_m / (METRES_PER_DEGREE * math.cos(math.radians(base["lat"])))
    return lat, lng


class Island:
    """30 verified locals and a few others at known places; who is where, and who is online."""

    def __init__(self, server: RunningServer) -> None:
        self.server = server
        self.online: list[Person] = []
        self.offline: list[Person] = []
        self.positions: dict[str, tuple[float, float]] = {}

    async def add(
        self, name: str, at: tuple[float, float] | None, *, local: bool = True, **settings: object
    ) -> Person:
        person = await make_person(
            self.server, name, local=local, settings=dict(settings) if settings else None
        )
        if at is None:
            self.offline.append(person)
        else:
            # A few metres east per person: nobody shares a coordinate with the question's spot,
            # so a coordinate found in a payload identifies whose it is.
            at = (at[0] + 1e-5, at[1] + 1e-5 * (len(self.positions) + 1))
            await go_online(self.server, person, *at)
            self.online.append(person)
            self.positions[person.id] = at
        return person

    async def close(self) -> None:
        for person in self.online:
            assert person.socket is not None
            await person.socket.close()


@pytest.fixture
async def clock_server(
    backend: str, tmp_path: Path
) -> AsyncIterator[tuple[RunningServer, ManualClock]]:
    clock = ManualClock()
    async with migrated_server(
        backend, tmp_path, clock=clock, run_jobs=False, routing="seed-waves"
    ) as server:
        yield server, clock


async def notified_by_wave(server: RunningServer, question_id: str) -> dict[str, set[str]]:
    async with server.runtime.db.transaction(readonly=True) as uow:
        rows = await uow.session.execute(
            select(QuestionNotified.wave, QuestionNotified.user_id).where(
                QuestionNotified.question_id == question_id
            )
        )
        waves: dict[str, set[str]] = {}
        for wave, user_id in rows:
            waves.setdefault(wave, set()).add(user_id)
    return waves


async def assert_wave(
    island: Island, wave: str, expected: list[Person], question_id: str
) -> list[dict[str, object]]:
    received = []
    for person in expected:
        assert person.socket is not None
        event = await person.socket.next("new_question_notification")
        assert event["priority"] == wave, person.name
        assert event["question"]["id"] == question_id
        received.append(event)
    expected_ids = {p.id for p in expected}
    for person in island.online:
        if person.id in expected_ids:
            continue
        assert person.socket is not None
        # A round trip on the person's own connection: an emit to them would have arrived first.
        await person.socket.call("mark_notification_read", {"notificationId": "barrier"})
        assert person.socket.pending("new_question_notification") == 0, (wave, person.name)
    return received


async def test_four_waves_reach_exactly_the_right_locals(
    clock_server: tuple[RunningServer, ManualClock],
) -> None:
    server, clock = clock_server
    island = Island(server)
    try:
        asker = await island.add("asker", offset(SEONGSAN, 50))
        near = [await island.add(f"near{i}", offset(SEONGSAN, 150 * (i + 1))) for i in range(12)]
        no_immediate = await island.add(
            "no-immediate", offset(SEONGSAN, 100), immediateAlerts=False
        )
        muted = await island.add("muted", offset(SEONGSAN, 120), mutedHashtags=["#성산"])
        small_radius = await island.add(
            "small-radius", offset(SEONGSAN, east_m=1500), radiusMeters=1000
        )
        middle = [
            await island.add(f"mid{km}", offset(SEONGSAN, -km * 1000)) for km in (2.5, 3, 3.5, 4.5)
        ]
        traveler = await island.add("traveler", offset(SEONGSAN, 200), local=False)
        sleeping = await island.add("offline-local", None)
        aewol = [await island.add(f"aewol{i}", offset(AEWOL, 100 * i)) for i in range(9)]
        expert = await island.add("expert", offset(AEWOL, -300), interests=["일출봉"])
        assert asker.socket is not None
        assert len([p for p in island.online if p is not traveler]) == 30  # connected locals

        ack = await asker.socket.call(
            "create_question", question_payload(urgency="normal", hashtags=["성산", "일출봉"])
        )
        assert ack["ok"] is True
        qid = ack["question"]["id"]

        assert await server.runtime.jobs.run_due() == 1
        immediate = await assert_wave(island, "IMMEDIATE", near[:10], qid)
        for person, event in zip(near[:10], immediate, strict=True):
            assert event["distanceMeters"] == round_distance_m(150 * (near.index(person) + 1))
            assert (event["sound"], event["vibration"]) == ("urgent", "strong")
            assert isinstance(event["eventId"], int)
        assert [e["distanceMeters"] for e in immediate] == sorted(
            e["distanceMeters"] for e in immediate
        )

        clock.advance(2.9)
        assert await server.runtime.jobs.run_due() == 0
        clock.advance(0.1)
        assert await server.runtime.jobs.run_due() == 1
        quick = await assert_wave(island, "QUICK", [*near[10:], no_immediate, *middle], qid)
        assert {(e["sound"], e["vibration"]) for e in quick} == {("normal", "light")}

        clock.advance(27)
        assert await server.runtime.jobs.run_due() == 1
        await assert_wave(island, "EXTENDED", [expert], qid)

        clock.advance(90)
        assert await server.runtime.jobs.run_due() == 1
        await assert_wave(island, "FINAL", [*aewol, small_radius], qid)

        waves = await notified_by_wave(server, qid)
        assert waves == {
            "IMMEDIATE": {p.id for p in near[:10]},
            "QUICK": {p.id for p in [*near[10:], no_immediate, *middle]},
            "EXTENDED": {expert.id},
            "FINAL": {p.id for p in [*aewol, small_radius, sleeping]},
        }
        everyone_notified = set().union(*waves.values())
        assert not everyone_notified & {asker.id, muted.id, traveler.id}
        await assert_no_local_coordinates_leak(island, asker)
    finally:
        await island.close()


async def assert_no_local_coordinates_leak(island: Island, asker: Person) -> None:
    """No event any client received carries another user's raw coordinates."""
    for person in island.online:
        assert person.socket is not None
        text = json.dumps(person.socket.history, ensure_ascii=False)
        numbers = {float(n) for n in re.findall(r"-?\d+\.\d+", text)}
        for owner, (lat, lng) in island.positions.items():
            if owner != person.id:
                assert not {lat, lng} & numbers, (person.name, owner)


async def test_final_skipped_after_an_answer_and_everything_after_accepting(
    clock_server: tuple[RunningServer, ManualClock],
) -> None:
    server, clock = clock_server
    island = Island(server)
    try:
        asker = await island.add("asker", offset(SEONGSAN, 50), local=False)
        helper = await island.add("helper", offset(SEONGSAN, 300))
        far = await island.add("far", offset(AEWOL, 0))
        expert = await island.add("expert", offset(AEWOL, 200), interests=["성산"])
        assert asker.socket is not None
        assert helper.socket is not None

        answered = (await asker.socket.call("create_question", question_payload()))["question"][
            "id"
        ]
        accepted = (await asker.socket.call("create_question", question_payload(title="두 번째")))[
            "question"
        ]["id"]
        await server.runtime.jobs.run_due()
        reply = await helper.socket.call("create_answer", {"questionId": answered, "content": "네"})
        assert reply["ok"] is True
        second = await helper.socket.call(
            "create_answer", {"questionId": accepted, "content": "넵"}
        )
        assert (await asker.socket.call("accept_answer", {"answerId": second["answer"]["id"]}))[
            "ok"
        ]

        clock.advance(121)
        assert await server.runtime.jobs.run_due() == 6

        first_waves = await notified_by_wave(server, answered)
        assert first_waves["EXTENDED"] == {expert.id}
        assert "FINAL" not in first_waves  # answered: no island-wide call
        second_waves = await notified_by_wave(server, accepted)
        assert set(second_waves) == {"IMMEDIATE"}  # accepted: nothing after
        assert far.socket is not None
        assert far.socket.pending("new_question_notification") == 0
    finally:
        await island.close()
