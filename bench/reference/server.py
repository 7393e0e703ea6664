"""The reference of `make bench`: a bare python-socketio server doing only the fan-out.

    .venv/bin/python bench/reference/server.py --plan plan.json --port 8123

It serves the same load generator and the same accounts as the real server, and sends the
same notifications to the same users at the same wave delays, recorded from the real
server's run (`plan.json`, written by bench/run.py): for each question, who was notified in
which wave. Payloads are ready-made (a real `new_question_notification` of that run with
the title, question id and eventId replaced); no database, no auth, no rules. The same
stack as the product: uvicorn (uvloop, httptools, websockets-sansio, no deflate) and orjson.
What it costs per delivered notification is the floor the product is measured against.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
from pathlib import Path
from typing import Any

import socketio
import uvicorn

from dongne.kit import jsonx  # the product's own orjson adapter

QUESTION_TAG = re.compile(r"^\[bench (\d+)\]")


def build_app(plan: dict[str, Any]) -> socketio.ASGIApp:
    sio = socketio.AsyncServer(
        async_mode="asgi",
        json=jsonx,
        http_compression=False,
        compression_threshold=1_000_000_000,
        logger=False,
        engineio_logger=False,
    )
    user_of_token = {a["token"]: a["id"] for a in plan["accounts"]}
    waves: dict[str, float] = plan["waves"]
    recipients: dict[str, dict[str, list[str]]] = plan["questions"]
    template: dict[str, Any] = plan["template"]
    nearby: dict[str, Any] = plan["nearby"]
    last_event_id: dict[str, int] = {}
    user_of_sid: dict[str, str] = {}

    @sio.event
    async def connect(sid: str, environ: dict[str, Any], auth: dict[str, Any] | None) -> bool:
        user_id = user_of_token.get((auth or {}).get("token", ""))
        if user_id is None:
            return False
        user_of_sid[sid] = user_id
        await sio.enter_room(sid, f"user:{user_id}")
        return True

    @sio.event
    async def disconnect(sid: str, *_: Any) -> None:
        user_of_sid.pop(sid, None)

    @sio.event
    async def update_location(sid: str, data: Any) -> dict[str, Any]:
        await sio.emit("nearby_questions_update", nearby, to=sid)
        return {"ok": True}

    async def fan_out(seq: str, question_id: str, title: str, wave: str) -> None:
        delay = waves.get(wave, 0.0)
        if delay:
            await asyncio.sleep(delay)
        question = {**template["question"], "id": question_id, "title": title}
        for user_id in recipients.get(seq, {}).get(wave, []):
            event_id = last_event_id.get(user_id, 0) + 1
            last_event_id[user_id] = event_id
            payload = {**template, "eventId": event_id, "priority": wave, "question": question}
            await sio.emit("new_question_notification", payload, to=f"user:{user_id}")

    @sio.event
    async def create_question(sid: str, data: Any) -> dict[str, Any]:
        title = str((data or {}).get("title", ""))
        match = QUESTION_TAG.match(title)
        seq = match.group(1) if match else ""
        question_id = f"ref-{seq}"
        for wave in waves:
            asyncio.get_running_loop().create_task(fan_out(seq, question_id, title, wave))
        return {"ok": True, "question": {"id": question_id}}

    @sio.event
    async def create_answer(sid: str, data: Any) -> dict[str, Any]:
        return {"ok": True, "answer": {"id": "ref-answer"}}

    async def ready(scope: dict[str, Any], receive: Any, send: Any) -> None:
        """GET /ready (the driver waits for it) and 404 for anything else."""
        status = 200 if scope.get("path") == "/ready" else 404
        await send({"type": "http.response.start", "status": status, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    return socketio.ASGIApp(sio, other_asgi_app=ready)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--plan", type=Path, required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    plan = json.loads(args.plan.read_text())
    uvicorn.run(
        build_app(plan),
        host=args.host,
        port=args.port,
        loop="uvloop",
        http="httptools",
        ws="websockets-sansio",
        ws_per_message_deflate=False,
        log_config=None,
        access_log=False,
    )


if __name__ == "__main__":
    main()
