"""Prometheus metrics of this process (one /metrics endpoint per process when scaled)."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

# Minutes matter for the business goal (a first answer within 10), so the buckets do too.
FIRST_ANSWER_BUCKETS = (30, 60, 120, 180, 300, 420, 600, 900, 1800, 3600, 7200)
FAST_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)

CONNECTED_SOCKETS = Gauge("dongne_connected_sockets", "Socket.IO connections on this node")
CONNECTED_USERS = Gauge("dongne_connected_users", "Users with at least one socket on this node")
EVENTS_IN = Counter("dongne_events_in_total", "Socket.IO events received", ["event"])
EVENTS_OUT = Counter("dongne_events_out_total", "Socket.IO events sent", ["event"])
ERRORS = Counter("dongne_errors_total", "Refusals and failures sent to clients", ["code"])
EMIT_SECONDS = Histogram(
    "dongne_emit_seconds", "Time to hand one emit to Socket.IO", buckets=FAST_BUCKETS
)
FIRST_ANSWER_SECONDS = Histogram(
    "dongne_first_answer_seconds",
    "Time from a question to its first answer",
    ["region", "urgency"],
    buckets=FIRST_ANSWER_BUCKETS,
)
NOTIFICATIONS = Counter("dongne_notifications_total", "Notifications sent", ["wave", "channel"])
JOB_LAG_SECONDS = Histogram(
    "dongne_job_lag_seconds",
    "How late a durable job started after it was due",
    ["kind"],
    buckets=FAST_BUCKETS,
)
JOBS = Gauge("dongne_jobs", "Durable jobs by status", ["status"])
SLOW_ANSWERS = Counter(
    "dongne_slow_answer_alerts_total", "Questions that passed 10 minutes without an answer"
)
