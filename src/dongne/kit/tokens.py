"""Signed access tokens (JWT, HS256) and opaque refresh-token secrets."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import jwt

ALGORITHM = "HS256"


class InvalidToken(Exception):
    """The token is missing, malformed, forged, of the wrong kind or expired."""


@dataclass(frozen=True)
class AccessClaims:
    user_id: str
    role: str
    expires_at: datetime


class AccessTokens:
    def __init__(self, secret: str, ttl: timedelta) -> None:
        self._secret = secret
        self.ttl = ttl

    def issue(self, user_id: str, role: str, now: datetime) -> str:
        claims = {
            "sub": user_id,
            "role": role,
            "typ": "access",
            "iat": int(now.timestamp()),
            "exp": int((now + self.ttl).timestamp()),
            "jti": secrets.token_hex(8),
        }
        return jwt.encode(claims, self._secret, algorithm=ALGORITHM)

    def verify(self, token: object, now: datetime) -> AccessClaims:
        if not isinstance(token, str) or not token:
            raise InvalidToken("no token")
        try:
            # Times are checked against the injected clock below, not the system clock.
            claims = jwt.decode(
                token,
                self._secret,
                algorithms=[ALGORITHM],
                options={
                    "verify_exp": False,
                    "verify_iat": False,
                    "verify_nbf": False,
                    "require": ["sub", "exp", "typ"],
                },
            )
        except jwt.PyJWTError as exc:
            raise InvalidToken(str(exc)) from exc
        if claims.get("typ") != "access":
            raise InvalidToken("not an access token")
        expires_at = datetime.fromtimestamp(int(claims["exp"]), tz=now.tzinfo)
        if expires_at <= now:
            raise InvalidToken("expired")
        return AccessClaims(str(claims["sub"]), str(claims.get("role", "traveler")), expires_at)


def new_refresh_secret() -> str:
    return secrets.token_urlsafe(32)


def hash_refresh_secret(secret: str) -> str:
    # Refresh secrets are random 256-bit values, so a fast hash is enough to keep them unusable
    # if the table leaks; a password hash would only slow every refresh down.
    return hashlib.sha256(secret.encode()).hexdigest()
