"""Neighbourhood subscriptions: a local who follows a region hears its QUICK wave anywhere."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from dongne.kit.clock import ManualClock
from tests.escalation.test_waves import AEWOL, offset
from tests.fixtures.jeju import place, question_payload
from tests.fixtures.people import go_online, make_person
from tests.fixtures.server import RunningServer, migrated_server

JEJU_CITY = place("dongmun_market")


@pytest.fixture
async def clock_server(
    backend: str, tmp_path: Path
) -> AsyncIterator[tuple[RunningServer, ManualClock]]:
    clock = ManualClock()
    async with migrated_server(
        backend, tmp_path, clock=clock, run_jobs=False, routing="seed-waves"
    ) as server:
        yield server, clock


async def test_a_follower_elsewhere_hears_the_quick_wave_once(
    clock_server: tuple[RunningServer, ManualClock],
) -> None:
    server, clock = clock_server
    asker = await make_person(server, "traveler", local=False)
    follower = await make_person(server, "aewol-resident", settings={"followedRegions": ["aewol"]})
    stranger = await make_person(server, "city-local")
    await go_online(server, asker, *offset(AEWOL, 0, 40))
    await go_online(server, follower, *offset(JEJU_CITY, 0, 40))
    await go_online(server, stranger, *offset(JEJU_CITY, 100, 40))
    people = [asker, follower, stranger]
    try:
        assert asker.socket is not None
        ack = await asker.socket.call(
            "create_question",
            question_payload(location=place("aewol_cafe_street"), hashtags=["카페"]),
        )
        assert ack["question"]["regionCode"] == "aewol"
        await server.runtime.jobs.run_due()  # IMMEDIATE: nobody within 2 km
        clock.advance(3)
        await server.runtime.jobs.run_due()  # QUICK
        assert follower.socket is not None
        event = await follower.socket.next("new_question_notification")
        assert event["priority"] == "QUICK"
        assert event["question"]["id"] == ack["question"]["id"]
        clock.advance(200)
        await server.runtime.jobs.run_due()  # EXTENDED and FINAL
        for person in (follower, stranger):
            assert person.socket is not None
            await person.socket.call("sync_unread_messages", {})  # a round trip
        assert follower.socket.pending("new_question_notification") == 0
        # The city local follows nothing: only the island-wide FINAL wave reached them.
        assert stranger.socket is not None
        assert (await stranger.socket.next("new_question_notification"))["priority"] == "FINAL"
    finally:
        for person in people:
            assert person.socket is not None
            await person.socket.close()
