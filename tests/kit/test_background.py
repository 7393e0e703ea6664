"""Stopping tasks: the caller's own cancel is never swallowed, and a task that will not end
can be found."""

from __future__ import annotations

import asyncio
import contextlib

import pytest

from dongne.kit.background import stop_task, waiting_tasks

WITHIN_S = 5.0


async def test_a_bounded_stop_of_a_task_that_swallows_its_cancel_is_cut() -> None:
    stubborn = True
    started = asyncio.Event()

    async def swallows_cancels() -> None:
        # What python-engineio does with a cancel that lands in a disconnect handler.
        started.set()
        while stubborn:
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.sleep(WITHIN_S)

    task = asyncio.create_task(swallows_cancels())
    await asyncio.wait_for(started.wait(), WITHIN_S)
    try:
        # Awaiting the task under `suppress(CancelledError)` would return here as if the
        # task had ended, and the timeout would never be reported.
        with pytest.raises(TimeoutError):
            async with asyncio.timeout(0.2):
                await stop_task(task)
        assert not task.done()
    finally:
        stubborn = False
        await asyncio.wait_for(stop_task(task), WITHIN_S)
    assert task.done()


async def test_the_waiting_tasks_name_where_each_one_waits() -> None:
    release = asyncio.Event()

    async def held_by_an_event() -> None:
        await release.wait()

    task = asyncio.create_task(held_by_an_event(), name="held")
    await asyncio.sleep(0)  # one turn: the task starts and reaches its wait
    try:
        [line] = [t for t in waiting_tasks() if t.startswith("held:")]
        frames = line.removeprefix("held: ").split(" > ")
        assert frames[0].startswith("held_by_an_event:")
        assert frames[-1].startswith("wait:")  # asyncio.Event.wait
    finally:
        release.set()
        await task
