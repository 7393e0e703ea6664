"""Accounts cannot be farmed or guessed: sign-ups per address, failed logins per account
and per address, each with tiers so the wait grows the longer it goes on.

A tiered limit such as "5/minute;10/15 minutes;20/hour" refuses the 6th failure within a
minute for up to a minute, the 11th within 15 minutes for up to 15 minutes, and so on:
the delay grows with the attempts, and an honest user who mistypes a few times is never
held. Refusals are `rate_limited` errors carrying `retryAfter` (seconds).
"""

from __future__ import annotations

from dataclasses import dataclass

from dongne.infra.ratelimit import RateLimiter, longest_wait, tiers
from dongne.kit.errors import DongneError, ErrorCode
from dongne.kit.messages import MessageKey, text

TOO_MANY = text(MessageKey.TOO_MANY_REQUESTS)


@dataclass(frozen=True)
class AuthLimitSettings:
    register_per_ip: str
    failed_logins_per_account: str
    failed_logins_per_ip: str


class AuthLimits:
    def __init__(self, limiter: RateLimiter, settings: AuthLimitSettings) -> None:
        self._limiter = limiter
        self._register = tiers(settings.register_per_ip)
        self._per_account = tiers(settings.failed_logins_per_account)
        self._per_ip = tiers(settings.failed_logins_per_ip)

    async def sign_up(self, ip: str) -> None:
        """Counts a sign-up from `ip`; refuses it (before any hashing) past the limit."""
        waits = [await self._limiter.hit(limit, "register", ip) for limit in self._register]
        _refuse_if_held(waits)

    async def before_login(self, account: str, ip: str) -> None:
        """Refuses a login attempt while the account or the address is held."""
        waits = [
            await self._limiter.peek(limit, "login-acct", account) for limit in self._per_account
        ]
        waits += [await self._limiter.peek(limit, "login-ip", ip) for limit in self._per_ip]
        _refuse_if_held(waits)

    async def login_failed(self, account: str, ip: str) -> None:
        for limit in self._per_account:
            await self._limiter.hit(limit, "login-acct", account)
        for limit in self._per_ip:
            await self._limiter.hit(limit, "login-ip", ip)


def _refuse_if_held(waits: list[float | None]) -> None:
    held = longest_wait(waits)
    if held is not None:
        raise DongneError(ErrorCode.RATE_LIMITED, TOO_MANY, retryAfter=held)
