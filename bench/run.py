"""`make bench`: real-time load against a freshly started server, one scenario at a time.

    .venv/bin/python bench/run.py                    # 1k/5k/10k users x 20/100 q/s, 60 s each
    .venv/bin/python bench/run.py --quick            # 1,000 users, 20 q/s, 15 s (development)
    .venv/bin/python bench/run.py --scenarios 5000@100 --duration 60

For each scenario: a fresh data dir (embedded mode: SQLite, no Redis; inherited DONGNE_*
variables are dropped), `bench/seed.py` (accounts and tokens straight into the database),
`python -m dongne serve` on a free loopback port, then the Node.js load generator
(`bench/loadgen/loadgen.mjs`, official socket.io-client, websocket transport) while this
driver samples the server's CPU and RSS from /proc every second and probes event-loop lag.
The server is stopped, its database is read to learn what it says it sent, and the
results go to `bench/results/<run>/` and `bench/results/latest.{json,md}`. See
bench/README.md for what each column means.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from harness.deploy import (
    Deployment,
    Seed,
    bench_env,
    embedded_server,
    free_port,
    scaled_cluster,
    scaled_mode_missing,
    scaled_mode_services,
    stop_process,
    wait_ready,
)
from harness.measure import (
    HealthProbe,
    Sampler,
    delivery,
    git_commit,
    inside_lag,
    machine,
    rss_mb,
    server_errors,
    server_side,
    summarize,
)
from harness.profile import start_py_spy, stop_py_spy, summarize_stacks
from harness.report import markdown

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
LOADGEN = BENCH / "loadgen"
REFERENCE = BENCH / "reference"
RESULTS = BENCH / "results"
# Every question notifies up to ~50 locals in its first two waves, so the product's fatigue
# cap (10 question notifications per local per hour) would silence the bench within
# seconds; it is lifted unless --fatigue-cap says otherwise.
BENCH_FATIGUE_CAP = 1_000_000
console = Console(stderr=True)


@dataclass(frozen=True)
class Scenario:
    users: int
    rate: float
    duration_s: float
    # "load": the product's mix; "stress": fan-out only (no answers, no location updates
    # during the load), measured against the reference servers on the same clients;
    # "scaled": the product's mix on the scaled mode (two nodes, PostgreSQL, Redis, nginx).
    kind: str = "load"
    # None: --fatigue-cap (lifted by default); a number keeps that cap (the product's 10).
    fatigue_cap: int | None = None

    @property
    def name(self) -> str:
        base = f"{self.users}u-{self.rate:g}qps-{self.duration_s:g}s"
        if self.kind != "load":
            base = f"{self.kind}-{base}"
        return base if self.fatigue_cap is None else f"{base}-cap{self.fatigue_cap}"


FULL = [(users, rate) for users in (1_000, 5_000, 10_000) for rate in (20.0, 100.0)]
# The product's real fatigue cap at 20 q/s: what it does when attention runs out.
REAL_CAP = 10
# Fan-out stress: ~150 locals per question's QUICK wave at 5,000 users (quick: ~70 at 2,000).
STRESS = Scenario(5_000, 20.0, 30.0, kind="stress")
STRESS_QUICK = Scenario(2_000, 10.0, 10.0, kind="stress")
# Issue [14]'s scaled-mode figure: 5,000 users at 100 q/s on two nodes (quick: 1,000 @ 20).
SCALED = (5_000, 100.0)
SCALED_QUICK = (1_000, 20.0)
# The stress scenario forces the seed's broadcast plan (every online local within 5 km in
# QUICK) in place of the default router.
STRESS_ENV = {"DONGNE_ROUTING": "seed-waves"}
NO_LOCATION_UPDATES_S = 1e9


def parse_scenarios(text: str, duration_s: float) -> list[Scenario]:
    """'5000@100,10000@20/cap10,stress:5000@20' -> scenarios of `duration_s` each
    (`/capN`: that fatigue cap; `stress:`: the fan-out stress scenario)."""
    scenarios = []
    for item in text.split(","):
        kind, _, spec = item.strip().rpartition(":")
        spec, _, cap = spec.partition("/cap")
        users, _, rate = spec.partition("@")
        scenarios.append(
            Scenario(
                int(users),
                float(rate or 20),
                duration_s,
                kind=kind or "load",
                fatigue_cap=int(cap) if cap else None,
            )
        )
    return scenarios


# ---------------------------------------------------------------- server, seed, loadgen


def ensure_loadgen() -> None:
    if (LOADGEN / "node_modules" / "socket.io-client" / "package.json").exists():
        return
    console.print("[bold]npm ci[/] in bench/loadgen (first run)")
    subprocess.run(
        ["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=LOADGEN, check=True
    )


@dataclass
class ProgressView:
    progress: Progress
    task: TaskID
    phase: str = ""
    marks: dict[str, float] = field(default_factory=dict)
    load_started: asyncio.Event = field(default_factory=asyncio.Event)

    def update(self, event: dict[str, Any]) -> None:
        phase = str(event.get("phase"))
        if phase != self.phase:
            self.phase = phase
            self.marks.setdefault(phase, time.monotonic())
            if phase == "load":
                self.load_started.set()
        if phase in ("connect", "locate"):
            self.progress.update(
                self.task,
                description=f"{phase:8} failed={event.get('failed', 0)}",
                completed=event.get("done", 0),
                total=event.get("total", 1),
            )
        elif phase == "load":
            self.progress.update(
                self.task,
                description=(
                    f"load     q={event.get('questions')} imm={event.get('notified')} "
                    f"quick={event.get('quick')} ans={event.get('answers')} "
                    f"conn={event.get('connected')}"
                ),
                completed=event.get("elapsedS", 0),
                total=event.get("durationS", 1),
            )
        elif phase == "drain":
            self.progress.update(
                self.task,
                description="drain    waiting for the last deliveries",
                completed=event.get("waitedS", 0),
                total=event.get("maxS", 1),
            )


async def run_loadgen(
    config: dict[str, Any], run_dir: Path, view: ProgressView, timeout_s: float
) -> dict[str, Any]:
    config_path = run_dir / "loadgen-config.json"
    config_path.write_text(json.dumps(config, indent=1))
    log = (run_dir / "loadgen.log").open("w")
    process = await asyncio.create_subprocess_exec(
        "node",
        str(LOADGEN / "loadgen.mjs"),
        "--config",
        str(config_path),
        cwd=LOADGEN,
        stdout=log,
        stderr=asyncio.subprocess.PIPE,
    )
    assert process.stderr is not None

    async def read_progress() -> None:
        assert process.stderr is not None
        async for raw in process.stderr:
            line = raw.decode(errors="replace")
            if line.startswith("@progress "):
                with contextlib.suppress(json.JSONDecodeError):
                    view.update(json.loads(line[len("@progress ") :]))
            else:
                log.write(line)

    reader = asyncio.create_task(read_progress())
    try:
        await asyncio.wait_for(process.wait(), timeout=timeout_s)
    except TimeoutError:
        console.print(f"[red]loadgen exceeded {timeout_s:.0f} s: killed[/]")
        await stop_process(process, signal.SIGKILL)
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(reader, timeout=5)
    log.close()
    result = read_json(Path(config["out"]))
    if result is None:
        return {"ok": False, "error": f"loadgen wrote no result (exit {process.returncode})"}
    return result


def read_json(path: Path) -> dict[str, Any] | None:
    try:
        doc: dict[str, Any] = json.loads(path.read_text())
    except (OSError, json.JSONDecodeError):
        return None
    return doc


# ---------------------------------------------------------------- one scenario


def seeder(
    scenario: Scenario, args: argparse.Namespace, accounts: Path, record: dict[str, Any]
) -> Seed:
    """`bench/seed.py` in a deployment's environment: the accounts into its database."""

    async def seed(env: dict[str, str]) -> None:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            str(BENCH / "seed.py"),
            "--users",
            str(scenario.users),
            "--asker-share",
            str(args.asker_share),
            "--seed",
            str(args.seed),
            "--out",
            str(accounts),
            env=env,
            stdout=asyncio.subprocess.PIPE,
        )
        out, _ = await process.communicate()
        if process.returncode != 0:
            raise RuntimeError(f"seeding failed with exit {process.returncode}")
        record["seed"] = json.loads(out.decode().strip().splitlines()[-1])

    return seed


