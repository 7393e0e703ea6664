"""The 10-minute goal: figures from stored data, one alert per slow question, metrics."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from prometheus_client.parser import text_string_to_metric_families

from dongne.kit.clock import ManualClock
from dongne.users.schemas import Role
from tests.fixtures.clients import PASSWORD, Api, SocketClient, connect
from tests.fixtures.jeju import question_payload
from tests.fixtures.server import RunningServer, migrated_server


class Webhook:
    """A local alert receiver: records every POST."""

    def __init__(self) -> None:
        self.received: list[Any] = []
        self.url = ""
        self._runner: web.AppRunner | None = None

    async def _handle(self, request: web.Request) -> web.Response:
        self.received.append(await request.json())
        return web.json_response({"ok": True})

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/alerts", self._handle)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        host, port = self._runner.addresses[0][:2]
        self.url = f"http://{host}:{port}/alerts"

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()


@pytest.fixture
async def watched(
    backend: str, tmp_path: Path
) -> AsyncIterator[tuple[RunningServer, ManualClock, Webhook]]:
    hook = Webhook()
    await hook.start()
    clock = ManualClock()
    async with migrated_server(
        backend, tmp_path, clock=clock, run_jobs=False, alert_webhook_url=hook.url
    ) as server:
        yield server, clock, hook
    await hook.stop()


async def admin(server: RunningServer) -> tuple[str, SocketClient]:
    runtime = server.runtime
    async with runtime.db.transaction() as uow:
        await runtime.users.create(
            uow, email="ops@example.com", password=PASSWORD, nickname="운영", role=Role.ADMIN
        )
        session = await runtime.users.login(uow, email="ops@example.com", password=PASSWORD)
    token = session.tokens.access_token
    client = await connect(server, token)
    assert (await client.call("join_admin", {}))["ok"] is True
    return token, client


async def test_an_answer_after_four_minutes_counts_within_5_and_10_not_1(
    watched: tuple[RunningServer, ManualClock, Webhook],
) -> None:
    server, clock, _ = watched
    api = Api(server)
    asker, local = await api.register(), await api.register()
    a = await connect(server, asker.access_token)
    b = await connect(server, local.access_token)
    token, ops = await admin(server)
    try:
        qid = (await a.call("create_question", question_payload()))["question"]["id"]
        clock.advance(4 * 60)
        assert (await b.call("create_answer", {"questionId": qid, "content": "네"}))["ok"]
        stats = await api.http.get(
            "/api/admin/stats",
            params={"window": "1h"},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert stats.status_code == 200
        body = stats.json()
        seongsan = next(r for r in body["regions"] if r["code"] == "seongsan")
        assert (seongsan["questions"], seongsan["answered"]) == (1, 1)
        assert (seongsan["within1m"], seongsan["within5m"], seongsan["within10m"]) == (
            0.0,
            1.0,
            1.0,
        )
        assert seongsan["p50Seconds"] == 240
        assert body["urgent"]["within10m"] == 1.0
        assert len(body["regions"]) == 14
        aewol = next(r for r in body["regions"] if r["code"] == "aewol")
        assert aewol["questions"] == 0
        assert aewol["within10m"] is None
        refused = await api.http.get("/api/admin/stats", headers=api.auth(asker))
        assert refused.status_code == 403
    finally:
        for client in (a, b, ops):
            await client.close()
        await api.close()


async def test_a_question_unanswered_for_10_minutes_alerts_once(
    watched: tuple[RunningServer, ManualClock, Webhook],
) -> None:
    server, clock, hook = watched
    api = Api(server)
    asker = await api.register()
    a = await connect(server, asker.access_token)
    _, ops = await admin(server)
    try:
        qid = (await a.call("create_question", question_payload(urgency="normal")))["question"][
            "id"
        ]
        await server.runtime.jobs.run_due()  # the first wave
        clock.advance(9 * 60 + 59)
        await server.runtime.jobs.run_due()
        assert ops.pending("slow_response_alert") == 0
        clock.advance(1)
        await server.runtime.jobs.run_due()
        alert = await ops.next("slow_response_alert")
        assert alert == {
            "questionId": qid,
            "waitedMinutes": 10,
            "regionCode": "seongsan",
            "urgency": "normal",
        }
        clock.advance(3600)
        await server.runtime.jobs.run_due()
        await ops.call("join_admin", {})  # a round trip: a second alert would have come first
        assert ops.pending("slow_response_alert") == 0
        assert hook.received == [{"event": "slow_response_alert", **alert}]
    finally:
        await a.close()
        await ops.close()
        await api.close()


async def test_only_admins_join_the_admin_room(api: Api) -> None:
    user = await api.register()
    client = await connect(api.server, user.access_token)
    try:
        refused = await client.call("join_admin", {})
        assert refused["error"]["code"] == "forbidden"
    finally:
        await client.close()


async def test_metrics_parse_and_show_the_histograms(api: Api) -> None:
    asker, local = await api.register(), await api.register()
    a = await connect(api.server, asker.access_token)
    b = await connect(api.server, local.access_token)
    try:
        qid = (await a.call("create_question", question_payload()))["question"]["id"]
        await b.call("create_answer", {"questionId": qid, "content": "네"})
    finally:
        await a.close()
        await b.close()
    text = (await api.http.get("/metrics")).text
    families = {family.name: family for family in text_string_to_metric_families(text)}
    first = families["dongne_first_answer_seconds"]
    assert first.type == "histogram"
    assert any(
        s.labels.get("region") == "seongsan" and s.name.endswith("_count") and s.value >= 1
        for s in first.samples
    )
    assert families["dongne_emit_seconds"].type == "histogram"
    assert families["dongne_events_in"].type == "counter"
    assert "dongne_connected_sockets" in families
