"""create_app(): the one wiring module. FastAPI for HTTP, python-socketio for real time."""

from __future__ import annotations

import asyncio
import signal
import threading
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path
from types import FrameType

import socketio
import structlog
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from dongne import __version__
from dongne.api.access_log import AccessLogMiddleware
from dongne.api.body_limit import BodyLimitMiddleware
from dongne.api.errors import install_error_handlers
from dongne.api.guard import GuardMiddleware
from dongne.config import Environment, Settings
from dongne.conversation import socket as conversation_socket
from dongne.escalation import socket as escalation_socket
from dongne.escalation import tasks as escalation_tasks
from dongne.eventlog import socket as eventlog_socket
from dongne.eventlog import tasks as eventlog_tasks
from dongne.kit.background import stop_task, waiting_tasks
from dongne.kit.clock import Clock, SystemClock
from dongne.kit.gctune import tune_after_startup
from dongne.kit.logging import configure_logging
from dongne.kit.looplag import LoopLagProbe
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
from dongne.realtime.connection import (
    register_connection_handlers,
    register_reauthentication,
    start_cluster_presence,
)
from dongne.realtime.dispatch import SocketRouter
from dongne.realtime.publisher import Publisher
from dongne.realtime.server import SocketServer, create_socket_server
from dongne.regions import endpoints as regions_endpoints
from dongne.regions import tasks as regions_tasks
from dongne.runtime import Runtime, build_runtime
from dongne.settings import endpoints as settings_endpoints
from dongne.similar import endpoints as similar_endpoints
from dongne.trust import endpoints as trust_endpoints
from dongne.users import application_endpoints, reset_endpoints
from dongne.users import endpoints as users_endpoints
from dongne.users import tasks as users_tasks
from dongne.web import mount_web_client

log = structlog.get_logger("dongne.app")

# After a stop signal: how long event handlers already running may take to finish.
HANDLER_GRACE_S = 10.0
# Each later step of a shutdown (jobs, sockets, runtime): enough for a send under way.
SHUTDOWN_STEP_S = 5.0
# Long-polls are let go once the server has closed its listener (uvicorn notices a signal
# within 0.1 s), so a polling client's next request lands on another node; and again at
# this interval until the runtime closes (Drain).
POLL_RELEASE_DELAY_S = 0.5


def create_app(settings: Settings | None = None, clock: Clock | None = None) -> socketio.ASGIApp:
    settings = settings or Settings()
    configure_logging(settings.log_level)
    sio = create_socket_server(settings)
    publisher = Publisher(sio)
    runtime = build_runtime(settings, clock or SystemClock(), publisher)

    probe = LoopLagProbe() if settings.loop_lag_probe else None
    drain = Drain(sio, runtime)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        runtime.db.start_checkpoints()
        if probe is not None:
            probe.start()
        sio.start()
        runtime.dashboard.start()
        # Outside tests the analyser is loaded and the index of answered questions built
        # at once: uvicorn listens only once this start-up is done.
        await runtime.similar.start(build=settings.env is not Environment.TEST)
        # Before any job: who was connected when the last process stopped (locations/live.py).
        await runtime.live_positions.restore()
        runtime.live_positions.start()
        start_cluster_presence(runtime)
        if settings.run_jobs:
            # The loop's first pass sweeps what came due while no process was running, after
            # the warm-up that lets reconnecting clients be counted (jobs/service.py).
            runtime.jobs.start(warmup_s=settings.resolved_jobs_warmup_s)
            if runtime.wakeups is not None:
                runtime.wakeups.start(runtime.jobs.wake)
        if settings.redis_url:
            runtime.readiness_checks["redis_pubsub"] = lambda: _pubsub_ready(sio, runtime)
        restore_signals = _before_stop_signals(drain.begin)
        if settings.env is not Environment.TEST:
            # Not in tests: many apps start in one process there, and frozen objects stay.
            tune_after_startup()
        yield
        # Graceful shutdown (SIGTERM): the server has stopped accepting connections and
        # closed the open ones; clients reconnect to another node and resync from the event
        # log. What is still running here finishes before the runtime closes.
        restore_signals()
        runtime.live_positions.freeze()
        drain.begin()
        if not await sio.wait_for_handlers(HANDLER_GRACE_S):
            log.warning("shutdown_cut_handlers", running=sio.running_handlers)
        await _bounded("drain", drain.cancel())
        await _bounded("jobs", runtime.jobs.stop())
        await _bounded("dashboard", runtime.dashboard.stop())
        await _bounded("sockets", sio.close())
        await _bounded("runtime", runtime.close())
        if probe is not None:
            await probe.stop()

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
    # Before the guard's headers and the handlers: an oversized body is never read.
    api.add_middleware(BodyLimitMiddleware)
    # Outermost: the log line's duration and status include the guard's refusals.
    api.add_middleware(AccessLogMiddleware, slow_ms=settings.slow_handler_ms)
    api.include_router(monitoring_endpoints.router)
    for router in (
        users_endpoints.router,
        similar_endpoints.router,  # before questions: /api/questions/similar is no id
        trust_endpoints.router,
        application_endpoints.router,
        reset_endpoints.router,
        questions_endpoints.router,
        questions_endpoints.hashtags_router,
        questions_endpoints.public_router,
        notifications_endpoints.router,
        media_endpoints.router,
        settings_endpoints.router,
        moderation_endpoints.router,
        regions_endpoints.router,
        regions_endpoints.hotspots_router,
    ):
        api.include_router(router)
    # The web client last: its paths never shadow an API route.
    mount_web_client(api, Path(__file__).parent / "static")

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
        escalation_socket,
    ):
        domain.register(socket_router)
    escalation_tasks.register(runtime.jobs, runtime.escalation)
    notifications_tasks.register(runtime.jobs, runtime.delivery, settings)
    monitoring_tasks.register(runtime.jobs, runtime.monitoring)
    runtime.jobs.every(timedelta(seconds=5), "jobs.count", runtime.jobs.count_jobs)
    regions_tasks.register(
        runtime.jobs, runtime.hotspots, timedelta(seconds=settings.hotspot_check_s)
    )
    eventlog_tasks.register(
        runtime.jobs, runtime.event_log, timedelta(days=settings.event_retention_days)
    )
    users_tasks.register(runtime.jobs, runtime.local_applications)

    app = socketio.ASGIApp(sio, other_asgi_app=api, socketio_path="socket.io")
    app.runtime = runtime  # tests and tools reach the parts through this
    app.drain = drain
    return app