async def run_scenario(
    scenario: Scenario, run_root: Path, args: argparse.Namespace, progress: Progress
) -> dict[str, Any]:
    run_dir = run_root / scenario.name
    data_dir = run_dir / "data"
    run_dir.mkdir(parents=True, exist_ok=True)
    stress = scenario.kind == "stress"
    cap = args.fatigue_cap if scenario.fatigue_cap is None else scenario.fatigue_cap
    env = bench_env(data_dir, free_port(), cap, STRESS_ENV if stress else None)
    task = progress.add_task(f"{scenario.name}: start and seed", total=None)
    view = ProgressView(progress, task)
    record: dict[str, Any] = {
        "scenario": asdict(scenario) | {"name": scenario.name, "fatigueCap": cap}
    }
    accounts = run_dir / "accounts.json"
    seed = seeder(scenario, args, accounts, record)
    if scenario.kind == "scaled":
        deploy = scaled_cluster(run_dir, env, scenario.users, seed)
    else:
        deploy = embedded_server(run_dir, env, seed)
    async with deploy as deployment:
        run = await drive_load(scenario, deployment, accounts, run_dir, args, view)
        progress.update(task, description=f"{scenario.name}: read the database")
        loadgen = run.loadgen
        server_facts = await server_side(deployment.database_url, loadgen.get("cutoffWallMs"))
    record["serverExit"] = run.exits
    record["delivery"] = delivery(loadgen, server_facts)
    server_facts.pop("expected")
    record["serverDb"] = server_facts
    load_mark, closing = view.marks.get("load"), view.marks.get("closing", run.ended_mono)
    record["server"] = resources(deployment, run.samplers, load_mark, scenario, loadgen)
    apps = [run.samplers[name] for name in deployment.servers]
    questions = server_facts["questionsInDb"]
    record["fanOut"] = fan_out_cost(apps, load_mark, closing, loadgen, questions)
    if stress:
        plan = fan_out_plan(data_dir / "dongne.db", loadgen, accounts)
        (run_dir / "plan.json").write_text(json.dumps(plan))
        bound = load_bound(scenario, args)
        record["references"] = await run_references(scenario, run_dir, run.config, bound, progress)
    record["serverLogErrors"] = {
        (error if len(deployment.logs) == 1 else f"{name}: {error}"): count
        for name, log in deployment.logs.items()
        for error, count in server_errors(log).items()
    }
    for name in deployment.servers:
        spied = run_dir / f"py-spy-{name}.txt"
        if spied.exists():
            (run_dir / f"py-spy-{name}-summary.txt").write_text(summarize_stacks(spied))
    record["loopLagPerServer"] = {
        name: inside_lag(log, (run.started, run.ended)) for name, log in deployment.logs.items()
    }
    # The worst loop of the deployment stands for it in the tables.
    lags = [lag for lag in record["loopLagPerServer"].values() if lag]
    rtts = run.probe.rtts
    outside = {"source": "outside (GET /health round trip every 100 ms)", **summarize(rtts)}
    outside["failures"] = run.probe.failures
    record["loopLag"] = max(lags, key=lambda lag: lag.get("p99") or 0) if lags else outside
    record["loopLagOutside"] = outside
    loadgen.pop("perQuestion", None)
    record["loadgen"] = loadgen
    progress.update(task, description=f"{scenario.name}: done", completed=1, total=1)
    if not args.keep_data:
        shutil.rmtree(data_dir, ignore_errors=True)
    (run_dir / "result.json").write_text(json.dumps(record, indent=1, ensure_ascii=False))
    return record


