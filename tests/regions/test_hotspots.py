"""Hotspots on the real server: live counts, hot detection, admin alerts, and the HTTP view."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from dongne.kit.clock import ManualClock
from tests.fixtures.clients import Api, SocketClient
from tests.fixtures.hotspots import admin_socket, ask, drained, nudge, watch
from tests.fixtures.jeju import place
from tests.fixtures.people import Person, go_online, make_person
from tests.fixtures.server import RunningServer, migrated_server

SUNRISE_PEAK = place("seongsan_ilchulbong")
UDO = place("udo")
JEJU_CITY = place("dongmun_market")
HOT = ("hotspot", "seongsan_ilchulbong")


@pytest.fixture
async def watched(backend: str, tmp_path: Path) -> AsyncIterator[tuple[RunningServer, ManualClock]]:
    clock = ManualClock()
    async with migrated_server(backend, tmp_path, clock=clock, run_jobs=False) as server:
        yield server, clock


async def close_all(people: list[Person], *clients: SocketClient) -> None:
    for client in [p.socket for p in people if p.socket is not None] + list(clients):
        await client.close()


async def test_a_burst_turns_a_hotspot_hot_once_and_it_cools_after_the_window(
    watched: tuple[RunningServer, ManualClock],
) -> None:
    server, clock = watched
    ops = await admin_socket(server)
    helpers = [await make_person(server, f"주민{n}") for n in range(3)]
    for n, person in enumerate(helpers):
        await go_online(server, person, **nudge(SUNRISE_PEAK, n))
    try:
        for n in range(4):
            await ask(server, SUNRISE_PEAK, n)
        assert await watch(server) == 0  # four is below the minimum of five
        await ask(server, SUNRISE_PEAK, 4)
        await watch(server)
        await watch(server)  # still hot: nothing new to say
        updates = await drained(ops, "hotspot_update")
        assert sorted((u["kind"], u["code"]) for u in updates) == [HOT, ("region", "seongsan")]
        peak = next(u for u in updates if u["kind"] == "hotspot")
        assert peak == {
            "kind": "hotspot",
            "code": "seongsan_ilchulbong",
            "name": "성산일출봉",
            "nameEn": "Seongsan Ilchulbong (Sunrise Peak)",
            "questionsLast15m": 5,
            "questionsLast60m": 5,
            "onlineLocals": 3,
            "onlineTravelers": 0,
            "hot": True,
            "usualLast15m": 0.0,
            "lat": SUNRISE_PEAK["lat"],
            "lng": SUNRISE_PEAK["lng"],
        }
        # Three locals are online there: no call for more.
        assert await drained(ops, "locals_needed") == []

        clock.advance(14 * 60 + 59)
        assert await watch(server) == 0
        clock.advance(1)  # the burst is now 15 minutes old
        assert await watch(server) == 2
        cooled = await drained(ops, "hotspot_update")
        assert sorted((u["kind"], u["code"], u["hot"]) for u in cooled) == [
            (*HOT, False),
            ("region", "seongsan", False),
        ]
        assert next(u for u in cooled if u["kind"] == "hotspot")["questionsLast15m"] == 0
    finally:
        await close_all(helpers, ops)


async def test_a_hot_area_without_locals_calls_for_them_once_per_episode(
    watched: tuple[RunningServer, ManualClock],
) -> None:
    server, clock = watched
    ops = await admin_socket(server)
    # A local online on the other side of the island does not count for Udo.
    elsewhere = await make_person(server, "제주시주민")
    await go_online(server, elsewhere, **JEJU_CITY)
    try:
        for n in range(5):
            await ask(server, UDO, n)
        await watch(server)
        await watch(server)
        needed = await drained(ops, "locals_needed")
        assert sorted((a["kind"], a["code"]) for a in needed) == [
            ("hotspot", "udo"),
            ("region", "udo"),
        ]
        spot = next(a for a in needed if a["kind"] == "hotspot")
        assert spot == {
            "kind": "hotspot",
            "code": "udo",
            "name": "우도",
            "nameEn": "Udo Island",
            "questionsLast15m": 5,
            "onlineLocals": 0,
        }
        # The next episode may call again.
        clock.advance(15 * 60)
        await watch(server)
        for n in range(5, 10):
            await ask(server, UDO, n)
        await watch(server)
        again = await drained(ops, "locals_needed")
        assert sorted((a["kind"], a["code"]) for a in again) == [
            ("hotspot", "udo"),
            ("region", "udo"),
        ]
    finally:
        await close_all([elsewhere], ops)


async def test_a_usually_busy_place_needs_more_to_be_hot(backend: str, tmp_path: Path) -> None:
    clock = ManualClock()
    # A three-hour memory, so a handful of earlier questions make a usual rate.
    async with migrated_server(
        backend, tmp_path, clock=clock, run_jobs=False, hotspot_usual_days=3 / 24
    ) as server:
        for n in range(24):  # 24 in three hours: 2 per 15 minutes
            await ask(server, SUNRISE_PEAK, n)
        clock.advance(2 * 3600)
        ops = await admin_socket(server)  # after the jump: tokens last 15 minutes
        try:
            for n in range(24, 29):
                await ask(server, SUNRISE_PEAK, n)
            await watch(server)
            # Five is the minimum, but not three times the usual two.
            assert not any(u["kind"] == "hotspot" for u in await drained(ops, "hotspot_update"))
            for n in range(29, 31):
                await ask(server, SUNRISE_PEAK, n)
            await watch(server)
            updates = await drained(ops, "hotspot_update")
            peak = next(u for u in updates if u["kind"] == "hotspot")
            assert (peak["hot"], peak["questionsLast15m"], peak["usualLast15m"]) == (True, 7, 2.0)
        finally:
            await ops.close()


async def test_live_counts_follow_moves_and_disconnects(api: Api) -> None:
    server = api.server
    viewer = await api.register()

    async def spots() -> dict[str, dict[str, Any]]:
        response = await api.http.get("/api/hotspots", headers=api.auth(viewer))
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["radiusMeters"] == 1000
        return {h["code"]: h for h in body["hotspots"]}

    async def region(code: str) -> dict[str, Any]:
        response = await api.http.get(f"/api/regions/{code}")
        assert response.status_code == 200, response.text
        live: dict[str, Any] = response.json()["live"]
        return live

    before = await spots()
    assert len(before) == 38
    assert before["udo"]["nameEn"] == "Udo Island"
    region_before = await region("udo")
    local = await make_person(server, "우도주민")
    guest = await make_person(server, "손님", local=False)
    await go_online(server, local, **UDO)
    await go_online(server, guest, **UDO)
    try:
        after = await spots()
        assert after["udo"]["onlineLocals"] == before["udo"]["onlineLocals"] + 1
        assert after["udo"]["onlineTravelers"] == before["udo"]["onlineTravelers"] + 1
        assert after["udo"]["hot"] is False
        assert (await region("udo"))["onlineLocals"] == region_before["onlineLocals"] + 1
        # The traveler crosses to the Sunrise Peak: out of Udo, into Seongsan.
        assert guest.socket is not None
        assert (await guest.socket.call("update_location", SUNRISE_PEAK))["ok"] is True
        moved = await spots()
        assert moved["udo"]["onlineTravelers"] == before["udo"]["onlineTravelers"]
        peak = before["seongsan_ilchulbong"]["onlineTravelers"]
        assert moved["seongsan_ilchulbong"]["onlineTravelers"] == peak + 1
    finally:
        await close_all([guest])
    assert local.socket is not None
    await local.socket.close()
    # The server handles the disconnect on its own time and tells no one (no shared room):
    # poll until the local is counted nowhere.
    for _ in range(100):
        final = await spots()
        if final["udo"]["onlineLocals"] == before["udo"]["onlineLocals"]:
            break
        await asyncio.sleep(0.05)
    assert final["udo"]["onlineLocals"] == before["udo"]["onlineLocals"]
    assert final["udo"]["onlineTravelers"] == before["udo"]["onlineTravelers"]
    assert final["seongsan_ilchulbong"]["onlineTravelers"] == peak
    assert (await region("udo"))["onlineLocals"] == region_before["onlineLocals"]


async def test_hotspots_need_a_login(api: Api) -> None:
    response = await api.http.get("/api/hotspots")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"
