"""argon2id password hashing off the event loop, a fixed number at a time.

Each hash takes `memory_kib` of RAM (64 MiB by default) and tens of milliseconds of CPU,
so hashing runs in a thread pool of its own with `concurrency` threads, and a semaphore
keeps the waiting ones from piling into the pool: a burst of sign-ups or logins costs at
most `concurrency × memory_kib` and never stalls the event loop.

One lane per hash (argon2-cffi's default is four threads per hash): with four lanes a
single login took both cores of a 2-core server, and four at once left the event loop
a fraction of one (loop lag p99 14 ms against 3 ms with one lane and one hash at a time,
measured with eight hashes in a row). Hashes of four lanes made before still verify.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

T = TypeVar("T")


def default_concurrency() -> int:
    """Hashes at a time: every core the process may use but one, kept for the event loop."""
    return max(1, len(os.sched_getaffinity(0)) - 1)


class Passwords:
    def __init__(self, *, memory_kib: int, concurrency: int) -> None:
        self._hasher = PasswordHasher(memory_cost=memory_kib, parallelism=1)
        self._slots = asyncio.Semaphore(concurrency)
        self._pool = ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="argon2")
        self.busy = 0  # hashes running now (for tests and metrics)

    async def _run(self, work: Callable[[], T]) -> T:
        async with self._slots:
            self.busy += 1
            try:
                return await asyncio.get_running_loop().run_in_executor(self._pool, work)
            finally:
                self.busy -= 1

    async def hash(self, password: str) -> str:
        return await self._run(lambda: self._hasher.hash(password))

    async def verify(self, password_hash: str, password: str) -> bool:
        return await self._run(lambda: self._verify(password_hash, password))

    def _verify(self, password_hash: str, password: str) -> bool:
        try:
            return self._hasher.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False

    async def burn(self, password: str) -> None:
        """Spend a verification's time, so unknown emails answer as slowly as wrong passwords."""
        await self.hash(password)

    async def aclose(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
