"""create_app(): the one wiring module. FastAPI for HTTP, python-socketio for real time."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

import socketio
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from dongne import __version__
from dongne.api.errors import install_error_handlers
from dongne.api.guard import GuardMiddleware
from dongne.config import Settings
from dongne.conversation import socket as conversation_socket
from dongne.escalation import tasks as escalation_tasks
from dongne.eventlog import socket as eventlog_socket
from dongne.eventlog import tasks as eventlog_tasks
from dongne.kit.clock import Clock, SystemClock
from dongne.kit.logging import configure_logging
from dongne.locations import socket as locations_socket
from dongne.media import endpoints as media_endpoints
from dongne.moderation import endpoints as moderation_endpoints
from dongne.monitoring import endpoints as monitoring_endpoints
from dongne.monitoring import socket as monitoring_socket
from dongne.monitoring import tasks as monitoring_tasks
from dongne.notifications import endpoints as notifications_endpoints
from dongne.notifications import socket as notifications_socket
from dongne.notifications import tasks as notifications_tasks
from dongne.questions import endpoints as questions_endpoints
from dongne.questions import socket as questions_socket
from dongne.realtime.connection import register_connection_handlers, register_reauthentication
from dongne.realtime.dispatch import SocketRouter
from dongne.realtime.publisher import Publisher
from dongne.realtime.server import create_socket_server
from dongne.regions import endpoints as regions_endpoints
from dongne.runtime import Runtime, build_runtime
from dongne.settings import endpoints as settings_endpoints
from dongne.users import endpoints as users_endpoints


def create_app(settings: Settings | None = None, clock: Clock | None = None) -> socketio.ASGIApp:
    settings = settings or Settings()
    configure_logging(settings.log_level)
    sio = create_socket_server(settings)
    publisher = Publisher(sio)
    runtime = build_runtime(settings, clock or SystemClock(), publisher)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        runtime.dashboard.start()
        if settings.run_jobs:
            # The loop's first pass sweeps what came due while no process was running.
            runtime.jobs.start()
        yield
        await runtime.jobs.stop()
        await runtime.dashboard.stop()
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
    api.add_middleware(GuardMiddleware, runtime=runtime)
    api.include_router(monitoring_endpoints.router)
    for router in (
        users_endpoints.router,
        questions_endpoints.router,
        notifications_endpoints.router,
        media_endpoints.router,
        settings_endpoints.router,
        moderation_endpoints.router,
        regions_endpoints.router,
    ):
        api.include_router(router)

    register_connection_handlers(sio, runtime)
    socket_router = SocketRouter(sio, runtime, publisher)
    register_reauthentication(socket_router)
    for domain in (
        questions_socket,
        conversation_socket,
        notifications_socket,
        locations_socket,
        eventlog_socket,
        monitoring_socket,
    ):
        domain.register(socket_router)
    escalation_tasks.register(runtime.jobs, runtime.escalation)
    notifications_tasks.register(runtime.jobs, runtime.delivery, settings)
    monitoring_tasks.register(runtime.jobs, runtime.monitoring, settings.alert_webhook_url)
    runtime.jobs.every(timedelta(seconds=5), "jobs.count", runtime.jobs.count_jobs)
    eventlog_tasks.register(
        runtime.jobs, runtime.event_log, timedelta(days=settings.event_retention_days)
    )

    app = socketio.ASGIApp(sio, other_asgi_app=api, socketio_path="socket.io")
    app.runtime = runtime  # tests and tools reach the parts through this
    return app


def runtime_of(app: socketio.ASGIApp) -> Runtime:
    runtime: Runtime = app.runtime
    return runtime
