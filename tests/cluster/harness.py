"""Two real server processes, a Redis of their own, PostgreSQL and nginx in front.

Everything runs on loopback with free ports. Each cluster gets a fresh PostgreSQL
database and its own `redis-server` (so a test may kill it, and parallel runs never
share pub/sub channels or keys). nginx runs the shipped `deploy/nginx/dongne.conf`, with
only the upstream addresses and the listen address swapped for the test's.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import os
import re
import resource
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import socketio
from sqlalchemy import func, select

from dongne.kit.clock import SystemClock
from dongne.kit.events import DiscardingSink
from dongne.models import Answer, Question, QuestionNotified
from dongne.models.migrations import upgrade
from dongne.runtime import Runtime, build_runtime
from tests.fixtures.databases import POSTGRES_ENV, fresh_database, postgres_base_url
from tests.fixtures.people import make_person
from tests.fixtures.server import TEST_JWT_SECRET, UNLIMITED, RunningServer, server_settings

ROOT = Path(__file__).resolve().parents[2]
SHIPPED_NGINX_CONF = ROOT / "deploy" / "nginx" / "dongne.conf"
# The app nodes as the shipped config names them (compose service names).
SHIPPED_UPSTREAMS = ("app1:8000", "app2:8000")
START_TIMEOUT_S = 30.0
NGINX_CONNECTIONS = 1024
# nginx may raise its open-file limit only up to the hard limit it inherits.
OPEN_FILES_LIMIT = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
UPSTREAM_HEADER = "x-dongne-upstream"


# --- what the machine has ---------------------------------------------------------------


def find_tool(name: str) -> str | None:
    """On PATH, or where Debian puts daemons (`/usr/sbin` is not on every user's PATH)."""
    found = shutil.which(name)
    if found:
        return found
    for folder in ("/usr/sbin", "/usr/local/sbin", "/sbin"):
        candidate = Path(folder) / name
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    return None


def missing_pieces() -> list[str]:
    missing = []
    if not postgres_base_url():
        missing.append(f"PostgreSQL ({POSTGRES_ENV} is not set)")
    if find_tool("redis-server") is None:
        missing.append("redis-server (apt-get install redis-server)")
    if find_tool("nginx") is None:
        missing.append("nginx (apt-get install nginx)")
    return missing


def require_cluster_pieces() -> None:
    """Skips with the reason when a piece is missing; in CI a missing piece fails."""
    missing = missing_pieces()
    if not missing:
        return
    reason = "cluster test needs " + ", ".join(missing)
    if os.environ.get("CI"):
        pytest.fail(reason + " (CI is set: .ci/run must install and start it)")
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def wait_until(
    check: Callable[[], Awaitable[bool]], timeout_s: float, what: str, every_s: float = 0.1
) -> None:
    deadline = time.monotonic() + timeout_s
    while True:
        if await check():
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout_s:.0f}s waiting for {what}")
        await asyncio.sleep(every_s)


def _tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


# --- processes ------------------------------------------------------------------------


class Process:
    """A child process with its output in a log file; ended on exit whatever happened."""

    def __init__(self, name: str, argv: list[str], log: Path, env: dict[str, str] | None) -> None:
        self.name = name
        self.argv = argv
        self.log = log
        self.env = env
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log.open("ab") as out:
            self.proc = subprocess.Popen(
                self.argv, stdout=out, stderr=subprocess.STDOUT, env=self.env, cwd=ROOT
            )

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def send(self, sig: int) -> None:
        assert self.proc is not None
        self.proc.send_signal(sig)

    async def wait(self, timeout_s: float) -> int:
        assert self.proc is not None
        deadline = time.monotonic() + timeout_s
        while self.proc.poll() is None:
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"{self.name} still running after {timeout_s}s\n{self.describe()}"
                )
            await asyncio.sleep(0.05)
        return int(self.proc.returncode)

    async def stop(self, sig: int = signal.SIGTERM, timeout_s: float = 10.0) -> None:
        if not self.alive():
            return
        self.send(sig)
        try:
            await self.wait(timeout_s)
        except AssertionError:
            self.send(signal.SIGKILL)
            await self.wait(5)

    def describe(self) -> str:
        return f"--- {self.name} ({self.log}) ---\n{_tail(self.log)}"


