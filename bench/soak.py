"""`make soak`: a bounded soak test with faults, on loopback (docs/reliability.md).

A realistic mix — travelers ask, locals answer what they are notified of, askers accept,
everyone moves — while the server is `kill -9`ed every couple of minutes and restarted,
random clients drop and come back, and ~5 % of the clients are hostile (malformed,
oversized and flooding traffic, wrong passwords) in flood windows, from a process of their
own so that they load the server, not the honest clients' event loop. At the end every honest
client resyncs (`sync_unread_messages`), and the server's ledger is reconciled against
what the clients hold: events recorded vs received, lost, duplicated, points credited
twice, kill → /ready times, honest p99 during floods vs without, server errors.

`--cluster` runs two nodes behind nginx with Redis and PostgreSQL (tests/cluster's
harness) on a PostgreSQL of its own, kills a node at a time, and restarts Redis once and
PostgreSQL once (an immediate stop, then a start on the same data).

    python bench/soak.py [--minutes 10] [--clients 40] [--kill-every 120] [--cluster]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import re
import signal
import statistics
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from dongne.kit.clock import SystemClock  # noqa: E402
from dongne.kit.events import DiscardingSink  # noqa: E402
from dongne.models import PointsEntry, User, UserEvent  # noqa: E402
from dongne.models.migrations import upgrade  # noqa: E402
from dongne.runtime import Runtime, build_runtime  # noqa: E402
from tests.cluster.harness import (  # noqa: E402
    Client,
    Node,
    embedded_node_env,
    offset,
    running_cluster,
    wait_until,
)
from tests.fixtures.databases import POSTGRES_ENV  # noqa: E402
from tests.fixtures.jeju import place  # noqa: E402
from tests.fixtures.people import make_person  # noqa: E402
from tests.fixtures.server import RunningServer, server_settings  # noqa: E402
from tests.fixtures.services import ThrowawayServices, start_missing_services  # noqa: E402

SPOTS = [place(name) for name in ("seongsan_ilchulbong", "aewol_cafe_street", "hyeopjae_beach")]
FLOOD_EVERY_S = 60.0
FLOOD_FOR_S = 15.0
DROP_EVERY_S = 10.0
CALL_TIMEOUT_S = 10.0
OVERSIZED = "가" * 400_000  # 1.2 MB in UTF-8: over the 1 MB message limit


@dataclass
class Ledger:
    """What the soak saw from the clients' side."""

    latencies: list[tuple[float, float]] = field(default_factory=list)  # (start, seconds)
    unavailable: int = 0
    refused: Counter[str] = field(default_factory=Counter)
    http_5xx: Counter[str] = field(default_factory=Counter)
    floods: list[tuple[float, float]] = field(default_factory=list)
    outages: list[tuple[float, float]] = field(default_factory=list)  # kill → /ready
    database_restarts: list[tuple[float, float]] = field(default_factory=list)  # → /ready
    drops: int = 0
    hostile_sent: Counter[str] = field(default_factory=Counter)
    asked: int = 0
    answered: int = 0
    accepted: int = 0


@dataclass
class Soak:
    url: str  # where clients connect (the node, or nginx)
    runtime: Runtime  # in this process, on the same database: accounts and the ledger
    nodes: list[Node]
    logs: list[Path]
    ledger: Ledger = field(default_factory=Ledger)
    honest: list[Client] = field(default_factory=list)
    travelers: list[Client] = field(default_factory=list)
    locals_: list[Client] = field(default_factory=list)
    stop: asyncio.Event = field(default_factory=asyncio.Event)
    restart_redis: Any = None
    restart_postgres: Any = None

    def server(self) -> RunningServer:
        return RunningServer(self.url, self.runtime.settings, self.runtime)


# Real limits, but every client comes from 127.0.0.1 here where a crowd has many addresses;
# and the soak's 19 locals cannot take a question every few seconds under the caps of 10
# notifications an hour and 10 a day (they all reached them within four minutes, and the
# rest of a run had no answers, accepts or points left to check).
LIFTED = {
    "DONGNE_RATE_CONNECT": "100000/minute",
    "DONGNE_RATE_HTTP": "100000/minute",
    "DONGNE_FATIGUE_CAP": "1000000",
    "DONGNE_DAILY_CAP": "1000000",
}