def runtime_of(app: socketio.ASGIApp) -> Runtime:
    runtime: Runtime = app.runtime
    return runtime


def drain_of(app: socketio.ASGIApp) -> Drain:
    drain: Drain = app.drain
    return drain


async def _pubsub_ready(sio: SocketServer, runtime: Runtime) -> bool:
    """Both subscriptions are up: emits from other nodes and their job wake-ups arrive."""
    return sio.subscribed() and (runtime.wakeups is None or runtime.wakeups.listening)


async def _not_accepting() -> bool:
    return False


class Drain:
    """The start of a graceful shutdown: not ready any more, long-polls let go.

    Long-polls are let go again and again until the runtime closes: a polling client let go
    before the server has closed its listener reconnects here (the balancer still sends it
    here), and its new poll would hold the shutdown for a whole ping interval.
    """

    def __init__(self, sio: SocketServer, runtime: Runtime) -> None:
        self._sio = sio
        self._runtime = runtime
        self._releasing: asyncio.Task[None] | None = None
        self._stopped = False

    def begin(self) -> None:
        if self._sio.draining:
            return
        self._sio.draining = True
        # Load balancers and Kubernetes stop sending new clients here.
        self._runtime.readiness_checks["accepting"] = _not_accepting
        log.info("draining", sockets=self._runtime.sockets.socket_count)
        self._releasing = asyncio.get_running_loop().create_task(self._release_polls())

    async def _release_polls(self) -> None:
        # A cancel alone may not end this loop: a release runs the client's disconnect
        # handlers, and python-engineio swallows a CancelledError that lands in one.
        while not self._stopped:
            await asyncio.sleep(POLL_RELEASE_DELAY_S)
            await self._sio.release_polling_clients()

    async def cancel(self) -> None:
        self._stopped = True
        await stop_task(self._releasing)


async def _bounded(step: str, work: Awaitable[object]) -> None:
    """One step of the shutdown, cut after `SHUTDOWN_STEP_S`: the process must end, and the
    log says where every task was waiting."""
    try:
        async with asyncio.timeout(SHUTDOWN_STEP_S):
            await work
    except TimeoutError:
        log.error(
            "shutdown_step_overran", step=step, seconds=SHUTDOWN_STEP_S, tasks=waiting_tasks()
        )


def _before_stop_signals(action: Callable[[], None]) -> Callable[[], None]:
    """Runs `action` in this event loop when SIGTERM or SIGINT arrives, then the handler
    that was there (uvicorn's graceful exit). Returns what puts the old handlers back.

    uvicorn runs the lifespan shutdown only after every connection has closed, which a
    long-polling client delays by up to its poll interval: this is the earlier hook.
    """
    if threading.current_thread() is not threading.main_thread():
        return lambda: None
    loop = asyncio.get_running_loop()
    installed: dict[int, tuple[object, Callable[[int, FrameType | None], object]]] = {}
    for sig in (signal.SIGTERM, signal.SIGINT):
        previous = signal.getsignal(sig)
        if not callable(previous):  # nothing stops gracefully on this signal: leave it be
            continue

        def handler(
            signum: int,
            frame: FrameType | None,
            previous: Callable[[int, FrameType | None], object] = previous,
        ) -> None:
            loop.call_soon_threadsafe(action)
            previous(signum, frame)

        signal.signal(sig, handler)
        installed[sig] = (handler, previous)

    def restore() -> None:
        for sig, (handler, previous) in installed.items():
            if signal.getsignal(sig) is handler:
                signal.signal(sig, previous)

    return restore
