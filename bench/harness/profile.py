"""Sampling profile of the server while the load runs (`bench/run.py --py-spy`).

py-spy (a dev dependency) attaches to the server's pid and writes collapsed stacks
("frame;frame;frame count" lines); `summarize_stacks` turns them into the text saved next
to the results: where the server's threads spent their samples, by the function that was
running (self) and by our own outermost function on the stack (where the work came from).
SQLAlchemy's async layer runs queries in greenlets, whose stacks py-spy shows without the
frames above them: those samples are counted under "(greenlet: no caller frames)".
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import shutil
import signal
import sys
from collections import Counter
from pathlib import Path

FRAME = re.compile(r"^(?P<name>.*) \((?P<file>[^()]*?)(?::(?P<line>\d+))?\)$")
RATE_HZ = 100
WRAPPERS = frozenset(
    {
        "SocketServer._tracked.<locals>.tracked",
        "SocketRouter.on.<locals>.register.<locals>.dispatch",
        "SocketRouter._dispatch",
        "SocketRouter._handle",
        "JobQueue._loop",
        "JobQueue.run_due",
        "JobQueue._run_claimed",
        "JobQueue._run_one",
    }
)
TOP = 30


def py_spy_path() -> str | None:
    """The one installed next to this Python (the virtualenv's), else the one on PATH."""
    beside = Path(sys.executable).parent / "py-spy"
    return str(beside) if beside.exists() else shutil.which("py-spy")


async def start_py_spy(pid: int, out: Path) -> asyncio.subprocess.Process:
    executable = py_spy_path()
    if executable is None:
        raise RuntimeError("--py-spy needs py-spy on PATH (pip install -e '.[dev]')")
    return await asyncio.create_subprocess_exec(
        executable,
        "record",
        "--pid",
        str(pid),
        "--rate",
        str(RATE_HZ),
        "--format",
        "raw",
        "--output",
        str(out),
        "--nonblocking",
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )


async def stop_py_spy(process: asyncio.subprocess.Process) -> None:
    """py-spy writes its file when interrupted."""
    if process.returncode is None:
        process.send_signal(signal.SIGINT)
        try:
            await asyncio.wait_for(process.wait(), timeout=30)
        except TimeoutError:
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            await process.wait()


def _short(frame: str) -> str:
    match = FRAME.match(frame)
    if match is None:
        return frame
    path = match["file"]
    for marker in ("site-packages/", "src/"):
        if marker in path:
            path = path.split(marker, 1)[1]
    return f"{match['name']} ({path})"


def _package(frame: str) -> str:
    """Where the running function lives: a library's top package, or ours."""
    short = _short(frame)
    if "(" not in short:
        return "(unknown)"
    path = short.rsplit("(", 1)[1].rstrip(")")
    if frame.startswith("_InlineSqlite._execute"):
        return "sqlite3 (statements, run inline)"
    top = path.split("/", 1)[0]
    return top if "/" in path else f"stdlib {path}"


def summarize_stacks(raw: Path, top: int = TOP) -> str:
    """A text summary of py-spy's collapsed stacks."""
    self_time: Counter[str] = Counter()
    packages: Counter[str] = Counter()
    ours: Counter[str] = Counter()
    total = 0
    for line in raw.read_text(errors="replace").splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        total += count
        frames = stack.split(";")
        self_time[_short(frames[-1])] += count
        packages[_package(frames[-1])] += count
        own = [f for f in frames if "dongne/" in f and "dongne/cli.py" not in f]
        own = [f for f in own if "dongne/__main__.py" not in f]
        # Dispatch and job-running frames say little: the use case below them does.
        named = [f for f in own if f.split(" (")[0] not in WRAPPERS] or own
        if named:
            ours[" > ".join(_short(f).split(" (")[0] for f in named[:3])] += count
        elif any("greenlet" in f or "sqlalchemy" in f for f in frames):
            ours["(greenlet: no caller frames) " + _short(frames[-1])] += count
        else:
            ours["(outside our code) " + _short(frames[-1])] += count
    if total == 0:
        return "no samples\n"
    lines = [f"{total} samples at {RATE_HZ} Hz over all threads (idle time not sampled)", ""]
    lines.append("## By package of the running function (self)")
    lines += [f"{100 * n / total:5.1f} %  {name}" for name, n in packages.most_common(15)]
    lines += ["", "## By running function (self)"]
    lines += [f"{100 * n / total:5.1f} %  {name}" for name, n in self_time.most_common(top)]
    lines += ["", "## By our outermost functions on the stack"]
    lines += [f"{100 * n / total:5.1f} %  {name}" for name, n in ours.most_common(top)]
    return "\n".join(lines) + "\n"