def load_bound(scenario: Scenario, args: argparse.Namespace) -> float:
    """How long a load generator may run before it is stopped."""
    return args.connect_timeout + 120 + scenario.duration_s + args.drain_max + 5 + 60


@dataclass
class LoadRun:
    """One load generator run against a deployment, and what was watched meanwhile."""

    config: dict[str, Any]  # the load generator's (the reference servers get the same)
    loadgen: dict[str, Any]  # its result
    samplers: dict[str, Sampler]  # per process of the deployment
    probe: HealthProbe
    started: float  # the load generator's run, wall clock
    ended: float
    ended_mono: float  # its end on the monotonic clock of the samples
    exits: dict[str, int]  # the app's exit code per process


async def drive_load(
    scenario: Scenario,
    deployment: Deployment,
    accounts: Path,
    run_dir: Path,
    args: argparse.Namespace,
    view: ProgressView,
) -> LoadRun:
    """The load generator against the deployment while its processes are sampled; then
    the app is stopped."""
    stress = scenario.kind == "stress"
    stop = asyncio.Event()
    await asyncio.sleep(1.0)
    processes = deployment.servers | deployment.helpers
    samplers = {name: Sampler(pid, baseline_mb=rss_mb(pid)) for name, pid in processes.items()}
    probe = HealthProbe("127.0.0.1", deployment.health_port)
    monitors = [asyncio.create_task(s.run(stop)) for s in samplers.values()]
    monitors.append(asyncio.create_task(probe.run(stop)))
    probe.active = True
    spies: list[asyncio.subprocess.Process] = []
    try:
        config: dict[str, Any] = {
            "url": deployment.url,
            "accounts": str(accounts),
            "out": str(run_dir / "loadgen-result.json"),
            "rate": scenario.rate,
            "durationS": scenario.duration_s,
            "answerShare": 0.0 if stress else args.answer_share,
            "locationIntervalS": NO_LOCATION_UPDATES_S if stress else args.location_interval,
            "connectPhaseTimeoutS": args.connect_timeout,
            "drainMaxS": args.drain_max,
            "seed": args.seed,
            "localAddresses": deployment.local_addresses,
        }

        async def spy() -> None:
            if args.py_spy_load:
                # Only the load phase: connecting thousands of clients is another story.
                await view.load_started.wait()
            for name, pid in deployment.servers.items():
                spies.append(await start_py_spy(pid, run_dir / f"py-spy-{name}.txt"))

        if args.py_spy or args.py_spy_load:
            monitors.append(asyncio.create_task(spy()))
        started = time.time()
        loadgen = await run_loadgen(config, run_dir, view, timeout_s=load_bound(scenario, args))
        ended, ended_mono = time.time(), time.monotonic()
    finally:
        for process in spies:
            await stop_py_spy(process)
        probe.active = False
        stop.set()
        for monitor in monitors:
            with contextlib.suppress(Exception):
                await monitor
        exits = await deployment.stop()
    return LoadRun(config, loadgen, samplers, probe, started, ended, ended_mono, exits)


