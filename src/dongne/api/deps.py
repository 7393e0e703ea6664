"""FastAPI dependencies: the runtime and the authenticated user.

Endpoints open their transaction themselves (`async with runtime.db.transaction()`), so
the commit happens before the reply is built, never after it was sent.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from dongne.api.access_log import USER_ID_STATE
from dongne.kit.errors import DongneError, ErrorCode
from dongne.kit.messages import MessageKey, text
from dongne.kit.net import client_ip
from dongne.kit.tokens import AccessClaims
from dongne.runtime import Runtime

_bearer = HTTPBearer(auto_error=False)


def get_runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]


def get_claims(
    request: Request,
    runtime: RuntimeDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> AccessClaims:
    if credentials is None:
        raise DongneError(ErrorCode.UNAUTHENTICATED, text(MessageKey.LOGIN_REQUIRED))
    claims = runtime.users.authenticate(credentials.credentials)
    # For the request's log line (api/access_log.py).
    setattr(request.state, USER_ID_STATE, claims.user_id)
    return claims


ClaimsDep = Annotated[AccessClaims, Depends(get_claims)]


def get_client_ip(request: Request, runtime: RuntimeDep) -> str:
    """The caller's address, believing X-Forwarded-For only from trusted proxies."""
    peer = request.client.host if request.client else None
    forwarded = request.headers.get("x-forwarded-for")
    return client_ip(peer, forwarded, runtime.trusted_proxies)


ClientIpDep = Annotated[str, Depends(get_client_ip)]