class RedisServer(Process):
    """A redis-server of the test's own, without persistence, that a test may kill."""

    def __init__(self, folder: Path) -> None:
        self.port = free_port()
        binary = find_tool("redis-server")
        assert binary is not None
        argv = [
            binary,
            "--bind",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(folder),
        ]
        super().__init__("redis", argv, folder / "redis.log", None)

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    async def ready(self) -> None:
        async def answers() -> bool:
            try:
                _, writer = await asyncio.open_connection("127.0.0.1", self.port)
            except OSError:
                return False
            writer.close()
            return True

        await wait_until(answers, 10, "redis-server to listen")


class Node(Process):
    """`python -m dongne serve` on its own port."""

    def __init__(self, name: str, folder: Path, env: dict[str, str]) -> None:
        self.port = free_port()
        argv = [sys.executable, "-m", "dongne", "serve", "--host", "127.0.0.1"]
        argv += ["--port", str(self.port)]
        super().__init__(name, argv, folder / f"{name}.log", env)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    async def get(self, path: str) -> httpx.Response:
        async with httpx.AsyncClient(base_url=self.url, timeout=5) as http:
            return await http.get(path)

    async def is_ready(self) -> bool:
        try:
            return (await self.get("/ready")).status_code == 200
        except httpx.HTTPError:
            return False

    async def is_not_ready(self) -> bool:
        try:
            return (await self.get("/ready")).status_code == 503
        except httpx.HTTPError:
            return False

    async def connected_sockets(self) -> int:
        text = (await self.get("/metrics")).text
        found = re.search(r"^dongne_connected_sockets (\S+)$", text, re.MULTILINE)
        return int(float(found.group(1))) if found else 0

    async def started(self) -> None:
        async def up() -> bool:
            if not self.alive():
                raise AssertionError(f"{self.name} exited during start-up\n{self.describe()}")
            return await self.is_ready()

        await wait_until(up, START_TIMEOUT_S, f"{self.name} to be ready")


class Nginx(Process):
    """Debian's nginx running the shipped load-balancer config in front of two nodes."""

    def __init__(
        self, folder: Path, upstreams: tuple[str, str], connections: int = NGINX_CONNECTIONS
    ) -> None:
        self.port = free_port()
        self.folder = folder
        conf = SHIPPED_NGINX_CONF.read_text()
        for shipped, ours in zip(SHIPPED_UPSTREAMS, upstreams, strict=True):
            assert shipped in conf, f"{SHIPPED_NGINX_CONF} no longer names {shipped}"
            conf = conf.replace(shipped, ours)
        conf, listens = re.subn(r"listen\s+80\s*;", f"listen 127.0.0.1:{self.port};", conf)
        assert listens == 1, f"{SHIPPED_NGINX_CONF} should listen on port 80 once"
        (folder / "dongne.conf").write_text(conf)
        for temp in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (folder / temp).mkdir(exist_ok=True)
        # Workers run as the user nginx starts as: root's are "nobody" otherwise, who
        # cannot enter pytest's private temporary folders.
        user = "user root;\n" if os.geteuid() == 0 else ""
        # Each proxied client holds two connections: its own and the one to its node.
        (folder / "nginx.conf").write_text(
            f"""{user}worker_processes 1;
worker_rlimit_nofile {min(2 * connections + 64, OPEN_FILES_LIMIT)};
error_log {folder}/error.log info;
pid {folder}/nginx.pid;
events {{ worker_connections {connections}; }}
http {{
    access_log {folder}/access.log;
    client_body_temp_path {folder}/client_body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    include {folder}/dongne.conf;
}}
"""
        )
        binary = find_tool("nginx")
        assert binary is not None
        argv = [binary, "-p", str(folder), "-c", str(folder / "nginx.conf"), "-g", "daemon off;"]
        super().__init__("nginx", argv, folder / "nginx.log", None)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def started(self) -> None:
        async def up() -> bool:
            if not self.alive():
                raise AssertionError(f"nginx exited\n{self.describe()}\n{_tail(self.error_log)}")
            try:
                async with httpx.AsyncClient(timeout=2) as http:
                    return (await http.get(f"{self.url}/health")).status_code == 200
            except httpx.HTTPError:
                return False

        await wait_until(up, 10, "nginx to proxy /health")

    @property
    def error_log(self) -> Path:
        return self.folder / "error.log"

    async def upstream_for_this_client(self) -> str:
        """Which node nginx sends this machine's clients to (it hashes the client address)."""
        async with httpx.AsyncClient(timeout=5) as http:
            response = await http.get(f"{self.url}/health")
        assert response.status_code == 200
        return response.headers[UPSTREAM_HEADER].split(",")[-1].strip()


