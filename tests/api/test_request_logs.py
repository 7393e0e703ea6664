"""Issue [9] logs: one JSON line per HTTP request and per Socket.IO event with its duration,
the user when known, and a `slow_handler` WARNING past the configured threshold."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import orjson
import structlog

from dongne.kit.logging import HANDLER_NAME, configure_logging
from tests.fixtures.clients import Api, connect
from tests.fixtures.jeju import question_payload
from tests.fixtures.server import migrated_server


@contextmanager
def server_log() -> Iterator[list[dict[str, Any]]]:
    """What the server writes to its log, parsed line by line (its own JSON formatter)."""
    root = logging.getLogger()
    ours = next(h for h in root.handlers if h.get_name() == HANDLER_NAME)
    stream = io.StringIO()
    copy = logging.StreamHandler(stream)
    copy.setFormatter(ours.formatter)
    root.addHandler(copy)
    lines: list[dict[str, Any]] = []
    try:
        yield lines
    finally:
        root.removeHandler(copy)
        lines.extend(orjson.loads(line) for line in stream.getvalue().splitlines())


def of(lines: list[dict[str, Any]], event: str) -> list[dict[str, Any]]:
    return [line for line in lines if line["event"] == event]


async def test_requests_and_events_are_logged_with_duration_and_user(tmp_path: Path) -> None:
    async with migrated_server(
        "sqlite", tmp_path, log_level="info", slow_handler_ms=60_000
    ) as server:
        api = Api(server)
        try:
            with server_log() as lines:
                account = await api.register()
                me = await api.http.get("/api/me", headers=api.auth(account))
                missing = await api.http.get("/api/questions/nope", headers=api.auth(account))
                await api.http.get("/health")
                client = await connect(server, account.access_token)
                created = await client.call("create_question", question_payload())
                refused = await client.call(
                    "create_answer", {"questionId": "nope", "content": "네"}
                )
                await client.close()
        finally:
            await api.close()
    assert me.status_code == 200
    assert missing.status_code == 404
    assert created["ok"]
    assert not refused["ok"]

    requests = {(line["method"], line["path"]): line for line in of(lines, "http_request")}
    me_line = requests[("GET", "/api/me")]
    assert me_line["status"] == 200
    assert me_line["user_id"] == account.id
    assert me_line["level"] == "info"
    assert isinstance(me_line["duration_ms"], float)
    assert "timestamp" in me_line
    assert requests[("GET", "/api/questions/nope")]["status"] == 404
    assert requests[("POST", "/api/auth/register")]["user_id"] is None
    # Probes that answer quickly stay out of the log.
    assert ("GET", "/health") not in requests

    events = {line["event_name"]: line for line in of(lines, "socket_event")}
    asked = events["create_question"]
    assert (asked["ok"], asked["user_id"], asked["error_code"]) == (True, account.id, None)
    assert asked["duration_ms"] >= 0
    answer = events["create_answer"]
    assert (answer["ok"], answer["error_code"]) == (False, "not_found")
    assert not of(lines, "slow_handler")
    # No token ever reaches a line.
    assert account.access_token not in str(lines)


async def test_slow_handlers_are_warned_about_even_when_info_is_off(tmp_path: Path) -> None:
    # Threshold 0: every handler is "slow", so the line's content can be checked.
    async with migrated_server(
        "sqlite", tmp_path, log_level="warning", slow_handler_ms=0
    ) as server:
        api = Api(server)
        try:
            with server_log() as lines:
                account = await api.register()
                client = await connect(server, account.access_token)
                await client.call("update_location", {"lat": 33.45, "lng": 126.94})
                await client.close()
        finally:
            await api.close()
    # At WARNING (the bench's level) the per-request INFO lines are not written.
    assert not of(lines, "http_request")
    assert not of(lines, "socket_event")
    slow = of(lines, "slow_handler")
    http = next(line for line in slow if line["kind"] == "http_request")
    assert http["path"] == "/api/auth/register"
    assert (http["status"], http["level"], http["threshold_ms"]) == (201, "warning", 0)
    socket_line = next(line for line in slow if line["kind"] == "socket_event")
    assert socket_line["event_name"] == "update_location"
    assert socket_line["user_id"] == account.id
    assert socket_line["duration_ms"] > 0


def test_errors_are_logged_with_their_stack_trace() -> None:
    level = logging.getLogger().level
    configure_logging("info")
    try:
        with server_log() as lines:
            try:
                raise KeyError("missing")
            except KeyError:
                structlog.get_logger("dongne.test").exception("handler_failed", event_name="x")
    finally:
        logging.getLogger().setLevel(level)
    [line] = of(lines, "handler_failed")
    assert line["level"] == "error"
    assert "Traceback (most recent call last)" in line["exception"]
    assert "KeyError: 'missing'" in line["exception"]
