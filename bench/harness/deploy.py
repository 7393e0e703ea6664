"""What a scenario runs against: one embedded server, or the scaled mode's two nodes.

`embedded_server` starts `python -m dongne serve` on SQLite, as a user's `make run` does.
`scaled_cluster` starts what docs/scale.md deploys, all on this machine: two nodes on one
PostgreSQL and one Redis, behind Debian's nginx running the shipped
`deploy/nginx/dongne.conf` (the cluster tests' harness, `tests/cluster/harness.py`).
nginx picks a node by client address, so the load generator's clients connect from many
loopback addresses (`Deployment.local_addresses`).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import secrets
import signal
import socket
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.cluster.harness import missing_pieces, running_cluster  # noqa: E402
from tests.fixtures.server import TEST_JWT_SECRET  # noqa: E402
from tests.fixtures.services import ThrowawayServices, start_missing_services  # noqa: E402

READY_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 20.0
UNLIMITED_RATE = "1000000/minute"
RATE_SETTINGS = (
    "CONNECT",
    "HTTP",
    "EVENT",
    "CREATE_QUESTION",
    "CREATE_ANSWER",
    "UPDATE_LOCATION",
)
# nginx hashes the client address over the two nodes: 256 addresses split ~evenly.
SOURCE_ADDRESSES = [f"127.0.1.{n}" for n in range(1, 255)] + ["127.0.2.1", "127.0.2.2"]

Seed = Callable[[dict[str, str]], Awaitable[None]]


@dataclass
class Deployment:
    """Where the load goes, what to watch, and how to stop it."""

    url: str
    database_url: str
    servers: dict[str, int]  # the app's processes (name → pid): CPU per question counts these
    helpers: dict[str, int]  # nginx, Redis: watched and reported apart
    logs: dict[str, Path]  # each app process's log
    stop: Callable[[], Awaitable[dict[str, int]]]  # stops the app: exit code per process
    local_addresses: list[str] = field(default_factory=list)

    @property
    def health_port(self) -> int:
        return int(self.url.rsplit(":", 1)[1])


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def bench_env(
    data_dir: Path, port: int, fatigue_cap: int, extra: dict[str, str] | None = None
) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DONGNE_")}
    env.update(
        {
            "DONGNE_ENV": "development",
            "DONGNE_DATA_DIR": str(data_dir),
            "DONGNE_HOST": "127.0.0.1",
            "DONGNE_PORT": str(port),
            "DONGNE_LOG_LEVEL": "warning",
            "DONGNE_JWT_SECRET": secrets.token_urlsafe(48),
            "DONGNE_ACCESS_TOKEN_TTL_S": str(24 * 3600),
            "DONGNE_FATIGUE_CAP": str(fatigue_cap),
            # The daily cap goes with the hourly one: lifted with it, the product's 10 with
            # the product's hourly 10.
            "DONGNE_DAILY_CAP": str(fatigue_cap),
            "DONGNE_LOOP_LAG_PROBE": "1",
            # One loopback address and a few hundred askers posting several questions a
            # minute: the per-IP and per-user limits would refuse the load itself.
            **{f"DONGNE_RATE_{name}": UNLIMITED_RATE for name in RATE_SETTINGS},
            "PYTHONUNBUFFERED": "1",
            **(extra or {}),
        }
    )
    return env


async def wait_ready(port: int, server: asyncio.subprocess.Process) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.returncode is not None:
            raise RuntimeError(f"the server exited with {server.returncode} before /ready")
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(b"GET /ready HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            await writer.drain()
            response = await reader.read()
            writer.close()
            if response.startswith(b"HTTP/1.1 200"):
                return
        except OSError:
            pass
        await asyncio.sleep(0.2)
    raise RuntimeError(f"the server was not ready within {READY_TIMEOUT_S:.0f} s")


async def stop_process(process: asyncio.subprocess.Process, sig: int = signal.SIGINT) -> int:
    if process.returncode is None:
        with contextlib.suppress(ProcessLookupError):
            process.send_signal(sig)
        try:
            await asyncio.wait_for(process.wait(), timeout=STOP_TIMEOUT_S)
        except TimeoutError:
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            await process.wait()
    return process.returncode if process.returncode is not None else -1


@asynccontextmanager
async def embedded_server(
    run_dir: Path, env: dict[str, str], seed: Seed
) -> AsyncIterator[Deployment]:
    """Seeds a fresh SQLite database, then serves it from one process."""
    await seed(env)
    port = int(env["DONGNE_PORT"])
    log_path = run_dir / "server.log"
    log = log_path.open("w")
    server = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "dongne",
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=log,
    )

    async def stop() -> dict[str, int]:
        return {"server": await stop_process(server)}

    database = Path(env["DONGNE_DATA_DIR"]) / "dongne.db"
    deployment = Deployment(
        url=f"http://127.0.0.1:{port}",
        database_url=f"sqlite+aiosqlite:///{database}",
        servers={"server": server.pid},
        helpers={},
        logs={"server": log_path},
        stop=stop,
    )
    try:
        await wait_ready(port, server)
        yield deployment
    finally:
        await stop()
        log.close()


def nginx_worker(master: int) -> int:
    """The worker of nginx's `worker_processes 1`: the process that carries the load."""
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return int(children[0]) if children else master