# --- the cluster ----------------------------------------------------------------------


@dataclass
class Cluster:
    folder: Path
    database_url: str
    redis: RedisServer
    a: Node
    b: Node
    nginx: Nginx
    runtime: Runtime  # in the test process, on the same database: accounts and checks

    def node(self, address: str) -> Node:
        return next(n for n in (self.a, self.b) if n.address == address)

    def other(self, node: Node) -> Node:
        return self.b if node is self.a else self.a

    def server(self, url: str) -> RunningServer:
        """A `RunningServer` for tests/fixtures (people, clients) aimed at `url`."""
        return RunningServer(url, self.runtime.settings, self.runtime)

    def describe(self) -> str:
        return "\n".join(p.describe() for p in (self.a, self.b, self.nginx, self.redis))

    async def count(self, model: Any, *where: Any) -> int:
        async with self.runtime.db.transaction(readonly=True) as uow:
            query = select(func.count()).select_from(model).where(*where)
            return int((await uow.session.execute(query)).scalar_one())

    async def stored(self) -> tuple[int, int]:
        return await self.count(Question), await self.count(Answer)

    async def notified(self, question_id: str) -> list[tuple[str, str]]:
        """(wave, user_id) of every stored notification of the question."""
        async with self.runtime.db.transaction(readonly=True) as uow:
            rows = await uow.session.execute(
                select(QuestionNotified.wave, QuestionNotified.user_id).where(
                    QuestionNotified.question_id == question_id
                )
            )
            return [(wave, user_id) for wave, user_id in rows]