def node_env(folder: Path, database_url: str) -> dict[str, str]:
    return embedded_node_env(folder, database_url, unlimited=False, **LIFTED)


@asynccontextmanager
async def embedded(folder: Path) -> AsyncIterator[Soak]:
    (folder / "data").mkdir(parents=True)
    url = f"sqlite+aiosqlite:///{folder / 'data' / 'dongne.db'}"
    await asyncio.to_thread(upgrade, url)
    runtime = build_runtime(server_settings(folder / "data", url), SystemClock(), DiscardingSink())
    node = Node("node", folder, node_env(folder, url))
    node.start()
    try:
        await node.started()
        yield Soak(node.url, runtime, [node], [node.log])
    finally:
        await node.stop(signal.SIGKILL)
        await runtime.close()


@asynccontextmanager
async def clustered(folder: Path) -> AsyncIterator[Soak]:
    # A PostgreSQL of the soak's own, so that restarting it disturbs nobody else's.
    shared_postgres = os.environ.pop(POSTGRES_ENV, None)
    services = start_missing_services()
    if services is None or POSTGRES_ENV not in services.started:
        raise SystemExit(
            f"soak --cluster: no PostgreSQL of its own ({services and services.missing})"
        )
    try:
        async with soaked_cluster(folder, services) as soak:
            yield soak
    finally:
        services.stop()
        if shared_postgres is not None:
            os.environ[POSTGRES_ENV] = shared_postgres


@asynccontextmanager
async def soaked_cluster(folder: Path, services: ThrowawayServices) -> AsyncIterator[Soak]:
    async with running_cluster(folder, unlimited=False, **LIFTED) as cluster:
        soak = Soak(
            cluster.nginx.url,
            cluster.runtime,
            [cluster.a, cluster.b],
            [cluster.a.log, cluster.b.log],
        )

        async def restart_redis() -> None:
            await cluster.redis.stop(signal.SIGKILL)
            cluster.redis.start()
            await cluster.redis.ready()

        async def restart_postgres() -> None:
            await asyncio.to_thread(services.restart_postgres)

        soak.restart_redis = restart_redis
        soak.restart_postgres = restart_postgres
        yield soak


def stamp() -> float:
    # CLOCK_MONOTONIC is system-wide: the hostile clients' process reads the same clock.
    return time.monotonic()


async def timed_call(soak: Soak, client: Client, event: str, payload: Any) -> Any:
    if not client.sio.connected:
        soak.ledger.unavailable += 1
        return None
    started = stamp()
    try:
        reply = await client.sio.call(event, payload, timeout=CALL_TIMEOUT_S)
    except Exception:  # noqa: BLE001 - the server was killed or the client dropped
        soak.ledger.unavailable += 1
        return None
    soak.ledger.latencies.append((started, stamp() - started))
    if isinstance(reply, dict) and reply.get("ok") is False:
        soak.ledger.refused[str(reply.get("error", {}).get("code"))] += 1
    return reply


async def traveler(soak: Soak, client: Client, rng: random.Random) -> None:
    mine: dict[str, bool] = {}  # question id -> accepted
    while not soak.stop.is_set():
        await asyncio.sleep(rng.uniform(15, 35))
        spot = rng.choice(SPOTS)
        reply = await timed_call(
            soak,
            client,
            "create_question",
            {
                "title": f"{client.name}: 지금 여기 어때요? {rng.randint(1, 10**6)}",
                "content": "근처에 계신 분 알려 주세요",
                "location": dict(
                    zip(("lat", "lng"), offset(spot, rng.uniform(-300, 300)), strict=True)
                ),
                "hashtags": ["제주"],
                "urgency": rng.choice(["urgent", "normal"]),
            },
        )
        if reply and reply.get("ok"):
            mine[str(reply["question"]["id"])] = False
            soak.ledger.asked += 1
        for note in client.events("answer_notification"):
            qid = str(note["questionId"])
            if qid in mine and not mine[qid]:
                accepted = await timed_call(
                    soak, client, "accept_answer", {"answerId": note["answer"]["id"]}
                )
                if accepted and accepted.get("ok"):
                    mine[qid] = True
                    soak.ledger.accepted += 1