def resources(
    deployment: Deployment,
    samplers: dict[str, Sampler],
    load_mark: float | None,
    scenario: Scenario,
    loadgen: dict[str, Any],
) -> dict[str, Any]:
    """CPU and memory of the app's processes under load (summed over the nodes of the
    scaled mode), and of each process apart."""

    def in_load(sampler: Sampler) -> list[dict[str, float]]:
        if load_mark is None:
            return []
        end = load_mark + scenario.duration_s
        return [s for s in sampler.samples if load_mark < s["t"] <= end]

    per_process: dict[str, dict[str, Any]] = {}
    for name, sampler in samplers.items():
        load = in_load(sampler)
        per_process[name] = {
            "cpuPctLoadMean": _mean([s["cpuPct"] for s in load]),
            "baselineRssMB": round(sampler.baseline_mb, 1),
            "rssAfterConnectMB": sampler.rss_at(load_mark),
            "peakRssMB": max((s["rssMB"] for s in sampler.samples), default=None),
            "samples": sampler.samples,
        }
    apps = [samplers[name] for name in deployment.servers]
    connected = loadgen.get("connect", {}).get("connected", 0) or 0
    baseline = sum(s.baseline_mb for s in apps)
    after = [s.rss_at(load_mark) for s in apps]
    known = [a for a in after if a is not None]
    after_connect = round(sum(known), 1) if len(known) == len(after) else None
    # Second by second under load: the app's CPU summed over its processes.
    load = [in_load(s) for s in apps]
    app_cpu = [sum(s["cpuPct"] for s in moment) for moment in zip(*load, strict=False)]
    peaks = [per_process[name]["peakRssMB"] or 0.0 for name in deployment.servers]
    return {
        "baselineRssMB": round(baseline, 1),
        "rssAfterConnectMB": after_connect,
        "peakRssMB": round(sum(peaks), 1),
        "rssPerConnectionKB": _per_connection_kb(after_connect, baseline, connected),
        "cpuPctLoadMean": _mean(app_cpu),
        "cpuPctMax": max(app_cpu, default=None),
        "machineBusyPctLoadMean": _mean([s["machineBusyPct"] for s in load[0]]),
        "perProcess": per_process,
    }