def embedded_node_env(
    folder: Path, database_url: str, *, unlimited: bool = True, **extra: str
) -> dict[str, str]:
    """The environment of one `dongne serve` process on `database_url` (tests, soak)."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("DONGNE_") or key.startswith(("DONGNE_TEST_", "DONGNE_ROUTING"))
    }
    env.update(
        {
            "DONGNE_ENV": "test",
            "DONGNE_DATA_DIR": str(folder / "data"),
            "DONGNE_DATABASE_URL": database_url,
            "DONGNE_JWT_SECRET": TEST_JWT_SECRET,
            "DONGNE_PASSWORD_HASH_MEMORY_KIB": "1024",
            "DONGNE_LOG_LEVEL": "info",
        }
    )
    if unlimited:
        env.update({f"DONGNE_{key.upper()}": "1000000/minute" for key in UNLIMITED})
    env.update(extra)
    return env


def node_env(
    folder: Path, database_url: str, redis_url: str, *, unlimited: bool = True, **extra: str
) -> dict[str, str]:
    # Shared by both nodes, as a volume would be: the same VAPID keys and uploads; nginx's
    # X-Forwarded-For names the client.
    scaled = {
        "DONGNE_REDIS_URL": redis_url,
        "DONGNE_TRUSTED_PROXIES": "127.0.0.1/32",
        # These tests count each wave's broadcast across nodes (every local within reach);
        # the router's choices are tested in tests/escalation, on PostgreSQL too. The
        # benchmark's scaled scenario passes the product's routing in `extra`.
        "DONGNE_ROUTING": "seed-waves",
    }
    return embedded_node_env(folder, database_url, unlimited=unlimited, **(scaled | extra))


@asynccontextmanager
async def running_cluster(
    folder: Path,
    *,
    unlimited: bool = True,
    nginx_connections: int = NGINX_CONNECTIONS,
    **extra: str,
) -> AsyncIterator[Cluster]:
    """Two nodes, Redis, PostgreSQL and nginx. `unlimited`: every rate limit lifted (the
    tests drive many events from one address); `nginx_connections`: its worker's limit
    (the benchmark's thousands of clients); `extra`: more of the nodes' environment."""
    require_cluster_pieces()
    async with AsyncExitStack() as stack:
        database_url = await stack.enter_async_context(fresh_database("postgres", folder))
        redis = RedisServer(folder)
        redis.start()
        stack.push_async_callback(redis.stop, signal.SIGKILL)
        await redis.ready()
        (folder / "data").mkdir()
        env = node_env(folder, database_url, redis.url, unlimited=unlimited, **extra)
        # What `dongne migrate` runs, here to spare a process start (seconds on this machine).
        await asyncio.to_thread(upgrade, database_url)

        a, b = Node("node-a", folder, env), Node("node-b", folder, env)
        for node in (a, b):
            node.start()
            stack.push_async_callback(node.stop, signal.SIGKILL)
        nginx_folder = folder / "nginx"
        nginx_folder.mkdir()
        nginx = Nginx(nginx_folder, (a.address, b.address), nginx_connections)
        settings = server_settings(folder / "data", database_url)
        runtime = build_runtime(settings, SystemClock(), DiscardingSink())
        stack.push_async_callback(runtime.close)
        cluster = Cluster(folder, database_url, redis, a, b, nginx, runtime)
        try:
            await asyncio.gather(a.started(), b.started())
            nginx.start()
            stack.push_async_callback(nginx.stop, signal.SIGQUIT)
            await nginx.started()
        except AssertionError as exc:
            raise AssertionError(f"{exc}\n{cluster.describe()}") from exc
        try:
            yield cluster
        except BaseException as exc:
            # The servers' own words are what explains a failure across processes.
            if isinstance(exc, AssertionError):
                exc.args = (f"{exc}\n{cluster.describe()}",)
            raise


# --- clients that reconnect and resync, as the web client does ------------------------


@dataclass
class Client:
    """A Socket.IO client that reconnects by itself and resyncs from its last `eventId`.

    Durable events (those with an `eventId`) are kept once each whether they came live or
    through `sync_unread_messages`; `received` counts every arrival, duplicates included.
    """

    name: str
    url: str
    token: str
    transports: tuple[str, ...] = ("websocket",)
    user_id: str = ""
    sio: socketio.AsyncClient = field(init=False, repr=False)
    durable: dict[int, tuple[str, dict[str, Any]]] = field(default_factory=dict, repr=False)
    live: list[tuple[str, Any]] = field(default_factory=list, repr=False)
    received: dict[int, int] = field(default_factory=dict, repr=False)
    watermark: int = 0
    connects: int = 0
    disconnects: int = 0
    resyncs: int = 0
    location: tuple[float, float] | None = None
    _changed: asyncio.Event = field(default_factory=asyncio.Event, repr=False)
    _tasks: set[asyncio.Task[None]] = field(default_factory=set, repr=False)

    def __post_init__(self) -> None:
        self.sio = socketio.AsyncClient(
            reconnection=True,
            reconnection_delay=0.2,
            reconnection_delay_max=1,
            randomization_factor=0,
        )
        self.sio.on("*", self._record)
        self.sio.on("connect", self._connected)
        self.sio.on("disconnect", self._disconnected)

    @property
    def last_event_id(self) -> int:
        """Every durable event up to here was handled: where a resync resumes.

        Not the highest id seen: a live event may arrive after a gap (an emit from another
        node lost while Redis was down), and the gap must still come back through a sync.
        """
        return self.watermark

    async def _record(self, event: str, *args: Any) -> None:
        payload = args[0] if len(args) == 1 else args
        self.live.append((event, payload))
        if isinstance(payload, dict) and isinstance(payload.get("eventId"), int):
            self._keep(payload["eventId"], event, payload)
        self._changed.set()

    def _keep(self, event_id: int, event: str, payload: dict[str, Any]) -> None:
        self.received[event_id] = self.received.get(event_id, 0) + 1
        self.durable.setdefault(event_id, (event, payload))
        while self.watermark + 1 in self.durable:
            self.watermark += 1

    async def _connected(self) -> None:
        self.connects += 1
        if self.connects > 1:
            # Not inside the handler: its reply would wait behind this very handler.
            task = asyncio.ensure_future(self._resume())
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        self._changed.set()

    async def _disconnected(self, reason: Any = None) -> None:
        self.disconnects += 1
        self._changed.set()

    async def _resume(self) -> None:
        # A node killed during the resume leaves its calls unanswered; the reconnect that
        # follows resumes again, so the timed-out one has nothing left to do.
        with contextlib.suppress(socketio.exceptions.TimeoutError):
            if self.location is not None:
                # Live positions are not durable: a client re-sends its own after reconnecting.
                await self.sio.call(
                    "update_location", {"lat": self.location[0], "lng": self.location[1]}
                )
            await self.resync()

    async def resync(self) -> None:
        while True:
            reply = await self.sio.call(
                "sync_unread_messages", {"lastEventId": self.last_event_id}, timeout=10
            )
            assert reply["ok"] is True, reply
            for item in reply["events"]:
                self._keep(item["eventId"], item["type"], item["payload"])
            if not reply.get("hasMore"):
                # Everything up to the server's last id is ours now (ids of events pruned
                # or never ours included), as the web client's ledger does.
                self.watermark = max(self.watermark, reply["lastEventId"] or 0)
                while self.watermark + 1 in self.durable:
                    self.watermark += 1
                break
        self.resyncs += 1
        self._changed.set()

    async def connect(self) -> Client:
        await self.sio.connect(
            self.url,
            auth={"token": self.token},
            transports=list(self.transports),
            wait_timeout=10,
        )
        return self

    async def call(self, event: str, payload: Any = None, timeout: float = 10) -> Any:
        return await self.sio.call(event, payload, timeout=timeout)

    async def locate(self, lat: float, lng: float) -> None:
        self.location = (lat, lng)
        ack = await self.call("update_location", {"lat": lat, "lng": lng})
        assert ack["ok"] is True, (self.name, ack)

    def events(self, event: str) -> list[dict[str, Any]]:
        """Durable events of one type, once each, in eventId order."""
        return [payload for _, (name, payload) in sorted(self.durable.items()) if name == event]

    def live_events(self, event: str) -> list[Any]:
        return [payload for name, payload in self.live if name == event]

    async def wait_for(
        self, what: str, check: Callable[[Client], bool], timeout_s: float = 10
    ) -> None:
        deadline = time.monotonic() + timeout_s
        while not check(self):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"{self.name}: timed out waiting for {what}")
            self._changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), min(remaining, 0.5))

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        with contextlib.suppress(Exception):
            if self.sio.connected and self.sio.transport() == "polling":
                # python-engineio's client waits for its pending long-poll, which the server
                # does not end on a client's CLOSE: up to 30 s. Say goodbye, then hang up.
                for namespace in self.sio.namespaces:
                    await self.sio._send_packet(
                        self.sio.packet_class(socketio.packet.DISCONNECT, namespace=namespace)
                    )
                await self.sio.eio.disconnect(abort=True)
            else:
                await self.sio.shutdown()


# --- people and places ----------------------------------------------------------------

METRES_PER_DEGREE = 111_195.0


def offset(base: dict[str, float], north_m: float = 0, east_m: float = 0) -> tuple[float, float]:
    lat = base["lat"] + north_m / METRES_PER_DEGREE
    lng = base["lng"] + east_m / (METRES_PER_DEGREE * math.cos(math.radians(base["lat"])))
    return lat, lng


async def online(
    cluster: Cluster,
    node: Node | str,
    name: str,
    at: tuple[float, float] | None = None,
    *,
    local: bool = True,
    transports: tuple[str, ...] = ("websocket",),
) -> Client:
    """A new account connected to a node (or a URL such as nginx's), at `at` if given."""
    person = await make_person(cluster.server(cluster.a.url), name, local=local)
    url = node.url if isinstance(node, Node) else node
    client = await Client(name, url, person.token, transports, person.id).connect()
    if at is not None:
        await client.locate(*at)
    return client


def notifications_for(client: Client, question_id: str) -> list[dict[str, Any]]:
    return [
        event
        for event in client.events("new_question_notification")
        if event["question"]["id"] == question_id
    ]
