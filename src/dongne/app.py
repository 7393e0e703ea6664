"""create_app(): the one wiring module. FastAPI for HTTP, python-socketio for real time."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import socketio
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from dongne import __version__
from dongne.api.errors import install_error_handlers
from dongne.config import Settings
from dongne.kit.clock import Clock, SystemClock
from dongne.kit.logging import configure_logging
from dongne.monitoring import endpoints as monitoring_endpoints
from dongne.realtime.connection import register_connection_handlers
from dongne.realtime.publisher import Publisher
from dongne.realtime.server import create_socket_server
from dongne.runtime import Runtime, build_runtime
from dongne.users import endpoints as users_endpoints


def create_app(settings: Settings | None = None, clock: Clock | None = None) -> socketio.ASGIApp:
    settings = settings or Settings()
    configure_logging(settings.log_level)
    sio = create_socket_server(settings)
    runtime = build_runtime(settings, clock or SystemClock(), Publisher(sio))

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        await runtime.close()

    api = FastAPI(
        title="Dongne (동네물어봐)",
        version=__version__,
        description="Real-time, location-based Q&A for Jeju Island.",
        lifespan=lifespan,
    )
    api.state.runtime = runtime
    api.add_middleware(
        CORSMiddleware,
        allow_origins=settings.cors_origins,
        allow_credentials=True,
        allow_methods=["*"],
        allow_headers=["*"],
    )
    install_error_handlers(api)
    api.include_router(monitoring_endpoints.router)
    api.include_router(users_endpoints.router)

    register_connection_handlers(sio, runtime)

    app = socketio.ASGIApp(sio, other_asgi_app=api, socketio_path="socket.io")
    app.runtime = runtime  # tests and tools reach the parts through this
    return app


def runtime_of(app: socketio.ASGIApp) -> Runtime:
    runtime: Runtime = app.runtime
    return runtime