def fan_out_cost(
    samplers: list[Sampler],
    start: float | None,
    end: float,
    loadgen: dict[str, Any],
    questions: int,
) -> dict[str, Any]:
    """Server CPU-seconds (all the app's processes) from the load's start to the end of the
    grace period (before the load generator closes its sockets), and the question
    notifications the clients received meanwhile: CPU per delivered notification and per
    question asked, all the server's work included (questions, waves or rounds, answers,
    location updates)."""
    # A sample covers the second before its time: it counts if its middle is in the window.
    cpu_s = sum(
        s["cpuPct"] / 100 * s.get("dt", 1.0)
        for sampler in samplers
        for s in sampler.samples
        if start is not None and start < s["t"] - s.get("dt", 1.0) / 2 <= end
    )
    notify = loadgen.get("notify", {})
    delivered = sum(int(notify.get(w, {}).get("received", 0) or 0) for w in WAVE_NAMES)
    return {
        "cpuSeconds": round(cpu_s, 2),
        "delivered": delivered,
        "cpuMsPerNotification": round(cpu_s * 1000 / delivered, 4) if delivered else None,
        "notificationsPerCpuSecond": round(delivered / cpu_s) if cpu_s else None,
        "questions": questions,
        "cpuMsPerQuestion": round(cpu_s * 1000 / questions, 2) if questions else None,
    }


WAVE_NAMES = ("IMMEDIATE", "QUICK", "EXTENDED", "FINAL")


def fan_out_plan(db_path: Path, loadgen: dict[str, Any], accounts: Path) -> dict[str, Any]:
    """What the real server sent, for the reference servers to send the same: per question
    (by its bench number) and wave, the users notified; one real payload as the template."""
    seq_of = {row[0]: str(row[1]) for row in loadgen.get("perQuestion", []) if row[0]}
    questions: dict[str, dict[str, list[str]]] = {}
    with contextlib.closing(sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)) as db:
        for question_id, wave, user_id in db.execute(
            "SELECT question_id, wave, user_id FROM question_notified ORDER BY created_at"
        ):
            seq = seq_of.get(question_id)
            if seq is not None:
                questions.setdefault(seq, {}).setdefault(wave, []).append(user_id)
        # A fan-out's shared fields (the question) are stored once, the rest per recipient.
        row = db.execute(
            "SELECT e.payload, s.payload FROM user_events e"
            " LEFT JOIN event_payloads s ON s.id = e.shared_id"
            " WHERE e.type = 'new_question_notification' LIMIT 1"
        ).fetchone()
    template = {**json.loads(row[1] or "{}"), **json.loads(row[0])} if row else {"question": {}}
    doc = json.loads(accounts.read_text())
    return {
        "accounts": [{"id": a["id"], "token": a["token"]} for a in doc["accounts"]],
        "waves": {"IMMEDIATE": 0.0, "QUICK": 3.0},
        "questions": questions,
        "template": template,
        "nearby": {"questions": []},
    }