def scaled_mode_services() -> ThrowawayServices | None:
    """A PostgreSQL (and Redis) of the run's own, from the installed binaries, unless
    `DONGNE_TEST_POSTGRES_URL` names one; the caller stops them."""
    return start_missing_services()


def scaled_mode_missing() -> list[str]:
    """What this machine lacks for the scaled scenario (empty: it can run)."""
    return missing_pieces()


@asynccontextmanager
async def scaled_cluster(
    run_dir: Path, env: dict[str, str], users: int, seed: Seed
) -> AsyncIterator[Deployment]:
    """Two nodes, PostgreSQL, Redis and nginx on a fresh database, then the seed.

    The nodes get the benchmark's settings (lifted limits, the loop-lag probe, the
    product's routing), the tests' JWT secret (the seed signs the tokens with it) and
    their own data folder; their logs are `node-a.log` and `node-b.log` in `run_dir`.
    """
    nodes_env = {
        key: value
        for key, value in env.items()
        if key.startswith("DONGNE_") and key not in ("DONGNE_DATA_DIR", "DONGNE_PORT")
    }
    nodes_env["DONGNE_JWT_SECRET"] = TEST_JWT_SECRET
    # The cluster tests' harness forces the seed's waves; the benchmark runs the product's.
    nodes_env.setdefault("DONGNE_ROUTING", "router")
    # Each client holds two of nginx's connections (its own and the one to its node); at
    # exactly that many nginx began closing connections to make room.
    connections = 3 * users + 512
    async with running_cluster(
        run_dir, unlimited=True, nginx_connections=connections, **nodes_env
    ) as cluster:
        seed_env = env | {
            "DONGNE_DATABASE_URL": cluster.database_url,
            "DONGNE_JWT_SECRET": TEST_JWT_SECRET,
            "DONGNE_DATA_DIR": str(run_dir / "data"),
            "DONGNE_PASSWORD_HASH_MEMORY_KIB": "1024",
        }
        await seed(seed_env)

        async def stop() -> dict[str, int]:
            exits = {}
            for node in (cluster.a, cluster.b):
                await node.stop(signal.SIGTERM, STOP_TIMEOUT_S)
                assert node.proc is not None
                exits[node.name] = int(node.proc.returncode)
            return exits

        yield Deployment(
            url=cluster.nginx.url,
            database_url=cluster.database_url,
            servers={cluster.a.name: cluster.a.pid, cluster.b.name: cluster.b.pid},
            helpers={"nginx": nginx_worker(cluster.nginx.pid), "redis": cluster.redis.pid},
            logs={cluster.a.name: cluster.a.log, cluster.b.name: cluster.b.log},
            local_addresses=SOURCE_ADDRESSES,
            stop=stop,
        )