async def local(soak: Soak, client: Client, rng: random.Random) -> None:
    done: set[str] = set()
    home = rng.choice(SPOTS)
    while not soak.stop.is_set():
        await asyncio.sleep(rng.uniform(2, 6))
        if rng.random() < 0.3:
            client.location = offset(home, rng.uniform(-1500, 1500), rng.uniform(-1500, 1500))
            await timed_call(
                soak,
                client,
                "update_location",
                dict(zip(("lat", "lng"), client.location, strict=True)),
            )
        for note in client.events("new_question_notification"):
            qid = str(note["question"]["id"])
            if qid in done:
                continue
            done.add(qid)
            if rng.random() < 0.6:
                reply = await timed_call(
                    soak, client, "create_answer", {"questionId": qid, "content": "제가 알아요!"}
                )
                if reply and reply.get("ok"):
                    soak.ledger.answered += 1


@dataclass
class Hostility:
    """The hostile side, run in a process of its own (`--hostile-worker`) so that encoding
    its floods does not slow the honest clients' event loop, whose latency is measured."""

    url: str
    floods: list[tuple[float, float]]
    until: float
    sent: Counter[str] = field(default_factory=Counter)
    http_5xx: Counter[str] = field(default_factory=Counter)


async def hostile(side: Hostility, client: Client, rng: random.Random) -> None:
    """Malformed, oversized and flooding traffic, in the flood windows."""
    async with httpx.AsyncClient(base_url=side.url, timeout=10) as http:
        while stamp() < side.until:
            if not inside(stamp(), side.floods):
                await asyncio.sleep(0.5)
                continue
            kind = rng.choice(["malformed", "oversized", "flood", "http", "login"])
            if kind in ("malformed", "oversized", "flood") and not client.sio.connected:
                kind = "login"  # cut off (an oversized message closes the socket): HTTP
            with contextlib.suppress(Exception):
                side.sent[kind] += 1
                if kind == "malformed":
                    await client.sio.emit("create_question", {"title": 5, "location": "x"})
                    await client.sio.emit("create_answer", "not an object")
                    await client.sio.emit("accept_answer", {"answerId": "'; DROP TABLE"})
                elif kind == "oversized":
                    await client.sio.emit("create_question", {"title": OVERSIZED})
                elif kind == "flood":
                    for _ in range(50):
                        await client.sio.emit("update_location", {"lat": 33.4, "lng": 126.5})
                elif kind == "http":
                    response = await http.post(
                        "/api/auth/login",
                        content=b" " * 1_500_000,
                        headers={"content-type": "application/json"},
                    )
                    if response.status_code >= 500:
                        side.http_5xx[f"hostile big body {response.status_code}"] += 1
                else:
                    response = await http.post(
                        "/api/auth/login", json={"email": "nobody@example.com", "password": "guess"}
                    )
                    if response.status_code >= 500:
                        # 502/504 come from nginx while a node is being killed; 500 is ours.
                        side.http_5xx[f"hostile login {response.status_code}"] += 1
            await asyncio.sleep(0.05)


async def hostile_worker() -> int:
    """The hostile clients' process: its orders on stdin, what it sent on stdout (JSON)."""
    orders = json.loads(sys.stdin.read())
    side = Hostility(orders["url"], [(a, b) for a, b in orders["floods"]], orders["until"])
    rng = random.Random(orders["seed"])
    clients = [
        Client(who["name"], side.url, who["token"], ("websocket",), who["id"])
        for who in orders["clients"]
    ]
    for client in clients:
        with contextlib.suppress(Exception):
            await client.connect()
    await asyncio.gather(*(hostile(side, c, random.Random(rng.random())) for c in clients))
    for client in clients:
        with contextlib.suppress(Exception):
            await client.close()
    print(json.dumps({"sent": side.sent, "http_5xx": side.http_5xx}), flush=True)
    return 0


