"""Creates the python-socketio AsyncServer (ASGI mode) from settings.

Scaled mode (`DONGNE_REDIS_URL`): python-socketio's Redis manager publishes every emit on
one pub/sub channel that every node hears, so an emit to `user:{id}` reaches that user's
sockets on any node. The subscription is made at start-up (not at the first connection),
is retried quickly after Redis comes back, and its state is a readiness probe.

Graceful shutdown (`drain`): the node stops counting as ready, long-polling clients are
let go so they come back through the load balancer to another node, and the event
handlers already running are awaited before the runtime closes.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
from collections.abc import AsyncIterator, Callable
from typing import Any

import socketio
import structlog
from engineio import packet as eio_packet

from dongne.config import Settings
from dongne.infra.redis import (
    SOCKETIO_CHANNEL,
    Subscription,
    connect_redis,
    listen_with_retries,
    redis_options,
    scoped_channel,
)
from dongne.kit import jsonx
from dongne.kit.background import stop_task

log = structlog.get_logger("dongne.socket")

MAX_MESSAGE_BYTES = 1_000_000
# How long the HTTP server waits for open connections after a stop signal before it cuts
# them: the bound on a shutdown that one connection would otherwise hold.
CONNECTIONS_GRACE_S = 5


class RedisManager(socketio.AsyncRedisManager):  # type: ignore[misc]
    """`AsyncRedisManager` whose subscription reports its state and resubscribes quickly.

    Emits to this node's own sockets never wait for Redis (python-socketio delivers them
    before publishing), so a node keeps serving its sockets while Redis is down.
    """

    def __init__(self, url: str) -> None:
        super().__init__(
            url,
            channel=scoped_channel(SOCKETIO_CHANNEL, url),
            redis_options={
                key: value
                for key, value in redis_options().items()
                if key in ("socket_connect_timeout", "socket_keepalive")
            },
        )
        self.subscription = Subscription(self.channel)
        self._listen_client = connect_redis(url)

    def _redis_connect(self) -> None:
        # python-socketio's own client refuses a publish once 100 are in flight, and then
        # replaces the client (its pool left open): a burst of emits waits instead.
        self.redis = connect_redis(self.redis_url, self.redis_options)
        self.pubsub = self.redis.pubsub(ignore_subscribe_messages=True)
        self.connected = True

    async def _listen(self) -> AsyncIterator[bytes]:
        channel = self.channel.encode()

        def open_pubsub() -> Any:
            return self._listen_client.pubsub(ignore_subscribe_messages=True)

        async for message in listen_with_retries(open_pubsub, self.subscription):
            if message.get("channel") == channel and message.get("type") == "message":
                yield message["data"]

    async def close(self) -> None:
        thread = getattr(self, "thread", None)
        await stop_task(thread)
        for client in (self._listen_client, self.redis):
            if client is not None:
                with contextlib.suppress(Exception):
                    await client.aclose()


class SocketServer(socketio.AsyncServer):  # type: ignore[misc]
    """AsyncServer that knows which handlers are running, so a shutdown can wait for them."""

    manager_initialized: bool  # python-socketio's: the manager subscribes when initialized

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.draining = False
        self._running = 0
        self._idle = asyncio.Event()
        self._idle.set()

    def on(
        self, event: str, handler: Callable[..., Any] | None = None, namespace: str | None = None
    ) -> Any:
        if handler is None:

            def register(function: Callable[..., Any]) -> Callable[..., Any]:
                super(SocketServer, self).on(event, self._tracked(function), namespace)
                return function

            return register
        return super().on(event, self._tracked(handler), namespace)

    def _tracked(self, handler: Callable[..., Any]) -> Callable[..., Any]:
        if not inspect.iscoroutinefunction(handler):
            return handler

        async def tracked(*args: Any) -> Any:
            self._running += 1
            self._idle.clear()
            try:
                return await handler(*args)
            finally:
                self._running -= 1
                if self._running == 0:
                    self._idle.set()

        return tracked

    @property
    def running_handlers(self) -> int:
        return self._running

    @property
    def redis_manager(self) -> RedisManager | None:
        return self.manager if isinstance(self.manager, RedisManager) else None

    def start(self) -> None:
        """Subscribes to the other nodes' emits now rather than at the first connection."""
        if not self.manager_initialized:
            self.manager_initialized = True
            self.manager.initialize()

    def subscribed(self) -> bool:
        manager = self.redis_manager
        return manager is None or manager.subscription.listening

    async def release_polling_clients(self) -> int:
        """Ends the pending long-poll of every client not on a websocket; returns how many.

        The client's next request finds this node gone (its listener is closed by then)
        and reconnects through the load balancer to another node. Websocket clients need
        nothing: the server closes their connections, and they reconnect too.
        """
        released = 0
        for eio_socket in list(self.eio.sockets.values()):
            if eio_socket.upgraded or eio_socket.closed or eio_socket.closing:
                continue
            try:
                # A no-op answers the waiting poll; `abort` sends no CLOSE packet, which
                # some clients read as "the server does not want me back".
                await eio_socket.send(eio_packet.Packet(eio_packet.NOOP))
                await eio_socket.close(wait=False, abort=True)
            except Exception as exc:  # noqa: BLE001 - it may have closed meanwhile
                log.info("poll_release_failed", error=str(exc))
            else:
                released += 1
        return released

    async def wait_for_handlers(self, timeout_s: float) -> bool:
        """Waits until no event handler runs; False when some still ran after `timeout_s`."""
        try:
            async with asyncio.timeout(timeout_s):
                await self._idle.wait()
        except TimeoutError:
            return False
        return True

    async def close(self) -> None:
        await self.shutdown()
        manager = self.redis_manager
        if manager is not None:
            await manager.close()


def allowed_origins(configured: list[str]) -> Callable[[str | None, dict[str, Any]], bool]:
    """The Origin check: the server's own origin (as the browser addressed it, directly or
    through the load balancer) plus `DONGNE_CORS_ORIGINS`. python-engineio reads `[]` as
    "do not check", which would let a page on any site open a socket with a stolen token."""
    extra = frozenset(origin.rstrip("/") for origin in configured)

    def own_origins(environ: dict[str, Any]) -> set[str]:
        host = environ.get("HTTP_HOST", "")
        scheme = environ.get("wsgi.url_scheme", "http")
        own = {f"{scheme}://{host}"}
        forwarded_host = environ.get("HTTP_X_FORWARDED_HOST", host).split(",")[0].strip()
        forwarded_proto = environ.get("HTTP_X_FORWARDED_PROTO", scheme).split(",")[0].strip()
        own.add(f"{forwarded_proto}://{forwarded_host}")
        return own

    def allowed(origin: str | None, environ: dict[str, Any]) -> bool:
        # No Origin header: not a browser page (apps, tests); browsers always send one.
        if not origin:
            return True
        return origin in extra or origin in own_origins(environ)

    return allowed


def create_socket_server(settings: Settings) -> SocketServer:
    manager = RedisManager(settings.redis_url) if settings.redis_url else None
    return SocketServer(
        async_mode="asgi",
        client_manager=manager,
        cors_allowed_origins=allowed_origins(settings.cors_origins),
        json=jsonx,
        max_http_buffer_size=MAX_MESSAGE_BYTES,
        # Per-message deflate triples memory per connection (DESIGN.md pitfalls).
        http_compression=False,
        compression_threshold=1_000_000_000,
        logger=False,
        engineio_logger=False,
    )
