"""Fire-and-forget tasks that are kept referenced until done (asyncio holds only weak ones)."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any

import structlog

log = structlog.get_logger("dongne.background")


class BackgroundTasks:
    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[Any]] = set()

    def spawn(self, work: Coroutine[Any, Any, Any]) -> None:
        task = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(self._done)

    def _done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("background_task_failed", exc_info=task.exception())

    async def cancel_all(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)


async def stop_task(task: asyncio.Task[Any] | None) -> None:
    """Cancels `task` and waits until it has ended.

    Not `task.cancel()` then `await task` under `suppress(CancelledError)`: that also
    swallows a cancel aimed at the caller, so a bounded shutdown step could not be cut.
    A task that swallows its own cancel (python-engineio's handlers do) is waited for; its
    loop must also stop on a flag."""
    if task is None or task.done():
        return
    task.cancel()
    await asyncio.wait({task})
    if not task.cancelled() and task.exception() is not None:
        log.error("task_failed_while_stopping", task=task.get_name(), exc_info=task.exception())


def waiting_tasks() -> list[str]:
    """Where every other task of the event loop waits, innermost last: for a log line when
    something does not end."""
    current = asyncio.current_task()
    return sorted(_awaiting(task) for task in asyncio.all_tasks() if task is not current)


def _awaiting(task: asyncio.Task[Any]) -> str:
    frames: list[str] = []
    awaitable: Any = task.get_coro()
    while awaitable is not None:
        frame = getattr(awaitable, "cr_frame", None) or getattr(awaitable, "gi_frame", None)
        if frame is not None:
            frames.append(f"{frame.f_code.co_name}:{frame.f_lineno}")
        awaitable = getattr(awaitable, "cr_await", None) or getattr(awaitable, "gi_yieldfrom", None)
    return f"{task.get_name()}: {' > '.join(frames)}"