async def run_references(
    scenario: Scenario,
    run_dir: Path,
    config: dict[str, Any],
    bound: float,
    progress: Progress,
) -> dict[str, Any]:
    """The same load generator, accounts and fan-out against the bare servers."""
    commands = {"python-socketio": [sys.executable, str(REFERENCE / "server.py")]}
    if shutil.which("node"):
        commands["node-socket.io"] = ["node", str(LOADGEN / "reference-server.mjs")]
    out: dict[str, Any] = {}
    for name, command in commands.items():
        ref_dir = run_dir / f"reference-{name}"
        ref_dir.mkdir(exist_ok=True)
        task = progress.add_task(f"{scenario.name}: reference {name}", total=None)
        view = ProgressView(progress, task)
        port = free_port()
        log = (ref_dir / "server.log").open("w")
        process = await asyncio.create_subprocess_exec(
            *command,
            "--plan",
            str(run_dir / "plan.json"),
            "--port",
            str(port),
            cwd=LOADGEN,
            stdout=log,
            stderr=log,
        )
        stop = asyncio.Event()
        sampler = Sampler(process.pid)
        monitor: asyncio.Task[None] | None = None
        baseline_rss = 0.0
        try:
            await wait_ready(port, process)
            await asyncio.sleep(1.0)
            baseline_rss = rss_mb(process.pid)
            monitor = asyncio.create_task(sampler.run(stop))
            ref_config = config | {
                "url": f"http://127.0.0.1:{port}",
                "out": str(ref_dir / "loadgen-result.json"),
            }
            loadgen = await run_loadgen(ref_config, ref_dir, view, timeout_s=bound)
            ended = time.monotonic()
        except Exception as exc:  # noqa: BLE001 - a failed reference must not stop the run
            out[name] = {"error": str(exc)}
            continue
        finally:
            stop.set()
            if monitor is not None:
                with contextlib.suppress(Exception):
                    await monitor
            await stop_process(process)
            log.close()
            progress.update(task, description=f"{scenario.name}: reference {name} done")
        window_end = view.marks.get("closing", ended)
        asked = int(loadgen.get("questions", {}).get("acked", 0) or 0)
        out[name] = fan_out_cost([sampler], view.marks.get("load"), window_end, loadgen, asked) | {
            "connected": loadgen.get("connect", {}).get("connected"),
            "rssPerConnectionKB": _per_connection_kb(
                sampler.rss_at(view.marks.get("load")),
                baseline_rss,
                loadgen.get("connect", {}).get("connected"),
            ),
            "immediate": loadgen.get("notify", {}).get("IMMEDIATE", {}).get("latency"),
            "duplicates": loadgen.get("notify", {}).get("duplicates"),
            "reordered": loadgen.get("notify", {}).get("reordered"),
            "ok": loadgen.get("ok"),
        }
    return out


def _per_connection_kb(after: float | None, before: float, connected: int | None) -> float | None:
    return round((after - before) * 1024 / connected, 1) if after and connected else None


def _mean(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 1) if values else None


async def presence_table() -> str:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        str(BENCH / "presence_bench.py"),
        "--sizes",
        "1000,10000",
        "--iterations",
        "500",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        out, err = await asyncio.wait_for(process.communicate(), timeout=300)
    except TimeoutError:
        await stop_process(process, signal.SIGKILL)
        return "(presence_bench.py took over 300 s: stopped)"
    if process.returncode != 0:
        return f"(presence_bench.py failed: {err.decode(errors='replace')[-500:]})"
    return out.decode().strip()


async def main_async(args: argparse.Namespace) -> int:
    if args.quick:
        duration = args.duration or 15.0
        scenarios = [Scenario(1_000, 20.0, duration)]
        if not args.no_stress:
            scenarios.append(STRESS_QUICK)
        if not args.no_scaled:
            scenarios.append(Scenario(*SCALED_QUICK, duration, kind="scaled"))
    elif args.scenarios:
        scenarios = parse_scenarios(args.scenarios, args.duration or 60.0)
    else:
        duration = args.duration or 60.0
        scenarios = [Scenario(u, r, duration) for u, r in FULL]
        scenarios.append(Scenario(1_000, 20.0, duration, fatigue_cap=REAL_CAP))
        if not args.no_stress:
            scenarios.append(STRESS)
        if not args.no_scaled:
            scenarios.append(Scenario(*SCALED, duration, kind="scaled"))
    ensure_loadgen()
    services = None
    if any(s.kind == "scaled" for s in scenarios):
        # A PostgreSQL of the run's own unless DONGNE_TEST_POSTGRES_URL names one.
        services = scaled_mode_services()
    try:
        return await run_all(scenarios, args)
    finally:
        if services is not None:
            services.stop()