async def start_hostiles(
    soak: Soak, args: argparse.Namespace, floods: list[tuple[float, float]], until: float
) -> asyncio.subprocess.Process:
    server = soak.server()
    clients = []
    for n in range(args.hostile):
        person = await make_person(server, f"hostile{n}", local=False)
        clients.append({"name": person.name, "token": person.token, "id": person.id})
    orders = {
        "url": soak.url,
        "floods": floods,
        "until": until,
        "seed": args.seed,
        "clients": clients,
    }
    worker = await asyncio.create_subprocess_exec(
        sys.executable,
        __file__,
        "--hostile-worker",
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
    )
    assert worker.stdin is not None
    worker.stdin.write(json.dumps(orders).encode())
    await worker.stdin.drain()
    worker.stdin.close()
    return worker


async def hostiles_done(soak: Soak, worker: asyncio.subprocess.Process) -> None:
    out, _ = await asyncio.wait_for(worker.communicate(), timeout=60)
    said = json.loads(out.decode().strip().splitlines()[-1])
    soak.ledger.hostile_sent.update(said["sent"])
    soak.ledger.http_5xx.update(said["http_5xx"])


def flood_schedule(start: float, minutes: float) -> list[tuple[float, float]]:
    """A flood of FLOOD_FOR_S at the end of every FLOOD_EVERY_S, none in the last half minute."""
    windows = []
    k = 1
    while k * FLOOD_EVERY_S - FLOOD_FOR_S <= minutes * 60 - FLOOD_EVERY_S / 2:
        end = start + k * FLOOD_EVERY_S
        windows.append((end - FLOOD_FOR_S, end))
        k += 1
    return windows


async def killer(soak: Soak, every_s: float, rng: random.Random) -> None:
    turn = 0
    while not soak.stop.is_set():
        await asyncio.sleep(every_s)
        if soak.stop.is_set():
            return
        node = soak.nodes[turn % len(soak.nodes)]
        turn += 1
        if soak.restart_redis is not None and turn == 2:
            await soak.restart_redis()  # once, in the cluster run
        if soak.restart_postgres is not None and turn == 3:
            stopped = stamp()  # once, in the cluster run: every node loses its connections
            await soak.restart_postgres()
            await wait_until(
                lambda: all_ready(soak.nodes), 120, "the nodes after PostgreSQL", every_s=0.1
            )
            soak.ledger.database_restarts.append((stopped, stamp()))
        killed = stamp()
        node.send(signal.SIGKILL)
        await node.wait(10)
        node.start()
        await wait_until(node.is_ready, 120, f"{node.name} to be ready", every_s=0.1)
        soak.ledger.outages.append((killed, stamp()))


async def all_ready(nodes: list[Node]) -> bool:
    return all([await node.is_ready() for node in nodes])


async def dropper(soak: Soak, rng: random.Random) -> None:
    while not soak.stop.is_set():
        await asyncio.sleep(DROP_EVERY_S)
        client = rng.choice(soak.honest)
        if not client.sio.connected:
            continue
        soak.ledger.drops += 1
        with contextlib.suppress(Exception):
            await client.sio.eio.disconnect(abort=True)  # the network went away
        await asyncio.sleep(rng.uniform(0.5, 5))
        with contextlib.suppress(Exception):
            if not client.sio.connected:
                await client.connect()


async def settle(soak: Soak) -> None:
    """Everyone connected again, and resynced from their own watermark."""
    for client in soak.honest:
        for _ in range(30):
            if client.sio.connected:
                break
            with contextlib.suppress(Exception):
                await client.connect()
            await asyncio.sleep(1)
    for client in soak.honest:
        if client.location is not None:
            with contextlib.suppress(Exception):
                await client.locate(*client.location)
        await client.resync()


def p99(values: list[float]) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))]


def inside(moment: float, windows: list[tuple[float, float]]) -> bool:
    return any(a <= moment <= b for a, b in windows)


