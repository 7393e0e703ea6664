"""Settings from `DONGNE_*` environment variables; refuses missing secrets in production."""

from __future__ import annotations

import secrets
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from dongne.kit.db import PoolSize

JWT_SECRET_FILE = "jwt_secret"


class Environment(StrEnum):
    DEVELOPMENT = "development"
    TEST = "test"
    PRODUCTION = "production"


DEFAULT_CHANNEL_CONCURRENCY = 2
EMBEDDED_WARMUP_S = 15.0
# A server database pool of SQLAlchemy's sizes unless configured.
_POOL = PoolSize()


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="DONGNE_", extra="ignore")

    env: Environment = Environment.DEVELOPMENT
    data_dir: Path = Path("var")
    database_url: str | None = None
    # PostgreSQL connections per process, and how long a request waits for one; size the
    # server's max_connections for nodes × (pool size + overflow).
    db_pool_size: int = Field(default=_POOL.size, ge=1)
    db_pool_overflow: int = Field(default=_POOL.overflow, ge=0)
    db_pool_timeout_s: float = Field(default=_POOL.timeout_s, gt=0)
    redis_url: str | None = None
    jwt_secret: str | None = None
    cors_origins: Annotated[list[str], NoDecode] = Field(default_factory=list)
    host: str = "127.0.0.1"
    port: int = 8000
    log_level: str = "info"
    access_token_ttl_s: int = 15 * 60
    refresh_token_ttl_s: int = 30 * 24 * 3600
    # argon2's default of 64 MiB per hash; concurrent hashes are bounded by a semaphore,
    # by default to the cores but one (kit/passwords.py).
    password_hash_memory_kib: int = 64 * 1024
    password_hash_concurrency: int | None = Field(default=None, ge=1)
    demo: bool = False
    # Question notifications one local may receive per hour, across all questions.
    fatigue_cap: int = 10
    # ... and per 24 hours with the router, except for locals on duty (they chose it).
    daily_cap: int = Field(default=10, ge=1)
    # Who hears of a question: "router" (rounds to the locals most likely to answer soon,
    # docs/simulation.md) or "seed-waves" (the seed's four widening waves).
    routing: Literal["router", "seed-waves"] = "router"
    # Tests drive due jobs by hand with an injected clock; servers run the loop.
    run_jobs: bool = True
    typing_auto_stop_s: float = 3.0
    typing_throttle_s: float = 1.0
    typing_expire_s: float = 5.0
    # A reconnect within this time is not announced as offline-then-online.
    presence_debounce_s: float = 2.0
    event_retention_days: int = 7
    # Channels. Push needs only a contact for the VAPID claims; email and SMS are off
    # unless a server or gateway is configured.
    vapid_subject: str = "mailto:operator@dongne.example.com"
    push_ttl_s: int = 3600
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_sender: str = "동네물어봐 <no-reply@dongne.example.com>"
    smtp_use_tls: bool = False
    smtp_start_tls: bool = False
    smtp_username: str | None = None
    smtp_password: str | None = None
    sms_gateway_url: str | None = None
    sms_token: str | None = None
    # Client addresses: X-Forwarded-For is believed only from these proxies (CIDR list).
    trusted_proxies: Annotated[list[str], NoDecode] = Field(default_factory=list)
    rate_connect: str = "100/minute"  # Socket.IO connections per IP (the seed's figure)
    rate_http: str = "600/minute"  # HTTP requests per IP
    rate_event: str = "120/minute"  # any other Socket.IO event, per user and event
    rate_create_question: str = "5/minute"
    rate_create_answer: str = "30/minute"
    # A burst tier as well: a flood of positions is refused after ten, not after sixty,
    # each of which would cost a nearby-questions reply (the web client sends one every
    # 15 s, or every 30 m moved).
    rate_update_location: str = "10/10 seconds;60/minute"
    # Accounts (users/limits.py): ";"-separated tiers, so the wait grows with the attempts.
    rate_register: str = "5/minute;20/hour"  # sign-ups per IP
    rate_login_failures_account: str = "5/minute;10/15 minutes;20/hour"
    rate_login_failures_ip: str = "20/minute;50/15 minutes;100/hour"
    alert_webhook_url: str | None = None  # POSTed when a question passes 10 min unanswered
    # Hotspots (docs/hotspots.md): "near" a hotspot is within this radius; an area is hot
    # when its last 15 minutes have at least `min_questions` and `ratio` times its usual
    # count (from the last `usual_days` of questions); a hot area with fewer online locals
    # than `locals_needed_below` alerts admins. The watch runs every `check_s` seconds.
    hotspot_radius_m: float = Field(default=1000.0, gt=0, le=20_000)
    hotspot_min_questions: int = Field(default=5, ge=1)
    hotspot_ratio: float = Field(default=3.0, ge=1.0)
    hotspot_locals_needed_below: int = Field(default=3, ge=0)
    hotspot_usual_days: float = Field(default=7.0, gt=0)
    hotspot_check_s: float = Field(default=30.0, gt=0)
    # An HTTP request or Socket.IO event taking longer is logged as `slow_handler` (WARNING).
    slow_handler_ms: float = 100.0
    push_concurrency: int = 2
    email_concurrency: int = 5
    sms_concurrency: int = 5
    webhook_concurrency: int = 2
    # After a start, the job loop waits this long before its first pass, so reconnecting
    # clients are in the presence index before overdue waves run (docs/reliability.md).
    # None: 15 s embedded, 0 scaled (the shared Redis index outlives a node).
    jobs_warmup_s: float | None = None
    # A push/email/SMS send whose process died is taken over after this (jobs/service.py).
    jobs_lease_s: float = Field(default=120.0, gt=0)
    # Logs the event loop's lag once a second (bench/README.md, "Event-loop lag").
    loop_lag_probe: bool = False

    @model_validator(mode="before")
    @classmethod
    def _split_lists(cls, values: dict[str, object]) -> dict[str, object]:
        for key in ("cors_origins", "trusted_proxies"):
            raw = values.get(key)
            if isinstance(raw, str):
                values[key] = [item.strip() for item in raw.split(",") if item.strip()]
        return values

    @model_validator(mode="after")
    def _production_needs_secret(self) -> Settings:
        if self.env is Environment.PRODUCTION and not self.jwt_secret:
            raise ValueError("DONGNE_JWT_SECRET must be set when DONGNE_ENV=production")
        return self

    def channel_concurrency(self, channel: str) -> int:
        """Deliveries at once per node, by the channel names of infra/senders/base.py."""
        value = getattr(self, f"{channel}_concurrency", None)
        return value if isinstance(value, int) else DEFAULT_CHANNEL_CONCURRENCY

    def event_limit(self, event: str) -> str:
        specific = {
            "create_question": self.rate_create_question,
            "create_answer": self.rate_create_answer,
            "update_location": self.rate_update_location,
        }
        return specific.get(event, self.rate_event)

    @property
    def resolved_jobs_warmup_s(self) -> float:
        if self.jobs_warmup_s is not None:
            return self.jobs_warmup_s
        return 0.0 if self.redis_url else EMBEDDED_WARMUP_S

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite+aiosqlite:///{self.data_dir / 'dongne.db'}"

    def resolved_jwt_secret(self) -> str:
        """The configured secret, or (outside production) one generated once and kept on disk."""
        if self.jwt_secret:
            return self.jwt_secret
        path = self.data_dir / JWT_SECRET_FILE
        if path.exists():
            return path.read_text().strip()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        secret = secrets.token_urlsafe(48)
        path.write_text(secret)
        path.chmod(0o600)
        return secret
