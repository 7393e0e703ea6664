"""Connect and disconnect: the JWT from `auth.token` decides who a socket belongs to."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import socketio
import structlog
from pydantic import Field

from dongne.infra.metrics import CONNECTED_SOCKETS, CONNECTED_USERS
from dongne.kit.errors import DongneError, ErrorCode
from dongne.kit.messages import MessageKey, text
from dongne.kit.net import client_ip
from dongne.kit.rooms import user_room
from dongne.kit.schema import RequestModel, WireModel
from dongne.realtime.dispatch import REAUTHENTICATE, SocketContext, SocketRouter
from dongne.realtime.sessions import SocketSession
from dongne.runtime import Runtime

log = structlog.get_logger("dongne.socket")

AUTH_FAILED = "Authentication failed"
IP_BLOCKED = "IP blocked"
RATE_LIMITED = "Rate limit exceeded"


def register_connection_handlers(sio: socketio.AsyncServer, runtime: Runtime) -> None:
    async def connect(sid: str, environ: dict[str, Any], auth: Any = None) -> None:
        address = _client_address(environ, runtime)
        if await runtime.blocklist.is_blocked(address):
            log.info("socket_refused", sid=sid, reason="ip_blocked", peer=address)
            raise socketio.exceptions.ConnectionRefusedError(
                IP_BLOCKED, {"code": ErrorCode.FORBIDDEN.value}
            )
        retry = await runtime.rate_limiter.hit(runtime.settings.rate_connect, "connect", address)
        if retry is not None:
            log.info("socket_refused", sid=sid, reason="rate_limited", peer=address)
            raise socketio.exceptions.ConnectionRefusedError(
                RATE_LIMITED, {"code": ErrorCode.RATE_LIMITED.value, "retryAfter": retry}
            )
        token = auth.get("token") if isinstance(auth, dict) else None
        try:
            claims = runtime.users.authenticate(token)
            async with runtime.db.transaction(readonly=True) as uow:
                user = await runtime.users.profile(uow, claims.user_id)
        except DongneError as exc:
            log.info("socket_refused", sid=sid, reason=exc.code.value, peer=_peer(environ))
            raise socketio.exceptions.ConnectionRefusedError(
                AUTH_FAILED, {"code": ErrorCode.UNAUTHENTICATED.value}
            ) from exc
        first = runtime.sockets.add(
            SocketSession(
                sid, claims.user_id, claims.expires_at, user.is_local_verified, user.language
            )
        )
        await sio.enter_room(sid, user_room(claims.user_id))
        await _cluster_count(runtime, claims.user_id, +1)
        _count(runtime)
        if first:
            # After the handshake completes: the new socket is not in any question room yet.
            runtime.background.spawn(runtime.presence_events.first_socket_connected(user.id))
        log.info("socket_connected", sid=sid, user_id=claims.user_id, peer=_peer(environ))

    async def disconnect(sid: str, reason: Any = None) -> None:
        session = runtime.sockets.remove(sid)
        if session is None:
            return
        log.info("socket_disconnected", sid=sid, user_id=session.user_id, reason=str(reason))
        runtime.dashboard.forget(sid)
        await _cluster_count(runtime, session.user_id, -1)
        _count(runtime)
        if runtime.sockets.is_online(session.user_id):
            return
        if await _online_on_another_node(runtime, session.user_id):
            return  # their last socket here, not their last one
        await user_gone(runtime, session.user_id)

    sio.on("connect", connect)
    sio.on("disconnect", disconnect)


async def user_gone(runtime: Runtime, user_id: str) -> None:
    """The user's last socket anywhere closed (or their node died): offline."""
    await runtime.locations.went_offline(user_id)
    runtime.presence_events.last_socket_closed(user_id)


def start_cluster_presence(runtime: Runtime) -> None:
    """Scaled mode: beat, count the cluster's sockets, and drop a dead node's users."""
    if runtime.cluster_sockets is not None:

        async def gone(user_id: str) -> None:
            if not runtime.sockets.is_online(user_id):
                await user_gone(runtime, user_id)

        runtime.cluster_sockets.start(
            gone,
            mine=runtime.sockets.socket_counts,
            on_forgotten=runtime.live_positions.republish,
        )


async def _cluster_count(runtime: Runtime, user_id: str, delta: int) -> None:
    cluster = runtime.cluster_sockets
    if cluster is None:
        return
    try:
        await (cluster.connected(user_id) if delta > 0 else cluster.disconnected(user_id))
    except Exception as exc:  # noqa: BLE001 - Redis away: this node decides alone
        log.warning("cluster_sockets_unavailable", error=str(exc) or type(exc).__name__)


async def _online_on_another_node(runtime: Runtime, user_id: str) -> bool:
    cluster = runtime.cluster_sockets
    if cluster is None:
        return False
    try:
        return await cluster.online_elsewhere(user_id)
    except Exception as exc:  # noqa: BLE001 - Redis away: this node decides alone
        log.warning("cluster_sockets_unavailable", error=str(exc) or type(exc).__name__)
        return False


def _count(runtime: Runtime) -> None:
    CONNECTED_SOCKETS.set(runtime.sockets.socket_count)
    CONNECTED_USERS.set(runtime.sockets.user_count)


def _client_address(environ: dict[str, Any], runtime: Runtime) -> str:
    scope = environ.get("asgi.scope") or {}
    headers = dict(scope.get("headers") or [])
    forwarded = headers.get(b"x-forwarded-for", b"").decode("latin-1") or None
    peer = scope.get("client")
    return client_ip(peer[0] if peer else None, forwarded, runtime.trusted_proxies)


def _peer(environ: dict[str, Any]) -> str | None:
    scope = environ.get("asgi.scope") or {}
    client = scope.get("client")
    return f"{client[0]}:{client[1]}" if client else None


class AuthenticateRequest(RequestModel):
    token: str = Field(min_length=1, max_length=4000)


class Authenticated(WireModel):
    user_id: str
    expires_at: datetime


def register_reauthentication(router: SocketRouter) -> None:
    """`authenticate {token}`: a long-lived socket swaps in a fresh access token."""

    @router.on(REAUTHENTICATE, AuthenticateRequest)
    async def authenticate(ctx: SocketContext, request: AuthenticateRequest) -> Authenticated:
        runtime = ctx.runtime
        claims = runtime.users.authenticate(request.token)
        if claims.user_id != ctx.user_id:
            raise DongneError(ErrorCode.FORBIDDEN, text(MessageKey.TOKEN_OF_ANOTHER_USER))
        runtime.sockets.renew(ctx.sid, claims.expires_at)
        return Authenticated(user_id=claims.user_id, expires_at=claims.expires_at)