async def reconcile(soak: Soak) -> dict[str, Any]:
    ids = {c.user_id for c in soak.honest}
    async with soak.runtime.db.transaction(readonly=True) as uow:
        rows = (
            await uow.session.execute(
                select(UserEvent.user_id, UserEvent.event_id, UserEvent.type).where(
                    UserEvent.user_id.in_(ids)
                )
            )
        ).all()
        double = (
            await uow.session.execute(
                select(PointsEntry.source_id)
                .group_by(PointsEntry.source_id, PointsEntry.reason)
                .having(func.count() > 1)
            )
        ).all()
        points = dict(
            (
                await uow.session.execute(
                    select(PointsEntry.user_id, func.sum(PointsEntry.amount)).group_by(
                        PointsEntry.user_id
                    )
                )
            ).all()
        )
        balances = dict((await uow.session.execute(select(User.id, User.points))).all())
    recorded: dict[str, set[tuple[str, int]]] = defaultdict(set)
    for user_id, event_id, kind in rows:
        recorded[kind].add((user_id, event_id))
    received: dict[str, set[tuple[str, int]]] = defaultdict(set)
    duplicated = 0
    for client in soak.honest:
        seen_keys: Counter[tuple[str, str]] = Counter()
        for event_id, (kind, payload) in client.durable.items():
            received[kind].add((client.user_id, event_id))
            key = _logical_key(kind, payload)
            if key:
                seen_keys[(kind, key)] += 1
        duplicated += sum(n - 1 for n in seen_keys.values() if n > 1)
    lost = {kind: len(recorded[kind] - received[kind]) for kind in recorded}
    mismatched = sum(1 for u, total in points.items() if balances.get(u) != total)
    return {
        "recorded": {k: len(v) for k, v in recorded.items()},
        "received": {k: len(recorded[k] & received[k]) for k in recorded},
        "lost": lost,
        "duplicated": duplicated,
        "double_credits": len(double),
        "balance_mismatches": mismatched,
    }


def _logical_key(kind: str, payload: dict[str, Any]) -> str | None:
    """One real-world event, whatever eventId it came under."""
    if kind == "new_question_notification":
        return str(payload.get("question", {}).get("id"))
    if kind in ("new_answer",):
        return str(payload.get("answer", {}).get("id"))
    if kind == "answer_notification":
        return str(payload.get("answer", {}).get("id"))
    if kind == "answer_accepted":
        return str(payload.get("answerId"))
    if kind == "notification":
        return str(payload.get("id"))
    return None


def server_errors(logs: list[Path]) -> Counter[str]:
    causes: Counter[str] = Counter()
    for log in logs:
        with contextlib.suppress(OSError):
            for line in log.read_text(errors="replace").splitlines():
                if '"level": "error"' in line or '"level": "critical"' in line:
                    found = re.search(r'"event": "([^"]+)"', line)
                    causes[found.group(1) if found else line[:80]] += 1
    return causes


def report(soak: Soak, result: dict[str, Any], args: argparse.Namespace, took_s: float) -> str:
    ledger = soak.ledger
    faults = ledger.outages + ledger.database_restarts
    calm = [
        d for t, d in ledger.latencies if not inside(t, ledger.floods) and not inside(t, faults)
    ]
    flood = [d for t, d in ledger.latencies if inside(t, ledger.floods) and not inside(t, faults)]
    recoveries = [b - a for a, b in ledger.outages]
    restarts = ", ".join(f"{b - a:.1f}" for a, b in ledger.database_restarts)
    errors = server_errors(soak.logs)
    mode = "--cluster" if args.cluster else "embedded"
    lines = [
        f"### Soak {mode}: {took_s / 60:.1f} min, {len(soak.honest)} honest + "
        f"{args.hostile} hostile clients, kill -9 every {args.kill_every:.0f} s",
        "",
        "| event type | recorded | received | lost |",
        "|---|---:|---:|---:|",
    ]
    for kind in sorted(result["recorded"]):
        counts = (result["recorded"][kind], result["received"][kind], result["lost"][kind])
        lines.append(f"| {kind} | {counts[0]} | {counts[1]} | {counts[2]} |")
    total_lost = sum(result["lost"].values())
    ratio = p99(flood) / p99(calm) if calm and flood else float("nan")
    median = statistics.median([d for _, d in ledger.latencies]) if ledger.latencies else 0.0
    acted = f"{ledger.asked} / {ledger.answered} / {ledger.accepted}"
    lines += [
        "",
        "| check | value |",
        "|---|---|",
        f"| lost (must be 0) | {total_lost} |",
        f"| duplicated after de-duplication by eventId (must be 0) | {result['duplicated']} |",
        f"| points credited twice (must be 0) | {result['double_credits']} |",
        f"| balances not equal to their ledger | {result['balance_mismatches']} |",
        f"| questions / answers / accepts (acknowledged) | {acted} |",
        f"| kills → /ready (s) | {', '.join(f'{r:.1f}' for r in recoveries) or '-'} |",
        f"| PostgreSQL restarts → every node /ready (s) | {restarts or '-'} |",
        f"| random client drops | {ledger.drops} |",
        f"| honest p99 without / during flood (ms) | {p99(calm) * 1000:.0f} / "
        f"{p99(flood) * 1000:.0f} ({ratio:.2f}×; n = {len(calm)} / {len(flood)}) |",
        f"| honest median (ms) | {median * 1000:.0f} |",
        f"| honest calls unanswered (server down or client dropped) | {ledger.unavailable} |",
        f"| refusals seen by honest clients | {dict(ledger.refused) or 0} |",
        f"| hostile actions sent | {dict(ledger.hostile_sent)} |",
        f"| HTTP 5xx | {dict(ledger.http_5xx) or 0} |",
        f"| server errors logged (cause: count) | {dict(errors) or 0} |",
        f"| lifted (one loopback address, few locals) | {', '.join(LIFTED)} |",
    ]
    return "\n".join(lines)


