"""Structured JSON logs (structlog) for our own events and for uvicorn's."""

from __future__ import annotations

import logging
import sys
from typing import Any

import structlog

HANDLER_NAME = "dongne-json"

# Keys whose values must never reach a log line, whoever logs them.
SECRET_KEYS = frozenset({"password", "token", "access_token", "refresh_token", "auth", "secret"})


def _drop_secrets(
    _logger: object, _name: str, event_dict: structlog.types.EventDict
) -> structlog.types.EventDict:
    for key in SECRET_KEYS & event_dict.keys():
        event_dict[key] = "[redacted]"
    return event_dict


def configure_logging(level: str = "info") -> None:
    shared: list[structlog.types.Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        _drop_secrets,
    ]
    structlog.configure(
        # Filtering first: a line below the level costs one level check, not the whole chain
        # (one INFO line per request and event must stay cheap when the level is WARNING).
        processors=[
            structlog.stdlib.filter_by_level,
            *shared,
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            processors=[
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                structlog.processors.format_exc_info,
                structlog.processors.JSONRenderer(),
            ],
            foreign_pre_chain=shared,
        )
    )
    handler.set_name(HANDLER_NAME)
    root = logging.getLogger()
    # Replace only our own handler: others (a test's log capture) stay attached.
    root.handlers[:] = [h for h in root.handlers if h.get_name() != HANDLER_NAME] + [handler]
    root.setLevel(level.upper())
    for name in (
        "uvicorn",
        "uvicorn.error",
        "uvicorn.access",
        "engineio.server",
        "socketio.server",
    ):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
    # Engine.IO and Socket.IO log every packet at INFO; our own connect/disconnect logs suffice.
    logging.getLogger("engineio.server").setLevel(logging.WARNING)
    logging.getLogger("socketio.server").setLevel(logging.WARNING)


def log_handled(
    logger: Any, event: str, *, duration_ms: float, slow_ms: float, **fields: Any
) -> None:
    """The one INFO line of a handled request or Socket.IO event, and past `slow_ms` a
    `slow_handler` WARNING as well (it still shows when the level hides INFO)."""
    duration_ms = round(duration_ms, 2)
    logger.info(event, duration_ms=duration_ms, **fields)
    if duration_ms > slow_ms:
        logger.warning(
            "slow_handler", kind=event, duration_ms=duration_ms, threshold_ms=slow_ms, **fields
        )
