"""Creates the python-socketio AsyncServer (ASGI mode) from settings."""

from __future__ import annotations

import socketio

from dongne.config import Settings
from dongne.kit import jsonx

MAX_MESSAGE_BYTES = 1_000_000


def create_socket_server(settings: Settings) -> socketio.AsyncServer:
    manager = (
        socketio.AsyncRedisManager(settings.redis_url, channel="dongne-socketio")
        if settings.redis_url
        else None
    )
    return socketio.AsyncServer(
        async_mode="asgi",
        client_manager=manager,
        cors_allowed_origins=settings.cors_origins or [],
        json=jsonx,
        max_http_buffer_size=MAX_MESSAGE_BYTES,
        # Per-message deflate triples memory per connection (DESIGN.md pitfalls).
        http_compression=False,
        compression_threshold=1_000_000_000,
        logger=False,
        engineio_logger=False,
    )
