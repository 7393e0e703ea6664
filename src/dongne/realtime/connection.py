"""Connect and disconnect: the JWT from `auth.token` decides who a socket belongs to."""

from __future__ import annotations

from typing import Any

import socketio
import structlog

from dongne.kit.errors import DongneError, ErrorCode
from dongne.kit.rooms import user_room
from dongne.realtime.sessions import SocketSession
from dongne.runtime import Runtime

log = structlog.get_logger("dongne.socket")

AUTH_FAILED = "Authentication failed"


def register_connection_handlers(sio: socketio.AsyncServer, runtime: Runtime) -> None:
    async def connect(sid: str, environ: dict[str, Any], auth: Any = None) -> None:
        token = auth.get("token") if isinstance(auth, dict) else None
        try:
            claims = runtime.users.authenticate(token)
            async with runtime.db.transaction(readonly=True) as uow:
                user = await runtime.users.get(uow, claims.user_id)
        except DongneError as exc:
            log.info("socket_refused", sid=sid, reason=exc.code.value, peer=_peer(environ))
            raise socketio.exceptions.ConnectionRefusedError(
                AUTH_FAILED, {"code": ErrorCode.UNAUTHENTICATED.value}
            ) from exc
        first = runtime.sockets.add(
            SocketSession(sid, claims.user_id, claims.expires_at, user.is_local_verified)
        )
        await sio.enter_room(sid, user_room(claims.user_id))
        if first:
            # After the handshake completes: the new socket is not in any question room yet.
            runtime.background.spawn(runtime.presence_events.first_socket_connected(user.id))
        log.info("socket_connected", sid=sid, user_id=claims.user_id, peer=_peer(environ))

    async def disconnect(sid: str, reason: Any = None) -> None:
        session = runtime.sockets.remove(sid)
        if session is None:
            return
        log.info("socket_disconnected", sid=sid, user_id=session.user_id, reason=str(reason))
        if not runtime.sockets.is_online(session.user_id):
            await runtime.locations.went_offline(session.user_id)
            runtime.presence_events.last_socket_closed(session.user_id)

    sio.on("connect", connect)
    sio.on("disconnect", disconnect)


def _peer(environ: dict[str, Any]) -> str | None:
    scope = environ.get("asgi.scope") or {}
    client = scope.get("client")
    return f"{client[0]}:{client[1]}" if client else None
