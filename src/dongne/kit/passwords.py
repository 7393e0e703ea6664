"""argon2id password hashing off the event loop, with a bound on concurrent hashes.

Each hash takes `memory_kib` of RAM (64 MiB by default) and tens of milliseconds of CPU,
so hashing runs in a thread and a semaphore keeps a login burst from exhausting memory.
"""

from __future__ import annotations

import asyncio

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError


class Passwords:
    def __init__(self, *, memory_kib: int, concurrency: int) -> None:
        self._hasher = PasswordHasher(memory_cost=memory_kib)
        self._slots = asyncio.Semaphore(concurrency)

    async def hash(self, password: str) -> str:
        async with self._slots:
            return await asyncio.to_thread(self._hasher.hash, password)

    async def verify(self, password_hash: str, password: str) -> bool:
        async with self._slots:
            return await asyncio.to_thread(self._verify, password_hash, password)

    def _verify(self, password_hash: str, password: str) -> bool:
        try:
            return self._hasher.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False

    async def burn(self, password: str) -> None:
        """Spend a verification's time, so unknown emails answer as slowly as wrong passwords."""
        await self.hash(password)