async def main(args: argparse.Namespace) -> int:
    rng = random.Random(args.seed)
    folder = Path(tempfile.mkdtemp(prefix="dongne-soak-"))
    setup = clustered(folder) if args.cluster else embedded(folder)
    started = stamp()
    async with AsyncExitStack() as stack:
        soak = await stack.enter_async_context(setup)
        server = soak.server()
        honest_count = args.clients - args.hostile
        for n in range(honest_count):
            is_local = n % 2 == 0
            person = await make_person(
                server, f"{'local' if is_local else 'trav'}{n}", local=is_local
            )
            client = Client(person.name, soak.url, person.token, ("websocket",), person.id)
            await client.connect()
            spot = SPOTS[n % len(SPOTS)]
            await client.locate(*offset(spot, rng.uniform(-1500, 1500), rng.uniform(-1500, 1500)))
            soak.honest.append(client)
            (soak.locals_ if is_local else soak.travelers).append(client)
            stack.push_async_callback(client.close)
        begun = stamp()
        soak.ledger.floods = flood_schedule(begun, args.minutes)
        worker = await start_hostiles(soak, args, soak.ledger.floods, begun + args.minutes * 60)
        tasks = [
            asyncio.create_task(traveler(soak, c, random.Random(rng.random())))
            for c in soak.travelers
        ]
        tasks += [
            asyncio.create_task(local(soak, c, random.Random(rng.random()))) for c in soak.locals_
        ]
        tasks += [
            asyncio.create_task(killer(soak, args.kill_every, rng)),
            asyncio.create_task(dropper(soak, rng)),
        ]
        print(f"soak: {args.minutes} min in {folder}", flush=True)
        await asyncio.sleep(args.minutes * 60)
        soak.stop.set()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await hostiles_done(soak, worker)
        # The last waves and deliveries (after any warm-up), then everyone resyncs.
        await asyncio.sleep(args.settle)
        await settle(soak)
        result = await reconcile(soak)
        text = report(soak, result, args, stamp() - started)
        print(text, flush=True)
        if args.out:
            await asyncio.to_thread(Path(args.out).write_text, text + "\n")
        failed = sum(result["lost"].values()) or result["duplicated"] or result["double_credits"]
        return 1 if failed else 0
    return 1


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--clients", type=int, default=40)
    parser.add_argument("--hostile", type=int, default=2, help="of --clients (5 %% by default)")
    parser.add_argument("--kill-every", type=float, default=120.0)
    parser.add_argument("--settle", type=float, default=25.0)
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--cluster", action="store_true")
    parser.add_argument("--out", help="also write the table to this file")
    parser.add_argument("--hostile-worker", action="store_true", help=argparse.SUPPRESS)
    return parser.parse_args()


if __name__ == "__main__":
    arguments = parse()
    sys.exit(asyncio.run(hostile_worker() if arguments.hostile_worker else main(arguments)))