async def run_all(scenarios: list[Scenario], args: argparse.Namespace) -> int:
    run = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    run_root = RESULTS / run
    run_root.mkdir(parents=True, exist_ok=True)
    doc: dict[str, Any] = {
        "run": run,
        "commit": git_commit(),
        "machine": machine(),
        "options": {k: v for k, v in vars(args).items()},
        "scenarios": [],
    }
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    ) as progress:
        overall = progress.add_task("scenarios", total=len(scenarios))
        missing = scaled_mode_missing()
        for scenario in scenarios:
            if scenario.kind == "scaled" and missing:
                skipped = f"needs {', '.join(missing)}"
                console.print(f"[yellow]{scenario.name} skipped: {skipped}[/]")
                doc["scenarios"].append(
                    {"scenario": asdict(scenario) | {"name": scenario.name}, "skipped": skipped}
                )
                progress.advance(overall)
                continue
            try:
                doc["scenarios"].append(await run_scenario(scenario, run_root, args, progress))
            except Exception as exc:  # noqa: BLE001 - one failed scenario must not stop the rest
                console.print(f"[red]{scenario.name} failed: {exc}[/]")
                doc["scenarios"].append(
                    {"scenario": asdict(scenario) | {"name": scenario.name}, "error": str(exc)}
                )
            progress.advance(overall)
        if not args.no_presence:
            presence_task = progress.add_task("presence_bench.py (quick)", total=None)
            doc["presence"] = await presence_table()
            progress.update(presence_task, completed=1, total=1)
    text = markdown(doc)
    for target in (run_root, RESULTS):
        name = "results" if target == run_root else "latest"
        (target / f"{name}.json").write_text(json.dumps(doc, indent=1, ensure_ascii=False))
        (target / f"{name}.md").write_text(text)
    print(text)
    console.print(f"written: {RESULTS / 'latest.json'}, {RESULTS / 'latest.md'}, {run_root}/")
    failed = [
        s for s in doc["scenarios"] if "error" in s or not s.get("loadgen", {"ok": True}).get("ok")
    ]
    return 1 if failed else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="1,000 users, 20 q/s, 15 s")
    parser.add_argument("--scenarios", help="USERS@QPS,... e.g. 5000@100,10000@20")
    parser.add_argument("--duration", type=float, help="seconds of load per scenario (60)")
    parser.add_argument("--asker-share", type=float, default=0.2, help="askers among users")
    parser.add_argument("--answer-share", type=float, default=0.2, help="IMMEDIATE answered")
    parser.add_argument("--location-interval", type=float, default=60.0, help="seconds")
    parser.add_argument("--fatigue-cap", type=int, default=BENCH_FATIGUE_CAP)
    parser.add_argument("--connect-timeout", type=float, default=300.0, help="all clients, s")
    parser.add_argument("--drain-max", type=float, default=30.0, help="seconds")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep-data", action="store_true", help="keep each scenario's DB")
    parser.add_argument("--no-presence", action="store_true", help="skip presence_bench.py")
    parser.add_argument("--no-stress", action="store_true", help="skip the fan-out stress scenario")
    parser.add_argument(
        "--no-scaled", action="store_true", help="skip the scaled-mode scenario (two nodes)"
    )
    parser.add_argument(
        "--py-spy",
        action="store_true",
        help="sample the server with py-spy while the load runs (py-spy.txt, py-spy-summary.txt)",
    )
    parser.add_argument(
        "--py-spy-load", action="store_true", help="the same, from the load phase on only"
    )
    args = parser.parse_args()
    with contextlib.suppress(KeyboardInterrupt):
        sys.exit(asyncio.run(main_async(args)))
    sys.exit(130)


if __name__ == "__main__":
    main()
